"""An EventBridge event-pattern matcher, for the grafted events:TestEventPattern.

moto 5.2.5's ``EventPattern`` accepts patterns AWS rejects (an unknown operator or ``{}`` then matches every
event), never looks inside arrays of objects, and treats ``1`` and ``true`` as equal.  This module follows the
EventBridge user guide ("Creating event patterns", "Comparison operators", "Arrays", "Null and empty values")
and AWS's open-source matcher behind it, aws/event-ruler (README: JSON text and array matching, validation):
https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
https://github.com/aws/event-ruler

``load(text)`` validates a pattern (PatternError, which the graft answers as InvalidEventPatternException);
``matches(pattern, event)`` tells whether the event matches it.
"""
from __future__ import annotations

import ipaddress
import json
import re
from typing import Any

__all__ = ["PatternError", "load", "matches"]


class PatternError(ValueError):
    """The event pattern is not valid (AWS: InvalidEventPatternException)."""


_MISSING = object()
_OPERATORS = {"prefix", "suffix", "equals-ignore-case", "wildcard", "anything-but", "numeric", "cidr", "exists"}
_NUMERIC_OPS = {"=", "<", "<=", ">", ">="}


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# ============================================================================================ validation


def load(text: str | None) -> dict[str, Any]:
    """Parse and validate a pattern; PatternError says why AWS would refuse it."""
    try:
        pattern = json.loads(text or "")
    except ValueError as exc:
        raise PatternError(f"Filter is not valid JSON: {exc}") from None
    if not isinstance(pattern, dict):
        raise PatternError("Filter is not an object")
    _check_object(pattern, "")
    return pattern


def _check_object(node: dict[str, Any], path: str) -> None:
    if not node:
        raise PatternError(f"Empty objects are not allowed{' at ' + path if path else ''}")
    for key, value in node.items():
        where = f"{path}.{key}" if path else key
        if key == "$or" and isinstance(value, list):
            if len(value) < 2 or not all(isinstance(v, dict) for v in value):
                raise PatternError("There must have at least 2 Objects in $or relationship")
            for branch in value:
                _check_object(branch, where)
        elif isinstance(value, dict):
            _check_object(value, where)
        elif isinstance(value, list):
            if not value:
                raise PatternError(f"Empty arrays are not allowed at {where}")
            for item in value:
                _check_matcher(item, where)
        else:
            raise PatternError(f"'{where}' must be an object or an array")


def _check_matcher(item: Any, where: str) -> None:
    if item is None or isinstance(item, (str, bool, int, float)):
        return
    if not isinstance(item, dict):
        raise PatternError(f"Match value at {where} must be a string, number, boolean, null or an operator object")
    if len(item) != 1:
        raise PatternError(f"Only one key allowed in a match expression at {where}")
    (op, arg), = item.items()
    if op not in _OPERATORS:
        raise PatternError(f"Unrecognized match type {op}")
    {"prefix": _check_affix, "suffix": _check_affix, "equals-ignore-case": _check_string,
     "wildcard": _check_wildcard, "anything-but": _check_anything_but, "numeric": _check_numeric,
     "cidr": _check_cidr, "exists": _check_exists}[op](op, arg)


def _check_string(op: str, arg: Any) -> None:
    if not isinstance(arg, str):
        raise PatternError(f"{op} match pattern must be a string")


def _check_affix(op: str, arg: Any) -> None:
    if isinstance(arg, dict) and list(arg) == ["equals-ignore-case"]:
        arg = arg["equals-ignore-case"]
    _check_string(op, arg)


def _check_wildcard(op: str, arg: Any) -> None:
    _check_string(op, arg)
    if "**" in arg.replace("\\\\", "").replace("\\*", ""):
        raise PatternError("Consecutive wildcard characters at pos are not allowed")
    if re.search(r"\\(?![*\\])", arg.replace("\\\\", "")):
        raise PatternError("Wildcard may only escape * or \\")


def _check_anything_but(op: str, arg: Any) -> None:
    if isinstance(arg, dict):
        if len(arg) != 1 or next(iter(arg)) not in ("prefix", "suffix", "equals-ignore-case", "wildcard"):
            raise PatternError("Unsupported anything-but pattern")
        (inner, value), = arg.items()
        values = value if isinstance(value, list) and inner in ("equals-ignore-case", "wildcard") else [value]
        for v in values:
            (_check_wildcard if inner == "wildcard" else _check_string)(f"anything-but {inner}", v)
        if inner in ("prefix", "suffix") and not value:
            raise PatternError("Null prefix/suffix not allowed")
        return
    values = arg if isinstance(arg, list) else [arg]
    if not values:
        raise PatternError("Empty arrays are not allowed in anything-but")
    if not (all(isinstance(v, str) for v in values) or all(_is_number(v) for v in values)):
        raise PatternError("Inside anything but list, start|null|boolean is not supported; "
                           "values must be all strings or all numbers")


def _check_numeric(op: str, arg: Any) -> None:
    """event-ruler's grammar: ["=", n] | ["<" or "<=", n] | [">" or ">=", n] optionally followed by ["<" or "<=", n]."""
    if not isinstance(arg, list) or not arg or len(arg) % 2:
        raise PatternError("Value of numeric must be an array of operator/number pairs")
    pairs = list(zip(arg[0::2], arg[1::2], strict=True))
    for operator, bound in pairs:
        if operator not in _NUMERIC_OPS:
            raise PatternError(f"Unrecognized numeric range operator: {operator}")
        if not _is_number(bound):
            raise PatternError(f"Value of {operator} must be numeric")
    ops = [o for o, _ in pairs]
    if len(ops) > 2 or (len(ops) == 2 and (ops[0] not in (">", ">=") or ops[1] not in ("<", "<="))):
        raise PatternError("Too many elements in numeric expression: a range is a lower bound then an upper bound")


def _check_cidr(op: str, arg: Any) -> None:
    _check_string(op, arg)
    try:
        ipaddress.ip_network(arg, strict=False)
    except ValueError:
        raise PatternError(f"Nonstandard IP address: {arg}") from None


def _check_exists(op: str, arg: Any) -> None:
    if not isinstance(arg, bool):
        raise PatternError("exists match pattern must be either true or false.")


# ============================================================================================ matching


def matches(pattern: dict[str, Any], event: Any) -> bool:
    """Does the event (a parsed JSON object) match a pattern returned by load()?"""
    return _match_object(pattern, event if isinstance(event, dict) else {})


def _match_object(pattern: dict[str, Any], node: dict[str, Any]) -> bool:
    for key, want in pattern.items():
        if key == "$or" and isinstance(want, list):
            if not any(_match_object(branch, node) for branch in want):
                return False
            continue
        value = node.get(key, _MISSING)
        if isinstance(want, dict):
            # an array of objects is "crushed out": one element must match the whole sub-pattern, so fields
            # from different elements never combine (event-ruler's array-consistent matching)
            candidates = [v for v in _flatten(value) if isinstance(v, dict)] or [{}]
            if not any(_match_object(want, c) for c in candidates):
                return False
        elif not _match_leaf(want, value):
            return False
    return True


def _flatten(value: Any) -> list[Any]:
    if value is _MISSING:
        return []
    if isinstance(value, list):
        return [leaf for item in value for leaf in _flatten(item)]
    return [value]


def _match_leaf(matchers: list[Any], value: Any) -> bool:
    """A leaf: any matcher may accept any of the field's values (arrays match when they intersect)."""
    leaves = [v for v in _flatten(value) if not isinstance(v, dict)]
    for m in matchers:
        if isinstance(m, dict) and "exists" in m:
            if bool(leaves) == m["exists"]:
                return True
        elif any(_match_value(m, v) for v in leaves):
            return True
    return False


def _equal(want: Any, value: Any) -> bool:
    """JSON equality: 1 and true differ, 301.8 and 3.018e2 do not."""
    if _is_number(want) and _is_number(value):
        return float(want) == float(value)
    return type(want) is type(value) and want == value and not _is_number(want)


def _match_value(m: Any, value: Any) -> bool:
    if not isinstance(m, dict):
        return _equal(m, value)
    (op, arg), = m.items()
    if op == "numeric":
        return _is_number(value) and _in_range(arg, float(value))
    if op == "anything-but":
        return not _anything_but_excludes(arg, value)
    if not isinstance(value, str):
        return False  # prefix, suffix, equals-ignore-case, wildcard and cidr apply to strings only
    if op in ("prefix", "suffix"):
        fold = isinstance(arg, dict)
        text, target = (arg["equals-ignore-case"].casefold(), value.casefold()) if fold else (arg, value)
        return target.startswith(text) if op == "prefix" else target.endswith(text)
    if op == "equals-ignore-case":
        return value.casefold() == arg.casefold()
    if op == "wildcard":
        return _wildcard(arg).fullmatch(value) is not None
    if op == "cidr":
        try:
            return ipaddress.ip_address(value) in ipaddress.ip_network(arg, strict=False)
        except ValueError:
            return False
    return False


def _anything_but_excludes(arg: Any, value: Any) -> bool:
    if isinstance(arg, dict):
        (inner, pat), = arg.items()
        if not isinstance(value, str):
            return False
        pats = pat if isinstance(pat, list) else [pat]
        if inner == "prefix":
            return value.startswith(pat)
        if inner == "suffix":
            return value.endswith(pat)
        if inner == "equals-ignore-case":
            return any(value.casefold() == p.casefold() for p in pats)
        return any(_wildcard(p).fullmatch(value) for p in pats)
    return any(_equal(v, value) for v in (arg if isinstance(arg, list) else [arg]))


def _in_range(arg: list[Any], number: float) -> bool:
    checks = {"=": number.__eq__, "<": number.__lt__, "<=": number.__le__, ">": number.__gt__, ">=": number.__ge__}
    return all(checks[op](float(bound)) for op, bound in zip(arg[0::2], arg[1::2], strict=True))


def _wildcard(text: str) -> re.Pattern[str]:
    """event-ruler wildcard: * is any run of characters, \\* a literal star, \\\\ a backslash; whole value."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            out.append(re.escape(text[i + 1]))
            i += 2
            continue
        out.append(".*" if text[i] == "*" else re.escape(text[i]))
        i += 1
    return re.compile("".join(out), re.DOTALL)
