"""Compressed inbound batches, as the aiokafka engines read them: which codecs can be read, and what
happens to a batch that cannot.

A producer chooses the codec of its batches: gzip, snappy, lz4 or zstd. aiokafka decompresses gzip
with the standard library and the other three with cramjam (a project dependency). Without it a
fetch raises ``UnsupportedCodecError``. Both engines then keep the batch's records safe:

1. the worker says at start, one line per codec, which codec it cannot read and what to install
   (``report_missing``);
2. the fetch that met such a batch is undone (``rewinding``): aiokafka has by then moved past records
   of other partitions that it drained in the same call and drops them with the error, so every
   partition the call moved is sought back to where the call began — nothing is skipped, nothing
   is committed past the batch;
3. the engine logs one line (``unreadable_line``, no traceback), waits (``Backoff``: 1 s, doubling to
   60 s) and fetches again, instead of exiting; the records wait in Kafka until the library is there.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiokafka import TopicPartition
from aiokafka import codec as aiokafka_codec
from aiokafka.errors import IllegalStateError, UnsupportedCodecError

log = logging.getLogger("customs.compression")

T = TypeVar("T")

CODECS = ("gzip", "snappy", "lz4", "zstd")
# What aiokafka needs for each codec (its extras ``aiokafka[snappy]``, ``[lz4]``, ``[zstd]`` name cramjam).
PACKAGES = {"gzip": "Python's standard library", "snappy": "cramjam", "lz4": "cramjam", "zstd": "cramjam"}

__all__ = [
    "CODECS",
    "Backoff",
    "MissingCodec",
    "UnsupportedCodecError",
    "missing_codecs",
    "read_positions",
    "report_missing",
    "rewinding",
    "unreadable_line",
]


@dataclass(frozen=True, slots=True)
class MissingCodec:
    """A compression codec this worker's Kafka client cannot decompress."""

    codec: str
    package: str

    def line(self) -> str:
        return (
            f"cannot read Kafka batches compressed with {self.codec}: install the Python package "
            f"{self.package} (pip install {self.package}); such batches will wait in Kafka, uncommitted"
        )


def missing_codecs() -> list[MissingCodec]:
    """The codecs aiokafka cannot decompress here, asked of aiokafka itself (what it raises on)."""
    checks: dict[str, Callable[[], bool]] = {
        "gzip": aiokafka_codec.has_gzip,
        "snappy": aiokafka_codec.has_snappy,
        "lz4": aiokafka_codec.has_lz4,
        "zstd": aiokafka_codec.has_zstd,
    }
    return [MissingCodec(codec, PACKAGES[codec]) for codec, has in checks.items() if not has()]


def report_missing(logger: logging.Logger = log) -> list[MissingCodec]:
    """Log one error line per codec that cannot be read (none when all four can); what was missing."""
    missing = missing_codecs()
    for codec in missing:
        logger.error(codec.line())
    return missing


_CODEC_NAMED = re.compile(r"for (\w+) compression codec")


def unreadable_line(error: BaseException, retry_in: float) -> str:
    """One line for a fetch that met a batch it cannot decompress (the error names no record data)."""
    match = _CODEC_NAMED.search(str(error))
    codec = match.group(1) if match else None
    if codec in PACKAGES:
        cause = f"compressed with {codec}, which needs the Python package {PACKAGES[codec]}"
    else:
        cause = f"that cannot be decompressed ({str(error)[:120]})"
    return (
        f"a fetched Kafka batch is {cause}; its records stay in Kafka, nothing past them is committed;"
        f" reading again in {retry_in:g} s"
    )


@dataclass
class Backoff:
    """Seconds to wait before fetching again after an unreadable batch: ``first``, doubling to ``longest``."""

    first: float = 1.0
    longest: float = 60.0
    _next: float = field(default=0.0, init=False)

    def delay(self) -> float:
        delay = self._next or self.first
        self._next = min(self.longest, delay * 2)
        return delay


def read_positions(consumer: Any) -> dict[TopicPartition, int]:
    """The next offset aiokafka will hand over, per assigned partition that has one.

    Read from aiokafka's subscription state without awaiting (``position()`` may wait for an offset
    reset); empty if that state is not where aiokafka 0.14 keeps it, and then nothing is rewound.
    """
    try:
        assignment = consumer._subscription.subscription.assignment
        if assignment is None:
            return {}
        states = ((tp, assignment.state_value(tp)) for tp in assignment.tps)
        return {tp: state.position for tp, state in states if state.has_valid_position}
    except AttributeError:
        return {}


async def rewinding(
    consumer: Any,
    fetch: Awaitable[T],
    positions: Callable[[Any], Mapping[TopicPartition, int]] = read_positions,
) -> T:
    """Await ``fetch`` (a ``getmany`` of ``consumer``); if it meets a batch that cannot be decompressed,
    seek every partition it moved back to where it began, then raise the error."""
    before = dict(positions(consumer))
    try:
        return await fetch
    except UnsupportedCodecError:
        after = positions(consumer)
        for tp, offset in before.items():
            if after.get(tp, offset) != offset:
                try:
                    consumer.seek(tp, offset)
                except IllegalStateError:  # no longer assigned: its next owner starts from the commit
                    continue
        raise
