"""The catalogue: every check, defined once, found by looking in this folder.

Each check lives in its own module named after its id (root-mfa-enabled -> root_mfa_enabled.py) and defines
CHECK. Adding a module is all it takes to register a check; reports list checks by topic (TOPICS order), then
by Check.order. model.py and common.py are not checks.
"""
from __future__ import annotations

import importlib
import pkgutil

from .model import TOPICS, Check, CheckDefinitionError

_NOT_CHECKS = {"model", "common"}


def discover() -> tuple[Check, ...]:
    """Import every check module in this package, and refuse one whose id does not match its file name."""
    found = []
    for module in pkgutil.iter_modules(__path__):
        if module.name in _NOT_CHECKS or module.name.startswith("_"):
            continue
        mod = importlib.import_module(f"{__name__}.{module.name}")
        check = getattr(mod, "CHECK", None)
        if not isinstance(check, Check):
            raise CheckDefinitionError(f"{mod.__name__} defines no CHECK = Check(...)")
        if check.id.replace("-", "_") != module.name:
            raise CheckDefinitionError(f"check {check.id!r} lives in {module.name}.py: the file must be named "
                                       f"{check.id.replace('-', '_')}.py")
        found.append(check)
    ids = [c.id for c in found]
    if len(set(ids)) != len(ids):
        raise CheckDefinitionError(f"duplicate check ids: {sorted({i for i in ids if ids.count(i) > 1})}")
    return tuple(sorted(found, key=lambda c: (TOPICS.index(c.topic), c.order, c.id)))


CATALOGUE: tuple[Check, ...] = discover()
BY_ID: dict[str, Check] = {c.id: c for c in CATALOGUE}


class UnknownCheck(ValueError):
    pass


def select(ids: list[str] | None = None, topic: str | None = None) -> list[Check]:
    """Checks by id (in catalogue order) and/or topic; unknown ids raise UnknownCheck naming them."""
    if ids:
        unknown = [i for i in ids if i not in BY_ID]
        if unknown:
            raise UnknownCheck(f"unknown check id(s): {', '.join(unknown)}; known ids: {', '.join(BY_ID)}")
    return [c for c in CATALOGUE if (not ids or c.id in ids) and (topic is None or c.topic == topic)]


__all__ = ["CATALOGUE", "BY_ID", "TOPICS", "Check", "CheckDefinitionError", "UnknownCheck", "discover", "select"]
