"""Health data needs a subject: ``HEALTH_DATA`` is personal information only about a person.

A herb list with doses, a drug with its strength or a pharmacopoeia term is health data in a patient's visit
and trade data in a herb batch, a catalogue, a formulary or a lab quality note. ``with_subjects`` keeps a
``HEALTH_DATA`` finding only where the record shows a data subject, and drops it otherwise. The rule, in one
place:

A record's ``HEALTH_DATA`` findings have a subject when the record, anywhere in it (its top level or a
sub-object, at any depth), shows one of these signals:

1. a finding that identifies a person: any entity but ``HEALTH_DATA``, ``LOCATION`` (a warehouse has an
   address) and ``CN_USCC`` (a company);
2. a field name of a person's or a clinical context, at any depth, whatever its value (even a number):
   patient, 患者, 病人, member, claimant, 被保险人, visit, 就诊, gender, 姓名 ... and diagnosis, 诊断,
   prescription, 处方, 主诉, symptoms, 病史 ... (not 处方药 / prescription_only, a drug's class);
3. running text that tells a patient's story: 患者/病人 as the one the text is about (患者男，45岁; 患者自诉;
   not the 患者慎用 of a drug's label), 主诉, 自诉, 现病史, 症状：, 诊断为, "the patient", "presented with",
   "diagnosed with" — a de-identified clinical note is still about a person.

Pure functions over the record and its findings; records without a ``HEALTH_DATA`` finding cost nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from detectors.finding import Finding
from detectors.lexicon.wordlist import longest_first
from detectors.walker import JsonValue

HEALTH = "HEALTH_DATA"
# Findings that are no person: an address may be a warehouse's, a credit code is a company's.
NOT_SUBJECTS = frozenset({HEALTH, "LOCATION", "CN_USCC"})

_SUBJECT_FIELDS_EN = (
    "patient",
    "patients",
    "member",
    "members",
    "claimant",
    "insured",
    "policyholder",
    "beneficiary",
    "visit",
    "visits",
    "encounter",
    "admission",
    "inpatient",
    "outpatient",
    "mrn",
    "medical record",
    "employee",
    "student",
    "gender",
    "sex",
    "full name",
    "first name",
    "last name",
    "surname",
    "diagnosis",
    "diagnoses",
    "dx",
    "prescription",
    "prescriptions",
    "symptom",
    "symptoms",
    "chief complaint",
    "complaint",
    "medical history",
    "history of present illness",
    "allergies",
    "vitals",
    "vital signs",
    "blood pressure",
    "syndrome",
)
_SUBJECT_FIELDS_ZH = (
    "患者",
    "病人",
    "病患",
    "患儿",
    "会员",
    "參保人",
    "参保人",
    "被保险人",
    "投保人",
    "受益人",
    "理赔",
    "就诊",
    "就医",
    "门诊",
    "住院",
    "入院",
    "出院",
    "复诊",
    "初诊",
    "病历",
    "病案",
    "病例",
    "员工",
    "职工",
    "学生",
    "姓名",
    "性别",
    "诊断",
    "处方",
    "主诉",
    "症状",
    "病史",
    "既往史",
    "现病史",
    "过敏史",
    "证型",
    "辨证",
    "证候",
    "体征",
    "血压",
)
# A drug's class or a catalogue column, not a clinical context (处方药, prescription_only, rx drug).
_NOT_SUBJECT_FIELDS = re.compile(
    r"处方药|處方藥|非处方|非處方|处方类|處方類"
    r"|prescription (?:only|drug|medicine|type|category|status|class)"
    r"|(?:non|otc) prescription|member (?:company|firm|state)"
)
# Traditional forms of the Chinese field words (the lexicon's converter is not needed for these few).
_TRADITIONAL = str.maketrans(
    {
        "会": "會",
        "员": "員",
        "参": "參",
        "险": "險",
        "请": "請",
        "赔": "賠",
        "诊": "診",
        "医": "醫",
        "门": "門",
        "复": "複",
        "历": "歷",
        "职": "職",
        "别": "別",
        "断": "斷",
        "处": "處",
        "诉": "訴",
        "现": "現",
        "过": "過",
        "证": "證",
        "压": "壓",
        "状": "狀",
        "体": "體",
        "征": "徵",
        "儿": "兒",
    }
)


def _word_pattern(words: Sequence[str]) -> re.Pattern[str]:
    forms = dict.fromkeys(form for word in words for form in (word, word.translate(_TRADITIONAL)))
    parts = [
        rf"(?<![a-z]){re.escape(form)}(?![a-z])" if form.isascii() else re.escape(form)
        for form in sorted(forms, key=longest_first)
    ]
    return re.compile("|".join(parts))


_SUBJECT_FIELD_RE = _word_pattern((*_SUBJECT_FIELDS_EN, *_SUBJECT_FIELDS_ZH))
_PATIENT_ZH = "(?:患者|病人|病患|患儿|患兒)"
# What follows the patient a story is about: sex, age, a comma, or what they said, did or had done.
_STORY_VERBS_ZH = (
    "(?:自诉|自訴|诉|訴|主诉|主訴|述|因|于|於|今日|今|昨|近日|近|反复|反覆|出现|出現|复诊|複診|就诊|就診|入院|来诊|來診"
    "|既往|现|現|曾|无明显|無明顯|确诊|確診|被诊|被診|诊断|診斷)"
)
# Running text about one patient (Chinese in both scripts, English case-insensitive). A patient at the
# start of a clause (患者男，45岁; 。患者自诉; 该患者) or before what they said or had (今日患者复诊);
# not the patients of a drug's label (高血压患者慎用, 患者应遵医嘱).
_STORY_ZH = (
    rf"(?:(?<![\u3400-\u9fff])|(?<=[该該此本某名位例]))"
    rf"{_PATIENT_ZH}(?:[，,：:\s(（]|[男女]|\d|[A-Z]某|[一二三四五六七八九十]+(?:岁|歲)|{_STORY_VERBS_ZH})"
    rf"|{_PATIENT_ZH}{_STORY_VERBS_ZH}"
    r"|主诉|主訴|自诉|自訴|现病史|現病史|既往史|查体|查體|症状[：:为為见見有]|症狀[：:为為见見有]"
    r"|诊断[：:为為]|診斷[：:为為]|确诊|確診|辨证[：:为為]|辨證[：:为為]|复诊|複診|初诊|初診|入院时|入院時"
    r"|(?:该|該|此|本)(?:患者|病人|患儿|患兒|例)|(?:住院|门诊|門診)号|病历号|病歷號"
)
_STORY_EN = (
    r"(?<![a-z])(?:the|this|our) (?:patient|claimant|insured)(?![a-z])"
    r"|(?<![a-z])(?:patient|pt\.?) (?:is|was|has|had|presented|presents|reports|reported|complains|complained"
    r"|denies|denied|c/o|came|returned|admitted|states|stated|describes)(?![a-z])"
    r"|(?<![a-z])(?:presented|presents|presenting) with(?![a-z])|(?<![a-z])complain(?:s|ed|ing)? of(?![a-z])"
    r"|(?<![a-z])c/o(?![a-z])|(?<![a-z])chief complaint(?![a-z])"
    r"|(?<![a-z])(?:was|were|been|is|being|newly) diagnosed(?![a-z])|(?<![a-z])diagnosed with(?![a-z])"
    r"|(?<![a-z])(?:he|she) (?:is|was|has|had|reports|reported|complains|denies|presented)(?![a-z])"
    r"|(?<![a-z])(?:his|her) (?:symptoms|diagnosis|condition|medication|history|pain|blood)(?![a-z])"
    r"|(?<![a-z])(?:on examination|history of present illness|was admitted|follow-up visit)(?![a-z])"
)
_STORY_RE = re.compile(f"{_STORY_ZH}|{_STORY_EN}", re.IGNORECASE)


@lru_cache(maxsize=1024)  # field names repeat on every record
def is_subject_field(name: str) -> bool:
    """The field name ``name`` says whose record this is (patient, 患者, claimant, visit) or that it is a
    clinical one (diagnosis, 处方, 主诉, symptoms) — not 处方药 or prescription_only, a drug's class."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    words = re.sub(r"[^0-9a-z\u3400-\u9fff]+", " ", spaced.lower()).strip()
    return (
        bool(words) and not _NOT_SUBJECT_FIELDS.search(words) and _SUBJECT_FIELD_RE.search(words) is not None
    )


def tells_a_story(text: str) -> bool:
    """``text`` tells a patient's story: 患者男，45岁; 主诉; 诊断为; "the patient"; "presented with"."""
    return _STORY_RE.search(text) is not None


def _keys_and_texts(record: JsonValue) -> tuple[list[str], list[str]]:
    """Every field name of ``record``, at any depth, and every string in it. An explicit stack: no
    recursion limit."""
    keys: list[str] = []
    texts: list[str] = []
    stack: list[JsonValue] = [record]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            texts.append(node)
        elif isinstance(node, dict):
            keys.extend(str(key) for key in node)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return keys, texts


def has_subject(record: JsonValue, findings: Sequence[Finding]) -> bool:
    """``record`` shows a data subject: a finding that identifies a person, a person's or clinical field
    name, or running text that tells a patient's story (the module docstring)."""
    if any(f.entity not in NOT_SUBJECTS for f in findings):
        return True
    keys, texts = _keys_and_texts(record)
    if any(is_subject_field(key) for key in keys):
        return True
    return any(tells_a_story(text) for text in texts)  # the costliest signal last


def with_subjects(record: JsonValue, findings: list[Finding]) -> list[Finding]:
    """``findings`` without its ``HEALTH_DATA`` findings if ``record`` shows no data subject; the same list
    when nothing is dropped."""
    if not any(f.entity == HEALTH for f in findings) or has_subject(record, findings):
        return findings
    return [f for f in findings if f.entity != HEALTH]
