"""root-no-signing-certificates: root has no X.509 signing certificates."""
from ..findings import Status
from .common import flag_verdict
from .model import Check


def evaluate(ev, config):
    return flag_verdict(ev.get("account_summary"), "AccountSigningCertificatesPresent",
                        present="root has a signing certificate: delete it",
                        absent="root has no signing certificates")


CHECK = Check(
    id="root-no-signing-certificates",
    title="Root has no signing certificates",
    severity="high",
    topic="root-credentials",
    rationale="A root X.509 signing certificate is a root credential too, and one most peers never look for. "
              "Centralized root access removes them along with passwords and keys.",
    decides="Reads AccountSigningCertificatesPresent from iam:GetAccountSummary.",
    statuses={Status.PASS: "root has no signing certificates", Status.FAIL: "root has a signing certificate",
              Status.ERROR: "the account summary could not be read"},
    sources=("account_summary",),
    evaluate=evaluate,
    order=5,
    fix="how-to/delete-root-access-keys.md#signing-certificates",
    references=("https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountSummary.html",),
)
