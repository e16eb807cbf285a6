"""LOCATION: street addresses of the mainland, Hong Kong and Macau; a bare city, district, hospital or
company is not an address. Every address here is synthetic."""

from __future__ import annotations

import pytest

from detectors.classify import Classifier
from detectors.recognizers.location import LocationRecognizer

pytestmark = pytest.mark.unit

RECOGNIZER = LocationRecognizer()


def spans(text: str, hint: str = "") -> list[tuple[int, int]]:
    results = RECOGNIZER.analyze(text, ["LOCATION"])
    return sorted((r.start, r.end) for r in results if RECOGNIZER.score_with_hint(r.score, hint) >= 0.5)


def found_text(text: str) -> list[str]:
    return [text[start:end] for start, end in spans(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Mainland.
        ("广东省广州市天河区天河路123号", "广东省广州市天河区天河路123号"),
        ("深圳市南山区科技园南区8栋1203室", "深圳市南山区科技园南区8栋1203室"),
        ("住址：广州市越秀区中山二路58号3栋502房", "广州市越秀区中山二路58号3栋502房"),
        ("家住广州市天河区天河路123号，电话13800138000", "广州市天河区天河路123号"),
        (
            "客户于2025年3月搬至深圳市宝安区新安街道创业一路1001号，联系电话13800138000",
            "深圳市宝安区新安街道创业一路1001号",
        ),
        (
            "住址：深圳市福田区深南大道6008号特区报业大厦15楼1501室",
            "深圳市福田区深南大道6008号特区报业大厦15楼1501室",
        ),
        ("患者家住东莞市长安镇振安中路168号", "东莞市长安镇振安中路168号"),
        ("黄埔大道西100号", "黄埔大道西100号"),
        ("地址变更为东风东路8号", "东风东路8号"),
        ("珠海市香洲区情侣中路 39 号", "珠海市香洲区情侣中路 39 号"),
        ("香港居民陈志明住深圳市南山区科技园南区8栋1203室", "深圳市南山区科技园南区8栋1203室"),
        # Hong Kong.
        ("香港九龍旺角彌敦道 600 號 10 樓 A 室", "香港九龍旺角彌敦道 600 號 10 樓 A 室"),
        ("香港中環皇后大道中99號中環中心45樓", "香港中環皇后大道中99號中環中心45樓"),
        (
            "Flat A, 10/F, 600 Nathan Road, Mong Kok, Kowloon",
            "Flat A, 10/F, 600 Nathan Road, Mong Kok, Kowloon",
        ),
        ("Room 1203, Block B, Tai Koo Shing, Hong Kong", "Room 1203, Block B, Tai Koo Shing, Hong Kong"),
        (
            "Shop 3, G/F, 45 Hennessy Road, Wan Chai, Hong Kong. Tel 2345 6789",
            "Shop 3, G/F, 45 Hennessy Road, Wan Chai, Hong Kong",
        ),
        (
            "23/F, Tower 2, Times Square, 1 Matheson Street, Causeway Bay",
            "23/F, Tower 2, Times Square, 1 Matheson Street, Causeway Bay",
        ),
        ("G/F, 12 Kau U Fong, Central", "G/F, 12 Kau U Fong, Central"),
        ("Patient Chan, 12 Nathan Road", "12 Nathan Road"),
        # Macau.
        ("澳門新馬路 12 號 3 樓", "澳門新馬路 12 號 3 樓"),
        ("澳門氹仔偉龍馬路 88 號", "澳門氹仔偉龍馬路 88 號"),
        ("Avenida de Almeida Ribeiro No. 12, Macau", "Avenida de Almeida Ribeiro No. 12, Macau"),
        ("Rua do Campo n.º 25, 3.º andar A, Macau", "Rua do Campo n.º 25, 3.º andar A, Macau"),
        (
            "address: Rua de Pequim 202A, Edifício Kam Fai, 14.º andar B, Macau. Tel",
            "Rua de Pequim 202A, Edifício Kam Fai, 14.º andar B, Macau",
        ),
        ("新界將軍澳唐德街9號將軍澳中心第2座35樓A室", "新界將軍澳唐德街9號將軍澳中心第2座35樓A室"),
        ("Travessa do Padre Narciso 5", "Travessa do Padre Narciso 5"),
        ("Estrada de Coloane 88, Coloane", "Estrada de Coloane 88, Coloane"),
        # English for a mainland address.
        (
            "Addr: Room 1203, 8 Keji Road, Nanshan District, Shenzhen",
            "Room 1203, 8 Keji Road, Nanshan District, Shenzhen",
        ),
        (
            "No. 123 Tianhe Road, Tianhe District, Guangzhou. Tel 1234",
            "No. 123 Tianhe Road, Tianhe District, Guangzhou",
        ),
    ],
)
def test_found(text: str, expected: str) -> None:
    assert found_text(text) == [expected]
    start = text.index(expected)
    assert spans(text) == [(start, start + len(expected))]


@pytest.mark.parametrize(
    "text",
    [
        "广州",
        "香港",
        "澳門",
        "南山区",
        "深圳市南山区",
        "天河路",
        "Nathan Road",
        "Hong Kong",
        "Mong Kok, Kowloon",
        "Room 1203",
        "珠海市人民医院",
        "澳門仁伯爵綜合醫院",
        "中山大学附属第五医院",
        "深圳南山支行",
        "香港中環分行",
        "东莞市华达电子有限公司",
        "香港葵涌货柜码头",
        "Kwai Tsing Container Terminals",
        "门诊3号楼",
        "3月12号复诊",
        "我知道12号要复诊",
        "第3路公交车",
        "订单号20240315000123",
        "陈皮9g 黄芪15g 白术12g",
        "方中陈皮9g，水煎服，日一剂",
        "CLM-2025-000123",
    ],
)
def test_not_found(text: str) -> None:
    assert spans(text) == []


def test_context_word_raises_the_score() -> None:
    plain = RECOGNIZER.analyze("深圳市南山区科技园南区8栋1203室", ["LOCATION"])
    cued = RECOGNIZER.analyze("地址：深圳市南山区科技园南区8栋1203室", ["LOCATION"])
    assert cued[0].score > plain[0].score >= 0.5


def test_address_beside_a_phone_and_a_name(classifier: Classifier) -> None:
    text = "联系人陈志明，地址：深圳市南山区科技园南区8栋1203室，电话13800138000"
    findings = classifier.classify({"note": text})
    assert [(f.entity, text[f.start : f.end]) for f in findings] == [
        ("PERSON", "陈志明"),
        ("LOCATION", "深圳市南山区科技园南区8栋1203室"),
        ("PHONE_NUMBER", "13800138000"),
    ]


def test_hospital_field_is_not_an_address(classifier: Classifier) -> None:
    record = {"hospital": "广东省中医院珠海医院", "branch": "香港旺角分行", "port": "深圳盐田港"}
    assert [f for f in classifier.classify(record) if f.entity == "LOCATION"] == []
