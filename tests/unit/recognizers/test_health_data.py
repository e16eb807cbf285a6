"""HEALTH_DATA: diagnoses, syndromes, symptoms, prescriptions and test results in three scripts; spans
and traps (departments, discounts, certificates, everyday English). All text is synthetic."""

from __future__ import annotations

import pytest

from detectors.classify import DEFAULT_THRESHOLD, Classifier
from detectors.lexicon import health as lex
from detectors.lexicon.wordlist import trie_regex
from detectors.recognizers.health_data import HealthDataRecognizer, hint_words

pytestmark = pytest.mark.unit

RECOGNIZER = HealthDataRecognizer()


def found(text: str, hint: str = "") -> list[str]:
    """The text of every finding (score at or over the classifier's threshold after the hint)."""
    results = RECOGNIZER.analyze(text, ["HEALTH_DATA"])
    kept = [r for r in results if RECOGNIZER.score_with_hint(r.score, hint) >= DEFAULT_THRESHOLD]
    return [text[r.start : r.end] for r in sorted(kept, key=lambda r: r.start)]


def spans(text: str, hint: str = "") -> list[tuple[int, int]]:
    results = RECOGNIZER.analyze(text, ["HEALTH_DATA"])
    kept = [r for r in results if RECOGNIZER.score_with_hint(r.score, hint) >= DEFAULT_THRESHOLD]
    return sorted((r.start, r.end) for r in kept)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("诊断：肝郁脾虚证", 3, 8),
        ("血糖 7.8 mmol/L", 0, 13),
        ("HbA1c 6.5%", 0, 10),
        ("复查血压 150/95 mmHg，", 2, 16),
        ("ALT 56 U/L", 0, 10),
        ("既往高血压病史", 2, 7),
        ("急性闌尾炎", 0, 5),
        ("type 2 diabetes", 0, 15),
        ("Dx: closed fracture of the left distal radius.", 4, 45),
        ("右侧桡骨远端骨折", 0, 8),
        ("方中陈皮10g，水煎服。", 2, 7),
        ("舌淡苔白，脉弦细", 0, 8),
        ("肝鬱脾虛證", 0, 5),
    ],
)
def test_exact_span(text: str, start: int, end: int) -> None:
    assert spans(text) == [(start, end)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Simplified
        ("患者胁肋胀痛、食少纳呆三月余。", ["胁肋胀痛", "食少纳呆三月余"]),  # with its duration
        ("辨证属气滞血瘀证，予血府逐瘀汤加减。", ["气滞血瘀证", "血府逐瘀汤"]),
        ("空腹血糖7.8mmol/L，糖化血红蛋白6.5%。", ["空腹血糖7.8mmol/L", "糖化血红蛋白6.5%"]),
        ("体温38.5℃，心率96次/分。", ["体温38.5℃", "心率96次/分"]),
        ("乙肝表面抗原阳性。", ["乙肝表面抗原阳性"]),
        ("处方：黄芪15g、白术9g、茯苓12g、炙甘草6g。", ["黄芪15g、白术9g、茯苓12g、炙甘草6g"]),
        ("确诊为2型糖尿病，服用二甲双胍。", ["2型糖尿病", "二甲双胍"]),
        ("中风险", []),
        # Any medicine with its dose: a pharmaceutical unit alone, g / ml / 片 with a frequency or route.
        ("予四联疗法：奥美拉唑 20mg bid、阿莫西林 1g bid。", ["奥美拉唑 20mg bid", "阿莫西林 1g bid"]),
        ("头孢曲松 2g ivgtt qd", ["头孢曲松 2g ivgtt qd"]),
        ("建議改用格列齊特 40mg 每日一次。", ["建議改用格列齊特 40mg 每日一次"]),
        # Operations, allergies, pregnancy and clinical scores.
        ("2019年，阑尾切除术。", ["阑尾切除术"]),
        ("行腹腔镜胆囊切除術", ["行腹腔镜胆囊切除術"]),
        ("过敏史：鸡蛋过敏。", ["鸡蛋过敏"]),
        ("G2P1，妊娠 38+2 週", ["G2P1，妊娠 38+2 週"]),  # a short value of health terms only: one span
        ("傷口痛 VAS 6/10；PHQ-9 18；GAD-7 评分 12 分", ["VAS 6/10", "PHQ-9 18", "GAD-7 评分 12 分"]),
        # Traditional
        ("診斷：高血壓，脾胃虛寒證。", ["高血壓", "脾胃虛寒證"]),
        ("處方：黃芪15g，白朮9g，當歸6g。", ["黃芪15g，白朮9g，當歸6g"]),
        ("病人咳嗽、發熱三日，血壓 150/95 mmHg。", ["咳嗽", "發熱三日", "血壓 150/95 mmHg"]),
        ("印象：抑鬱症（中度）。處方：", ["抑鬱症（中度）"]),  # with its bracketed qualifier
        ("确诊鼻咽癌（T3N2M0，III期），已完成", ["鼻咽癌（T3N2M0，III期）"]),
        ("因反复上腹痛2月入院", ["腹痛2月"]),
        # Kinds and body sites before a term belong to it.
        ("X光示右膝退行性關節炎。予", ["右膝退行性關節炎"]),
        ("查体：双下肢轻度凹陷性水肿。", ["双下肢轻度凹陷性水肿"]),
        ("近兩週勞力性胸痛，靜息", ["勞力性胸痛"]),
        ("母乳喂养，腹痛", ["腹痛"]),
        ("Low back pain for 3 weeks", ["Low back pain"]),  # an English duration needs no "for" rule
        ("腰椎間盤突出症", ["腰椎間盤突出症"]),
        ("柏金遜症覆診", ["柏金遜症"]),
        # English
        ("Presented with chest pain and shortness of breath.", ["chest pain", "shortness of breath"]),
        ("History of hypertension and hyperlipidaemia.", ["hypertension", "hyperlipidaemia"]),
        ("Started metformin 500 mg bd.", ["metformin 500 mg bd"]),
        ("History of depression.", ["depression"]),  # a weak word, raised by its context
        ("eGFR 58 mL/min/1.73m2. LDL-C 4.1 mmol/L", ["eGFR 58 mL/min/1.73m2", "LDL-C 4.1 mmol/L"]),
        ("eGFR 58 mL/min/1.73m2, LDL-C 4.1 mmol/L", ["eGFR 58 mL/min/1.73m2, LDL-C 4.1 mmol/L"]),  # one list
        ("Known COPD, HIV positive.", ["COPD", "HIV"]),
        ("ICD-10 E11.9", ["E11.9"]),
        ("150/95 mmHg", ["150/95 mmHg"]),
        ("Bromhexine 8mg tds", ["Bromhexine 8mg tds"]),
        ("Gliclazide MR 60 mg daily", ["Gliclazide MR 60 mg daily"]),
        ("Known allergy to penicillin.", ["allergy to penicillin"]),
    ],
)
def test_found(text: str, expected: list[str]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "双十一全场打骨折",  # 打骨折 = a steep discount
        "客户风险等级：中风险",  # 中风险, not 中风
        "肾病科",  # a department
        "肿瘤医院新院区",  # a hospital
        "重大疾病保险宣传册",
        "电池发热测试合格",  # a battery heating up
        "发烧友版本耳机",
        "对价格不感冒",
        "身份证号码",
        "回乡证",
        "火化证",  # a certificate, not a syndrome
        "通行证件",
        "山脉长达百里",
        "动脉粥",
        "陈皮 500g/袋",  # a shop's bag of 陈皮: no prescription dose
        "陈皮",  # a herb alone
        "Market depression delayed the shipment",
        "Stroke counter spare part",
        "UA 420 to Hong Kong",  # a flight, not uric acid
        "INR 500",  # rupees
        "A123456(3)",
        "订单号20240315000123，金额1234.50元",
        "2025-06-01 10:32:11",
        "it aids digestion",
        "白砂糖 500g 每袋",  # sugar by the bag: g with no frequency or route
        "过敏原检测试剂盒 20盒",  # an allergen test kit in stock
        "信息技术部",  # 技术 is no operation
        "Apgar Street 12",
        "G2P1-X-Connector",
        "包装规格 250ml",
        "Model 200mg-compatible charger",  # a unit inside a product word
        "Shipment 20mg samples improved",
    ],
)
def test_not_found(text: str) -> None:
    assert found(text) == []


def test_a_short_health_value_is_one_finding() -> None:
    assert spans("左膝骨关节炎") == [(0, 6)]
    assert spans("胁肋胀痛，食少纳呆") == [(0, 9)]


def test_a_name_next_to_a_term_is_not_swallowed() -> None:
    assert found("陈志明高血压") == ["高血压"]


@pytest.mark.parametrize(
    ("hint", "value", "expected"),
    [
        ("diagnosis", "颈动脉斑块", ["颈动脉斑块"]),  # not in the lexicon: the field says what it is
        ("诊断", "颈动脉斑块", ["颈动脉斑块"]),
        ("診斷", "頸動脈斑塊", ["頸動脈斑塊"]),
        ("symptoms", "心情不好", ["心情不好"]),
        ("症状", "睡不着", ["睡不着"]),
        ("prescription", "陈皮、黄芪", ["陈皮、黄芪"]),
        ("處方", "陳皮、黃芪", ["陳皮、黃芪"]),
        ("herb", "陈皮", ["陈皮"]),
        ("lab_result", "Hb low", ["Hb low"]),
        ("检验", "尿常规未见异常", ["尿常规未见异常"]),
        ("syndrome", "肝郁", ["肝郁"]),
        ("remark", "颈动脉斑块", []),
        ("item", "陈皮", []),
        ("label", "Harbour Link", []),  # "lab" only as a word
        ("diagnosis_date", "12 March 2025", []),
        ("diagnosis", "2025-03-12", []),
        ("doctor", "陈志明", []),
    ],
)
def test_field_name_hint(hint: str, value: str, expected: list[str]) -> None:
    assert found(value, hint) == expected


def test_hint_words() -> None:
    assert hint_words("dateOfBirth") == "date of birth"
    assert hint_words("lab_result") == "lab result"
    assert hint_words("病人.診斷") == "病人 診斷"


def test_through_the_classifier(classifier: Classifier) -> None:
    record = {
        "diagnosis": "颈动脉斑块",
        "symptoms": ["胁肋胀痛", "食少纳呆"],
        "prescription": [{"herb": "陈皮", "dose": "10g"}],
        "notes": "嘱清淡饮食。",
        "visit_date": "2025-06-01",
        "department": "肾病科",
    }
    findings = [f for f in classifier.classify(record) if f.entity == "HEALTH_DATA"]
    assert [(f.path, f.start, f.end) for f in findings] == [
        ("diagnosis", 0, 5),
        ("symptoms.0", 0, 4),
        ("symptoms.1", 0, 4),
        ("prescription.0.herb", 0, 2),
    ]


def test_trie_regex_prefers_the_longest_term() -> None:
    import re

    pattern = re.compile(trie_regex(["高血压", "高血压病", "高热"]))
    assert [m.group() for m in pattern.finditer("高血压病 高热 高血压")] == ["高血压病", "高热", "高血压"]


def test_lexicon_has_both_scripts() -> None:
    assert "黃芪" in lex.both_scripts(["黄芪"])
    assert "腎病" in lex.both_scripts(["肾病"])
    assert lex.to_traditional("口干咽燥") == "口乾咽燥"
    assert lex.to_traditional("骨质疏松") == "骨質疏鬆"
    terms = len(lex.DISEASES_ZH) + len(lex.SYMPTOMS_ZH) + len(lex.HERBS) + len(lex.DISEASES_EN)
    assert terms > 500
