"""IM_ACCOUNT: a QQ number or a WeChat id, where it is named (QQ：12345678, 微信：lin_wei88, VX: linwei_88).

Mainland patients and clients are reached on QQ and WeChat as often as by phone, and an account leads to
its one owner as a phone number does. Neither has a shape of its own (a QQ number is 5–11 digits, a WeChat
id 6–20 letters, digits, ``_`` and ``-`` starting with a letter), so an account is found only where it is
named as one (``detectors.named_code``):

- in text, right after its name: QQ, QQ号, 微信, 微信号, 微信號, V信, VX, WeChat (ID), Weixin — the span is
  the account; a WeChat id in text needs a digit, ``_`` or ``-`` in it, so 微信 is 微信 and ``WeChat Pay``
  are not accounts;
- as the whole value of a field so named (``qq``, ``wechat``, ``weixin``, ``微信``, ``wx_id``): there a
  WeChat id of letters alone counts too (``detectors.field_value``).

A mainland mobile written as the account (微信：13812345678) stays a phone number. Category ``contact``.
"""

from __future__ import annotations

import re

from detectors.named_code import NamedCodeRecognizer
from detectors.recognizers.phone_number import is_gba_number

MAINLAND_DIGITS = 11

_QQ = r"[1-9]\d{4,10}+"
_WECHAT = r"[a-z][-_a-z0-9]{5,19}+"
_NOT_LETTER = re.compile(r"[-_0-9]")
# What a field about an account holds when it holds no account ({"wechat_bound": "enabled"}).
_STATUS_WORDS = frozenset(
    [
        "enabled",
        "disabled",
        "unknown",
        "verified",
        "unverified",
        "pending",
        "active",
        "inactive",
        "missing",
        "unbound",
        "notset",
        "none",
        "null",
        "false",
        "true",
    ]
)


class ImAccountRecognizer(NamedCodeRecognizer):
    ENTITY = "IM_ACCOUNT"
    ZH_NAMES = ("微信号", "微信號", "微信", "微訊號", "v信", "qq号", "qq號")
    EN_NAMES = (r"qq(?:[ _-]?(?:number|no\.?|id))?", r"wechat(?:[ _-]?id)?", r"weixin", r"vx")
    CODE = rf"(?:{_QQ}|{_WECHAT})(?![-_0-9a-z])"
    # Field names that say their value is an account (``detectors.field_value``), lower case.
    CONTEXT = ("qq", "wechat", "weixin", "微信", "wx_id", "wxid")
    # Every name holds one of these: most texts are passed over on this one search.
    TRIGGER = re.compile(r"微信|微訊|v信|qq|vx|wechat|weixin", re.IGNORECASE)

    def is_code(self, code: str, whole_field: bool = False) -> bool:
        """Not a mainland phone number (the phone recognizer reports those, 11 digits, alone); in text a
        WeChat id needs a digit, ``_`` or ``-``; a field's whole value may be letters alone, but no status
        word."""
        if len(code) == MAINLAND_DIGITS and is_gba_number(code):
            return False
        if whole_field:
            return code.lower() not in _STATUS_WORDS
        return _NOT_LETTER.search(code) is not None
