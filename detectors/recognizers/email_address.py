"""EMAIL_ADDRESS: ASCII addresses, found inside Chinese text without swallowing the characters around them."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern

from detectors.recognizers.base import AT_SIGN, GbaRecognizer

# Generic top-level domains seen in practice; any two-letter country code is also accepted.
_GENERIC = (
    "com net org edu gov mil int info biz name pro mobi asia app dev tech online site xyz top club shop "
    "store vip work ltd group cloud email company live today world space website wang xin ren link"
)
GENERIC_TLDS = frozenset(_GENERIC.split(" "))
# Two-letter endings that are far more often file extensions than country codes in our data.
FILE_EXTENSIONS = frozenset({"py", "md", "rs", "sh", "ts", "db", "gz", "xz", "so", "js"})


class EmailAddressRecognizer(GbaRecognizer):
    ENTITY = "EMAIL_ADDRESS"
    TRIGGER = AT_SIGN
    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "email_ascii",
            # Only ASCII on either side of the "@": a Chinese character is a boundary, not part of it.
            r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,63})@"
            r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?:[A-Za-z]{2,24}|xn--[A-Za-z0-9-]{2,59})"
            r"(?![A-Za-z0-9-])(?!\.[A-Za-z0-9])",
            0.5,
        ),
    ]
    CONTEXT = (
        "邮箱",
        "郵箱",
        "邮件",
        "郵件",
        "电邮",
        "電郵",
        "信箱",
        "email",
        "e-mail",
        "mail",
    )

    def validate_result(self, pattern_text: str) -> bool:
        return is_plausible_email(pattern_text)


def is_plausible_email(text: str) -> bool:
    """A sane local part and a domain ending in a plausible top-level domain."""
    local, _, domain = text.rpartition("@")
    if not local or ".." in local or local.endswith(".") or len(text) > 254:
        return False
    tld = domain.rsplit(".", 1)[-1].lower()
    if tld.startswith("xn--") or tld in GENERIC_TLDS:
        return True
    return len(tld) == 2 and tld.isascii() and tld.isalpha() and tld not in FILE_EXTENSIONS
