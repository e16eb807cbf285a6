"""LOCATION from the NER model: address-grade runs of places (a house, building, floor or room number);
a city or district alone is not an address. Every address here is synthetic."""

from __future__ import annotations

import pytest

from detectors.classify import Classifier
from detectors.recognizers.ner_location import NerLocationRecognizer

pytestmark = pytest.mark.unit

RECOGNIZER = NerLocationRecognizer()


def addresses(text: str) -> list[str]:
    return [text[start:end] for start, end, _ in RECOGNIZER.spans(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("惠州市惠城区江北94号小区18栋", ["惠州市惠城区江北94号小区18栋"]),
        ("武昌区余家头小区三期b座", ["武昌区余家头小区三期b座"]),
        ("红旗区骆驼湾新村53号", ["红旗区骆驼湾新村53号"]),
        ("陈小姐住在荔湾区逢源路五号，平时很少出门", ["荔湾区逢源路五号"]),
        ("送货地址：广东省东莞市长安镇乌沙村兴发路28号", ["广东省东莞市长安镇乌沙村兴发路28号"]),
    ],
)
def test_address_grade_places(text: str, expected: list[str]) -> None:
    assert addresses(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "他来自广州，现在在北京市海淀区工作",  # cities and districts
        "香港九龍旺角一帶的交通很繁忙",  # a neighbourhood
        "深圳市南山区的天气今天很好",
    ],
)
def test_a_city_or_district_alone_is_not_an_address(text: str) -> None:
    assert addresses(text) == []


def test_the_classifier_finds_an_address_without_a_road_word() -> None:
    text = "患者现住红旗区骆驼湾新村53号，独居"
    found = [(text[s:e], entity) for s, e, _, entity in Classifier().find(text)]
    assert ("红旗区骆驼湾新村53号", "LOCATION") in found
