"""A finding: one piece of personal information located inside a record."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Finding:
    """An entity found in the string at ``path`` between character offsets ``start`` and ``end``.

    ``path`` is the dot-joined JSON path of the string value (list indices as numbers).
    A finding never carries the value itself, so it may be logged and audited.
    """

    path: str
    entity: str
    start: int
    end: int
    score: float

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "entity": self.entity,
            "start": self.start,
            "end": self.end,
            "score": round(self.score, 3),
        }
