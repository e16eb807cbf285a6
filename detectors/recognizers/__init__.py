"""Our recognizers, one per module; every concrete ``GbaRecognizer`` here is registered automatically."""

from __future__ import annotations

import importlib
import pkgutil

from presidio_analyzer import EntityRecognizer

from detectors.recognizers.base import LANGUAGE, GbaRecognizer

__all__ = ["LANGUAGE", "GbaRecognizer", "all_recognizers"]


def _concrete_subclasses(cls: type[GbaRecognizer]) -> list[type[GbaRecognizer]]:
    found: list[type[GbaRecognizer]] = []
    for sub in cls.__subclasses__():
        if getattr(sub, "ENTITY", None):
            found.append(sub)
        found.extend(_concrete_subclasses(sub))
    return found


def all_recognizers() -> list[EntityRecognizer]:
    """Import every module of this package and instantiate each concrete recognizer once."""
    for module in pkgutil.iter_modules(__path__):
        if module.name != "base":
            importlib.import_module(f"{__name__}.{module.name}")
    classes = sorted(set(_concrete_subclasses(GbaRecognizer)), key=lambda c: c.__name__)
    return [cls() for cls in classes]
