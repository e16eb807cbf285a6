"""Health data needs a subject: herb batches, catalogues, formularies and pharmacopoeia notes (zh-Hans,
zh-Hant, English) hold no HEALTH_DATA finding and pass the shipped supply-chain flow; clinical records, named
or not, keep theirs. All records are synthetic."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from customs.codec import Codec, SchemaStore, compact_json
from customs.inspection import Inspector, Origin
from customs.samples.corpus import LabelledRecord, labelled_corpus
from customs.samples.labelled import read_labelled
from customs.settings import Settings
from detectors.classify import Classifier
from detectors.finding import Finding
from detectors.subject import has_subject, is_subject_field, tells_a_story, with_subjects
from detectors.walker import JsonValue, walk
from load.clean_fields import altered_clean_fields, mask_all_inspector
from rules.decision import Action, FlowContext
from rules.policy import load_policy

pytestmark = pytest.mark.unit

# The record of issue 18, and others like it: trade data with herb lists, doses and pharmacopoeia terms.
TRADE: list[JsonValue] = [
    {
        "id": "h1",
        "batch": {
            "herbs": "石斛6g，当归3g，茯苓10g，杜仲10g，丹参12g，柴胡3g",
            "supplier": "广州医药集团",
            "note": "第33批饮片抽检合格，含量测定符合2020版药典要求。",
        },
    },
    {
        "id": "h2",
        "批次": {
            "藥材": "黃芪15g、白朮9g、茯苓10g、當歸6g",
            "供應商": "香港中藥材貿易行",
            "備註": "第12批飲片抽檢合格，含量測定符合《香港中藥材標準》要求。",
        },
    },
    {
        "id": "h3",
        "lot": {
            "composition": "黄芪15g，白术9g，防风6g",
            "qc_note": "Batch 7 passed QC; assay complies with the Chinese Pharmacopoeia 2020.",
        },
    },
    {
        "formula_code": "TCM-F0012",
        "formula": "逍遥散",
        "composition": "柴胡9g、当归9g、白芍9g、白术9g、茯苓9g",
    },
    {
        "品名": "六味地黄丸",
        "功能主治": "滋阴补肾。用于肾阴亏损，头晕耳鸣，腰膝酸软，骨蒸潮热，盗汗遗精。",
        "用法用量": "口服，一次8丸，一日3次。",
        "处方药": "否",
    },
    {
        "產品": "玉屏風散",
        "組成": "黃芪18g、白朮12g、防風6g",
        "功能主治": "益氣固表止汗。用於表虛自汗，易感風邪。",
    },
    {
        "product": "Metformin 500 mg tablets",
        "indications": "Type 2 diabetes mellitus when diet and exercise are not enough.",
        "prescription_only": "yes",
        "note": "Patients with renal impairment should reduce the dose.",
    },
    {
        "pharmacy": "Central Store",
        "stock": [
            {"drug": "Atorvastatin 20 mg", "packs": "1,420"},
            {"drug": "Amlodipine 5 mg", "packs": "2,008"},
        ],
    },
]

# Clinical records: the health data is about a person, named, identified or only told about.
CLINICAL: list[JsonValue] = [
    {"id": "v1", "patient": {"name": "陈志强"}, "prescription": "石斛6g，当归3g，茯苓10g"},
    {"visit_id": "V-88", "diagnosis": "2型糖尿病", "prescription": "Metformin 500 mg bid"},
    {"notes": "患者男，52岁，主诉胸闷三天。舌淡红苔薄白，脉弦细。辨证：肝郁脾虚证。"},
    {"病歷": "患者自訴失眠多夢，舌淡苔薄，脈細無力。處方：酸棗仁15g、茯苓10g"},
    {"note": "The patient presented with chest pain; type 2 diabetes mellitus, on metformin 500 mg bid."},
    {"member_no": 10023, "claim": {"items": ["急性阑尾炎", "腹腔镜阑尾切除术"]}},
    {"contact": "13812345678", "remark": "高血压"},
]


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier()


def _health(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.entity == "HEALTH_DATA"]


@pytest.mark.parametrize("record", TRADE)
def test_trade_records_hold_no_health_data(classifier: Classifier, record: JsonValue) -> None:
    # the recognizers do see health terms in these records: the subject rule is what drops them
    assert any(
        entity == "HEALTH_DATA"
        for _, text, hint in walk(record).fields
        for _, _, _, entity in classifier.find(text, hint)
    )
    assert classifier.classify(record) == []


@pytest.mark.parametrize("record", CLINICAL)
def test_clinical_records_keep_their_health_data(classifier: Classifier, record: JsonValue) -> None:
    assert _health(classifier.classify(record))


def test_the_batch_path_applies_the_rule_too(classifier: Classifier) -> None:
    items = [(record, None, True) for record in (*TRADE, *CLINICAL)]
    assert classifier.classify_many(items) == [classifier.classify(record) for record, _, _ in items]


@pytest.fixture(scope="module")
def inspector(classifier: Classifier) -> Inspector:
    settings = Settings()
    codec = Codec(SchemaStore(settings.schemas_dir), settings.max_record_bytes, settings.max_depth)
    return Inspector(classifier, codec, lambda: load_policy("gba-default"), b"k" * 32)


@pytest.mark.parametrize("record", TRADE)
def test_trade_records_pass_the_supply_chain_flow(inspector: Inspector, record: JsonValue) -> None:
    flow = FlowContext("dg-factory", "hk-trading", "supply_chain", date(2026, 1, 5))
    verdict = inspector.inspect(compact_json(record), flow, Origin("in", 0, 0))
    assert verdict.decision.action is Action.ALLOW, verdict.decision.reasons
    assert not verdict.findings


TRADE_FILE = Path(__file__).parents[2] / "load" / "challenge" / "gba-trade.jsonl"


@pytest.mark.parametrize("labelled", read_labelled(TRADE_FILE), ids=lambda r: r.kind)
def test_the_trade_set_passes_the_supply_chain_flow(inspector: Inspector, labelled: LabelledRecord) -> None:
    # load/challenge/gba-trade.jsonl: self-written trade records, clean (no labels)
    assert labelled.domain == "clean" and not labelled.spans
    flow = FlowContext("dg-factory", "hk-trading", "supply_chain", date(2026, 1, 5))
    verdict = inspector.inspect(compact_json(labelled.record), flow, Origin("in", 0, 0))
    assert not verdict.findings
    assert verdict.decision.action is Action.ALLOW


def test_mask_all_leaves_fields_without_personal_data_alone(classifier: Classifier) -> None:
    # issue 18's bar: a mask-all scan of mixed records alters at most 2 % of the fields with no personal
    # data; the corpus's herb batches, formularies and catalogues are most of what it used to alter
    counts = altered_clean_fields(labelled_corpus(400, seed=18), mask_all_inspector(classifier))
    assert counts.fields > 3000
    assert counts.share <= 0.02
    trade = ("clean_herb_batch", "clean_formulary", "clean_catalogue")
    assert sum(counts.fields_by_kind[kind] for kind in trade) > 100
    assert sum(counts.altered_by_kind[kind] for kind in trade) == 0


def test_a_clinical_record_on_the_supply_chain_flow_is_still_held(inspector: Inspector) -> None:
    flow = FlowContext("dg-factory", "hk-trading", "supply_chain", date(2026, 1, 5))
    verdict = inspector.inspect(compact_json(CLINICAL[2]), flow, Origin("in", 0, 0))
    assert verdict.decision.action is Action.QUARANTINE


# --- the rule's parts -----------------------------------------------------------------------------

HERBS = Finding("herbs", "HEALTH_DATA", 0, 5, 0.85)


@pytest.mark.parametrize(
    ("record", "others", "kept"),
    [
        ({"herbs": "黄芪15g"}, [], False),
        ({"herbs": "黄芪15g", "site": "东莞市虎门镇"}, [Finding("site", "LOCATION", 0, 6, 0.9)], False),
        ({"herbs": "黄芪15g", "maker": "x"}, [Finding("maker", "CN_USCC", 0, 18, 0.9)], False),
        ({"herbs": "黄芪15g", "by": "x"}, [Finding("by", "PERSON", 0, 3, 0.9)], True),
        ({"herbs": "黄芪15g", "tel": "x"}, [Finding("tel", "PHONE_NUMBER", 0, 11, 0.9)], True),
        ({"herbs": "黄芪15g", "patient_id": 42}, [], True),  # a key names the subject, whatever its value
        ({"rows": [{"herbs": "黄芪15g"}, {"visit": {"no": 3}}]}, [], True),  # at any depth
        ({"herbs": "黄芪15g", "note": "患者女，35岁，复诊"}, [], True),
        ({"herbs": "黄芪15g", "note": "高血压患者慎用"}, [], False),
    ],
)
def test_with_subjects(record: JsonValue, others: list[Finding], kept: bool) -> None:
    findings = [HERBS, *others]
    assert (HERBS in with_subjects(record, findings)) is kept
    assert [f for f in with_subjects(record, findings) if f is not HERBS] == others  # only health is dropped
    assert has_subject(record, others) is kept


def test_with_subjects_returns_the_same_list_when_nothing_is_dropped() -> None:
    findings = [Finding("tel", "PHONE_NUMBER", 0, 11, 0.9)]
    assert with_subjects({"tel": "x"}, findings) is findings


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("patient", True),
        ("patientName", True),
        ("患者姓名", True),
        ("病人", True),
        ("member_no", True),
        ("claimant", True),
        ("被保險人", True),
        ("visit_date", True),
        ("就診日期", True),
        ("diagnosis", True),
        ("診斷", True),
        ("处方", True),
        ("主訴", True),
        ("symptoms", True),
        ("症狀", True),
        ("处方药", False),
        ("prescription_only", False),
        ("功能主治", False),
        ("indications", False),
        ("herbs", False),
        ("batch", False),
        ("composition", False),
        ("member_company", False),
    ],
)
def test_subject_field_names(name: str, expected: bool) -> None:
    assert is_subject_field(name) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("患者男，45岁，反复咳嗽2周", True),
        ("今日患者复诊，诉胸闷减轻", True),
        ("主诉：胃脘胀痛3天", True),
        ("症状：头痛、发热", True),
        ("诊断为慢性胃炎", True),
        ("該患者既往有高血壓病史", True),
        ("The patient was admitted with pneumonia.", True),
        ("Presented with fever and cough.", True),
        ("She was diagnosed with asthma in 2019.", True),
        ("高血压患者慎用", False),
        ("孕妇及哺乳期患者应在医师指导下服用", False),
        ("用于缓解感冒引起的头痛、发热等症状", False),
        ("第33批饮片抽检合格，含量测定符合2020版药典要求。", False),
        ("Patients with renal impairment should reduce the dose.", False),
        ("Assay complies with the Chinese Pharmacopoeia 2020.", False),
    ],
)
def test_texts_that_tell_a_patients_story(text: str, expected: bool) -> None:
    assert tells_a_story(text) is expected
