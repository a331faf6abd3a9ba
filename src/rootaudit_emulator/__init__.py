"""The embedded emulated AWS account: moto's server in this process, plus what moto lacks for root posture.

    from rootaudit_emulator import Emulator
    with Emulator() as emu:
        acct = emu.load("demo")          # reset, then build a shipped scenario (or a YAML path, or a dict)
        os.environ.update(acct.env())    # AWS_ENDPOINT_URL + credentials that land in acct.account_id

Modules: server (Emulator, EmulatedAccount), scenario (YAML schema and applying it), root_state (in-process
state on moto's objects), grafts (operations moto lacks), interceptor (recorder, failure knobs), faults (the
errors AWS really returns, switched on per scenario),
filter_pattern (CloudWatch Logs filter patterns for logs:TestMetricFilter).
"""
from .scenario import ScenarioError, build_org, list_scenarios, scenario_path
from .server import EmulatedAccount, Emulator, environment

__all__ = [
           "EmulatedAccount",
           "Emulator",
           "ScenarioError",
           "build_org",
           "environment",
           "list_scenarios",
           "scenario_path",
]
