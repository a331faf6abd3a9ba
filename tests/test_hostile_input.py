"""Hostile input: arbitrary evidence shapes and arbitrary YAML give a verdict or a clear error, never a crash."""
from __future__ import annotations

import dataclasses
import os
import string

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evidence_builders import NOW
from rootaudit import config as config_mod
from rootaudit.checks import CATALOGUE
from rootaudit.config import AuditConfig, ConfigError
from rootaudit.engine import evaluate_check
from rootaudit.findings import Status, Verdict

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.floats(allow_nan=True) | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=20,
)
# Keys the evaluators actually read, so the fuzzing reaches past the first isinstance check.
KNOWN_KEYS = ["status", "enabled", "set", "email", "role", "root", "generated_time", "rules", "error", "policies",
              "content", "arn", "account", "partition", "multi_region", "is_logging", "management_events", "read",
              "write", "log_group_arn", "log_groups", "filters", "alarms", "topics", "matches_root",
              "AccountMFAEnabled", "AccountPasswordPresent", "AccountAccessKeysPresent",
              "AccountSigningCertificatesPresent", "user_arn", "password_last_used", "access_key_1_last_used_date",
              "us-east-1", "us-east-2", "us-west-2"]
shaped = st.recursive(
    json_values,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.sampled_from(KNOWN_KEYS), children,
                                                                      max_size=6),
    max_leaves=25,
)


def _assert_verdict(check, evidence, config):
    """check.evaluate itself, not engine.evaluate_check: the engine turns a raise into ERROR, which would hide it."""
    verdict = check.evaluate(evidence, config)  # an exception here fails the test
    assert isinstance(verdict, Verdict) and isinstance(verdict.status, Status), (check.id, verdict)
    assert verdict.status in check.statuses, f"{check.id} returned {verdict.status}, which it does not declare"
    assert isinstance(verdict.reason, str) and verdict.reason.strip()
    assert isinstance(verdict.evidence, dict)
    return verdict


CONFIGS = [AuditConfig(root_email_pattern=r".*@example\.com"), AuditConfig()]


# `make mutants` runs this once per mutant: it asks for fewer examples (the fixed junk below still runs in full).
EXAMPLES = int(os.environ.get("ROOTAUDIT_HYPOTHESIS_EXAMPLES", "60"))


# slow generation under load is not a defect
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_evaluators_always_return_a_verdict(data):
    for check in CATALOGUE:
        evidence = {s: data.draw(shaped, label=s) for s in check.sources}
        evidence["now"] = NOW
        _assert_verdict(check, evidence, data.draw(st.sampled_from(CONFIGS), label="config"))


JUNK = [None, {}, [], "", "x", 0, 1, True, {"status": "ok"}, {"set": None}, {"error": None}, [None], [{}],
        {"rules": None}, {"root": {}}, {"us-east-1": {}}, {"policies": [None, {}]}]


@pytest.mark.parametrize("check", CATALOGUE, ids=lambda c: c.id)
def test_each_source_alone_can_be_junk(check):
    """Every source of every check replaced, one at a time and all together, by each junk value."""
    good = {s: {} for s in check.sources}
    for junk in JUNK:
        for source in check.sources:
            for config in CONFIGS:
                _assert_verdict(check, dict(good, **{source: junk}, now=NOW), config)
        _assert_verdict(check, dict({s: junk for s in check.sources}, now=NOW), CONFIGS[0])
    _assert_verdict(check, {}, CONFIGS[0])  # not even "now"


def test_engine_turns_a_raising_evaluator_into_error():
    """The safety net behind the property above, tested with a real raise."""
    check = dataclasses.replace(CATALOGUE[0], evaluate=lambda ev, cfg: {}["missing"])
    verdict = evaluate_check(check, {"now": NOW}, AuditConfig())
    assert verdict.status is Status.ERROR and "KeyError" in verdict.reason and check.id in verdict.reason
    wrong = dataclasses.replace(CATALOGUE[0], evaluate=lambda ev, cfg: "PASS")
    assert evaluate_check(wrong, {"now": NOW}, AuditConfig()).status is Status.ERROR


yaml_docs = st.one_of(
    st.text(alphabet=string.printable, max_size=80),
    json_values.map(lambda v: yaml.safe_dump(v)),
    st.fixed_dictionaries({}, optional={
        "org": st.one_of(json_values, st.fixed_dictionaries({}, optional={"root_email_pattern": json_values})),
        "audit": st.one_of(json_values, st.dictionaries(
            st.sampled_from(["recent_use_days", "signin_regions", "credential_report_timeout_seconds",
                             "org_role_name", "org_max_workers"]), json_values, max_size=5)),
    }).map(lambda v: yaml.safe_dump(v)),
)


@settings(max_examples=200, deadline=None)
@given(yaml_docs)
def test_config_loader_gives_a_config_or_a_clear_error(text):
    try:
        cfg = config_mod.parse(text, "handbook.yml")
    except ConfigError as exc:
        message = str(exc)
        assert message.startswith("handbook.yml") and "\n" not in message and "Traceback" not in message
    else:
        assert isinstance(cfg, AuditConfig) and cfg.signin_regions and cfg.recent_use_days >= 1
