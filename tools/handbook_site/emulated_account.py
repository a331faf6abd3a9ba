"""What the emulated account offers, read from the emulator itself at build time (for the handbook's reference page).

- grafted operations: every moto class method the emulator replaces, found after grafts.install() through the
  originals each graft keeps on its class, named by botocore's model;
- operations the checks use: the least-privilege policy's actions, each marked as grafted or plain moto;
- scenarios: the shipped scenario files and the first sentence of their descriptions.
"""
from __future__ import annotations

import gc
import re
from functools import cache

import yaml

# Services moto lacks entirely, answered by the emulator's own module in front of moto (rootaudit_emulator/<name>.py).
OWN_SERVICES = ("signin",)
GRAFT_MARK = "_rootaudit_originals"  # the attribute grafts._graft keeps the replaced methods in
SERVICE_MODEL = {"cloudtrail": "cloudtrail", "cloudwatch": "cloudwatch", "events": "events", "iam": "iam",
                 "logs": "logs", "organizations": "organizations", "sts": "sts", "account": "account"}


@cache
def _operations(service: str) -> dict[str, str]:
    """snake_case method name -> the operation's name in botocore's model."""
    import botocore.session
    from botocore import xform_name

    model = botocore.session.get_session().get_service_model(service)
    return {xform_name(op): op for op in model.operation_names}


def grafted() -> list[tuple[str, str, str]]:
    """(service, operation or moto attribute, kind) for every graft, sorted; kind says what was replaced."""
    from rootaudit_emulator import grafts

    grafts.install()
    rows = set()
    for cls in gc.get_objects():
        if not (isinstance(cls, type) and GRAFT_MARK in cls.__dict__ and cls.__module__.startswith("moto.")):
            continue
        service = cls.__module__.split(".")[1]
        is_handler = cls.__module__.endswith(".responses")
        for method in cls.__dict__[GRAFT_MARK]:
            operation = _operations(SERVICE_MODEL.get(service, service)).get(method)
            if operation is None:
                rows.add((service, f"{cls.__name__}.{method}", "moto internals"))
            else:
                rows.add((service, operation, "handler" if is_handler else "moto model"))
    return sorted(rows)


def check_operations() -> list[str]:
    """The AWS actions the checks and the org scan call, as the least-privilege policy lists them."""
    from rootaudit.policy import ORG_SCAN_ACTIONS, check_actions

    return sorted(set(check_actions()) | set(ORG_SCAN_ACTIONS))


def scenarios() -> list[tuple[str, str]]:
    from rootaudit_emulator.scenario import SCENARIO_DIR, list_scenarios

    out = []
    for name in list_scenarios():
        spec = yaml.safe_load((SCENARIO_DIR / f"{name}.yaml").read_text(encoding="utf-8")) or {}
        text = " ".join(str(spec.get("description", "")).split())
        first = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
        out.append((name, first.replace("|", "\\|")))
    return out


# ------------------------------------------------------------------------------------------------ rendering


def render_support() -> str:
    graft_rows = grafted()
    answered = {f"{s}:{op}" for s, op, kind in graft_rows if kind != "moto internals"}
    lines = ["### Operations the checks call", "",
             "Every action in the [least-privilege policy](iam-policy.md), and who answers it in the emulator.", "",
             "| Action | Answered by |", "|---|---|"]
    own = set(OWN_SERVICES)
    for action in check_operations():
        who = "emulator (moto has no such service)" if action.split(":")[0] in own else (
            "graft" if action in answered else "moto")
        lines.append(f"| `{action}` | {who} |")
    lines += ["", "### Grafted operations", "",
              f"{len(graft_rows)} places where the emulator replaces part of moto: *handler* means the emulator's "
              "code answers the request (reading moto's data), *moto model* that moto answers but a model method "
              "it relies on was changed to behave like AWS.", "", "| Service | Operation | Replaced |",
              "|---|---|---|"]
    lines += [f"| {service} | `{operation}` | {kind} |" for service, operation, kind in graft_rows]
    lines += ["", "### Scenarios", "", "| Scenario | What it holds |", "|---|---|"]
    lines += [f"| `{name}` | {first} |" for name, first in scenarios()]
    return "\n".join(lines)


def render_limits() -> str:
    """The account-level known differences, from tests/conformance/emulator_limits.yaml (each one tested)."""
    from handbook_site.conformance import TABLES_DIR

    limits = yaml.safe_load((TABLES_DIR / "emulator_limits.yaml").read_text(encoding="utf-8"))
    lines = ["| What | On AWS | In the emulator |", "|---|---|---|"]
    for entry in limits:
        lines.append(f"| {entry['what']} | {entry['aws']} ([AWS]({entry['source']})) | {entry['emulator']} |")
    return "\n".join(lines)
