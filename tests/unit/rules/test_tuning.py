"""Detection tuning in the policy file (rules.tuning): each key applied to findings, and every refusal
naming file, line and field. All values synthetic."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from customs.cli import app
from customs.factory import build_inspector
from customs.inspection import Origin
from customs.settings import Settings
from detectors.classify import Classifier
from detectors.finding import Finding
from detectors.walker import walk
from rules.decide import decide
from rules.decision import Action, FlowContext
from rules.holder import PolicyHolder
from rules.policy import PolicyError, parse_policy
from rules.tuning import VALIDATORS, Tuning, safe_pattern
from streams.policy_watch import PolicyFileWatcher, PolicyReloader
from tests.tuning_example import TUNING

SOURCE = "tuned.yaml"
# The README's worked example (keep the two in step).
TUNED = (
    """\
name: tuned
require_flow: false
score_threshold: 0.8
default_action: mask
default_operator: {name: type_tag}
rules:
  - id: members-partial
    entities: [MEMBER_NUMBER]
    action: mask
    operator: {name: partial, params: {keep_first: 2}}
"""
    + TUNING
)
RECORD = {
    "id": "t1",
    "switchboard": "电话 0755-83920000",
    "ward": "电话 0755-83921111",
    "note": "Referred under project nightingale",
    "member": "MB20240511",
    "member_typo": "MB20240512",
    "after_hours": "13800138000",
    "x": "13800138000",
}
CLASSIFIER = Classifier(ner=False)
CONTEXT = FlowContext(None, None, None, date(2026, 1, 15))


def _findings(policy_text: str, record: dict[str, object]) -> list[Finding]:
    policy = parse_policy(policy_text.encode(), SOURCE)
    fields = walk(record).fields
    return policy.tuning.apply(CLASSIFIER.classify(record, fields, ner=False), fields)


def _by_path(findings: list[Finding]) -> dict[str, tuple[str, float]]:
    return {f.path: (f.entity, f.score) for f in findings}


def test_each_key_changes_the_findings() -> None:
    untuned = _by_path(CLASSIFIER.classify(RECORD, ner=False))
    tuned = _by_path(_findings(TUNED, RECORD))
    # allow_list: the switchboard number is no finding (compared without separators); its neighbour is
    assert "switchboard" in untuned and "switchboard" not in tuned
    assert tuned["ward"][0] == "PHONE_NUMBER"
    # deny_list: the term, case-insensitively, as its new entity with score 1
    assert "note" not in untuned and tuned["note"] == ("CASE_CODE", 1.0)
    # recognizers: a new entity with context (0.5 + 0.35), and a failed Luhn check is no finding
    assert tuned["member"] == ("MEMBER_NUMBER", pytest.approx(0.85))
    assert "member_typo" not in tuned
    # context: the same number scores higher under a context word, unchanged elsewhere
    assert tuned["after_hours"][1] > untuned["after_hours"][1] == tuned["x"][1]


def test_tuned_findings_decide_with_the_new_entity_and_its_category() -> None:
    policy = parse_policy(TUNED.encode(), SOURCE)
    decision = decide(RECORD, _findings(TUNED, RECORD), CONTEXT, policy)
    assert decision.action is Action.MASK
    by_path = {m.finding.path: (m.operator, m.finding.entity) for m in decision.masks}
    assert by_path["member"] == ("partial", "MEMBER_NUMBER")
    assert by_path["note"] == ("type_tag", "CASE_CODE")
    assert "x" not in by_path  # 0.6 is below this policy's 0.8 without a context word
    assert policy.tuning.category_of("CASE_CODE") == "health"


def test_allow_pattern_is_anchored_and_scoped_to_its_entities() -> None:
    text = TUNED.replace(
        '    - value: "0755-8392 0000"\n      entities: [PHONE_NUMBER]\n',
        "    - pattern: '0755-8392\\d{4}'\n      entities: [EMAIL_ADDRESS]\n    - pattern: '0755-839211'\n",
    )
    found = _by_path(_findings(text, RECORD))
    assert "switchboard" in found  # the pattern allows EMAIL_ADDRESS only
    assert "ward" in found  # '0755-839211' does not match the whole value


def test_full_width_member_number_is_found_and_located_in_the_original() -> None:
    record = {"member": "会员ＭＢ２０２４０５１１"}
    (finding,) = _findings(TUNED, record)
    assert (finding.entity, finding.start, finding.end) == ("MEMBER_NUMBER", 2, 12)


def test_empty_tuning_leaves_findings_alone() -> None:
    findings = [Finding("a", "PHONE_NUMBER", 0, 11, 0.6)]
    assert Tuning().apply(findings, [("a", "13800138000", "a")]) == findings


@pytest.mark.parametrize(
    ("name", "good", "bad"),
    [
        ("luhn", "4111 1111 1111 1111", "4111 1111 1111 1112"),
        ("iso7064_mod11_2", "0000 0001 2146 0717", "0000 0001 2146 0713"),
        ("mod97", "123456789092", "123456789093"),
        ("verhoeff", "2363", "2364"),
    ],
)
def test_validators(name: str, good: str, bad: str) -> None:
    assert VALIDATORS[name](good) and not VALIDATORS[name](bad)


@pytest.mark.parametrize(
    "pattern", ["(a+)+", "(\\d{2,}-?)*", "(?:x|\\d+)*y", "(a*)*", "x" * 301, "(unclosed", "a?"]
)
def test_unsafe_or_unusable_patterns_are_refused(pattern: str) -> None:
    with pytest.raises(ValueError):
        safe_pattern(pattern)


@pytest.mark.parametrize("pattern", ["MB\\d{8}", "CASE-\\d{4}-\\d{6}", "[A-Z]{2}\\d{6}(?:\\d{2})?"])
def test_safe_patterns_pass(pattern: str) -> None:
    assert safe_pattern(pattern) == pattern


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "says"),
    [
        ("      validator: luhn\n", "      validator: lunh\n", 23, "tuning.recognizers.0.validator", "luhn"),
        ("      score: 0.5\n", "      scroe: 0.5\n", 24, "tuning.recognizers.0.scroe", "Extra inputs"),
        ("  deny_list:\n", "  deny_lists:\n", 15, "tuning.deny_lists", "Extra inputs"),
        ("      category: health\n", "", 16, "tuning.deny_list.0", "give its category"),
        (
            "      pattern: 'MB\\d{8}'\n",
            "      pattern: '(M\\d+)+'\n",
            22,
            "tuning.recognizers.0.pattern",
            "repeat",
        ),
        (
            "    PHONE_NUMBER: [after",
            "    PHONE_NUMBR: [after",
            27,
            "tuning.context.PHONE_NUMBR",
            "unknown entity",
        ),
        ("keep_first: 2", "keep_frist: 2", 10, "rules.0.operator", "'keep_frist'"),
        ("entities: [MEMBER_NUMBER]", "entities: [MEMBER_NUMBERS]", 8, "rules.0.entities", "MEMBER_NUMBERS"),
    ],
)
def test_refusals_name_file_line_and_field(old: str, new: str, line: int, field: str, says: str) -> None:
    assert old in TUNED
    with pytest.raises(PolicyError) as caught:
        parse_policy(TUNED.replace(old, new).encode(), SOURCE)
    message = str(caught.value)
    assert message.startswith(f"{SOURCE}:{line}: field {field}"), message
    assert says in message


def test_scan_applies_every_key(tmp_path: Path) -> None:
    policy = tmp_path / "tuned.yaml"
    policy.write_text(TUNED, encoding="utf-8")
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(RECORD, ensure_ascii=False) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["scan", str(source), "--out", str(out), "--policy", str(policy)])
    assert result.exit_code == 0, result.output
    (masked,) = [json.loads(line) for line in (out / "mask.jsonl").read_text().splitlines()]
    assert masked["switchboard"] == RECORD["switchboard"]  # allow_list
    assert masked["note"] == "Referred under <CASE_CODE>"  # deny_list
    assert masked["member"] == "MB********"  # recognizers, with its rule's operator
    assert masked["member_typo"] == RECORD["member_typo"]  # its Luhn check fails
    assert masked["after_hours"] == "<PHONE_NUMBER>" and masked["x"] == RECORD["x"]  # context


def test_scan_applies_an_allow_pattern(tmp_path: Path) -> None:
    """A switchboard's range of extensions allowed by one anchored pattern; a number outside it is masked."""
    text = TUNED.replace(
        '    - value: "0755-8392 0000"\n',
        "    - pattern: '0755-8392 ?000\\d'\n",
    )
    policy = tmp_path / "tuned.yaml"
    policy.write_text(text, encoding="utf-8")
    source = tmp_path / "in.jsonl"
    records = [{"id": "a", "switchboard": "电话 0755-83920007"}, {"id": "b", "ward": "电话 0755-83921111"}]
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["scan", str(source), "--out", str(out), "--policy", str(policy)])
    assert result.exit_code == 0, result.output
    assert [json.loads(line) for line in (out / "allow.jsonl").read_text().splitlines()] == records[:1]
    [masked] = [json.loads(line) for line in (out / "mask.jsonl").read_text().splitlines()]
    assert masked["ward"] == "电话 <PHONE_NUMBER>"


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("keep_first: 2", "keep_frist: 2", "tuned.yaml:10: field rules.0.operator"),
        ("  deny_list:\n", "  deny_lists:\n", "tuned.yaml:15: field tuning.deny_lists"),
        (
            "      validator: luhn\n",
            "      validator: lunh\n",
            "tuned.yaml:23: field tuning.recognizers.0.validator",
        ),
    ],
)
def test_scan_refuses_a_misspelt_key_naming_file_line_and_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, old: str, new: str, where: str
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("tuned.yaml").write_text(TUNED.replace(old, new), encoding="utf-8")
    Path("in.jsonl").write_text(json.dumps(RECORD, ensure_ascii=False) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["scan", "in.jsonl", "--out", "out", "--policy", "tuned.yaml"])
    assert result.exit_code != 0
    assert where in result.output, result.output
    assert not Path("out", "mask.jsonl").exists()


def test_a_tuning_change_is_hot_reloaded_and_a_broken_one_refused(tmp_path: Path) -> None:
    path = tmp_path / "tuned.yaml"
    path.write_text(TUNED, encoding="utf-8")
    inspector = build_inspector(Settings(pseudonym_key="unit-test-key", policy=str(path), ner=False))
    assert isinstance(inspector.policy, PolicyHolder)
    watcher = PolicyFileWatcher(path, PolicyReloader(inspector.policy, lambda _: None, lambda _: None))
    record = json.dumps({"id": "r", "switchboard": "电话 0755-83920000"}, ensure_ascii=False).encode()

    def action() -> str:
        return inspector.inspect(record, CONTEXT, Origin("t", 0, 0)).action.value

    assert action() == "allow"  # allow-listed
    path.write_text(TUNED.replace("0755-8392 0000", "0755-8392 9999"), encoding="utf-8")
    assert watcher.poll() == "reloaded" and action() == "mask"
    path.write_text(TUNED.replace("validator: luhn", "validator: lunh"), encoding="utf-8")
    assert watcher.poll() == "refused" and action() == "mask"  # the last good tuning stays
