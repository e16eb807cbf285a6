"""PERSON: Chinese names (Simplified and Traditional), romanised Hong Kong / Macau names, English names.

A Chinese name is a surname from :mod:`detectors.lexicon.surnames` (single, or compound such as 欧阳 歐陽)
followed by one or two given-name characters. Because every surname character is also an everyday word
character (高血压, 周一, 陈皮), a match in free text needs context, and scores are graded by it:

* a cue word just before (患者 客戶 聯絡人 投保人 …), a role or post (记者 所长 總監 物理治療師 …) or a title
  just after (先生 女士 醫生 …): ``CUED``; so are a clause-opening name before a reporting verb (张伟表示),
  a name before 本人 / 之妻 / 你好, an @-mention whose handle is a name (@王小明), and a bare surname before
  先生 / 小姐 / 女士 / 太太 or, standing alone, Cantonese 生 / 姐 / 太 (王先生, 陳太: the surname is found);
* a whole field value of 2–4 Han characters shaped like a name: ``WHOLE_VALUE`` (a field name such as
  ``name`` or ``联系人`` adds the usual hint boost in the classifier);
* the subject of a clinical note's sentence, a name opening it before a narrative word (``王芳因头痛就诊``,
  ``陈志强今日复诊``, ``葉振邦於凌晨送院``): ``CUED``;
* a stand-alone run of Han characters between punctuation: ``BOUNDED`` (below the threshold), raised to
  ``CUED`` when a sex, an age, a phone/ID label or a bracketed id number follows (``陈志明，男，45岁``), when
  it follows a name found in the same list, or when it stands in an English sentence (``for 李静怡``).

Herbs and TCM terms, place names, organisation names (…医院, …公司) and everyday words that start with a
surname character are never names; a whole value that is an everyday word or a place gets only a
hint-level score, so that ``{"name": "高明"}`` still counts while ``{"status": "安全"}`` does not.

Latin script: a romanised surname (Chan, CHAN, Leong, Zhang …) followed by one or two Cantonese / pinyin
syllables (``Chan Tai Man``, ``CHAN Tai-man``), optionally after an English first name; or an English
first name followed by a capitalised surname (``Mary Johnson``). Cue words (Mr, Dr, patient, 聯絡人 …)
in the 24 characters before add the usual context boost.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import chain
from typing import ClassVar, NamedTuple

from presidio_analyzer import Pattern

from detectors.lexicon.common_words import COMMON_WORDS
from detectors.lexicon.latin_names import (
    AMBIGUOUS_SURNAMES,
    ENGLISH_SYLLABLES,
    FIRST_NAMES,
    LATIN_CUES,
    NOT_SURNAMES,
    ROMANISED_SURNAMES,
)
from detectors.lexicon.name_cues import (
    AFTER_CUES,
    BEFORE_CANTONESE_TITLE,
    CANTONESE_SURNAME_TITLES,
    CUES,
    ENDS_IN_SURNAME,
    NAME_MARKERS_AFTER,
    NARRATIVE,
    NOT_REPORTING,
    NOT_ROLES,
    REPORTING,
    ROLES,
    SURNAME_TITLES,
    TITLES,
)
from detectors.lexicon.places import LATIN_PLACES, ORGANISATION_SUFFIXES, PLACES
from detectors.lexicon.surnames import COMPOUND_SURNAMES, NAME_CHARACTERS, SINGLE_SURNAMES
from detectors.lexicon.tcm import HERBS, TCM_TERMS
from detectors.lexicon.wordlist import trie_regex
from detectors.overlaps import disjoint
from detectors.recognizers.base import CONTEXT_BOOST, CONTEXT_WINDOW, Span, SpanRecognizer

CUED = 0.65  # a cue word before or a title after a Chinese name
WHOLE_VALUE = 0.6  # the whole field is a 2-4 character name (3 or more characters, or a name-like given)
WHOLE_VALUE_WEAK = 0.45  # a two-character value whose given character is unusual in names
HINT_ONLY = 0.16  # a whole value that is an everyday word or a place: a name only under a name field
BOUNDED = 0.4  # a stand-alone three- or four-character run between punctuation
BOUNDED_SHORT = 0.3  # a stand-alone two-character run
LATIN_FULL = 0.6  # Chan Tai Man, Mary Johnson
LATIN_MARKED = 0.7  # CHAN Tai-man: capitals or a hyphenated given name mark the surname
LATIN_SHORT = 0.4  # Chan Wing: a surname and a single syllable
AMBIGUOUS_PENALTY = 0.2
ENGLISH_SYLLABLE_PENALTY = 0.15
FIRST_NAME_BONUS = 0.1  # Peter Chan Tai-man

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

# Characters that (almost) never appear in a given name but are common right after a surname character
# in ordinary words: function words, units, places, organisations, medicine, dates.
_NOT_GIVEN = (
    "的了是在与與及或也都又还還就把被让讓给給对對从從往至到这這那哪什么麼吗嗎呢吧啊呀哦嘛个個们們些每各该該某此"
    "不没沒无無未别別很较較更最会會要应應需须須得着著过過"
    "年日分秒周週号號次度量率费費额額款价價税稅色性型副总總老"
    "市区區县縣省镇鎮乡鄉村路街巷楼樓层層室院医醫科所局厅廳处處部司店厂廠社校馆館站场場行宫宮"
    "病症证證痛瘤癌疮瘡咳嗽痰喘呕嘔吐泻瀉便尿血脉脈舌苔虚虛寒湿濕热熱瘀胀脹酸药藥汤湯丸散膏片剂劑煎服颗顆粒胶膠囊"
    "块塊斤毫男女岁歲"
)
# Characters that end a name rather than continue it when they follow surname + one given character
# (患者王芳诉头痛 is 王芳, not 王芳诉). 时 and 能 open a given name (李时珍, 陈能) but rarely end one.
_STOP_AFTER = "说說称稱诉訴述因自来來去已曾将將今昨近经經复復入出住现現签簽提办辦联聯电電手两兩同和先再时時能"
_TITLES = TITLES
_CUES = CUES | ROLES


_SURNAME = f"(?:{trie_regex(COMPOUND_SURNAMES)}|[{''.join(sorted(SINGLE_SURNAMES))}])"
# The same as one trie (欧 or 欧阳), for regexes that begin with the name: a literal first character lets the
# engine skip the positions where no surname starts (a lookbehind first prevents that: those use _SURNAME).
_SURNAME_TRIE = trie_regex(COMPOUND_SURNAMES | SINGLE_SURNAMES)
_GIVEN = f"(?![{_NOT_GIVEN}])[{_HAN}]"
_TITLE_ALT = trie_regex(_TITLES)
_FIRST_GIVEN = f"(?!{_TITLE_ALT}){_GIVEN}"
_SECOND_GIVEN = f"(?!{_TITLE_ALT})(?![{_STOP_AFTER}]){_GIVEN}"
_NAME = f"{_SURNAME}{_FIRST_GIVEN}(?:{_SECOND_GIVEN})?"
_NAME_FIRST = f"{_SURNAME_TRIE}{_FIRST_GIVEN}(?:{_SECOND_GIVEN})?"  # for regexes that begin with the name

_HAS_SURNAME_RE = re.compile(f"[{''.join(sorted({w[0] for w in COMPOUND_SURNAMES} | SINGLE_SURNAMES))}]")
# A cue word, or a bed number in a ward handover (床12 陳嘉欣, 12床 王芳).
# (Two regexes: cue words alone begin with a literal, which lets the engine skip most positions.)
_CUE = trie_regex(_CUES)
_BED = "床[號号]?\\s?\\d{1,3}|\\d{1,3}\\s?床"
_CUE_TAIL = f"[\\s:：\\-－]*(?:是|为|為|叫|名叫)?\\s*(?P<name>{_NAME})"
_CUED_RE = re.compile(f"(?P<cue>{_CUE}){_CUE_TAIL}")
_BED_RE = re.compile(f"(?P<cue>{_BED}){_CUE_TAIL}")
_TITLED_RE = re.compile(f"(?P<name>{_NAME_FIRST})(?=\\s?(?P<title>{_TITLE_ALT}))")
# A bare surname before 先生 / 小姐 / 女士 / 太太 (王先生, 歐陽小姐): the surname is the name.
_SURNAME_TITLED_RE = re.compile(f"(?P<name>{_SURNAME_TRIE})(?={trie_regex(SURNAME_TITLES)})")
_HAS_SURNAME_TITLE_RE = re.compile(trie_regex(SURNAME_TITLES))
# Cantonese 陳生, 李姐, 黃太: a bare surname standing alone (or after 搵 / 同 / 多謝 …) before 生 / 姐 / 太.
_CANTONESE_TITLED_RE = re.compile(
    f"(?P<name>{_SURNAME_TRIE})[{''.join(sorted(CANTONESE_SURNAME_TITLES))}]"
    f"(?=[^{_HAN}\\-－—]|$|你好|您好|嘅|話|话|講|讲|係|呀|啊|今日|已|想|問|问|打|來|来)"
)
_HAS_CANTONESE_TITLE_RE = re.compile(f"[{''.join(sorted(CANTONESE_SURNAME_TITLES))}]")
_BEFORE_CANTONESE_TITLE_RE = re.compile(f"(?:{trie_regex(BEFORE_CANTONESE_TITLE)})\\Z")
# A clause-opening name before a reporting verb (张伟表示，…; 毛寿龙说).
_REPORTED_RE = re.compile(f"(?<![{_HAN}])(?P<name>{_NAME})(?=\\s?(?:{trie_regex(REPORTING)}))")
# A name marked as the person meant, wherever it stands (建议鄧凱婷本人…, 區嘉怡你好, 孔祥林之妻).
_MARKED_RE = re.compile(f"(?P<name>{_NAME_FIRST})(?={trie_regex(NAME_MARKERS_AFTER)})")
# An @-mention in social text whose handle is a whole name (@王小明).
_MENTION_RE = re.compile(f"[@＠](?P<name>{_SURNAME}{_GIVEN}(?:{_GIVEN})?)(?![{_HAN}])")
# Words after a three-character candidate that start at its last character: the name is two long
# (记者王芳报道 is 王芳; 患者王芳于3月…).
_ENDER_RE = re.compile(trie_regex(REPORTING | NARRATIVE))
# Organisation words that may begin inside a candidate (浙江大学: 江大学 is no name) or after a title
# (金杜律师事务所: 金杜 is no lawyer).
_ORGANISATION_WORDS = (*(w for w in ORGANISATION_SUFFIXES if len(w) > 1), "事务所", "事務所")
_ORGANISATION_WORD_RE = re.compile(trie_regex(_ORGANISATION_WORDS))
# A sex in brackets or after a comma: an everyday word before it is a name all the same (康宁（女，…）).
_SEX_AFTER_RE = re.compile("\\s?[(（,，:：]\\s?[男女](?:[,，、)）;；\\s]|$)")
_HAS_TITLE_RE = re.compile(_TITLE_ALT)  # cheap first check: no title, no titled name
_BOUNDED_RE = re.compile(f"(?<![{_HAN}])(?P<name>{_SURNAME}{_GIVEN}(?:{_GIVEN})?)(?![{_HAN}])")
_WHOLE_RE = re.compile(f"{_SURNAME}{_GIVEN}(?:{_GIVEN})?")
# A married woman's name in Hong Kong style: her husband's surname before her own (陳李美華, 司徒陳美鳳).
_MARRIED_RE = re.compile(f"{_SURNAME}[{''.join(sorted(SINGLE_SURNAMES))}]{_GIVEN}{_GIVEN}")
# A name opening a sentence, followed by a word that ends it (陈志明的…): below the threshold, unless that
# word is a clinical narrative one (_NARRATIVE_SUBJECT_RE: 王芳因头痛就诊, 陈志强今日复诊).
_SUBJECT_RE = re.compile(f"(?<![{_HAN}])(?P<name>{_NAME})(?=[{_STOP_AFTER}于於在的])")
_HAS_SUBJECT_END_RE = re.compile(f"[{_STOP_AFTER}于於在的]")  # cheap first check for _SUBJECT_RE
_NARRATIVE_SUBJECT_RE = re.compile(f"(?<![{_HAN}])(?P<name>{_NAME})(?={trie_regex(NARRATIVE)})")
# Names that open a clause before a narrative or reporting word, or stand before a marker, with a cheap
# first check for each (None: always run).
_SUBJECT_RULES: tuple[tuple[re.Pattern[str], re.Pattern[str] | None], ...] = (
    (_NARRATIVE_SUBJECT_RE, None),
    (_REPORTED_RE, re.compile(trie_regex(REPORTING))),
    (_MARKED_RE, re.compile(trie_regex(NAME_MARKERS_AFTER))),
)
_LIST_SEPARATORS = "、，,/和及与與"
_LAST_WORD_RE = re.compile(r"[A-Za-z]{2,}[.,:;]?\s*[(（]?\s*\Z")
_FIRST_WORD_RE = re.compile(r"\s*[)）]?[,.;:]?\s*[(（]?[A-Za-z]{2,}")
_HAN_CHARS_RE = re.compile(f"[{_HAN}]")
_NUMERALS = "0123456789０１２３４５６７８９一二三四五六七八九十百千两兩几幾数數"
# ... or an identity number in brackets right after it: 溫志強（K382915(1)）, 陈明（440106…）.
# A bracket may sit between the name and the sex (韩文武（离任）：男), and a phone number in brackets
# confirms it too (谭志刚（139 2875 4106）).
_AFTER_CUE_RE = re.compile(
    f"[\\s,，、:：(（)）]*(?:[(（][^()（）]{{1,10}}[)）][\\s,，、:：]*)?(?:{trie_regex(AFTER_CUES)}|\\d{{1,3}}\\s*(?:岁|歲))"
    "|\\s?[(（]\\s?(?:[A-Z]{1,2}\\d{6}|\\d{17}[\\dXx]|[157]\\d{6}|(?:\\+?\\d{2,4}[\\s-]?)?\\d{3,4}[\\s-]?\\d{4}[)）])"
)

_NEVER_NAMES = HERBS | TCM_TERMS
_NOT_NAMES = COMMON_WORDS | PLACES
_LONGEST_WORD = max(len(word) for word in _NEVER_NAMES | _NOT_NAMES)
# Longer than any Chinese name found (a compound surname and two given characters are four): how far back
# from its end a listed name is looked up, so that a list of names costs its length, not its square.
_LONGEST_NAME = 8
_LONGEST_ORGANISATION_WORD = max(len(word) for word in _ORGANISATION_WORDS)

# Latin script.
_HAS_UPPER_RE = re.compile("[A-ZÀ-ÖØ-Þ]")
_UPPER = "A-ZÀ-ÖØ-Þ"  # Latin capitals, with the accented ones of Portuguese names (José, António)
_LETTER = "A-Za-zÀ-ÖØ-öø-ÿ"
# A capitalised word; an apostrophe inside (O'Brien) but not a possessive 's (Peter Chan's mother).
_LATIN_TOKEN_RE = re.compile(
    f"(?<![{_LETTER}0-9])[{_UPPER}](?:[{_LETTER}]|['’](?![sS](?![{_LETTER}])))*(?:-[{_LETTER}]+)*(?![{_LETTER}0-9])"
)
_INITIAL = "(?:ch|sh|zh|ts|tz|sz|kw|gw|ng|[bcdfghjklmnpqrstvwxyz])?"
_SYLLABLE = f"{_INITIAL}[aeiou]{{1,3}}(?:ng|n|m|k|p|t|h)?"
# One Cantonese / Macau / pinyin syllable (Kar and Yuer may end in r), or two joined (Xiaoming).
_SYLLABLE_RE = re.compile(f"{_SYLLABLE}|{_INITIAL}[aeiou]{{1,3}}r|tsz|ng|m|hm")
_TWO_SYLLABLES_RE = re.compile(f"(?:{_SYLLABLE}){{2}}")
_ENGLISH_SURNAME_RE = re.compile(
    f"(?:Mc|Mac|O'|O’)?[{_UPPER}][a-zß-öø-ÿ]+(?:-[{_UPPER}][a-zß-öø-ÿ]+)?|[{_UPPER}]{{2,}}(?:-[{_UPPER}]{{2,}})?"
)
# Surname / given names in capitals as airline bookings (ZHANG/WEI) and DICOM (WONG^SIU^MING) write them.
_SLASHED_NAME_RE = re.compile(
    r"(?<![A-Za-z])(?P<surname>[A-Z]{2,})[/^](?P<given>[A-Z]{2,}(?:[ ^][A-Z]{2,}){0,2})"
)
_LATIN_CUE_RE = re.compile(r"\b(?:" + "|".join(LATIN_CUES) + r")\b")
_ZH_CUE_RE = re.compile(trie_regex(CUES))
_DOSE_AFTER_RE = re.compile(r"\s?\d{1,3}(?:\.\d)?\s?(?:g|mg|ml)(?![A-Za-z])")
_SPACE_RE = re.compile(r"[ \t\u00a0\u3000]+")
_COMMA_RE = re.compile(r"\s*,\s*")


class _Token(NamedTuple):
    start: int
    end: int
    text: str
    lower: str


class PersonRecognizer(SpanRecognizer):
    ENTITY = "PERSON"
    CONTEXT_ENHANCED = True
    # The shapes, for documentation and Presidio's explanations; ``analyze`` does the work, because a
    # name needs lexicon checks that a pattern cannot express.
    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern("zh_name_cued", _CUED_RE.pattern, CUED),
        Pattern("zh_name_titled", f"{_NAME}(?=\\s?(?:{_TITLE_ALT}))", CUED),
        Pattern("zh_name_whole_value", f"^{_SURNAME}{_GIVEN}(?:{_GIVEN})?$", WHOLE_VALUE),
        Pattern("zh_name_bounded", _BOUNDED_RE.pattern, BOUNDED),
        Pattern("latin_name", r"\b[A-Z][A-Za-z]+,?\s+[A-Z][A-Za-z]+(?:[\s-][A-Za-z]+)?\b", LATIN_FULL),
    ]
    # Field names that make a value a name (the classifier's hint).
    CONTEXT = (
        "name",
        "姓名",
        "名字",
        "patient",
        "customer",
        "client",
        "claimant",
        "contact",
        "applicant",
        "insured",
        "beneficiary",
        "guardian",
        "holder",
        "person",
        "recipient",
        "sender",
        "doctor",
        "患者",
        "病人",
        "客户",
        "客戶",
        "联系人",
        "聯絡人",
        "聯繫人",
        "申请人",
        "申請人",
        "投保人",
        "被保险人",
        "被保險人",
        "受益人",
        "经办人",
        "經辦人",
        "监护人",
        "監護人",
        "持卡人",
        "收件人",
        "收货人",
        "收貨人",
        "医生",
        "醫生",
    )
    # Field names whose values are things, not people (``hospital_name`` nets out to no boost).
    NEGATIVE_CONTEXT = (
        "herb",
        "drug",
        "medicine",
        "product",
        "hospital",
        "company",
        "branch",
        "department",
        "diagnosis",
        "brand",
        "retailer",
        "merchant",
        "shop",
        "store",
        "syndrome",
        "symptom",
        "药",
        "藥",
        "医院",
        "醫院",
        "公司",
        "科室",
        "诊断",
        "診斷",
        "品牌",
        "商户",
        "商戶",
        "商家",
    )

    def spans(self, text: str) -> list[Span]:
        spans: dict[tuple[int, int], float] = {}
        if _HAS_SURNAME_RE.search(text) is not None:
            _chinese_names(text, spans)
        if _HAS_UPPER_RE.search(text) is not None:
            _latin_names(text, spans)
        if not spans:
            return []
        return [(start, end, score) for (start, end), score in _without_overlaps(spans)]


def find_person_spans(text: str) -> list[tuple[int, int, float]]:
    """``(start, end, score)`` of every name candidate in ``text``, overlaps resolved (tests, tools)."""
    spans: dict[tuple[int, int], float] = {}
    _chinese_names(text, spans)
    _latin_names(text, spans)
    return [(start, end, score) for (start, end), score in _without_overlaps(spans)]


def _add(spans: dict[tuple[int, int], float], start: int, end: int, score: float) -> None:
    key = (start, end)
    if score > spans.get(key, 0.0):
        spans[key] = min(1.0, score)


def _without_overlaps(spans: dict[tuple[int, int], float]) -> list[tuple[tuple[int, int], float]]:
    ranked = sorted(spans.items(), key=lambda item: (-item[1], -(item[0][1] - item[0][0]), item[0][0]))
    return sorted(disjoint(ranked, _bounds))


def _bounds(item: tuple[tuple[int, int], float]) -> tuple[int, int]:
    return item[0]


# --- Chinese ------------------------------------------------------------------------------------


def _lexicon_word_at(text: str, start: int, words: frozenset[str]) -> bool:
    """A word of ``words`` starts at ``start`` (陈皮 in 陈皮9g, 何首乌 in 何首乌10g)."""
    stop = min(len(text), start + _LONGEST_WORD)
    return any(text[start:end] in words for end in range(start + 2, stop + 1))


def _everyday_word_at(text: str, start: int, end: int) -> bool:
    """An everyday word or place starts the candidate ``text[start:end]``, and the candidate is not a name
    that merely begins like one: 王国俊 is a name though 王国 is a word, 常规检 is not."""
    stop = min(len(text), start + _LONGEST_WORD)
    for word_end in range(start + 2, stop + 1):
        if text[start:word_end] not in _NOT_NAMES:
            continue
        looks_like_name = (
            word_end - start == 2
            and end - start == 3
            and text[start + 1] in NAME_CHARACTERS
            and text[start + 2] in NAME_CHARACTERS
        )
        if not looks_like_name:
            return True
    return False


def _not_a_name(text: str, start: int, end: int) -> bool:
    return (
        _lexicon_word_at(text, start, _NEVER_NAMES)
        or _everyday_word_at(text, start, end)
        or text.startswith(ORGANISATION_SUFFIXES, end)
        or _organisation_inside(text, start, end)
    )


def _organisation_inside(text: str, start: int, end: int) -> bool:
    """An organisation word begins inside the candidate ``text[start:end]`` (江大学 of 浙江大学)."""
    found = _ORGANISATION_WORD_RE.search(text, start + 1, end + _LONGEST_ORGANISATION_WORD)
    return found is not None and found.start() < end


def _glued_before(text: str, start: int) -> bool:
    """The character at ``start`` ends a word that begins before it (谢谢, 方向, 对于, 300万): no name
    starts there."""
    if start == 0:
        return False
    return text[start - 1 : start + 1] in ENDS_IN_SURNAME or (
        text[start] in "万萬" and text[start - 1] in _NUMERALS
    )


def _place_as_given(text: str, start: int, end: int) -> bool:
    """The given name of the candidate is a place (谈武汉经适房: 谈 + 武汉 is no name)."""
    return end - start == 3 and (text[start + 1 : end] in PLACES or text[start + 1 : end] in COMMON_WORDS)


def _trimmed(text: str, start: int, end: int) -> int:
    """The end of a three-character candidate whose last character begins a reporting or narrative word
    (王芳报道, 王芳于3月): one shorter. Otherwise ``end``."""
    if end - start == 3 and text[start:end][:2] not in COMPOUND_SURNAMES and _ENDER_RE.match(text, end - 1):
        return end - 1
    return end


def _chinese_names(text: str, spans: dict[tuple[int, int], float]) -> None:
    stripped = text.strip()
    if 2 <= len(stripped) <= 4 and _WHOLE_RE.fullmatch(stripped):
        start = text.index(stripped)
        _whole_value(stripped, start, spans)
        return
    if 4 <= len(stripped) <= 5 and _MARRIED_RE.fullmatch(stripped):  # 陳李美華, 司徒陳美鳳
        if not _not_a_name(stripped, 0, len(stripped)):
            start = text.index(stripped)
            _add(spans, start, start + len(stripped), WHOLE_VALUE_WEAK)
        return
    for match in chain(_CUED_RE.finditer(text), _BED_RE.finditer(text) if "床" in text else ()):
        start, end = match.span("name")
        if _false_role(text, match.end("cue")):
            continue
        if text[start] in "向于於" and not _AFTER_CUE_RE.match(text, end):  # 负责人向美方介绍: a preposition
            continue
        end = _trimmed(text, start, end)
        if not _not_a_name(text, start, end) and not _place_as_given(text, start, end):
            _add(spans, start, end, CUED)
    _titled_names(text, spans)
    for match in _BOUNDED_RE.finditer(text):
        start, end = match.span("name")
        if _not_a_name(text, start, end):
            if text[start:end] in COMMON_WORDS and _SEX_AFTER_RE.match(text, end):  # 康宁（女，…）
                _add(spans, start, end, CUED)
            continue
        listed = start > 1 and text[start - 1] in _LIST_SEPARATORS and _cued_name_ends(text, start - 1, spans)
        cued = listed or _AFTER_CUE_RE.match(text, end) or _latin_cue_before(text, start)
        if cued or (_latin_word_beside(text, start, end) and _mostly_latin(text)):
            _add(spans, start, end, CUED)
        else:
            _add(spans, start, end, BOUNDED if end - start >= 3 else BOUNDED_SHORT)
    for match in _SUBJECT_RE.finditer(text) if _HAS_SUBJECT_END_RE.search(text) else ():
        start, end = match.span("name")
        if not _not_a_name(text, start, end):
            _add(spans, start, end, BOUNDED if end - start >= 3 else BOUNDED_SHORT)
    for regex, quick in _SUBJECT_RULES:
        for match in regex.finditer(text) if quick is None or quick.search(text) else ():
            start, end = match.span("name")
            if regex is _REPORTED_RE and text[end - 1 : end + 1] in NOT_REPORTING:  # 小说, 自称
                continue
            if not _glued_before(text, start) and not _not_a_name(text, start, end):
                _add(spans, start, end, CUED)
    if "@" in text or "＠" in text:
        for match in _MENTION_RE.finditer(text):
            start, end = match.span("name")
            if not _not_a_name(text, start, end):
                _add(spans, start, end, CUED)


def _false_role(text: str, cue_end: int) -> bool:
    """The cue ending at ``cue_end`` is part of a longer word that is no role (已经理解, 不会长期), or its
    last character begins a place (东莞市长安: 长安 is a town, not 市长 安…)."""
    return _lexicon_word_at(text, cue_end - 1, PLACES) or any(
        text.startswith(word, cue_end - len(word)) for word in NOT_ROLES if cue_end >= len(word)
    )


def _titled_names(text: str, spans: dict[tuple[int, int], float]) -> None:
    """Names before a title (陈志明先生, 胡振东主任), and bare surnames before 先生 / 小姐 / 女士 / 太太
    or, in Cantonese, 生 / 姐 / 太 (王先生, 陳生, 李姐)."""
    for match in _TITLED_RE.finditer(text) if _HAS_TITLE_RE.search(text) else ():
        start, end = match.span("name")
        if _glued_before(text, start) or _verb_then_surname(text, start, end):
            continue
        if (
            not _lexicon_word_at(text, start, _NEVER_NAMES)
            and not _everyday_word_at(text, start, end)
            and not text.startswith(_ORGANISATION_WORDS, match.end("title"))  # 金杜律师事务所
            and not _organisation_inside(text, start, end)  # 江大学 of 浙江大学教授
        ):
            _add(spans, start, end, CUED)
    if _HAS_SURNAME_TITLE_RE.search(text):
        for match in _SURNAME_TITLED_RE.finditer(text):
            start, end = match.span("name")
            if not _weak_surname_at(text, start):
                _add(spans, start, end, CUED)
    if _HAS_CANTONESE_TITLE_RE.search(text):
        for match in _CANTONESE_TITLED_RE.finditer(text):
            start, end = match.span("name")
            alone = start == 0 or not _HAN_CHARS_RE.match(text, start - 1)
            after_verb = _BEFORE_CANTONESE_TITLE_RE.search(text, max(0, start - 2), start) is not None
            word = text[start : end + 1]
            if (alone or after_verb) and word not in COMMON_WORDS and not _not_a_name(text, start, end + 1):
                _add(spans, start, end, CUED)


def _verb_then_surname(text: str, start: int, end: int) -> bool:
    """A two-character candidate that is a verb and a bare surname (祝黄教授, 谢王先生): the name is the
    surname alone."""
    return (
        end - start == 2
        and text[start] in "祝谢謝向于於请請叫问問找给給让讓"
        and text[start + 1] in SINGLE_SURNAMES
    )


def _weak_surname_at(text: str, start: int) -> bool:
    """The surname at ``start`` is more likely a preposition or the end of a word (向先生请教, 谢谢先生)."""
    glued = start > 0 and _HAN_CHARS_RE.match(text, start - 1) is not None
    return (glued and text[start] in "向于於") or _glued_before(text, start)


def _latin_word_beside(text: str, start: int, end: int) -> bool:
    """A Latin word right before or after ``text[start:end]`` (for 李静怡 (Li Jingyi), Pt 鍾家樂 c/o)."""
    return (
        _LAST_WORD_RE.search(text, max(0, start - CONTEXT_WINDOW), start) is not None
        or _FIRST_WORD_RE.match(text, end) is not None
    )


@lru_cache(maxsize=256)  # asked once per stand-alone run of a text; texts repeat
def _mostly_latin(text: str) -> bool:
    """``text`` is an English sentence with some Chinese in it: twice as many Latin letters as Han."""
    letters = sum(1 for char in text if char.isascii() and char.isalpha())
    return letters > 2 * len(_HAN_CHARS_RE.findall(text))


def _cued_name_ends(text: str, end: int, spans: dict[tuple[int, int], float]) -> bool:
    """A name found with a cue ends at ``end``, or just before a title that does (胡振东主任、…)."""
    ends = {end} | {end - len(title) for title in _TITLES if text.endswith(title, 0, end)}
    return any(
        spans.get((start, stop), 0.0) >= CUED for stop in ends for start in range(stop - _LONGEST_NAME, stop)
    )


def _whole_value(value: str, offset: int, spans: dict[tuple[int, int], float]) -> None:
    if _lexicon_word_at(value, 0, _NEVER_NAMES):
        return
    end = offset + len(value)
    given = value[2:] if value[:2] in COMPOUND_SURNAMES else value[1:]
    if _everyday_word_at(value, 0, len(value)):  # 高明 in a name field
        _add(spans, offset, end, HINT_ONLY)
    elif given in SURNAME_TITLES or (given in CANTONESE_SURNAME_TITLES and not _weak_surname_at(value, 0)):
        _add(spans, offset, end - len(given), CUED)  # 陈先生, 陳太: the surname is the name
    elif given in _TITLES:  # 陈医生
        _add(spans, offset, end, HINT_ONLY)
    elif len(value) == 2 and value[1] not in NAME_CHARACTERS:
        _add(spans, offset, end, WHOLE_VALUE_WEAK)
    else:
        _add(spans, offset, end, WHOLE_VALUE)


# --- Latin script ---------------------------------------------------------------------------------


def _tokens(text: str) -> list[_Token]:
    return [_Token(m.start(), m.end(), m.group(), m.group().lower()) for m in _LATIN_TOKEN_RE.finditer(text)]


def _spaced(text: str, left: _Token, right: _Token) -> bool:
    return _SPACE_RE.fullmatch(text, left.end, right.start) is not None


def _syllables(token: _Token) -> list[str] | None:
    """The given-name syllables of a token (``Tai-man`` -> two), or None if it is not one."""
    parts = token.lower.replace("’", "'").split("-")
    if len(parts) > 2:
        return None
    if len(parts) == 1 and _TWO_SYLLABLES_RE.fullmatch(parts[0]):
        return parts if parts[0] not in NOT_SURNAMES else None
    if any(not _SYLLABLE_RE.fullmatch(part) for part in parts):
        return None
    if any(part in NOT_SURNAMES for part in parts):
        return None
    return parts


def _latin_cue_before(text: str, start: int) -> bool:
    window = text[max(0, start - CONTEXT_WINDOW) : start]
    return _LATIN_CUE_RE.search(window.lower()) is not None or _ZH_CUE_RE.search(window) is not None


def _is_place(words: list[str], starts: int = 1) -> bool:
    """Two to four of ``words``, from one of the first ``starts`` words on, name a romanised place
    (Wong Tai Sin, Ma On Shan …)."""
    return any(
        " ".join(words[start : start + n]) in LATIN_PLACES
        for start in range(min(starts, len(words) - 1))
        for n in range(2, min(len(words) - start, 4) + 1)
    )


def _followed_by_not_name(text: str, tokens: list[_Token], index: int) -> bool:
    """One of the (up to two) capitalised words right after ``tokens[index]`` is a road, firm, hospital …"""
    previous = tokens[index]
    for token in tokens[index + 1 : index + 3]:
        if not _spaced(text, previous, token):
            return False
        if token.lower.rstrip(".") in NOT_SURNAMES:
            return True
        previous = token
    return False


def _latin_names(text: str, spans: dict[tuple[int, int], float]) -> None:
    if "/" in text or "^" in text:
        _slashed_names(text, spans)
    tokens = _tokens(text)
    for index, token in enumerate(tokens):
        if token.lower.replace("-", "") in ROMANISED_SURNAMES:
            _romanised_name(text, tokens, index, spans)
        if token.lower in FIRST_NAMES:
            _english_name(text, tokens, index, spans)
        _western_order_name(text, tokens, index, spans)


def _slashed_names(text: str, spans: dict[tuple[int, int], float]) -> None:
    """ZHANG/WEI, HO/CHUN YIN, WONG^SIU^MING: a romanised surname, then given-name syllables (a title
    such as MR after them is not part of the name)."""
    for match in _SLASHED_NAME_RE.finditer(text):
        if match["surname"].lower() not in ROMANISED_SURNAMES:
            continue
        end = match.start("given")
        for part in re.finditer("[A-Z]+", match["given"]):
            if not _SYLLABLE_RE.fullmatch(part[0].lower()) and not _TWO_SYLLABLES_RE.fullmatch(
                part[0].lower()
            ):
                break
            end = match.start("given") + part.end()
        if end > match.start("given"):
            _add(spans, match.start(), end, LATIN_MARKED)


def _romanised_name(text: str, tokens: list[_Token], index: int, spans: dict[tuple[int, int], float]) -> None:
    surname = tokens[index]
    last = index
    given: list[str] = []
    hyphenated = False
    while last + 1 < len(tokens) and len(given) < 2:
        nxt = tokens[last + 1]
        joined = _spaced(text, tokens[last], nxt) or (
            not given and surname.text.isupper() and _COMMA_RE.fullmatch(text, surname.end, nxt.start)
        )
        syllables = _syllables(nxt) if joined else None
        if not syllables or len(given) + len(syllables) > 2:
            break
        hyphenated = hyphenated or len(syllables) == 2
        given.extend(syllables)
        last += 1
    if not given:
        return
    words = [surname.lower, *given, *(t.lower for t in tokens[last + 1 : last + 3])]
    starts = 1
    if index > 0 and _spaced(text, tokens[index - 1], surname):
        words.insert(0, tokens[index - 1].lower)  # Ho Man Tin is a place, so Man Tin is no name
        starts = 2
    if _is_place(words, starts) or _followed_by_not_name(text, tokens, last):
        return
    if _DOSE_AFTER_RE.match(text, tokens[last].end):  # Bai Shao 12g: a herb in pinyin, not a person
        return
    marked = surname.text.isupper() and not tokens[last].text.isupper()
    if len(given) == 1 and _TWO_SYLLABLES_RE.fullmatch(given[0]):
        score = LATIN_SHORT + 0.1 + (0.1 if marked else 0.0)  # Wang Xiaoming, ZHANG Xiaoming
    elif len(given) == 1:
        score = LATIN_SHORT + (0.1 if marked else 0.0)
    elif hyphenated or marked:
        score = LATIN_MARKED
    else:
        score = LATIN_FULL
    if surname.lower in AMBIGUOUS_SURNAMES and not surname.text.isupper():
        score -= AMBIGUOUS_PENALTY
    score -= ENGLISH_SYLLABLE_PENALTY * sum(1 for syllable in given if syllable in ENGLISH_SYLLABLES)
    start = surname.start
    if index > 0 and tokens[index - 1].lower in FIRST_NAMES and _spaced(text, tokens[index - 1], surname):
        start = tokens[index - 1].start
        score += FIRST_NAME_BONUS
    if _latin_cue_before(text, start):
        score += CONTEXT_BOOST
    _add(spans, start, tokens[last].end, score)


def _english_name(text: str, tokens: list[_Token], index: int, spans: dict[tuple[int, int], float]) -> None:
    first = tokens[index]
    if index + 1 >= len(tokens) or not _spaced(text, first, tokens[index + 1]):
        return
    surname_index = index + 1
    surname = tokens[surname_index]
    # A middle initial (John F. Kennedy) or a second first name (Mary Ann Smith) may sit in between.
    if index + 2 < len(tokens):
        middle, after = surname, tokens[index + 2]
        initial = len(middle.text) == 1 and text.startswith(".", middle.end)
        gap_start = middle.end + (1 if initial else 0)
        if (
            (initial or middle.lower in FIRST_NAMES)
            and _SPACE_RE.fullmatch(text, gap_start, after.start)
            and _ENGLISH_SURNAME_RE.fullmatch(after.text)
            and after.lower not in NOT_SURNAMES
        ):
            surname_index, surname = index + 2, after
    if not _ENGLISH_SURNAME_RE.fullmatch(surname.text) or surname.lower in NOT_SURNAMES:
        return
    if _followed_by_not_name(text, tokens, surname_index):
        return
    score = LATIN_FULL + (CONTEXT_BOOST if _latin_cue_before(text, first.start) else 0.0)
    _add(spans, first.start, surname.end, score)


def _western_order_name(
    text: str, tokens: list[_Token], index: int, spans: dict[tuple[int, int], float]
) -> None:
    """Given name first, surname marked by capitals or after a hyphenated given name: ``Tai Man CHAN``,
    ``Tai-man Chan``."""
    first = tokens[index]
    if first.text.isupper() or index + 1 >= len(tokens):
        return
    syllables = _syllables(first)
    if not syllables:
        return
    position = index + 1
    if len(syllables) == 1 and position < len(tokens) and _spaced(text, first, tokens[position]):
        second = _syllables(tokens[position])
        if second is None or len(second) != 1 or tokens[position].text.isupper():
            return
        position += 1
    elif len(syllables) == 1:
        return
    if position >= len(tokens) or not _spaced(text, tokens[position - 1], tokens[position]):
        return
    surname = tokens[position]
    if surname.lower.replace("-", "") not in ROMANISED_SURNAMES:
        return
    if not (surname.text.isupper() or "-" in first.text):
        return
    words = [t.lower for t in tokens[index : position + 3]]
    if _is_place(words) or _followed_by_not_name(text, tokens, position):
        return
    score = LATIN_FULL + (CONTEXT_BOOST if _latin_cue_before(text, first.start) else 0.0)
    _add(spans, first.start, surname.end, score)
