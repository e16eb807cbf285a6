"""Imports go one way: the core of one record below the Kafka, HTTP and command-line shells; benchmarks last.

Layers, lowest first: detectors < rules < customs (the core: inspection, codec, headers, policy decisions) <
streams (Kafka) < review (HTTP) and customs.samples (synthetic records) < customs.cli < load (benchmarks). A
module may import its own layer and any layer below it, never one above or beside it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("detectors", "rules", "customs", "streams", "review", "load")
RANK = {
    "detectors": 0,
    "rules": 1,
    "customs": 2,
    "streams": 3,
    "review": 4,
    "customs.samples": 4,
    "customs.cli": 5,
    "load": 6,
}


def layer(module: str) -> str:
    parts = module.split(".")
    if parts[0] == "customs" and len(parts) > 1 and parts[1] in ("cli", "samples"):
        return f"customs.{parts[1]}"
    return parts[0]


def imported(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every absolute import of one of our packages in ``path``."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found.extend((node.lineno, name) for name in names if name.split(".")[0] in PACKAGES)
    return found


def modules() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))


def violations(path: Path, root: Path = ROOT) -> list[str]:
    own = layer(".".join(path.relative_to(root).with_suffix("").parts))
    bad = []
    for line, target in imported(path):
        other = layer(target)
        if other != own and RANK[other] >= RANK[own]:
            bad.append(f"{path.relative_to(root)}:{line} ({own}) imports {target} ({other})")
    return bad


def test_every_package_is_scanned() -> None:
    scanned = {layer(".".join(p.relative_to(ROOT).with_suffix("").parts)) for p in modules()}
    assert scanned == set(RANK)


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_go_one_way(path: Path) -> None:
    assert violations(path) == []


def test_an_upward_import_is_reported(tmp_path: Path) -> None:
    (tmp_path / "detectors").mkdir()
    module = tmp_path / "detectors" / "leak.py"
    module.write_text(
        "import rules.policy\nfrom streams.worker import run_worker\nimport load.bench_detect\n"
    )
    assert violations(module, tmp_path) == [
        "detectors/leak.py:1 (detectors) imports rules.policy (rules)",
        "detectors/leak.py:2 (detectors) imports streams.worker (streams)",
        "detectors/leak.py:3 (detectors) imports load.bench_detect (load)",
    ]


def test_a_downward_import_is_not(tmp_path: Path) -> None:
    (tmp_path / "customs" / "cli").mkdir(parents=True)
    module = tmp_path / "customs" / "cli" / "tool.py"
    module.write_text("from customs.samples.feed import publish\nimport streams.worker\nimport detectors\n")
    assert violations(module, tmp_path) == []
