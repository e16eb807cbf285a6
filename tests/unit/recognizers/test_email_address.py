"""EMAIL_ADDRESS: ASCII-aware boundaries and plausible top-level domains. All addresses are synthetic."""

from __future__ import annotations

import pytest

from detectors.classify import Classifier
from detectors.recognizers.email_address import EmailAddressRecognizer, is_plausible_email

pytestmark = pytest.mark.unit

RECOGNIZER = EmailAddressRecognizer()


def spans(text: str) -> list[tuple[int, int]]:
    return [(r.start, r.end) for r in RECOGNIZER.analyze(text, ["EMAIL_ADDRESS"]) if r.score >= 0.5]


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("客户王芳的邮箱zhang94@example.cn", 7, 25),
        ("客戶電郵：chan.tai-man+hk@mail.example.com.hk。", 5, 40),
        ("邮箱ZHANG@EXAMPLE.COM，谢谢", 2, 19),
        ("mailto:li.na@example.org", 7, 24),
        ("write to user@example.com.", 9, 25),
        ("first.last@sub-domain.example.co.uk请回复", 0, 35),
        ("QQ邮箱12345@qq.com", 4, 16),
        ("(ho_ka-wai@example.mo)", 1, 21),
        ("地址a@example.xn--fiqs8s", 2, 22),
        ("联系人wang.fang@example.company或电话", 3, 28),
    ],
)
def test_found(text: str, start: int, end: int) -> None:
    assert spans(text) == [(start, end)]


@pytest.mark.parametrize(
    "text",
    [
        "icon@2x.png",  # retina image name
        "logo@3x.jpg",
        "a..b@example.com",  # two dots in the local part
        "x@example.c0m",  # digit in the top-level domain
        "pkg@1.2.3",  # version pin
        "name@host.local",  # no plausible top-level domain
        "user@localhost",
        "script@main.py",
        "用户@例子.中国",  # no ASCII address at all
        "@example.com",
        "zhang94@",
        "陈皮 黄芪 @ 金银花.药",
    ],
)
def test_not_found(text: str) -> None:
    assert spans(text) == []


@pytest.mark.parametrize(
    ("address", "plausible"),
    [
        ("zhang94@example.cn", True),
        ("a@b.hk", True),
        ("a@b.com", True),
        ("a@b.xn--j6w193g", True),
        ("a@b.png", False),
        ("a@b.py", False),
        ("a.@b.com", False),
    ],
)
def test_is_plausible_email(address: str, plausible: bool) -> None:
    assert is_plausible_email(address) is plausible


def test_phone_shaped_address_is_one_email(classifier: Classifier) -> None:
    findings = classifier.classify({"contact": "邮箱13812345678@163.com。"})
    assert [(f.entity, f.start, f.end) for f in findings] == [("EMAIL_ADDRESS", 2, 21)]
