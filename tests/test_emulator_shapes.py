"""Every grafted operation answers in AWS's shapes: botocore's output shape, its modelled errors, its HTTP statuses.

The operations come from the graft registry (``grafts.GRAFTED``), so a new graft fails
``test_every_graft_has_calls`` until it has calls here.  Each call goes over HTTP to the running emulator with a
plain boto3 client; the raw answer is kept (botocore's ``before-parse`` event) to find members the model does not
know (botocore's parsers drop them silently), and the parsed answer is checked with botocore's own
``ParamValidator`` against the output shape, plus enums, patterns and maximums, which ParamValidator leaves out.
Errors must be a code the operation models (with the model's HTTP status) or one of the errors AWS documents as
common to every action of the protocol.
"""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.parsers import RpcV2CBORParser
from botocore.validate import ParamValidator

from rootaudit_emulator import faults, grafts
from rootaudit_emulator.server import _shared_loader

grafts.install()  # fills grafts.GRAFTED before the parametrisation below reads it (idempotent)

NO_RETRY = Config(retries={"total_max_attempts": 1})
AUDIT = {"arn": "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"}
TRAIL_ARN = "arn:aws:cloudtrail:us-east-1:123456789012:trail/organization-trail"
SIGNIN = {"id": "1", "account": "123456789012", "source": "aws.signin", "time": "2024-01-01T00:00:00Z",
          "region": "us-east-1", "resources": [], "detail-type": "AWS Console Sign In via CloudTrail",
          "detail": {"userIdentity": {"type": "Root"}}}

# Errors AWS documents as common to every action, with their HTTP status, per protocol family.
# https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html (query; STS, SNS, CloudWatch alike)
# https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/CommonErrors.html (JSON services)
# AccessDenied (403) and Throttling (400) are what IAM and STS send in practice (IAM User Guide,
# troubleshoot_access-denied; botocore's retry rules list Throttling); UnrecognizedClientException is the JSON
# services' answer to a token they do not know (an opt-in region that is not enabled).
_COMMON = {"AccessDeniedException": 400, "IncompleteSignature": 400, "InternalFailure": 500, "InvalidAction": 400,
           "InvalidClientTokenId": 403, "NotAuthorized": 400, "OptInRequired": 403, "RequestExpired": 400,
           "ServiceUnavailable": 503, "ThrottlingException": 400}
COMMON_ERRORS = {
    "query": {**_COMMON, "ValidationError": 400, "AccessDenied": 403, "Throttling": 400},
    "smithy-rpc-v2-cbor": {**_COMMON, "ValidationError": 400, "AccessDenied": 403, "Throttling": 400},
    "json": {**_COMMON, "ValidationException": 400, "UnrecognizedClientException": 400},
    "rest-json": {"UnrecognizedClientException": 403, "InvalidSignatureException": 403},
}


@dataclass
class Call:
    params: dict[str, Any] = field(default_factory=dict)
    error: str | None = None  # the error code expected, None for success
    caller: str = "management"  # management | member | root:<account> (an IAMAuditRootUserCredentials session)
    scenario: str | dict = "organization"
    setup: tuple[str, ...] = ()  # operations called first (no parameters), e.g. iam:GenerateCredentialReport


ORG = {"ParentId": "{root}"}
CALLS: dict[str, list[Call]] = {
    "account:GetContactInformation": [
        Call(), Call({"AccountId": "100000000001"}), Call(caller="member"),
        Call({"AccountId": "123456789012"}, "AccessDeniedException"),
        Call({"AccountId": "12"}, "ValidationException"),
        Call({"AccountId": "100000000001"}, "AccessDeniedException", caller="member")],
    "account:GetPrimaryEmail": [
        Call({"AccountId": "100000000001"}),
        Call({"AccountId": "123456789012"}, "AccessDeniedException"),
        Call({"AccountId": "999999999999"}, "AccessDeniedException"),
        Call({"AccountId": "12"}, "ValidationException"),
        Call({"AccountId": "100000000002"}, "AccessDeniedException", caller="member"),
        Call({"AccountId": "100000000001"}, "AccessDeniedException",
             scenario={"extends": "organization", "description": "no trusted access",
                       "organization": {"trusted_access": []}})],
    "cloudtrail:DescribeTrails": [Call(), Call(caller="member")],
    "cloudtrail:GetEventSelectors": [Call({"TrailName": TRAIL_ARN}), Call({"TrailName": TRAIL_ARN}, caller="member"),
                                     Call({"TrailName": "no-such-trail"}, "TrailNotFoundException")],
    "cloudtrail:GetTrailStatus": [Call({"Name": "organization-trail"}), Call({"Name": TRAIL_ARN}, caller="member"),
                                  Call({"Name": "no-such-trail"}, "TrailNotFoundException")],
    "cloudwatch:DescribeAlarms": [Call(), Call({"MaxRecords": 1}), Call({"NextToken": "x"}, "InvalidNextToken")],
    "events:TestEventPattern": [
        Call({"EventPattern": json.dumps({"source": ["aws.signin"]}), "Event": json.dumps(SIGNIN)}),
        Call({"EventPattern": "{not json", "Event": json.dumps(SIGNIN)}, "InvalidEventPatternException"),
        Call({"EventPattern": json.dumps({"source": ["aws.signin"]}), "Event": "{}"}, "ValidationException")],
    "iam:GenerateCredentialReport": [Call(), Call(setup=("iam:GenerateCredentialReport",))],
    "iam:GetAccountSummary": [Call(), Call(caller="root:100000000004")],
    "iam:GetCredentialReport": [Call(error="ReportNotPresent"), Call(setup=("iam:GenerateCredentialReport",))],
    "iam:GetLoginProfile": [Call(caller="root:100000000004"), Call(error="NoSuchEntity", caller="root:100000000001")],
    "iam:ListAccessKeys": [Call(caller="root:100000000004"), Call(caller="root:100000000001")],
    "iam:ListMFADevices": [Call(caller="root:100000000004")],
    "iam:ListOrganizationsFeatures": [
        Call(), Call(error="AccountNotManagementOrDelegatedAdministratorException", caller="member"),
        Call(error="OrganizationNotFoundException", scenario="standalone"),
        Call(scenario="organization-delegated-admin")],  # the IAM delegated administrator
    "iam:ListSigningCertificates": [Call(caller="root:100000000004")],
    "iam:ListVirtualMFADevices": [Call(), Call({"AssignmentStatus": "Assigned", "MaxItems": 1}),
                                  Call({"Marker": "99"}, "ValidationError")],
    "logs:TestMetricFilter": [
        Call({"filterPattern": "ERROR", "logEventMessages": ["ERROR x", "ok"]}),
        Call({"filterPattern": "[ip, user, status=4*]", "logEventMessages": ["1.2.3.4 bob 404"]}),
        Call({"filterPattern": "{ $.a = ", "logEventMessages": ["{}"]}, "InvalidParameterException")],
    "organizations:DescribeAccount": [Call({"AccountId": "100000000001"}),
                                      Call({"AccountId": "100000000001"}, "AccessDeniedException", caller="member")],
    "organizations:DescribeOrganizationalUnit": [Call({"OrganizationalUnitId": "{ou}"})],
    "organizations:DescribePolicy": [Call({"PolicyId": "p-FullAWSAccess"})],
    "organizations:ListAccounts": [Call(), Call(error="AccessDeniedException", caller="member"),
                                   Call(scenario="organization-delegated-admin")],
    "organizations:ListAccountsForParent": [Call(ORG)],
    "organizations:ListChildren": [Call({"ParentId": "{root}", "ChildType": "ORGANIZATIONAL_UNIT"})],
    "organizations:ListOrganizationalUnitsForParent": [Call(ORG)],
    "organizations:ListDelegatedAdministrators": [
        Call(), Call(error="AccessDeniedException", caller="member"),
        Call({"ServicePrincipal": "iam.amazonaws.com"}, scenario="organization-delegated-admin")],  # from the admin
    "organizations:ListParents": [Call({"ChildId": "100000000001"})],
    "organizations:ListPolicies": [Call({"Filter": "SERVICE_CONTROL_POLICY"})],
    "organizations:ListPoliciesForTarget": [Call({"TargetId": "100000000001", "Filter": "SERVICE_CONTROL_POLICY"})],
    "organizations:ListRoots": [Call(), Call(error="AccessDeniedException", caller="member")],
    "organizations:ListTargetsForPolicy": [Call({"PolicyId": "p-FullAWSAccess"})],
    "sts:AssumeRole": [
        Call({"RoleArn": "arn:aws:iam::100000000001:role/OrganizationAccountAccessRole",
              "RoleSessionName": "shape-test"}),
        Call({"RoleArn": "arn:aws:iam::100000000013:role/OrganizationAccountAccessRole",
              "RoleSessionName": "shape-test"},
             "AccessDenied")],
    "sts:AssumeRoot": [
        Call({"TargetPrincipal": "100000000001", "TaskPolicyArn": AUDIT}),
        Call({"TargetPrincipal": "100000000021", "TaskPolicyArn": AUDIT}, scenario="organization-delegated-admin"),
        Call({"TargetPrincipal": "123456789012", "TaskPolicyArn": AUDIT}, "AccessDenied",
             scenario="organization-delegated-admin"),  # never the management account
        Call({"TargetPrincipal": "arn:aws:iam::100000000001:root", "TaskPolicyArn": AUDIT, "DurationSeconds": 0}),
        Call({"TargetPrincipal": "100000000001", "TaskPolicyArn": AUDIT, "DurationSeconds": 901}, "ValidationError"),
        Call({"TargetPrincipal": "arn:aws:iam::100000000001:user/x", "TaskPolicyArn": AUDIT}, "ValidationError"),
        Call({"TargetPrincipal": "100000000001",
              "TaskPolicyArn": {"arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}}, "ValidationError"),
        Call({"TargetPrincipal": "100000000002", "TaskPolicyArn": AUDIT}, "AccessDenied", caller="member")],
    "sts:GetCallerIdentity": [Call(), Call(caller="root:100000000004"), Call(caller="member")],
}

# Differences from the model that are known, with the reason; each must still occur (else delete it here).
# (operation, regex over the problem text, reason)
KNOWN_DIFFERENCES = [
    ("iam:GetLoginProfile", r'Missing required parameter in LoginProfile: "UserName"',
     ("root has no IAM user name; AWS omits UserName for the root user in GetUser although the model requires it "
     "(https://github.com/boto/boto3/issues/4484), and the emulator does the same here (UNVERIFIED for "
     "GetLoginProfile)")),
    ("iam:ListMFADevices", r'Missing required parameter in MFADevices\[\d+\]: "UserName"',
     "as for GetLoginProfile: no IAM user name for the root user (UNVERIFIED for ListMFADevices)"),
    ("organizations:(DescribePolicy|ListPolicies|ListPoliciesForTarget)", r"\.Arn: .*p-FullAWSAccess",
     ("moto 5.2.5 gives the AWS managed FullAWSAccess policy an ARN inside the organization; AWS's form is "
     "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess (moto, not grafted)")),
    ("organizations:ListPolicies", r"\.Arn: .*/p-[0-9a-z]{8}' does not",
     "moto 5.2.5 mints 8-character policy ids; the model's policy ARN pattern asks for 10 to 32 (moto, not grafted)"),
]


def known(operation: str, problem: str) -> str | None:
    """The reason a problem is a known difference, or None."""
    return next((reason for op, pattern, reason in KNOWN_DIFFERENCES
                 if re.fullmatch(op, operation) and re.search(pattern, problem)), None)


# ============================================================================================ checking a shape


def _tag(element: ET.Element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def unknown_in_xml(element: ET.Element, shape: Any, path: str) -> list[str]:
    """Members of a query-protocol XML answer that ``shape`` does not have."""
    found: list[str] = []
    if shape.type_name == "structure":
        names = {m.serialization.get("name", n): m for n, m in shape.members.items()}
        for child in list(element):
            member = names.get(_tag(child))
            if member is None:
                found.append(f"{path}.{_tag(child)}")
            else:
                found += unknown_in_xml(child, member, f"{path}.{_tag(child)}")
    elif shape.type_name == "list":
        item = shape.member.serialization.get("name", "member")
        for i, child in enumerate(list(element)):
            if _tag(child) != item:
                found.append(f"{path}[{i}] <{_tag(child)}> (expected <{item}>)")
            else:
                found += unknown_in_xml(child, shape.member, f"{path}[{i}]")
    elif shape.type_name == "map":
        for entry in list(element):
            for part in list(entry):
                if _tag(part) == shape.value.serialization.get("name", "value"):
                    found += unknown_in_xml(part, shape.value, f"{path}{{}}")
    return found


def unknown_in_json(value: Any, shape: Any, path: str) -> list[str]:
    """Members of a JSON or CBOR answer that ``shape`` does not have."""
    found: list[str] = []
    if shape.type_name == "structure" and isinstance(value, dict):
        names = {m.serialization.get("name", n): m for n, m in shape.members.items()}
        for key, item in value.items():
            if key not in names:
                found.append(f"{path}.{key}")
            else:
                found += unknown_in_json(item, names[key], f"{path}.{key}")
    elif shape.type_name == "list" and isinstance(value, list):
        for i, item in enumerate(value):
            found += unknown_in_json(item, shape.member, f"{path}[{i}]")
    elif shape.type_name == "map" and isinstance(value, dict):
        for key, item in value.items():
            found += unknown_in_json(item, shape.value, f"{path}{{{key}}}")
    return found


def unknown_members(raw: dict[str, Any], operation: Any) -> list[str]:
    body, shape = raw["body"], operation.output_shape
    if shape is None or not body:
        return []
    protocol = operation.service_model.protocol
    if protocol == "query":
        root = ET.fromstring(body)
        wrapper = shape.serialization.get("resultWrapper")
        result = next((c for c in root if _tag(c) == wrapper), None) if wrapper else root
        return unknown_in_xml(result, shape, shape.name) if result is not None else [f"no <{wrapper}>"]
    if protocol == "smithy-rpc-v2-cbor" and body[:1] not in (b"{", b"["):  # moto 5.2.5 answers CBOR with JSON
        parser = RpcV2CBORParser()
        return unknown_in_json(parser.parse_data_item(parser.get_peekable_stream_from_bytes(body)), shape, shape.name)
    return unknown_in_json(json.loads(body), shape, shape.name)


def beyond_param_validator(value: Any, shape: Any, path: str) -> list[str]:
    """What botocore's ParamValidator does not check in a parsed answer: enums, patterns and maximums."""
    found: list[str] = []
    meta = shape.metadata
    if shape.type_name == "structure" and isinstance(value, dict):
        for name, member in shape.members.items():
            if name in value:
                found += beyond_param_validator(value[name], member, f"{path}.{name}")
    elif shape.type_name == "list" and isinstance(value, list):
        if "max" in meta and len(value) > meta["max"]:
            found.append(f"{path}: {len(value)} items, model max {meta['max']}")
        for i, item in enumerate(value):
            found += beyond_param_validator(item, shape.member, f"{path}[{i}]")
    elif shape.type_name == "map" and isinstance(value, dict):
        for key, item in value.items():
            found += beyond_param_validator(key, shape.key, f"{path} key")
            found += beyond_param_validator(item, shape.value, f"{path}{{{key}}}")
    elif shape.type_name == "string" and isinstance(value, str):
        if shape.enum and value not in shape.enum:
            found.append(f"{path}: {value!r} is not one of the model's values {shape.enum}")
        if "max" in meta and len(value) > meta["max"]:
            found.append(f"{path}: {len(value)} characters, model max {meta['max']}")
        if "pattern" in meta:
            try:
                pattern = re.compile(meta["pattern"])
            except re.error:  # a Java-only construct: nothing to compare with
                pattern = None
            if pattern is not None and not pattern.search(value):
                found.append(f"{path}: {value!r} does not match the model's pattern {meta['pattern']}")
    elif shape.type_name in ("integer", "long") and isinstance(value, int) and "max" in meta and value > meta["max"]:
        found.append(f"{path}: {value} above the model's max {meta['max']}")
    return found


def shape_problems(parsed: dict[str, Any], raw: dict[str, Any], operation: Any) -> list[str]:
    shape = operation.output_shape
    if shape is None:
        return []
    answer = {k: v for k, v in parsed.items() if k != "ResponseMetadata"}
    problems = [f"unknown member {m}" for m in unknown_members(raw, operation)]
    report = ParamValidator().validate(answer, shape)  # types, required members, minimums
    if report.has_errors():
        problems.append(report.generate_report())
    return problems + beyond_param_validator(answer, shape, shape.name)


def error_problems(error: ClientError, raw: dict[str, Any], operation: Any) -> list[str]:
    """The code must be modelled for the operation (with the model's HTTP status) or common to the protocol."""
    code = error.response["Error"]["Code"]
    status = raw["status_code"]
    modelled = {e.metadata.get("error", {}).get("code", e.name): e for e in operation.error_shapes}
    if code in modelled:
        want = modelled[code].metadata.get("error", {}).get("httpStatusCode", 400)
        problems = [] if status == want else [f"{code}: HTTP {status}, model says {want}"]
        body = json.loads(raw["body"] or b"{}") if operation.service_model.protocol in ("json", "rest-json") else {}
        missing = [m for m in modelled[code].required_members if m not in body]
        return problems + ([f"{code}: body lacks required {missing}"] if missing else [])
    throttles = {e.metadata.get("error", {}).get("code", e.name): e.metadata.get("error", {}).get("httpStatusCode", 400)
                 for e in map(operation.service_model.shape_for, operation.service_model.shape_names)
                 if e.metadata.get("exception") and "Throttl" in e.name}
    if code in throttles:  # a service's throttling error applies to every action (SNS: Throttled, 429)
        return [] if status == throttles[code] else [f"{code}: HTTP {status}, model says {throttles[code]}"]
    common = COMMON_ERRORS[operation.service_model.protocol]
    if code not in common:
        return [f"{code} is neither modelled for {operation.name} ({sorted(modelled)}) nor a common error"]
    return [] if status == common[code] else [f"{code}: HTTP {status}, common errors say {common[code]}"]


# ============================================================================================ calling


class Callers:
    """boto3 clients for the loaded organization scenario, each recording the raw answer it parses."""

    def __init__(self, account: Any):
        self.account = account
        self.url = self.account.endpoint_url
        self.raw: dict[str, Any] = {}
        self.sessions: dict[str, boto3.Session] = {}

    def _session(self, caller: str) -> boto3.Session:
        if caller not in self.sessions:
            self.sessions[caller] = self._new_session(caller)
        return self.sessions[caller]

    def _new_session(self, caller: str) -> boto3.Session:
        if caller == "management":
            return self.account.session()
        sts = self.account.client("sts")
        if caller == "member":
            creds = sts.assume_role(RoleArn="arn:aws:iam::100000000001:role/OrganizationAccountAccessRole",
                                    RoleSessionName="shape-test")["Credentials"]
        else:
            creds = sts.assume_root(TargetPrincipal=caller.split(":", 1)[1], TaskPolicyArn=AUDIT)["Credentials"]
        core = botocore.session.get_session()
        core.register_component("data_loader", _shared_loader())  # service models parsed once per process
        return boto3.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                             aws_session_token=creds["SessionToken"], region_name="us-east-1", botocore_session=core)

    def client(self, service: str, caller: str) -> Any:
        client = self._session(caller).client(service, endpoint_url=self.url, config=NO_RETRY)

        def keep(response_dict: dict[str, Any], **_: Any) -> None:
            self.raw = dict(response_dict)

        client.meta.events.register("before-parse", keep)
        return client

    def ids(self) -> dict[str, str]:
        orgs = self.account.client("organizations")
        root = orgs.list_roots()["Roots"][0]["Id"]
        ou = orgs.list_organizational_units_for_parent(ParentId=root)["OrganizationalUnits"][0]["Id"]
        return {"root": root, "ou": ou}


def _fill(params: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    return {k: v.format(**ids) if isinstance(v, str) and v.startswith("{") and v.endswith("}") and v[1:-1] in ids
            else v for k, v in params.items()}


def run_call(emulator: Any, operation: str, call: Call, loaded: dict[str, Callers]) -> list[str]:
    """Problems with one call; ``loaded`` keeps the scenario loaded for the next call (setup calls reload)."""
    service, name = operation.split(":")
    key = json.dumps(call.scenario, sort_keys=True)
    if key not in loaded or call.setup:
        loaded.clear()
        loaded[key] = Callers(emulator.load(call.scenario))
    callers = loaded[key]
    params = _fill(call.params, callers.ids()) if "organization" in str(call.scenario) else call.params
    client = callers.client(service, call.caller)
    for setup in call.setup:
        s_service, s_name = setup.split(":")
        getattr(callers.client(s_service, call.caller), _snake(s_name))()
    model = client.meta.service_model.operation_model(name)
    try:
        parsed = getattr(client, _snake(name))(**params)
    except ClientError as error:
        got = error.response["Error"]["Code"]
        problems = [] if got == call.error else [f"expected {call.error or 'success'}, got {got}: {error}"]
        return problems + error_problems(error, callers.raw, model)
    if call.error:
        return [f"expected {call.error}, got success {parsed}"]
    return shape_problems(parsed, callers.raw, model)


def _snake(name: str) -> str:
    from botocore import xform_name

    return xform_name(name)


# ============================================================================================ tests


@pytest.fixture(autouse=True)
def _clean(emulator):
    yield
    emulator.reset()


def test_every_graft_has_calls():
    missing = sorted(set(grafts.GRAFTED) - set(CALLS))
    assert not missing, f"grafted operations without calls in {__name__}.CALLS: {missing}"
    assert all(any(c.error is None for c in CALLS[op]) for op in grafts.GRAFTED), "each needs a successful call"


@pytest.mark.parametrize("operation", sorted(grafts.GRAFTED))
def test_grafted_operation_answers_in_the_models_shapes(emulator, operation):
    problems, seen, loaded = [], set(), {}
    for i, call in enumerate(CALLS.get(operation, [])):
        for problem in run_call(emulator, operation, call, loaded):
            reason = known(operation, problem)
            if reason is None:
                problems.append(f"call {i} ({call.caller}, {call.params}): {problem}")
            seen.add(reason)
    stale = [reason for op, _, reason in KNOWN_DIFFERENCES if re.fullmatch(op, operation) and reason not in seen]
    assert not problems, "\n".join(problems)
    assert not stale, f"known differences that no longer occur (delete them): {stale}"


def test_the_checker_flags_unknown_members_bad_enums_and_unmodelled_errors():
    """The checks above can fail: an extra member, a wrong enum value and a code the model lacks are caught."""
    import botocore.session

    iam = botocore.session.get_session().get_service_model("iam")
    operation = iam.operation_model("ListOrganizationsFeatures")
    body = (b"<ListOrganizationsFeaturesResponse><ListOrganizationsFeaturesResult><OrganizationId>o-abcdefghij"
            b"</OrganizationId><EnabledFeatures><member>RootSessions</member></EnabledFeatures><Surprise>1</Surprise>"
            b"</ListOrganizationsFeaturesResult></ListOrganizationsFeaturesResponse>")
    assert unknown_members({"body": body}, operation) == ["ListOrganizationsFeaturesResponse.Surprise"]
    parsed = {"OrganizationId": "o-abcdefghij", "EnabledFeatures": ["RootEverything"]}
    assert any("RootEverything" in p for p in shape_problems(parsed, {"body": b""}, operation))
    bad_type = {"OrganizationId": 12, "EnabledFeatures": []}
    assert any("OrganizationId" in p for p in shape_problems(bad_type, {"body": b""}, operation))
    error = ClientError({"Error": {"Code": "NoSuchFeature", "Message": "x"}}, "ListOrganizationsFeatures")
    assert error_problems(error, {"status_code": 400, "body": b""}, operation)
    wrong_status = ClientError({"Error": {"Code": "ServiceAccessNotEnabledException", "Message": "x"}}, "x")
    assert error_problems(wrong_status, {"status_code": 403, "body": b""}, operation)


# Operations per protocol to switch the per-operation faults on for (service's own code for each).
FAULT_PROBES = {
    "iam": ("GetAccountSummary", {}), "sts": ("GetCallerIdentity", {}), "cloudwatch": ("DescribeAlarms", {}),
    "sns": ("ListTopics", {}), "cloudtrail": ("DescribeTrails", {}), "logs": ("DescribeLogGroups", {}),
    "events": ("ListRules", {}), "organizations": ("DescribeOrganization", {}),
    "account": ("GetAlternateContact", {"AlternateContactType": "SECURITY"}),
}


def _fault_cases(name: str) -> list[tuple[dict[str, Any], str, str, dict[str, Any]]]:
    """(options, service, operation, params) to try one fault of FAULTS with."""
    fault = faults.FAULTS[name]
    if "operation" in fault.options:
        return [({"operation": f"{service}:{op}"}, service, op, params)
                for service, (op, params) in FAULT_PROBES.items()]
    if name == "region_disabled":
        return [({"region": "ap-east-1"}, service, op, params) for service, (op, params) in FAULT_PROBES.items()]
    return [({}, *operation.split(":"), {}) for operation in fault.operations
            if (name, operation) != ("credential_report_in_progress", "iam:GenerateCredentialReport")]  # not an error


@pytest.mark.parametrize("fault", sorted(faults.FAULTS))
def test_fault_switches_answer_with_modelled_codes_and_statuses(emulator, fault):
    # the interceptor answers before moto: any scenario will do, the smallest loads fastest
    callers = Callers(emulator.load("standalone"))
    problems = []
    for options, service, operation, params in _fault_cases(fault):
        emulator.clear_failures()
        emulator.fault(fault, **options)
        client = callers._session("management").client(service, region_name=options.get("region", "us-east-1"),
                                                        endpoint_url=callers.url, config=NO_RETRY)
        client.meta.events.register("before-parse", lambda response_dict, **_: callers.raw.update(response_dict))
        model = client.meta.service_model.operation_model(operation)
        if fault == "credential_report_in_progress":
            client.generate_credential_report()  # generation starts: GetCredentialReport is now "in progress"
        try:
            getattr(client, _snake(operation))(**params)
            problems.append(f"{service}:{operation}: no error")
            continue
        except ClientError as error:
            code = error.response["Error"]["Code"]
            if code not in fault_codes(fault):
                problems.append(f"{service}:{operation}: answered {code}")
            problems += [f"{service}:{operation}: {p}" for p in error_problems(error, callers.raw, model)]
    assert not problems, "\n".join(problems)


def fault_codes(fault: str) -> set[str]:
    return set(faults.FAULTS[fault].errors)


def test_credential_report_in_progress_answers_the_models_states(emulator):
    account = emulator.load({"extends": "organization", "description": "slow report",
                             "faults": [{"fault": "credential_report_in_progress", "times": 2}]})
    callers = Callers(account)
    iam = callers.client("iam", "management")
    operation = iam.meta.service_model.operation_model("GenerateCredentialReport")
    states = []
    for _ in range(3):
        answer = iam.generate_credential_report()
        assert not shape_problems(answer, callers.raw, operation)
        states.append(answer["State"])
    assert states == ["STARTED", "INPROGRESS", "COMPLETE"]
    assert iam.get_credential_report()["Content"].startswith(b"user,arn")
