"""partial: keep the first and last few characters, mask the rest (``138****5678``)."""

from __future__ import annotations

from rules.operators.base import Operator, Params, int_param


class PartialMask(Operator):
    name = "partial"
    PARAMS = frozenset({"keep_first", "keep_last", "char"})

    def validate(self, params: Params) -> None:
        int_param(params, "keep_first", 0)
        int_param(params, "keep_last", 0)
        char = params.get("char", "*")
        if not isinstance(char, str) or len(char) != 1:
            raise ValueError("operator parameter 'char' must be one character")

    def operate(self, value: str, entity: str, params: Params, key: bytes) -> str:
        first = int_param(params, "keep_first", 0)
        last = int_param(params, "keep_last", 0)
        char = str(params.get("char", "*"))
        # Never reveal more than half of the value, whatever the parameters say.
        budget = len(value) // 2
        first = min(first, budget)
        last = min(last, budget - first)
        hidden = len(value) - first - last
        return value[:first] + char * hidden + (value[len(value) - last :] if last else "")
