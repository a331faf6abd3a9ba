"""Output formats. Each takes a list of Reports (one per account) and returns text.

A format's module is imported when it is first used, so `rootaudit --help` does not load them all.
"""
from __future__ import annotations

from importlib import import_module


def _lazy(module: str):
    def render(reports, org: bool = False) -> str:
        return import_module(f"{__name__}.{module}").render(reports, org=org)

    render.__name__ = f"render_{module}"
    return render


FORMATS = {
    "table": _lazy("table"),
    "json": _lazy("jsonfmt"),
    "ocsf": _lazy("ocsf"),
    "junit": _lazy("junit"),
    "markdown": _lazy("markdown"),
}

__all__ = ["FORMATS"]
