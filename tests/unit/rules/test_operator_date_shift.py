"""The ``date_shift`` operator: one secret, stable shift per subject, within ``days``, never zero."""

from __future__ import annotations

from datetime import date

import pytest

from detectors.finding import Finding
from rules.decision import MaskInstruction
from rules.desensitise import desensitise
from rules.operators import OPERATORS
from rules.operators.base import OperatorContext, Params
from rules.operators.date_shift import DateShift, shift_days
from rules.operators.dates import parse_date

SHIFT = OPERATORS["date_shift"]
KEY = b"synthetic-test-key"


def _ctx(record: object) -> OperatorContext:
    return OperatorContext(record=record)


def _offset(before: str, after: str) -> int:
    a, b = parse_date(before), parse_date(after)
    assert a is not None and b is not None
    return (b.day - a.day).days


def test_registered_under_its_name() -> None:
    assert isinstance(SHIFT, DateShift)


@pytest.mark.parametrize(
    "value", ["2025-03-14", "2025/03/14", "20250314", "2025年03月14日", "2025-03-14 08:30"]
)
@pytest.mark.parametrize("days", [1, 7, 30, 365])
def test_shift_within_bounds_keeps_the_format(value: str, days: int) -> None:
    shifted = SHIFT.operate_in(value, "DATE_OF_BIRTH", {"days": days}, KEY, _ctx({"id": "p-1"}))
    parsed = parse_date(shifted)
    assert parsed is not None and parsed.style == parse_date(value).style  # type: ignore[union-attr]
    assert 1 <= abs(_offset(value, shifted)) <= days
    if " 08:30" in value:
        assert shifted.endswith(" 08:30")


@pytest.mark.parametrize("subject", ["p-1", "p-2", "p-3", 42])
def test_same_subject_same_shift_across_dates(subject: object) -> None:
    ctx = _ctx({"id": subject})
    one = SHIFT.operate_in("2025-03-14", "DATE_OF_BIRTH", {}, KEY, ctx)
    two = SHIFT.operate_in("2024-12-31", "DATE_OF_BIRTH", {}, KEY, ctx)
    assert _offset("2025-03-14", one) == _offset("2024-12-31", two)


def test_subjects_get_different_shifts() -> None:
    offsets = {shift_days(f"p-{n}", KEY, 30) for n in range(50)}
    assert len(offsets) > 10 and 0 not in offsets


def test_subject_field_parameter() -> None:
    record = {"id": "visit-9", "patient": {"ref": "p-1"}}
    by_patient = SHIFT.operate_in(
        "2025-03-14", "DATE_OF_BIRTH", {"subject": "patient.ref"}, KEY, _ctx(record)
    )
    assert _offset("2025-03-14", by_patient) == shift_days("p-1", KEY, 30)


@pytest.mark.parametrize(
    ("value", "record"),
    [("2025-03-14", {"name": "no id"}), ("2025-03-14", None), ("next Tuesday", {"id": "p-1"})],
)
def test_falls_back_to_type_tag(value: str, record: object) -> None:
    assert SHIFT.operate_in(value, "DATE_OF_BIRTH", {}, KEY, _ctx(record)) == "<DATE_OF_BIRTH>"


def test_desensitise_passes_the_record_as_context() -> None:
    record = {"id": "p-1", "born": "1990-07-01"}
    mask = MaskInstruction(Finding("born", "DATE_OF_BIRTH", 0, 10, 0.9), "date_shift", (("days", 10),))
    out = desensitise(record, [mask], KEY, record_date=date(2025, 6, 1))
    assert _offset("1990-07-01", out["born"]) == shift_days("p-1", KEY, 10)


@pytest.mark.parametrize(
    ("params", "name"), [({"days": 0}, "days"), ({"days": 5000}, "days"), ({"subject": ""}, "subject")]
)
def test_validate_rejects_bad_params(params: Params, name: str) -> None:
    with pytest.raises(ValueError, match=f"operator parameter '{name}'"):
        SHIFT.validate(params)
