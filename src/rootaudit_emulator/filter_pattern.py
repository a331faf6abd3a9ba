"""A CloudWatch Logs filter-pattern evaluator, for the grafted logs:TestMetricFilter.

moto 5.2.5 stores metric filters verbatim but has no TestMetricFilter (HTTP 500), so the product could not ask
"does this filter catch a root event?" against the emulator.  This module answers that question the way the
CloudWatch Logs filter syntax documents it:
https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html

Supported (each behaviour is pinned by a documented case in tests/conformance/logs_filter_patterns.yaml):
- the empty pattern (matches every event);
- term patterns: ``ERROR``, ``"quoted phrase"``, several terms (all must appear), ``-x`` or ``- "x"`` (must not
  appear), ``?A ?B`` (any of) and term groups ``?A B ?C D`` (A and B, or C and D), ``%regex%`` terms; matching
  is case-sensitive, as in CloudWatch Logs;
- JSON patterns ``{ ... }``: selectors ``$.a.b``, ``$.a[0].b``; operators ``= != < > <= >=``; values quoted,
  bare, numeric (``+``/``-`` sign, exponent), ``%regex%``; a ``*`` at the start or end of a string value is a
  wildcard, anywhere else a literal star; ``IS NULL``, ``IS TRUE``, ``IS FALSE``, ``NOT EXISTS``; ``&&``, ``||``
  and parentheses (``&&`` binds tighter); a selector that reaches an array or object never matches;
- space-delimited patterns ``[ip, user, ..., status = 4*, bytes > 1000]`` (named fields, ``...``, conditions
  joined by ``&&``/``||``, a trailing empty field); extracted values come back as ``{"$name": value}``, and the
  fields without a name (covered by ``...``, or the empty last one) as ``{"$<position>": value}`` like AWS;
- regex restrictions: only the characters the guide lists (no ``(``, ``)``, ``!``, spaces or multi-byte
  characters), and at most 2 regex in one JSON or space-delimited pattern.

Choices where the documentation is silent (kept deliberately simple, stated here so tests can rely on them):
- a comparison on a JSON field that is absent is false, for ``!=`` too (use ``NOT EXISTS`` for absence);
- a message that is not a JSON object never matches a JSON pattern;
- terms before the first ``?term`` are required whatever group matches; ``-terms`` exclude from every group.

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
_NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


# --------------------------------------------------------------------------------------------- values


def _wildcard(value: str) -> re.Pattern[str]:
    """A string value as a regex anchored at both ends; only a leading or trailing ``*`` is a wildcard.

    The CloudWatch Logs guide gives ``*Event`` and ``Event*`` as wildcards but says a star between other
    characters (``Ev*ent``) stands for itself; ``\\*`` is a literal star anywhere.  Both anchors matter:
    ``*Trail`` must not match ``UpdateTrails``.
    """
    chars: list[tuple[str, bool]] = []  # (character, escaped)
    i = 0
    while i < len(value):
        if value[i] == "\\" and i + 1 < len(value):
            chars.append((value[i + 1], True))
            i += 2
            continue
        chars.append((value[i], False))
        i += 1
    lead = bool(chars) and chars[0] == ("*", False)
    trail = len(chars) > int(lead) and chars[-1] == ("*", False)
    body = chars[int(lead):len(chars) - int(trail)]
    regex = (".*" if lead else "") + "".join(re.escape(c) for c, _ in body) + (".*" if trail else "")
    return re.compile(r"\A" + regex + r"\Z", re.DOTALL)


@dataclass(frozen=True)
class _Value:
    kind: str  # "string" | "number" | "regex"
    text: str
    number: float | None = None
    regex: re.Pattern[str] | None = None

    @classmethod
    def from_token(cls, kind: str, text: str) -> "_Value":
        if kind == "regex":
            return cls("regex", text, regex=_regex(text))
        if kind == "bare" and _NUMBER.match(text):
            return cls("number", text, number=float(text))
        return cls("string", text, regex=_wildcard(text))


# The guide's whitelist for %regex%: letters, digits, the symbols _ # = @ / ; , - : and the operators
# ^ $ ? [ ] { } | \\ * + . -- so no ( ), no '!', no space, no multi-byte characters.
_REGEX_ALLOWED = re.compile(r"^[A-Za-z0-9_#=@/;,:\-^$?\[\]{}|\\*+.]+$")
MAX_REGEX_IN_STRUCTURED = 2  # per JSON or space-delimited pattern (CloudWatch Logs quota)


def _regex(text: str) -> re.Pattern[str]:
    if not _REGEX_ALLOWED.match(text):
        bad = sorted({c for c in text if not _REGEX_ALLOWED.match(c)})
        raise FilterPatternError(f"regular expression %{text}% uses unsupported characters {bad}")
    try:
        return re.compile(text)
    except re.error as exc:
        raise FilterPatternError(f"invalid regular expression %{text}%: {exc}") from None


def _compare(actual: Any, op: str, value: _Value) -> bool:
    """One comparison of a present field value against a pattern value."""
    if isinstance(actual, (list, dict)):
        return False  # the guide: a selector must reach a string or number; arrays/objects never match, != too
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
        if tok[0] == "bare" and tok[1].upper() == "NOT":
            self.take()
            if (self.peek() or ("", ""))[1].upper() != "EXISTS":
                raise FilterPatternError(f"{selector} NOT must be followed by EXISTS")
            self.take()
            return lambda doc: _resolve(doc, path) is _MISSING
        if tok[0] == "bare" and tok[1].upper() == "IS":
            self.take()
            _, what = self.take("bare")
            what = what.upper()
            if what == "NULL":
                return lambda doc: _resolve(doc, path) is None
            if what in ("TRUE", "FALSE"):
                want = what == "TRUE"
                return lambda doc: _resolve(doc, path) is want
            raise FilterPatternError(f"IS must be followed by NULL, TRUE or FALSE, not {what}")
        _, op = self.take("op")
        kind, text = self.take()
        if kind not in ("quoted", "bare", "regex"):
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


def _check_regex_quota(tokens: list[tuple[str, str]]) -> None:
    count = sum(1 for kind, _ in tokens if kind == "regex")
    if count > MAX_REGEX_IN_STRUCTURED:
        raise FilterPatternError(f"{count} regular expressions; a JSON or space-delimited pattern allows "
                                 f"at most {MAX_REGEX_IN_STRUCTURED}")


def _compile_json(body: str) -> Callable[[str], tuple[bool, dict[str, str]]]:
    tokens = _tokenize_json(body)
    _check_regex_quota(tokens)
    predicate = _JsonParser(tokens).parse()

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

# A term, optionally prefixed by ? (any-of) or - (exclude); the guide writes the exclusion both as -Exiting and
# as - "Exiting", so blanks may separate the prefix from its term.
_TERM = re.compile(r'\s*(?:([?-])\s*)?("(?:[^"\\]|\\.)*"|%(?:[^%\\]|\\.)+%|[^\s"]+)')


def _term_test(term: str) -> Callable[[str], bool]:
    if term.startswith('"'):
        if not term.endswith('"') or len(term) < 2:
            raise FilterPatternError("unterminated quoted term")
        literal = re.sub(r"\\(.)", r"\1", term[1:-1])
        return lambda msg: literal in msg
    if term.startswith("%") and term.endswith("%") and len(term) > 2:
        rx = _regex(term[1:-1])
        return lambda msg: rx.search(msg) is not None
    if any(c in term for c in "{}[]"):
        raise FilterPatternError(f"invalid character in term {term!r}")
    return lambda msg: term in msg


def _compile_terms(pattern: str) -> Callable[[str], tuple[bool, dict[str, str]]]:
    """Terms: all unprefixed terms must appear, no -term may appear.

    With ?terms the pattern is a list of term groups, any of which may match: each ?term opens a group and the
    unprefixed terms after it belong to that group (the CDK's anyTermGroup renders ``?"A" "B" ?"C" "D"``).
    """
    required: list[Callable[[str], bool]] = []  # before the first ?term: required whatever the group
    groups: list[list[Callable[[str], bool]]] = []
    excluded: list[Callable[[str], bool]] = []
    pos = 0
    text = pattern.strip()
    while pos < len(text):
        m = _TERM.match(text, pos)
        if not m or m.end() == pos:
            raise FilterPatternError(f"cannot parse term at position {pos}")
        pos = m.end()
        prefix, test = m.group(1) or "", _term_test(m.group(2))
        if prefix == "-":
            excluded.append(test)
        elif prefix == "?":
            groups.append([test])
        else:
            (groups[-1] if groups else required).append(test)

    def run(message: str) -> tuple[bool, dict[str, str]]:
        ok = all(t(message) for t in required)
        ok = ok and (not groups or any(all(t(message) for t in g) for g in groups))
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
    regexes = 0
    parts = _split_fields(body)
    for index, part in enumerate(parts):
        if not part and index == len(parts) - 1 and index > 0:
            # the guide's own example ends in a comma ([..., status_code=4*,]): a last, unnamed field,
            # reported by its position like the fields an ellipsis covers
            fields.append(_Field(""))
            continue
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
        tokens = _tokenize_json(rewritten)
        regexes += sum(1 for kind, _ in tokens if kind == "regex")
        fields.append(_Field(name, predicate=_JsonParser(tokens).parse()))
    _check_regex_quota([("regex", "")] * regexes)

    def strip(token: str) -> str:
        if (token.startswith('"') and token.endswith('"')) or (token.startswith("[") and token.endswith("]")):
            return token[1:-1]
        return token

    def assign(tokens: list[str], fi: int, ti: int, out: dict[str, str]) -> bool:
        """Give each field its token(s); unnamed ones (an ellipsis, an empty last field) are keyed by position."""
        if fi == len(fields):
            return ti == len(tokens)
        f = fields[fi]
        if f.ellipsis:
            for k in range(ti, len(tokens) + 1):
                covered = {str(j + 1): strip(tokens[j]) for j in range(ti, k)}
                out.update(covered)
                if assign(tokens, fi + 1, k, out):
                    return True
                for key in covered:
                    out.pop(key, None)
            return False
        if ti >= len(tokens):
            return False
        key = f.name or str(ti + 1)
        out[key] = strip(tokens[ti])
        if assign(tokens, fi + 1, ti + 1, out):
            return True
        out.pop(key, None)
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
