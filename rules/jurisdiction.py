"""Where an organisation is, as far as the GBA Standard Contract cares."""

from __future__ import annotations

from enum import StrEnum


class Jurisdiction(StrEnum):
    GUANGZHOU = "guangzhou"
    SHENZHEN = "shenzhen"
    ZHUHAI = "zhuhai"
    FOSHAN = "foshan"
    HUIZHOU = "huizhou"
    DONGGUAN = "dongguan"
    ZHONGSHAN = "zhongshan"
    JIANGMEN = "jiangmen"
    ZHAOQING = "zhaoqing"
    HONG_KONG = "hong_kong"
    MACAU = "macau"
    ELSEWHERE = "elsewhere"


class ContractKind(StrEnum):
    GBA_STANDARD_CONTRACT = "gba_standard_contract"  # mainland GBA cities <-> Hong Kong (Dec 2023)
    GBA_STANDARD_CONTRACT_MACAU = "gba_standard_contract_macau"  # mainland GBA cities <-> Macau (Sep 2024)
    NONE = "none"


MAINLAND_GBA: frozenset[Jurisdiction] = frozenset(
    {
        Jurisdiction.GUANGZHOU,
        Jurisdiction.SHENZHEN,
        Jurisdiction.ZHUHAI,
        Jurisdiction.FOSHAN,
        Jurisdiction.HUIZHOU,
        Jurisdiction.DONGGUAN,
        Jurisdiction.ZHONGSHAN,
        Jurisdiction.JIANGMEN,
        Jurisdiction.ZHAOQING,
    }
)

PERMITTED_BY_CONTRACT: dict[ContractKind, frozenset[Jurisdiction]] = {
    ContractKind.GBA_STANDARD_CONTRACT: MAINLAND_GBA | {Jurisdiction.HONG_KONG},
    ContractKind.GBA_STANDARD_CONTRACT_MACAU: MAINLAND_GBA | {Jurisdiction.MACAU},
    ContractKind.NONE: frozenset(Jurisdiction) - {Jurisdiction.ELSEWHERE},
}
