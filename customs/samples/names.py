"""Synthetic Chinese personal names, Simplified or Traditional, with the surname's pinyin for emails."""

from __future__ import annotations

import random
from dataclasses import dataclass

from customs.samples._rand import pick

# (simplified, traditional, pinyin)
_SURNAMES: tuple[tuple[str, str, str], ...] = (
    ("陈", "陳", "chen"),
    ("李", "李", "li"),
    ("张", "張", "zhang"),
    ("王", "王", "wang"),
    ("刘", "劉", "liu"),
    ("黄", "黃", "huang"),
    ("杨", "楊", "yang"),
    ("赵", "趙", "zhao"),
    ("吴", "吳", "wu"),
    ("周", "周", "zhou"),
    ("徐", "徐", "xu"),
    ("孙", "孫", "sun"),
    ("马", "馬", "ma"),
    ("朱", "朱", "zhu"),
    ("胡", "胡", "hu"),
    ("郭", "郭", "guo"),
    ("何", "何", "he"),
    ("林", "林", "lin"),
    ("罗", "羅", "luo"),
    ("梁", "梁", "liang"),
    ("郑", "鄭", "zheng"),
    ("谢", "謝", "xie"),
    ("冯", "馮", "feng"),
    ("邓", "鄧", "deng"),
    ("曾", "曾", "zeng"),
    ("苏", "蘇", "su"),
    ("卢", "盧", "lu"),
    ("蔡", "蔡", "cai"),
    ("叶", "葉", "ye"),
    ("钟", "鍾", "zhong"),
    ("白", "白", "bai"),
    ("金", "金", "jin"),
)
_COMPOUND_SURNAMES: tuple[tuple[str, str, str], ...] = (
    ("欧阳", "歐陽", "ouyang"),
    ("司马", "司馬", "sima"),
    ("司徒", "司徒", "situ"),
    ("上官", "上官", "shangguan"),
    ("诸葛", "諸葛", "zhuge"),
)
# (simplified, traditional)
_GIVEN: tuple[tuple[str, str], ...] = (
    ("志", "志"),
    ("明", "明"),
    ("伟", "偉"),
    ("芳", "芳"),
    ("敏", "敏"),
    ("静", "靜"),
    ("丽", "麗"),
    ("强", "強"),
    ("磊", "磊"),
    ("军", "軍"),
    ("勇", "勇"),
    ("杰", "傑"),
    ("娟", "娟"),
    ("涛", "濤"),
    ("秀", "秀"),
    ("英", "英"),
    ("华", "華"),
    ("慧", "慧"),
    ("建", "建"),
    ("国", "國"),
    ("文", "文"),
    ("嘉", "嘉"),
    ("俊", "俊"),
    ("欣", "欣"),
    ("婷", "婷"),
    ("浩", "浩"),
    ("宇", "宇"),
    ("晓", "曉"),
    ("颖", "穎"),
    ("锦", "錦"),
    ("荣", "榮"),
    ("德", "德"),
    ("健", "健"),
    ("玲", "玲"),
)


@dataclass(frozen=True)
class Name:
    full: str
    surname_pinyin: str


def chinese_name(rng: random.Random, *, traditional: bool = False) -> Name:
    """A 2–4 character name, e.g. 陈志明; about one in twelve has a compound surname (欧阳, 司马 …)."""
    surname = pick(rng, _COMPOUND_SURNAMES) if rng.random() < 0.08 else pick(rng, _SURNAMES)
    script = 1 if traditional else 0
    given = pick(rng, _GIVEN)[script]
    if rng.random() < 0.75:
        given += pick(rng, _GIVEN)[script]
    return Name(surname[script] + given, surname[2])
