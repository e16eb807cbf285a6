"""Every Prometheus metric of Data Customs, declared in one place, on an injectable registry.

Labels are bounded by construction: a decision (allow, mask, quarantine), a reason code, an entity
name, the policy's flow id (or ``unknown``), a topic from the settings, a partition number, the one
active policy version. A label never carries a value taken from a record.

The gateway worker serves :class:`GatewayMetrics` on ``/metrics`` (:func:`serve_metrics`); the review
service serves :class:`ReviewMetrics` on its own port (``CUSTOMS_REVIEW_METRICS_PORT``, 9470), so that
the dashboard and the alerts read from one list of names. The review queue is read from the review
store at each scrape, so it is what the store holds, whichever review instance is asked.
"""

from __future__ import annotations

import logging
import time
from collections import Counter as CountOf
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol

from faust.types import TP
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info, start_http_server
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from detectors.finding import Finding
from rules.decision import Action, Decision
from rules.reasons import Reason

if TYPE_CHECKING:
    from customs.inspection import Verdict

log = logging.getLogger("customs.metrics")

UNKNOWN_FLOW = "unknown"

# Seconds. Classification of one record is around a millisecond with pattern recognizers and can
# reach a second with NER; end to end includes the commit interval and any backlog.
_INSPECTION_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
_END_TO_END_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0)


class GatewayMetrics:
    """The gateway's metrics, registered on ``registry`` (a fresh one per test, the default in a worker)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry
        r = registry
        # The stream.
        self.records_in = Counter(
            "customs_records_in", "Inbound records taken in, by topic (once each)", ["topic"], registry=r
        )
        self.records_out = Counter(
            "customs_records_out",
            "Records routed, by decision and policy flow id",
            ["decision", "flow"],
            registry=r,
        )
        self.findings = Counter(
            "customs_findings", "Personal-information findings, by entity", ["entity"], registry=r
        )
        self.quarantines = Counter(
            "customs_quarantines",
            "Quarantined records, once per reason code (a record may carry several)",
            ["reason", "flow"],
            registry=r,
        )
        self.decode_errors = Counter(
            "customs_decode_errors", "Records that could not be decoded, by topic", ["topic"], registry=r
        )
        self.classification_seconds = Histogram(
            "customs_classification_seconds",
            "Time classifying one decoded record",
            buckets=_INSPECTION_BUCKETS,
            registry=r,
        )
        self.decision_seconds = Histogram(
            "customs_decision_seconds",
            "Time inspecting one record apart from classification: decode, decide, desensitise",
            buckets=_INSPECTION_BUCKETS,
            registry=r,
        )
        self.end_to_end_seconds = Histogram(
            "customs_end_to_end_seconds",
            "From the record's Kafka timestamp to its outputs' commit (faust engine: hand-over to producer)",
            buckets=_END_TO_END_BUCKETS,
            registry=r,
        )
        self.transaction_seconds = Histogram(
            "customs_transaction_seconds",
            "Time committing one input partition's batch: its outputs and its offset in one transaction",
            buckets=_INSPECTION_BUCKETS,
            registry=r,
        )
        self.transaction_failures = Counter(
            "customs_transaction_failures",
            "Transactions that failed and were aborted; their records are read again from the last commit",
            registry=r,
        )
        self.consumer_lag = Gauge(
            "customs_consumer_lag",
            "Records not yet processed: high watermark (last stable offset) minus position",
            ["topic", "partition"],
            registry=r,
        )
        # The policy.
        self.policy = Info("customs_policy", "The active policy version (content hash)", registry=r)
        self.policy_reloads = Counter("customs_policy_reloads", "Policy reloads that took effect", registry=r)
        self.policy_reload_failures = Counter(
            "customs_policy_reload_failures",
            "Policy reloads refused (invalid policy); the previous one stays active",
            registry=r,
        )
        self.shadow_differences = Counter(
            "customs_shadow_differences",
            "Records a shadow policy would route differently (active → shadow decision)",
            ["active", "shadow", "flow"],
            registry=r,
        )
        self._policy_version: str | None = None
        self._lag_partitions: set[tuple[str, str]] = set()
        self._children: dict[tuple[int, tuple[str, ...]], Counter] = {}

    def _child(self, metric: Counter, *values: str) -> Counter:
        """``metric.labels(*values)``, remembered: label values are bounded, and this runs per record."""
        key = (id(metric), values)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = metric.labels(*values)
        return child

    def record_in(self, topic: str) -> None:
        self._child(self.records_in, topic).inc()

    def record_out(self, decision: Decision, findings: Iterable[Finding], topic: str) -> None:
        """Count one routed record: its decision, its findings by entity, its quarantine reasons."""
        flow = decision.flow_id or UNKNOWN_FLOW
        self._child(self.records_out, decision.action.value, flow).inc()
        for entity, count in CountOf(finding.entity for finding in findings).items():
            self._child(self.findings, entity).inc(count)
        if decision.action is Action.QUARANTINE:
            for reason in decision.reasons:
                self._child(self.quarantines, reason, flow).inc()
        if Reason.DECODE_ERROR in decision.reasons:
            self._child(self.decode_errors, topic).inc()
        if decision.policy_version != self._policy_version:
            self.set_policy_version(decision.policy_version)

    def observe_inspection(self, classify_seconds: float, inspect_seconds: float) -> None:
        """Observe one inspection's classification time and the rest (decode, decide, desensitise)."""
        if classify_seconds > 0:
            self.classification_seconds.observe(classify_seconds)
        self.decision_seconds.observe(max(0.0, inspect_seconds - classify_seconds))

    def observe_routed(self, verdict: Verdict, topic: str, timestamp: float | None) -> None:
        """Observe one routed record: its latency from ``timestamp``, its inspection times, its decision."""
        self.observe_end_to_end(timestamp)
        self.observe_inspection(verdict.classify_seconds, verdict.inspect_seconds)
        self.record_out(verdict.decision, verdict.findings, topic)

    def set_policy_version(self, version: str) -> None:
        """Publish ``version`` as the one active policy version (replacing the previous one)."""
        self._policy_version = version
        self.policy.info({"version": version})

    def observe_end_to_end(self, timestamp: float | None, now: float | None = None) -> None:
        """Observe now − the record's Kafka timestamp (seconds since the epoch); skipped without one."""
        if not timestamp:
            return
        current = time.time() if now is None else now
        self.end_to_end_seconds.observe(max(0.0, current - timestamp))

    def set_lag(self, lags: Mapping[tuple[str, int], int]) -> None:
        """Replace the per-partition lag: partitions no longer assigned here drop out of the series."""
        current = {(topic, str(partition)): lag for (topic, partition), lag in lags.items()}
        for topic, partition in self._lag_partitions - set(current):
            self.consumer_lag.remove(topic, partition)
        for (topic, partition), lag in current.items():
            self.consumer_lag.labels(topic=topic, partition=partition).set(max(0, lag))
        self._lag_partitions = set(current)


# -- the review service ---------------------------------------------------------------------------

OTHER = "other"  # a reason code or role not in the bounded set (a foreign producer's header)
REVIEW_ROLES = ("reviewer", "approver", "auditor", "admin", "system")  # system: start-up recovery
REVIEW_EVENTS = ("request", "approval", "release", "rejection", "reveal")
RELEASE_STEPS = ("target", "produce")  # finding the target partition; producing the release
DEPENDENCIES = ("kafka", "store")
_REASONS = frozenset(reason.value for reason in Reason)
ReviewEvent = Literal["request", "approval", "release", "rejection", "reveal"]


def bounded_reason(code: str) -> str:
    """A reason code as a label: one of :class:`Reason`, else ``other``."""
    return code if code in _REASONS else OTHER


def bounded_role(role: str) -> str:
    return role if role in REVIEW_ROLES else OTHER


@dataclass(frozen=True, slots=True)
class QueueSnapshot:
    """What the review store holds and is not settled yet, in counts only (no value, no id)."""

    by_status: Mapping[tuple[str, str], int] = field(default_factory=dict)  # (status, flow) -> records
    by_reason: Mapping[tuple[str, str], int] = field(default_factory=dict)  # (reason, flow) -> records
    oldest_held_at: float | None = None  # epoch seconds of the oldest record waiting for a reviewer


class _ReviewQueueCollector(Collector):
    """Reads the queue from the store at each scrape; a store that cannot be read gives ``store_up 0``
    and no queue series (absent, not a stale number)."""

    def __init__(
        self,
        snapshot: Callable[[], QueueSnapshot],
        health: Callable[[], Mapping[str, bool | None]],
        clock: Callable[[], float],
        audit_end_offset: Callable[[], int | None],
    ) -> None:
        self.snapshot = snapshot
        self.health = health
        self.clock = clock
        self.audit_end_offset = audit_end_offset

    def describe(self) -> Iterator[Metric]:
        return iter(())  # collected at scrape time only (registration must not read the store)

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "customs_review_dependency_up",
            "Whether the review service reaches its dependency (kafka, store) at its last check",
            labels=["dependency"],
        )
        states = dict(self.health())
        try:
            snapshot: QueueSnapshot | None = self.snapshot()
        except Exception as exc:  # the store is down: say so, do not fail the scrape
            log.warning("review queue metrics: the store cannot be read (%s)", type(exc).__name__)
            snapshot = None
        states["store"] = snapshot is not None
        for dependency in DEPENDENCIES:
            state = states.get(dependency)
            if state is not None:
                up.add_metric([dependency], 1.0 if state else 0.0)
        yield up
        audit = self.audit_end_offset()
        if audit is not None:
            yield GaugeMetricFamily(
                "customs_audit_topic_end_offset",
                "The audit topic's end offsets summed over its partitions, as the review service last read"
                " them from the broker: it advances with every routed record",
                value=float(audit),
            )
        if snapshot is None:
            return
        size = GaugeMetricFamily(
            "customs_review_queue_size",
            "Quarantined records in the review store not settled yet (held, awaiting_approval, releasing),"
            " by status and policy flow id",
            labels=["status", "flow"],
        )
        for (status, flow), count in sorted(snapshot.by_status.items()):
            size.add_metric([status, flow], float(count))
        yield size
        reasons = GaugeMetricFamily(
            "customs_review_queue_reasons",
            "Unsettled records in the review store, once per reason code (a record may carry several)",
            labels=["reason", "flow"],
        )
        totals: CountOf[tuple[str, str]] = CountOf()
        for (reason, flow), count in snapshot.by_reason.items():
            totals[(bounded_reason(reason), flow)] += count
        for (reason, flow), count in sorted(totals.items()):
            reasons.add_metric([reason, flow], float(count))
        yield reasons
        oldest = snapshot.oldest_held_at
        yield GaugeMetricFamily(
            "customs_review_oldest_age_seconds",
            "Age of the oldest record waiting for a reviewer or an approver (0 when none waits)",
            value=0.0 if oldest is None else max(0.0, self.clock() - oldest),
        )


class ReviewMetrics:
    """The review service's metrics: what reviewers did (by role), failed releases, and the queue as
    the store holds it (read at scrape time through ``snapshot``)."""

    def __init__(
        self,
        registry: CollectorRegistry,
        snapshot: Callable[[], QueueSnapshot] | None = None,
        health: Callable[[], Mapping[str, bool | None]] | None = None,
        clock: Callable[[], float] = time.time,
        audit_end_offset: Callable[[], int | None] = lambda: None,
    ) -> None:
        self.registry = registry
        r = registry
        self.events = {
            "request": Counter(
                "customs_review_requests",
                "Release requests (direct or four-eyes), by role",
                ["role"],
                registry=r,
            ),
            "approval": Counter(
                "customs_review_approvals",
                "Four-eyes release requests approved, by role",
                ["role"],
                registry=r,
            ),
            "release": Counter(
                "customs_review_releases",
                "Held records released (produced and committed), by the role that let them go",
                ["role"],
                registry=r,
            ),
            "rejection": Counter(
                "customs_review_rejections", "Held records rejected, by role", ["role"], registry=r
            ),
            "reveal": Counter(
                "customs_review_reveals",
                "Held values revealed to a user (audited), by role",
                ["role"],
                registry=r,
            ),
        }
        self.release_failures = Counter(
            "customs_review_release_failures",
            "Releases that could not go out: target topic unreachable (nothing written) or produce failed"
            " (left 'releasing', recovered later)",
            ["step"],
            registry=r,
        )
        for role in REVIEW_ROLES:
            for event in REVIEW_EVENTS:
                self.events[event].labels(role)
        for step in RELEASE_STEPS:
            self.release_failures.labels(step)
        if snapshot is not None:
            registry.register(_ReviewQueueCollector(snapshot, health or dict, clock, audit_end_offset))

    def count(self, event: ReviewEvent, role: str) -> None:
        self.events[event].labels(bounded_role(role)).inc()

    def release_failed(self, step: Literal["target", "produce"]) -> None:
        self.release_failures.labels(step).inc()


def progress_line(counts: Mapping[str, int]) -> str | None:
    """The worker's periodic progress log: records routed so far, by decision (None before the first)."""
    if not counts:
        return None
    summary = ", ".join(f"{decision} {n}" for decision, n in sorted(counts.items()))
    return f"processed {sum(counts.values())} records: {summary}"


class LagSource(Protocol):
    """What lag needs from a consumer: Faust's ``app.consumer`` provides it."""

    def assignment(self) -> set[TP]: ...

    def highwater(self, tp: TP) -> int | None: ...


def partition_lags(
    consumer: LagSource,
    topics: Iterable[str],
    processed: Mapping[tuple[str, int], int],
    committed: Mapping[TP, int | None],
) -> dict[tuple[str, int], int]:
    """Lag of every assigned partition of ``topics``: the high watermark minus the position.

    The position is the next offset to process: the later of what this worker processed and what
    the group committed (after a rebalance the committed offset is the fresher one). A partition
    with neither, or whose high watermark is not fetched yet, is left out until the next update.
    Under exactly-once the consumer reports the last stable offset, so open transactions do not count.
    """
    wanted = set(topics)
    lags: dict[tuple[str, int], int] = {}
    for tp in consumer.assignment():
        if tp.topic not in wanted:
            continue
        known = [
            offset
            for offset in (processed.get((tp.topic, tp.partition)), committed.get(tp))
            if offset is not None
        ]
        try:
            highwater = consumer.highwater(tp)
        except Exception:  # mid-rebalance: try again next time
            continue
        if not known or highwater is None or highwater < 0:
            continue
        lags[(tp.topic, tp.partition)] = max(0, highwater - max(known))
    return lags


def serve_metrics(
    registry: CollectorRegistry, port: int | Literal["auto"], host: str = "127.0.0.1", span: int = 1
) -> int | None:
    """Serve ``/metrics`` on the first free port of ``port`` … ``port + span - 1``; return the port taken.

    ``0`` disables the endpoint; ``"auto"`` lets the system choose a free port. If every port of the
    range is taken, the worker runs on without an endpoint (and says so): metrics never stop the stream.
    """
    if port == 0:
        log.info("metrics endpoint disabled (CUSTOMS_METRICS_PORT=0)")
        return None
    candidates = [0] if port == "auto" else list(range(port, min(port + span, 65536)))
    for candidate in candidates:
        try:
            server, _thread = start_http_server(candidate, addr=host, registry=registry)
        except OSError:
            continue
        taken = int(server.server_port)
        log.info("metrics on http://%s:%d/metrics", host, taken)
        return taken
    log.warning(
        "metrics endpoint not started: ports %d-%d on %s are all taken", candidates[0], candidates[-1], host
    )
    return None
