"""The per-record path's faster forms against the straightforward ones they replaced: same values.

``python -m load.routing_snapshot`` compares every published byte of 3,000 generated records before and
after a change; these tests pin the pieces with inputs the generator rarely makes (escaped paths, lists of
rules that change, many findings in one field).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
from collections import Counter
from datetime import date

from customs.audit.chain import GENESIS, Head, canonical, link
from customs.audit.subjects import normal, subject_digest, subject_digests
from customs.inspection import Origin, Verdict
from detectors.entities import Category
from detectors.finding import Finding
from detectors.walker import join_path, split_path
from rules.decide import _first_rule
from rules.decision import Action, Decision, FlowContext
from rules.desensitise import _ancestors
from rules.policy import Rule

KEY = b"test-key"


def _reference_ancestors(paths: list[str]) -> set[str]:
    found = set()
    for path in paths:
        prefix = ""
        found.add(prefix)
        for part in split_path(path)[:-1]:
            prefix = join_path(prefix, part)
            found.add(prefix)
    return found


def test_ancestors_of_joined_paths_are_those_split_and_joined_again() -> None:
    pick = random.Random(7)
    alphabet = ["a", "b", ".", "\\", "", "0", "名", " ", "e", "\\e"]
    for _ in range(5000):
        paths = []
        for _ in range(pick.randint(0, 3)):
            path = ""
            for _ in range(pick.randint(1, 4)):
                part = "".join(pick.choice(alphabet) for _ in range(pick.randint(0, 3)))
                path = join_path(path, pick.choice([pick.randint(0, 12), part]))
            paths.append(path)
        assert _ancestors(paths) == _reference_ancestors(paths), paths


def test_no_paths_no_ancestors() -> None:
    assert _ancestors([]) == set()


def test_a_chained_events_hash_is_that_of_its_canonical_json() -> None:
    event = {"type": "decision", "b": [1, "二"], "a": {"z": None, "y": 1.5}, "hash": "stale", "seq": 9}
    chained, head = link(Head("gateway:t:0", 3, GENESIS), event)
    body = {k: v for k, v in chained.items() if k != "hash"}
    expected = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    assert canonical(chained) == expected
    assert chained["hash"] == hashlib.sha256(expected).hexdigest() == head.hash
    assert chained["seq"] == 3 and chained["prev"] == GENESIS


def test_subject_digest_is_the_keyed_hmac_of_the_normal_form() -> None:
    for identifier in ["+86 138-0013-8000", "User@Example.com", "A123456(7)", "  "]:
        expected = hmac.new(
            KEY, b"data-customs-subject\x00" + normal(identifier).encode(), hashlib.sha256
        ).hexdigest()
        assert subject_digest(identifier, KEY) == expected


def test_subject_digests_of_repeated_fields_and_identifiers() -> None:
    record = {"a": "13800138000 and 13800138000", "b": ["13800138000", "x@y.cn"], "c": "  "}
    findings = [
        Finding("a", "PHONE_NUMBER", 0, 11, 0.9),
        Finding("a", "PHONE_NUMBER", 16, 27, 0.9),
        Finding("b.0", "PHONE_NUMBER", 0, 11, 0.9),
        Finding("b.1", "EMAIL_ADDRESS", 0, 6, 0.9),
        Finding("c", "PHONE_NUMBER", 0, 2, 0.9),
        Finding("missing", "PHONE_NUMBER", 0, 2, 0.9),
        Finding("a", "PERSON", 0, 3, 0.9),
    ]
    expected = sorted({subject_digest("13800138000", KEY), subject_digest("x@y.cn", KEY)})
    assert subject_digests(record, findings, KEY) == tuple(expected)


def _reference_first_rule(
    finding: Finding, categories: frozenset[Category], flow_id: str | None, rules: list[Rule], use: bool
) -> Rule | None:
    for rule in rules:
        if rule.flows and flow_id not in rule.flows:
            continue
        if use and finding.score < rule.min_score:
            continue
        if finding.entity in rule.entities or not categories.isdisjoint(rule.categories):
            return rule
    return None


def test_first_rule_is_the_first_matching_rule_in_order() -> None:
    pick = random.Random(3)
    entities = ["PHONE_NUMBER", "PERSON", "EMAIL_ADDRESS", "CN_RESIDENT_ID"]
    cats = list(Category)
    for round_ in range(300):
        rules = [
            Rule(
                id=f"r{i}",
                entities=tuple(pick.sample(entities, pick.randint(0, 2))) or ("PERSON",),
                categories=tuple(pick.sample(cats, pick.randint(0, 2))),
                flows=tuple(pick.sample(["f1", "f2"], pick.randint(0, 1))),
                action=Action.QUARANTINE,
                min_score=pick.choice([0.0, 0.5, 0.8]),
            )
            for i in range(pick.randint(0, 6))
        ]
        # a tuple (remembered) and a list (not remembered: it may change under the same id)
        for given in (tuple(rules), rules):
            for _ in range(10):
                finding = Finding("p", pick.choice(entities), 0, 1, pick.choice([0.3, 0.6, 0.9]))
                categories = frozenset(pick.sample(cats, pick.randint(1, 2)))
                flow_id = pick.choice([None, "f1", "f2"])
                use = pick.random() < 0.5
                assert _first_rule(finding, categories, flow_id, given, use) is _reference_first_rule(
                    finding, categories, flow_id, rules, use
                ), round_


def test_first_rule_follows_a_list_of_rules_that_changed() -> None:
    finding = Finding("p", "PERSON", 0, 1, 0.9)
    rules = [Rule(id="a", entities=("PERSON",), action=Action.MASK, operator={"name": "redact"})]
    assert _first_rule(finding, frozenset(), None, rules) is rules[0]
    rules[0] = Rule(id="b", entities=("EMAIL_ADDRESS",), action=Action.ALLOW)
    assert _first_rule(finding, frozenset(), None, rules) is None


def test_audit_event_entity_counts_sorted_as_a_counter_gives_them() -> None:
    findings = tuple(
        Finding(f"f{i}", entity, 0, 1, 0.9)
        for i, entity in enumerate(["PERSON", "EMAIL_ADDRESS", "PERSON", "CN_RESIDENT_ID", "PERSON"])
    )
    verdict = Verdict(Decision(Action.ALLOW, (), (), "v1"), b"{}", (), findings, "d" * 64)
    flow = FlowContext("a", "b", "c", date(2026, 1, 1))
    event = verdict.audit_event(Origin("t", 0, 1, None), flow)
    assert event["entities"] == dict(sorted(Counter(f.entity for f in findings).items()))
    assert list(event["entities"]) == ["CN_RESIDENT_ID", "EMAIL_ADDRESS", "PERSON"]  # type: ignore[call-overload]
