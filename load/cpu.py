"""CPU time of processes, read from ``/proc``: where a benchmark's cores went.

On a machine where the broker, the workers and the benchmark's own feed and reader share the cores, records/s
alone does not say why two workers do not give twice one; CPU milliseconds per record, per kind of process,
does (see load/results/README.md).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

PROC = Path("/proc")
# /proc/PID/stat after the ")" closing the command name: state is field 3, utime and stime fields 14-15.
_UTIME_AFTER_NAME = 11


def parse_stat(stat: str, ticks_per_second: float) -> float:
    """User + system CPU seconds from the text of ``/proc/PID/stat`` (the name may hold spaces and
    parentheses, so fields are counted after its last ``)``)."""
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[_UTIME_AFTER_NAME]) + int(fields[_UTIME_AFTER_NAME + 1])) / ticks_per_second


def cpu_seconds(pid: int, proc: Path = PROC) -> float | None:
    """CPU seconds used so far by ``pid`` (all its threads); None if it is gone or ``/proc`` is absent."""
    try:
        stat = (proc / str(pid) / "stat").read_text()
    except OSError:
        return None
    return parse_stat(stat, os.sysconf("SC_CLK_TCK"))


class CpuMeter:
    """CPU seconds used by named groups of processes between ``start`` and ``stop``.

    A group whose processes cannot all be read at both ends is left out rather than under-counted."""

    def __init__(self, groups: Mapping[str, Iterable[int]], proc: Path = PROC) -> None:
        self.groups = {name: list(pids) for name, pids in groups.items()}
        self.proc = proc
        self._started: dict[str, float | None] = {}

    def _read(self, pids: list[int]) -> float | None:
        total = 0.0
        for pid in pids:
            used = cpu_seconds(pid, self.proc)
            if used is None:
                return None
            total += used
        return total

    def start(self) -> None:
        self._started = {name: self._read(pids) for name, pids in self.groups.items()}

    def stop(self) -> dict[str, float]:
        used: dict[str, float] = {}
        for name, pids in self.groups.items():
            before, after = self._started.get(name), self._read(pids)
            if pids and before is not None and after is not None:
                used[name] = after - before
        return used


def per_record_ms(used: Mapping[str, float], records: int) -> dict[str, float]:
    """CPU milliseconds per record of every group, rounded to 3 decimals."""
    return {name: round(1000 * seconds / records, 3) for name, seconds in used.items()} if records else {}
