"""The exact verdict (status, reason, evidence) of every evaluator case, against a reviewed snapshot.

The reason is what a person reads and acts on, and the evidence is what reports carry: a changed word or a dropped
key should be a decision, not an accident. tests/golden/verdicts.json holds them; after an intended change run
`ROOTAUDIT_UPDATE_GOLDEN=1 pytest tests/test_reasons.py` and review the diff of that file.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from evidence_builders import NOW
from rootaudit.checks import BY_ID
from test_evaluators import CASES, CFG
from test_mutation_survivors import EXTRA_CASES

GOLDEN = Path(__file__).resolve().parent / "golden" / "verdicts.json"


def _cases():
    for check_id, evidence, _expected, _phrase in CASES:
        yield check_id, evidence, CFG
    for case in EXTRA_CASES:
        yield case.check_id, case.evidence, case.config or CFG


def _key(check_id, evidence, config) -> str:
    # every setting a case varies is part of its key, so two cases never share a reviewed verdict
    blob = json.dumps([evidence, config.root_email_pattern, config.recent_use_days, config.org,
                       config.signin_regions, config.require_all_signin_regions], sort_keys=True, default=str)
    return f"{check_id} {hashlib.sha256(blob.encode()).hexdigest()[:12]}"


def current() -> dict:
    out = {}
    for check_id, evidence, config in _cases():
        verdict = BY_ID[check_id].evaluate(dict(evidence, now=NOW), config)
        out[_key(check_id, evidence, config)] = {"status": verdict.status.value, "reason": verdict.reason,
                                                 "evidence": json.loads(json.dumps(verdict.evidence, default=str))}
    return out


def test_every_case_gives_its_reviewed_verdict():
    got = current()
    if os.environ.get("ROOTAUDIT_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(got, indent=1, sort_keys=True) + "\n")
    want = json.loads(GOLDEN.read_text())
    new = sorted(set(got) - set(want))
    assert not new, f"cases without a reviewed verdict (run with ROOTAUDIT_UPDATE_GOLDEN=1): {new}"
    changed = {k: {"now": got[k], "reviewed": want[k]} for k in got if got[k] != want[k]}
    assert not changed, json.dumps(changed, indent=1)[:4000]
