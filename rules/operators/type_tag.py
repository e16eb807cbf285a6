"""type_tag: replace the value with its entity type, e.g. ``<CN_RESIDENT_ID>`` (Presidio's Replace)."""

from __future__ import annotations

from presidio_anonymizer.operators import Replace

from rules.operators.base import Operator, Params


class TypeTag(Operator):
    name = "type_tag"
    _presidio = Replace()

    def operate(self, value: str, entity: str, params: Params, key: bytes) -> str:
        return str(self._presidio.operate(value, {"new_value": f"<{entity}>"}))
