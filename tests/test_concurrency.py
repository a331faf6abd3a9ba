"""Evidence fetched concurrently, against the real emulated account: each source once however many threads ask,
every call logged under the source that made it, and org members signed each with their own credentials.

The emulator adds latency to each request here so that threads really overlap while a fetch is in flight.
"""
from __future__ import annotations

import threading
from pathlib import Path

import pytest

from rootaudit import config as config_mod
from rootaudit.checks import CATALOGUE
from rootaudit.evidence import clients
from rootaudit.evidence.collector import Collector, Context
from rootaudit.evidence.errors import SourceFailed
from rootaudit.evidence.sources import SOURCES
from rootaudit.org.scps import Once

CFG = config_mod.load(Path(__file__).resolve().parents[1] / "handbook.yml")


@pytest.fixture
def slow(emulator):
    emulator.latency_ms = 30
    yield emulator
    emulator.latency_ms = 0


def _together(n: int, fn) -> list:
    """Run fn in n threads released at the same instant; their results (or exceptions)."""
    barrier, out = threading.Barrier(n), [None] * n

    def run(i):
        barrier.wait()
        try:
            out[i] = fn()
        except Exception as exc:  # noqa: BLE001 - returned for the test to inspect
            out[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def test_concurrent_gets_of_one_source_fetch_it_once(load, slow):
    account = load("demo")
    slow.clear_recorded()
    collector = Collector(Context(session=account.session(), config=CFG, region=account.region))
    results = _together(8, lambda: collector.get("root_usage_monitoring"))  # reads trails and caller too
    assert all(r == results[0] for r in results) and isinstance(results[0], dict)
    recorded = slow.recorded()
    for action in ("sts:GetCallerIdentity", "cloudtrail:DescribeTrails", "logs:DescribeMetricFilters"):
        assert recorded.count(action) == 1, (action, recorded)


def test_concurrent_gets_of_a_failing_source_fail_once(load, slow):
    account = load("demo")
    slow.fail("cloudtrail:DescribeTrails", code="AccessDenied")
    slow.clear_recorded()
    collector = Collector(Context(session=account.session(), config=CFG, region=account.region))
    results = _together(6, lambda: collector.get("trails"))
    assert all(isinstance(r, SourceFailed) and r.error.kind == "AccessDenied" for r in results)
    assert slow.recorded().count("cloudtrail:DescribeTrails") == 1


def test_prefetch_logs_each_call_under_its_own_source(load, slow):
    account = load("demo")
    ctx = Context(session=account.session(), config=CFG, region=account.region)
    collector = Collector(ctx)
    collector.prefetch({s for c in CATALOGUE for s in c.sources})
    assert not collector.errors
    assert "" not in ctx.source_log  # no call made outside a source's fetcher
    for source, lines in ctx.source_log.items():
        services = {action.split(":")[0] for action in SOURCES[source].actions}
        assert {line.split(".")[0] for line in lines} <= services, (source, lines)
    assert len(ctx.source_log["eventbridge"]) >= len(CFG.signin_regions)  # one ListRules per region at least
    assert sorted(sum(ctx.source_log.values(), [])) == sorted(ctx.log)


def test_once_fetches_each_key_once_across_threads():
    cache, fetched = Once(), []

    def fetch():
        fetched.append(1)
        threading.Event().wait(0.05)  # long enough for every thread to ask while it runs
        return "value"

    assert _together(8, lambda: cache.once("ou-1", fetch)) == ["value"] * 8
    assert len(fetched) == 1


def test_a_shared_member_client_refuses_a_call_outside_its_account(load):
    """Members of an org scan share clients; a call must carry its member's credentials, never a default."""
    account = load("demo")
    member = clients.account_session(account.credentials, account.region, base=object)
    bound = member.bound_client("sts", account.region)
    assert bound.get_caller_identity()["Account"] == account.account_id
    with pytest.raises(RuntimeError, match="outside its account's session"):
        bound._client.get_caller_identity()  # the shared client itself, with no member's credentials set
