"""Sessions and clients: botocore only, imported when a scan first needs it, models parsed once per process.

boto3 is not needed to read an account: its import alone (s3transfer and friends) costs more than the rest
of the start-up, so the CLI builds plain botocore sessions. A boto3.Session passed in by a caller (tests,
notebooks) works the same: its botocore session is used underneath.
"""
from __future__ import annotations

import contextvars
import threading
import weakref
from functools import cache
from typing import Any

_lock = threading.Lock()


@cache
def shared_loader():
    """One botocore data loader for every session: a fresh one would re-read and re-parse the models (and
    model_cache keeps the parsed models between runs)."""
    from .model_cache import create_loader

    return create_loader()


@cache
def client_config(retry_mode: str = "standard", pool: int = 10):
    """Standard mode backs off on throttling (the first call and up to 5 retries, then ERROR); adaptive mode
    adds a client-side rate limiter that slows the client down once AWS throttles it (org scans)."""
    from botocore.config import Config

    return Config(retries={"mode": retry_mode, "max_attempts": 5}, connect_timeout=5, read_timeout=30,
                  max_pool_connections=pool)


def new_session(profile: str | None = None, region: str | None = None):
    """A botocore session the usual way (SSO profiles included) on the shared loader.

    Raises botocore's ProfileNotFound for an unknown profile, as boto3.Session does.
    """
    import botocore.session

    core = botocore.session.Session(profile=profile)
    core.register_component("data_loader", shared_loader())
    if profile is not None:
        core.get_scoped_config()  # raises ProfileNotFound now rather than at the first call
    if region:
        core.set_config_variable("region", region)
    return core


def region_of(session: Any) -> str | None:
    """The region a session is configured with (boto3, botocore or AccountSession), if any."""
    if hasattr(session, "region_name"):
        return session.region_name
    return session.get_config_variable("region")


def create_client(session: Any, service: str, region: str, retry_mode: str = "standard", pool: int = 10):
    """A client from a session. botocore sessions are not thread-safe (clients are): creation is serialised."""
    if isinstance(session, AccountSession):
        return session.bound_client(service, region, retry_mode)
    if hasattr(session, "create_client"):  # botocore
        core = session
    elif type(session).__module__.startswith("boto3."):  # boto3: its botocore session underneath
        core = session._session
    else:  # a session-like object: the org scan's lazily opened root session, a test's stubbed session
        return session.client(service, region_name=region, config=client_config(retry_mode, pool))
    with _lock:
        return core.create_client(service, region_name=region, config=client_config(retry_mode, pool))


# ---- one set of clients for every member of an org scan ----------------------------------------------------
#
# Creating a botocore client costs milliseconds of CPU (its event hooks are copied, its class is built), and a
# client per service per member would also open a new connection for nearly every call. An org scan therefore
# reads every member through one client per service and region, and signs each call with the credentials of
# the member being read: AccountSession carries them, and the call sets them for its thread while it runs.

_acting_as: contextvars.ContextVar = contextvars.ContextVar("rootaudit_account_credentials", default=None)


class _CallerCredentials:
    """botocore credentials that are whatever AccountSession the calling thread is reading for."""

    method = "rootaudit-account-session"

    def _frozen(self):
        frozen = _acting_as.get()
        if frozen is None:  # a call outside AccountSession: a bug, never silently someone else's credentials
            raise RuntimeError("a shared member client was called outside its account's session")
        return frozen

    def get_frozen_credentials(self):
        return self._frozen()

    def get_deferred_property(self, name: str):
        return lambda: getattr(self._frozen(), name, None) if _acting_as.get() is not None else None

    access_key = property(lambda self: self._frozen().access_key)
    secret_key = property(lambda self: self._frozen().secret_key)
    token = property(lambda self: self._frozen().token)


class SharedClients:
    """One client per (service, region) for every account an org scan reads; thread-safe."""

    def __init__(self, pool: int = 64):
        from botocore.credentials import CredentialProvider, CredentialResolver

        class PerCall(CredentialProvider):
            METHOD = _CallerCredentials.method

            def load(self):
                return _CallerCredentials()

        self.pool = pool
        self._core = new_session()
        self._core.register_component("credential_provider", CredentialResolver([PerCall()]))
        self._clients: dict = {}

    def client(self, service: str, region: str, retry_mode: str):
        key = (service, region, retry_mode)
        client = self._clients.get(key)
        if client is None:
            with _lock:
                client = self._clients.get(key)
                if client is None:
                    client = self._clients[key] = self._core.create_client(
                        service, region_name=region, config=client_config(retry_mode, self.pool))
        return client


class _BoundClient:
    """A shared client seen through one account's credentials: every operation is signed with them."""

    def __init__(self, client, frozen):
        self._client, self._frozen = client, frozen

    def __getattr__(self, name: str):
        attr = getattr(self._client, name)
        if not callable(attr) or name.startswith("_"):
            return attr

        def call(*args, **kwargs):
            token = _acting_as.set(self._frozen)
            try:
                return attr(*args, **kwargs)
            finally:
                _acting_as.reset(token)

        return call


class AccountSession:
    """Temporary credentials of one account, read through an org scan's SharedClients. Holds no client."""

    def __init__(self, shared: SharedClients, credentials: dict, region: str):
        from botocore.credentials import ReadOnlyCredentials

        self.shared, self.region_name = shared, region
        self.frozen = ReadOnlyCredentials(credentials["AccessKeyId"], credentials["SecretAccessKey"],
                                          credentials.get("SessionToken"))

    def bound_client(self, service: str, region: str, retry_mode: str = "standard"):
        return _BoundClient(self.shared.client(service, region, retry_mode), self.frozen)

    def client(self, service: str, region_name: str | None = None, config: Any = None):
        """Like boto3.Session.client (the retry mode is taken from config)."""
        mode = ((getattr(config, "retries", None) or {}).get("mode")) or "standard"
        return self.bound_client(service, region_name or self.region_name, mode)


_shared: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def account_session(credentials: dict, region: str, base: Any) -> AccountSession:
    """A member's session in an org scan run from `base` (the management session): all of that scan's members
    share one SharedClients, which goes away with the base session."""
    with _lock:
        shared = _shared.get(base)
        if shared is None:
            shared = _shared[base] = SharedClients()
    return AccountSession(shared, credentials, region)
