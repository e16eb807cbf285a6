"""The Presidio analyzer engine factory: our recognizers, no spaCy model, no runtime download."""

from __future__ import annotations

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngine

from detectors.recognizers import LANGUAGE, all_recognizers


class _NoNlpEngine(NlpEngine):
    """An NLP engine that does no NLP: pattern recognizers need none, and it costs nothing."""

    def load(self) -> None:
        return None

    def is_loaded(self) -> bool:
        return True

    def process_text(self, text: str, language: str) -> NlpArtifacts:
        return NlpArtifacts(
            entities=[],
            tokens=[],  # type: ignore[arg-type]
            tokens_indices=[],
            lemmas=[],
            nlp_engine=self,
            language=language,
        )

    def process_batch(self, texts, language, batch_size=1, n_process=1, **kwargs):  # type: ignore[no-untyped-def]
        for text in texts:
            yield text, self.process_text(text, language)

    def is_stopword(self, word: str, language: str) -> bool:
        return False

    def is_punct(self, word: str, language: str) -> bool:
        return False

    def get_supported_entities(self) -> list[str]:
        return []

    def get_supported_languages(self) -> list[str]:
        return [LANGUAGE]


def build_analyzer() -> AnalyzerEngine:
    """An ``AnalyzerEngine`` holding exactly our registered recognizers."""
    registry = RecognizerRegistry(supported_languages=[LANGUAGE])
    for recognizer in all_recognizers():
        registry.add_recognizer(recognizer)
    return AnalyzerEngine(
        registry=registry,
        nlp_engine=_NoNlpEngine(),
        supported_languages=[LANGUAGE],
    )
