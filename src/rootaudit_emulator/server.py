"""The emulated AWS account: moto's ThreadedMotoServer, in this process, behind our interceptor.

In-process (not a ``moto_server`` subprocess) because the root user's state can only be set on moto's Python
objects.  The product never knows: it gets ``AWS_ENDPOINT_URL`` and credentials from ``EmulatedAccount.env()``
and makes ordinary boto3 calls over HTTP.

moto's state is process-global, so every Emulator in a process shares it: load() and reset() wipe it all.
With pytest-xdist each worker is its own process and gets its own server.
"""
from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

import boto3
import botocore.loaders
import botocore.session
from botocore.config import Config

from . import dispatch_cache, faults, grafts, root_state, scenario, signin
from .interceptor import Interceptor

_LOADER: botocore.loaders.Loader | None = None
LATENCY_ENV = "ROOTAUDIT_EMULATOR_LATENCY_MS"


def _shared_loader() -> botocore.loaders.Loader:
    """One botocore data loader for every session we hand out: a fresh session otherwise re-reads the models."""
    global _LOADER
    if _LOADER is None:
        _LOADER = botocore.loaders.create_loader()
    return _LOADER


@contextmanager
def environment(env: dict[str, str]):
    """Set these environment variables for the block, then put back exactly what was there before."""
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@dataclass
class EmulatedAccount:
    """The audited account of a loaded scenario, and how to reach it."""

    account_id: str
    region: str
    endpoint_url: str
    scenario: dict[str, Any]
    credentials: dict[str, str]
    management_account_id: str | None = None
    member_account_ids: list[str] = field(default_factory=list)

    def env(self) -> dict[str, str]:
        """Environment variables that point boto3 (and the AWS CLI) at this account."""
        env = {
            "AWS_ENDPOINT_URL": self.endpoint_url,
            "AWS_ACCESS_KEY_ID": self.credentials["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": self.credentials["SecretAccessKey"],
            "AWS_DEFAULT_REGION": self.region,
            "AWS_REGION": self.region,
            "AWS_EC2_METADATA_DISABLED": "true",
        }
        if self.credentials.get("SessionToken"):
            env["AWS_SESSION_TOKEN"] = self.credentials["SessionToken"]
        return env

    def environment(self):
        """`with account.environment():` the standard AWS variables point at this account inside the block."""
        return environment(self.env())

    def session(self) -> boto3.Session:
        """A new boto3 session with this account's credentials and region (the endpoint comes from
        AWS_ENDPOINT_URL, which callers set)."""
        core = botocore.session.get_session()
        core.register_component("data_loader", _shared_loader())  # service models parsed once per process
        return boto3.Session(aws_access_key_id=self.credentials["AccessKeyId"],
                             aws_secret_access_key=self.credentials["SecretAccessKey"],
                             aws_session_token=self.credentials.get("SessionToken"),
                             region_name=self.region, botocore_session=core)

    def client(self, service: str, region: str | None = None) -> Any:
        """A client bound to this emulator explicitly (handy in tests that do not set AWS_ENDPOINT_URL)."""
        client = self.session().client(service, region_name=region or self.region, endpoint_url=self.endpoint_url)
        return signin.pin_endpoint(client) if service == "signin" else client


class _Server:
    """moto's ThreadedMotoServer with our WSGI layer in front and werkzeug's request log off."""

    def __init__(self, host: str, port: int, interceptor: Interceptor):
        from moto.server import ThreadedMotoServer

        class Server(ThreadedMotoServer):
            def _server_entry(inner) -> None:
                from moto.moto_server.werkzeug_app import MotoRequestHandler, create_backend_app
                from werkzeug.serving import make_server

                from .dispatch_cache import Dispatcher

                class QuietHandler(MotoRequestHandler):
                    def log_request(self, *args: Any, **kwargs: Any) -> None:
                        pass

                interceptor.app = Dispatcher(create_backend_app)
                inner._server = make_server(inner._ip_address, inner._port, interceptor, True,
                                            request_handler=QuietHandler)
                inner._server_ready_event.set()
                inner._server.serve_forever()

        self.moto = Server(ip_address=host, port=port, verbose=False)

    def start(self) -> tuple[str, int]:
        self.moto.start()
        return self.moto.get_host_and_port()

    def stop(self) -> None:
        self.moto.stop()


class Emulator:
    """Start with ``start()`` (or ``with Emulator() as emu``), then ``load("demo")`` before each test."""

    def __init__(self, port: int = 0, host: str = "127.0.0.1", latency_ms: float | None = None):
        """latency_ms: added to every AWS request (default: $ROOTAUDIT_EMULATOR_LATENCY_MS, else 0)."""
        self.host, self.port = host, port
        self.endpoint_url: str | None = None
        self.account: EmulatedAccount | None = None
        if latency_ms is None:
            latency_ms = float(os.environ.get(LATENCY_ENV) or 0)
        self._interceptor = Interceptor(app=None, latency_ms=latency_ms)  # type: ignore[arg-type]  # app: at start
        self._server: _Server | None = None
        self._clients: dict[tuple[str, str, str], Any] = {}
        core = botocore.session.get_session()
        core.register_component("data_loader", _shared_loader())
        self._session = boto3.Session(botocore_session=core)
        self._lock = threading.Lock()

    # ---- lifecycle -----------------------------------------------------------------------------------------

    def start(self) -> Emulator:
        if self._server is not None:
            return self
        if "MOTO_ACCOUNT_ID" in os.environ:
            # moto would put every request in that one account: members, AssumeRoot and org scans would break.
            raise RuntimeError("unset MOTO_ACCOUNT_ID: the emulator routes requests to accounts by credentials")
        grafts.install()  # before the first request: the account service's routes are read then
        dispatch_cache.install()  # after the grafts, which add methods to moto's response classes
        self._server = _Server(self.host, self.port, self._interceptor)
        host, port = self._server.start()
        self.port = port
        self.endpoint_url = f"http://{host}:{port}"
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None
        self._clients.clear()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- state ---------------------------------------------------------------------------------------------

    def reset(self) -> None:
        """Wipe moto (POST /moto-api/reset), our overrides, failure knobs and the recorder."""
        import urllib.request

        self.start()
        request = urllib.request.Request(f"{self.endpoint_url}/moto-api/reset", data=b"", method="POST")
        with urllib.request.urlopen(request, timeout=30) as answer:
            answer.read()
        root_state.clear_overrides()
        faults.clear()
        signin.STATE.clear()
        self._interceptor.clear_failures()
        self._interceptor.clear_recorded()
        self.account = None

    def load(self, source: str | Path | dict[str, Any]) -> EmulatedAccount:
        """Reset everything, then build a scenario: a shipped name, a path to a YAML file, or a dict."""
        with self._lock:
            spec = scenario.load_spec(source)
            self.reset()
            applied = scenario.apply(spec, self.client)
            for failure in spec["failures"]["operations"]:
                self.fail(failure["operation"], failure["code"], failure["times"], failure["message"])
            for entry in spec["faults"]:
                faults.apply(entry, self._interceptor.fail)
            self._interceptor.clear_recorded()  # the set-up calls are not the product's
            self.account = EmulatedAccount(
                account_id=applied.account_id, region=applied.region, endpoint_url=str(self.endpoint_url),
                scenario=spec, credentials=applied.credentials,
                management_account_id=applied.management_account_id, member_account_ids=applied.member_ids)
            return self.account

    def client(self, service: str, account_id: str = root_state.DEFAULT_ACCOUNT, region: str = "us-east-1") -> Any:
        """A set-up client acting in any account (moto's ``x-moto-account-id`` header); cached while running."""
        key = (service, account_id, region)
        cached = self._clients.get(key)
        if cached is not None:
            return cached
        client = self._session.client(
            service, region_name=region, endpoint_url=self.endpoint_url,
            aws_access_key_id=scenario.DUMMY_CREDENTIALS["AccessKeyId"],
            aws_secret_access_key=scenario.DUMMY_CREDENTIALS["SecretAccessKey"],
            config=Config(retries={"total_max_attempts": 1}))

        def add_account_header(request: Any, **_: Any) -> None:
            request.headers["x-moto-account-id"] = account_id

        client.meta.events.register("before-send", add_account_header)
        if service == "signin":
            signin.pin_endpoint(client)
        self._clients[key] = client
        return client

    # ---- knobs ---------------------------------------------------------------------------------------------

    def fail(self, operation: str, code: str = "Throttling", times: int | None = None, message: str | None = None,
             status: int | None = None, account: str | None = None) -> None:
        """Make ``operation`` ("service:Action") fail with ``code`` the next ``times`` calls (None: always), for
        every caller or only for calls made with ``account``'s credentials.

        ``AccessDenied`` and ``Throttling`` are translated to each service's real code (e.g. AccessDeniedException
        for CloudTrail, AuthorizationError for SNS); any other code is sent as given.
        """
        self._interceptor.fail(operation, code, times, message, status, account)

    def fault(self, name: str, **options: Any) -> None:
        """Switch on one fault of ``faults.FAULTS`` now, as a scenario's ``faults:`` entry would
        (``emu.fault("throttling", operation="iam:GetAccountSummary", times=2)``)."""

        def invalid(where: str, problem: str) -> ValueError:
            return ValueError(f"fault {name}: {where}: {problem}")

        faults.apply(faults.validate({"fault": name, **options}, "fault", invalid), self._interceptor.fail)

    def clear_failures(self) -> None:
        """Switch every fault and failure knob off."""
        faults.clear()
        self._interceptor.clear_failures()

    @property
    def latency_ms(self) -> float:
        """Milliseconds added to every AWS request (settable while running)."""
        return self._interceptor.latency_ms

    @latency_ms.setter
    def latency_ms(self, value: float) -> None:
        self._interceptor.latency_ms = value

    def recorded(self) -> list[str]:
        """Every operation received since the last load/clear, as "service:Action"."""
        return self._interceptor.snapshot()

    def clear_recorded(self) -> None:
        self._interceptor.clear_recorded()
