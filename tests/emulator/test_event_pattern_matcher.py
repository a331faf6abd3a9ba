"""Edges of the project's EventBridge matcher that the documented tables do not pin down on their own."""
from __future__ import annotations

import pytest

from rootaudit_emulator import event_pattern as ep


def match(pattern: str, event: dict) -> bool:
    return ep.matches(ep.load(pattern), event)


def test_exists_false_holds_when_the_parent_object_is_absent():
    assert match('{"detail": {"c-count": [{"exists": false}]}}', {"source": "x"})
    assert not match('{"detail": {"c-count": [{"exists": true}]}}', {"source": "x"})


def test_anything_but_needs_the_field_present():
    assert not match('{"detail": {"state": [{"anything-but": "x"}]}}', {"detail": {}})


def test_nested_arrays_of_objects_are_flattened():
    event = {"employees": [[{"firstName": "John"}], [{"firstName": "Anna"}]]}
    assert match('{"employees": {"firstName": ["Anna"]}}', event)


def test_numeric_equality_ignores_json_spelling_but_not_type():
    assert match('{"n": [{"numeric": ["=", 3.018e2]}]}', {"n": 301.8})
    assert not match('{"n": [{"numeric": ["=", 1]}]}', {"n": True})


@pytest.mark.parametrize("pattern", [
    '{"a": [{"numeric": [">", 1, ">", 2]}]}', '{"a": [{"numeric": ["=", 1, "<", 2]}]}',
    '{"a": [{"numeric": ["~", 1]}]}',
    '{"a": [{"numeric": ["<", 9, ">", 1]}]}', '{"a": [{"anything-but": {"prefix": ""}}]}',
    '{"a": [{"cidr": "10.0.0.0/33"}]}', '{"a": [{"prefix": 5}]}', '{"a": [{"wildcard": "a\\\\b"}]}', '{"a": [[1]]}',
    '{"a": [{"prefix": "x", "suffix": "y"}]}', '[1]', '{"$or": [{"a": ["x"]}, {}]}',
])
def test_invalid_patterns_are_refused(pattern):
    with pytest.raises(ep.PatternError):
        ep.load(pattern)


def test_graft_reports_the_reason(emulator):
    events = emulator.load("standalone").client("events")
    event = '{"id": "1", "account": "123456789012", "source": "s", "time": "t", "region": "r", "detail-type": "d"}'
    with pytest.raises(events.exceptions.InvalidEventPatternException) as excinfo:
        events.test_event_pattern(EventPattern='{"source": [{"prefixx": "aws"}]}', Event=event)
    assert "Event pattern is not valid. Reason: Unrecognized match type prefixx" in str(excinfo.value)
    emulator.reset()
