"""Turn any failure of an AWS call into a one-line, actionable reason.

Nothing here raises past the collector: every exception becomes a SourceError, which the engine
turns into ERROR findings for exactly the checks that needed that evidence.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

# Failures that mean nothing at all can be read from the account: the scan stops with exit code 2. Only in the home
# region, though: the same codes from one other region (an opt-in region that is not enabled, a region of another
# partition) say nothing about the rest of the account (see SourceError.region).
FATAL_KINDS = {"NoCredentials", "ExpiredCredentials", "InvalidCredentials", "EndpointUnreachable", "ProfileNotFound"}

# SNS answers AuthorizationError (HTTP 403) where other services say AccessDenied (botocore sns model).
_DENIED = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedAccess",
           "AuthorizationError", "AuthorizationErrorException"}
_EXPIRED = {"ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired"}
_INVALID = {"InvalidClientTokenId", "UnrecognizedClientException", "SignatureDoesNotMatch", "AuthFailure"}
_THROTTLED = {
    "Throttling", "ThrottlingException", "ThrottledException", "TooManyRequestsException",
    "RequestLimitExceeded", "RequestThrottled", "RequestThrottledException", "SlowDown", "TooManyRequestsError",
}


@dataclass(frozen=True)
class SourceError:
    kind: str  # AccessDenied, Throttled, NoCredentials, ... (stable, for tests and JSON)
    action: str  # the IAM action of the call that failed, e.g. iam:GetAccountSummary
    message: str  # one line, says what to do
    region: str | None = None  # set when the call went to a region other than the home region

    @property
    def fatal(self) -> bool:
        return self.kind in FATAL_KINDS and self.region is None


# What a credential or endpoint failure in one extra region usually means; the home region answered, so the
# credentials themselves are fine.
_REGIONAL_ADVICE = {
    "InvalidCredentials": "the region is not enabled for this account (an opt-in region) or belongs to another "
                          "partition than the credentials",
    "EndpointUnreachable": "its endpoint could not be reached from here",
}


def in_region(err: SourceError, region: str) -> SourceError:
    """The same failure, marked as one extra region's: it affects only the checks that need that region."""
    advice = _REGIONAL_ADVICE.get(err.kind)
    message = f"{err.action} in {region}: {advice} ({err.message})" if advice else f"{err.message} (in {region})"
    return replace(err, message=message, region=region)


class SourceFailed(Exception):
    """Raised by Context.call and the fetchers; carries the SourceError the engine turns into a verdict."""

    def __init__(self, error: SourceError):
        super().__init__(error.message)
        self.error = error


def classify(exc: BaseException, action: str, profile: str | None = None) -> SourceError:
    from botocore import exceptions as bce  # here, not at import: `rootaudit --help` needs no botocore

    login = f"aws sso login --profile {profile}" if profile else "aws sso login (or refresh your credentials)"
    if isinstance(exc, bce.NoCredentialsError):
        return SourceError("NoCredentials", action, "no AWS credentials found: pass --profile or set AWS_PROFILE "
                           "(or try the emulated account with `rootaudit demo`)")
    if isinstance(exc, bce.ProfileNotFound):
        return SourceError("ProfileNotFound", action, f"{exc}: check the name in ~/.aws/config")
    if isinstance(exc, (bce.SSOTokenLoadError, bce.UnauthorizedSSOTokenError, bce.TokenRetrievalError)):
        return SourceError("ExpiredCredentials", action, f"the SSO session has expired or is missing: run `{login}`")
    if isinstance(exc, (bce.EndpointConnectionError, bce.ConnectTimeoutError, bce.ConnectionClosedError,
                        bce.ReadTimeoutError)):
        return SourceError("EndpointUnreachable", action,
                           f"could not reach the AWS endpoint for {action} ({type(exc).__name__}); "
                           "check the network, AWS_ENDPOINT_URL and --region")
    if isinstance(exc, bce.ClientError):
        err = exc.response.get("Error", {}) or {}
        code = str(err.get("Code", "Unknown"))
        text = " ".join(str(err.get("Message", "")).split())[:200]
        attempts = exc.response.get("ResponseMetadata", {}).get("RetryAttempts", 0)
        if code in _DENIED and "service control polic" in text.lower():
            # AWS names the policy type in the message ("explicit deny in a service control policy"); granting
            # the auditor more would not help.
            return SourceError("AccessDenied", action, f"access denied to {action} by a service control policy: "
                               "an SCP on this account, its OUs or the organization root denies it")
        if code in _DENIED:
            return SourceError("AccessDenied", action, f"access denied to {action}: grant it to the auditing "
                               "principal (see the IAM policy in the handbook's reference)")
        if code in _EXPIRED:
            return SourceError("ExpiredCredentials", action, f"the credentials have expired ({code}): run `{login}`")
        if code in _INVALID:
            return SourceError("InvalidCredentials", action, f"AWS rejected the credentials ({code}): check the "
                               "profile or access key")
        if code in _THROTTLED:
            return SourceError("Throttled", action, f"{action} was throttled and still failed after "
                               f"{attempts + 1} attempts with back-off; run the scan again later")
        return SourceError(code, action, f"{action} failed: {code}: {text}".rstrip(": "))
    if isinstance(exc, bce.BotoCoreError):
        return SourceError(type(exc).__name__, action, f"{action} failed: {exc}")
    return SourceError("Unexpected", action, f"{action} failed unexpectedly: {type(exc).__name__}: {exc}")
