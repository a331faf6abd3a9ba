"""Recorded AWS responses (tests/fixtures/aws/<service>/<Operation>--<aws-page-slug>[--<state>].json) fed through
botocore's Stubber, which validates each one against the service model before the product sees it.

The emulator is written alongside the checks; these responses are shaped like the examples on AWS's own pages (the
file name says which page, the file's "source" gives its address), so a test built on them checks the product against
AWS rather than against our own reading of it. Cloud Custodian's placebo recordings are the model: one JSON file per
response, {"status_code": ..., "data": {...}}, an error being {"Error": {"Code": ..., "Message": ...}}.

A string value "{sample:N}" stands for the N-th message rootaudit sends to logs:TestMetricFilter (the messages embed
the account id), so a recorded TestMetricFilter answer echoes exactly what was sent, as AWS does.
"""
from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from typing import Any

import boto3
from botocore.stub import Stubber

from rootaudit.config import AuditConfig
from rootaudit.evidence import samples
from rootaudit.evidence.collector import Collector, Context

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "aws"
ACCOUNT = "111111111111"
_SAMPLE = re.compile(r"^\{sample:(\d)\}$")


def fixture(service: str, name: str) -> dict:
    """The recorded file tests/fixtures/aws/<service>/<name>.json."""
    return json.loads((FIXTURES / service / f"{name}.json").read_text(encoding="utf-8"))


def answer_by_operation(stubber: Stubber) -> Stubber:
    """Calls the product makes side by side (Context.map: a trail's GetTrailStatus and GetEventSelectors) reach the
    Stubber in either order, by thread timing: each call takes the first queued answer for its own operation (answers
    of one operation keep their order), under a lock, instead of failing on the order under load. Before activate()."""
    lock = threading.RLock()
    check_order = stubber._assert_expected_call_order

    def to_front(model, params):
        with lock:
            queue = stubber._queue
            i = next((i for i, q in enumerate(queue) if q["operation_name"] == model.name), 0)
            if i:
                answer = queue[i]
                del queue[i]
                queue.appendleft(answer)
            check_order(model, params)

    def respond(model, params, context, **kwargs):
        with lock:
            to_front(model, params)
            return stubber._queue.popleft()["response"]

    stubber._assert_expected_call_order = to_front
    stubber._get_response_handler = respond
    return stubber


def _resolve(value: Any, messages: list[str]) -> Any:
    if isinstance(value, dict):
        return {k: _resolve(v, messages) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, messages) for v in value]
    if isinstance(value, str) and (m := _SAMPLE.match(value)):
        return messages[int(m.group(1))]
    return value


class RecordedSession:
    """Looks like a boto3.Session to rootaudit: .client(service, region_name=..., config=...) and .region_name.

    plan maps (service, region) to the fixture names answered in call order, e.g.
    {("events", "us-east-1"): ["ListRules--API_ListRules--root-signin", ...]}. A call nobody recorded fails, as
    an unexpected call should; pending() lists recorded answers that were never asked for.
    """

    def __init__(self, plan: dict[tuple[str, str], list[str]], region: str | None = "us-east-1",
                 account: str = ACCOUNT, partition: str = "aws"):
        self.region_name = region
        self._base = boto3.Session(aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
                                   aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                                   region_name=region or "us-east-1")
        messages = [json.dumps(m["record"]) for m in samples.metric_filter_messages(account, partition)]
        self.plan = {key: [(name.split("--")[0], _resolve(fixture(key[0], name), messages)) for name in names]
                     for key, names in plan.items()}
        self.clients: dict = {}
        self.stubbers: dict = {}
        for service, where in self.plan:  # build eagerly: a response AWS could not send fails here, loudly
            self.client(service, where)

    def client(self, service: str, region_name: str | None = None, config=None):
        key = (service, region_name or self.region_name or "us-east-1")
        if key not in self.clients:
            client = self._base.client(service, region_name=key[1], config=config)
            stubber = answer_by_operation(Stubber(client))
            methods = {api: py for py, api in client.meta.method_to_api_mapping.items()}
            for operation, recorded in self.plan.get(key, []):
                data, status = recorded["data"], recorded.get("status_code", 200)
                if status >= 300:
                    error = data["Error"]
                    stubber.add_client_error(methods[operation], service_error_code=error["Code"],
                                             service_message=error.get("Message", ""), http_status_code=status)
                else:
                    stubber.add_response(methods[operation], data)
            stubber.activate()
            self.clients[key], self.stubbers[key] = client, stubber
        return self.clients[key]

    def pending(self) -> dict[str, list[str]]:
        """Recorded answers the product never asked for (a call it skipped)."""
        return {f"{s}@{r}": [q["operation_name"] for q in st._queue]
                for (s, r), st in self.stubbers.items() if st._queue}


def collector(plan: dict[tuple[str, str], list[str]], config: AuditConfig | None = None,
              region: str = "us-east-1", **session_args) -> tuple[Collector, RecordedSession]:
    """A Collector whose every AWS answer comes from the recorded fixtures."""
    session = RecordedSession(plan, region=region, **session_args)
    ctx = Context(session=session, config=config or AuditConfig(), region=region)
    return Collector(ctx), session
