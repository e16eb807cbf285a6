"""Key files made once: a second writer never replaces the key, and processes starting together all read
the same whole key (never an empty file), leaving no temporary files behind."""

from __future__ import annotations

import multiprocessing
import stat
from pathlib import Path

import pytest

from customs.key_file import create_once


def test_the_first_writer_makes_the_file_and_a_second_leaves_it(tmp_path: Path) -> None:
    path = tmp_path / "secrets" / "k.key"
    assert create_once(path, b"first") is True
    assert create_once(path, b"second") is False
    assert path.read_bytes() == b"first"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in path.parent.iterdir()) == ["k.key"]


def _race(path: str, start: multiprocessing.synchronize.Event, out: multiprocessing.Queue[bytes]) -> None:
    start.wait()
    mine = Path(path).name.encode() + multiprocessing.current_process().name.encode() * 2000
    create_once(Path(path), mine)
    out.put(Path(path).read_bytes())


@pytest.mark.parametrize("writers", [2, 8])
def test_writers_starting_together_all_read_one_whole_key(tmp_path: Path, writers: int) -> None:
    context = multiprocessing.get_context("fork")
    start, out = context.Event(), context.Queue()
    path = tmp_path / "race.key"
    processes = [context.Process(target=_race, args=(str(path), start, out)) for _ in range(writers)]
    for process in processes:
        process.start()
    start.set()
    read = [out.get(timeout=30) for _ in processes]
    for process in processes:
        process.join(timeout=30)
    assert len(set(read)) == 1 and read[0] == path.read_bytes() and len(read[0]) > 2000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["race.key"]
