"""security-contact-registered: the SECURITY alternate contact is set."""
from ..findings import Status, error, failed, passed
from .model import Check


def evaluate(ev, config):
    contact = ev.get("security_contact")
    if not isinstance(contact, dict) or "set" not in contact:
        return error("account:GetAlternateContact returned nothing usable")
    if not contact["set"]:
        return failed("no SECURITY alternate contact is registered: AWS sends security notices only to the root email")
    who = f"{contact.get('name') or '(no name)'} <{contact.get('email') or 'no email'}>"
    return passed(f"SECURITY contact: {who}", contact=who)


CHECK = Check(
    id="security-contact-registered",
    title="A security contact is registered",
    severity="medium",
    topic="contacts-and-email",
    rationale="AWS sends abuse and compromise notices to the security contact; without one they reach only the root "
              "inbox, which few people read.",
    decides="account:GetAlternateContact with AlternateContactType=SECURITY; ResourceNotFoundException means unset.",
    statuses={Status.PASS: "a SECURITY contact is set", Status.FAIL: "none is set",
              Status.ERROR: "the contact could not be read"},
    sources=("security_contact",),
    evaluate=evaluate,
    order=1,
    fix="how-to/register-security-contact.md",
    standards={"CIS v5.0": "1.2", "CIS v7.0": "2.3", "Security Hub": "Account.1"},
    references=("https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-update-contact-alternate.html",),
)
