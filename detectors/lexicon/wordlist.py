"""Helpers for the word lists."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any


def word_set(block: str) -> frozenset[str]:
    """The whitespace-separated words of ``block`` (a word list written as a paragraph)."""
    return frozenset(block.split())


def phrase_set(block: str) -> frozenset[str]:
    """The comma-separated phrases of ``block``, stripped (for entries that contain spaces)."""
    return frozenset(phrase.strip() for phrase in block.split(",") if phrase.strip())


def longest_first(word: str) -> tuple[int, str]:
    """Sort key: longer words first (an alternation tries them in order), then the words themselves, so a
    pattern built from a set is the same in every process (a set's order depends on the hash seed)."""
    return -len(word), word


def trie_regex(words: Iterable[str]) -> str:
    """A regular expression matching any of ``words`` (longest first), shaped as a character trie."""
    root: dict[str, Any] = {}
    for word in words:
        if not word:
            continue
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        ends_here = "" in node
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends_here else body

    return build(root)
