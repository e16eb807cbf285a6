"""Log set-up: repeated lines are written once per window with a count; value-logging loggers capped."""

from __future__ import annotations

import logging

import pytest

from customs.logs import VALUE_LOGGERS, RepeatFilter, configure


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _record(
    message: str, *args: object, name: str = "aiokafka", level: int = logging.ERROR
) -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, message, args, None)


def test_a_repeated_line_is_let_through_once_per_window_with_a_count() -> None:
    clock = Clock()
    repeats = RepeatFilter(window=30, clock=clock)
    passed = []
    for second in range(0, 70, 5):  # 0, 5, ... 65
        clock.now = 1000.0 + second
        record = _record("Unable connect to node with id %s: %s", 3, "[Errno 111] Connect call failed")
        if repeats.filter(record):
            passed.append((second, record.getMessage()))
    line = "Unable connect to node with id 3: [Errno 111] Connect call failed"
    assert passed == [
        (0, line),
        (30, f"{line} (and 5 more times in the last 30 s)"),
        (60, f"{line} (and 5 more times in the last 30 s)"),
    ]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (_record("node %s down", 3), _record("node %s down", 2)),  # other arguments
        (_record("node down", name="aiokafka"), _record("node down", name="customs.gateway")),  # other logger
        (
            _record("node down", level=logging.ERROR),
            _record("node down", level=logging.WARNING),
        ),  # other level
    ],
)
def test_different_lines_are_not_held_back(first: logging.LogRecord, second: logging.LogRecord) -> None:
    repeats = RepeatFilter(window=30, clock=Clock())
    assert repeats.filter(first)
    assert repeats.filter(second)
    assert not repeats.filter(first)


def test_configure_filters_its_own_handler_and_caps_value_loggers() -> None:
    root = logging.getLogger()
    saved, level = root.handlers[:], root.level
    root.handlers = []
    try:
        configure("debug")
        [handler] = root.handlers
        assert any(isinstance(f, RepeatFilter) for f in handler.filters)
        for name in VALUE_LOGGERS:
            assert logging.getLogger(name).level == logging.INFO  # never DEBUG: they would log values
    finally:
        root.handlers = saved
        root.setLevel(level)


def test_configure_leaves_handlers_it_did_not_make_alone() -> None:
    root = logging.getLogger()
    saved, level = root.handlers[:], root.level
    theirs = logging.NullHandler()
    root.handlers = [theirs]
    try:
        configure("info")
        assert root.handlers == [theirs] and not theirs.filters
    finally:
        root.handlers = saved
        root.setLevel(level)
