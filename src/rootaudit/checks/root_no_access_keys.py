"""root-no-access-keys: root has no access keys, active or not."""
from ..findings import Status
from .common import flag_verdict
from .model import Check


def evaluate(ev, config):
    return flag_verdict(ev.get("account_summary"), "AccountAccessKeysPresent",
                        present="root has at least one access key (a deactivated key still counts): delete it",
                        absent="root has no access keys")


CHECK = Check(
    id="root-no-access-keys",
    title="Root has no access keys",
    severity="critical",
    topic="root-credentials",
    rationale="A root access key is a long-lived secret with unrestricted power that no IAM policy can limit. "
              "Nothing needs one: the CLI can use `aws login` for the rare root task.",
    decides="Reads AccountAccessKeysPresent from iam:GetAccountSummary. It counts inactive keys too, so a "
            "deactivated key still FAILs: only deletion passes.",
    statuses={Status.PASS: "root has no access keys", Status.FAIL: "root has one or two access keys, active or not",
              Status.ERROR: "the account summary could not be read"},
    sources=("account_summary",),
    evaluate=evaluate,
    order=4,
    fix="how-to/delete-root-access-keys.md",
    standards={"CIS v5.0": "1.3", "CIS v7.0": "2.4", "Security Hub": "IAM.4"},
    references=("https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user_manage_delete-key.html",),
)
