"""Properties of ``Inspector.inspect`` on the ``mask-all`` preset: it never raises, every input gets exactly
one verdict (allow, mask or quarantine), no internal error, and a masked record holds none of the values found
in it in clear. Records are built of synthetic identifiers, phones, names and emails."""

from __future__ import annotations

import json
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from customs import headers as h
from customs.inspection import Inspector, Origin, Verdict, flow_context
from detectors.walker import JsonValue, walk
from rules.decision import Action
from rules.reasons import Reason
from tests.fuzz.strategies import FUZZ, json_documents, records

FLOW = flow_context({}, date(2026, 5, 1))
ORIGIN = Origin("customs.inbound", 0, 0)
# A found value this long (an identifier, a phone, an email) is the same personal value wherever it recurs;
# a shorter one (a two-character name) may recur undetected in other text, a matter of recall, not masking.
LONG_ENOUGH = 6


def _inspect(inspector: Inspector, raw: bytes) -> Verdict:
    verdict = inspector.inspect(raw, FLOW, ORIGIN)
    assert verdict.action in (Action.ALLOW, Action.MASK, Action.QUARANTINE)
    decisions = [value for name, value in verdict.headers if name == h.DECISION]
    assert decisions == [verdict.action.value.encode()]  # exactly one verdict, and the headers say so
    assert Reason.POLICY_ERROR not in verdict.decision.reasons, verdict.detail  # no internal error
    return verdict


def _strings_by_path(before: JsonValue, after: JsonValue) -> dict[str, list[tuple[str, str]]]:
    """Each string of ``before`` with the one in its place in ``after`` (same shape), by path. A path may name
    more than one string (a root key ``""`` adds nothing to a path: ``{"": ["a"]}`` and ``{"0": "a"}``)."""
    fields, masked = walk(before).fields, walk(after).fields
    assert [path for path, _, _ in masked] == [path for path, _, _ in fields]  # the shape is kept
    pairs: dict[str, list[tuple[str, str]]] = {}
    for (path, text, _), (_, out, _) in zip(fields, masked, strict=True):
        pairs.setdefault(path, []).append((text, out))
    return pairs


@FUZZ
@given(st.one_of(st.binary(max_size=512), json_documents().map(lambda d: d.text.encode("utf-8"))))
def test_any_bytes_get_exactly_one_verdict(mask_all_inspector: Inspector, raw: bytes) -> None:
    verdict = _inspect(mask_all_inspector, raw)
    if Reason.DECODE_ERROR in verdict.decision.reasons:
        assert verdict.action is Action.QUARANTINE and verdict.value == raw  # held as it came, never changed
        assert verdict.detail


@FUZZ
@given(records(), st.booleans())
def test_masked_records_hold_no_found_value_in_clear(
    mask_all_inspector: Inspector, record: dict[str, JsonValue], ascii_only: bool
) -> None:
    raw = json.dumps(record, ensure_ascii=ascii_only).encode("utf-8")
    verdict = _inspect(mask_all_inspector, raw)
    assert Reason.DECODE_ERROR not in verdict.decision.reasons, verdict.detail
    if verdict.action is Action.ALLOW:  # mask-all: allowed only when nothing was found, and unchanged
        assert verdict.findings == () and verdict.value == raw
        return
    if verdict.action is Action.QUARANTINE:  # not for a finding under mask-all (an inspection time budget)
        assert Reason.RULE_QUARANTINE not in verdict.decision.reasons
        return
    assert verdict.findings
    published = verdict.value.decode("utf-8")
    pairs = _strings_by_path(record, json.loads(published))
    for finding in verdict.findings:
        for text, out in pairs[finding.path]:
            if finding.end > len(text):
                continue
            found = text[finding.start : finding.end]
            assert found not in out, (finding.entity, finding.path)  # not where it was
            if len(found) >= LONG_ENOUGH:  # nor anywhere else in the record
                assert json.dumps(found, ensure_ascii=False)[1:-1] not in published, (
                    finding.entity,
                    finding.path,
                )
