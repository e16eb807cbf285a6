"""The one small interface every desensitisation operator implements."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

Params = Mapping[str, str | int]


@dataclass(frozen=True, slots=True)
class OperatorContext:
    """What a few operators need beyond the value itself; plain data, so operators stay pure.

    ``record_date`` is the record's own date (its Kafka timestamp), ``record`` the decoded record (for a
    subject key such as its ``id``), ``token_key`` the secret of reversible tokens when it is not the
    pseudonym key.
    """

    record_date: date | None = None
    record: Any = None
    token_key: bytes | None = None


NO_CONTEXT = OperatorContext()


class Operator:
    """Replace a detected value. Subclasses set ``name`` and implement ``operate``.

    Operators that need the record's date or a subject key override ``operate_in`` instead; callers
    that have a context call ``operate_in``, which by default ignores it.
    """

    name: ClassVar[str]
    # The parameters this operator reads; any other name is refused (a misspelt ``keep_frist`` would
    # otherwise be ignored silently and the default applied).
    PARAMS: ClassVar[frozenset[str]] = frozenset()

    def validate(self, params: Params) -> None:
        """Raise ``ValueError`` naming the parameter when ``params`` are unusable."""

    def check(self, params: Params) -> None:
        """``validate``, after refusing any parameter name the operator does not know."""
        unknown = sorted(set(params) - self.PARAMS)
        if unknown:
            known = ", ".join(sorted(self.PARAMS)) or "none"
            raise ValueError(
                f"operator {self.name!r} has no parameter {unknown[0]!r}; its parameters: {known}"
            )
        self.validate(params)

    def operate(self, value: str, entity: str, params: Params, key: bytes) -> str:
        """Return the desensitised form of ``value`` (an ``entity``); ``key`` is the pseudonym secret."""
        return self.operate_in(value, entity, params, key, NO_CONTEXT)

    def operate_in(
        self, value: str, entity: str, params: Params, key: bytes, context: OperatorContext
    ) -> str:
        """``operate`` with the record's context; the default ignores the context."""
        if type(self).operate is Operator.operate:
            raise NotImplementedError(f"operator {self.name!r} implements neither operate nor operate_in")
        return self.operate(value, entity, params, key)


def int_param(params: Params, name: str, default: int) -> int:
    raw = params.get(name, default)
    if not isinstance(raw, int) or raw < 0:
        raise ValueError(f"operator parameter {name!r} must be a non-negative integer")
    return raw


def choice_param(params: Params, name: str, choices: tuple[str, ...], default: str | None = None) -> str:
    raw = params.get(name, default)
    if raw is None:
        raise ValueError(f"operator parameter {name!r} is required: one of {', '.join(choices)}")
    if raw not in choices:
        raise ValueError(f"operator parameter {name!r} must be one of {', '.join(choices)}")
    return str(raw)


def type_tag(entity: str) -> str:
    """The fallback of operators that cannot transform a value: its entity type, ``<ENTITY>``."""
    return f"<{entity}>"
