"""Scenarios: a YAML description of one or more accounts' root posture, validated, then applied to moto.

files.py finds and reads them (``extends:`` merged), validation.py checks them against the schema below,
generated.py builds benchmark organizations, applying.py puts them into moto; constants.py holds what they share.

Applying follows one rule: state that moto's API can hold is created with boto3 over HTTP (so it is exactly
what the product will read back), and only state the API cannot reach goes in-process through root_state.py.
Bulk padding (IAM inventory, hundreds of member accounts) is also in-process, for speed.

Schema (every key optional unless marked; ``days ago`` values are relative to load time):

    description: str                       # required: what the scenario shows
    extends: <scenario name>               # start from another scenario; mappings merge, lists replace
    account_id: "123456789012"             # the audited account (default: the management account, or 123456789012)
    region: us-east-1
    caller: admin | root
    root: <posture>                        # the audited account's root user
    iam_users: [{name, mfa: none|virtual}]
    iam_inventory: {users: N, roles: N}    # padding for benchmarks, in-process
    cloudtrail: [{name, region, multi_region, logging, management_events: All|WriteOnly|ReadOnly|none,
                  log_group: str|null, organization: bool}]     # organization trails live in the management account
    root_usage_alarm: {trail, filter_pattern: cis|<literal>, alarm: bool, subscription: confirmed|pending|none}
    eventbridge: [{region, name, state: ENABLED|DISABLED, detail_type: str | source_event: true | pattern: {...},
                   root_only: bool, target: bool}]
    alternate_contacts: {security|billing|operations: {name, email, phone, title}}
    contact_information: {FullName, AddressLine1, City, PostalCode, CountryCode, PhoneNumber, ...}
    signin: {console_authorization, statements, policy}   # AWS Sign-In console access control (see signin.py)
    organization:
      role: management | member            # required: the audited account's role
      management_account_id: "123456789012"
      management_email: str                # moto hard-codes master@example.com
      management_root: <posture>           # when the audited account is a member
      feature_set: ALL | CONSOLIDATED_BILLING
      features: [RootCredentialsManagement, RootSessions]
      features_error: ServiceAccessNotEnabledException | null   # older spelling of the service_access_not_enabled fault
      trusted_access: [account.amazonaws.com]   # EnableAWSServiceAccess (default: as shown; [] for none)
      access_role: OrganizationAccountAccessRole
      ous: [name, ...]
      scps: [{name, kind: deny-root|deny-all, assumed_root_exception: bool,
              targets: [root | ou:<name> | account:<id or name>]}]   # deny-root (default) or deny-all (no condition)
      members: [{id, name, email, ou, status: ACTIVE|SUSPENDED|PENDING_CLOSURE|CLOSED, access_role: bool,
                 root: <posture>, security_contact: bool}]   # the audited member's posture is the top-level ``root``
      delegated_administrators: [{account: <id or name>, services: [iam.amazonaws.com, ...]}]
      generate_members: N                  # N more generated members with varied postures (see build_org)
      signin_authorization: bool           # console authorization for the whole organization
      rcps: [{name, signin_cidrs: [...], targets: [...]}]   # RCPs refusing root's sign-in elsewhere
    faults: [{fault: <name>, account: "<12 digits>", times: N, <options>}]   # errors AWS really returns, below
    failures:                              # older, lower-level knobs; prefer faults
      credential_report_never_ready: bool  # = the credential_report_in_progress fault without times
      operations: [{operation: "iam:GetAccountSummary" | "iam:*", code: AccessDenied|Throttling|<code>,
                    times: N|null, message: str}]

    <posture>: {password: bool, password_last_used_days_ago: n|null, mfa: [virtual|hardware|fido],
                access_keys: [{active: bool, last_used_days_ago: n|null}], signing_certificates: 0..2,
                created_days_ago: n, report_password_enabled: true|false|not_supported}

Fault switches (``faults:``; the list, with a description and AWS source each, is ``faults.FAULTS``).  Every
fault takes ``account`` (only calls landing in that account; default every account) and ``times`` (only the
first N matching calls; default always).  Codes and HTTP statuses are those of botocore's model per protocol.

    credential_report_in_progress       GenerateCredentialReport: STARTED, then INPROGRESS; GetCredentialReport:
                                        ReportInProgress (404) until the report is COMPLETE
    credential_report_expired           GetCredentialReport: ReportExpired (410)
    credential_report_not_present       GetCredentialReport: ReportNotPresent (410)
    credential_report_limit_exceeded    GenerateCredentialReport: LimitExceeded (409)
    service_access_not_enabled          iam:ListOrganizationsFeatures and iam:Enable/DisableOrganizationsRoot*:
                                        ServiceAccessNotEnabledException
    throttling  operation: svc:Action   Throttling / ThrottlingException / TooManyRequestsException / Throttled
    access_denied  operation: svc:Action   AccessDenied / AccessDeniedException / AuthorizationError (SNS)
    region_disabled  region: <opt-in>   every call signed for that region: InvalidClientTokenId (query, 403),
                                        UnrecognizedClientException (JSON, 400), AuthFailure (EC2)

    faults:
      - {fault: credential_report_in_progress, times: 3}
      - {fault: throttling, operation: "account:GetAlternateContact", times: 2}
      - {fault: region_disabled, region: ap-east-1}
"""
# What the rest of the emulator, the site tooling and the tests use; the modules hold the rest.
from .applying import DUMMY_CREDENTIALS, apply
from .constants import SCENARIO_DIR, ScenarioError
from .files import list_scenarios, load_spec, scenario_path
from .generated import build_org

__all__ = ["DUMMY_CREDENTIALS", "SCENARIO_DIR", "ScenarioError", "apply", "build_org", "list_scenarios", "load_spec",
           "scenario_path"]
