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
from typing import ClassVar

from presidio_analyzer import Pattern

from detectors.named_code import NAMED, NamedCodeRecognizer, named_pattern, whole_pattern
from detectors.recognizers.phone_number import is_gba_number

MAINLAND_DIGITS = 11

_ZH_NAMES = ("微信号", "微信號", "微信", "微訊號", "v信", "qq号", "qq號")
_EN_NAMES = (r"qq(?:[ _-]?(?:number|no\.?|id))?", r"wechat(?:[ _-]?id)?", r"weixin", r"vx")
_QQ = r"[1-9]\d{4,10}+"
_WECHAT = r"[a-z][-_a-z0-9]{5,19}+"
_CODE = rf"(?:{_QQ}|{_WECHAT})(?![-_0-9a-z])"
_NAMED_RE = named_pattern(_ZH_NAMES, _EN_NAMES, _CODE)
_CODE_ONLY = whole_pattern(_CODE)
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


def is_account(code: str, named_field: bool = False) -> bool:
    """``code`` (of an account's form) is one: not a mainland phone number (the phone recognizer reports
    those, 11 digits, alone); a WeChat id of letters alone only under a field so named."""
    if len(code) == MAINLAND_DIGITS and is_gba_number(code):
        return False
    return named_field or _NOT_LETTER.search(code) is not None


def whole_value(text: str) -> tuple[int, int] | None:
    """The span of ``text``'s account where the whole value (blanks aside) is one (see the module)."""
    match = _CODE_ONLY.fullmatch(text)
    if match is None or match.group(1).lower() in _STATUS_WORDS:
        return None
    if not is_account(match.group(1), named_field=True):
        return None
    return match.span(1)


class ImAccountRecognizer(NamedCodeRecognizer):
    ENTITY = "IM_ACCOUNT"
    PATTERNS: ClassVar[list[Pattern]] = [Pattern("named_im_account", _NAMED_RE.pattern, NAMED)]
    # Field names that say their value is an account (``detectors.field_value``), lower case.
    CONTEXT = ("qq", "wechat", "weixin", "微信", "wx_id", "wxid")
    # Every name holds one of these: most texts are passed over on this one search.
    TRIGGER = re.compile(r"微信|微訊|v信|qq|vx|wechat|weixin", re.IGNORECASE)

    NAMED_RE = _NAMED_RE

    def is_code(self, code: str) -> bool:
        return is_account(code)
