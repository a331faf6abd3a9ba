"""root-email-distribution-list: the root email is a distribution list matching the configured pattern."""
import re

from ..findings import Status, error, failed, manual, passed
from .model import Check

CONSOLE_STEPS = ("sign in to the console (as an administrator, not root), open the Account page and read the email "
                 "under Account details")


def evaluate(ev, config):
    info = ev.get("root_email")
    if not isinstance(info, dict):
        return error("the root email could not be determined")
    email, role = info.get("email"), info.get("role")
    if email is not None and not isinstance(email, str):
        return error(f"the root email could not be determined (the API returned {email!r})")
    pattern = config.root_email_pattern
    if not email:
        if role == "member":
            return manual("a member account cannot read its own root email through the API: run "
                          "`rootaudit scan --org` from the management account (it reads emails from "
                          f"organizations:ListAccounts), or {CONSOLE_STEPS}", role=role)
        return manual("a standalone account cannot read its own root email through the API: "
                      f"{CONSOLE_STEPS}, and confirm it matches {pattern or 'your distribution-list pattern'}",
                      role=role)
    if not pattern:
        return manual(f"root email is {email}; set org.root_email_pattern in handbook.yml so it can be judged",
                      email=email)
    try:
        # The domain is case-insensitive and AWS returns the address as it was registered.
        matched = re.fullmatch(pattern, email, re.IGNORECASE) is not None
    except re.error:
        return error(f"org.root_email_pattern is not a valid regular expression: {pattern}")
    source = info.get("from", "the API")
    if matched:
        return passed(f"root email {email} matches the distribution-list pattern {pattern} (from {source})",
                      email=email, pattern=pattern)
    return failed(f"root email {email} does not match the distribution-list pattern {pattern}: it looks like an "
                  f"individual's address (from {source})", email=email, pattern=pattern)


CHECK = Check(
    id="root-email-distribution-list",
    title="The root email is a distribution list",
    severity="medium",
    topic="contacts-and-email",
    rationale="Whoever reads the root inbox can reset the root password and, with the phone, bypass MFA. A person's "
              "mailbox leaves with that person; a controlled distribution list stays with the company.",
    decides="Compares the root email with `org.root_email_pattern` from handbook.yml, ignoring case. "
            "The management account reads "
            "its own from organizations:DescribeOrganization; the org scan reads members' from "
            "organizations:ListAccounts. A standalone or member account cannot read its own root email through the "
            "API, so that case is MANUAL with the console steps.",
    statuses={Status.PASS: "the email matches the pattern", Status.FAIL: "it does not",
              Status.MANUAL: "the API cannot tell from this account; the reason gives the steps",
              Status.ERROR: "the email could not be read, or the pattern is invalid"},
    sources=("root_email",),
    evaluate=evaluate,
    order=2,
    fix="how-to/root-email.md",
    references=("https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-best-practices.html",
                "https://docs.aws.amazon.com/accounts/latest/APIReference/API_GetPrimaryEmail.html"),
)
