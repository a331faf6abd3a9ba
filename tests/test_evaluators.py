"""Every evaluator, in every status it can produce, as a pure function of evidence."""
from __future__ import annotations

import pytest

from evidence_builders import (
    BREAK_GLASS,
    DENY_ROOT,
    DENY_ROOT_NO_EXCEPTION,
    LOG_GROUP,
    NOW,
    ROOT_ARN,
    caller,
    days_ago,
    eventbridge,
    monitoring,
    rcps,
    report,
    root_rcp,
    rule,
    scp,
    signin,
    signin_statement,
    summary,
    trail,
)
from rootaudit.checks import BY_ID, CATALOGUE
from rootaudit.config import AuditConfig
from rootaudit.engine import evaluate_check
from rootaudit.findings import Status

CFG = AuditConfig(root_email_pattern=r"^aws-root(\+[a-z0-9-]+)?@example\.com$")
P, F, E, NA, M = Status.PASS, Status.FAIL, Status.ERROR, Status.NOT_APPLICABLE, Status.MANUAL
GOOD_TRAIL = [trail(log_group=LOG_GROUP)]

CASES = [
    # check id, evidence, expected status, a phrase the reason must contain
    ("caller-not-root", {"caller": caller()}, P, "not as root"),
    ("caller-not-root", {"caller": caller(arn=ROOT_ARN)}, F, "ROOT CREDENTIALS"),
    ("caller-not-root", {"caller": {}}, E, "no caller ARN"),

    ("root-mfa-enabled", {"account_summary": summary(mfa=1)}, P, "MFA enabled"),
    ("root-mfa-enabled", {"account_summary": summary(mfa=0, password=1)}, F, "password"),
    ("root-mfa-enabled", {"account_summary": summary(mfa=0, password=0, keys=1)}, F, "access keys"),
    ("root-mfa-enabled", {"account_summary": summary(mfa=0, password=0, keys=0, certs=0)}, NA, "no password"),
    ("root-mfa-enabled", {"account_summary": {}}, E, "AccountMFAEnabled"),
    ("root-mfa-enabled", {"account_summary": {"AccountMFAEnabled": 0, "AccountAccessKeysPresent": 0,
                                              "AccountSigningCertificatesPresent": 0}}, F,
     "cannot tell whether root can sign in"),

    ("root-no-access-keys", {"account_summary": summary(keys=0)}, P, "no access keys"),
    ("root-no-access-keys", {"account_summary": summary(keys=1)}, F, "deactivated key still counts"),
    ("root-no-access-keys", {"account_summary": None}, E, "AccountAccessKeysPresent"),

    ("root-no-signing-certificates", {"account_summary": summary(certs=0)}, P, "no signing"),
    ("root-no-signing-certificates", {"account_summary": summary(certs=1)}, F, "signing certificate"),
    ("root-no-signing-certificates", {"account_summary": {"AccountSigningCertificatesPresent": "1"}}, E, "did not"),

    ("root-hardware-mfa", {"account_summary": summary(mfa=1), "caller": caller(), "virtual_mfa": []}, P,
     "hardware or FIDO (a passkey may be synced)"),
    ("root-hardware-mfa", {"account_summary": summary(mfa=1), "caller": caller(), "virtual_mfa": [
        {"serial": "arn:aws:iam::123456789012:mfa/root-ops", "user_arn": "arn:aws:iam::123456789012:user/root-ops"}]},
     P, "no virtual"),  # an IAM user named like root is not root
    ("root-hardware-mfa", {"account_summary": summary(mfa=1), "caller": caller(), "virtual_mfa": [
        {"serial": "arn:aws:iam::123456789012:mfa/root-account-mfa-device", "user_arn": ROOT_ARN}]},
     F, "hardware or FIDO device"),
    ("root-hardware-mfa", {"account_summary": summary(mfa=1), "caller": caller(partition="aws-us-gov"),
                           "virtual_mfa": [{"serial": "x", "user_arn": ROOT_ARN}]}, P, "no virtual"),  # other partition
    ("root-hardware-mfa", {"account_summary": summary(mfa=0), "caller": caller(), "virtual_mfa": []},
     F, "no MFA at all"),
    ("root-hardware-mfa", {"account_summary": summary(mfa=0, password=0), "caller": caller(), "virtual_mfa": []},
     NA, "no password"),
    ("root-hardware-mfa", {"account_summary": summary(mfa=1), "caller": caller(), "virtual_mfa": None},
     E, "device list"),

    ("root-not-recently-used", {"credential_report": report(password=days_ago(200))}, P, "200 days ago"),
    ("root-not-recently-used", {"credential_report": report()}, P, "never been used"),
    ("root-not-recently-used",
     {"credential_report": report(password="not_supported", key1="N/A", key2="no_information")},
     P, "never"),
    # the latest of the three counts, not the first present (Prowler's mistake)
    ("root-not-recently-used", {"credential_report": report(password=days_ago(200), key2=days_ago(3))}, F,
     "access_key_2_last_used_date"),
    ("root-not-recently-used", {"credential_report": report(key1=days_ago(12))}, F, "12 days ago"),
    ("root-not-recently-used", {"credential_report": report(password="yesterday")}, E, "not a date"),
    ("root-not-recently-used", {"credential_report": {"generated_time": "x", "root": None}}, E, "<root_account>"),

    ("cloudtrail-multi-region", {"trails": [trail()]}, P, "multi-region trail"),
    ("cloudtrail-multi-region", {"trails": [trail(org=True)]}, P, "organization trail"),
    ("cloudtrail-multi-region", {"trails": []}, F, "no CloudTrail trail"),
    ("cloudtrail-multi-region", {"trails": [trail(multi=False)]}, F, "single-region"),
    ("cloudtrail-multi-region", {"trails": [trail(logging=False)]}, F, "not logging"),
    ("cloudtrail-multi-region", {"trails": [trail(read=False)]}, F, "only write"),
    ("cloudtrail-multi-region", {"trails": [trail(error="AccessDenied")]}, E, "could not be read"),
    # A member sees the management account's organization trail but may not read its selectors.
    ("cloudtrail-multi-region", {"trails": [trail(org=True, owner="999999999999", unread={
        "cloudtrail:GetEventSelectors": "CloudTrailARNInvalidException"})]}, M, "cloudtrail:GetEventSelectors"),
    ("cloudtrail-multi-region", {"trails": [trail(org=True, owner="999999999999", logging=False, unread={
        "cloudtrail:GetEventSelectors": "CloudTrailARNInvalidException"})]}, F, "not logging"),

    ("root-usage-alarm", {"trails": GOOD_TRAIL, "root_usage_monitoring": monitoring()}, P, "confirmed subscription"),
    ("root-usage-alarm", {"trails": [trail()], "root_usage_monitoring": monitoring()}, F, "CloudWatch Logs"),
    ("root-usage-alarm", {"trails": GOOD_TRAIL, "root_usage_monitoring": monitoring(matches_root=False)}, F,
     "matches root use"),
    ("root-usage-alarm", {"trails": GOOD_TRAIL, "root_usage_monitoring": monitoring(matches_non_root=True)}, F,
     "only root use"),
    ("root-usage-alarm", {"trails": GOOD_TRAIL, "root_usage_monitoring": monitoring(alarm=False)}, F, "no alarm"),
    ("root-usage-alarm", {"trails": GOOD_TRAIL, "root_usage_monitoring": monitoring(confirmed=0, pending=1)}, F,
     "1 pending"),
    ("root-usage-alarm", {"trails": GOOD_TRAIL, "root_usage_monitoring": monitoring(cross_account=True)}, M,
     "another account"),
    ("root-usage-alarm", {"trails": GOOD_TRAIL, "root_usage_monitoring": None}, E, "could not be read"),
    ("root-usage-alarm", {"trails": [trail(log_group=LOG_GROUP, error="ThrottlingException")],
                          "root_usage_monitoring": monitoring()}, E, "ThrottlingException"),
    ("root-usage-alarm", {"trails": [trail(org=True, owner="999999999999", log_group=LOG_GROUP, unread={
        "cloudtrail:GetEventSelectors": "CloudTrailARNInvalidException"})],
        "root_usage_monitoring": monitoring(cross_account=True)}, M, "another account"),
    ("root-usage-alarm", {"trails": GOOD_TRAIL, "root_usage_monitoring": dict(monitoring(alarm=False), log_groups=[
        {"arn": LOG_GROUP, "name": "cloudtrail", "region": "us-east-1", "account": "123456789012", "missing": True}])},
     F, "does not exist"),

    ("root-activity-alert", {"eventbridge": eventbridge()}, P, "where CloudTrail records it"),
    # Only us-east-1 decides by default (root sign-in is recorded there): other regions neither help nor hurt.
    ("root-activity-alert", {"eventbridge": eventbridge(us_east_2={"rules": []}, us_west_2={"rules": []})}, P,
     "us-east-1: root-signin"),
    ("root-activity-alert", {"eventbridge": eventbridge(us_east_1={"rules": []})}, F, "not alerted in us-east-1"),
    ("root-activity-alert", {"eventbridge": eventbridge(us_east_2={"error": "access denied to events:ListRules"})}, P,
     "us-east-1: root-signin"),
    # A rule that lists only the user guide's one-word spelling never fires on a real sign-in.
    ("root-activity-alert", {"eventbridge": eventbridge(us_east_1={"rules": [rule(matches=(
        "AWS Console Signin via CloudTrail",))]})}, F, "never fires"),
    ("root-activity-alert", {"eventbridge": eventbridge(us_east_1={"rules": [rule(state="DISABLED")]})}, F, "DISABLED"),
    ("root-activity-alert", {"eventbridge": eventbridge(us_east_1={"rules": [rule(targets=0)]})}, F, "no target"),
    ("root-activity-alert", {"eventbridge": eventbridge(us_east_1={"error": "access denied to events:ListRules"})}, E,
     "events:ListRules"),
    # China credentials and only commercial regions configured: nothing to call, and the reason says what to set.
    ("root-activity-alert", {"eventbridge": {"us-east-1": {"role": "other-partition"}},
                             "caller": caller(partition="aws-cn")}, M, "audit.signin_regions"),
    # AWS GovCloud (US): only IAM users sign in to the console.
    ("root-activity-alert", {"eventbridge": {}, "caller": caller(partition="aws-us-gov")}, NA, "only IAM users"),

    ("security-contact-registered", {"security_contact": {"set": True, "name": "SecOps", "email": "s@example.com"}},
     P, "SecOps"),
    ("security-contact-registered", {"security_contact": {"set": False}}, F, "no SECURITY"),
    ("security-contact-registered", {"security_contact": []}, E, "nothing usable"),

    ("root-email-distribution-list", {"root_email": {"email": "aws-root+prod@example.com", "role": "member"}}, P,
     "matches"),
    ("root-email-distribution-list", {"root_email": {"email": "AWS-Root@Example.com", "role": "management"}}, P,
     "matches"),  # addresses come back in the case they were registered with
    ("root-email-distribution-list", {"root_email": {"email": "jane.doe@example.com", "role": "management"}}, F,
     "does not match"),
    ("root-email-distribution-list", {"root_email": {"email": None, "role": "standalone"}}, M, "Account page"),
    ("root-email-distribution-list", {"root_email": {"email": None, "role": "member"}}, M, "--org"),
    ("root-email-distribution-list", {"root_email": "x"}, E, "could not be determined"),

    ("org-central-root-access", {"org_features": {"status": "ok", "enabled": [
        "RootCredentialsManagement", "RootSessions"]}}, P, "both enabled"),
    ("org-central-root-access", {"org_features": {"status": "ok", "enabled": ["RootCredentialsManagement"]}}, F,
     "missing RootSessions"),
    ("org-central-root-access", {"org_features": {"status": "service-access-not-enabled"}}, F, "trusted access"),
    ("org-central-root-access", {"org_features": {"status": "no-organization"}}, NA, "not in an"),
    ("org-central-root-access", {"org_features": {"status": "not-management"}}, NA, "management or IAM delegated"),
    ("org-central-root-access", {"org_features": {"status": "ok"}}, E, "nothing usable"),

    # root-sign-in-restricted (AWS Sign-In console access control)
    ("root-sign-in-restricted", {"signin_console": signin(statements=[signin_statement()]),
                                 "signin_rcps": {"status": "no-organization"}}, P, "only from 203.0.113.0/24"),
    ("root-sign-in-restricted", {"signin_console": signin(statements=[signin_statement()]),
                                 "signin_rcps": {"status": "no-organization"}}, P, BREAK_GLASS),
    ("root-sign-in-restricted", {"signin_console": signin(enabled=False, statements=[signin_statement()]),
                                 "signin_rcps": {"status": "management"}}, F, "console authorization is off"),
    ("root-sign-in-restricted", {"signin_console": signin(statements=[]),
                                 "signin_rcps": {"status": "management"}}, F, "no Sign-In statement or RCP"),
    # break-glass gone wrong: root itself is the excluded principal
    ("root-sign-in-restricted", {"signin_console": signin(statements=[signin_statement(excluded=ROOT_ARN)]),
                                 "signin_rcps": {"status": "no-organization"}}, F, "excludes root itself"),
    # AWS does not evaluate the policy at all for an excluded principal: one statement excluding root is enough
    ("root-sign-in-restricted", {"signin_console": signin(statements=[signin_statement(),
                                                                      signin_statement(excluded=ROOT_ARN)]),
                                 "signin_rcps": {"status": "no-organization"}}, F, "excludes root itself"),
    # the management account: its organization's switch counts; RCPs never do
    ("root-sign-in-restricted", {"signin_console": signin(enabled=False, statements=[signin_statement()]),
                                 "signin_rcps": {"status": "management", "organization_authorization":
                                                 {"enabled": True}}}, P, "only from 203.0.113.0/24"),
    ("root-sign-in-restricted", {"signin_console": signin(statements=[]), "signin_rcps": {"status": "management"}},
     F, "RCPs never apply to the management account"),
    # a statement for one role only does not cover root
    ("root-sign-in-restricted", {"signin_console": signin(statements=[signin_statement(
        principal={"AWS": "arn:aws:iam::123456789012:role/Dev"})]), "signin_rcps": {"status": "management"}},
     F, "no Sign-In statement"),
    ("root-sign-in-restricted", {"signin_console": signin(statements=[signin_statement(cidrs=("0.0.0.0/0",))]),
                                 "signin_rcps": {"status": "management"}}, F, "no Sign-In statement"),
    # a member, org scan: only an RCP restricts root, the organization-level switch is on
    ("root-sign-in-restricted", {"signin_console": signin(enabled=False), "signin_rcps": rcps(root_rcp())},
     P, "RCP 'root-signin'"),
    ("root-sign-in-restricted", {"signin_console": signin(enabled=False), "signin_rcps": rcps(root_rcp(),
                                                                                              org_enabled=False)},
     F, "console authorization is off"),
    ("root-sign-in-restricted", {"signin_console": signin(), "signin_rcps": rcps("not json")},
     F, "could not be parsed"),
    ("root-sign-in-restricted", {"signin_console": signin(statements=[]), "signin_rcps": {"status": "not-readable"}},
     M, "--org"),
    ("root-sign-in-restricted", {"signin_console": {"status": "not-readable",
                                                    "action": "signin:GetConsoleAuthorizationConfiguration"},
                                 "signin_rcps": {"status": "no-organization"}}, M, "grant"),
    ("root-sign-in-restricted", {"signin_console": {"status": "sdk-too-old", "botocore": "1.35.0",
                                                    "needed": "1.44.8"},
                                 "signin_rcps": {"status": "no-organization"}}, M, "1.44.8"),
    ("root-sign-in-restricted", {"signin_console": {"status": "partition", "partition": "aws-cn"},
                                 "signin_rcps": {"status": "no-organization"}}, NA, "aws-cn"),
    ("root-sign-in-restricted", {"signin_console": {"status": "ok"}, "signin_rcps": {"status": "no-organization"}},
     E, "could not be read"),
    ("root-sign-in-restricted", {"signin_console": signin(statements=[]),
                                 "signin_rcps": {"status": "error", "reason": "access denied"}}, E, "access denied"),
    ("root-sign-in-restricted", {"signin_console": signin(statements=[{"effect": "Deny", "action": "signin:*",
                                                                        "condition": ["not", "a", "map"]}]),
                                 "signin_rcps": {"status": "management"}}, E, "could not be read"),
    ("org-scp-denies-root", {"scps": scp(DENY_ROOT)}, P, "aws:AssumedRoot exception"),
    ("org-scp-denies-root", {"scps": scp(DENY_ROOT_NO_EXCEPTION)}, P, "WARNING"),
    ("org-scp-denies-root", {"scps": {"status": "ok", "policies": []}}, F, "no SCP"),
    ("org-scp-denies-root", {"scps": scp("not json")}, F, "could not be parsed"),
    ("org-scp-denies-root", {"scps": {"status": "management"}}, NA, "management account"),
    ("org-scp-denies-root", {"scps": {"status": "no-organization"}}, NA, "not in an"),
    ("org-scp-denies-root", {"scps": {"status": "not-readable"}}, M, "--org"),
    ("org-scp-denies-root", {"scps": {"status": "ok"}}, E, "could not be read"),
    ("org-scp-denies-root", {"scps": {"status": "error", "reason": "access denied to organizations:ListParents"}},
     E, "organizations:ListParents"),
]


@pytest.mark.parametrize("check_id,evidence,expected,phrase", CASES,
                         ids=[f"{c[0]}-{c[2].value}-{i}" for i, c in enumerate(CASES)])
def test_evaluator(check_id, evidence, expected, phrase):
    verdict = evaluate_check(BY_ID[check_id], dict(evidence, now=NOW), CFG)
    assert verdict.status is expected, verdict.reason
    assert phrase in verdict.reason


def test_every_declared_status_has_a_case():
    covered = {(c[0], c[2]) for c in CASES}
    missing = [(c.id, s.value) for c in CATALOGUE for s in c.statuses if (c.id, s) not in covered]
    assert not missing, f"statuses without a test case: {missing}"


def test_recent_use_window_is_configurable():
    check = BY_ID["root-not-recently-used"]
    evidence = {"credential_report": report(password=days_ago(30)), "now": NOW}
    assert evaluate_check(check, evidence, AuditConfig(recent_use_days=90)).status is F
    assert evaluate_check(check, evidence, AuditConfig(recent_use_days=7)).status is P


def test_email_without_pattern_is_manual():
    verdict = evaluate_check(BY_ID["root-email-distribution-list"],
                             {"root_email": {"email": "a@example.com", "role": "management"}}, AuditConfig())
    assert verdict.status is M and "root_email_pattern" in verdict.reason


def test_alert_regions_are_configurable():
    check = BY_ID["root-activity-alert"]
    only_east = {"eventbridge": {"us-east-1": {"rules": [rule()]}}}
    assert evaluate_check(check, only_east, AuditConfig()).status is P  # by default us-east-1 alone decides
    required = AuditConfig(signin_regions=("us-east-1", "us-east-2"), require_all_signin_regions=True)
    assert evaluate_check(check, only_east, required).status is E  # us-east-2 is required but was not collected
    listed = AuditConfig(signin_regions=("us-east-1", "us-east-2"))
    assert evaluate_check(check, only_east, listed).status is P  # listed but not required: reported only
    # Configuring other regions never drops us-east-1, where AWS records root sign-in.
    only_west = {"eventbridge": {"us-east-1": {"rules": []}, "us-west-2": {"rules": [rule()]}}}
    verdict = evaluate_check(check, only_west, AuditConfig(signin_regions=("us-west-2",),
                                                           require_all_signin_regions=True))
    assert verdict.status is F and "us-east-1" in verdict.reason


def test_extra_regions_are_reported_but_never_decide():
    check = BY_ID["root-activity-alert"]
    evidence = {"eventbridge": {"us-east-1": {"rules": [rule()]}, "us-east-2": {"rules": [rule(state="DISABLED")]},
                                "us-west-2": {"error": "events:ListRules in us-west-2: the region is not enabled"}}}
    verdict = evaluate_check(check, evidence, AuditConfig(signin_regions=("us-east-1", "us-east-2", "us-west-2")))
    assert verdict.status is P
    assert "Also checked" in verdict.reason and "DISABLED" in verdict.reason and "not enabled" in verdict.reason


def test_signin_plan_follows_the_partition():
    cfg = AuditConfig(signin_regions=("us-east-2", "us-gov-west-1"))
    assert cfg.signin_plan("aws") == {"us-east-1": "required", "us-east-2": "extra",
                                      "us-gov-west-1": "other-partition"}
    # No documented root sign-in region for China: the listed China regions decide.
    china = AuditConfig(signin_regions=("us-east-1", "cn-north-1"))
    assert china.signin_plan("aws-cn") == {"us-east-1": "other-partition", "cn-north-1": "required"}
    assert cfg.signin_plan("aws-us-gov") == {}  # GovCloud: root never signs in to the console
    strict = AuditConfig(signin_regions=("us-east-2",), require_all_signin_regions=True)
    assert strict.signin_plan("aws") == {"us-east-1": "required", "us-east-2": "required"}


SIGNIN_CFG = AuditConfig(org={"root_signin": {"expected_cidrs": ["203.0.113.0/24", "198.51.100.0/24"]}})


@pytest.mark.parametrize("cidrs, expected, phrase", [
    (("203.0.113.0/25",), P, "only from 203.0.113.0/25"),  # inside an expected range
    (("203.0.113.0/24", "192.0.2.0/24"), F, "192.0.2.0/24"),  # one range that handbook.yml does not list
    (("not-a-cidr",), F, "not-a-cidr"),
])
def test_sign_in_networks_are_compared_with_handbook_yml(cidrs, expected, phrase):
    evidence = {"signin_console": signin(statements=[signin_statement(cidrs=cidrs)]),
                "signin_rcps": {"status": "management"}, "now": NOW}
    verdict = evaluate_check(BY_ID["root-sign-in-restricted"], evidence, SIGNIN_CFG)
    assert (verdict.status, phrase in verdict.reason) == (expected, True), verdict.reason


def test_sign_in_without_expected_networks_says_they_were_not_compared():
    evidence = {"signin_console": signin(statements=[signin_statement(cidrs=("192.0.2.0/24",))]),
                "signin_rcps": {"status": "management"}, "now": NOW}
    verdict = evaluate_check(BY_ID["root-sign-in-restricted"], evidence, CFG)
    assert verdict.status == P and "not compared" in verdict.reason


def test_malformed_expected_networks_are_an_error_naming_the_key():
    cfg = AuditConfig(org={"root_signin": {"expected_cidrs": "203.0.113.0/24"}})
    evidence = {"signin_console": signin(statements=[signin_statement()]), "signin_rcps": {"status": "management"},
                "now": NOW}
    verdict = evaluate_check(BY_ID["root-sign-in-restricted"], evidence, cfg)
    assert verdict.status == E and "org.root_signin.expected_cidrs" in verdict.reason


def test_vpc_source_ips_are_private_and_not_compared_with_public_ranges():
    statement = signin_statement(cidrs=())
    statement["condition"]["NotIpAddressIfExists"] = {"aws:VpcSourceIp": ["10.0.0.0/16"]}
    statement["condition"]["StringNotEqualsIfExists"] = {"aws:SourceVpc": ["vpc-0123456789abcdef0"]}
    evidence = {"signin_console": signin(statements=[statement]), "signin_rcps": {"status": "management"}, "now": NOW}
    verdict = evaluate_check(BY_ID["root-sign-in-restricted"], evidence, SIGNIN_CFG)
    assert verdict.status == P and "10.0.0.0/16" in verdict.reason, verdict.reason


# -------------------------------------- engine.py: evaluate_all, evaluate_check, _finding (mutation, issue 16)
#
# Sources registered by these tests hand the engine fixed evidence or failures, so the engine's own part (what
# each check is fed, how a failure becomes a verdict, what a finding holds) is seen without AWS.

BASE = "https://handbook.example.org/"


def _engine_setup(monkeypatch, sources: dict):
    """Register each name of sources (name -> a value, or a SourceError to fail with); the fetches made, in order."""
    from rootaudit.evidence.errors import SourceError, SourceFailed
    from rootaudit.evidence.registry import SOURCES, Source

    fetched = []

    def make(name, outcome):
        def fetch(ctx, ev):
            fetched.append(name)
            if isinstance(outcome, SourceError):
                raise SourceFailed(outcome)
            return outcome
        return fetch

    for name, outcome in sources.items():
        monkeypatch.setitem(SOURCES, name, Source(name, ("iam:GetThing",), make(name, outcome)))
    return fetched


def _engine_check(check_id: str, sources: tuple[str, ...], evaluate):
    from dataclasses import replace

    return replace(BY_ID[check_id], sources=sources, evaluate=evaluate)


def _collector():
    from rootaudit.evidence.collector import Collector, Context

    return Collector(Context(session=None, config=CFG, region="us-east-1", workers=1))


def test_evaluate_all_feeds_each_check_its_sources_and_the_time_and_builds_its_finding(monkeypatch):
    from datetime import date

    from rootaudit.engine import evaluate_all
    from rootaudit.findings import Finding, Verdict

    _engine_setup(monkeypatch, {"t-summary": {"AccountMFAEnabled": 1}, "t-caller": {"account": "123456789012"}})
    seen = []

    def judge(evidence, config):
        seen.append((evidence, config))
        return Verdict(F, "judged", {"when": evidence["now"], "day": date(2026, 1, 2), "n": [1]})

    check = _engine_check("root-mfa-enabled", ("t-summary", "t-caller"), judge)
    [finding] = evaluate_all([check], _collector(), CFG, NOW, BASE, "123456789012")
    assert seen == [({"t-summary": {"AccountMFAEnabled": 1}, "t-caller": {"account": "123456789012"}, "now": NOW},
                     CFG)]
    assert finding == Finding(check_id="root-mfa-enabled", status=F, severity=check.severity, title=check.title,
                              reason="judged", evidence={"when": str(NOW), "day": "2026-01-02", "n": [1]},
                              docs_url=f"{BASE}checks/root-mfa-enabled/", account_id="123456789012")


def test_a_failed_source_is_its_checks_error_and_a_fatal_one_ends_the_scan(monkeypatch):
    from rootaudit.engine import evaluate_all
    from rootaudit.evidence.errors import SourceError
    from rootaudit.findings import Verdict

    denied = SourceError("AccessDenied", "iam:GetThing", "access denied to iam:GetThing")
    expired = SourceError("ExpiredCredentials", "iam:GetOther", "the credentials have expired: log in again")
    _engine_setup(monkeypatch, {"t-fine": "fine", "t-denied": denied, "t-expired": expired})

    def judge(evidence, config):
        return Verdict(P, f"read {sorted(evidence)}")

    first = _engine_check("root-mfa-enabled", ("t-fine",), judge)
    refused = _engine_check("root-no-access-keys", ("t-denied",), judge)
    after = _engine_check("root-hardware-mfa", ("t-fine",), judge)
    cut = _engine_check("root-no-signing-certificates", ("t-expired",), judge)
    findings = evaluate_all([first, refused, after, cut, after], _collector(), CFG, NOW, BASE, None)
    assert [(f.status, f.reason, f.evidence) for f in findings] == [
        (P, "read ['now', 't-fine']", {}),
        (E, denied.message, {"failed_action": "iam:GetThing", "kind": "AccessDenied"}),
        (P, "read ['now', 't-fine']", {}),  # a denied source ends nothing but its own checks
        (E, expired.message, {"failed_action": "iam:GetOther", "kind": "ExpiredCredentials"}),
        (E, expired.message, {"failed_action": "iam:GetOther", "kind": "ExpiredCredentials"}),  # not evaluated
    ]


def test_an_evaluator_that_raises_or_returns_no_verdict_is_an_error_naming_the_check():
    from rootaudit.findings import Verdict

    def broken(evidence, config):
        return evidence["missing"]

    got = {}
    for name, evaluate in (("raises", broken), ("none", lambda evidence, config: None),
                           ("string status", lambda evidence, config: Verdict("PASS", "looks fine"))):
        verdict = evaluate_check(_engine_check("root-mfa-enabled", ("caller",), evaluate), {"now": NOW}, CFG)
        got[name] = (verdict.status, verdict.reason)
    assert got == {
        "raises": (E, "could not evaluate root-mfa-enabled on this evidence (KeyError: 'missing')"),
        "none": (E, "root-mfa-enabled returned no verdict"),
        "string status": (E, "root-mfa-enabled returned no verdict"),
    }
    seen = []
    check = _engine_check("root-mfa-enabled", ("caller",), lambda ev, cfg: seen.append((ev, cfg)) or Verdict(P, "ok"))
    assert evaluate_check(check, {"now": NOW}, CFG) == Verdict(P, "ok") and seen == [({"now": NOW}, CFG)]


def test_findings_link_to_the_handbook_the_organization_publishes():
    from rootaudit.engine import DEFAULT_HANDBOOK_URL, handbook_base

    ours = AuditConfig(org={"handbook_url": "https://wiki.example.org/root/"})
    assert handbook_base(ours) == "https://wiki.example.org/root/"
    assert handbook_base(AuditConfig()) == DEFAULT_HANDBOOK_URL == "https://root-handbook.example.com/"
