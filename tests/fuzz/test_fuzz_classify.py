"""Properties of the classifier: ``find`` and ``classify`` never raise, whatever the text or record, and what
they report is well formed (spans inside the text, no overlaps, known entities, scores in range)."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import given
from hypothesis import strategies as st

from detectors.classify import Classifier, Found
from detectors.walker import walk
from tests.fuzz.strategies import FUZZ, json_values, noisy_texts, records

# Any code point, lone surrogates included (a record cannot carry one past the strict decoder, but the
# classifier must not depend on that).
ANY_CHARACTER = st.characters(codec=None, exclude_categories=())
SURROGATE = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF, exclude_categories=())
ANY_TEXT = st.text(st.one_of(ANY_CHARACTER, SURROGATE), max_size=300)


def _well_formed(found: Sequence[Found], text: str, classifier: Classifier) -> None:
    previous_end = 0
    for start, end, score, entity in found:
        assert previous_end <= start < end <= len(text), (start, end, len(text))
        assert classifier.threshold <= score <= 1.0
        assert entity in classifier.entities
        previous_end = end


@FUZZ
@given(st.one_of(ANY_TEXT, noisy_texts()), st.sampled_from(["", "phone", "姓名", "id_number", "note", "x"]))
def test_find_never_raises_on_any_text(classifier: Classifier, text: str, hint: str) -> None:
    _well_formed(classifier.find(text, hint), text, classifier)
    _well_formed(classifier.find(text, hint, ner=False), text, classifier)


@FUZZ
@given(st.one_of(records(), json_values()))
def test_classify_never_raises_on_any_record(classifier: Classifier, record: object) -> None:
    texts = {path: text for path, text, _ in walk(record).fields}
    for finding in classifier.classify(record):
        assert finding.path in texts
        assert 0 <= finding.start < finding.end <= len(texts[finding.path])
        assert finding.entity in classifier.entities
