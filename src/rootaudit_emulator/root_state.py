"""Root-user state that moto's HTTP API cannot reach, set directly on moto's Python objects.

Only the root user (or AWS itself) can create most of what the checks look at: root MFA, root access keys,
the root row of the credential report, a root caller identity, the management account's e-mail.  moto has no
API for any of it, so this module sets it in-process (the server runs in this process, see server.py).

Two kinds of state live here:
- values written onto moto's own objects (AccountSummary private fields, virtual MFA devices, the
  organization's e-mail, SNS subscriptions).  ``POST /moto-api/reset`` wipes those with the backends;
- values moto has no place for (root posture details, root sessions, organization features, contact
  information, knobs).  They live in ``OVERRIDES``; ``clear_overrides()`` empties it and the emulator calls it
  on every reset.

Everything touching a moto private attribute is listed in ``MOTO_INTERNALS`` so that
tests/test_emulator_internals.py fails loudly when a moto upgrade moves one.
"""
from __future__ import annotations

import random
import string
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from moto.core import DEFAULT_ACCOUNT_ID

# The moto private names this module (and grafts.py) depends on; checked by test_emulator_internals.py.
MOTO_INTERNALS = {
    "moto.iam.models.AccountSummary": ["_account_mfa_enabled", "_account_access_keys_present",
                                       "_account_signing_certificates_present"],
    "moto.iam.models.IAMBackend": ["account_summary", "virtual_mfa_devices", "access_keys", "users", "roles",
                                   "credential_report", "create_virtual_mfa_device", "create_temp_access_key",
                                   "get_credential_report", "generate_report", "report_generated"],
    "moto.iam.models.VirtualMfaDevice": ["enable_date", "user", "serial_number"],
    "moto.iam.models": ["iam_backends", "get_account_id_from", "User", "Role", "AccessKey"],
    "moto.sts.models.STSBackend": ["get_caller_identity", "assume_role"],
    "moto.organizations.models.OrganizationsBackend": ["org", "accounts", "ou", "policies", "attach_policy", "admins"],
    # delegated_admin.py and scp_enforcement.py
    "moto.organizations.models.FakeDelegatedAdministrator": ["SUPPORTED_SERVICES", "account", "services"],
    "moto.organizations.models.FakeServiceAccess": ["TRUSTED_SERVICES"],
    "moto.organizations.models.FakeAccount / FakeOrganizationalUnit": ["attached_policies", "parent_id"],
    "moto.organizations.models.FakeOrganization": ["master_account_email", "master_account_id", "feature_set"],
    "moto.organizations.models": ["organizations_backends", "FakeAccount", "FakeOrganizationalUnit", "FakePolicy"],
    "moto.organizations.utils": ["make_random_account_id", "make_random_ou_id"],
    "moto.sns.models.Subscription": ["arn", "attributes", "confirmed"],
    "moto.cloudtrail.models.CloudTrailBackend": ["trails", "get_trail", "describe_trails"],
    "moto.account.urls": ["url_paths"],
}

ROOT_MFA_DEVICE_NAME = "root-account-mfa-device"
MFA_KINDS = ("virtual", "hardware", "fido")


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def days_ago(days: float | None) -> datetime | None:
    return None if days is None else utcnow() - timedelta(days=days)


@dataclass
class RootKey:
    access_key_id: str
    active: bool = True
    created: datetime = field(default_factory=lambda: utcnow() - timedelta(days=400))
    last_used: datetime | None = None


@dataclass
class RootPosture:
    """What the root user of one account has.  The default is a root user with no credentials at all."""

    password: bool = False
    password_last_used: datetime | None = None
    mfa: list[str] = field(default_factory=list)  # kinds, see MFA_KINDS
    access_keys: list[RootKey] = field(default_factory=list)
    signing_certificates: int = 0
    created: datetime = field(default_factory=lambda: utcnow() - timedelta(days=1200))
    # The credential report printed "not_supported" for root's password_enabled before 2024; a knob to replay it.
    report_password_enabled: str | None = None

    def mfa_serials(self, account_id: str) -> list[dict[str, Any]]:
        """The root MFA devices as ListMFADevices would list them (serials follow AWS's formats)."""
        out, virtual_seen = [], 0
        for index, kind in enumerate(self.mfa):
            if kind == "virtual":
                suffix = "" if virtual_seen == 0 else f"-{virtual_seen + 1}"
                serial = f"arn:aws:iam::{account_id}:mfa/{ROOT_MFA_DEVICE_NAME}{suffix}"
                virtual_seen += 1
            elif kind == "hardware":
                serial = f"GAHT{int(account_id) % 10**8 + index:08d}"
            else:
                serial = f"arn:aws:iam::{account_id}:u2f/root/SecurityKey-{index}"
            # No UserName: the root user has none (AWS's model marks it required, botocore does not enforce it).
            out.append({"SerialNumber": serial, "EnableDate": self.created + timedelta(days=30)})
        return out


@dataclass
class RootSession:
    """Credentials that act as the root user: minted for ``caller: root`` or returned by sts:AssumeRoot."""

    account_id: str
    task_policy: str | None = None  # root-task policy name for AssumeRoot sessions, None for plain root


class Overrides:
    """State moto has no place for.  One instance per process (moto's backends are process-global too)."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.clear()

    def clear(self) -> None:
        self.postures: dict[str, RootPosture] = {}
        self.root_caller_accounts: set[str] = set()
        self.root_sessions: dict[str, RootSession] = {}
        self.org_features: dict[str, list[str]] = {}
        self.org_features_error: dict[str, str] = {}
        self.report_never_ready: set[str] = set()
        self.report_started: set[str] = set()
        self.report_generated_at: dict[str, datetime] = {}
        self.contact_information: dict[str, dict[str, str]] = {}


OVERRIDES = Overrides()


def clear_overrides() -> None:
    """Forget every override, and the member->management map that moto's reset forgets to clear."""
    from moto.organizations.models import organizations_backends

    with OVERRIDES.lock:
        OVERRIDES.clear()
    # moto 5.2.5 keeps this map across /moto-api/reset: a former member could not create its own organization.
    organizations_backends.master_accounts.clear()


# ----------------------------------------------------------------------------------------------- IAM / root


def iam_backend(account_id: str) -> Any:
    from moto.iam.models import iam_backends

    return iam_backends[account_id]["aws"]


def posture(account_id: str) -> RootPosture:
    return OVERRIDES.postures.get(account_id) or RootPosture()


def set_root_posture(account_id: str, root: RootPosture) -> None:
    """Record the root posture and mirror it into moto's AccountSummary and virtual MFA devices."""
    with OVERRIDES.lock:
        OVERRIDES.postures[account_id] = root
    summary = iam_backend(account_id).account_summary
    summary._account_mfa_enabled = 1 if root.mfa else 0
    # An inactive root key still counts: AccountAccessKeysPresent is about existence.
    summary._account_access_keys_present = 1 if root.access_keys else 0
    summary._account_signing_certificates_present = 1 if root.signing_certificates else 0
    for device in root.mfa_serials(account_id):
        if device["SerialNumber"].startswith(f"arn:aws:iam::{account_id}:mfa/"):
            assign_root_virtual_mfa(account_id, device["SerialNumber"].rsplit("/", 1)[1], root)


def assign_root_virtual_mfa(account_id: str, device_name: str, root: RootPosture | None = None) -> Any:
    """A virtual MFA device assigned to root: ListVirtualMFADevices shows ``User.Arn == arn:aws:iam::<acct>:root``."""
    backend = iam_backend(account_id)
    root = root or posture(account_id)
    serial = f"arn:aws:iam::{account_id}:mfa/{device_name}"
    device = backend.virtual_mfa_devices.get(serial) or backend.create_virtual_mfa_device(device_name, "/")
    device.enable_date = root.created + timedelta(days=30)
    user: dict[str, Any] = {
        # AWS shows the root "user" with the account id as UserId and no UserName.
        "Path": "/",
        "UserId": account_id,
        "Arn": f"arn:aws:iam::{account_id}:root",
        "CreateDate": root.created,
    }
    if root.password_last_used:
        user["PasswordLastUsed"] = root.password_last_used
    device.user = user
    return device


def _random_key_id(prefix: str) -> str:
    return prefix + "".join(random.choices(string.ascii_uppercase + string.digits, k=16))


def make_root_keys(specs: list[tuple[bool, datetime | None]]) -> list[RootKey]:
    return [RootKey(access_key_id=_random_key_id("AKIA"), active=a, last_used=u) for a, u in specs]


def mark_caller_root(account_id: str) -> None:
    """Unrecognised (dummy) credentials landing in this account identify as its root user."""
    with OVERRIDES.lock:
        OVERRIDES.root_caller_accounts.add(account_id)


def mint_root_session(account_id: str, task_policy: str | None = None, prefix: str = "ASIA") -> Any:
    """Credentials that moto maps to ``account_id`` (its IAM backend owns the key) and that act as root."""
    from moto.iam.models import AccessKey

    backend = iam_backend(account_id)
    key = AccessKey(user_name=None, prefix=prefix, account_id=account_id)
    backend.access_keys[key.physical_resource_id] = key
    with OVERRIDES.lock:
        OVERRIDES.root_sessions[key.access_key_id] = RootSession(account_id, task_policy)
    return key


def root_session(access_key_id: str | None) -> RootSession | None:
    return OVERRIDES.root_sessions.get(access_key_id or "")


def is_root_caller(account_id: str, access_key_id: str | None) -> bool:
    """Whether a request made with this key in this account is made by the root user."""
    session = root_session(access_key_id)
    if session is not None:
        return session.account_id == account_id
    if account_id not in OVERRIDES.root_caller_accounts:
        return False
    return not _moto_knows_key(account_id, access_key_id)


def _moto_knows_key(account_id: str, access_key_id: str | None) -> bool:
    """True for keys moto minted (IAM users, assumed roles): those are not root even in a root-caller account."""
    from moto.iam.models import iam_backends

    account = iam_backends.get(account_id)  # dict.get: do not create backends as a side effect
    backend = account.get("aws") if account is not None else None
    return bool(backend is not None and access_key_id in backend.access_keys)


def root_report_row(account_id: str) -> str:
    """The ``<root_account>`` line of the credential report, with AWS's 22 columns and tokens."""
    root = posture(account_id)
    fmt = "%Y-%m-%dT%H:%M:%S+00:00"

    def ts(value: datetime | None, none: str) -> str:
        return value.strftime(fmt) if value else none

    password_enabled = root.report_password_enabled or ("true" if root.password else "false")
    if root.password:
        password_last_used = ts(root.password_last_used, "no_information")
    else:
        password_last_used = ts(root.password_last_used, "N/A")
    keys: list[list[str]] = []
    for key in root.access_keys[:2]:
        keys.append([
            "true" if key.active else "false",
            ts(key.created, "N/A"),
            ts(key.last_used, "N/A"),
            "us-east-1" if key.last_used else "N/A",
            "iam" if key.last_used else "N/A",
        ])
    while len(keys) < 2:
        keys.append(["false", "N/A", "N/A", "N/A", "N/A"])
    certs = []
    for index in range(2):
        present = index < root.signing_certificates
        certs += ["true" if present else "false", ts(root.created + timedelta(days=60), "N/A") if present else "N/A"]
    row = [
        "<root_account>",
        f"arn:aws:iam::{account_id}:root",
        ts(root.created, "N/A"),
        password_enabled,
        password_last_used,
        "not_supported",  # password_last_changed: always not_supported for root
        "not_supported",  # password_next_rotation: always not_supported for root
        "true" if root.mfa else "false",
        *keys[0],
        *keys[1],
        *certs,
    ]
    return ",".join(row) + "\n"


def set_report_never_ready(account_id: str) -> None:
    with OVERRIDES.lock:
        OVERRIDES.report_never_ready.add(account_id)


def add_iam_inventory(account_id: str, users: int, roles: int, prefix: str = "bulk") -> None:
    """Pad an account with N users and N roles, in-process (500 of each over HTTP would take seconds)."""
    import json

    backend = iam_backend(account_id)
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
    for index in range(users):
        backend.create_user(region_name="us-east-1", user_name=f"{prefix}-user-{index:04d}", path="/", tags=[])
    for index in range(roles):
        backend.create_role(role_name=f"{prefix}-role-{index:04d}", assume_role_policy_document=trust, path="/",
                            permissions_boundary=None, description="", tags=[], max_session_duration="3600")


# ----------------------------------------------------------------------------------------------- Organizations


def organizations_backend(account_id: str) -> Any:
    from moto.organizations.models import organizations_backends

    return organizations_backends[account_id]["aws"]


def org_of(account_id: str) -> tuple[str, Any] | None:
    """``("management"|"member", organization backend of the management account)``, or None outside any org."""
    from moto.organizations.models import organizations_backends

    own = organizations_backends.get(account_id)
    own_backend = own.get("aws") if own is not None else None
    if own_backend is not None and own_backend.org is not None:
        return "management", own_backend
    owner = organizations_backends.master_accounts.get(account_id)
    if owner is not None:
        return "member", organizations_backends[owner[0]][owner[1]]
    return None


def org_account(org_backend: Any, account_id: str) -> Any | None:
    return next((a for a in org_backend.accounts if a.id == account_id), None)


def set_management_email(management_id: str, email: str) -> None:
    """moto hard-codes master@example.com; set the organization's and the account entry's e-mail."""
    backend = organizations_backend(management_id)
    backend.org.master_account_email = email
    entry = org_account(backend, management_id)
    if entry is not None:
        entry.email = email


def set_org_features(management_id: str, features: list[str], error: str | None = None) -> None:
    with OVERRIDES.lock:
        OVERRIDES.org_features[management_id] = list(features)
        if error:
            OVERRIDES.org_features_error[management_id] = error


def add_org_member(management_id: str, account_id: str, name: str, email: str, parent_id: str | None = None,
                   status: str = "ACTIVE", role_name: str | None = "OrganizationAccountAccessRole") -> Any:
    """Add a member account in-process with a chosen id (moto's CreateAccount picks a random one).

    moto's FakeAccount creates OrganizationAccountAccessRole in the member's IAM backend; ``role_name=None``
    deletes it again (a member whose access role was removed), another name renames it.
    """
    from moto.organizations import utils as org_utils
    from moto.organizations.models import FakeAccount, organizations_backends

    backend = organizations_backend(management_id)
    original = org_utils.make_random_account_id
    org_utils.make_random_account_id = lambda: account_id  # FakeAccount reads the id at construction time
    try:
        account = FakeAccount(backend.org, AccountName=name, Email=email,
                              RoleName=role_name or "OrganizationAccountAccessRole")
    finally:
        org_utils.make_random_account_id = original
    if role_name is None:
        iam_backend(account_id).roles.clear()
    account.parent_id = parent_id or backend.org.root_id
    # State is what AWS sends now; the retired Status had no CLOSED (closed accounts showed SUSPENDED).
    account.state = status
    account.status = "SUSPENDED" if status == "CLOSED" else status
    backend.accounts.append(account)
    for policy_id in (org_utils.DEFAULT_SCP_POLICY_ID, org_utils.DEFAULT_RCP_POLICY_ID):
        backend.attach_policy(PolicyId=policy_id, TargetId=account.id)
    organizations_backends.master_accounts[account.id] = (management_id, "aws")
    return account


def set_contact_information(account_id: str, info: dict[str, str]) -> None:
    with OVERRIDES.lock:
        OVERRIDES.contact_information[account_id] = dict(info)


def default_contact_information(account_id: str) -> dict[str, str]:
    return {
        "FullName": "Example Corp Cloud Team",
        "AddressLine1": "1 Example Street",
        "City": "Seattle",
        "StateOrRegion": "WA",
        "PostalCode": "98101",
        "CountryCode": "US",
        "PhoneNumber": "+15555550100",
        "CompanyName": "Example Corp",
    }


def put_alternate_contact(account_id: str, kind: str, name: str, email: str, phone: str, title: str) -> None:
    """In-process equivalent of account:PutAlternateContact (used for the many members of big orgs)."""
    from moto.account.models import account_backends

    account_backends[account_id]["aws"].put_alternate_contact(
        alternate_contact_type=kind, email_address=email, name=name, phone_number=phone, title=title)


# ----------------------------------------------------------------------------------------------- SNS


def set_subscription_pending(account_id: str, region: str, topic_arn: str) -> int:
    """Make the topic's subscriptions unconfirmed, as AWS shows an e-mail nobody clicked (moto auto-confirms)."""
    from moto.sns.models import sns_backends

    backend = sns_backends[account_id][region]
    changed = 0
    for sub in list(backend.subscriptions.values()):
        if sub.topic.arn == topic_arn:
            sub.arn = "PendingConfirmation"
            sub.confirmed = False
            sub.attributes["PendingConfirmation"] = "true"
            changed += 1
    return changed


DEFAULT_ACCOUNT = DEFAULT_ACCOUNT_ID
