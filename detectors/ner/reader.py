"""The model as the recognizers see it: each running text tagged once, remembered for a while.

The name and the address recognizer both read the same words, so a text is tagged once for both (a
bounded cache, thread-safe). :func:`prime` tags many texts in one go (pieces of equal length share an
encoder call) and leaves the words in the cache: the stream engine primes a batch's free-text fields
before it classifies the batch record by record.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from pathlib import Path

from detectors.ner.model import LacModel, Word, shared_model
from detectors.ner.spans import is_running_text

CACHE_SIZE = 4096
PRIME_MAX_CHARS = 4_000


class Reader:
    """Tags running text with a :class:`LacModel` loaded on first use (or at once with ``load``)."""

    def __init__(self, directory: Path | None = None, cache_size: int = CACHE_SIZE) -> None:
        self.directory = directory
        self.cache_size = cache_size
        self._model: LacModel | None = None
        self._cache: OrderedDict[str, tuple[Word, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def load(self) -> LacModel:
        """The model, loaded and its files verified now if not yet (raises ``ModelError``)."""
        if self._model is None:
            self._model = shared_model(self.directory)
        return self._model

    def _remember(self, text: str, words: tuple[Word, ...]) -> None:
        with self._lock:
            self._cache[text] = words
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)

    def forget(self) -> None:
        """Drop every remembered text (tests; a model swap)."""
        with self._lock:
            self._cache.clear()

    def cached(self, text: str) -> tuple[Word, ...]:
        """The words of ``text`` if the model has read it (recently), else none: never runs the model."""
        with self._lock:
            return self._cache.get(text, ())

    def words(self, text: str, check: Callable[[], None] | None = None) -> tuple[Word, ...]:
        """The model's words of ``text``; none where ``text`` is not running text. ``check`` is called
        between the model's encoder calls and may raise to stop reading (nothing is remembered then)."""
        if not is_running_text(text):
            return ()
        with self._lock:
            found = self._cache.get(text)
            if found is not None:
                self._cache.move_to_end(text)
                return found
        words = self.load().tag(text, check)
        self._remember(text, words)
        return words

    def prime(self, texts: Iterable[str]) -> int:
        """Tag the running texts among ``texts`` not yet in the cache, together; how many were tagged.
        Texts longer than ``PRIME_MAX_CHARS`` are left to ``words``, where their own record's inspection
        budget can stop the reading."""
        with self._lock:
            todo = list(
                dict.fromkeys(
                    t
                    for t in texts
                    if t not in self._cache and len(t) <= PRIME_MAX_CHARS and is_running_text(t)
                )
            )
        todo = todo[: self.cache_size]
        if not todo:
            return 0
        for text, words in zip(todo, self.load().tag_many(todo), strict=True):
            self._remember(text, words)
        return len(todo)


_reader = Reader()


def shared_reader() -> Reader:
    """The process's reader (both model recognizers use it)."""
    return _reader
