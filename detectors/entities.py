"""Canonical entity names and the personal-information category each belongs to."""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    IDENTITY_DOCUMENT = "identity_document"
    CONTACT = "contact"
    NAME = "name"
    LOCATION = "location"
    FINANCIAL_ACCOUNT = "financial_account"
    HEALTH = "health"
    MINOR = "minor"
    ORGANISATION = "organisation"
    NETWORK_IDENTITY = "network_identity"
    BIRTH_DATE = "birth_date"


ENTITY_CATEGORY: dict[str, Category] = {
    "PERSON": Category.NAME,
    "LOCATION": Category.LOCATION,
    "PHONE_NUMBER": Category.CONTACT,
    "EMAIL_ADDRESS": Category.CONTACT,
    "IM_ACCOUNT": Category.CONTACT,  # a QQ number or a WeChat id
    "IP_ADDRESS": Category.NETWORK_IDENTITY,
    "CN_RESIDENT_ID": Category.IDENTITY_DOCUMENT,
    "HK_ID_CARD": Category.IDENTITY_DOCUMENT,
    "MO_ID_CARD": Category.IDENTITY_DOCUMENT,
    "CN_PASSPORT": Category.IDENTITY_DOCUMENT,
    "HOME_RETURN_PERMIT": Category.IDENTITY_DOCUMENT,
    "HK_MO_EXIT_PERMIT": Category.IDENTITY_DOCUMENT,
    # A hospital's number for its patient: it identifies the person as a card number does (and stays out
    # of health, so that a rule allowing a flow's health data does not let it through in clear).
    "MEDICAL_RECORD_NUMBER": Category.IDENTITY_DOCUMENT,
    "CN_BANK_CARD": Category.FINANCIAL_ACCOUNT,
    "CREDIT_CARD": Category.FINANCIAL_ACCOUNT,
    "CN_USCC": Category.ORGANISATION,
    "HEALTH_DATA": Category.HEALTH,
    "DATE_OF_BIRTH": Category.BIRTH_DATE,
}

ENTITIES: frozenset[str] = frozenset(ENTITY_CATEGORY)

# PIPL Art. 28 sensitive personal information (as far as a record shows it).
SENSITIVE_CATEGORIES: frozenset[Category] = frozenset(
    {Category.IDENTITY_DOCUMENT, Category.FINANCIAL_ACCOUNT, Category.HEALTH, Category.MINOR}
)


def category_of(entity: str) -> Category:
    return ENTITY_CATEGORY[entity]
