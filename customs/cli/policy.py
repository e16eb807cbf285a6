"""``customs policy …``: check, explain, diff and schema for policy authors; reidentify for key holders."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from customs.settings import Settings

if TYPE_CHECKING:
    from customs.inspection import Verdict
    from rules.decide import FindingTrace
    from rules.decision import FlowContext
    from rules.policy import Policy

policy_app = typer.Typer(
    help="Policy files: check, explain and compare them before they go live.", no_args_is_help=True
)

PolicyOption = Annotated[
    str | None,
    typer.Option("--policy", help="Policy file or preset (gba-default, mask-all); default from settings"),
]
SourceOption = Annotated[str | None, typer.Option(help="Flow: source organisation id")]
DestinationOption = Annotated[str | None, typer.Option(help="Flow: destination organisation id")]
PurposeOption = Annotated[str | None, typer.Option(help="Flow: purpose of the transfer")]
DateOption = Annotated[
    str | None, typer.Option("--date", help="Record date for contract checks (YYYY-MM-DD; default today)")
]


def _fail(message: str) -> NoReturn:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(2)


def _load(file_or_preset: str) -> Policy:
    from rules.policy import PolicyError, load_policy

    try:
        return load_policy(file_or_preset)
    except PolicyError as exc:
        _fail(str(exc))


def _context(source: str | None, destination: str | None, purpose: str | None, on: str | None) -> FlowContext:
    from customs import headers as h
    from customs.inspection import flow_context

    try:
        record_date = date.fromisoformat(on) if on else datetime.now(UTC).date()
    except ValueError:
        _fail(f"--date {on!r} is not YYYY-MM-DD")
    header_map = {h.SOURCE: source, h.DESTINATION: destination, h.PURPOSE: purpose}
    return flow_context({k: v for k, v in header_map.items() if v}, record_date)


@policy_app.command("check")
def check(file: Annotated[str, typer.Argument(help="Policy file or preset name")]) -> None:
    """Validate a policy file; errors name the file, line and field."""
    active = _load(file)
    typer.echo(
        f"ok: policy {active.name} version {active.version}: "
        f"{len(active.flows)} flows, {len(active.rules)} rules, {len(active.organisations)} organisations"
    )


@dataclass(frozen=True, slots=True)
class Explanation:
    """What the gateway does with one record under one policy, and why; no value inside."""

    verdict: Verdict
    traces: tuple[FindingTrace, ...]
    flow: str | None

    def to_json(self) -> dict[str, object]:
        return {
            **self.verdict.decision.to_json(),
            "detail": self.verdict.detail,
            "flow": self.flow,
            "findings": [t.to_json() for t in self.traces],
        }


def explain_record(raw: bytes, settings: Settings, policy: Policy, context: FlowContext) -> Explanation:
    """Inspect ``raw`` exactly as the stream would, and trace what ``decide`` made of each finding."""
    from customs.factory import build_inspector
    from customs.inspection import Origin
    from rules.decide import explain

    inspector = build_inspector(settings.model_copy(update={"shadow_policy": None}), policy)
    verdict = inspector.inspect(raw, context, Origin("explain", 0, 0))
    traces: tuple[FindingTrace, ...] = ()
    if verdict.detail is None:
        record = inspector.codec.decode(raw).record
        traces = explain(record, verdict.findings, context, policy)[1]
    flow = policy.find_flow(context.source, context.destination, context.purpose)
    return Explanation(verdict, traces, flow.id if flow else None)


@policy_app.command("explain")
def explain_command(
    record: Annotated[
        Path, typer.Argument(help="One record: a JSON object (or Avro wire bytes)", exists=True)
    ],
    policy: PolicyOption = None,
    source: SourceOption = None,
    destination: DestinationOption = None,
    purpose: PurposeOption = None,
    on: DateOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object instead of text")] = False,
) -> None:
    """Why a record gets its decision: findings (paths, entities, offsets; never values), flow, rules."""
    from customs.logs import configure as configure_logging

    settings = Settings()
    configure_logging("warning")
    active = _load(policy or settings.policy)
    context = _context(source, destination, purpose, on)
    result = explain_record(record.read_bytes(), settings, active, context)
    if as_json:
        typer.echo(json.dumps(result.to_json(), ensure_ascii=False))
        return
    decision = result.verdict.decision
    typer.echo(f"policy   {active.name} {decision.policy_version}")
    typer.echo(f"flow     {result.flow or 'none matched (source, destination, purpose)'}")
    if result.verdict.detail:
        typer.echo(f"detail   {result.verdict.detail}")
    typer.echo(f"findings {len(result.traces)}")
    for trace in result.traces:
        f = trace.finding
        what = f"{trace.action} by rule {trace.rule_id}" if trace.action else "no part"
        typer.echo(
            f"  {f.path}[{f.start}:{f.end}] {f.entity} score {f.score:.2f} "
            f"({', '.join(trace.categories)}): {trace.status}, {what} — {trace.why}"
        )
    reasons = ", ".join(decision.reasons) or "none"
    rules = ", ".join(decision.rule_ids) or "none"
    typer.echo(f"decision {decision.action.value} (reasons: {reasons}; rules: {rules})")


@policy_app.command("diff")
def diff_command(
    old: Annotated[str, typer.Argument(help="The policy in force (file or preset)")],
    new: Annotated[str, typer.Argument(help="The candidate policy (file or preset)")],
    sample: Annotated[Path, typer.Option("--sample", help="JSON Lines sample of records", exists=True)],
    source: SourceOption = None,
    destination: DestinationOption = None,
    purpose: PurposeOption = None,
    on: DateOption = None,
) -> None:
    """How many sample records change decision from OLD to NEW, by (old → new) and by reason."""
    from customs.logs import configure as configure_logging

    configure_logging("warning")
    before, after = _load(old), _load(new)
    summary = diff_sample(sample, Settings(), before, after, _context(source, destination, purpose, on))
    typer.echo(f"records {summary.total}, changed {summary.changed}")
    for (was, becomes), count in summary.transitions.most_common():
        typer.echo(f"  {was} -> {becomes}: {count}")
    if summary.reasons:
        typer.echo("by reason (records gaining + or losing - it):")
        for reason, count in summary.reasons.most_common():
            typer.echo(f"  {reason}: {count}")


@dataclass(frozen=True, slots=True)
class DiffSummary:
    total: int
    changed: int
    transitions: Counter[tuple[str, str]]  # (old outcome, new outcome) -> records
    reasons: Counter[str]  # "+low_confidence", "-rule_mask" -> records


def diff_sample(
    path: Path, settings: Settings, old: Policy, new: Policy, context: FlowContext
) -> DiffSummary:
    """Classify each line once, decide it under both policies, count the differences (``rules.shadow``)."""
    from customs.codec import DecodeError
    from customs.factory import build_codec, classifier_threshold
    from detectors.classify import Classifier
    from rules.decide import decide
    from rules.shadow import compare

    codec = build_codec(settings)
    classifier = Classifier(threshold=classifier_threshold(settings, old, new))
    total = 0
    transitions: Counter[tuple[str, str]] = Counter()
    reasons: Counter[str] = Counter()
    with path.open("rb") as handle:
        for line in handle:
            raw = line.rstrip(b"\r\n")
            if not raw.strip():
                continue
            total += 1
            try:
                record = codec.decode(raw).record
            except DecodeError:
                continue  # decode_error under both
            findings = classifier.classify(record)
            a, b = decide(record, findings, context, old), decide(record, findings, context, new)
            difference = compare(a, b)
            if difference is None:
                continue
            transitions[(difference.active, difference.shadow)] += 1
            for reason in sorted(set(b.reasons) - set(a.reasons)):
                reasons[f"+{reason}"] += 1
            for reason in sorted(set(a.reasons) - set(b.reasons)):
                reasons[f"-{reason}"] += 1
    return DiffSummary(total, sum(transitions.values()), transitions, reasons)


def policy_schema() -> str:
    """The policy file's JSON schema, as committed in ``schemas/policy.schema.json``."""
    from rules.policy import Policy

    schema = Policy.model_json_schema()
    schema["$id"] = "https://data-customs.invalid/schemas/policy.schema.json"
    schema["title"] = "Data Customs policy"
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


@policy_app.command("schema")
def schema_command(
    out: Annotated[Path | None, typer.Option("--out", help="Write here instead of standard output")] = None,
) -> None:
    """Print the JSON schema of a policy file (editors validate and complete YAML against it)."""
    text = policy_schema()
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {out}", err=True)


@policy_app.command("reidentify")
def reidentify_command(
    value: Annotated[str, typer.Argument(help="A token made by the tokenise operator")],
    entity: Annotated[str, typer.Option("--entity", help="The token's entity, e.g. CN_RESIDENT_ID")],
) -> None:
    """For authorised key holders: the value behind a token.

    The key is read from settings: CUSTOMS_TOKEN_KEY, else the pseudonym key.
    """
    from customs.factory import token_secret
    from detectors.entities import ENTITIES
    from rules.operators.tokenise import TokenError, reidentify

    if entity not in ENTITIES:
        _fail(f"unknown entity {entity!r}; known: {', '.join(sorted(ENTITIES))}")
    try:
        typer.echo(reidentify(value, entity, token_secret(Settings())))
    except TokenError as exc:
        _fail(f"not a token of the tokenise operator: {exc}")
