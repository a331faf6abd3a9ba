"""Sessions whose every AWS answer is replayed through botocore's Stubber, for states the emulator cannot hold.

The Stubber checks each canned response against AWS's service model (botocore), so a response AWS could not send
is rejected; an unexpected call fails the call (and shows up as a wrong verdict), `pending()` lists the answers the
code never asked for and `called` every operation it asked for. Unlike recorded.RecordedSession, the plan holds the
answers themselves, so a test can trim a recorded answer (some accounts only) or give an error inline.
"""
from __future__ import annotations

import copy

import boto3
from botocore.stub import Stubber

from recorded import answer_by_operation, fixture


def recorded(service: str, name: str) -> dict:
    """The data of a recorded response (tests/fixtures/aws, see its README), to answer as is or edit per case."""
    return copy.deepcopy(fixture(service, name)["data"])


class Err:
    """An AWS error answer: the code the service model names, AWS's message, the HTTP status."""

    def __init__(self, code: str, message: str = "", status: int = 400):
        self.code, self.message, self.status = code, message, status


class StubbedSession:
    """Stands in for boto3.Session: .client(service, region_name=..., config=...) and .region_name.

    plan: {(service, region): [(OperationName, response dict | Err), ...]} in call order.
    """

    def __init__(self, plan: dict, region: str = "us-east-1"):
        self.region_name = region
        self._base = boto3.Session(aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
                                   aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                                   region_name=region)
        self._session = self._base._session  # the org scan shares its data loader with member sessions
        self.plan = {k: list(v) for k, v in plan.items()}
        self.stubbers: dict = {}
        self.clients: dict = {}
        self.called: list[str] = []  # every operation the code asked for, answered or not
        for service, where in list(self.plan):
            self.client(service, where)  # build eagerly: a malformed answer fails here, loudly

    def client(self, service: str, region_name: str | None = None, config=None):
        key = (service, region_name or self.region_name)
        if key not in self.clients:
            client = self._base.client(service, region_name=key[1], config=config)
            stubber = answer_by_operation(Stubber(client))  # side-by-side calls in any order
            methods = {api: py for py, api in client.meta.method_to_api_mapping.items()}
            for operation, answer in self.plan.get(key, []):
                if isinstance(answer, Err):
                    stubber.add_client_error(methods[operation], service_error_code=answer.code,
                                             service_message=answer.message, http_status_code=answer.status)
                else:
                    stubber.add_response(methods[operation], answer)
            client.meta.events.register_first("before-parameter-build", self._record)
            stubber.activate()
            self.clients[key], self.stubbers[key] = client, stubber
        return self.clients[key]

    def _record(self, model, **_) -> None:
        self.called.append(model.name)

    def pending(self) -> dict:
        """Answers the code never asked for."""
        return {f"{k[0]}@{k[1]}": [r["operation_name"] for r in s._queue] for k, s in self.stubbers.items()
                if s._queue}


def caller(account: str, role: str = "SecurityAudit", session: str = "alice") -> dict:
    return {"UserId": f"AROAEXAMPLEID12345678:{session}", "Account": account,
            "Arn": f"arn:aws:sts::{account}:assumed-role/{role}/{session}"}
