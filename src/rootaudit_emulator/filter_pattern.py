"""A CloudWatch Logs filter-pattern evaluator, for the grafted logs:TestMetricFilter.

moto 5.2.5 stores metric filters verbatim but has no TestMetricFilter (HTTP 500), so the product could not ask
"does this filter catch a root event?" against the emulator.  This module answers that question the way the
CloudWatch Logs filter syntax documents it:
https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html

Supported:
- the empty pattern (matches every event);
- term patterns: ``ERROR``, ``"quoted phrase"``, several terms (all must appear), ``?A ?B`` (any of),
  ``-x`` (must not appear), ``%regex%`` terms; matching is case-sensitive, as in CloudWatch Logs;
- JSON patterns ``{ ... }``: selectors ``$.a.b``, ``$.a[0].b``; operators ``= != < > <= >=``; values quoted,
  bare, numeric, ``%regex%``; ``*`` wildcards inside string values; ``IS NULL``, ``IS TRUE``, ``IS FALSE``,
  ``NOT EXISTS``; ``&&``, ``||`` and parentheses (``&&`` binds tighter);
- space-delimited patterns ``[ip, user, ..., status = 4*, bytes > 1000]`` (named fields, ``...``, conditions
  joined by ``&&``/``||``); extracted values come back as ``{"$name": value}`` like AWS.

Choices where the documentation is silent (kept deliberately simple, stated here so tests can rely on them):
- a comparison on a JSON field that is absent is false, for ``!=`` too (use ``NOT EXISTS`` for absence);
- a message that is not a JSON object never matches a JSON pattern.

A pattern that cannot be parsed raises FilterPatternError; the graft turns it into InvalidParameterException.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Callable

__all__ = ["FilterPatternError", "compile_pattern", "matches", "test_messages"]


class FilterPatternError(ValueError):
    """The filter pattern is not valid CloudWatch Logs syntax."""


_MISSING = object()
_NUMBER = re.compile(r"^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


# --------------------------------------------------------------------------------------------- values


def _wildcard(value: str) -> re.Pattern[str]:
    """A string value with ``*`` wildcards as an anchored regex (``\\*`` is a literal star)."""
    out, i = [], 0
    while i < len(value):
        c = value[i]
        if c == "\\" and i + 1 < len(value):
            out.append(re.escape(value[i + 1]))
            i += 2
            continue
        out.append(".*" if c == "*" else re.escape(c))
        i += 1
    return re.compile("^" + "".join(out) + "$", re.DOTALL)


@dataclass(frozen=True)
class _Value:
    kind: str  # "string" | "number" | "regex"
    text: str
    number: float | None = None
    regex: re.Pattern[str] | None = None

    @classmethod
    def from_token(cls, kind: str, text: str) -> "_Value":
        if kind == "regex":
            try:
                return cls("regex", text, regex=re.compile(text))
            except re.error as exc:
                raise FilterPatternError(f"invalid regular expression %{text}%: {exc}") from None
        if kind == "bare" and _NUMBER.match(text):
            return cls("number", text, number=float(text))
        return cls("string", text, regex=_wildcard(text))


def _compare(actual: Any, op: str, value: _Value) -> bool:
    """One comparison of a present field value against a pattern value."""
    if value.kind == "regex":
        ok = isinstance(actual, str) and value.regex.search(actual) is not None
        if op == "=":
            return ok
        if op == "!=":
            return not ok
        raise FilterPatternError("regular expressions only work with = and !=")
    if value.kind == "number":
        if isinstance(actual, str) and _NUMBER.match(actual.strip()):
            actual = float(actual)  # space-delimited fields arrive as text
        if isinstance(actual, bool) or not isinstance(actual, (int, float)):
            return op == "!="
        a, b = float(actual), value.number
        return {"=": a == b, "!=": a != b, "<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[op]
    # string value
    if op not in ("=", "!="):
        raise FilterPatternError(f"operator {op} needs a numeric value, not {value.text!r}")
    if isinstance(actual, str):
        equal = value.regex.match(actual) is not None
    elif isinstance(actual, (int, float)) and not isinstance(actual, bool):
        equal = value.regex.match(json.dumps(actual)) is not None
    else:
        equal = False
    return equal if op == "=" else not equal


# --------------------------------------------------------------------------------------------- JSON patterns

_JSON_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<and>&&) | (?P<or>\|\|)
  | (?P<lp>\() | (?P<rp>\))
  | (?P<op>!=|<=|>=|=|<|>)
  | (?P<sel>\$(?:\.[^\s.\[\]()=!<>&|"]+|\[\d+\])*)
  | (?P<quoted>"(?:[^"\\]|\\.)*")
  | (?P<regex>%(?:[^%\\]|\\.)+%)
  | (?P<bare>[^\s()&|=!<>"]+)
    """,
    re.VERBOSE,
)
_KEYWORDS = {"IS", "NOT", "EXISTS", "NULL", "TRUE", "FALSE"}


def _tokenize_json(body: str) -> list[tuple[str, str]]:
    tokens, pos = [], 0
    while pos < len(body):
        m = _JSON_TOKEN.match(body, pos)
        if not m:
            raise FilterPatternError(f"unexpected character {body[pos]!r} at position {pos}")
        pos = m.end()
        kind = m.lastgroup
        text = m.group()
        if kind == "ws":
            continue
        if kind == "quoted":
            text = _unescape_keep_star(text[1:-1])
        elif kind == "regex":
            text = text[1:-1]
        elif kind == "bare" and text.upper() in _KEYWORDS:
            kind, text = "kw", text.upper()
        tokens.append((kind, text))
    return tokens


def _unescape_keep_star(text: str) -> str:
    """Unescape a quoted value but keep ``\\*`` so that the wildcard compiler sees a literal star."""
    return re.sub(r"\\([^*])", r"\1", text)


def _path(selector: str) -> list[str | int]:
    steps: list[str | int] = []
    for m in re.finditer(r"\.([^.\[\]]+)|\[(\d+)\]", selector[1:]):
        steps.append(m.group(1) if m.group(1) is not None else int(m.group(2)))
    return steps


def _resolve(doc: Any, path: list[str | int]) -> Any:
    node = doc
    for step in path:
        if isinstance(step, int):
            if not isinstance(node, list) or step >= len(node):
                return _MISSING
            node = node[step]
        else:
            if not isinstance(node, dict) or step not in node:
                return _MISSING
            node = node[step]
    return node


Predicate = Callable[[Any], bool]


class _JsonParser:
    def __init__(self, tokens: list[tuple[str, str]]):
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, kind: str | None = None, text: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if tok is None or (kind and tok[0] != kind) or (text and tok[1] != text):
            want = text or kind or "more input"
            got = tok[1] if tok else "end of pattern"
            raise FilterPatternError(f"expected {want}, found {got!r}")
        self.pos += 1
        return tok

    def parse(self) -> Predicate:
        if not self.tokens:
            raise FilterPatternError("empty JSON pattern")
        expr = self.parse_or()
        if self.peek() is not None:
            raise FilterPatternError(f"unexpected {self.peek()[1]!r}")
        return expr

    def parse_or(self) -> Predicate:
        parts = [self.parse_and()]
        while self.peek() and self.peek()[0] == "or":
            self.take()
            parts.append(self.parse_and())
        return parts[0] if len(parts) == 1 else (lambda doc, ps=tuple(parts): any(p(doc) for p in ps))

    def parse_and(self) -> Predicate:
        parts = [self.parse_unary()]
        while self.peek() and self.peek()[0] == "and":
            self.take()
            parts.append(self.parse_unary())
        return parts[0] if len(parts) == 1 else (lambda doc, ps=tuple(parts): all(p(doc) for p in ps))

    def parse_unary(self) -> Predicate:
        tok = self.peek()
        if tok and tok[0] == "lp":
            self.take()
            inner = self.parse_or()
            self.take("rp")
            return inner
        return self.parse_comparison()

    def parse_comparison(self) -> Predicate:
        _, selector = self.take("sel")
        path = _path(selector)
        tok = self.peek()
        if tok is None:
            raise FilterPatternError(f"{selector} needs an operator")
        if tok == ("kw", "NOT"):
            self.take()
            self.take("kw", "EXISTS")
            return lambda doc: _resolve(doc, path) is _MISSING
        if tok == ("kw", "IS"):
            self.take()
            _, what = self.take("kw")
            if what == "NULL":
                return lambda doc: _resolve(doc, path) is None
            if what in ("TRUE", "FALSE"):
                want = what == "TRUE"
                return lambda doc: _resolve(doc, path) is want
            raise FilterPatternError(f"IS must be followed by NULL, TRUE or FALSE, not {what}")
        _, op = self.take("op")
        kind, text = self.take()
        if kind not in ("quoted", "bare", "regex", "kw"):
            raise FilterPatternError(f"expected a value after {op}, found {text!r}")
        value = _Value.from_token("string" if kind == "quoted" else ("regex" if kind == "regex" else "bare"), text)
        if value.kind == "string" and op not in ("=", "!="):
            raise FilterPatternError(f"operator {op} needs a numeric value, not {text!r}")

        def compare(doc: Any) -> bool:
            actual = _resolve(doc, path)
            if actual is _MISSING:
                return False
            return _compare(actual, op, value)

        return compare


def _compile_json(body: str) -> Callable[[str], tuple[bool, dict[str, str]]]:
    predicate = _JsonParser(_tokenize_json(body)).parse()

    def run(message: str) -> tuple[bool, dict[str, str]]:
        try:
            doc = json.loads(message)
        except (ValueError, TypeError):
            return False, {}
        if not isinstance(doc, dict):
            return False, {}
        return bool(predicate(doc)), {}

    return run


# --------------------------------------------------------------------------------------------- term patterns

_TERM = re.compile(r'\s*([?-]?)("(?:[^"\\]|\\.)*"|%(?:[^%\\]|\\.)+%|[^\s"]+)')


def _compile_terms(pattern: str) -> Callable[[str], tuple[bool, dict[str, str]]]:
    required: list[Callable[[str], bool]] = []
    optional: list[Callable[[str], bool]] = []
    excluded: list[Callable[[str], bool]] = []
    pos = 0
    text = pattern.strip()
    while pos < len(text):
        m = _TERM.match(text, pos)
        if not m or m.end() == pos:
            raise FilterPatternError(f"cannot parse term at position {pos}")
        pos = m.end()
        prefix, term = m.group(1), m.group(2)
        if term.startswith('"'):
            if not term.endswith('"') or len(term) < 2:
                raise FilterPatternError("unterminated quoted term")
            literal = re.sub(r"\\(.)", r"\1", term[1:-1])
            test = (lambda lit: lambda msg: lit in msg)(literal)
        elif term.startswith("%") and term.endswith("%") and len(term) > 2:
            try:
                rx = re.compile(term[1:-1])
            except re.error as exc:
                raise FilterPatternError(f"invalid regular expression {term}: {exc}") from None
            test = (lambda r: lambda msg: r.search(msg) is not None)(rx)
        else:
            if any(c in term for c in "{}[]"):
                raise FilterPatternError(f"invalid character in term {term!r}")
            test = (lambda lit: lambda msg: lit in msg)(term)
        {"": required, "?": optional, "-": excluded}[prefix].append(test)

    def run(message: str) -> tuple[bool, dict[str, str]]:
        ok = all(t(message) for t in required)
        ok = ok and (not optional or any(t(message) for t in optional))
        ok = ok and not any(t(message) for t in excluded)
        return ok, {}

    return run


# --------------------------------------------------------------------------------------------- space-delimited


@dataclass
class _Field:
    name: str
    ellipsis: bool = False
    predicate: Callable[[dict[str, str]], bool] | None = None


_LOG_TOKEN = re.compile(r'"[^"]*"|\[[^\]]*\]|\S+')


def _split_fields(body: str) -> list[str]:
    parts, quote, cur = [], False, []
    for c in body:
        if c == '"':
            quote = not quote
        if c == "," and not quote:
            parts.append("".join(cur).strip())
            cur = []
            continue
        cur.append(c)
    parts.append("".join(cur).strip())
    if quote:
        raise FilterPatternError("unterminated quote in space-delimited pattern")
    return parts


def _compile_delimited(body: str) -> Callable[[str], tuple[bool, dict[str, str]]]:
    fields: list[_Field] = []
    for part in _split_fields(body):
        if not part:
            raise FilterPatternError("empty field in space-delimited pattern")
        if part == "...":
            fields.append(_Field("...", ellipsis=True))
            continue
        m = re.match(r"^([A-Za-z_][\w-]*)\s*(.*)$", part)
        if not m:
            raise FilterPatternError(f"invalid field {part!r}")
        name, rest = m.group(1), m.group(2).strip()
        if not rest:
            fields.append(_Field(name))
            continue
        # conditions on fields: reuse the JSON grammar with "$.name" selectors over a dict of fields
        rewritten = re.sub(r"(?<![\w$.])([A-Za-z_][\w-]*)(?=\s*(?:!=|<=|>=|=|<|>))", r"$.\1", part)
        predicate = _JsonParser(_tokenize_json(rewritten)).parse()
        fields.append(_Field(name, predicate=predicate))

    def strip(token: str) -> str:
        if (token.startswith('"') and token.endswith('"')) or (token.startswith("[") and token.endswith("]")):
            return token[1:-1]
        return token

    def assign(tokens: list[str], fi: int, ti: int, out: dict[str, str]) -> bool:
        if fi == len(fields):
            return ti == len(tokens)
        f = fields[fi]
        if f.ellipsis:
            return any(assign(tokens, fi + 1, k, out) for k in range(ti, len(tokens) + 1))
        if ti >= len(tokens):
            return False
        out[f.name] = strip(tokens[ti])
        if assign(tokens, fi + 1, ti + 1, out):
            return True
        out.pop(f.name, None)
        return False

    def run(message: str) -> tuple[bool, dict[str, str]]:
        tokens = _LOG_TOKEN.findall(message)
        values: dict[str, str] = {}
        if not assign(tokens, 0, 0, values):
            return False, {}
        for f in fields:
            if f.predicate is not None and not f.predicate(values):
                return False, {}
        return True, {f"${k}": v for k, v in values.items()}

    return run


# --------------------------------------------------------------------------------------------- entry points


def compile_pattern(pattern: str | None) -> Callable[[str], tuple[bool, dict[str, str]]]:
    """Compile a filter pattern into ``message -> (matched, extracted_values)``; FilterPatternError if invalid."""
    text = (pattern or "").strip()
    if not text:
        return lambda message: (True, {})
    if text.startswith("{"):
        if not text.endswith("}"):
            raise FilterPatternError("a JSON pattern must end with }")
        return _compile_json(text[1:-1])
    if text.startswith("["):
        if not text.endswith("]"):
            raise FilterPatternError("a space-delimited pattern must end with ]")
        return _compile_delimited(text[1:-1])
    return _compile_terms(text)


def matches(pattern: str | None, message: str) -> bool:
    return compile_pattern(pattern)(message)[0]


def test_messages(pattern: str | None, messages: list[str]) -> list[dict[str, Any]]:
    """The ``matches`` list of a TestMetricFilter answer.

    Event numbers start at 0, as in the examples of AWS's TestMetricFilter API reference (its CLI example starts at
    1): clients should tell matches apart by eventMessage.
    """
    run = compile_pattern(pattern)
    out = []
    for number, message in enumerate(messages):
        ok, extracted = run(message)
        if ok:
            out.append({"eventNumber": number, "eventMessage": message, "extractedValues": extracted})
    return out


test_messages.__test__ = False  # not a pytest test, despite the name
