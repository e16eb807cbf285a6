"""Desensitisation operators, one per module, registered by name."""

from __future__ import annotations

from rules.operators.base import Operator, Params
from rules.operators.partial import PartialMask
from rules.operators.pseudonym import KeyedPseudonym
from rules.operators.redact import Redact
from rules.operators.type_tag import TypeTag

OPERATORS: dict[str, Operator] = {
    op.name: op for op in (Redact(), TypeTag(), PartialMask(), KeyedPseudonym())
}

__all__ = ["OPERATORS", "Operator", "Params"]
