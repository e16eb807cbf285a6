"""IP_ADDRESS: IPv4 and IPv6 checked by ``ipaddress``; documentation ranges only (RFC 5737 / RFC 3849)."""

from __future__ import annotations

import pytest

from detectors.recognizers.ip_address import IpAddressRecognizer, is_personal_ip

pytestmark = pytest.mark.unit

RECOGNIZER = IpAddressRecognizer()


def spans(text: str, hint: str = "") -> list[tuple[int, int]]:
    results = RECOGNIZER.analyze(text, ["IP_ADDRESS"])
    return [(r.start, r.end) for r in results if RECOGNIZER.score_with_hint(r.score, hint) >= 0.5]


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("192.0.2.10", 0, 10),
        ("登录IP地址198.51.100.7，", 6, 18),
        ("用戶IP:203.0.113.255。", 5, 18),
        ("client 192.0.2.1:8080", 7, 16),  # with a port
        ("子网192.0.2.0/24", 2, 14),  # the prefix length is masked with it
        ("ip 192.0.2.1/24 up", 3, 15),
        ("2001:db8::1/64", 0, 14),
        ("addr fe80::1%eth0/64.", 5, 20),
        ("fe80::1%eth0.100 ok", 0, 16),  # a VLAN interface
        ("192.0.2.1/33", 0, 9),  # no prefix length: the address alone
        ("192.0.2.1/index.html", 0, 9),
        ("2001:db8::1", 0, 11),
        ("登录IP 2001:db8:85a3::8a2e:370:7334。", 5, 33),
        ("[2001:db8:0:0:1:0:0:1]:443", 1, 21),
        ("来源::ffff:192.0.2.1", 2, 18),  # IPv4-mapped
        ("fe80::1%eth0", 0, 12),  # the zone id too
    ],
)
def test_found(text: str, start: int, end: int) -> None:
    assert spans(text) == [(start, end)]


@pytest.mark.parametrize(
    "text",
    [
        "1.2.3",  # version
        "v1.2.3.4",
        "版本1.2.3.4",  # version context
        "release 10.0.1.2",
        "1.2.3.4.5",  # section number
        "256.1.1.1",  # octet out of range
        "192.168.01.1",  # leading zero
        "127.0.0.1",  # loopback
        "0.0.0.0",
        "255.255.255.255",
        "224.0.0.1",  # multicast
        "::1",
        "::",
        "12:30:45",  # time
        "2024-03-15T12:30:45",
        "00:1A:2B:3C:4D:5E",  # MAC address
        "2001:db8::g1",
        "金额1,234.56",
        "黄芪 30.0 g",
    ],
)
def test_not_found(text: str) -> None:
    assert spans(text) == []


@pytest.mark.parametrize(
    ("text", "personal"),
    [
        ("192.0.2.10", True),
        ("10.0.0.1", True),  # a private address still points at a device
        ("2001:db8::1", True),
        ("::ffff:192.0.2.1", True),
        ("::ffff:127.0.0.1", False),
        ("127.0.0.1", False),
        ("127.0.0.1/8", False),
        ("192.0.2.1/24", True),
        ("fe80::1%eth0", True),
        ("0.0.0.0", False),  # unspecified
        ("255.255.255.255", False),  # broadcast (reserved)
        ("240.0.0.1", False),  # reserved
        ("224.0.0.251", False),  # multicast
        ("ff02::1%eth0", False),
        ("1.2.3", False),
    ],
)
def test_is_personal_ip(text: str, personal: bool) -> None:
    assert is_personal_ip(text) is personal
