"""The verdict every check must reach in each shipped scenario (a single-account scan of the audited account).

The scenarios (src/rootaudit_emulator/scenarios/*.yaml) describe why; these are what the checks must conclude.
"""
P, F, NA, M = "PASS", "FAIL", "NOT_APPLICABLE", "MANUAL"

EXPECTED = {
    # demo's root-activity-alert stays FAIL for a new reason: its us-east-1 rule lists only the one-word "Signin"
    # detail-type, which real sign-in events do not carry (issue 11, item 2).
    "demo": {
        "caller-not-root": P, "root-mfa-enabled": P, "root-hardware-mfa": F, "root-no-access-keys": F,
        "root-no-signing-certificates": P, "root-not-recently-used": F, "cloudtrail-multi-region": P,
        "root-usage-alarm": F, "root-activity-alert": F, "security-contact-registered": P,
        "root-email-distribution-list": P, "org-central-root-access": F, "org-scp-denies-root": NA,
    },
    "hardened": {
        "caller-not-root": P, "root-mfa-enabled": P, "root-hardware-mfa": P, "root-no-access-keys": P,
        "root-no-signing-certificates": P, "root-not-recently-used": P, "cloudtrail-multi-region": P,
        "root-usage-alarm": P, "root-activity-alert": P, "security-contact-registered": P,
        "root-email-distribution-list": P, "org-central-root-access": P, "org-scp-denies-root": NA,
    },
    "neglected": {
        "caller-not-root": F, "root-mfa-enabled": F, "root-hardware-mfa": F, "root-no-access-keys": F,
        "root-no-signing-certificates": F, "root-not-recently-used": F, "cloudtrail-multi-region": F,
        "root-usage-alarm": F, "root-activity-alert": F, "security-contact-registered": F,
        "root-email-distribution-list": F, "org-central-root-access": F, "org-scp-denies-root": NA,
    },
    "member-no-root-credentials": {
        "caller-not-root": P, "root-mfa-enabled": NA, "root-hardware-mfa": NA, "root-no-access-keys": P,
        "root-no-signing-certificates": P, "root-not-recently-used": P, "cloudtrail-multi-region": P,
        "root-usage-alarm": M, "root-activity-alert": P, "security-contact-registered": P,
        "root-email-distribution-list": M, "org-central-root-access": NA, "org-scp-denies-root": M,
    },
    "standalone": {
        "caller-not-root": P, "root-mfa-enabled": P, "root-hardware-mfa": F, "root-no-access-keys": P,
        "root-no-signing-certificates": P, "root-not-recently-used": P, "cloudtrail-multi-region": P,
        # root-activity-alert was FAIL while us-east-2 and us-west-2 were required; AWS records root sign-in in
        # us-east-1, where this account's rule is enabled and has a target (issue 11, item 1).
        "root-usage-alarm": P, "root-activity-alert": P, "security-contact-registered": F,
        "root-email-distribution-list": M, "org-central-root-access": NA, "org-scp-denies-root": NA,
    },
}
