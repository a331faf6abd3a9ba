"""AWS Sign-In console access control, which moto does not have at all, answered in front of moto.

The Interceptor hands every signed request for the ``signin`` service here. Requests are checked against
botocore's model (ParamValidator, as the SDK does before sending) and every answer is checked against the
operation's output shape before it is serialised with the model's wire names, so what boto3 parses is what
AWS's documented shapes allow.

What AWS documents (Sign-In user guide, console access control; Sign-In API reference): console authorization
is per account or per organization and off by default; statements are created per account by
PutResourcePermissionStatement; GetResourcePolicy returns them consolidated. What it does not document, and
this emulator therefore assumes: the stored statement is a Deny on signin:Authenticate for every principal,
with ``...IfExists`` negated network tests and an ``ArnNotEquals`` on signin:PrincipalArn for the excluded
principal; a call must give at least one network; a Get before any configuration says "off".
ListSessions/GetSession/BatchRevokeSessions are served with no sessions (nothing in AWS's guides says what
a console session looks like there).
"""
from __future__ import annotations

import base64
import json
import os
import re
import threading
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import botocore.session
from botocore.validate import ParamValidator

from . import root_state as rs

WRITE_REGION = "us-east-1"  # AWS: policy writes are made in us-east-1


class SigninError(Exception):
    def __init__(self, code: str, status: int, message: str, oauth_error: str = "INVALID_REQUEST"):
        super().__init__(message)
        self.code, self.status, self.message, self.oauth_error = code, status, message, oauth_error


class State:
    """Per-process Sign-In state: the console-authorization switch per target and statements per account."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.clear()

    def clear(self) -> None:
        self.authorization: dict[str, bool] = {}  # account id or organization id -> enabled
        self.statements: dict[str, dict[str, dict]] = {}  # account id -> statement id -> statement
        self.raw_policies: dict[str, list[dict]] = {}  # account id -> statements as a scenario gives them


STATE = State()
_MODEL = None


def model():
    global _MODEL
    if _MODEL is None:
        _MODEL = botocore.session.get_session().get_service_model("signin")
    return _MODEL


def _check(value: dict, shape: Any, what: str) -> None:
    report = ParamValidator().validate(value, shape)
    if report.has_errors():
        raise SigninError("ValidationException", 400, f"{what}: {report.generate_report()}")
    problem = _constraints(value, shape, "")
    if problem:
        raise SigninError("ValidationException", 400, f"{what}: {problem}")


def _constraints(value: Any, shape: Any, path: str) -> str | None:
    """What botocore's client-side validator leaves to the service: patterns, maxima, enums."""
    meta, kind = shape.metadata, shape.type_name
    if kind == "structure" and isinstance(value, dict):
        for name, member in shape.members.items():
            if name in value:
                found = _constraints(value[name], member, f"{path}.{name}".lstrip("."))
                if found:
                    return found
    elif kind == "list" and isinstance(value, list):
        if "max" in meta and len(value) > meta["max"]:
            return f"{path} has more than {meta['max']} items"
        return next((p for v in value if (p := _constraints(v, shape.member, f"{path}[]"))), None)
    elif kind == "map" and isinstance(value, dict):
        return next((p for v in value.values() if (p := _constraints(v, shape.value, f"{path}{{}}"))), None)
    elif kind == "string" and isinstance(value, str):
        if "max" in meta and len(value) > meta["max"]:
            return f"{path} is longer than {meta['max']}"
        if "pattern" in meta and not re.fullmatch(meta["pattern"], value):
            return f"{path} does not match {meta['pattern']}"
        if shape.enum and value not in shape.enum:
            return f"{path} is not one of {', '.join(shape.enum)}"
    elif kind in ("integer", "long") and isinstance(value, int):
        if "max" in meta and value > meta["max"]:
            return f"{path} is above {meta['max']}"
    return None


def _wire(value: Any, shape: Any) -> Any:
    """A Python value shaped like ``shape`` as it travels on the wire (members under their locationName)."""
    if shape.type_name == "structure":
        return {shape.members[k].serialization.get("name", k): _wire(v, shape.members[k])
                for k, v in value.items() if v is not None}
    if shape.type_name == "list":
        return [_wire(v, shape.member) for v in value]
    if shape.type_name == "map":
        return {k: _wire(v, shape.value) for k, v in value.items()}
    return value


def statement_for(params: dict) -> dict:
    """The statement this emulator stores for a PutResourcePermissionStatement call (shape: see module doc)."""
    condition: dict[str, dict[str, list[str]]] = {}
    if params.get("sourceIp"):
        condition.setdefault("NotIpAddressIfExists", {})["aws:SourceIp"] = [params["sourceIp"]]
    if params.get("vpcSourceIp"):
        condition.setdefault("NotIpAddressIfExists", {})["aws:VpcSourceIp"] = [params["vpcSourceIp"]]
    if params.get("sourceVpc"):
        condition.setdefault("StringNotEqualsIfExists", {})["aws:SourceVpc"] = [params["sourceVpc"]]
    endpoints = [params[k] for k in ("signinSourceVpce", "consoleSourceVpce") if params.get(k)]
    if endpoints:
        condition.setdefault("StringNotEqualsIfExists", {})["aws:SourceVpce"] = endpoints
    if params.get("excludedPrincipal"):
        condition["ArnNotEquals"] = {"signin:PrincipalArn": [params["excludedPrincipal"]]}
    return {"effect": "Deny", "principal": {"AWS": "*"}, "action": ["signin:Authenticate"], "resource": "*",
            "condition": condition}


def _target(params: dict, caller: str, write: bool) -> str:
    """Whose switch a targetId names; only the caller itself, or its organization from the management account."""
    target = params.get("targetId") or caller
    if target == caller:
        return caller
    context = rs.org_of(caller)
    if context and context[0] == "management":
        org_id = context[1].org.id
        if target == org_id or rs.org_account(context[1], target) is not None:
            return target
    verb = "PutConsoleAuthorizationConfiguration" if write else "GetConsoleAuthorizationConfiguration"
    raise SigninError("AccessDeniedException", 403, f"User in account {caller} is not authorized to perform "
                      f"signin:{verb} on {target}", "INSUFFICIENT_PERMISSIONS")


def _scope(target: str) -> str:
    return "ORGANIZATION" if target.startswith("o-") else "ACCOUNT"


def _new_sid() -> str:
    return base64.b64encode(os.urandom(48)).decode().replace("=", "")[:64]  # StatementId: [A-Za-z0-9+/]{64}


def handle(action: str, params: dict, caller: str, region: str) -> dict:
    """One Sign-In operation for ``caller``; returns the output (Python names) or raises SigninError."""
    ops = model().operation_names
    if action not in ops:
        raise SigninError("ValidationException", 400, f"unknown operation {action}")
    op = model().operation_model(action)
    if op.input_shape is not None:
        _check(params, op.input_shape, action)
    writes = action.startswith(("Put", "Delete"))
    if writes and region != WRITE_REGION:
        raise SigninError("ValidationException", 400, f"{action} must be called in {WRITE_REGION}")
    with STATE.lock:
        if action in ("GetConsoleAuthorizationConfiguration", "PutConsoleAuthorizationConfiguration",
                      "DeleteConsoleAuthorizationConfiguration"):
            target = _target(params, caller, writes)
            if action.startswith("Put"):
                STATE.authorization[target] = True
            elif action.startswith("Delete"):
                STATE.authorization[target] = False
            return {"targetId": target, "scope": _scope(target),
                    "consoleAuthorizationEnabled": STATE.authorization.get(target, False)}
        mine = STATE.statements.setdefault(caller, {})
        if action == "PutResourcePermissionStatement":
            if not any(params.get(k) for k in ("sourceIp", "vpcSourceIp", "sourceVpc", "signinSourceVpce",
                                               "consoleSourceVpce")):
                raise SigninError("ValidationException", 400, "give at least one network: sourceIp, sourceVpc, "
                                  "signinSourceVpce, consoleSourceVpce or vpcSourceIp")
            if (params.get("sourceVpc") or params.get("signinSourceVpce") or params.get("consoleSourceVpce")) \
                    and not params.get("requestedRegion"):
                raise SigninError("ValidationException", 400, "requestedRegion is required with a VPC or endpoint")
            sid = _new_sid()
            mine[sid] = statement_for(params)
            return {"statementId": sid}
        if action == "DeleteResourcePermissionStatement":
            if mine.pop(params["statementId"], None) is None:
                raise SigninError("ResourceNotFoundException", 404, "no such statement", "RESOURCE_NOT_FOUND")
            return {}
        if action == "GetResourcePolicy":
            stmts = list(STATE.raw_policies.get(caller, [])) + list(mine.values())
            return {"signinResourceBasedPolicy": {"version": "2012-10-17", "statement": stmts}}
        if action == "ListResourcePermissionStatements":
            items = [{"sid": sid, "condition": st["condition"]} for sid, st in mine.items()]
            start = int(params.get("nextToken") or 0)
            size = params.get("maxResults") or 100
            page = {"permissionStatements": items[start:start + size]}
            if start + size < len(items):
                page["nextToken"] = str(start + size)
            return page
        if action == "ListSessions":
            return {"items": []}
        if action == "GetSession":
            raise SigninError("ResourceNotFoundException", 404, "session not found", "RESOURCE_NOT_FOUND")
        if action == "BatchRevokeSessions":
            return {"revokedSessions": [], "errors": [
                {"sessionArn": arn, "code": "RESOURCE_NOT_FOUND", "message": "session not found"}
                for arn in params["sessionArns"]]}
    raise SigninError("ValidationException", 400, f"{action} is not emulated (OAuth token operations)")


def respond(action: str, body: bytes, caller: str, region: str) -> tuple[int, list[tuple[str, str]], bytes]:
    """The HTTP answer (rest-json) to one request."""
    try:
        try:
            params = json.loads(body or b"{}")
        except ValueError:
            raise SigninError("ValidationException", 400, "the request body is not JSON") from None
        if not isinstance(params, dict):
            raise SigninError("ValidationException", 400, "the request body is not a JSON object")
        output = handle(action, params, caller, region)
        shape = model().operation_model(action).output_shape
        if shape is not None:
            _check(output, shape, f"{action} output (emulator bug)")
            output = _wire(output, shape)
        status, payload, headers = 200, json.dumps(output).encode(), [("Content-Type", "application/json")]
    except SigninError as err:
        status = err.status
        payload = json.dumps({"error": err.oauth_error, "message": err.message}).encode()
        headers = [("Content-Type", "application/json"), ("x-amzn-ErrorType", err.code)]
    headers.append(("Content-Length", str(len(payload))))
    return status, headers, payload


def pin_endpoint(client: Any) -> Any:
    """Send every Sign-In operation to the configured endpoint (this emulator), never to AWS.

    botocore's Sign-In endpoint rules resolve the control-plane operations to https://signin.<region>.api.aws
    before they consult endpoint_url, so without this a set-up client would leave the machine. The product has
    the same guard (rootaudit.evidence.sources.signin.pin_endpoint); the emulator keeps its own copy so it does
    not import the product.
    """
    override = getattr(getattr(client, "_ruleset_resolver", None), "_builtins", {}).get("SDK::Endpoint")
    if override and not getattr(client, "_rootaudit_pinned", False):
        base = urlsplit(override)

        def to_override(request: Any, **_: Any) -> None:
            url = urlsplit(request.url)
            request.url = urlunsplit((base.scheme, base.netloc, base.path.rstrip("/") + url.path, url.query, ""))

        client.meta.events.register("before-sign.signin", to_override)
        client._rootaudit_pinned = True
    return client


# ---- scenario hooks (in-process: the raw-policy form has no API) -------------------------------------------


def set_authorization(target: str, enabled: bool) -> None:
    with STATE.lock:
        STATE.authorization[target] = enabled


def set_raw_policy(account_id: str, statements: list[dict]) -> None:
    """Statements to return from GetResourcePolicy as given (for shapes that PutResourcePermissionStatement
    cannot produce: AWS does not document what it stores)."""
    with STATE.lock:  # botocore's member names are lower case (effect, principal, action, resource, condition)
        STATE.raw_policies[account_id] = [{str(k).lower(): v for k, v in s.items()} for s in statements]


# ---- scenario schema ----------------------------------------------------------------------------------------
#
#   signin:                                 # the audited account (also organization.members[].signin)
#     console_authorization: true|false     # default false, as in AWS
#     statements: [{source_ip, vpc_source_ip, source_vpc, vpc_endpoint, requested_region,
#                   excluded_principal: break-glass | root | <ARN>}]    # made with PutResourcePermissionStatement
#     policy: [<raw statement>]             # returned by GetResourcePolicy as given (shapes Put cannot make)
#   organization:
#     signin_authorization: true|false      # console authorization for the whole organization
#     rcps: [{name, signin_cidrs: [...], targets: [root | ou:<name> | account:<id or name>]}]

BREAK_GLASS_ROLE = "BreakGlassConsole"
_STATEMENT_KEYS = {"source_ip": "sourceIp", "vpc_source_ip": "vpcSourceIp", "source_vpc": "sourceVpc",
                   "vpc_endpoint": "signinSourceVpce", "requested_region": "requestedRegion",
                   "excluded_principal": "excludedPrincipal"}


def validate_spec(c: Any, value: Any, where: str) -> dict[str, Any] | None:
    """Check a ``signin:`` mapping with the scenario's checker; None when absent."""
    if value is None:
        return None
    s = c.mapping(value, where, {"console_authorization", "statements", "policy"})
    statements = []
    for i, st in enumerate(c.listof(s.get("statements"), f"{where}.statements")):
        w = f"{where}.statements[{i}]"
        m = c.mapping(st, w, set(_STATEMENT_KEYS))
        statements.append({k: c.text(m.get(k), f"{w}.{k}") for k in _STATEMENT_KEYS if m.get(k) is not None})
        if not any(k in statements[-1] for k in ("source_ip", "vpc_source_ip", "source_vpc", "vpc_endpoint")):
            raise c.fail(w, "give at least one network: source_ip, vpc_source_ip, source_vpc or vpc_endpoint")
    policy = c.listof(s.get("policy"), f"{where}.policy")
    if not all(isinstance(p, dict) for p in policy):
        raise c.fail(f"{where}.policy", "expected a list of statements (mappings)")
    return {"console_authorization": c.boolean(s.get("console_authorization"), f"{where}.console_authorization",
                                               False),
            "statements": statements, "policy": policy}


def _principal(value: str, account_id: str) -> str:
    if value == "break-glass":
        return f"arn:aws:iam::{account_id}:role/{BREAK_GLASS_ROLE}"
    if value == "root":
        return f"arn:aws:iam::{account_id}:root"
    return value


def apply_spec(spec: dict[str, Any] | None, client: Any, account_id: str) -> None:
    """Create an account's Sign-In state through the API (statements, switch); raw policies in-process."""
    if not spec:
        return
    api = client("signin", account_id, WRITE_REGION)
    for st in spec["statements"]:
        params = {_STATEMENT_KEYS[k]: (_principal(v, account_id) if k == "excluded_principal" else v)
                  for k, v in st.items()}
        api.put_resource_permission_statement(**params)
    if spec["policy"]:
        set_raw_policy(account_id, spec["policy"])
    if spec["console_authorization"]:
        api.put_console_authorization_configuration()


def root_rcp(cidrs: list[str]) -> str:
    """An RCP that refuses root's console sign-in from outside ``cidrs`` (as in the how-to)."""
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "RootSignInOnlyFromExpectedNetworks", "Effect": "Deny", "Principal": "*",
        "Action": "signin:Authenticate", "Resource": "*",
        "Condition": {"ArnLike": {"signin:PrincipalArn": "arn:aws:iam::*:root"},
                      "NotIpAddressIfExists": {"aws:SourceIp": cidrs}}}]})
