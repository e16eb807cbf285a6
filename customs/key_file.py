"""Key files made once: the first process to start writes a new key, every other one reads that key."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def create_once(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` (mode 0600) unless a file is already there; True if this call made it.

    The key is written to a temporary file beside ``path`` and linked into place, so a process starting
    at the same moment sees either no file or the whole key, never an empty or partial one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mode 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.link(temporary, path)
    except FileExistsError:
        return False
    finally:
        os.unlink(temporary)
    return True
