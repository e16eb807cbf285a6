"""Helpers for the word lists."""

from __future__ import annotations


def word_set(block: str) -> frozenset[str]:
    """The whitespace-separated words of ``block`` (a word list written as a paragraph)."""
    return frozenset(block.split())


def phrase_set(block: str) -> frozenset[str]:
    """The comma-separated phrases of ``block``, stripped (for entries that contain spaces)."""
    return frozenset(phrase.strip() for phrase in block.split(",") if phrase.strip())
