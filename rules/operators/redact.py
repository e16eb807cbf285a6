"""redact: remove the value entirely (Presidio's Redact operator)."""

from __future__ import annotations

from presidio_anonymizer.operators import Redact as PresidioRedact

from rules.operators.base import Operator, Params


class Redact(Operator):
    name = "redact"
    _presidio = PresidioRedact()

    def operate(self, value: str, entity: str, params: Params, key: bytes) -> str:
        return str(self._presidio.operate(value, {}))
