"""From the model's tagged words to findings: names and address-grade locations, with the lexicons' vetoes.

Pure functions over :class:`~detectors.ner.model.Word` lists; the recognizers in
``detectors/recognizers/ner_person.py`` and ``ner_location.py`` call them.

* **Where the model runs**: running text, never identifier-shaped, code or short enumerated values
  (:func:`is_running_text`).
* **Names**: a ``PER`` word of two or more characters with a Han character, unless a lexicon says it is
  not a person: a herb or TCM term (何首烏), Cantonese pronouns and particles (佢哋喺度), a zodiac sign, an
  everyday word, or a word with digits. The parts of a transliterated name are one name (奥普拉·温弗利,
  约翰□米勒: the model reads them apart), and a romanisation in brackets right after a name goes with it
  (卡杜（cadu）). A name in Latin script needs an English first name (Mike, FrankPearce).
* **Addresses**: a run of place words (``LOC``, or an ``ORG`` that ends like a place: 惠州市) with the
  numbered parts after it (94号, 小区, 18栋, 三期, b座, 1502室) is an address only when it is
  *address-grade*: it holds a number with a house, building, floor or room unit. A city or district alone
  (北京市海淀区) is not personal data and is not flagged.
* ``ORG`` words are never findings; they are returned as context (:func:`organisation_spans`), so that a
  name rule's match inside an organisation (周大福 in 周大福珠宝) can be dropped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from detectors.lexicon.common_words import COMMON_WORDS
from detectors.lexicon.latin_names import FIRST_NAMES
from detectors.lexicon.places import ORGANISATION_SUFFIXES, PLACES
from detectors.lexicon.tcm import HERBS, TCM_TERMS
from detectors.lexicon.wordlist import longest_first, trie_regex
from detectors.ner.model import Word

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN_CHAR = re.compile(f"[{_HAN}]")
# What the model recognizers need before they run: a Han character (the classifier searches it once).
HAN_TRIGGER = _HAN_CHAR
# Running text: at least this many Han characters, not counting a value that is just a short name or label.
MIN_HAN = 4
# Cantonese pronouns and particles the model takes for names (佢哋喺度 as PER).
CANTONESE = frozenset("佢哋喺嘅咗啲冇唔嘢咁咩乜嚟俾畀睇㗎啩囉喎嘞咪噉嗰呢度緊")
ZODIAC = frozenset(
    [
        "白羊座",
        "金牛座",
        "双子座",
        "雙子座",
        "巨蟹座",
        "狮子座",
        "獅子座",
        "处女座",
        "處女座",
        "天秤座",
        "天蝎座",
        "天蠍座",
        "射手座",
        "摩羯座",
        "水瓶座",
        "双鱼座",
        "雙魚座",
    ]
)
_DIGIT = re.compile(r"[0-9０-９]")
# A house, building, floor, room or lot number: a number (Arabic, full-width or Chinese) and its unit.
_NUMBERED = re.compile(
    r"(?:[0-9０-９]+|[一二三四五六七八九十百零〇两兩]+)\s*[-－]?\s*"
    r"(?:号|號|栋|棟|幢|座|室|楼|樓|层|層|弄|巷|排|组|組|期|街|单元|單元|F|f)"
    r"|[A-Za-zＡ-Ｚ]\s*座|[0-9]+\s*/\s*F"
)
_PLACE_END = tuple("省市区區县縣镇鎮乡鄉村")
# Words that continue an address after its place words (a numbered part, an estate or building word).
_ADDRESS_PART = re.compile(
    r"^(?:[0-9０-９A-Za-zＡ-Ｚ一二三四五六七八九十百零〇两兩\-－#]+"
    r"(?:号|號|栋|棟|幢|座|室|楼|樓|层|層|弄|巷|排|组|組|期|单元|單元|户|戶)?"
    r"|小区|小區|社区|社區|新村|花园|花園|大厦|大廈|公寓|苑|庭|阁|閣|村|组|組|号|號|栋|棟|幢|座|室|楼|樓|层|層"
    r"|单元|單元|户|戶|期|之)$"
)
# Function words and measure words that no name is made of (卢两国, 童办实, 席上用 are words the model
# glued together); kept short: transliterated and given names use many characters (科, 得, 更, 国, 无).
_NEVER_IN_NAMES = frozenset(
    "的了是在与與及或也都又还還就把被让讓给給对對从從往到这這那哪么麼吗嗎呢吧啊呀哦嘛个個们們些每各该該某此"
    "没沒很较較最需须須着著过過两兩万萬亿億"
)
# Of those, the characters a name the model is sure of may hold (郭在根, 李从容, 雅各布, 张万山).
SURE = 0.8
_NEVER_IN_SURE_NAMES = _NEVER_IN_NAMES - frozenset("在从從各万萬")
# Formulas and patent medicines end so (a name almost never does).
_FORMULA_ENDS = tuple("散汤湯丸饮飲膏")
_BRACKETED = re.compile(r"[（(][^（）()]{1,8}[)）]")
_ORGANISATION_WORDS = (
    *(w for w in ORGANISATION_SUFFIXES if len(w) >= 2),
    *("有限", "药业", "藥業", "药厂", "藥廠", "集团", "集團"),
)
_HERB_WORDS = sorted(HERBS | TCM_TERMS, key=longest_first)
_HERB_REACH = max(map(len, _HERB_WORDS))
_HERB_RE = re.compile(trie_regex(_HERB_WORDS))
# Buildings, floors, rooms and halls: a word ending so carries an address on after its number.
_BUILDING_END = re.compile(
    r"(?:大厦|大廈|中心|广场|廣場|大楼|大樓|号楼|號樓|楼|樓|层|層|室|馆|館|厅|廳|座|栋|棟|单元|單元|门|門|铺|舖|档|檔)$"
)
# Transliterated names: parts joined by a dot (奥普拉·温弗利, 约翰□米勒, 比尔．盖茨) or a dash.
_DOTS = "·•・‧∙．.□"
_DASHES = "\\-－"
_JOINER = re.compile(f"[{_DOTS}{_DASHES}]")
_DOT = re.compile(f"[{_DOTS}]")
_DASH = re.compile(f"[{_DASHES}]")
_HAN_PART = re.compile(f"[{_HAN}]+")
_GLUED_PART = re.compile(f"[{_DOTS}{_DASHES}][{_HAN}]{{1,6}}")
_PART_MAX = 6
# Punctuation, function words, numbers, times and organisations are no part of a name.
_NOT_PARTS = frozenset({"w", "u", "p", "c", "r", "d", "m", "q", "TIME", "ORG"})
_NAME_TAGS = frozenset({"PER", "LOC", "nz", "n"})  # the model reads a first name before a dot as one of these
# A name the model read in Latin script: capitalised parts (Mike, LISA, FrankPearce, Ben Bell).
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z .'\-]*")
_LATIN_PARTS = re.compile(r"(?P<first>[A-Z][a-z]+|[A-Z]{2,})(?:[ .'\-]?[A-Z][a-z]+)*")
# A romanisation in brackets right after a name: 卡杜（cadu）, 曾宏达(Faith), 菲尔·布朗（Phil Brown）.
_ROMANISED = re.compile(r"\s?[（(]\s?[A-Za-z][A-Za-z .'\-]{1,40}[)）]")
_MENTION_ENDS = frozenset("@＠:： \u3000/，,")
PERSON_SCORE = 0.75
# A name's score follows the encoder's confidence in its tags: from PERSON_FLOOR (a coin toss) up to
# PERSON_SCORE (certain); names the model is less than about CONFIDENT sure of fall below the default
# threshold of 0.5 (measured on the public corpora's dev splits: load/results/README.md).
CONFIDENT = 0.4
PERSON_FLOOR = 0.5 - (PERSON_SCORE - 0.5) * CONFIDENT / (1 - CONFIDENT)


def person_score(confidence: float) -> float:
    """The score of a model name whose tags the encoder gave ``confidence`` (0-1): 0.5 at ``CONFIDENT``."""
    return round(PERSON_FLOOR + (PERSON_SCORE - PERSON_FLOOR) * confidence, 4)


ADDRESS_SCORE = 0.7


def han_count(text: str) -> int:
    return len(_HAN_CHAR.findall(text))


def is_running_text(text: str) -> bool:
    """Whether the model should read ``text``: enough Han characters to be words in a sentence."""
    if len(text) < MIN_HAN:
        return False
    return han_count(text) >= MIN_HAN


def needs_model(text: str, found: Sequence[tuple[int, int, float, str]]) -> bool:
    """Whether the model should read ``text`` after the rules found ``found`` in it: it is running text,
    and at least ``MIN_HAN`` of its Han characters lie outside what the rules found (a value the rules
    explain whole — a name, an address, a diagnosis, a prescription — needs no second reading)."""
    if not is_running_text(text):
        return False
    if not found:
        return True
    covered = [False] * len(text)
    for start, end, _, _ in found:
        covered[start:end] = [True] * (end - start)
    outside = 0
    for index, char in enumerate(text):
        if not covered[index] and _HAN_CHAR.match(char):
            outside += 1
            if outside >= MIN_HAN:
                return True
    return False


def is_person(word: str, confidence: float = 0.0) -> bool:
    """Whether a ``PER`` word from the model may stand as a name on its own (the lexicons' vetoes);
    ``confidence``: the model's in its tags (a name it is ``SURE`` of may hold 在, 从, 各 or 万)."""
    if len(word) < 2 or _HAN_CHAR.search(word) is None or _DIGIT.search(word):
        return False
    if word in HERBS or word in TCM_TERMS or word in ZODIAC or word in COMMON_WORDS or word in PLACES:
        return False
    if len(word) >= 3 and word.endswith(_FORMULA_ENDS):
        return False  # 荆防败毒散, 陈李济保济丸: a formula or a patent medicine
    never = _NEVER_IN_SURE_NAMES if confidence >= SURE else _NEVER_IN_NAMES
    if any(char in CANTONESE for char in word) or any(char in never for char in word[1:]):
        return False  # 佢哋喺度; 卢两国, 童工作, 席上用: a word no name is made of
    # 安安静静: a reduplicated adjective
    return not (len(word) == 4 and word[0] == word[1] and word[2] == word[3])


def _is_emoticon(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is all of a square-bracketed tag: Weibo's and WeChat's emoticons are
    written as words in brackets ([浮云], [哈哈], [晕]), which the model may read as a given name."""
    return start > 0 and end < len(text) and text[start - 1] == "[" and text[end] == "]"


def _names_an_organisation(text: str, end: int) -> bool:
    """Whether an organisation word follows ``end``, perhaps after a place: 余仁生（香港）有限公司."""
    match = _BRACKETED.match(text, end)
    rest = text[match.end() if match else end : end + 16]
    return rest.startswith(_ORGANISATION_WORDS)


def _in_herb(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` overlaps a herb or TCM term written around it (王不 of 王不留行)."""
    window_start = max(0, start - _HERB_REACH)
    return any(
        m.start() < end and start < m.end()
        for m in _HERB_RE.finditer(text, window_start, min(len(text), end + _HERB_REACH))
    )


def is_latin_name(word: str) -> bool:
    """Whether a Latin-script ``PER`` word is a name: capitalised parts, the first an English first name
    (Mike, LISA, FrankPearce, Ben Bell); lower-case handles and brands (bwin, atari) and other capitalised
    words (Blizzard) are not."""
    parts = _LATIN_PARTS.fullmatch(word)
    return parts is not None and parts["first"].lower() in FIRST_NAMES


def _part(text: str, word: Word) -> bool:
    """Whether ``word`` can be a part of a transliterated name: Han characters, no function word."""
    part = text[word.start : word.end]
    return (
        word.tag not in _NOT_PARTS
        and len(part) <= _PART_MAX
        and _HAN_PART.fullmatch(part) is not None
        and not any(char in _NEVER_IN_NAMES for char in part)
    )


def _joined(text: str, words: Sequence[Word], index: int) -> tuple[int, int]:
    """The first and last word of the transliterated name around the ``PER`` word at ``index``: parts
    joined by a dot (奥普拉·温弗利, 约翰□米勒, 比尔．盖茨), or by a dash to a part the model also read as a
    name (乔纳森-格雷泽)."""
    first = last = index
    count = len(words)
    while last + 1 < count:
        word = words[last + 1]
        glued = _GLUED_PART.fullmatch(text, word.start, word.end)
        if glued is not None and not _DASH.match(glued[0]):
            last += 1  # ·温弗利: the dot and the part as one word
            continue
        if last + 2 < count and _JOINER.fullmatch(text, word.start, word.end):
            after = words[last + 2]
            dash = _DASH.match(text, word.start) is not None
            if _part(text, after) and (not dash or after.tag == "PER"):
                last += 2
                continue
        break
    while first >= 2 and _DOT.fullmatch(text, words[first - 1].start, words[first - 1].end):
        before = words[first - 2]
        if not (_part(text, before) and before.tag in _NAME_TAGS):
            break
        first -= 2
    return first, last


def _romanised_end(text: str, end: int) -> int:
    """Where a name ends with its romanised form in brackets after it (卡杜（cadu）, 沃尔贝克(Gertjan
    Verbeek)): the romanisation is the same name, and is masked with it."""
    match = _ROMANISED.match(text, end)
    return match.end() if match else end


def _whole_mention(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is a whole @-mention (@鹿丁@…, //@宝辉:): the handle the model reads as a
    name is one, however unsure it is of the name's tags."""
    return start > 0 and text[start - 1] in "@＠" and (end == len(text) or text[end] in _MENTION_ENDS)


def person_spans(text: str, words: Sequence[Word]) -> list[tuple[int, int, float]]:
    """Names the model found in ``text`` that no lexicon vetoes, the parts of a transliterated name
    joined, a romanisation in brackets after a name taken with it."""
    found: list[tuple[int, int, float]] = []
    reached = 0  # the end of the last name: a part joined to it is not read again
    for index, word in enumerate(words):
        if word.tag != "PER" or word.start < reached:
            continue
        first, last = _joined(text, words, index)
        start, end = words[first].start, words[last].end
        confidence = max(w.confidence for w in words[first : last + 1] if w.tag == "PER")
        if first == last and _LATIN_WORD.fullmatch(text, start, end):
            if not is_latin_name(text[start:end]):
                continue
        elif (
            not is_person(text[start:end], confidence)
            or _names_an_organisation(text, end)
            or (first == last and _in_herb(text, start, end))
            or _is_emoticon(text, start, end)
        ):
            continue
        if confidence < CONFIDENT and _whole_mention(text, start, end):
            confidence = CONFIDENT
        reached = end
        found.append((start, _romanised_end(text, end), person_score(confidence)))
    return found


def organisation_spans(words: Sequence[Word]) -> list[tuple[int, int]]:
    return [(word.start, word.end) for word in words if word.tag == "ORG"]


def _is_place(text: str, word: Word) -> bool:
    if word.tag == "LOC":
        return True
    return word.tag == "ORG" and text[word.start : word.end].endswith(_PLACE_END)


def _continues(text: str, word: Word) -> bool:
    """Whether ``word`` carries an address on: a numbered part, an estate or building word, or a building,
    floor or room the model reads as a place or organisation (上海光大会展中心, 西馆, 三楼, 展厅)."""
    part = text[word.start : word.end].strip()
    if not part:
        return False
    if _ADDRESS_PART.match(part) is not None:
        return True
    return word.tag in {"LOC", "ORG", "n", "nz", "m"} and _BUILDING_END.search(part) is not None


def address_spans(text: str, words: Sequence[Word]) -> list[tuple[int, int, float]]:
    """Address-grade runs of place words and the numbered parts after them."""
    found: list[tuple[int, int, float]] = []
    index, count = 0, len(words)
    while index < count:
        if not _is_place(text, words[index]):
            index += 1
            continue
        first = last = index
        index += 1
        while index < count:
            word = words[index]
            if _is_place(text, word) or _continues(text, word):
                last = index
                index += 1
            elif (
                index + 1 < count
                and word.end - word.start <= 2
                and word.tag not in {"w", "PER", "v", "p"}
                and _is_place(text, words[index + 1])
            ):
                last = index + 1  # one short word between two place words (高新 南七道12号)
                index += 2
            else:
                break
        start, end = words[first].start, words[last].end
        if _NUMBERED.search(text, start, end):
            found.append((start, end, ADDRESS_SCORE))
    return found
