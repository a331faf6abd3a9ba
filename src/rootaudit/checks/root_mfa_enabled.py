"""root-mfa-enabled: root has MFA, unless it has no credentials at all."""
from ..findings import Status, error, failed, not_applicable, passed
from .common import NO_CREDENTIALS_REASON, has_no_credentials, root_credentials
from .model import Check

# AWS's own GetAccountSummary example omits the key; without it the summary cannot say whether root has a password.
PASSWORD_UNKNOWN = ("possibly a password: iam:GetAccountSummary did not report AccountPasswordPresent, so this scan "
                    "cannot tell whether root can sign in; it is treated as able to until the credential report's "
                    "password_enabled for <root_account>, or the console's Security credentials page, says otherwise")


def evaluate(ev, config):
    creds = root_credentials(ev.get("account_summary"))
    if creds["mfa"] == 1:
        return passed("root has MFA enabled (AccountMFAEnabled = 1)", **creds)
    if creds["mfa"] is None:
        return error("iam:GetAccountSummary did not report AccountMFAEnabled", **creds)
    if has_no_credentials(creds):
        return not_applicable(NO_CREDENTIALS_REASON + "; AWS Config reports this case as NOT_APPLICABLE too", **creds)
    held = [name.replace("_", " ") for name in ("password", "access_keys", "signing_certificates") if creds[name]]
    if creds["password"] is None:
        held.append(PASSWORD_UNKNOWN)
    return failed(f"root has no MFA but has {', '.join(held)}", **creds)


CHECK = Check(
    id="root-mfa-enabled",
    title="Root has MFA",
    severity="critical",
    topic="root-credentials",
    rationale="A root password alone is one phishing email away from full, unrestrictable control of the account. "
              "AWS now requires root MFA on every account type.",
    decides="Reads AccountMFAEnabled, AccountPasswordPresent, AccountAccessKeysPresent and "
            "AccountSigningCertificatesPresent from iam:GetAccountSummary (not the credential report, which AWS caches "
            "for up to 4 hours).",
    statuses={Status.PASS: "root has at least one MFA device",
              Status.FAIL: "root has a password, keys or certificates but no MFA",
              Status.NOT_APPLICABLE: "root has no password, keys or certificates (a member account under "
                                     "centralized root access): there is nothing to protect",
              Status.ERROR: "the account summary could not be read"},
    sources=("account_summary",),
    evaluate=evaluate,
    order=2,
    fix="how-to/set-up-root-mfa.md",
    standards={"CIS v5.0": "1.4", "CIS v7.0": "2.5", "Security Hub": "IAM.9"},
    references=("https://docs.aws.amazon.com/IAM/latest/UserGuide/enable-mfa-for-root.html",
                "https://docs.aws.amazon.com/config/latest/developerguide/root-account-mfa-enabled.html"),
)
