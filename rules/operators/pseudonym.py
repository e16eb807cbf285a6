"""pseudonym: a keyed HMAC-SHA256 pseudonym, stable for one key, useless without it."""

from __future__ import annotations

import hashlib
import hmac

from rules.operators.base import Operator, Params, int_param


class KeyedPseudonym(Operator):
    name = "pseudonym"
    PARAMS = frozenset({"length"})

    def validate(self, params: Params) -> None:
        length = int_param(params, "length", 16)
        if not 8 <= length <= 64:
            raise ValueError("operator parameter 'length' must be between 8 and 64")

    def operate(self, value: str, entity: str, params: Params, key: bytes) -> str:
        length = int_param(params, "length", 16)
        digest = hmac.new(key, f"{entity}\x00{value}".encode(), hashlib.sha256).hexdigest()
        return f"{entity}_{digest[:length]}"
