"""The one small interface every desensitisation operator implements."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

Params = Mapping[str, str | int]


class Operator:
    """Replace a detected value. Subclasses set ``name`` and implement ``operate``."""

    name: ClassVar[str]

    def validate(self, params: Params) -> None:
        """Raise ``ValueError`` naming the parameter when ``params`` are unusable."""

    def operate(self, value: str, entity: str, params: Params, key: bytes) -> str:
        """Return the desensitised form of ``value`` (an ``entity``); ``key`` is the pseudonym secret."""
        raise NotImplementedError


def int_param(params: Params, name: str, default: int) -> int:
    raw = params.get(name, default)
    if not isinstance(raw, int) or raw < 0:
        raise ValueError(f"operator parameter {name!r} must be a non-negative integer")
    return raw
