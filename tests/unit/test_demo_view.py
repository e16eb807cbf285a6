"""The demo's live view: rates over a sliding window (a stalled stream reads 0 at once, not an average
since the start) and a banner while the broker cannot be reached."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

from customs.cli.demo import WINDOW_SECONDS, Tally
from customs.settings import Settings

pytestmark = pytest.mark.unit


def test_rates_are_taken_over_the_window() -> None:
    tally = Tally()
    for second in range(30):
        tally.decisions["allow"] += 10 if second < 20 else 0  # 10/s, then the broker stalls
        tally.fed += 10 if second < 20 else 0
        tally.sample(float(second))
        if second == 19:
            assert tally.rates()["allow"] == pytest.approx(10.0)
    assert tally.rates()["allow"] == 0.0  # ten quiet seconds later
    assert tally.rates()["fed"] == 0.0
    assert tally.decisions["allow"] == 200


def test_the_window_keeps_about_its_length() -> None:
    tally = Tally()
    for second in range(100):
        tally.sample(float(second))
    first, last = tally._samples[0][0], tally._samples[-1][0]
    assert WINDOW_SECONDS - 1 <= last - first <= WINDOW_SECONDS + 1


def _render(tally: Tally) -> str:
    console = Console(width=200, record=True)
    console.print(tally.view(0.0, Settings(), Path("worker.log")))
    return console.export_text()


def test_a_banner_while_the_broker_is_unreachable() -> None:
    tally = Tally()
    assert "broker unreachable" not in _render(tally)
    tally.mark_broker(False, 100.0)
    assert "broker unreachable" in _render(tally)
    tally.mark_broker(True, 110.0)
    assert "broker unreachable" not in _render(tally)
