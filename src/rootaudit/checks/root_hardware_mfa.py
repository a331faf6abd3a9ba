"""root-hardware-mfa: root's MFA is hardware or FIDO, with no virtual device assigned to root."""
from ..findings import Status, error, failed, not_applicable, passed
from .common import NO_CREDENTIALS_REASON, has_no_credentials, root_credentials
from .model import Check


def evaluate(ev, config):
    creds = root_credentials(ev.get("account_summary"))
    caller = ev.get("caller") if isinstance(ev.get("caller"), dict) else {}
    devices = ev.get("virtual_mfa")
    if creds["mfa"] is None:
        return error("iam:GetAccountSummary did not report AccountMFAEnabled")
    if creds["mfa"] == 0:
        if has_no_credentials(creds):
            return not_applicable(NO_CREDENTIALS_REASON, **creds)
        return failed("root has no MFA at all, hardware or otherwise", **creds)
    if not isinstance(devices, list):
        return error("iam:ListVirtualMFADevices returned no device list")
    # Match the root user's exact ARN: an IAM user called e.g. 'root-ops' must not count.
    root_arn = f"arn:{caller.get('partition') or 'aws'}:iam::{caller.get('account')}:root"
    virtual = [d.get("serial") for d in devices if isinstance(d, dict) and d.get("user_arn") == root_arn]
    if virtual:
        return failed(f"a virtual MFA device is assigned to root ({', '.join(map(str, virtual))}); if root also has a "
                      "hardware or FIDO device, Security Hub IAM.6 still fails while the virtual one stays: deactivate "
                      "and delete the virtual device to pass", root_arn=root_arn, virtual_devices=virtual)
    # No API tells a device-bound FIDO key from a synced passkey (iCloud, Google, a password manager).
    return passed("root has MFA and no virtual device is assigned to it, so its MFA is hardware or FIDO (a passkey "
                  "may be synced)", root_arn=root_arn, virtual_devices=[])


CHECK = Check(
    id="root-hardware-mfa",
    title="Root's MFA is hardware or FIDO, not virtual",
    severity="high",
    topic="root-credentials",
    rationale="A FIDO security key or passkey resists phishing, and a physical device can be locked in a safe "
              "between uses; an authenticator app lives on someone's phone.",
    decides="Root must have MFA (iam:GetAccountSummary) and no device from iam:ListVirtualMFADevices "
            "(AssignmentStatus=Assigned) may be assigned to the root user's exact ARN. Matching on the exact ARN, "
            "not a substring of the serial, keeps IAM users named like 'root-ops' out of it.",
    statuses={Status.PASS: "root has MFA and none of it is a virtual device: hardware or FIDO, where a FIDO passkey "
                           "may be synced to a cloud account (no API tells them apart)",
              Status.FAIL: "root has no MFA, or a virtual device is assigned to root (even beside a hardware one)",
              Status.NOT_APPLICABLE: "root has no password, keys or certificates",
              Status.ERROR: "the account summary or the virtual MFA list could not be read"},
    sources=("account_summary", "caller", "virtual_mfa"),
    evaluate=evaluate,
    order=3,
    fix="how-to/set-up-root-mfa.md#hardware-mfa",
    standards={"CIS v5.0": "1.5", "CIS v7.0": "2.6", "Security Hub": "IAM.6"},
    references=("https://docs.aws.amazon.com/config/latest/developerguide/root-account-hardware-mfa-enabled.html",
                "https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html"),
)
