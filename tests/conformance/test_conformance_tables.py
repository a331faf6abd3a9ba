"""The emulator against AWS's documentation: every case of the conformance tables, sent over HTTP.

Each case (tests/conformance/*.yaml) is a pattern, one event and the result AWS documents for it. The emulator's
grafted logs:TestMetricFilter / events:TestEventPattern must give that result, unless the case names a
known_difference: then the test asserts the emulator *still* differs, so a fix is noticed and the table updated.
Cases AWS gives no result for (documented: false) only have to be answered without a server error.
"""
from __future__ import annotations

import json

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from handbook_site import conformance

TABLES = {name: conformance.load_table(name) for name in conformance.TITLES}
NO_RETRY = Config(retries={"max_attempts": 1, "mode": "standard"})
MINIMUM_DOCUMENTED = {"logs_filter_patterns": 60, "event_patterns": 45}  # issue 12's floor


def cases(name):
    return [pytest.param(case, id=case["id"]) for case in TABLES[name].cases]


@pytest.fixture(scope="module")
def clients(emulator):
    account = emulator.load("standalone")
    session = account.session()
    made = {svc: session.client(svc, region_name=account.region, endpoint_url=account.endpoint_url, config=NO_RETRY)
            for svc in ("logs", "events")}
    yield made
    emulator.reset()


def over_http(name, case, clients):
    """(outcome, extracted values) as the emulator answers over HTTP; any other error code fails the test."""
    table = TABLES[name]
    try:
        if name == "logs_filter_patterns":
            found = clients["logs"].test_metric_filter(filterPattern=case["pattern"],
                                                       logEventMessages=[case["event"]])["matches"]
            return ("match", found[0].get("extractedValues", {})) if found else ("no-match", {})
        result = clients["events"].test_event_pattern(EventPattern=case["pattern"], Event=case["event"])["Result"]
        return ("match" if result else "no-match"), {}
    except ClientError as error:
        got = error.response["Error"]["Code"]
        assert got == table.error_code, f"{case['id']}: unexpected {got}: {error}"
        return "error", {}


def check(name, case, clients):
    outcome, extracted = over_http(name, case, clients)
    if not conformance.documented(case):
        assert outcome in conformance.OUTCOMES
        return
    agrees = conformance.agrees(case, outcome, extracted)
    if case.get("known_difference"):
        assert not agrees, f"{case['id']} now agrees with AWS: drop its known_difference ({case['known_difference']})"
    else:
        assert agrees, (f"{case['id']}: AWS documents {case['expected']} ({case['source']}), the emulator says "
                        f"{outcome} {extracted or ''}\n  pattern: {case['pattern']}\n  event:   {case['event']}")
    # the handbook's figures come from the in-process run: it must see exactly what the server answers
    assert conformance.EVALUATORS[name](case) == (outcome, extracted)


@pytest.mark.parametrize("case", cases("logs_filter_patterns"))
def test_logs_filter_pattern_case(case, clients):
    check("logs_filter_patterns", case, clients)


@pytest.mark.parametrize("case", cases("event_patterns"))
def test_event_pattern_case(case, clients):
    check("event_patterns", case, clients)


@pytest.mark.parametrize("name", list(TABLES))
def test_table_has_enough_documented_cases_with_sources(name):
    table = TABLES[name]
    documented = [c for c in table.cases if conformance.documented(c)]
    assert len(documented) >= MINIMUM_DOCUMENTED[name]
    hosts = ("https://docs.aws.amazon.com/", "https://github.com/aws/")
    assert [c["id"] for c in table.cases if not c["source"].startswith(hosts)] == []
    assert {c["expected"] for c in documented} == set(conformance.OUTCOMES)  # each outcome is exercised


def test_event_cases_are_valid_testeventpattern_events():
    # TestEventPattern refuses an event without these fields (ValidationException), which would hide the case
    for case in TABLES["event_patterns"].cases:
        event = json.loads(case["event"])
        assert {"id", "account", "source", "time", "region", "detail-type"} <= set(event), case["id"]


def test_page_figures_come_from_running_the_cases(monkeypatch):
    figures = conformance.run_all()
    section = conformance.render_page_section()
    for f in figures:
        assert f"| {f.documented_count} | {len(f.passed)} | {len(f.differences)} | {len(f.undocumented)} |" in section
    # an evaluator that answers wrongly must stop the build, not publish lower (or stale) figures
    monkeypatch.setitem(conformance.EVALUATORS, "event_patterns", lambda case: ("match", {}))
    with pytest.raises(ValueError, match="event_patterns: cases disagree with AWS"):
        conformance.render_page_section()


def test_a_fixed_known_difference_is_reported(monkeypatch):
    table = conformance.load_table("event_patterns")
    case = dict(table.cases[0], known_difference="pretend the emulator differs here")
    monkeypatch.setattr(conformance, "load_table", lambda name: conformance.Table(
        name, table.title, table.operation, table.error_code, [case]))
    assert conformance.run_table("event_patterns").fixed == [case["id"]]


def test_aws_pages_the_tables_cite_are_recorded_in_sources_yml():
    # the reference page renders every case's source link, so they follow the handbook's sources rule too
    import yaml

    recorded = yaml.safe_load((conformance.ROOT / "sources.yml").read_text(encoding="utf-8"))["pages"]
    limits = yaml.safe_load((conformance.TABLES_DIR / "emulator_limits.yaml").read_text(encoding="utf-8"))
    cited = {c["source"].split("#")[0] for t in TABLES.values() for c in t.cases} | {e["source"] for e in limits}
    assert sorted(u for u in cited if u.startswith("https://docs.aws.amazon.com/") and u not in recorded) == []
