"""The offline twins of the stream: ``detect`` and ``scan`` over JSON Lines files."""

from __future__ import annotations

import base64
import json
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import IO

from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from customs.factory import build_codec, build_inspector
from customs.inspection import Origin, flow_context
from customs.settings import Settings
from detectors.classify import Classifier
from rules.policy import Policy
from streams import headers as h
from streams.codec import DecodeError


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """Every line as bytes (decoding is the codec's job); blank lines are skipped."""
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            stripped = line.rstrip(b"\r\n")
            if stripped.strip():
                yield number, stripped


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


def run_detect(path: Path, settings: Settings, out: IO[str]) -> None:
    codec = build_codec(settings)
    classifier = Classifier()
    for number, raw in _lines(path):
        try:
            decoded = codec.decode(raw)
        except DecodeError as exc:
            row: dict[str, object] = {"id": None, "line": number, "findings": [], "error": exc.detail}
        else:
            findings = classifier.classify(decoded.record, decoded.fields)
            row = {"id": _record_id(decoded.record), "findings": [f.to_json() for f in findings]}
        out.write(json.dumps(row, ensure_ascii=False) + "\n")


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
    out_dir.mkdir(parents=True, exist_ok=True)
    names = ("allow", "mask", "quarantine", "decisions")
    files = {name: (out_dir / f"{name}.jsonl").open("w", encoding="utf-8") for name in names}
    counts: Counter[str] = Counter()
    try:
        with _progress(path) as progress:
            task = progress.add_task(f"scanning {path.name}", total=path.stat().st_size)
            for number, raw in _lines(path):
                verdict = inspector.inspect(raw, context, Origin(str(path), 0, number))
                action = verdict.action.value
                counts[action] += 1
                record_id: object = None
                if verdict.detail is None or verdict.decision.reasons != ("decode_error",):
                    record_id = _record_id(codec.decode(raw).record)
                    line = verdict.value.decode("utf-8")
                else:
                    line = json.dumps(
                        {
                            "undecodable": {
                                "line": number,
                                "reason": "decode_error",
                                "detail": verdict.detail,
                                "value_base64": base64.b64encode(raw).decode("ascii"),
                            }
                        }
                    )
                files[action].write(line + "\n")
                decision = {
                    "id": record_id,
                    "line": number,
                    **verdict.decision.to_json(),
                    "detail": verdict.detail,
                }
                files["decisions"].write(json.dumps(decision, ensure_ascii=False) + "\n")
                progress.update(task, advance=len(raw) + 1)
    finally:
        for handle in files.values():
            handle.close()
    return counts
