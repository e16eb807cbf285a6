"""CN_BANK_CARD: UnionPay / Chinese bank card numbers (``62`` + 14–17 digits), Luhn-checked."""

from __future__ import annotations

import re
from typing import ClassVar

from presidio_analyzer import Pattern

from detectors.check_digits import luhn_valid
from detectors.recognizers.base import DIGIT_RUN, GbaRecognizer
from detectors.recognizers.cn_resident_id import is_resident_id


class CnBankCardRecognizer(GbaRecognizer):
    ENTITY = "CN_BANK_CARD"
    TRIGGER = DIGIT_RUN
    LISTED = True
    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "cn_bank_card",
            # Plain or grouped by spaces/dashes, never part of a longer (grouped) digit run.
            r"(?<![0-9A-Za-z])(?<!\d[ -])62(?:[ -]?\d){14,17}(?![0-9A-Za-z])(?![ -]\d)",
            0.8,
        ),
    ]
    CONTEXT = (
        "银行卡",
        "銀行卡",
        "卡号",
        "卡號",
        "借记卡",
        "借記卡",
        "储蓄卡",
        "儲蓄卡",
        "银联",
        "銀聯",
        "账号",
        "帳號",
        "账户",
        "賬戶",
        "帳戶",
        "开户",
        "開戶",
        "unionpay",
        "bank card",
        "bank_card",
        "card no",
        "card_no",
        "account",
    )
    NEGATIVE_CONTEXT = ("订单", "訂單", "order", "单号", "單號", "流水", "tracking", "运单", "運單")

    def invalidate_result(self, pattern_text: str) -> bool:
        """Drop failed Luhn checks; a passing number keeps its pattern score so context can still weigh."""
        return not is_bank_card(pattern_text)


def is_bank_card(text: str) -> bool:
    digits = re.sub(r"[ -]", "", text)
    if not (16 <= len(digits) <= 19 and digits.startswith("62") and luhn_valid(digits)):
        return False
    # A Gansu resident ID (region 62xxxx) can pass Luhn: it is the ID recognizer's.
    return not is_resident_id(digits)
