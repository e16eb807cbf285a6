"""PERSON: Chinese names (Simplified and Traditional), romanised Hong Kong / Macau names, English names.

A Chinese name is a surname from :mod:`detectors.lexicon.surnames` (single, or compound such as 欧阳 歐陽)
followed by one or two given-name characters. Because every surname character is also an everyday word
character (高血压, 周一, 陈皮), a match in free text needs context, and scores are graded by it:

* a cue word just before (患者 客戶 聯絡人 投保人 …) or a title just after (先生 女士 醫生 …): ``CUED``;
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
from detectors.lexicon.places import LATIN_PLACES, ORGANISATION_SUFFIXES, PLACES
from detectors.lexicon.surnames import COMPOUND_SURNAMES, NAME_CHARACTERS, SINGLE_SURNAMES
from detectors.lexicon.tcm import HERBS, TCM_TERMS
from detectors.lexicon.wordlist import trie_regex, word_set
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
    "不没沒无無未别別很较較更最会會能要应應需须須得着著过過"
    "年日时時分秒周週号號次度量率费費额額款价價税稅色性型"
    "市区區县縣省镇鎮乡鄉村路街巷楼樓层層室院医醫科所局厅廳处處部司店厂廠社校馆館站场場行"
    "病症证證痛炎瘤癌疮瘡咳嗽痰喘呕嘔吐泻瀉便尿血脉脈舌苔虚虛寒湿濕热熱瘀胀脹酸药藥汤湯丸散膏片剂劑煎服颗顆粒胶膠囊"
    "块塊斤毫升男女岁歲"
)
# Characters that end a name rather than continue it when they follow surname + one given character
# (患者王芳诉头痛 is 王芳, not 王芳诉).
_STOP_AFTER = "说說称稱诉訴述因自来來去已曾将將今昨近经經复復入出住现現签簽提办辦联聯电電手两兩同和先再"
_TITLES = word_set(
    """
    先生 女士 小姐 太太 夫人 医生 醫生 医师 醫師 大夫 护士 護士 老师 老師 教授 主任 经理 經理 律师 律師
    同学 同學 同志 阿姨 师傅 師傅 院长 院長 博士 伯伯 婆婆 姑娘 主治医师 主治醫師 治疗师 治療師
    药剂师 藥劑師 营养师 營養師 社工
    """
)
# Cue words right before a name (a colon or space may sit between).
_CUES = word_set(
    """
    患者 病人 病者 病患 就诊人 就診人 客户 客戶 顾客 顧客 姓名 名字 申请人 申請人 联系人 聯絡人 聯繫人
    联络人 聯系人 投保人 被保险人 被保險人 受保人 受益人 经办人 經辦人 监护人 監護人 家属 家屬 持卡人
    户主 戶主 借款人 担保人 擔保人 收件人 寄件人 收货人 收貨人 签名 簽名 签字 簽字 员工 員工 职员 職員
    法定代表人 负责人 負責人 代理人 委托人 委託人 当事人 當事人 业主 業主 住户 住戶 会员 會員 用户 用戶
    户名 戶名 收款人 付款人 汇款人 匯款人 联系 聯繫 聯絡 医生 醫生 医师 醫師 护士 護士 父亲 父親 母亲
    母親 丈夫 妻子 儿子 兒子 女儿 女兒 配偶 致电 致電 感谢 感謝 持证人 持證人 病人姓名 患者姓名
    患儿 患兒 产妇 產婦 孕妇 孕婦 家人 亲属 親屬 其子 其女 其妻 其夫 其兄 其姐 其弟 其妹 其父 其母
    之夫 之妻 之子 之女 哥哥 姐姐 弟弟 妹妹 外婆 外公 祖父 祖母 爷爷 爺爺 奶奶 嫲嫲 姨妈 姨媽 舅舅 姑姑
    叔叔 伯父 伯母 老公 老婆 女婿 儿媳 兒媳 孙子 孫子 孙女 孫女 携女 攜女 携子 攜子 我是 我叫 我係
    记录者 記錄者 记录人 記錄人 审核人 審核人 审核 審核 参加者 參加者 出席者 讨论病例 討論病例
    转给 轉給 转账给 轉賬給
    """
)
# Narrative words that, right after a name opening a sentence, make it the subject of a clinical note
# (陈志强今日复诊, 林美玲覆診, 黎詠欣自述…, 葉振邦於凌晨送院): as good a cue as 患者 before it.
_NARRATIVE = word_set(
    """
    今日 今天 今早 今晨 昨日 昨晚 昨夜 近日 近月 近期 复诊 復診 覆診 就诊 就診 到诊 到診 入院 出院 送院
    住院 诉 訴 自诉 自訴 自述 主诉 主訴 称 稱 服药 服藥 来电 來電 来诊 來診 现住 現住 于 於 因 产后 產後 术后
    術後
    """
)
# What may follow a stand-alone name and confirm it: a sex, an age, a phone or identity-card label.
_AFTER_CUES = word_set(
    """
    男 女 电话 電話 手机 手機 身份证 身份證 证件 證件 联系电话 聯絡電話 居民身份证 居民身份證 澳门居民身份证
    澳門居民身份證 香港身份证 香港身份證 回乡证 回鄉證 护照 護照
    """
)


_SURNAME = f"(?:{trie_regex(COMPOUND_SURNAMES)}|[{''.join(sorted(SINGLE_SURNAMES))}])"
_GIVEN = f"(?![{_NOT_GIVEN}])[{_HAN}]"
_TITLE_ALT = trie_regex(_TITLES)
_FIRST_GIVEN = f"(?!{_TITLE_ALT}){_GIVEN}"
_SECOND_GIVEN = f"(?!{_TITLE_ALT})(?![{_STOP_AFTER}]){_GIVEN}"
_NAME = f"{_SURNAME}{_FIRST_GIVEN}(?:{_SECOND_GIVEN})?"

_HAS_SURNAME_RE = re.compile(f"[{''.join(sorted({w[0] for w in COMPOUND_SURNAMES} | SINGLE_SURNAMES))}]")
# A cue word, or a bed number in a ward handover (床12 陳嘉欣, 12床 王芳).
_CUE = f"(?:{trie_regex(_CUES)}|床[號号]?\\s?\\d{{1,3}}|\\d{{1,3}}\\s?床)"
_CUED_RE = re.compile(f"{_CUE}[\\s:：]*(?:是|为|為|叫|名叫)?\\s*(?P<name>{_NAME})")
_TITLED_RE = re.compile(f"(?P<name>{_NAME})(?=\\s?(?:{_TITLE_ALT}))")
_HAS_TITLE_RE = re.compile(_TITLE_ALT)  # cheap first check: no title, no titled name
_BOUNDED_RE = re.compile(f"(?<![{_HAN}])(?P<name>{_SURNAME}{_GIVEN}(?:{_GIVEN})?)(?![{_HAN}])")
_WHOLE_RE = re.compile(f"{_SURNAME}{_GIVEN}(?:{_GIVEN})?")
# A name opening a sentence, followed by a word that ends it (陈志明的…): below the threshold, unless that
# word is a clinical narrative one (_NARRATIVE_SUBJECT_RE: 王芳因头痛就诊, 陈志强今日复诊).
_SUBJECT_RE = re.compile(f"(?<![{_HAN}])(?P<name>{_NAME})(?=[{_STOP_AFTER}于於在的])")
_HAS_SUBJECT_END_RE = re.compile(f"[{_STOP_AFTER}于於在的]")  # cheap first check for _SUBJECT_RE
_NARRATIVE_SUBJECT_RE = re.compile(f"(?<![{_HAN}])(?P<name>{_NAME})(?={trie_regex(_NARRATIVE)})")
_LIST_SEPARATORS = "、，,/和及与與"
_LAST_WORD_RE = re.compile(r"[A-Za-z]{2,}[.,:;]?\s*[(（]?\s*\Z")
_FIRST_WORD_RE = re.compile(r"\s*[)）]?[,.;:]?\s*[(（]?[A-Za-z]{2,}")
_HAN_CHARS_RE = re.compile(f"[{_HAN}]")
# ... or an identity number in brackets right after it: 溫志強（K382915(1)）, 陈明（440106…）.
_AFTER_CUE_RE = re.compile(
    f"[\\s,，、:：(（]*(?:{trie_regex(_AFTER_CUES)}|\\d{{1,3}}\\s*(?:岁|歲))"
    "|\\s?[(（]\\s?(?:[A-Z]{1,2}\\d{6}|\\d{17}[\\dXx]|[157]\\d{6})"
)

_NEVER_NAMES = HERBS | TCM_TERMS
_NOT_NAMES = COMMON_WORDS | PLACES
_LONGEST_WORD = max(len(word) for word in _NEVER_NAMES | _NOT_NAMES)

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
_ZH_CUE_RE = re.compile(trie_regex(_CUES))
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
        Pattern("zh_name_cued", f"(?:{trie_regex(_CUES)})[\\s:：]*(?P<name>{_NAME})", CUED),
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
    kept: list[tuple[tuple[int, int], float]] = []
    for (start, end), score in ranked:
        if all(end <= other[0][0] or start >= other[0][1] for other in kept):
            kept.append(((start, end), score))
    return sorted(kept)


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
    )


def _chinese_names(text: str, spans: dict[tuple[int, int], float]) -> None:
    stripped = text.strip()
    if 2 <= len(stripped) <= 4 and _WHOLE_RE.fullmatch(stripped):
        start = text.index(stripped)
        _whole_value(stripped, start, spans)
        return
    for match in _CUED_RE.finditer(text):
        start, end = match.span("name")
        if not _not_a_name(text, start, end):
            _add(spans, start, end, CUED)
    for match in _TITLED_RE.finditer(text) if _HAS_TITLE_RE.search(text) else ():
        start, end = match.span("name")
        if not _lexicon_word_at(text, start, _NEVER_NAMES) and not _everyday_word_at(text, start, end):
            _add(spans, start, end, CUED)
    for match in _BOUNDED_RE.finditer(text):
        start, end = match.span("name")
        if _not_a_name(text, start, end):
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
    for match in _NARRATIVE_SUBJECT_RE.finditer(text):
        start, end = match.span("name")
        if not _not_a_name(text, start, end):
            _add(spans, start, end, CUED)


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
    return any(stop in ends and score >= CUED for (_, stop), score in spans.items())


def _whole_value(value: str, offset: int, spans: dict[tuple[int, int], float]) -> None:
    if _lexicon_word_at(value, 0, _NEVER_NAMES):
        return
    end = offset + len(value)
    given = value[2:] if value[:2] in COMPOUND_SURNAMES else value[1:]
    if _everyday_word_at(value, 0, len(value)) or given in _TITLES:  # 高明 in a name field; 陈先生
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
    surname = tokens[index + 1]
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
            surname = after
    if not _ENGLISH_SURNAME_RE.fullmatch(surname.text) or surname.lower in NOT_SURNAMES:
        return
    if _followed_by_not_name(text, tokens, tokens.index(surname)):
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
