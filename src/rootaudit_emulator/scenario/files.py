"""Finding and reading scenario files: the shipped ones by name, `extends:` chains merged."""
from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from .constants import SCENARIO_DIR, ScenarioError
from .validation import validate


def list_scenarios() -> list[str]:
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml"))


def scenario_path(name: str) -> Path:
    path = SCENARIO_DIR / f"{name}.yaml"
    if not path.is_file():
        raise ScenarioError(f"no shipped scenario named {name!r}; choose one of: {', '.join(list_scenarios())}")
    return path


_PARSED: dict[tuple[str, float], Any] = {}  # (path, mtime) -> parsed YAML: tests load the same files many times
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read(source: str | Path) -> tuple[str, dict[str, Any]]:
    path = Path(source)
    if not path.suffix and not path.exists():
        path = scenario_path(str(source))
    try:
        key = (str(path.resolve()), path.stat().st_mtime)
        if key not in _PARSED:
            _PARSED[key] = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
        data = copy.deepcopy(_PARSED[key])
    except OSError as exc:
        raise ScenarioError(f"cannot read scenario {path}: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ScenarioError(f"{path}: not valid YAML{f' at line {mark.line + 1}' if mark else ''}") from None
    if not isinstance(data, dict):
        raise ScenarioError(f"{path}: a scenario must be a mapping")
    return path.stem, data


def _merge(base: Any, override: Any) -> Any:
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = _merge(base.get(key), value) if key in base else copy.deepcopy(value)
        return merged
    return copy.deepcopy(override)


def _resolve(source: str | Path | dict[str, Any], seen: tuple[str, ...]) -> tuple[str, dict[str, Any]]:
    """The raw scenario with ``extends`` merged in (validation runs once, on the result)."""
    if isinstance(source, dict):
        name, data = str(source.get("name", "<dict>")), copy.deepcopy(source)
    else:
        name, data = _read(source)
    parent = data.pop("extends", None)
    if parent is None:
        return name, data
    if not isinstance(parent, str) or parent in seen or parent == name:
        raise ScenarioError(f"scenario {name}: extends must name another scenario (no cycles), not {parent!r}")
    _, base = _resolve(parent, seen + (name,))
    base.pop("name", None)
    base.pop("description", None)
    return name, _merge(base, data)


def load_spec(source: str | Path | dict[str, Any]) -> dict[str, Any]:
    """Read (a name, a path or a dict), resolve ``extends`` and validate; returns the normalised scenario."""
    name, data = _resolve(source, ())
    data.setdefault("name", name)
    return validate(data, name)
