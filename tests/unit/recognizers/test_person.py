"""PERSON: Chinese names in both scripts, romanised Hong Kong / Macau names and English names; herbs,
places, organisations and everyday words are not names. Every name here is synthetic."""

from __future__ import annotations

import re

import pytest

from detectors.classify import Classifier
from detectors.recognizers.person import PersonRecognizer
from detectors.walker import walk_strings
from load.generator import generate

pytestmark = pytest.mark.unit

RECOGNIZER = PersonRecognizer()
THRESHOLD = 0.5


def spans(text: str, hint: str = "") -> list[tuple[int, int]]:
    """The spans that count as findings, as the classifier would score them under field name ``hint``."""
    results = RECOGNIZER.analyze(text, ["PERSON"])
    return sorted((r.start, r.end) for r in results if RECOGNIZER.score_with_hint(r.score, hint) >= THRESHOLD)


def scores(text: str) -> dict[str, float]:
    return {text[r.start : r.end]: r.score for r in RECOGNIZER.analyze(text, ["PERSON"])}


@pytest.mark.parametrize(
    ("text", "hint", "expected"),
    [
        # Chinese, free text: a cue word before, a title after, or a sex / age after.
        ("患者陈志明，男，45岁", "", [(2, 5)]),
        ("聯絡人：歐陽小慧", "", [(4, 8)]),
        ("客户王芳的邮箱wang.fang@example.cn", "", [(2, 4)]),
        ("患者王芳复诊，嘱清淡饮食。", "", [(2, 4)]),
        ("患者王芳诉头痛三天", "", [(2, 4)]),
        ("如有不适请联系陈志明，电话13800138000。", "", [(7, 10)]),
        ("投保人：司徒嘉欣", "", [(4, 8)]),
        ("申請人 黃錦榮", "", [(4, 7)]),
        ("被保险人为李月华。", "", [(5, 8)]),
        ("陈志明先生已出院", "", [(0, 3)]),
        ("主診醫生：鍾家俊", "", [(5, 8)]),
        ("陈志明，男，45岁，因胃脘痛就诊", "", [(0, 3)]),
        ("联系人：王芳、李明", "", [(4, 6), (7, 9)]),
        ("Name: 陈志明", "", [(6, 9)]),
        ("患者王国俊复诊", "", [(2, 5)]),  # 王国 is a word, 王国俊 a name
        # The subject of a clinical note's sentence, relatives, roles, bed numbers, titles.
        ("陈志强今日复诊，诉胸闷减轻", "", [(0, 3)]),
        ("林美玲覆診，訴經行腹痛", "", [(0, 3)]),
        ("陈平服药后诉脘腹胀满", "", [(0, 2)]),
        ("血壓 142/88，余志華稱最近少做運動", "", [(10, 13)]),
        ("14:20王丽华来电咨询", "", [(5, 8)]),
        ("葉振邦於凌晨送院", "", [(0, 3)]),
        ("其子葉俊朗已簽署同意書", "", [(2, 5)]),
        ("另嘱何秀梅之夫许国梁监督服药", "", [(7, 10)]),
        ("外婆蕭玉蓮六十歲時確診乳癌", "", [(2, 5)]),
        ("患儿刘子涵，出生于2019年", "", [(2, 5)]),
        ("床12 陳嘉欣、床14 黃志偉 均為術後第一天", "", [(4, 7), (12, 15)]),
        ("由張詠琪姑娘交予李凱琳姑娘跟進", "", [(1, 4), (8, 11)]),
        ("参加者：胡振东主任、诸葛明辉、上官婉清", "", [(4, 7), (10, 14), (15, 19)]),
        ("记录者：韦小燕/审核：莫振华", "", [(4, 7), (11, 14)]),
        ("客：你好，我係梁少芬，想查下保單", "", [(7, 10)]),
        # Chinese, a whole field value.
        ("陈志明", "", [(0, 3)]),
        ("王芳", "", [(0, 2)]),
        ("歐陽小慧", "", [(0, 4)]),
        (" 陳大文 ", "patient", [(1, 4)]),
        ("诸葛明", "name", [(0, 3)]),
        ("高明", "name", [(0, 2)]),  # an everyday word or a place counts only under a name field
        ("陈志明（复诊）", "name", [(0, 3)]),
        # Romanised Hong Kong / Macau names and English names.
        ("Patient CHAN Tai-man was seen", "", [(8, 20)]),
        ("Chan Tai Man", "", [(0, 12)]),
        ("CHAN, Tai Man", "", [(0, 13)]),
        ("Wong Siu Ming", "", [(0, 13)]),
        ("Ho Ka Wai", "", [(0, 9)]),
        ("LEONG Weng Ian", "", [(0, 14)]),
        ("Tai Man CHAN", "", [(0, 12)]),
        ("Peter Chan Tai-man", "", [(0, 18)]),
        ("聯絡人：CHAN Siu Ming", "", [(4, 17)]),
        ("Mary Johnson", "", [(0, 12)]),
        ("Dr. Peter Smith will call", "", [(4, 15)]),
        ("Contact: Mary Ann Lee, 5123 4567", "", [(9, 21)]),
        ("Zhang Wei", "customer", [(0, 9)]),
        ("Winnie Kwok Weng Hong attended today", "", [(0, 21)]),
        # Possessives, Portuguese names, relatives and beds in English, booking and DICOM forms.
        ("my son Lam Chun Hei's inhaler", "", [(7, 19)]),
        ("José Carlos Gomes da Rosa", "", [(0, 17)]),
        ("Dr. António Manuel Pereira", "", [(4, 26)]),
        ("Wife Sun Lihua informed", "", [(5, 14)]),
        ("Bed 5 Lo Wai Kwan - DKA", "", [(6, 17)]),
        ("ZHANG/WEI MR", "", [(0, 9)]),
        ("NAME:HO/CHUN YIN|EXP:2031", "", [(5, 16)]),
        ("WONG^SIU^MING", "", [(0, 13)]),
        # A Han name in an English sentence; a name with an identity number in brackets after it.
        ("Referred to Shenzhen for 李静怡 (Li Jingyi) last week", "", [(25, 28), (30, 39)]),
        ("Pt 鍾家樂 c/o SOB", "", [(3, 6)]),
        ("溫志強（K382915(1)）到診", "", [(0, 3)]),
    ],
)
def test_found(text: str, hint: str, expected: list[tuple[int, int]]) -> None:
    assert spans(text, hint) == expected


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        # A prescription, and herbs as whole values (even under a name field).
        ("陈皮9g 黄芪15g 白术12g 何首乌10g 金银花12g", ""),
        ("方中陈皮9g，忌辛辣生冷。", "notes"),
        ("陳皮 黃芪 白朮 何首烏 金銀花 各10g", ""),
        ("陈皮", "name"),
        ("黄芪", "herb"),
        ("何首乌", "name"),
        ("金银花", ""),
        ("白术", ""),
        ("黃連", "name"),
        ("王不留行", "name"),
        ("刘寄奴", "name"),
        ("徐长卿", ""),
        ("杜仲", ""),
        ("连翘", ""),
        ("桂枝", ""),
        ("麦冬", ""),
        ("石斛", ""),
        ("苏叶", ""),
        ("钱草", ""),
        # TCM terms, syndromes, departments, diagnoses.
        ("肝郁脾虚证", "syndrome"),
        ("湿热蕴脾证", ""),
        ("针灸科", "department"),
        ("内科", ""),
        ("高血壓", "diagnosis"),
        ("患者高血压病史5年", ""),
        ("患者常规检查未见异常", ""),
        ("患者周一复诊", ""),
        ("患者于今日复诊", ""),
        ("患者曾于2020年行手术", ""),
        # Hospitals, banks, companies.
        ("珠海市人民医院", "hospital"),
        ("澳門仁伯爵綜合醫院", ""),
        ("鏡湖醫院", ""),
        ("黄埔医院", "hospital_name"),
        ("香港中環分行", "branch"),
        ("深圳南山支行", ""),
        ("东莞市华达电子有限公司", "shipper"),
        ("林氏贸易公司", ""),
        # Places, alone or as a whole value.
        ("广州", ""),
        ("江门", "city"),
        ("黄埔区", ""),
        ("金湾", ""),
        ("澳門", ""),
        # Everyday words that begin with a surname character.
        ("高血压", ""),
        ("周一", ""),
        ("黄色", ""),
        ("白色", ""),
        ("方法", ""),
        ("常规", ""),
        ("明显", ""),
        ("安全", "status"),
        ("温度", ""),
        ("金额", ""),
        ("高危", ""),
        ("马上", ""),
        ("石头", ""),
        ("林业", ""),
        ("田地", ""),
        ("王府井", ""),
        ("谢谢陈先生", ""),
        ("陈先生", ""),
        # Sentence openers that are words, not names, before a narrative word.
        ("明日复诊", ""),
        ("周一复诊，今日诉头痛", ""),
        ("白天诉头晕", ""),
        ("方法：今日起服药", ""),
        # Latin script: places, roads, organisations, months.
        ("Flat A, 10/F, 600 Nathan Road, Mong Kok, Kowloon", ""),
        ("Wong Tai Sin", ""),
        ("Ho Man Tin", ""),
        ("Lee Garden Road", ""),
        ("Queen Mary Hospital", ""),
        ("Tung Wah Hospital", ""),
        ("Pearl Delta Sourcing Ltd.", ""),
        ("Harbour Link Trading Ltd.", ""),
        ("Kwai Tsing Container Terminals", ""),
        ("Sun Hung Kai Properties", ""),
        ("Hong Kong", ""),
        ("May 2025", ""),
        ("SHIP TO/HK DEPOT", ""),  # capitals around a slash that are no surname
        ("Chai Hu 9g, Bai Shao 12g, Dang Gui 10g", ""),  # herbs in pinyin, with their doses
        ("diagnosed with 高血压 in 2019", ""),
        ("Prescribed 陈皮 9g and 黄芪 15g", ""),
        ("GZTCM-D0001", "doctor_id"),
    ],
)
def test_not_found(text: str, hint: str) -> None:
    assert spans(text, hint) == []


@pytest.mark.parametrize(
    ("text", "name", "low", "high"),
    [
        ("王芳的报告已出", "王芳", 0.0, THRESHOLD),  # no cue: below the threshold
        ("王芳因头痛就诊", "王芳", 0.6, 1.0),  # the subject of a clinical note's sentence
        ("陈志明、王芳", "陈志明", 0.0, THRESHOLD),
        ("陈志明，男", "陈志明", 0.6, 1.0),  # a sex after the name is a cue
        ("患者陈志明", "陈志明", 0.6, 1.0),
        ("陈志明", "陈志明", 0.6, 1.0),  # a whole value
        ("王亓", "王亓", 0.0, THRESHOLD),  # a two-character value with an unusual given character
        ("安全", "安全", 0.0, 0.2),  # an everyday word: only a name field lifts it
        ("Chan Wing", "Chan Wing", 0.0, THRESHOLD),  # surname + one syllable
    ],
)
def test_scores(text: str, name: str, low: float, high: float) -> None:
    assert low <= scores(text)[name] < high


def test_name_field_lifts_an_uncued_name() -> None:
    assert spans("王芳的报告已出") == []
    assert spans("王芳的报告已出", "patient_note") == [(0, 2)]


def test_record(classifier: Classifier) -> None:
    record = {
        "patient": {"name": "陈志明", "gender": "男"},
        "prescription": [{"herb": "陈皮", "dose": "9g"}, {"herb": "何首乌", "dose": "10g"}],
        "notes": "方中陈皮9g，忌辛辣生冷。如有不适请联系王芳。",
        "hospital": "珠海市人民医院",
        "department": "针灸科",
        "claimant": {"name": "歐陽小慧", "contact": "CHAN Tai-man"},
    }
    findings = [f for f in classifier.classify(record) if f.entity == "PERSON"]
    assert [(f.path, f.start, f.end) for f in findings] == [
        ("patient.name", 0, 3),
        ("notes", 20, 22),
        ("claimant.name", 0, 4),
        ("claimant.contact", 0, 12),
    ]


def _strings(record: object) -> dict[str, str]:
    return {path: text for path, text, _ in walk_strings(record)}


def test_generator_planted_names_are_found(classifier: Classifier) -> None:
    planted = found = 0
    planted_addresses = found_addresses = 0
    herb_hits: list[str] = []
    supply_chain_hits: list[str] = []
    for sample in generate(3000, seed=0):
        if sample.record is None:
            continue
        texts = _strings(sample.record)
        findings = classifier.classify(sample.record)
        values = {(f.entity, texts[f.path][f.start : f.end]) for f in findings}
        for entity, value in sample.pii:
            if entity == "PERSON":
                planted += 1
                found += (entity, value) in values
            elif entity == "LOCATION":
                planted_addresses += 1
                found_addresses += (entity, value) in values
        herb_hits += [
            texts[f.path]
            for f in findings
            if f.entity == "PERSON" and re.fullmatch(r"prescription\.\d+\.herb", f.path)
        ]
        if sample.kind == "supply_chain":
            supply_chain_hits += [
                texts[f.path][f.start : f.end] for f in findings if f.entity in ("PERSON", "LOCATION")
            ]
    assert planted > 1000
    assert found / planted >= 0.97, f"{found}/{planted} planted names found"
    if planted_addresses:
        assert found_addresses / planted_addresses >= 0.90
    assert herb_hits == []
    assert supply_chain_hits == []
