"""Customs inspection of one record: decode → classify → decide → desensitise → what to publish.

The stream worker and the offline ``scan`` both call ``Inspector.inspect``; it never raises for a
bad record: whatever cannot be handled becomes a quarantine verdict with a reason.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from customs import headers as h
from customs.audit.subjects import subject_digests
from customs.codec import Codec, Decoded, DecodeError, EncodeError, compact_json
from customs.flow_signature import ED25519, Algorithm, KeyLookup, Unauthenticated, check
from detectors.classify import Classifier, DeadlinePassed
from detectors.finding import Finding
from detectors.hints import hinted
from detectors.walker import Field, JsonValue, walk
from rules.decide import decide
from rules.decision import Action, Decision, FlowContext
from rules.desensitise import desensitise
from rules.policy import Policy
from rules.reasons import Reason
from rules.tuning import Tuning

log = logging.getLogger("customs.inspection")

# A hook seeing (record, findings, flow, active decision) after every decide: the shadow policy.
ShadowHook = Callable[[JsonValue, Sequence[Finding], FlowContext, Decision], object]


@dataclass(frozen=True, slots=True)
class Origin:
    topic: str
    partition: int
    offset: int
    timestamp_ms: int | None = None


@dataclass(frozen=True, slots=True)
class Verdict:
    decision: Decision
    value: bytes  # the record as it is published
    headers: tuple[tuple[str, bytes], ...]
    findings: tuple[Finding, ...]
    digest: str  # sha256 hex of the original value
    detail: str | None = None
    classify_seconds: float = 0.0  # time spent finding personal information
    inspect_seconds: float = 0.0  # time of the whole inspection, classification included
    subjects: tuple[str, ...] = ()  # keyed digests of the identifiers found (customs.audit.subjects)

    @property
    def action(self) -> Action:
        return self.decision.action

    def audit_event(self, origin: Origin, flow: FlowContext) -> dict[str, object]:
        """The audit entry: decision, reasons, entity counts and digests — never a raw value."""
        entities: dict[str, int] = {}
        for finding in self.findings:
            entities[finding.entity] = entities.get(finding.entity, 0) + 1
        return {
            "type": "decision",
            **self.decision.to_json(),
            "detail": self.detail,
            "origin": {"topic": origin.topic, "partition": origin.partition, "offset": origin.offset},
            "timestamp_ms": origin.timestamp_ms,
            "source": flow.source,
            "destination": flow.destination,
            "purpose": flow.purpose,
            "entities": dict(sorted(entities.items())),
            "digest_in": self.digest,
            "digest_out": hashlib.sha256(self.value).hexdigest(),
            "subjects": list(self.subjects),
        }


def policy_findings(
    findings: Sequence[Finding],
    record: JsonValue,
    tuning: Tuning,
    fields: Sequence[Field] | None = None,
    hints: Mapping[str, str] | None = None,
) -> list[Finding]:
    """The classifier's ``findings`` in ``record`` as the policy sees them: a schema-tagged field's value a
    finding of its entity (``hints``), then the policy's ``tuning`` (custom recognizers, context words,
    allow and deny lists). The gateway and the review service's analysis both read findings through it."""
    walked = fields or walk(record).fields
    return tuning.apply(hinted(findings, walked, hints or {}), walked)


def flow_context(headers: dict[str, str], record_date: date) -> FlowContext:
    """The flow of a record from its headers (``h.as_text``): a malformed source, destination or purpose
    reads as ``h.INVALID`` (no flow has it), an unclear ``customs-important-data`` as important."""
    return FlowContext(
        source=h.flow_value(headers.get(h.SOURCE)),
        destination=h.flow_value(headers.get(h.DESTINATION)),
        purpose=h.flow_value(headers.get(h.PURPOSE)),
        record_date=record_date,
        important_data=h.important_data(headers.get(h.IMPORTANT_DATA)),
        as_sent=tuple((name, headers[name]) for name in (*h.FLOW_HEADERS, h.SIGNATURE) if name in headers),
    )


class Inspector:
    def __init__(
        self,
        classifier: Classifier,
        codec: Codec,
        policy: Callable[[], Policy],
        pseudonym_key: bytes,
        token_key: bytes | None = None,
        shadow: ShadowHook | None = None,
        budget: float | None = None,
        flow_keys: KeyLookup | None = None,
    ) -> None:
        self.classifier = classifier
        self.codec = codec
        self.policy = policy  # called once per record, so a reload takes effect between records
        self.pseudonym_key = pseudonym_key
        self.token_key = token_key  # reversible tokens; the pseudonym key when None
        self.shadow = shadow  # sees every decided record beside the active decision; never routes
        # Seconds one record's classification may take: a slower one is quarantined as inspection_timeout
        # (None: no limit). The classifier reads the clock between fields and recognizers.
        self.budget = budget
        # The HMAC secrets of signing organisations (customs.flow_keys.FlowKeys.lookup); Ed25519 public keys
        # are the policy's. None: no HMAC key, so an hmac-sha256 signature never verifies.
        self.flow_keys = flow_keys

    def inspect(self, raw: bytes | None, flow: FlowContext, origin: Origin) -> Verdict:
        return self._inspect(raw, flow, origin, time.perf_counter())

    def inspect_many(self, items: Sequence[tuple[bytes | None, FlowContext, Origin]]) -> list[Verdict]:
        """``inspect`` for each ``(raw, flow, origin)`` of a batch — the same verdicts — with the records
        classified together, so that the NER model reads the batch's running texts in one go
        (``Classifier.classify_many``)."""
        started = time.perf_counter()
        policy = self.policy()
        decoded: list[Decoded | None] = []
        vouched: list[bool] = []
        for raw, flow, _ in items:
            vouched.append(self._unauthenticated(raw or b"", flow, policy) is None)
            if not vouched[-1]:  # held before decoding: _inspect reports it
                decoded.append(None)
                continue
            try:
                decoded.append(self.codec.decode(raw))
            except Exception:  # _inspect reports it, record by record
                decoded.append(None)
        batch = [
            (d.record, d.fields, policy.ner_for(flow.source, flow.destination, flow.purpose))
            for d, (_, flow, _) in zip(decoded, items, strict=True)
            if d is not None
        ]
        classify_started = time.perf_counter()
        try:
            found: Iterator[list[Finding] | DeadlinePassed | None] = iter(
                self.classifier.classify_many(batch, self.budget)
            )
        except Exception:  # classified record by record instead, where any failure is reported
            log.warning("classifying a batch at once failed; classifying record by record", exc_info=False)
            found = iter([None] * len(batch))
        classify_share = (time.perf_counter() - classify_started) / max(len(batch), 1)
        decode_share = (classify_started - started) / max(len(items), 1)
        verdicts = []
        for (raw, flow, origin), d, ok in zip(items, decoded, vouched, strict=True):
            findings = next(found) if d is not None else None
            verdicts.append(
                self._inspect(
                    raw,
                    flow,
                    origin,
                    time.perf_counter() - decode_share - (classify_share if findings is not None else 0.0),
                    (d, findings, classify_share) if d is not None and findings is not None else None,
                    vouched=ok,
                )
            )
        return verdicts

    def _inspect(
        self,
        raw: bytes | None,
        flow: FlowContext,
        origin: Origin,
        started: float,
        done: tuple[Decoded, list[Finding] | DeadlinePassed, float] | None = None,
        vouched: bool = False,
    ) -> Verdict:
        """``done``: the record already decoded and classified (in a batch), with its share of the
        batch's classification time (or ``DeadlinePassed``: its classification ran past the budget);
        ``vouched``: its flow signature already checked and found good (in a batch)."""
        policy = self.policy()
        classify_seconds = 0.0
        value = raw or b""
        digest = hashlib.sha256(value).hexdigest()
        refused = None if vouched else self._unauthenticated(value, flow, policy)
        if refused is not None:  # its flow is not vouched for: nothing the headers claim is trusted
            held = (Reason.FLOW_UNAUTHENTICATED,) + ((Reason.IMPORTANT_DATA,) if flow.important_data else ())
            decision = Decision(Action.QUARANTINE, held, (), policy.version)
            return self._verdict(decision, value, (), digest, origin, refused.value, started=started)
        if done is None:
            try:
                decoded = self.codec.decode(raw)
            except DecodeError as exc:
                decision = Decision(Action.QUARANTINE, (Reason.DECODE_ERROR,), (), policy.version)
                return self._verdict(decision, value, (), digest, origin, exc.detail, started=started)
        else:
            decoded, findings, classify_seconds = done
        try:
            if done is None:
                classify_started = time.perf_counter()
                ner = policy.ner_for(flow.source, flow.destination, flow.purpose)
                deadline = None if self.budget is None else classify_started + self.budget
                findings = self.classifier.classify(
                    decoded.record, decoded.fields, ner=ner, deadline=deadline
                )
                classify_seconds = time.perf_counter() - classify_started
            if isinstance(findings, DeadlinePassed):
                raise findings
            findings = policy_findings(findings, decoded.record, policy.tuning, decoded.fields, decoded.hints)
            decision = decide(decoded.record, findings, flow, policy)
            self._shadow(decoded.record, findings, flow, decision)
            out = value
            if decision.action is Action.MASK:
                masked = desensitise(
                    decoded.record,
                    decision.masks,
                    self.pseudonym_key,
                    record_date=flow.record_date,
                    token_key=self.token_key,
                )
                out = self.codec.encode(masked, decoded)
        except DeadlinePassed:  # one slow record costs only itself: held, unchanged, judged by nobody
            decision = Decision(Action.QUARANTINE, (Reason.INSPECTION_TIMEOUT,), (), policy.version)
            detail = f"inspection_budget: classification took more than {self.budget or 0:g} s"
            return self._verdict(decision, value, (), digest, origin, detail, started=started)
        except EncodeError as exc:  # the schema cannot hold a masked value: held, unchanged
            decision = Decision(Action.QUARANTINE, (Reason.MASK_BREAKS_SCHEMA,), (), policy.version)
            return self._verdict(decision, value, (), digest, origin, exc.detail, started=started)
        except Exception as exc:  # a bug or a policy it cannot apply must not stop the stream
            decision = Decision(Action.QUARANTINE, (Reason.POLICY_ERROR,), (), policy.version)
            return self._verdict(decision, value, (), digest, origin, type(exc).__name__, started=started)
        return self._verdict(
            decision,
            out,
            tuple(findings),
            digest,
            origin,
            None,
            classify_seconds=classify_seconds,
            started=started,
            subjects=subject_digests(decoded.record, findings, self.pseudonym_key),
        )

    def _unauthenticated(self, value: bytes, flow: FlowContext, policy: Policy) -> Unauthenticated | None:
        """Why the record's flow is not vouched for by its source's signature (customs.flow_signature),
        or None: signed with a key of the source (one of its policy entry's kind), or no signature where
        the policy requires none."""
        required = policy.signature_required(policy.find_flow(flow.source, flow.destination, flow.purpose))
        if not required and not any(name == h.SIGNATURE for name, _ in flow.as_sent):
            return None
        org = policy.organisations.get(flow.source) if flow.source else None

        def keys(algorithm: Algorithm, key_id: str) -> bytes | None:
            if org is None or org.signing != algorithm:
                return None
            if algorithm == ED25519:
                return org.public_key(key_id)
            return self.flow_keys(algorithm, key_id) if self.flow_keys is not None else None

        return check(dict(flow.as_sent), value, required, keys)

    def _shadow(
        self, record: JsonValue, findings: Sequence[Finding], flow: FlowContext, decision: Decision
    ) -> None:
        if self.shadow is None:
            return
        try:
            self.shadow(record, findings, flow, decision)
        except Exception:  # a shadow policy must never affect routing
            log.warning("shadow policy failed on a record; routing unaffected", exc_info=False)

    @staticmethod
    def _verdict(
        decision: Decision,
        value: bytes,
        findings: tuple[Finding, ...],
        digest: str,
        origin: Origin,
        detail: str | None,
        *,
        classify_seconds: float = 0.0,
        started: float | None = None,
        subjects: tuple[str, ...] = (),
    ) -> Verdict:
        """The verdict; ``started``: the ``perf_counter`` the inspection started at (its time is taken
        here, at the end)."""
        encoded: tuple[tuple[str, bytes], ...] = (
            (h.DECISION, decision.action.value.encode("utf-8")),
            (h.REASONS, ",".join(decision.reasons).encode("utf-8")),
            (h.RULES, ",".join(decision.rule_ids).encode("utf-8")),
            (h.POLICY_VERSION, decision.policy_version.encode("utf-8")),
            (h.ORIGIN_TOPIC, origin.topic.encode("utf-8")),
            (h.ORIGIN_PARTITION, str(origin.partition).encode("utf-8")),
            (h.ORIGIN_OFFSET, str(origin.offset).encode("utf-8")),
            (h.DIGEST, digest.encode("utf-8")),
        )
        if detail:
            encoded += ((h.DETAIL, detail.encode("utf-8")),)
        inspect_seconds = time.perf_counter() - started if started is not None else 0.0
        return Verdict(
            decision, value, encoded, findings, digest, detail, classify_seconds, inspect_seconds, subjects
        )


def audit_bytes(event: dict[str, object]) -> bytes:
    return compact_json(event)
