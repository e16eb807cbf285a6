"""Desensitisation operators, one per module, registered by name."""

from __future__ import annotations

from rules.operators.base import Operator, OperatorContext, Params
from rules.operators.date_shift import DateShift
from rules.operators.generalise import Generalise
from rules.operators.partial import PartialMask
from rules.operators.pseudonym import KeyedPseudonym
from rules.operators.redact import Redact
from rules.operators.tokenise import Tokenise
from rules.operators.type_tag import TypeTag

OPERATORS: dict[str, Operator] = {
    op.name: op
    for op in (Redact(), TypeTag(), PartialMask(), KeyedPseudonym(), Tokenise(), Generalise(), DateShift())
}

__all__ = ["OPERATORS", "Operator", "OperatorContext", "Params"]
