"""The verdict every check must reach in each shipped scenario (a single-account scan of the audited account).

The scenarios (src/rootaudit_emulator/scenarios/*.yaml) describe why; these are what the checks must conclude.
"""
P, F, NA, M, E = "PASS", "FAIL", "NOT_APPLICABLE", "MANUAL", "ERROR"

EXPECTED = {
    # demo's root-activity-alert stays FAIL for a new reason: its us-east-1 rule lists only the one-word "Signin"
    # detail-type, which real sign-in events do not carry (issue 11, item 2).
    "demo": {
        "caller-not-root": P, "root-mfa-enabled": P, "root-hardware-mfa": F, "root-no-access-keys": F,
        "root-no-signing-certificates": P, "root-not-recently-used": F,
        "root-sign-in-restricted": F, "cloudtrail-multi-region": P,
        "root-usage-alarm": F, "root-activity-alert": F, "security-contact-registered": P,
        "root-email-distribution-list": P, "org-central-root-access": F, "org-scp-denies-root": NA,
    },
    "hardened": {
        "caller-not-root": P, "root-mfa-enabled": P, "root-hardware-mfa": P, "root-no-access-keys": P,
        "root-no-signing-certificates": P, "root-not-recently-used": P,
        "root-sign-in-restricted": P, "cloudtrail-multi-region": P,
        "root-usage-alarm": P, "root-activity-alert": P, "security-contact-registered": P,
        "root-email-distribution-list": P, "org-central-root-access": P, "org-scp-denies-root": NA,
    },
    "neglected": {
        "caller-not-root": F, "root-mfa-enabled": F, "root-hardware-mfa": F, "root-no-access-keys": F,
        "root-no-signing-certificates": F, "root-not-recently-used": F,
        "root-sign-in-restricted": F, "cloudtrail-multi-region": F,
        "root-usage-alarm": F, "root-activity-alert": F, "security-contact-registered": F,
        "root-email-distribution-list": F, "org-central-root-access": F, "org-scp-denies-root": NA,
    },
    "member-no-root-credentials": {
        "caller-not-root": P, "root-mfa-enabled": NA, "root-hardware-mfa": NA, "root-no-access-keys": P,
        "root-no-signing-certificates": P, "root-not-recently-used": P,
        "root-sign-in-restricted": M, "cloudtrail-multi-region": P,
        "root-usage-alarm": M, "root-activity-alert": P, "security-contact-registered": P,
        "root-email-distribution-list": M, "org-central-root-access": NA, "org-scp-denies-root": M,
    },
    "standalone": {
        "caller-not-root": P, "root-mfa-enabled": P, "root-hardware-mfa": F, "root-no-access-keys": P,
        "root-no-signing-certificates": P, "root-not-recently-used": P,
        "root-sign-in-restricted": F, "cloudtrail-multi-region": P,
        # root-activity-alert was FAIL while us-east-2 and us-west-2 were required; AWS records root sign-in in
        # us-east-1, where this account's rule is enabled and has a target (issue 11, item 1).
        "root-usage-alarm": P, "root-activity-alert": P, "security-contact-registered": F,
        "root-email-distribution-list": M, "org-central-root-access": NA, "org-scp-denies-root": NA,
    },
    "organization-delegated-admin": {  # the delegated administrator's own single-account scan
        "caller-not-root": P, "root-mfa-enabled": P, "root-hardware-mfa": P, "root-no-access-keys": P,
        "root-no-signing-certificates": P, "root-not-recently-used": P,
        # a member scanned on its own: its console authorization is off, RCPs and the organization's switch unread
        "root-sign-in-restricted": M, "cloudtrail-multi-region": P,
        "root-usage-alarm": M, "root-activity-alert": P, "security-contact-registered": P,
        "root-email-distribution-list": M, "org-central-root-access": P, "org-scp-denies-root": M,
    },
}

# `rootaudit scan --org` of a scenario: account -> the verdicts that scenario exists to show (the rest are free).
ORG_EXPECTED = {
    "organization-delegated-admin": {
        # the real management account (MasterAccountId), reached from the delegated administrator: no SCP applies
        "123456789012": {"org-scp-denies-root": NA, "org-central-root-access": P, "root-mfa-enabled": P},
        # the delegated administrator itself: it reads its own SCP chain, nothing denies its root
        "100000000019": {"org-scp-denies-root": F, "org-central-root-access": P, "root-email-distribution-list": P},
        # no access role: the audit root session reads root's facts (DenyRootExceptAssumedRoot spares it)
        # (and what the management side read still decides: its SCPs and root email)
        "100000000021": {"root-mfa-enabled": F, "root-no-access-keys": F, "security-contact-registered": E,
                         "org-scp-denies-root": P, "root-email-distribution-list": P},
        # DenyRootStrict blocks root sessions, but the role reads root's facts: real FAILs, not ERROR
        "100000000022": {"root-mfa-enabled": F, "root-no-access-keys": F, "org-scp-denies-root": P},
        # no role, and DenyRootStrict denies the root session: ERROR naming the SCP
        "100000000023": {"root-mfa-enabled": E, "root-no-access-keys": E, "org-scp-denies-root": P,
                         "root-email-distribution-list": P},
        # DenyAll: the role's calls are denied (GetCallerIdentity needs no permission)
        "100000000024": {"caller-not-root": P, "root-no-access-keys": E, "security-contact-registered": E},
        "100000000025": {"*": NA},  # CLOSED
        "100000000026": {"*": NA},  # SUSPENDED
    },
}
