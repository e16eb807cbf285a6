"""PII classification: Presidio engine factory, GBA recognizers and the structured-record walker."""

from detectors.classify import Classifier
from detectors.finding import Finding

__all__ = ["Classifier", "Finding"]
