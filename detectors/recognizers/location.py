"""LOCATION: street addresses in mainland, Hong Kong and Macau forms, Chinese, English and Portuguese.

An address is personal data once it reaches a street number or a flat; a city or district on its own
(广州, 香港, 南山区) is not, nor is a hospital or company name. Shapes found:

* Chinese street + number: ``广东省广州市天河区天河路123号``, ``香港九龍旺角彌敦道 600 號 10 樓 A 室``,
  ``澳門新馬路 12 號 3 樓`` — the span starts at the first place name (province, city, district) or right
  after a word such as 住 / 在 / 地址, and runs through building, floor and room;
* Chinese building + room without a street: ``深圳市南山区科技园南区8栋1203室``;
* English: ``Flat A, 10/F, 600 Nathan Road, Mong Kok, Kowloon``, ``No. 123 Tianhe Road``, and the
  estate form ``Room 1203, Block B, Tai Koo Shing, Hong Kong``;
* Portuguese (Macau): ``Avenida de Almeida Ribeiro No. 12, Macau``, ``Rua de S. Paulo n.º 3, 2.º andar``.

Trailing district and region names (``, Mong Kok, Kowloon``) are kept when they are known places.
"""

from __future__ import annotations

import re
from typing import ClassVar

from presidio_analyzer import Pattern

from detectors.lexicon.places import LATIN_PLACES, MAINLAND_LATIN_PLACES, NOT_STREETS, PLACES
from detectors.lexicon.wordlist import longest_first, trie_regex
from detectors.overlaps import disjoint
from detectors.recognizers.base import CONTEXT_BOOST, CONTEXT_WINDOW, Span, SpanRecognizer

STREET_NUMBER = 0.7  # a street with a house number
BUILDING_ROOM = 0.6  # a building and a room, no street
ESTATE_FLAT = 0.6  # Room 1203, Block B, Tai Koo Shing, Hong Kong

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

# --- Chinese ------------------------------------------------------------------------------------
_ZH_NUMBER = r"\d{1,5}(?:\s*[-－—~至]\s*\d{1,5})?"
_ZH_STREET = r"(?:大马路|大馬路|大道|大街|马路|馬路|胡同|路|街|巷|道|里|弄|坊|圍|围|邨|徑|径)"
_ZH_UNIT = (
    r"(?:\s*(?:[,，]\s*)?(?:第\s*)?(?:\d{1,5}|[A-Za-z]|[一二三四五六七八九十]{1,3})\s*"
    r"(?:号楼|號樓|字楼|字樓|单元|單元|栋|棟|座|幢|期|层|層|楼|樓|室|房|铺|舖|/F|F))"
)
_ZH_BUILDING = (
    f"(?:\\s*(?:[,，]\\s*)?[{_HAN}A-Za-z]{{2,16}}?"
    r"(?:大厦|大廈|中心|广场|廣場|花园|花園|大楼|大樓|商场|商場|公寓|山庄|山莊|苑|阁|閣|轩|軒|居|邨|城|村|园|園|楼|樓|台|臺|坊))"
)
_ZH_TAIL = f"(?:{_ZH_BUILDING}?{_ZH_UNIT}+)?"
_ZH_STREET_RE = re.compile(
    f"[{_HAN}]{{1,30}}?{_ZH_STREET}(?:[东南西北中東])?\\s*(?P<num>{_ZH_NUMBER})\\s*(?:号|號)(?:之\\d+)?{_ZH_TAIL}"
)
_ZH_BUILDING_RE = re.compile(
    f"[{_HAN}]{{1,30}}?(?P<num>\\d{{1,4}}|[A-Za-z])\\s*(?:号楼|號樓|栋|棟|座|幢)"
    r"(?:\s*\d{1,3}\s*(?:单元|單元))?\s*\d{1,5}\s*(?:室|房)"
)
_CUT_AFTER = "住在于於至到往为為是的址"
_PLACES_BY_FIRST: dict[str, tuple[str, ...]] = {}
for _place in sorted(PLACES, key=longest_first):
    _PLACES_BY_FIRST[_place[0]] = (*_PLACES_BY_FIRST.get(_place[0], ()), _place)

# --- English and Portuguese ---------------------------------------------------------------------
_EN_NUMBER = r"\d{1,5}[A-Za-z]?(?:\s*[-–]\s*\d{1,5}[A-Za-z]?)?"
_CAP_WORD = r"[A-Z][A-Za-z'’.-]{0,30}"  # bounded, so that a long run of letters is not read from each one
_EN_STREET_TYPE = (
    r"(?:Road|Rd\.?|Street|St\.?|Avenue|Ave\.?|Lane|Path|Drive|Terrace|Crescent|Square|Circuit|"
    r"Boulevard|Blvd\.?|Highway|Way|Close|Praya|Fong)(?![A-Za-z])"
)
_EN_UNIT = (
    r"(?:(?:Flat|Room|Rm\.?|Unit|Suite|Shop|Apt\.?|Apartment)\s*[A-Z0-9]{1,5}(?:-[A-Z0-9]{1,4})?\s*(?:,\s*)?)"
)
_EN_FLOOR = (
    r"(?:(?:(?:\d{1,3}|G|UG|LG|M)\s*/\s*F\.?|\d{1,3}(?:st|nd|rd|th)\s+Floor|Floor\s+\d{1,3})\s*(?:,\s*)?)"
)
_EN_BLOCK = r"(?:(?:Block|Blk\.?|Tower|Phase)\s+[A-Z0-9]{1,3}\s*(?:,\s*)?)"
_EN_BUILDING = (
    f"(?:(?:{_CAP_WORD}\\s+){{0,4}}(?:Building|Bldg\\.?|Mansion|House|Centre|Center|Court|Tower|Plaza|"
    r"Garden|Gardens|Estate|Villa|Villas|Heights)\s*(?:,\s*)?)"
)
_EN_NAME = f"(?:{_CAP_WORD}\\s+){{0,4}}{_CAP_WORD}\\s*,\\s*"
# Flat, floor and block in any order (six at most), then a building name; or a building name on its own.
# Bounded: an unbounded run of them, tried from every flat or floor of a long text and given up when no
# street follows, made the search quadratic ("Flat A, 10/F, " repeated over 80,000 characters: minutes).
_EN_PARTS = f"(?:{_EN_UNIT}|{_EN_FLOOR}|{_EN_BLOCK}){{1,6}}"
_EN_PREFIX = f"(?:{_EN_PARTS}(?:{_EN_BUILDING}|{_EN_NAME})?|{_EN_BUILDING})?"
_EN_STREET_RE = re.compile(
    f"{_EN_PREFIX}(?:(?:No\\.?\\s*)?{_EN_NUMBER},?\\s+(?:{_CAP_WORD}\\s+){{1,5}}?{_EN_STREET_TYPE}"
    f"|(?:{_CAP_WORD}\\s+){{1,5}}?{_EN_STREET_TYPE}\\s*(?:,\\s*)?No\\.?\\s*{_EN_NUMBER}(?![\\d/]))"
)
_EN_ESTATE_RE = re.compile(
    f"{_EN_UNIT}(?:{_EN_FLOOR}{_EN_BLOCK}?|{_EN_BLOCK})"
    r"(?P<estate>[A-Z][A-Za-z'’-]*(?:\s+[A-Z][A-Za-z'’-]*){0,4})"
)
_PT_TYPE = (
    r"(?:Avenida|Av\.|Rua|Travessa|Trav\.|Estrada|Estr\.|Calçada|Calcada|Largo|Beco|Praça|Praca|Praceta|"
    r"Alameda|Pátio|Patio|Rampa|Caminho|Istmo|Bairro)"
)
_PT_WORD = r"(?:de|da|do|das|dos|e|d'|[A-ZÀ-Þ][\w'’.-]*)"
_PT_STREET_RE = re.compile(
    f"{_PT_TYPE}(?:\\s+{_PT_WORD}){{1,8}}?\\s*(?:,\\s*)?(?:(?:No\\.?|N\\.?\\s?[º°o]\\.?|nº|n\\.º|número|numero)\\s*)?"
    f"{_EN_NUMBER}(?![\\d/])"
    # then the building (Edifício Kam Fai, Bloco 2) and the floor and flat (14.º andar B, r/c)
    r"(?:\s*(?:,\s*)?(?:Edifício|Edificio|Edif\.|Bloco|Torre|Jardim|Centro)\s+[\w'’.-]+(?:\s+[A-ZÀ-Þ][\w'’.-]*){0,3})?"
    r"(?:\s*(?:,\s*)?(?:\d{1,2}\s*\.?\s*[º°o]\s*(?:andar|Andar)(?:\s*[A-Z]\b)?|r/c|R/C))?"
)
_AREA_RE = re.compile(r"\s*(?:,\s*)?([A-Z][A-Za-z'’-]*(?:\s+[A-Z][A-Za-z'’-]*){0,3})\.?")
_AREAS = (
    LATIN_PLACES
    | MAINLAND_LATIN_PLACES
    | {"hk", "nt", "hong kong sar", "macau sar", "macao sar", "china", "prc"}
)
_AREA_KINDS = ("district", "province", "city", "town", "county", "village", "new area", "new territories")
_HAS_DIGIT_RE = re.compile(r"\d")
_HAS_HAN_RE = re.compile(f"[{_HAN}]")
# Cheap first checks: a Chinese address has a 号 / 栋 …, a Latin one a street, flat or Portuguese word.
_ZH_MARK_RE = re.compile("[号號栋棟座幢]")
LATIN_MARKS = (
    # streets, flats, shops
    "Road",
    "Rd",
    "Street",
    "St",
    "Avenue",
    "Ave",
    "Lane",
    "Path",
    "Drive",
    "Terrace",
    "Crescent",
    "Square",
    "Circuit",
    "Boulevard",
    "Blvd",
    "Highway",
    "Way",
    "Close",
    "Praya",
    "Fong",
    "Flat",
    "Room",
    "Rm",
    "Unit",
    "Suite",
    "Shop",
    "Apt",
    "Apartment",
    # Portuguese (Macau)
    "Avenida",
    "Av",
    "Rua",
    "Travessa",
    "Trav",
    "Estrada",
    "Estr",
    "Calçada",
    "Calcada",
    "Largo",
    "Beco",
    "Praça",
    "Praca",
    "Praceta",
    "Alameda",
    "Pátio",
    "Patio",
    "Rampa",
    "Caminho",
    "Istmo",
    "Bairro",
)
# As a trie (one character class first), so the engine skips to candidate letters in C.
_LATIN_MARK_RE = re.compile(f"(?:{trie_regex(LATIN_MARKS)})(?![a-z])")


class LocationRecognizer(SpanRecognizer):
    ENTITY = "LOCATION"
    CONTEXT_ENHANCED = True
    TRIGGER = _HAS_DIGIT_RE  # every address shape has a number
    # The shapes, for documentation; ``analyze`` runs them and trims each match to the address.
    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern("zh_street_number", _ZH_STREET_RE.pattern, STREET_NUMBER),
        Pattern("zh_building_room", _ZH_BUILDING_RE.pattern, BUILDING_ROOM),
        Pattern("en_street_number", _EN_STREET_RE.pattern, STREET_NUMBER),
        Pattern("en_estate_flat", _EN_ESTATE_RE.pattern, ESTATE_FLAT),
        Pattern("pt_street_number", _PT_STREET_RE.pattern, STREET_NUMBER),
    ]
    CONTEXT = (
        "地址",
        "住址",
        "地點",
        "地点",
        "居住",
        "住所",
        "通讯地址",
        "通訊地址",
        "收货地址",
        "收貨地址",
        "address",
        "addr",
        "residence",
        "domicile",
        "location",
        "morada",
        "endereço",
    )

    def spans(self, text: str) -> list[Span]:
        if not text or _HAS_DIGIT_RE.search(text) is None:
            return []
        spans: list[Span] = []
        lowered = ""
        for start, end, score in find_address_spans(text):
            lowered = lowered or text.lower()
            window = lowered[max(0, start - CONTEXT_WINDOW) : start]
            if self._has_context(window):
                score = min(1.0, score + CONTEXT_BOOST)
            spans.append((start, end, score))
        return spans


def find_address_spans(text: str) -> list[tuple[int, int, float]]:
    """``(start, end, score)`` of every address in ``text``, overlaps resolved (longer, then stronger)."""
    found: list[tuple[int, int, float]] = []
    if _ZH_MARK_RE.search(text) is not None and _HAS_HAN_RE.search(text) is not None:
        for match in _ZH_STREET_RE.finditer(text):
            street_end = match.start("num")
            street = text[match.start() : street_end].rstrip()
            if street[-2:] in NOT_STREETS or len(street) < 2:
                continue
            found.append(
                (_zh_start(text, match.start(), street_end), _rstrip(text, match.end()), STREET_NUMBER)
            )
        for match in _ZH_BUILDING_RE.finditer(text):
            found.append(
                (
                    _zh_start(text, match.start(), match.start("num")),
                    _rstrip(text, match.end()),
                    BUILDING_ROOM,
                )
            )
    if _LATIN_MARK_RE.search(text) is not None:
        _latin_addresses(text, found)
    return _without_overlaps(found)


def _latin_addresses(text: str, found: list[tuple[int, int, float]]) -> None:
    for regex in (_EN_STREET_RE, _PT_STREET_RE):
        for match in regex.finditer(text):
            found.append((match.start(), _area_tail(text, match.end()), STREET_NUMBER))
    for match in _EN_ESTATE_RE.finditer(text):
        end = _area_tail(text, match.end())
        if end > match.end() or match.group("estate").lower() in _AREAS:
            found.append((match.start(), end, ESTATE_FLAT))


def _rstrip(text: str, end: int) -> int:
    while end > 0 and text[end - 1] in " \t,，":
        end -= 1
    return end


def _zh_start(text: str, start: int, stop: int) -> int:
    """Where the address begins in ``text[start:stop]``: after the last 住 / 在 / 地址 …, then at the first
    known place name (a province, city or district) if there is one."""
    region = text[start:stop]
    for index in range(len(region) - 3, -1, -1):
        if region[index] in _CUT_AFTER:
            start += index + 1
            break
    for index in range(start, stop):
        for place in _PLACES_BY_FIRST.get(text[index], ()):
            if text.startswith(place, index):
                return index
    return start


def _area_tail(text: str, end: int) -> int:
    """Extend an English or Portuguese address over the known districts and regions that follow it; one
    unknown name (an estate, a street) may sit between the address and a known place."""
    best = end
    position = end
    unknown = 0
    while True:
        match = _AREA_RE.match(text, position)
        if match is None:
            return best
        area = match.group(1).lower()
        if area in _AREAS or area.endswith(_AREA_KINDS):
            best = match.end(1)
            unknown = 0
        else:
            unknown += 1
            if unknown > 1:
                return best
        position = match.end(1)


def _without_overlaps(found: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
    ranked = sorted(found, key=lambda span: (-(span[1] - span[0]), -span[2], span[0]))
    return sorted(disjoint(ranked, _bounds))


def _bounds(span: tuple[int, int, float]) -> tuple[int, int]:
    return span[0], span[1]
