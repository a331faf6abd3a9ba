"""The verdict every check must reach in each shipped scenario (a single-account scan of the audited account).

The scenarios (src/rootaudit_emulator/scenarios/*.yaml) describe why; these are what the checks must conclude.
"""
P, F, NA, M = "PASS", "FAIL", "NOT_APPLICABLE", "MANUAL"

EXPECTED = {
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
        "root-usage-alarm": P, "root-activity-alert": F, "security-contact-registered": F,
        "root-email-distribution-list": M, "org-central-root-access": NA, "org-scp-denies-root": NA,
    },
}
