"""Every pattern the detectors compile is the same in every process: word lists are sets, and a set's order
depends on the hash seed, so each list is sorted before it becomes an alternation. Two processes that built
different patterns could find differently (and pytest-xdist refuses test ids that differ between workers)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

SCRIPT = """
import hashlib, importlib, pkgutil, re
import detectors.lexicon, detectors.recognizers
from detectors.recognizers import all_recognizers
digest = hashlib.sha256()
for package in (detectors.recognizers, detectors.lexicon):
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for name, value in sorted(vars(module).items(), key=lambda item: item[0]):
            if isinstance(value, re.Pattern):
                digest.update(f"{module.__name__}.{name}={value.pattern!r}\\n".encode())
for recognizer in all_recognizers():
    for pattern in getattr(recognizer, "PATTERNS", []):
        digest.update(f"{type(recognizer).__name__}={pattern.regex!r}\\n".encode())
print(digest.hexdigest())
"""


def _patterns_digest(seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.parametrize("seed", ["2", "3"])
def test_patterns_do_not_depend_on_the_hash_seed(seed: str) -> None:
    assert _patterns_digest(seed) == _patterns_digest("1")
