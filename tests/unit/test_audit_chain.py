"""The audit chain, signed checkpoints, verification and proofs (customs/audit)."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

import pytest

from customs.audit.chain import GENESIS, Chainer, Head, canonical, event_hash, link
from customs.audit.signing import checkpoint, load_public_key, load_signing_key, public_pem
from customs.audit.subjects import normal, subject_digest, subject_digests
from customs.audit.verify import Located, prove, verify
from detectors.finding import Finding


def _decision(n: int) -> dict[str, object]:
    published = f'{{"id":"r{n}","note":"synthetic"}}'.encode()
    return {
        "type": "decision",
        "decision": "allow",
        "origin": {"topic": "customs.inbound", "partition": 0, "offset": n},
        "digest_in": hashlib.sha256(published).hexdigest(),
        "digest_out": hashlib.sha256(published).hexdigest(),
    }


def _trail(tmp_path: Path, count: int = 6, every: int = 3) -> list[Located]:
    """``count`` decisions on one chain with a checkpoint after every ``every``."""
    key = load_signing_key(tmp_path / "audit.key")
    chainer = Chainer(Head("gateway:customs.inbound:0"))
    events = []
    for n in range(count):
        events.append(chainer.add(_decision(n)))
        if (n + 1) % every == 0:
            events.append(chainer.add(checkpoint(chainer.head, key, 1_700_000_000_000 + n)))
    return [Located(f"line {i + 1}", e) for i, e in enumerate(events)]


def _public(tmp_path: Path):  # type: ignore[no-untyped-def]
    return load_public_key(public_pem(load_signing_key(tmp_path / "audit.key")).encode())


def test_hash_covers_the_canonical_event_without_its_hash() -> None:
    event, head = link(Head("c"), {"b": 1, "a": "é"})
    assert event["prev"] == GENESIS and event["seq"] == 0
    expected = '{"a":"é","b":1,"chain":"c","prev":"' + GENESIS + '","seq":0}'
    assert canonical(event) == expected.encode()
    assert event["hash"] == hashlib.sha256(canonical(event)).hexdigest() == head.hash
    assert head == Head.decode("c", head.encode())
    assert Head.decode("c", "") == Head("c")


def test_an_intact_trail_verifies(tmp_path: Path) -> None:
    report = verify(_trail(tmp_path), _public(tmp_path))
    assert report.ok and report.events == 8 and report.checkpoints == 2
    assert report.chains == {"gateway:customs.inbound:0": 8}


def test_a_tampered_event_is_named(tmp_path: Path) -> None:
    trail = _trail(tmp_path)
    changed = copy.deepcopy(dict(trail[4].event))
    changed["decision"] = "mask"
    trail[4] = Located(trail[4].where, changed)
    report = verify(trail, _public(tmp_path))
    assert report.first_break is not None
    assert (report.first_break.where, report.first_break.problem) == ("line 5", "tampered")


def test_a_tampered_event_with_its_hash_recomputed_breaks_the_next_link(tmp_path: Path) -> None:
    trail = _trail(tmp_path)
    changed = dict(trail[1].event)
    changed["decision"] = "mask"
    changed["hash"] = event_hash(changed)
    trail[1] = Located(trail[1].where, changed)
    report = verify(trail, _public(tmp_path))
    assert report.first_break is not None
    assert (report.first_break.where, report.first_break.problem) == ("line 3", "broken_link")


def test_a_dropped_event_is_named(tmp_path: Path) -> None:
    trail = _trail(tmp_path)
    del trail[2]
    report = verify(trail, _public(tmp_path))
    assert report.first_break is not None
    assert (report.first_break.where, report.first_break.problem, report.first_break.seq) == (
        "line 4",
        "gap",
        3,
    )


def test_two_reordered_events_are_named(tmp_path: Path) -> None:
    trail = _trail(tmp_path)
    trail[4], trail[5] = trail[5], trail[4]
    report = verify(trail, _public(tmp_path))
    assert report.first_break is not None
    assert (report.first_break.where, report.first_break.problem) == ("line 6", "gap")


def test_a_forged_checkpoint_fails_its_signature(tmp_path: Path) -> None:
    trail = _trail(tmp_path)
    other = load_public_key(public_pem(load_signing_key(tmp_path / "other.key")).encode())
    report = verify(trail, other)
    assert report.first_break is not None
    assert (report.first_break.where, report.first_break.problem) == ("line 4", "bad_signature")


def test_events_of_several_chains_interleave(tmp_path: Path) -> None:
    a, b = Chainer(Head("a")), Chainer(Head("b"))
    trail = [Located(str(i), e) for i, e in enumerate([a.add({"n": 1}), b.add({"n": 1}), a.add({"n": 2})])]
    assert verify(trail, None).chains == {"a": 2, "b": 1}


def test_prove_finds_the_event_and_its_signed_checkpoint(tmp_path: Path) -> None:
    trail = _trail(tmp_path)
    record = b'{"id":"r4","note":"synthetic"}'
    proof = prove(record, trail, _public(tmp_path))
    assert proof.ok, proof.problem
    assert proof.event is not None and proof.event.where == "line 6"
    assert proof.checkpoint is not None and proof.checkpoint.where == "line 8"
    assert proof.links == 3


def test_prove_refuses_an_unknown_record_a_broken_chain_and_an_uncovered_tail(tmp_path: Path) -> None:
    trail = _trail(tmp_path, count=5)
    public = _public(tmp_path)
    assert prove(b'{"id":"other"}', trail, public).problem == "no audit event has this record's digest_out"
    assert "no signed checkpoint" in str(prove(b'{"id":"r4","note":"synthetic"}', trail, public).problem)
    changed = dict(trail[2].event)
    changed["decision"] = "quarantine"
    trail[2] = Located("line 3", changed)
    assert "tampered" in str(prove(b'{"id":"r1","note":"synthetic"}', trail, public).problem)


def test_the_signing_key_is_made_once_with_mode_0600(tmp_path: Path) -> None:
    path = tmp_path / "secrets" / "audit.key"
    first = public_pem(load_signing_key(path))
    assert path.stat().st_mode & 0o777 == 0o600
    assert public_pem(load_signing_key(path)) == first
    assert first.startswith("-----BEGIN PUBLIC KEY-----")


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("+86 138-0013-8000", "13800138000"),
        ("13800138000", "13800138000"),
        ("+852 9123 4567", "91234567"),
        ("A123456(7)", "A1234567"),
        (" Li.Lei@Example.COM ", "li.lei@example.com"),
        ("11010519491231002x", "11010519491231002X"),
        ("mz-0760-2024-33871", "MZ0760202433871"),  # a hospital record number, as a clerk types it
    ],
)
def test_identifiers_are_normalised_before_their_digest(given: str, stored: str) -> None:
    assert normal(given) == normal(stored)
    assert subject_digest(given, b"k") == subject_digest(stored, b"k")


def test_subject_digests_cover_identifiers_only_and_never_hold_the_value() -> None:
    record = {"phone": "电话 13800138000", "name": "王小明"}
    findings = [Finding("phone", "PHONE_NUMBER", 3, 14, 0.9), Finding("name", "PERSON", 0, 3, 0.9)]
    digests = subject_digests(record, findings, b"key")
    assert digests == (subject_digest("13800138000", b"key"),)
    assert "13800138000" not in json.dumps(digests)
    assert subject_digests(record, findings, b"other") != digests


def test_a_hospital_record_number_is_a_subject_s_identifier() -> None:
    """A patient asking what crossed about them knows their 住院号: it is digested like an ID number."""
    record = {"住院号": "ZY2024020311", "note": "咳嗽"}
    findings = [Finding("住院号", "MEDICAL_RECORD_NUMBER", 0, 12, 0.85)]
    assert subject_digests(record, findings, b"key") == (subject_digest("zy2024020311", b"key"),)
