"""Hot reload: a valid new policy file takes effect on the next record; an invalid one is refused."""

from __future__ import annotations

import json
import logging
import time
from datetime import date
from pathlib import Path

import pytest

from customs import headers as h
from customs.factory import build_inspector
from customs.inspection import Inspector, Origin, flow_context
from customs.settings import Settings
from rules.holder import PolicyHolder
from rules.policy import load_policy
from streams.policy_watch import PolicyFileWatcher, PolicyReloader, PolicyWatch

MASK_ALL = "name: v1\nrequire_flow: false\ndefault_action: mask\n"
ALLOW_ALL = "name: v2\nrequire_flow: false\ndefault_action: allow\n"
BROKEN = "name: v3\nrequire_flow: false\ndefault_action: shred\n"
PHONE = "13812345678"
ORIGIN = Origin("customs.inbound", 0, 1)


def _record() -> bytes:
    return json.dumps({"id": "r-1", "note": f"call {PHONE}"}).encode()


def _stamp(inspector: Inspector) -> tuple[str, str]:
    verdict = inspector.inspect(_record(), flow_context({}, date(2025, 6, 1)), ORIGIN)
    return verdict.action.value, dict(verdict.headers)[h.POLICY_VERSION].decode()


@pytest.fixture()
def setup(tmp_path: Path) -> tuple[Path, Inspector, PolicyFileWatcher, list[str]]:
    path = tmp_path / "policy.yaml"
    path.write_text(MASK_ALL)
    settings = Settings(pseudonym_key="unit-test-key", policy=str(path))
    inspector = build_inspector(settings)
    assert isinstance(inspector.policy, PolicyHolder)
    events: list[str] = []
    reloader = PolicyReloader(
        inspector.policy, lambda p: events.append(f"reloaded {p.name}"), lambda m: events.append("refused")
    )
    return path, inspector, PolicyFileWatcher(path, reloader), events


def test_valid_change_takes_effect_on_the_next_record(
    setup: tuple[Path, Inspector, PolicyFileWatcher, list[str]],
) -> None:
    path, inspector, watcher, events = setup
    v1 = load_policy(path).version
    assert _stamp(inspector) == ("mask", v1)
    assert watcher.poll() == "unchanged"
    path.write_text(ALLOW_ALL)
    assert _stamp(inspector) == ("mask", v1)  # not yet polled
    assert watcher.poll() == "reloaded"
    assert _stamp(inspector) == ("allow", load_policy(path).version)
    assert events == ["reloaded v2"]


def test_invalid_change_is_refused_and_the_old_policy_stays(
    setup: tuple[Path, Inspector, PolicyFileWatcher, list[str]], caplog: pytest.LogCaptureFixture
) -> None:
    path, inspector, watcher, events = setup
    v1 = load_policy(path).version
    path.write_text(BROKEN)
    with caplog.at_level(logging.ERROR, logger="customs.policy"):
        assert watcher.poll() == "refused"
        assert watcher.poll() == "unchanged"  # reported once per content, not on every poll
    assert _stamp(inspector) == ("mask", v1)
    assert events == ["refused"]
    message = caplog.records[0].getMessage()
    assert f"{path}:3: field default_action" in message and v1 in message
    # Fixed again: the next poll takes it.
    path.write_text(ALLOW_ALL)
    assert watcher.poll() == "reloaded"
    assert _stamp(inspector)[0] == "allow"


def test_refusal_log_holds_no_record_value(
    setup: tuple[Path, Inspector, PolicyFileWatcher, list[str]], caplog: pytest.LogCaptureFixture
) -> None:
    path, inspector, watcher, _ = setup
    _stamp(inspector)
    path.write_text(BROKEN)
    with caplog.at_level(logging.DEBUG):
        watcher.poll()
        _stamp(inspector)
    assert PHONE not in caplog.text


def test_policy_watch_counts_metrics_and_wraps_a_plain_callable(tmp_path: Path) -> None:
    class Counter:
        def __init__(self) -> None:
            self.n = 0

        def inc(self) -> None:
            self.n += 1

    class Metrics:
        def __init__(self) -> None:
            self.policy_reloads = Counter()
            self.policy_reload_failures = Counter()
            self.versions: list[str] = []

        def set_policy_version(self, version: str) -> None:
            self.versions.append(version)

    settings = Settings(pseudonym_key="unit-test-key")
    inspector = build_inspector(settings, load_policy("mask-all"))
    active = load_policy("mask-all")
    inspector.policy = lambda: active
    metrics = Metrics()
    watch = PolicyWatch(settings, inspector, metrics)
    assert isinstance(inspector.policy, PolicyHolder)
    assert watch.reloader.offer(BROKEN.encode(), "candidate.yaml") == "refused"
    for content, _, _ in (case.values for case in LOADER_ERRORS):  # loader errors count the same way
        assert watch.reloader.offer(content, "candidate.yaml") == "refused"
    assert watch.reloader.offer(ALLOW_ALL.encode(), "candidate.yaml") == "reloaded"
    assert watch.reloader.offer(ALLOW_ALL.encode(), "candidate.yaml") == "unchanged"
    failures = 1 + len(LOADER_ERRORS)
    assert (metrics.policy_reloads.n, metrics.policy_reload_failures.n) == (1, failures)
    assert metrics.versions == [inspector.policy().version]


def test_policy_watch_threads_start_and_stop(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(MASK_ALL)
    settings = Settings(pseudonym_key="unit-test-key", policy=str(path), policy_poll_seconds=0.05)
    inspector = build_inspector(settings)
    watch = PolicyWatch(settings, inspector).start()
    try:
        path.write_text(ALLOW_ALL)
        deadline = time.monotonic() + 5
        while inspector.policy().name != "v2" and time.monotonic() < deadline:
            time.sleep(0.02)
        assert inspector.policy().name == "v2"
    finally:
        watch.stop()
    assert not any(t.is_alive() for t in watch.threads)


def test_shadow_policy_file_is_reloaded_and_counted_afresh(tmp_path: Path) -> None:
    from collections import Counter

    from rules.shadow import ShadowTally
    from streams.policy_watch import report_shadow

    shadow_path = tmp_path / "shadow.yaml"
    shadow_path.write_text(ALLOW_ALL)  # differs from the active mask-all on every record with a phone
    settings = Settings(
        pseudonym_key="unit-test-key",
        policy="mask-all",
        shadow_policy=str(shadow_path),
        policy_poll_seconds=0.05,
        shadow_report_seconds=3600,
    )
    inspector = build_inspector(settings)
    tally = inspector.shadow
    assert isinstance(tally, ShadowTally)
    for _ in range(3):
        assert _stamp(inspector)[0] == "mask"
    first = report_shadow(tally, Counter())
    assert sum(first.values()) == 3
    watch = PolicyWatch(settings, inspector).start()
    try:
        shadow_path.write_text(BROKEN)  # refused: the shadow in force stays, and so do its counts
        time.sleep(0.3)
        assert tally.policy.name == "v2" and tally.snapshot()[0] == 3
        shadow_path.write_text(MASK_ALL.replace("name: v1", "name: v4"))  # now agrees with the active one
        deadline = time.monotonic() + 5
        while tally.policy.name != "v4" and time.monotonic() < deadline:
            time.sleep(0.02)
        assert tally.policy.name == "v4"
        assert tally.snapshot() == (0, Counter())  # counted afresh under the new shadow
        assert _stamp(inspector)[0] == "mask"  # routing follows the active policy throughout
        seen, differences = tally.snapshot()
        assert (seen, sum(differences.values())) == (1, 0)
        assert report_shadow(tally, first) == Counter()
        assert inspector.policy().name == "mask-all"
    finally:
        watch.stop()


# Every loader error, not only a validation error, is refused the same way: the file and line in
# the log, the refusal counted, the policy in force kept.
LOADER_ERRORS = [
    pytest.param(
        MASK_ALL.replace("v1", "v\x01").encode(), 1, "YAML syntax error: character U+0001", id="control"
    ),
    pytest.param(b"name: v5\nrequire_flow: false\n\xc3(\n", 3, "not UTF-8", id="invalid-utf8"),
    pytest.param(
        (ALLOW_ALL + "name: v6\n").encode(), 4, "field name: duplicate key 'name'", id="duplicate-key"
    ),
    pytest.param(
        (ALLOW_ALL + "x: " + "[" * 3000 + "]" * 3000 + "\n").encode(), 4, "nested more than", id="deep"
    ),
    pytest.param(
        (
            ALLOW_ALL
            + "x-0: &l0 [ha, ha, ha, ha, ha, ha, ha, ha, ha]\n"
            + "".join(f"x-{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]\n" for n in range(1, 9))
        ).encode(),
        9,
        "more than 100,000 values",
        id="alias-bomb",
    ),
]


@pytest.mark.parametrize(("content", "line", "message"), LOADER_ERRORS)
def test_loader_error_is_refused_and_the_old_policy_stays(
    setup: tuple[Path, Inspector, PolicyFileWatcher, list[str]],
    caplog: pytest.LogCaptureFixture,
    content: bytes,
    line: int,
    message: str,
) -> None:
    path, inspector, watcher, events = setup
    v1 = load_policy(path).version
    path.write_bytes(content)
    with caplog.at_level(logging.ERROR, logger="customs.policy"):
        assert watcher.poll() == "refused"
    assert events == ["refused"]
    assert _stamp(inspector) == ("mask", v1)
    logged = caplog.records[0].getMessage()
    assert f"keeping {v1}: {path}:{line}: " in logged and message in logged, logged


@pytest.mark.parametrize(("content", "line", "message"), LOADER_ERRORS)
def test_loader_error_counts_as_a_reload_failure(content: bytes, line: int, message: str) -> None:
    failures: list[str] = []
    holder = PolicyHolder(load_policy("mask-all"))
    reloader = PolicyReloader(holder, None, failures.append)
    assert reloader.offer(content, "candidate.yaml") == "refused"
    assert holder().name == "mask-all"
    assert len(failures) == 1 and failures[0].startswith(f"candidate.yaml:{line}: ")


def test_any_fault_while_loading_is_a_counted_refusal(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import streams.policy_watch

    def broken(text: bytes, source: str) -> object:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(streams.policy_watch, "parse_policy", broken)
    failures: list[str] = []
    holder = PolicyHolder(load_policy("mask-all"))
    with caplog.at_level(logging.ERROR, logger="customs.policy"):
        assert PolicyReloader(holder, None, failures.append).offer(b"name: x\n", "c.yaml") == "refused"
    assert failures == ["c.yaml: cannot load (RecursionError)"]
    assert holder().name == "mask-all"
    assert "c.yaml: cannot load (RecursionError)" in caplog.text
