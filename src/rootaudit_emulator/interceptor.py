"""A thin WSGI layer in front of moto: records operations, injects failures, fences root sessions.

It sits between werkzeug and moto's dispatcher, so it sees every request exactly as AWS would: the service
from the SigV4 credential scope and the operation from the protocol (query ``Action=``, JSON ``X-Amz-Target``,
the RPC v2 CBOR path, or a REST route of botocore's model).  Failures are answered here, before moto, in the
wire format of the request's protocol, so botocore raises the same ClientError it would against AWS.
"""
from __future__ import annotations

import io
import json
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import parse_qs

from botocore.exceptions import UnknownServiceError

from . import root_state as rs
from . import scp_enforcement
from .faults import error_for

# SigV4 signing names that differ from the IAM action prefix.
SIGNING_TO_PREFIX = {"monitoring": "cloudwatch", "eventbridge": "events"}
_CREDENTIAL = re.compile(r"Credential=(?P<key>[^/,\s]+)/\d{8}/(?P<region>[^/]+)/(?P<service>[^/]+)/aws4_request")


@dataclass(frozen=True)
class Operation:
    service: str  # IAM action prefix: iam, sts, cloudwatch, ...
    action: str  # API operation name: GetAccountSummary
    protocol: str  # query | json | rest-json | cbor
    access_key: str
    region: str
    json_version: str = "1.1"
    moto_account: str | None = None  # the x-moto-account-id header of the emulator's own set-up clients

    @property
    def name(self) -> str:
        return f"{self.service}:{self.action}"


@dataclass
class Failure:
    operation: str  # "iam:GetAccountSummary", "iam:*" or "*" (every operation)
    code: str
    message: str | None
    status: int | None
    remaining: int | None  # None: always
    account: str | None = None  # only calls that land in this account
    region: str | None = None  # only calls signed for this region

    def matches(self, op: Operation) -> bool:
        if self.region is not None and op.region != self.region:
            return False
        if self.operation != "*":
            service, _, action = self.operation.partition(":")
            if service != op.service or action not in ("*", op.action):
                return False
        return self.account is None or self.account == _account_of(op)


def _account_of(op: Operation) -> str | None:
    """The account a request lands in: an AssumeRoot session's target, else moto's lookup by access key."""
    if op.moto_account:
        return op.moto_account
    session = rs.root_session(op.access_key)
    if session is not None:
        return session.account_id
    from moto.iam.models import get_account_id_from

    return get_account_id_from(op.access_key)


@cache
def _rest_routes(service: str) -> list[tuple[str, re.Pattern[str], str]]:
    """(method, path regex, operation) for a REST service, from botocore's model."""
    import botocore.session

    model = botocore.session.get_session().get_service_model(service)
    routes = []
    for name in model.operation_names:
        http = model.operation_model(name).http
        path = http.get("requestUri", "/").split("?")[0]
        regex = re.sub(r"\\\{[^}]+\\\+\\\}", ".+", re.escape(path))
        regex = re.sub(r"\\\{[^}]+\\\}", "[^/]+", regex)
        routes.append((http.get("method", "POST"), re.compile("^" + regex + "/?$"), name))
    return routes


def identify(environ: dict[str, Any]) -> Operation | None:
    """The AWS operation a request asks for, or None when it is not a signed AWS API call."""
    found = _CREDENTIAL.search(environ.get("HTTP_AUTHORIZATION", ""))
    if not found:
        return None
    service = SIGNING_TO_PREFIX.get(found["service"], found["service"])
    path = environ.get("PATH_INFO", "")
    content_type = environ.get("CONTENT_TYPE", "")
    target = environ.get("HTTP_X_AMZ_TARGET")
    common = {"service": service, "access_key": found["key"], "region": found["region"],
              "moto_account": environ.get("HTTP_X_MOTO_ACCOUNT_ID")}
    if environ.get("HTTP_SMITHY_PROTOCOL") == "rpc-v2-cbor":
        return Operation(action=path.rstrip("/").rsplit("/", 1)[-1], protocol="cbor", **common)
    if target:
        version = "1.0" if "json-1.0" in content_type else "1.1"
        return Operation(action=target.split(".")[-1], protocol="json", json_version=version, **common)
    if content_type.startswith("application/x-www-form-urlencoded"):
        body = _peek_body(environ)
        action = parse_qs(body.decode("utf-8", "replace")).get("Action", [""])[0]
        return Operation(action=action, protocol="query", **common)
    method = environ.get("REQUEST_METHOD", "POST")
    try:
        for route_method, regex, name in _rest_routes(service):
            if route_method == method and regex.match(path):
                return Operation(action=name, protocol="rest-json", **common)
    except UnknownServiceError:  # not a botocore service: still record something useful
        pass
    return Operation(action=path, protocol="rest-json", **common)


def _peek_body(environ: dict[str, Any]) -> bytes:
    """Read the request body and put it back for moto."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def _cbor_text_map(values: dict[str, str]) -> bytes:
    """Encode a flat map of strings as CBOR (all an RPC v2 error body needs)."""

    def head(major: int, n: int) -> bytes:
        if n < 24:
            return bytes([major << 5 | n])
        if n < 256:
            return bytes([major << 5 | 24, n])
        if n < 65536:
            return bytes([major << 5 | 25]) + n.to_bytes(2, "big")
        return bytes([major << 5 | 26]) + n.to_bytes(4, "big")

    out = bytearray(head(5, len(values)))
    for key, value in values.items():
        for text in (key, value):
            data = text.encode("utf-8")
            out += head(3, len(data)) + data
    return bytes(out)


def error_response(op: Operation, code: str, message: str, status: int) -> tuple[int, list[tuple[str, str]], bytes]:
    """An AWS error in the wire format of the request's protocol."""
    request_id = str(uuid.uuid4())
    headers = [("x-amzn-RequestId", request_id)]
    if op.protocol == "query":
        body = (f'<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{_xml(message)}</Message>'
                f"</Error><RequestId>{request_id}</RequestId></ErrorResponse>").encode()
        headers.append(("Content-Type", "text/xml"))
    elif op.protocol == "json":
        body = json.dumps({"__type": code, "message": message}).encode()
        headers.append(("Content-Type", f"application/x-amz-json-{op.json_version}"))
    elif op.protocol == "cbor":
        body = _cbor_text_map({"__type": code, "message": message})
        headers += [("Content-Type", "application/cbor"), ("smithy-protocol", "rpc-v2-cbor"),
                    ("x-amzn-query-error", f"{code};Sender")]
    else:
        body = json.dumps({"message": message}).encode()
        headers += [("Content-Type", "application/json"), ("x-amzn-ErrorType", code)]
    headers.append(("Content-Length", str(len(body))))
    return status, headers, body


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _caller_arn(op: Operation) -> str:
    from moto.iam.models import get_account_id_from
    from moto.sts.models import sts_backends

    account = get_account_id_from(op.access_key)
    return sts_backends[account]["aws"].get_caller_identity(op.access_key, op.region)[1]


_REASONS = {200: "OK", 400: "Bad Request", 403: "Forbidden", 404: "Not Found", 429: "Too Many Requests"}


class Interceptor:
    """WSGI middleware around moto's DomainDispatcherApplication."""

    def __init__(self, app: Callable[..., Iterable[bytes]], latency_ms: float = 0):
        self.app = app
        # Added to every AWS request, to measure a scan at AWS-like round-trip times (make bench); each request
        # is served in its own thread, so concurrent requests wait side by side as they would on AWS.
        self.latency_ms = latency_ms
        self.lock = threading.Lock()
        self.recorded: list[str] = []
        self.failures: list[Failure] = []

    # ---- knobs ---------------------------------------------------------------------------------------------

    def fail(self, operation: str, code: str = "Throttling", times: int | None = None,
             message: str | None = None, status: int | None = None, account: str | None = None,
             region: str | None = None) -> None:
        if ":" not in operation and operation != "*":
            raise ValueError(f"operation must look like 'iam:GetAccountSummary' (or '*'), not {operation!r}")
        with self.lock:
            self.failures.append(Failure(operation, code, message, status, times, account, region))

    def clear_failures(self) -> None:
        with self.lock:
            self.failures.clear()

    def clear_recorded(self) -> None:
        with self.lock:
            self.recorded.clear()

    def snapshot(self) -> list[str]:
        with self.lock:
            return list(self.recorded)

    # ---- WSGI ----------------------------------------------------------------------------------------------

    def _take_failure(self, op: Operation) -> Failure | None:
        with self.lock:
            for failure in self.failures:
                if (failure.remaining is None or failure.remaining > 0) and failure.matches(op):
                    if failure.remaining is not None:
                        failure.remaining -= 1
                    return failure
        return None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO", "").startswith("/moto-api"):
            return self.app(environ, start_response)
        op = identify(environ)
        if op is None:
            return self.app(environ, start_response)
        with self.lock:
            self.recorded.append(op.name)
        if self.latency_ms and "HTTP_X_MOTO_ACCOUNT_ID" not in environ:  # not the emulator's own set-up calls
            time.sleep(self.latency_ms / 1000)

        failure = self._take_failure(op)
        if failure is not None:
            code, status = error_for(op.service, failure.code)
            status = failure.status or status
            if failure.message:
                message = failure.message
            elif "Throttl" in code or "TooMany" in code:
                message = "Rate exceeded"
            elif code in ("InvalidClientTokenId", "UnrecognizedClientException", "AuthFailure"):
                message = "The security token included in the request is invalid."
            else:
                message = f"User: {_caller_arn(op)} is not authorized to perform: {op.name} with an explicit deny"
            return self._answer(start_response, *error_response(op, code, message, status))

        denied = scp_enforcement.denial(op, environ)  # SCPs of member accounts, as AWS applies them
        if denied is not None:
            code, status = error_for(op.service, "AccessDenied")
            return self._answer(start_response, *error_response(op, code, denied, status))

        session = rs.root_session(op.access_key)
        if session is not None and session.task_policy is not None:
            from .grafts import ROOT_TASK_POLICIES

            allowed = ROOT_TASK_POLICIES.get(session.task_policy, set())
            if op.name != "sts:GetCallerIdentity" and op.name not in allowed and f"{op.service}:*" not in allowed:
                code, status = error_for(op.service, "AccessDenied")
                message = (f"User: arn:aws:iam::{session.account_id}:root is not authorized to perform: {op.name} "
                           f"because no session policy allows the {op.name} action")
                return self._answer(start_response, *error_response(op, code, message, status))
        if op.service == "signin":  # moto has no Sign-In service: answered in-process (signin.py)
            from .signin import respond

            account = _account_of(op)
            return self._answer(start_response, *respond(op.action, _peek_body(environ), account, op.region))
        return self.app(environ, start_response)

    @staticmethod
    def _answer(start_response: Callable[..., Any], status: int, headers: list[tuple[str, str]],
                body: bytes) -> Iterable[bytes]:
        start_response(f"{status} {_REASONS.get(status, 'Error')}", headers)
        return [body]
