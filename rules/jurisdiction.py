"""Where an organisation is, and the legal bases that let personal information leave the mainland.

PIPL Art. 38: personal information provided outside the mainland needs a legal basis — the standard
contract (the GBA Standard Contract is its simplified form inside the Greater Bay Area, with a separate
Macau version), a personal-information-protection certification, a security assessment by the national
cyberspace regulator — or one of the exemptions of the 2024 provisions on cross-border data flows,
recorded as such with its reason. Masking is not a legal basis.
"""

from __future__ import annotations

from enum import StrEnum

from detectors.entities import Category


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
    """A flow's legal basis (``contract.kind``); ``none`` is no basis at all."""

    GBA_STANDARD_CONTRACT = "gba_standard_contract"  # mainland GBA cities <-> Hong Kong (Dec 2023)
    GBA_STANDARD_CONTRACT_MACAU = "gba_standard_contract_macau"  # mainland GBA cities <-> Macau (Sep 2024)
    CERTIFICATION = "certification"  # a personal-information-protection certification
    SECURITY_ASSESSMENT = "security_assessment"  # passed the cyberspace regulator's security assessment
    EXEMPTION = "exemption"  # exempted by the 2024 provisions; ``contract.exemption`` says which case
    NONE = "none"


class Exemption(StrEnum):
    """The cases of the 2024 cross-border data provisions a flow may rely on (``kind: exemption``)."""

    CONTRACT_PERFORMANCE = "contract_performance"  # necessary to perform a contract the person is party to
    HR_MANAGEMENT = "hr_management"  # cross-border human-resources management
    EMERGENCY = "emergency"  # protecting a person's life, health or property in an emergency
    SMALL_VOLUME = "small_volume"  # small non-sensitive volumes by a non-critical operator


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
GBA: frozenset[Jurisdiction] = MAINLAND_GBA | {Jurisdiction.HONG_KONG, Jurisdiction.MACAU}

GBA_CONTRACTS: frozenset[ContractKind] = frozenset(
    {ContractKind.GBA_STANDARD_CONTRACT, ContractKind.GBA_STANDARD_CONTRACT_MACAU}
)
# Every kind but ``none`` is a legal basis for personal information to leave the mainland.
LEGAL_BASES: frozenset[ContractKind] = frozenset(ContractKind) - {ContractKind.NONE}

PERMITTED_BY_CONTRACT: dict[ContractKind, frozenset[Jurisdiction]] = {
    ContractKind.GBA_STANDARD_CONTRACT: MAINLAND_GBA | {Jurisdiction.HONG_KONG},
    ContractKind.GBA_STANDARD_CONTRACT_MACAU: MAINLAND_GBA | {Jurisdiction.MACAU},
    ContractKind.CERTIFICATION: frozenset(Jurisdiction),
    ContractKind.SECURITY_ASSESSMENT: frozenset(Jurisdiction),
    ContractKind.EXEMPTION: frozenset(Jurisdiction),
    ContractKind.NONE: frozenset(Jurisdiction) - {Jurisdiction.ELSEWHERE},
}

# The GBA contract that covers a recipient in each place outside the mainland GBA cities.
GBA_CONTRACT_FOR: dict[Jurisdiction, ContractKind] = {
    Jurisdiction.HONG_KONG: ContractKind.GBA_STANDARD_CONTRACT,
    Jurisdiction.MACAU: ContractKind.GBA_STANDARD_CONTRACT_MACAU,
}

# What a record may hold that is about a person (organisation identifiers are not).
PERSONAL_CATEGORIES: frozenset[Category] = frozenset(Category) - {Category.ORGANISATION}


def crosses_boundary(source: Jurisdiction, destination: Jurisdiction) -> bool:
    """Whether data goes from the mainland to Hong Kong, Macau or elsewhere."""
    return source in MAINLAND_GBA and destination not in MAINLAND_GBA


def outside_gba(kind: ContractKind, parties: tuple[Jurisdiction, ...]) -> bool:
    """A party the contract cannot cover wherever it points: outside the GBA under a GBA contract, or
    ``elsewhere`` with no legal basis at all."""
    if kind in GBA_CONTRACTS:
        return any(party not in GBA for party in parties)
    return any(party not in PERMITTED_BY_CONTRACT[kind] for party in parties)


def kind_mismatch(kind: ContractKind, parties: tuple[Jurisdiction, ...]) -> Jurisdiction | None:
    """A party inside the GBA that this GBA contract's version does not cover (a Macau recipient under
    the Hong Kong version, or the reverse); None when the kind fits."""
    if kind not in GBA_CONTRACTS:
        return None
    return next((p for p in parties if p in GBA and p not in PERMITTED_BY_CONTRACT[kind]), None)
