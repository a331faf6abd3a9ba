"""Read-only, proven: what a full scan really calls equals what the catalogue declares, and every call is a Read or
List action according to policy_sentry's IAM database (AWS's service authorization reference), not to its name."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from policy_sentry.querying.actions import get_action_data

from expected import EXPECTED
from handbook_site.macros import POLICY_FILE
from rootaudit import config as config_mod
from rootaudit.checks import CATALOGUE
from rootaudit.engine import scan
from rootaudit.policy import ORG_SCAN_ACTIONS, check_actions, policy_json

CFG = config_mod.load(Path(__file__).resolve().parents[1] / "handbook.yml")
# Credential exchanges, not changes: they create nothing in the account. AssumeRoot is further limited by the policy
# to the read-only IAMAuditRootUserCredentials task policy.
CREDENTIAL_EXCHANGE = {"sts:AssumeRole", "sts:AssumeRoot"}


# Actions newer than policy_sentry 0.15.2's database, with the access level AWS's Service Authorization Reference
# gives them (https://docs.aws.amazon.com/service-authorization/latest/reference/list_signin.html, June 2026).
NEWER_THAN_POLICY_SENTRY = {
    "signin:GetConsoleAuthorizationConfiguration": "Read",
    "signin:GetResourcePolicy": "Read",
}


def access_level(action: str) -> str | None:
    service, name = action.split(":")
    rows = (get_action_data(service, name) or {}).get(service) or []
    return rows[0].get("access_level") if rows else NEWER_THAN_POLICY_SENTRY.get(action)


@pytest.fixture(scope="module")
def recorded_by_scenario(emulator):
    seen = {}
    for scenario in sorted(EXPECTED):
        account = emulator.load(scenario)
        with account.environment():
            emulator.clear_recorded()
            scan(session=account.session(), config=CFG)
            seen[scenario] = set(emulator.recorded())
    emulator.reset()
    return seen


def test_recorded_calls_equal_declared_actions(recorded_by_scenario):
    declared = set(check_actions())
    for scenario, calls in recorded_by_scenario.items():
        assert calls <= declared, f"{scenario} called undeclared actions: {calls - declared}"
    exercised = set().union(*recorded_by_scenario.values())
    assert exercised == declared, f"declared but never called in any scenario: {declared - exercised}"


def test_every_check_action_is_read_or_list():
    levels = {a: access_level(a) for a in check_actions()}
    assert all(levels.values()), f"unknown to policy_sentry: {[a for a, v in levels.items() if not v]}"
    writes = {a: v for a, v in levels.items() if v not in ("Read", "List")}
    assert not writes, writes


def test_org_scan_actions_are_read_list_or_credential_exchange():
    levels = {a: access_level(a) for a in ORG_SCAN_ACTIONS}
    assert {a for a, v in levels.items() if v not in ("Read", "List")} == CREDENTIAL_EXCHANGE


def test_committed_policy_matches_the_catalogue():
    assert POLICY_FILE.read_text() == policy_json(), "the catalogue changed: run `make policy` and commit the file"
    policy = json.loads(POLICY_FILE.read_text())
    granted = set()
    for st in policy["Statement"]:
        granted |= set(st["Action"] if isinstance(st["Action"], list) else [st["Action"]])
    assert granted == set(check_actions()) | set(ORG_SCAN_ACTIONS)
    assert {a for c in CATALOGUE for a in c.actions} <= granted
