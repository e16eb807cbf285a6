"""HEALTH_DATA: diagnoses, TCM syndromes, symptoms, prescriptions and test results.

Simplified, Traditional and English text. The word lists live in :mod:`detectors.lexicon.health`; this
module compiles them once into a single regular expression (each list as a character trie, so a match
costs the same for three terms or three hundred) and scores what it finds:

* strong lexicon terms (高血压, 肝郁脾虚证, type 2 diabetes), lab values (血糖 7.8 mmol/L, HbA1c 6.5%,
  ALT 56 U/L, 150/95 mmHg), fractures and herb + dose lists (黄芪15g、白术9g) are findings on their own;
* everyday words that are also symptoms (焦虑, depression), herbs and drugs without a dose, and ICD-10
  codes need a context word (诊断, 病史, history of, 处方 ...) in the 24 characters before them;
* a short value made only of health terms and connectors becomes one whole-value finding
  (``胁肋胀痛，食少纳呆``, ``陈皮、黄芪``);
* every other short text gets a low-score whole-value candidate that only a field name such as
  ``diagnosis``, ``诊断``, ``symptoms`` or ``prescription`` (the classifier's hint) lifts over the
  threshold: what sits under such a field is health data, whatever its words.

The recognizer reads one text at a time; whether what it finds is about a person is decided over the whole
record by :mod:`detectors.subject` (a herb batch's herb list is no finding, a patient's is).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import ClassVar

from presidio_analyzer import Pattern

from detectors.lexicon import health as lex
from detectors.lexicon.wordlist import longest_first, trie_regex
from detectors.recognizers.base import CONTEXT_BOOST, CONTEXT_WINDOW, Span, SpanRecognizer

STRONG = 0.85  # lab values, syndromes, fractures, herb and drug doses
TERM = 0.75  # lexicon diagnoses and symptoms
ABBREVIATION = 0.6  # COPD, T2DM, unit-only measurements
NEEDS_CONTEXT = 0.3  # weak words, herbs and drugs alone, ICD-10 codes
HINT_ONLY = 0.2  # whole-value candidate: a finding only under a health field name

CACHED_TEXT_MAX = 64  # field values up to this length repeat (herbs, departments, dates): cache them
SPAN_CACHE_SIZE = 8192
WHOLE_VALUE_MAX = 48  # a value this short made only of health terms is one finding
CANDIDATE_MAX = 240  # longer texts get no whole-value candidate

_CJK = "\u3400-\u9fff"


def _english_forms(words: Iterable[str]) -> list[str]:
    """Lower-cased words with both apostrophes (Crohn's / Crohn’s) and hyphen-or-space variants."""
    out: dict[str, None] = {}
    for word in words:
        lowered = word.lower()
        for form in (lowered, lowered.replace("'", "’"), lowered.replace("-", " ")):
            out[form] = None
    return list(out)


def _chars(*groups: str) -> str:
    """A character-class body holding each group's characters in both scripts (regex-escaped)."""
    found = dict.fromkeys(char for group in groups for char in group + lex.to_traditional(group))
    return "".join(re.escape(char) for char in found)


def _alt(words: Sequence[str]) -> str:
    return "(?:" + "|".join(re.escape(w) for w in sorted(set(words), key=longest_first)) + ")"


# --- building blocks ------------------------------------------------------------------------------
# Every pattern begins with a character class or a trie of literals, so the regex engine skips to
# candidate positions in C; optional leading modifiers (急性, 炙, left, closed) are added afterwards by
# looking backwards from a match (``_extend_back``).

_ZH_KIND: dict[str, str] = {}
for _kind, _terms in (
    ("zhw", lex.both_scripts(lex.SYMPTOMS_ZH_WEAK)),
    ("herb", lex.both_scripts(lex.HERBS)),
    (
        "zh",
        [
            *lex.both_scripts(
                (*lex.DISEASES_ZH, *lex.TCM_DISEASES, *lex.SYMPTOMS_ZH, *lex.FORMULAS, *lex.DRUGS_ZH)
            ),
            *lex.HK_MO_TERMS,
        ],
    ),
):
    _ZH_KIND.update(dict.fromkeys(_terms, _kind))
_EN_KIND: dict[str, str] = {}
for _kind, _terms in (
    ("enw", _english_forms((*lex.WEAK_EN, *lex.DRUGS_EN_WEAK))),
    ("en", _english_forms((*lex.DISEASES_EN, *lex.SYMPTOMS_EN, *lex.DRUGS_EN))),
):
    _EN_KIND.update(dict.fromkeys(_terms, _kind))

_HERBS = lex.both_scripts(lex.HERBS)
_HERB_PREFIXES = tuple(sorted(lex.both_scripts(lex.HERB_PREFIXES), key=longest_first))
_ZH_MODIFIERS = tuple(sorted(lex.both_scripts(lex.MODIFIERS_ZH), key=longest_first))
_EN_MODIFIERS_BEFORE = re.compile(
    rf"(?:(?<![a-z0-9])(?:{trie_regex(_english_forms((*lex.MODIFIERS_EN, 'distal', 'proximal')))})\s+)+$"
)
_ZH_SUFFIX = r"(?:病史|史|[1-4一二三四](?:级|級|期)|[ⅠⅡⅢⅣ]+期)"

_DOSE = (
    r"(?:\d{1,3}(?:\.\d{1,2})?\s?(?:g|G|克|mg|ml|mL|毫升|片|粒|枚)(?![A-Za-z/])"
    r"|[一二三四五六七八九十两兩半]{1,3}\s?[钱錢]|\d{1,2}(?:\.\d)?\s?[钱錢])"
)
_HERB_NOTE = rf"(?:\s?[(（](?:{trie_regex(lex.both_scripts(lex.HERB_NOTES))})[)）])?"
_HERB_TRIE = trie_regex(_HERBS)
_HERB_LIST = (
    rf"(?:{_HERB_TRIE})\s?{_DOSE}{_HERB_NOTE}"
    rf"(?:\s?[，,、;；]?\s?(?:{trie_regex(_HERB_PREFIXES)})?(?:{_HERB_TRIE})\s?{_DOSE}{_HERB_NOTE})*"
)

_VALUE = r"(?:[<>≤≥]\s?)?\d{1,4}(?:\.\d{1,3})?(?:\s?/\s?\d{1,3}(?:\.\d{1,2})?)?"
_UNITS_ANY = (*lex.LAB_UNITS_ALONE, *lex.both_scripts(lex.LAB_UNITS_WITH_ANALYTE))
_UNITS_SHORT_CODE = (
    *lex.LAB_UNITS_ALONE,
    "g/L",
    "mg/L",
    "℃",
    "°C",
    "bpm",
    "/min",
    "mm/h",
    "s",
    "秒",
    "次/分",
)
_LAB_SEP = r"\s?(?:[:：=]|为|為|是|of|at|was|is)?\s?"
_FLAG = r"(?:\s?(?:[↑↓]|[(（](?:H|L|高|低|偏高|偏低)[)）]))?"

_SYN_ELEMENTS = _chars(lex.SYNDROME_ELEMENTS)
_SYN_STATES = _chars(lex.SYNDROME_STATES, "脫蘊")
_SYNDROME = rf"[{_SYN_ELEMENTS}{_SYN_STATES}]{{2,8}}[证證](?![{_chars(lex.SYNDROME_NOT_BEFORE)}])"

_TONGUE = rf"舌(?:质|質|体|體)?[{_chars(lex.TONGUE_FIRST)}][{_chars(lex.TONGUE_REST)}]{{0,5}}"
_COATING = rf"(?:舌苔|苔)[{_chars(lex.COATING_CHARS)}]{{1,5}}"
_PULSE = rf"[脉脈][{_chars(lex.PULSE_FIRST)}][{_chars(lex.PULSE_REST)}]{{0,4}}"
_TCM_SIGNS = (
    rf"(?:{_TONGUE}(?:[，,、\s]{{0,2}}{_COATING})?|{_COATING})(?:[，,、；;\s]{{0,2}}{_PULSE})?|{_PULSE}"
)

_FRACTURE_ZH = (
    rf"(?:{trie_regex(lex.both_scripts(lex.BONES_ZH))})(?:{trie_regex(lex.both_scripts(lex.BONE_PARTS_ZH))})?"
    rf"(?:{trie_regex(lex.both_scripts(lex.FRACTURE_KINDS_ZH))})?骨折"
)
_BONES_EN = (
    "radius radial ulna ulnar femur femoral tibia tibial fibula fibular humerus humeral clavicle clavicular "
    "rib ankle wrist hip vertebral scaphoid metacarpal metatarsal pelvic skull nasal colles colles'"
)
_FRACTURE_EN = (
    r"fractures?\s+of\s+(?:the\s+)?(?:(?:left|right|bilateral)\s+)?"
    r"(?:(?:distal|proximal|mid|midshaft|lower|upper)\s+)?[a-z]{3,}(?:\s+(?:bone|shaft|neck|head|radius))?"
    rf"|(?:{trie_regex(['femoral neck', *_BONES_EN.split()])})\s+fractures?"
)
_FREQUENCY = (
    r"(?:\s+(?:od|bd|bid|tds|tid|qds|qid|qd|qn|prn|nocte|mane|daily|once daily|twice daily"
    r"|three times daily))?"
)
# A medicine of any name with its dose and how it is taken (奥美拉唑 20mg bid, 阿莫西林 1g bid,
# 硝苯地平缓释片 10mg 口服, Bromhexine 8mg tds): a dose alone may be a sample or a pack size.
_MED_FREQ = (
    r"(?:qd|bid|tid|qid|qn|qod|qhs|prn|tds|bd|od|stat|po|ivgtt|ivgt|ivd|iv|im|sc|ih|q\d{1,2}[hdw]|nocte|mane"
    r"|daily|once daily|twice daily|at night"
    r"|每[日天晚][一二三四1-4]?次?|一日[一二三四1-4]次|睡前|口服|[静靜][注滴]|肌注|皮下注射|吸入|舌下含服|外用)"
)
_MED_DOSE = r"\s?\d{1,4}(?:\.\d{1,3})?(?:/\d{1,4})?\s?"
_MED_TAIL = rf"(?:mg|μg|µg|mcg|IU|g|ml|mL|片|粒)(?:/m²|/kg)?(?:\s?{_MED_FREQ}(?![A-Za-z])){{1,3}}"
_MED_ZH = rf"[{_CJK}]{{2,10}}{_MED_DOSE}{_MED_TAIL}"
_MED_EN = rf"[A-Z][a-z]{{3,20}}(?: (?:MR|SR|XR|ER|CR|XL|LA))?{_MED_DOSE}{_MED_TAIL}"
# Operations (腹腔镜胆囊切除术, 椎間孔鏡髓核摘除術), allergies (鸡蛋过敏, allergy to penicillin), pregnancy
# (G2P1, 孕16周, 妊娠 38+2 週) and clinical scores (VAS 6/10, PHQ-9 18, GAD-7 评分 12 分, Apgar 9/10).
_PROCEDURE = (
    rf"[{_CJK}]{{1,12}}?(?:切除|修补|修補|摘除|置换|置換|成形|移植|造瘘|造瘻|吻合|固定|重建|引流|植入)[术術]"
)
_ALLERGY = rf"[{_CJK}]{{1,8}}(?:过敏|過敏)(?!原检|原檢)|(?:allergy|allergic) to [a-z][a-z -]{{2,24}}[a-z]"
_PREGNANCY = (
    r"G\d{1,2}\s?P\d{1,2}(?![A-Za-z0-9-])"
    r"|(?:孕|妊娠\s?)\d{1,2}(?:\+\d)?\s?(?:周|週)"
)
_SCORE = (
    r"(?:VAS|NRS|PHQ-9|GAD-7|Apgar|GCS|MMSE|NIHSS|EDSS)\s?(?:评分|評分|score)?\s?[:：=]?\s?"
    r"\d{1,2}(?:\s?/\s?\d{1,2})?(?:\s?分)?(?![\d.])"
)
_QUAL_ANALYTES = trie_regex((*lex.both_scripts(lex.LAB_ANALYTES_ZH), *lex.LAB_QUALITATIVE_EN))
_QUAL_RESULTS = _alt((*lex.both_scripts(lex.LAB_QUALITATIVE_RESULTS), *lex.LAB_QUALITATIVE_EN_RESULTS))
_E = "(?![A-Za-z0-9])"  # an ASCII word end that also works next to CJK; word starts are checked after


def _lower_trie(words: Iterable[str]) -> str:
    return trie_regex(word.lower() for word in words)


# (kind, pattern, runs on the lower-cased text, needs ASCII letters, needs digits, needs CJK, needs one of)
_PASSES: tuple[tuple[str, re.Pattern[str], bool, bool, bool, bool, tuple[str, ...]], ...] = (
    ("rx", re.compile(_HERB_LIST), False, False, False, True, ()),
    (
        "bp",
        re.compile(rf"B/?P{_LAB_SEP}\d{{2,3}}\s?/\s?\d{{2,3}}(?:\s?mm\s?Hg)?{_E}"),
        False,
        True,
        True,
        False,
        (),
    ),
    (
        "lab",
        re.compile(
            rf"(?:{trie_regex(lex.both_scripts(lex.LAB_ANALYTES_ZH))}){_LAB_SEP}{_VALUE}"
            rf"(?:\s?{_alt(_UNITS_ANY)})?{_FLAG}"
        ),
        False,
        False,
        True,
        True,
        (),
    ),
    (
        "lab",
        re.compile(
            rf"(?:{trie_regex(_english_forms(lex.LAB_ANALYTES_EN))}){_LAB_SEP.lower()}{_VALUE}"
            rf"(?:\s?{_alt([unit.lower() for unit in _UNITS_ANY])})?{_FLAG.lower()}"
        ),
        True,
        True,
        True,
        False,
        (),
    ),
    (
        "labcode",
        re.compile(
            rf"(?:{trie_regex(lex.LAB_ANALYTES_EN_NEED_UNIT)}){_LAB_SEP}{_VALUE}\s?{_alt(_UNITS_SHORT_CODE)}{_FLAG}"
        ),
        False,
        True,
        True,
        False,
        (),
    ),
    (
        "qual",
        re.compile(rf"(?:{_QUAL_ANALYTES})\s?[:：]?\s?(?i:{_QUAL_RESULTS})"),
        False,
        False,
        False,
        False,
        (),
    ),
    (
        "meas",
        re.compile(
            rf"\d{{1,4}}(?:\.\d{{1,3}})?(?:\s?/\s?\d{{1,3}}(?:\.\d{{1,2}})?)?\s?{_alt(lex.LAB_UNITS_ALONE)}"
            r"(?![A-Za-z])"
        ),
        False,
        False,
        True,
        False,
        lex.LAB_UNITS_ALONE,  # cheaper to look for first than digits followed by one
    ),
    ("syn", re.compile(_SYNDROME), False, False, False, True, ("证", "證")),
    ("signs", re.compile(_TCM_SIGNS), False, False, False, True, ("舌", "苔", "脉", "脈")),
    ("fx", re.compile(_FRACTURE_ZH), False, False, False, True, ("骨折",)),
    ("fx", re.compile(rf"(?:{_FRACTURE_EN}){_E}"), True, True, False, False, ("fractur",)),
    (
        "drug",
        re.compile(
            rf"(?:{_lower_trie(_english_forms((*lex.DRUGS_EN, *lex.DRUGS_EN_WEAK)))})\s?\d+(?:\.\d+)?\s?"
            rf"(?:mg|g|mcg|µg|μg|ml|units?|iu){_E}{_FREQUENCY}"
        ),
        True,
        True,
        True,
        False,
        (),
    ),
    ("medzh", re.compile(_MED_ZH), False, False, True, True, ()),
    ("proc", re.compile(_PROCEDURE), False, False, False, True, ("术", "術")),
    ("allergy", re.compile(_ALLERGY), True, False, False, False, ("过敏", "過敏", "allerg")),
    ("preg", re.compile(_PREGNANCY), False, False, True, False, ()),
    ("score", re.compile(_SCORE), False, True, True, False, ()),
    ("meden", re.compile(_MED_EN), False, True, True, False, ()),
    ("zh", re.compile(rf"(?P<term>{trie_regex(_ZH_KIND)}){_ZH_SUFFIX}?"), False, False, False, True, ()),
    ("en", re.compile(rf"(?P<term>{_lower_trie(_EN_KIND)})(?:s|es)?{_E}"), True, True, False, False, ()),
    (
        "abbr",
        re.compile(rf"(?:{trie_regex(lex.DISEASES_EN_ABBREVIATIONS)}){_E}"),
        False,
        True,
        False,
        False,
        (),
    ),
    ("icd", re.compile(rf"[A-TV-Z]\d{{2}}(?:\.\d{{1,2}})?{_E}"), False, True, True, False, ()),
)
# The passes that can match a text, by what it holds: _PLANS[has_cjk + 2 * has_ascii + 4 * has_digit] is a
# tuple of (priority, kind, pattern, runs on the lower-cased text, a search for its "needs one of" words).
_PLANS: tuple[tuple[tuple[int, str, re.Pattern[str], bool, re.Pattern[str] | None], ...], ...] = tuple(
    tuple(
        (priority, kind, pattern, lower, re.compile("|".join(map(re.escape, any_of))) if any_of else None)
        for priority, (kind, pattern, lower, ascii_, digit, cjk, any_of) in enumerate(_PASSES)
        if not ((ascii_ and not mask & 2) or (digit and not mask & 4) or (cjk and not mask & 1))
    )
    for mask in range(8)
)
# Kinds whose match must start a word (the patterns themselves do not look behind).
_WORD_START = frozenset({"bp", "labcode", "en", "abbr", "icd", "drug", "meden", "preg", "score", "allergy"})

_SCORES: dict[str, float] = {
    "rx": STRONG,
    "bp": STRONG,
    "lab": STRONG,
    "labcode": STRONG,
    "qual": STRONG,
    "meas": ABBREVIATION,
    "syn": STRONG,
    "signs": TERM,
    "fx": STRONG,
    "drug": STRONG,
    "medzh": STRONG,
    "meden": STRONG,
    "proc": TERM,
    "allergy": TERM,
    "preg": STRONG,
    "score": STRONG,
    "zh": TERM,
    "zhw": NEEDS_CONTEXT,
    "herb": NEEDS_CONTEXT,
    "en": TERM,
    "abbr": ABBREVIATION,
    "enw": NEEDS_CONTEXT,
    "icd": NEEDS_CONTEXT,
}

# A diagnosis or symptom carries on through a bracketed qualifier and a duration right after it
# (抑鬱症（中度）, 鼻咽癌（T3N2M0，III期）, 上腹痛2月, 咳嗽三天): they are part of the health data.
_QUALIFIED = frozenset({"zh", "en", "syn", "fx", "abbr"})
_QUALIFIER_AFTER = re.compile(
    r"(?:\s?[（(][^（）()。；;\n]{1,24}[）)])?"
    r"(?:\s?(?:\d{1,3}|[一二三四五六七八九十两兩半]{1,3})\s?(?:天|日|周|週|个月|個月|月|年|days?|weeks?|months?|years?)"
    r"(?:余|餘|多)?(?![A-Za-z]))?"
)
_HAS_CJK = re.compile(rf"[{_CJK}]")
_HAS_ASCII = re.compile(r"[A-Za-z]")
_HAS_DIGIT = re.compile(r"\d")
# What may sit between health terms of one value: list punctuation and "and", "with", 伴 ...
_CONNECTORS = re.compile(
    r"[\s，,、;；/&+]|伴|及|和|与|與|并|並|兼|合并|合併|(?<![A-Za-z])(?:and|with)(?![A-Za-z])"
)
_LONG_DIGITS = re.compile(r"\d{7}|@|https?://")
_WORDY = re.compile(rf"[{_CJK}]|[A-Za-z]{{2}}")

_NOT_BEFORE = tuple(lex.both_scripts(lex.NOT_BEFORE_ZH))
_TERM_NOT_BEFORE = {
    form: tuple(lex.both_scripts(after))
    for term, after in lex.TERM_NOT_BEFORE_ZH.items()
    for form in lex.both_scripts([term])
}
_TERM_NOT_AFTER = {
    form: tuple(lex.both_scripts(before))
    for term, before in lex.TERM_NOT_AFTER_ZH.items()
    for form in lex.both_scripts([term])
}
_NOT_SYNDROMES = tuple(lex.both_scripts(lex.NOT_SYNDROMES))
_SYN_ELEMENT_SET = frozenset(_chars(lex.SYNDROME_ELEMENTS).replace("\\", ""))
_SYN_STATE_SET = frozenset(_chars(lex.SYNDROME_STATES, "脫蘊").replace("\\", ""))


def word_pattern(words: Iterable[str]) -> re.Pattern[str]:
    """Case-insensitive search for any of ``words``; ASCII words only as whole words (lab, not label)."""
    parts = []
    for word in sorted(set(words), key=longest_first):
        escaped = re.escape(word.lower())
        parts.append(rf"(?<![a-z]){escaped}(?:s|es)?(?![a-z])" if word.isascii() else escaped)
    return re.compile("|".join(parts), re.IGNORECASE)


@lru_cache(maxsize=1024)  # field names repeat on every record
def hint_words(hint: str) -> str:
    """A field name as lower-case words: ``dateOfBirth`` -> ``date of birth``, ``lab_result`` -> ``lab
    result``."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", hint)
    return re.sub(r"[^0-9a-z\u3400-\u9fff]+", " ", spaced.lower()).strip()


_CONTEXT_RE = word_pattern(lex.both_scripts(lex.CONTEXT))
_HINT_RE = word_pattern(
    lex.both_scripts(
        (
            "diagnosis",
            "diagnoses",
            "diagnos",
            "dx",
            "诊断",
            "证型",
            "辨证",
            "证候",
            "syndrome",
            "symptom",
            "症状",
            "主诉",
            "complaint",
            "prescription",
            "rx",
            "处方",
            "方药",
            "herb",
            "药材",
            "medication",
            "medicine",
            "drug",
            "用药",
            "lab",
            "labs",
            "lab result",
            "test result",
            "检验",
            "化验",
            "检查结果",
            "vital",
            "vitals",
            "病史",
            "medical history",
            "history",
            "病历",
            "condition",
            "conditions",
            "illness",
            "disease",
            "疾病",
            "病情",
            "allergy",
            "allergies",
            "过敏",
            "icd",
            "blood pressure",
            "血压",
            "血糖",
            "glucose",
            "hba1c",
            "治疗",
            "treatment",
        )
    )
)
_HINT_NEGATIVE_RE = word_pattern(
    lex.both_scripts(
        (
            "date",
            "time",
            "日期",
            "时间",
            "id",
            "no",
            "number",
            "编号",
            "doctor",
            "physician",
            "nurse",
            "医生",
            "医师",
            "department",
            "dept",
            "科室",
            "hospital",
            "医院",
            "clinic",
            "by",
        )
    )
)


class HealthDataRecognizer(SpanRecognizer):
    ENTITY = "HEALTH_DATA"
    # Presidio needs a pattern; matching is done by ``find_health_spans`` in ``analyze``.
    PATTERNS: ClassVar[list[Pattern]] = [Pattern("health_lexicon", r"(?!)", TERM)]
    CONTEXT = lex.CONTEXT
    NEGATIVE_CONTEXT = ()

    def spans(self, text: str) -> Sequence[Span]:
        if not text:
            return ()
        return _cached_value_spans(text) if len(text) <= CACHED_TEXT_MAX else value_spans(text)

    def score_with_hint(self, score: float, hint: str) -> float:
        """A health field name (``diagnosis``, ``症狀``, ``lab_results``) raises the score; a date, id or
        doctor field (``diagnosis_date``, ``doctor_id``) does not."""
        return min(1.0, score + CONTEXT_BOOST) if is_health_hint(hint) else score


@lru_cache(maxsize=1024)  # field names repeat on every record
def is_health_hint(hint: str) -> bool:
    """The field name ``hint`` says its value is health data (and is no date, id or doctor field)."""
    words = hint_words(hint)
    return bool(words) and not _HINT_NEGATIVE_RE.search(words) and _HINT_RE.search(words) is not None


def value_spans(text: str) -> tuple[tuple[int, int, float], ...]:
    """``(start, end, score)`` of what ``analyze`` reports for ``text``: its health terms, one span
    over a value made only of them, or the terms plus a hint-only whole-value candidate."""
    spans = find_health_spans(text)
    whole = _whole_value(text, spans)
    if whole is not None:
        return (whole,)
    candidate = _candidate(text)
    if candidate is not None:
        spans.append(candidate)
    return tuple(spans)


_cached_value_spans = lru_cache(maxsize=SPAN_CACHE_SIZE)(value_spans)  # thread-safe, bounded


def find_health_spans(text: str) -> list[tuple[int, int, float]]:
    """``(start, end, score)`` of every health term in ``text``, scores raised by nearby context words."""
    has_cjk = _HAS_CJK.search(text) is not None
    has_ascii = _HAS_ASCII.search(text) is not None
    if not (has_cjk or has_ascii):
        return []
    has_digit = _HAS_DIGIT.search(text) is not None
    lowered = text.lower() if has_ascii else text
    if len(lowered) != len(text):  # a rare character whose lower case is longer: keep offsets
        lowered = text
    candidates: list[tuple[int, int, int, str]] = []  # start, priority, end, kind
    for priority, kind, pattern, lower, needs in _PLANS[has_cjk + 2 * has_ascii + 4 * has_digit]:
        haystack = lowered if lower else text
        if needs is not None and needs.search(haystack) is None:
            continue
        for match in pattern.finditer(haystack):
            found = _accept(text, match, kind)
            if found is not None:
                candidates.append((found[0], priority, found[1], found[2]))
    spans: list[tuple[int, int, float]] = []
    last_end = -1
    for start, _, end, kind in sorted(candidates):
        if start < last_end:
            continue
        if kind in _QUALIFIED and (qualifier := _QUALIFIER_AFTER.match(text, end)) is not None:
            end = qualifier.end()
        last_end = end
        score = _SCORES[kind]
        if kind == "rx" and not _plausible_doses(text[start:end]):
            score = NEEDS_CONTEXT
        if _CONTEXT_RE.search(text, max(0, start - CONTEXT_WINDOW), start):
            score = min(1.0, score + CONTEXT_BOOST)
        spans.append((start, end, score))
    return spans


def _accept(text: str, match: re.Match[str], kind: str) -> tuple[int, int, str] | None:
    """The span and kind of a match, extended backwards over its modifiers; None to drop it."""
    start, end = match.span()
    if kind in _WORD_START and start and text[start - 1].isascii() and text[start - 1].isalnum():
        return None
    if kind == "meas" and start and (text[start - 1].isdigit() or text[start - 1] == "."):
        return None
    if kind == "zh":
        term = match.group("term")
        kind = _ZH_KIND[term]
        if not _keep_chinese(text, start, end, term):
            return None
        if kind != "herb":
            start = _extend_back(text, start, _ZH_MODIFIERS)
    elif kind == "en":
        kind = _EN_KIND[match.group("term")]
        start = _extend_back_english(text, start)
    elif kind == "fx":
        start = (
            _extend_back(text, start, _ZH_MODIFIERS)
            if "骨" in match.group()
            else _extend_back_english(text, start)
        )
    elif kind == "syn" and not _plausible_syndrome(match.group()[:-1]):
        return None
    if kind in ("rx", "herb"):
        start = _extend_back(text, start, _HERB_PREFIXES, times=1)
    return start, end, kind


def _extend_back(text: str, start: int, words: tuple[str, ...], times: int = 4) -> int:
    """Move ``start`` back over up to ``times`` of ``words`` written right before it (急性, 左侧, 炙)."""
    for _ in range(times):
        before = text[max(0, start - 4) : start]
        word = next((w for w in words if before.endswith(w)), None)
        if word is None:
            break
        start -= len(word)
    return start


def _extend_back_english(text: str, start: int) -> int:
    """Move ``start`` back over English modifiers before it (chronic, severe, left, closed ...)."""
    before = text[max(0, start - 60) : start].lower()
    found = _EN_MODIFIERS_BEFORE.search(before)
    return start - (len(before) - found.start()) if found else start


def _keep_chinese(text: str, start: int, end: int, term: str) -> bool:
    """Drop Chinese terms that another word turns into something else (肾病科, 打骨折, 发烧友)."""
    rest = text[end : end + 6]
    if rest.startswith(_NOT_BEFORE) or rest.startswith(_TERM_NOT_BEFORE.get(term, ("\0",))):
        return False
    before = text[max(0, start - 4) : start]
    return not any(word in before for word in _TERM_NOT_AFTER.get(term, ()))


def _plausible_syndrome(body: str) -> bool:
    """A syndrome names an organ or substance and a state (肝郁, 气虚), or two substances (湿热)."""
    if any(body.endswith(word) for word in _NOT_SYNDROMES):
        return False
    elements = sum(char in _SYN_ELEMENT_SET for char in body)
    states = sum(char in _SYN_STATE_SET and char not in _SYN_ELEMENT_SET for char in body)
    return elements >= 2 or (elements >= 1 and states >= 1)


_DOSE_NUMBER = re.compile(r"(\d+(?:\.\d+)?)\s?(g|G|克)")


def _plausible_doses(prescription: str) -> bool:
    """Herb doses of a decoction are a few grams to a few tens; 500g is a shop's bag of 陈皮."""
    return all(float(number) <= 60 for number, _ in _DOSE_NUMBER.findall(prescription))


def _strip(text: str) -> tuple[int, int]:
    start = len(text) - len(text.lstrip())
    return start, len(text.rstrip())


def _whole_value(text: str, spans: list[tuple[int, int, float]]) -> tuple[int, int, float] | None:
    """One span over a short value made only of health terms and connectors (胁肋胀痛，食少纳呆)."""
    if not spans or len(text) > WHOLE_VALUE_MAX or _LONG_DIGITS.search(text):
        return None
    covered = [False] * len(text)
    for span_start, span_end, _ in spans:
        for index in range(span_start, span_end):
            covered[index] = True
    rest = "".join(" " if covered[index] else char for index, char in enumerate(text))
    if _CONNECTORS.sub("", rest).strip():
        return None
    start, end = _strip(text)
    return start, end, max(score for _, _, score in spans)


def _candidate(text: str) -> tuple[int, int, float] | None:
    """A whole-value span scored so that only a health field name (the hint) makes it a finding."""
    if len(text) > CANDIDATE_MAX or _LONG_DIGITS.search(text) or not _WORDY.search(text):
        return None
    start, end = _strip(text)
    return (start, end, HINT_ONLY) if end > start else None
