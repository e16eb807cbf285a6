"""IP_ADDRESS: IPv4 and IPv6 addresses, validated by the ``ipaddress`` module.

The span covers a prefix length (``192.0.2.1/24``) and an IPv6 zone id (``fe80::1%eth0``), so masking
leaves neither beside the mask. Addresses that identify no one are skipped (``is_personal_ip``)."""

from __future__ import annotations

import ipaddress
import re
from typing import ClassVar

from presidio_analyzer import Pattern

from detectors.recognizers.base import GbaRecognizer

_V4_PREFIX = r"(?:/(?:3[0-2]|[12]?\d))?"
_V6_ZONE = r"(?:%[0-9A-Za-z_](?:[0-9A-Za-z_.-]{0,30}[0-9A-Za-z_])?)?"
_V6_PREFIX = r"(?:/(?:12[0-8]|1[01]\d|[1-9]?\d))?"


class IpAddressRecognizer(GbaRecognizer):
    ENTITY = "IP_ADDRESS"
    TRIGGER = re.compile(r"\d\.\d|[0-9A-Fa-f]:[0-9A-Fa-f]*:")
    PATTERNS: ClassVar[list[Pattern]] = [
        # Exactly four dotted parts: "1.2.3" and "1.2.3.4.5" (versions, section numbers) do not match.
        Pattern(
            "ipv4",
            r"(?<![0-9A-Za-z.])(?:\d{1,3}\.){3}\d{1,3}" + _V4_PREFIX + r"(?![0-9A-Za-z])(?!\.\d)",
            0.6,
        ),
        Pattern(
            "ipv6",
            r"(?<![0-9A-Za-z:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?"
            + _V6_ZONE
            + _V6_PREFIX
            + r"(?![0-9A-Za-z:])(?!\.\d)",
            0.6,
        ),
    ]
    CONTEXT = (
        "ip地址",
        "ip 地址",
        "ip位址",
        "ip address",
        "ip_address",
        "ip_addr",
        "remote_addr",
        "client_ip",
        "x-forwarded-for",
        "登录ip",
        "登入ip",
    )
    NEGATIVE_CONTEXT = (
        "版本",
        "version",
        "build",
        "release",
        "固件",
        "韌體",
        "firmware",
        "章节",
        "章節",
        "section",
    )

    def invalidate_result(self, pattern_text: str) -> bool:
        """Drop what ``ipaddress`` rejects and addresses that identify no one (loopback, unspecified ...)."""
        return not is_personal_ip(pattern_text)


def is_personal_ip(text: str) -> bool:
    """``text`` (perhaps with a prefix length or zone id) is an address that may identify someone: not
    loopback (127/8, ::1), unspecified (0.0.0.0, ::), multicast (224/4, ff00::/8) or reserved (240/4,
    the broadcast 255.255.255.255 included, and IPv6's reserved ranges)."""
    try:
        address = ipaddress.ip_address(text.partition("/")[0])  # a zone id is part of an IPv6Address
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # "::ffff:192.0.2.1" is judged by its IPv4 address
    return not (address.is_unspecified or address.is_loopback or address.is_multicast or address.is_reserved)
