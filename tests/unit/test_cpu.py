"""load.cpu: CPU seconds of processes from /proc, as the benchmark reports them per record."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from load.cpu import CpuMeter, cpu_seconds, parse_stat, per_record_ms

# A /proc/PID/stat line: pid, (comm), state, then fields 4.. ; utime = 250 and stime = 50 ticks.
STAT = "4242 (python3) S 1 4242 4242 0 -1 4194304 900 0 0 0 250 50 0 0 20 0 3 0 100 1000 200"


@pytest.mark.parametrize(
    ("name", "ticks", "expected"),
    [
        ("python3", 100, 3.0),
        ("java", 250, 1.2),
        ("my worker (2)", 100, 3.0),  # spaces and parentheses in the command name
        (") S 9 9 9", 100, 3.0),  # a name that looks like the fields after it
    ],
)
def test_parse_stat_counts_user_and_system_ticks(name: str, ticks: int, expected: float) -> None:
    assert parse_stat(STAT.replace("python3", name), ticks) == pytest.approx(expected)


def test_cpu_seconds_of_a_missing_process_is_none(tmp_path: Path) -> None:
    assert cpu_seconds(12345, proc=tmp_path) is None


def test_meter_sees_a_busy_process_and_not_an_idle_one() -> None:
    busy = subprocess.Popen(
        [sys.executable, "-c", "import time\nend = time.time() + 1.2\nwhile time.time() < end: pass"]
    )
    idle = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(1.2)"])
    time.sleep(0.2)  # past both interpreters' start-up
    meter = CpuMeter({"busy": [busy.pid], "idle": [idle.pid], "none": []})
    meter.start()
    time.sleep(0.6)
    used = meter.stop()
    busy.wait()
    idle.wait()
    assert used["busy"] > 0.15  # a shared core: well under the 0.6 s it could have had
    assert used["idle"] < 0.05
    assert "none" not in used  # an empty group is not reported as zero


def test_meter_leaves_out_a_group_whose_process_ended() -> None:
    short = subprocess.Popen([sys.executable, "-c", "pass"])
    meter = CpuMeter({"short": [short.pid], "self": [os.getpid()]})
    meter.start()
    short.wait()
    assert "short" not in meter.stop()


def test_per_record_ms() -> None:
    assert per_record_ms({"broker": 1.5, "workers": 4.0}, 10_000) == {"broker": 0.15, "workers": 0.4}
    assert per_record_ms({"broker": 1.5}, 0) == {}
