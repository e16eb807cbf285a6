"""The container image (deploy/container): built with buildah from a debootstrap root file system, then
run with buildah's chroot isolation: `customs --version`, a short `scan` under mask-all, a non-root
user, no compiler and no Kafka jars inside."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.container

REPO = Path(__file__).resolve().parents[2]
BUILD = REPO / "deploy" / "container" / "build"
# Where deploy/container/build keeps its storage: the machine's cache, shared by every checkout.
CACHE = Path(
    os.environ.get("CUSTOMS_CONTAINER_CACHE")
    or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "data-customs" / "container"
)
TAG = "localhost/data-customs:latest"
PHONE = "13812345678"  # synthetic


def buildah(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            "buildah",
            "--root",
            str(CACHE / "storage"),
            "--runroot",
            str(CACHE / "run"),
            "--storage-driver",
            "vfs",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def container() -> Iterator[str]:
    built = subprocess.run([str(BUILD), TAG], capture_output=True, text=True, timeout=3600)
    assert built.returncode == 0, built.stdout + built.stderr
    made = buildah("from", "--pull-never", TAG)
    assert made.returncode == 0, made.stderr
    name = made.stdout.strip()
    try:
        yield name
    finally:
        buildah("rm", name)


def run(container: str, *command: str, user: str | None = None) -> subprocess.CompletedProcess[str]:
    extra = ["--user", user] if user else []
    return buildah("run", "--isolation", "chroot", *extra, container, "--", *command)


def test_customs_runs_in_the_image(container: str) -> None:
    done = run(container, "customs", "--version")
    assert done.returncode == 0 and "0.1.0" in done.stdout + done.stderr, done.stderr


def test_a_short_scan_in_the_image(container: str) -> None:
    records = "\\n".join(
        json.dumps(r) for r in ({"id": "c-1", "phone": PHONE}, {"id": "c-2", "note": "herb batch 42"})
    )
    script = (
        f"printf '{records}\\n' > /tmp/in.jsonl && CUSTOMS_NER=false"
        " customs scan /tmp/in.jsonl --out /tmp/out"
        " --policy mask-all && cat /tmp/out/mask.jsonl /tmp/out/allow.jsonl"
    )
    done = run(container, "sh", "-c", script)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "c-1" in done.stdout and PHONE not in done.stdout


def test_non_root_no_compiler_no_kafka_jars(container: str) -> None:
    config = json.loads(buildah("inspect", "--type", "image", TAG).stdout)
    assert config["OCIv1"]["config"]["User"] == "10001:10001"
    assert run(container, "id", "-u").stdout.strip() == "10001"
    compilers = run(container, "sh", "-c", "command -v gcc cc c++ clang make || true")
    assert compilers.stdout.strip() == ""
    jars = run(container, "sh", "-c", "find / -xdev -name '*.jar' 2>/dev/null | head -n 3")
    assert jars.stdout.strip() == ""
    assert run(container, "sh", "-c", "command -v java || true").stdout.strip() == ""
