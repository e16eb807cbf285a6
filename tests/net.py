"""Waiting in tests: until a condition holds (a server listens, a log line appears, offsets are committed)."""

from __future__ import annotations

import time
import urllib.request
from collections.abc import Callable


def wait_until(check: Callable[[], object], timeout: float, interval: float = 0.5) -> bool:
    """Call ``check`` until it returns something true or ``timeout`` seconds pass; whether it did. An
    ``OSError`` from ``check`` (a server not listening yet, a connection refused) counts as not yet."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if check():
                return True
        except OSError:
            pass
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


def answers(url: str, timeout: float = 2.0) -> bool:
    """Whether an HTTP GET of ``url`` returns 200 (``OSError`` when nothing listens there)."""
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return bool(response.status == 200)
