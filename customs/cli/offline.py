"""The offline twins of the stream: ``detect`` and ``scan`` over JSON Lines files.

Both stream: one line is read, decided and written at a time, and no line is held whole when it is over the
record size limit (it is refused as ``too large`` and, by ``scan``, copied to quarantine in base64 chunk by
chunk). Neither stops on a bad line: every line ends in exactly one output line, an error if need be.
"""

from __future__ import annotations

import base64
import json
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from itertools import chain
from pathlib import Path
from typing import IO

from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from customs import headers as h
from customs.codec import MAGIC, DecodeError
from customs.factory import build_codec, build_inspector
from customs.inspection import Origin, flow_context
from customs.settings import Settings
from detectors.classify import Classifier, DeadlinePassed
from rules.decision import Action, Decision
from rules.policy import Policy
from rules.reasons import Reason

CHUNK = 3 * 65_536  # bytes of an oversize line read at a time (a multiple of 3: base64 chunks concatenate)
AVRO_IN_JSON_LINES = "not JSON: an Avro-framed value (magic byte 0) in a JSON Lines file"


@dataclass(frozen=True, slots=True)
class Line:
    number: int
    raw: bytes  # the line without its end; for an oversize line only its first bytes
    rest: Iterator[bytes] | None = None  # an oversize line's remaining bytes; read them before the next line


def _rest(handle: IO[bytes], carried: bytes) -> Iterator[bytes]:
    """The remaining bytes of a line, in chunks, without its line end (``carried``: a "\\r" held back)."""
    while True:
        chunk = carried + handle.readline(CHUNK)
        carried = b""
        if chunk.endswith(b"\n") or len(chunk) == 0:
            yield chunk.rstrip(b"\r\n")
            return
        if chunk.endswith(b"\r"):  # perhaps the first half of a "\r\n"
            chunk, carried = chunk[:-1], b"\r"
        yield chunk


def lines(path: Path, limit: int) -> Iterator[Line]:
    """Every line as bytes (decoding is the codec's job); blank lines are skipped. A line longer than
    ``limit`` bytes is never held whole: it comes with ``limit + 1`` bytes and the rest as an iterator."""
    with path.open("rb") as handle:
        number = 0
        while line := handle.readline(limit + 2):  # the longest accepted line, "\r\n" included
            number += 1
            if line.endswith(b"\n") or len(line) < limit + 2:
                stripped = line.rstrip(b"\r\n")
                if stripped.strip():
                    yield Line(number, stripped)
                continue
            carried = b"\r" if line.endswith(b"\r") else b""
            rest = _rest(handle, carried)
            yield Line(number, line[: len(line) - len(carried)], rest)
            for _ in rest:  # whatever the caller did not read
                pass


def _dumps(row: object) -> str:
    """One output line: standard JSON only (no NaN or Infinity), non-ASCII kept."""
    return json.dumps(row, ensure_ascii=False, allow_nan=False)


def _progress(path: Path) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,.0f}/{task.total:,.0f} bytes"),
        TimeRemainingColumn(),
        transient=True,
        disable=None,  # type: ignore[arg-type]  # rich shows it only on a terminal
    )


def _record_id(record: object) -> object:
    return record.get("id") if isinstance(record, dict) else None


def _too_large(line: Line, limit: int) -> str:
    size = len(line.raw) + sum(len(chunk) for chunk in line.rest or ())
    return f"too large: {size} bytes, limit {limit}"


def run_detect(path: Path, settings: Settings, out: IO[str]) -> None:
    codec = build_codec(settings)
    classifier = Classifier()
    budget = settings.inspection_budget_seconds
    for line in lines(path, settings.max_record_bytes):
        row: dict[str, object] = {"id": None, "line": line.number, "findings": []}
        try:
            if line.rest is not None:
                raise DecodeError(_too_large(line, settings.max_record_bytes))
            if line.raw[0] == MAGIC:
                raise DecodeError(AVRO_IN_JSON_LINES)
            decoded = codec.decode(line.raw)
            deadline = time.perf_counter() + budget if budget else None
            findings = classifier.classify(decoded.record, decoded.fields, deadline=deadline)
        except DecodeError as exc:
            row["error"] = exc.detail
        except DeadlinePassed:  # the stream's inspection budget: this line is cut short, the run goes on
            row["error"] = f"{Reason.INSPECTION_TIMEOUT}: classification took more than {budget:g} s"
        except Exception as exc:  # a detector's bug costs this line, not the run
            row["error"] = f"classification failed: {type(exc).__name__}"
        else:
            row = {"id": _record_id(decoded.record), "findings": [f.to_json() for f in findings]}
        out.write(_dumps(row) + "\n")


def _undecodable(number: int, detail: str, raw: bytes) -> str:
    value = base64.b64encode(raw).decode("ascii")
    row = {"line": number, "reason": "decode_error", "detail": detail, "value_base64": value}
    return _dumps({"undecodable": row})


def _write_oversize(line: Line, limit: int, out: IO[str]) -> str:
    """Copy an oversize line to ``out`` as an ``undecodable`` row, its bytes in base64 chunk by chunk;
    its detail. Base64 of chunks that are multiples of 3 bytes long concatenates to that of the whole."""
    out.write(f'{{"undecodable": {{"line": {line.number}, "reason": "decode_error", "value_base64": "')
    size, pending = 0, b""
    for chunk in chain((line.raw,), line.rest or ()):
        size += len(chunk)
        pending += chunk
        cut = len(pending) - len(pending) % 3
        out.write(base64.b64encode(pending[:cut]).decode("ascii"))
        pending = pending[cut:]
    detail = f"too large: {size} bytes, limit {limit}"
    out.write(base64.b64encode(pending).decode("ascii") + f'", "detail": {_dumps(detail)}}}}}\n')
    return detail


def run_scan(
    path: Path,
    out_dir: Path,
    settings: Settings,
    policy: Policy,
    flow: tuple[str | None, str | None, str | None],
    record_date: date,
) -> Counter[str]:
    """Route every line of ``path`` into ``out_dir``; return the count per decision."""
    inspector = build_inspector(settings, policy)
    codec = inspector.codec
    source, destination, purpose = flow
    header_map = {h.SOURCE: source, h.DESTINATION: destination, h.PURPOSE: purpose}
    context = flow_context({k: v for k, v in header_map.items() if v}, record_date)
    refused = Decision(Action.QUARANTINE, (Reason.DECODE_ERROR,), (), policy.version)
    out_dir.mkdir(parents=True, exist_ok=True)
    names = ("allow", "mask", "quarantine", "decisions")
    files = {name: (out_dir / f"{name}.jsonl").open("w", encoding="utf-8") for name in names}
    counts: Counter[str] = Counter()
    try:
        with _progress(path) as progress:
            task = progress.add_task(f"scanning {path.name}", total=path.stat().st_size)
            for line in lines(path, settings.max_record_bytes):
                number, raw = line.number, line.raw
                record_id: object = None
                detail: str | None
                if line.rest is not None:
                    detail = _write_oversize(line, settings.max_record_bytes, files["quarantine"])
                    decision = refused
                elif raw[0] == MAGIC:
                    decision, detail = refused, AVRO_IN_JSON_LINES
                    files["quarantine"].write(_undecodable(number, detail, raw) + "\n")
                else:
                    verdict = inspector.inspect(raw, context, Origin(str(path), 0, number))
                    decision, detail = verdict.decision, verdict.detail
                    if detail is not None and decision.reasons == (Reason.DECODE_ERROR,):
                        files["quarantine"].write(_undecodable(number, detail, raw) + "\n")
                    else:  # decoded once already: JSON, so its text is UTF-8
                        record_id = _record_id(codec.decode(raw).record)
                        files[decision.action.value].write(verdict.value.decode("utf-8") + "\n")
                counts[decision.action.value] += 1
                row = {"id": record_id, "line": number, **decision.to_json(), "detail": detail}
                files["decisions"].write(_dumps(row) + "\n")
                progress.update(task, advance=len(raw) + 1)
    finally:
        for handle in files.values():
            handle.close()
    return counts
