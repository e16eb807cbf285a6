"""Logging set-up: one format, third-party chatter turned down, value-logging loggers capped.

The gateway logs counts, offsets, reason codes and digests — never a record value. Some libraries log
whole message values at DEBUG (Faust's ``send: … v=%r``); those loggers are held at INFO whatever level
is asked for, so a debugging session cannot leak personal data into a log file.

A line repeated word for word (aiokafka logs "Unable connect to node …" ten times a second while a broker
is down) is written once per ``REPEAT_WINDOW`` seconds, with how many times it came in between.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

REPEAT_WINDOW = 30.0  # seconds
REPEATS_TRACKED = 256  # distinct lines remembered

QUIET = ("presidio-analyzer", "presidio-anonymizer")
VALUE_LOGGERS = ("faust.topics", "faust.channels", "faust.transport", "aiokafka.producer")


class RepeatFilter(logging.Filter):
    """Let a line through once per ``window`` seconds; its repeats in between are counted and the next
    one let through says how many there were. A line is its logger, level and formatted message."""

    def __init__(self, window: float = REPEAT_WINDOW, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.window = window
        self.clock = clock
        self._lock = threading.Lock()
        self._seen: OrderedDict[tuple[str, int, str], tuple[float, int]] = OrderedDict()

    def key(self, record: logging.LogRecord, message: str) -> tuple[str, int, str]:
        """What makes two lines the same line: logger, level and the formatted message."""
        return (record.name, record.levelno, message)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        key = self.key(record, message)
        now = self.clock()
        with self._lock:
            last = self._seen.get(key)
            if last is not None and now - last[0] < self.window:
                self._seen[key] = (last[0], last[1] + 1)
                return False
            self._seen[key] = (now, 0)
            self._seen.move_to_end(key)
            while len(self._seen) > REPEATS_TRACKED:
                self._seen.popitem(last=False)
        if last is not None and last[1]:
            record.msg = f"{message} (and {last[1]} more times in the last {now - last[0]:.0f} s)"
            record.args = None
        return True


def configure(level: str) -> None:
    """Our format and the repeat filter on a new stderr handler; where the root logger has handlers
    already (an embedding program, a test runner), those are left as they are and only levels are set."""
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("[%(asctime)s] %(levelname)s %(name)s: %(message)s"))
        handler.addFilter(RepeatFilter())
        root.addHandler(handler)
    root.setLevel(level.upper())
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    for name in VALUE_LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(max(logging.INFO, logging.getLogger().getEffectiveLevel()))
