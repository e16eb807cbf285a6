"""Logging set-up: one format, third-party chatter turned down, value-logging loggers capped.

The gateway logs counts, offsets, reason codes and digests — never a record value. Some libraries log
whole message values at DEBUG (Faust's ``send: … v=%r``); those loggers are held at INFO whatever level
is asked for, so a debugging session cannot leak personal data into a log file.
"""

from __future__ import annotations

import logging

QUIET = ("presidio-analyzer", "presidio-anonymizer")
VALUE_LOGGERS = ("faust.topics", "faust.channels", "faust.transport", "aiokafka.producer")


def configure(level: str) -> None:
    logging.basicConfig(level=level.upper(), format="[%(asctime)s] %(levelname)s %(name)s: %(message)s")
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    for name in VALUE_LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(max(logging.INFO, logging.getLogger().getEffectiveLevel()))
