"""Logging set-up: one format, and third-party chatter turned down.

The gateway logs counts, offsets, reason codes and digests — never a record value.
"""

from __future__ import annotations

import logging

QUIET = ("presidio-analyzer", "presidio-anonymizer")


def configure(level: str) -> None:
    logging.basicConfig(level=level.upper(), format="[%(asctime)s] %(levelname)s %(name)s: %(message)s")
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
