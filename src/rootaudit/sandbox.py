"""The embedded emulated account, found as a plug-in so that the audit never imports the emulator.

The `rootaudit_emulator` package (its moto dependency comes with the `emulator` extra) registers its
Emulator class under the `rootaudit.sandbox` entry-point group. `rootaudit demo` and the notebooks start it
through here, and reach it only through AWS_ENDPOINT_URL: the audit code cannot touch emulator internals.
"""
from __future__ import annotations

from importlib.metadata import entry_points

GROUP = "rootaudit.sandbox"
INSTALL_HINT = "the emulated account needs moto: pip install 'rootaudit[emulator]'"


class SandboxUnavailable(RuntimeError):
    """The emulator is not installed (or its dependencies are missing); the message says how to get it."""


def emulator_class():
    """The registered Emulator class: Emulator().start(), .load(scenario) -> account with .env(), .session()."""
    for entry in entry_points(group=GROUP, name="embedded"):
        try:
            return entry.load()
        except ImportError as exc:
            raise SandboxUnavailable(f"{INSTALL_HINT} ({exc})") from None
    raise SandboxUnavailable(INSTALL_HINT)
