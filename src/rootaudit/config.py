"""Load and validate handbook.yml: organisation values and audit settings.

The same file feeds the handbook's macros and the checks, so both always agree.
A malformed file is a ConfigError with a one-line message, never a traceback.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# CloudTrail records a root console sign-in in us-east-1 (AWS's page on console sign-in events; us-east-2,
# eu-north-1 and ap-southeast-2 appear there only for IAM users on the global endpoint):
# https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html
ROOT_SIGNIN_REGION = {"aws": "us-east-1"}
# Partitions whose console accepts no root sign-in at all: in AWS GovCloud (US) only IAM users sign in.
# https://docs.aws.amazon.com/govcloud-us/latest/UserGuide/accessing-govcloud.html
NO_ROOT_CONSOLE = {"aws-us-gov": "https://docs.aws.amazon.com/govcloud-us/latest/UserGuide/accessing-govcloud.html"}
DEFAULT_SIGNIN_REGIONS = ("us-east-1",)

# Region name prefixes of the partitions other than the commercial one (botocore's endpoints data).
_PARTITION_PREFIXES = (("us-gov-", "aws-us-gov"), ("cn-", "aws-cn"), ("us-isob-", "aws-iso-b"),
                       ("us-iso-", "aws-iso"), ("eu-isoe-", "aws-iso-e"), ("us-isof-", "aws-iso-f"))


def region_partition(region: str) -> str:
    """The partition a region belongs to: aws-us-gov for us-gov-west-1, aws-cn for cn-north-1, else aws."""
    return next((p for prefix, p in _PARTITION_PREFIXES if region.startswith(prefix)), "aws")


class ConfigError(ValueError):
    """The configuration file cannot be used; the message says what to fix."""


@dataclass(frozen=True)
class AuditConfig:
    recent_use_days: int = 90
    signin_regions: tuple[str, ...] = DEFAULT_SIGNIN_REGIONS  # checked for a root sign-in rule
    require_all_signin_regions: bool = False  # False: only where AWS records root sign-in decides; the rest reported
    credential_report_timeout_seconds: float = 60.0
    org_role_name: str = "OrganizationAccountAccessRole"
    org_max_workers: int = 32
    root_email_pattern: str | None = None
    org: dict[str, Any] = field(default_factory=dict)

    @property
    def root_email_regex(self) -> re.Pattern[str] | None:
        # Email addresses come back in whatever case they were registered: match case-insensitively.
        return re.compile(self.root_email_pattern, re.IGNORECASE) if self.root_email_pattern else None

    def signin_plan(self, partition: str = "aws") -> dict[str, str]:
        """Sign-in regions -> "required", "extra" (checked and reported, never decides) or "other-partition" (not
        called: the credentials cannot reach it).

        In the commercial partition us-east-1, where AWS records root sign-in, is always required, and a rule
        elsewhere never makes up for a missing one there; the other listed regions decide only with
        audit.require_all_signin_regions. In a partition whose root sign-in region is not documented, the listed
        regions of that partition decide.
        """
        if partition in NO_ROOT_CONSOLE:
            return {}  # nothing to alert on: root cannot sign in to that partition's console
        home = ROOT_SIGNIN_REGION.get(partition)
        plan: dict[str, str] = {home: "required"} if home else {}
        for region in self.signin_regions:
            if region in plan:
                continue
            if region_partition(region) != partition:
                plan[region] = "other-partition"
            else:
                plan[region] = "required" if self.require_all_signin_regions or not home else "extra"
        return plan


_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")


def _int(section: dict, key: str, default: int, low: int, high: int, source: str) -> int:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(f"{source}: audit.{key} must be a whole number from {low} to {high}, not {value!r}")
    return value


def from_mapping(data: Any, source: str = "configuration") -> AuditConfig:
    """Validate a parsed YAML document; every problem is a ConfigError naming the key."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: expected a mapping with 'org' and 'audit' sections")
    org = data.get("org") or {}
    audit = data.get("audit") or {}
    if not isinstance(org, dict):
        raise ConfigError(f"{source}: 'org' must be a mapping")
    if not isinstance(audit, dict):
        raise ConfigError(f"{source}: 'audit' must be a mapping")

    pattern = org.get("root_email_pattern")
    if pattern is not None:
        if not isinstance(pattern, str):
            raise ConfigError(f"{source}: org.root_email_pattern must be a string")
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError(f"{source}: org.root_email_pattern is not a valid regular expression ({exc})") from None

    regions = audit.get("signin_regions", list(DEFAULT_SIGNIN_REGIONS))
    if (
        not isinstance(regions, list)
        or not regions
        or not all(isinstance(r, str) and _REGION.match(r) for r in regions)
    ):
        raise ConfigError(f"{source}: audit.signin_regions must be a non-empty list of region names like us-east-1")
    require_all = audit.get("require_all_signin_regions", False)
    if not isinstance(require_all, bool):
        raise ConfigError(f"{source}: audit.require_all_signin_regions must be true or false")

    timeout = audit.get("credential_report_timeout_seconds", 60)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout <= 600:
        raise ConfigError(f"{source}: audit.credential_report_timeout_seconds must be a number from 0 to 600")

    role = audit.get("org_role_name", "OrganizationAccountAccessRole")
    if not isinstance(role, str) or not re.fullmatch(r"[\w+=,.@/-]{1,64}", role):
        raise ConfigError(f"{source}: audit.org_role_name must be an IAM role name")

    return AuditConfig(
        recent_use_days=_int(audit, "recent_use_days", 90, 1, 3650, source),
        signin_regions=tuple(dict.fromkeys(regions)),
        require_all_signin_regions=require_all,
        credential_report_timeout_seconds=float(timeout),
        org_role_name=role,
        org_max_workers=_int(audit, "org_max_workers", 32, 1, 256, source),
        root_email_pattern=pattern,
        org=dict(org),
    )


def parse(text: str, source: str = "configuration") -> AuditConfig:
    import yaml  # here, not at import: `rootaudit --help` and scans without a handbook.yml need no YAML

    try:  # libyaml's loader where it is built in: the pure-Python one takes tens of ms of a CLI run
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        at = f" at line {where.line + 1}" if where else ""
        raise ConfigError(f"{source}: not valid YAML{at}") from None
    return from_mapping(data, source)


def default_path() -> Path | None:
    """$ROOTAUDIT_CONFIG, else the nearest handbook.yml in this directory or a parent (inside the repository,
    notebooks/ included), else none."""
    import os

    if os.environ.get("ROOTAUDIT_CONFIG"):
        return Path(os.environ["ROOTAUDIT_CONFIG"])
    for folder in (Path.cwd(), *Path.cwd().parents):
        if (folder / "handbook.yml").is_file():
            return folder / "handbook.yml"
    return None


def load(path: str | Path | None) -> AuditConfig:
    """Load a config file; None gives the defaults (no email pattern)."""
    if path is None:
        return AuditConfig()
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"config file {path} is not UTF-8 text") from None
    return parse(text, str(path))
