"""Hot reload and shadow reporting for a running worker.

* The policy file (``CUSTOMS_POLICY``, when it is a file) is polled every ``CUSTOMS_POLICY_POLL_SECONDS``
  by content hash; a valid new policy is swapped into the inspector's ``PolicyHolder`` (taking effect on
  the next record), an invalid one is refused with a logged error naming file, line and field, and the
  policy in force stays.
* ``CUSTOMS_POLICY_TOPIC`` optionally names a compacted topic whose latest value is a policy document;
  every worker reads all of it (no consumer group offsets) and applies the latest value the same way.
* With ``CUSTOMS_SHADOW_POLICY``, the shadow tally's differences are logged every
  ``CUSTOMS_SHADOW_REPORT_SECONDS``; a shadow policy file is reloaded like the active one (its
  differences are counted afresh from then on).

Each runs in a daemon thread beside the worker's event loop; none ever touches a record.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from customs.inspection import Inspector
from customs.settings import Settings
from rules.holder import PolicyHolder
from rules.policy import PRESETS, Policy, PolicyError, parse_policy
from rules.shadow import Difference, ShadowTally
from streams.kafka_security import confluent_security

log = logging.getLogger("customs.policy")

Outcome = Literal["unchanged", "reloaded", "refused", "unreadable"]


@dataclass
class PolicyReloader:
    """Validates candidate policy documents and swaps the valid ones into ``holder``."""

    holder: PolicyHolder
    on_reload: Callable[[Policy], None] | None = None
    on_refused: Callable[[str], None] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def offer(self, text: bytes, source: str) -> Outcome:
        """Validate ``text`` (named ``source`` in errors) and make it active if it is valid and new."""
        try:
            policy = parse_policy(text, source)
        except Exception as exc:
            # A PolicyError names file, line and field, never a record value; any other fault while
            # loading is refused all the same: logged, counted, and the policy in force stays.
            message = (
                str(exc) if isinstance(exc, PolicyError) else f"{source}: cannot load ({type(exc).__name__})"
            )
            log.error("policy reload refused, keeping %s: %s", self.holder.version, message)
            if self.on_refused:
                self.on_refused(message)
            return "refused"
        with self._lock:
            previous = self.holder.swap(policy)
        if previous is None:
            return "unchanged"
        log.info(
            "policy reloaded from %s: %s %s (was %s)", source, policy.name, policy.version, previous.version
        )
        if self.on_reload:
            self.on_reload(policy)
        return "reloaded"


class PolicyFileWatcher:
    """Polls one policy file's content hash; offers each new content to the reloader once."""

    def __init__(self, path: Path, reloader: PolicyReloader) -> None:
        self.path = path
        self.reloader = reloader
        self._seen: str | None = self._hash()

    def _read(self) -> bytes | None:
        try:
            return self.path.read_bytes()
        except OSError:
            return None

    def _hash(self) -> str | None:
        text = self._read()
        return hashlib.sha256(text).hexdigest() if text is not None else None

    def poll(self) -> Outcome:
        text = self._read()
        if text is None:
            if self._seen is not None:
                log.error(
                    "policy file %s cannot be read; keeping %s", self.path, self.reloader.holder.version
                )
                self._seen = None
            return "unreadable"
        digest = hashlib.sha256(text).hexdigest()
        if digest == self._seen:
            return "unchanged"
        self._seen = digest  # a refused content is reported once, not on every poll
        return self.reloader.offer(text, str(self.path))


class PolicyTopicWatcher:
    """Reads a compacted policy topic from the beginning; applies its latest value once caught up."""

    def __init__(self, settings: Settings, topic: str, reloader: PolicyReloader) -> None:
        self.settings = settings
        self.topic = topic
        self.reloader = reloader

    def run(self, stop: threading.Event) -> None:
        from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition

        consumer = Consumer(
            {
                "bootstrap.servers": self.settings.bootstrap_servers,
                **confluent_security(self.settings),
                "group.id": f"{self.settings.app_id}-policy-{uuid.uuid4().hex[:8]}",
                "enable.auto.commit": False,
                "isolation.level": "read_committed",
            }
        )
        try:
            metadata = consumer.list_topics(self.topic, timeout=10)
            partitions = metadata.topics[self.topic].partitions
            consumer.assign([TopicPartition(self.topic, p, OFFSET_BEGINNING) for p in partitions])
            latest: tuple[int, bytes, str] | None = None
            while not stop.is_set():
                message = consumer.poll(0.5)
                if message is None:
                    if latest is not None:  # caught up: only the newest document counts
                        self.reloader.offer(latest[1], latest[2])
                        latest = None
                    continue
                value = message.value()
                if message.error() or value is None:  # errors are retried; tombstones ignored
                    continue
                stamp = message.timestamp()[1]
                where = f"{self.topic}[{message.partition()}]@{message.offset()}"
                if latest is None or stamp >= latest[0]:
                    latest = (stamp, value, where)
        except Exception as exc:
            log.error(
                "policy topic %s unreadable (%s); hot reload from it stopped", self.topic, type(exc).__name__
            )
        finally:
            consumer.close()


def report_shadow(
    tally: ShadowTally, previous: Counter[Difference], metric: Any = None
) -> Counter[Difference]:
    """Log the shadow tally (records compared, differences by kind), count what is new since
    ``previous`` in ``metric`` (labels: the two decisions and the flow id, all bounded), and return
    the tally for the next delta."""
    seen, differences = tally.snapshot()
    if any(differences[d] < n for d, n in previous.items()):
        previous = Counter()  # the tally was reset (a new shadow policy): all of it is new
    if metric is not None:
        for difference, count in (differences - previous).items():
            metric.labels(
                active=difference.active.split("[", 1)[0],
                shadow=difference.shadow.split("[", 1)[0],
                flow=difference.flow,
            ).inc(count)
    changed = sum(differences.values())
    kinds = "; ".join(f"{d}: {n}" for d, n in sorted(differences.items(), key=lambda i: -i[1])[:10])
    log.info(
        "shadow policy %s (%s): %d records compared, %d would differ%s",
        tally.policy.name,
        tally.policy.version,
        seen,
        changed,
        f": {kinds}" if kinds else "",
    )
    return differences


def _lower_threshold(inspector: Inspector, policy: Policy) -> None:
    """Let the classifier report every finding ``policy`` looks at (thresholds only ever go down)."""
    wanted = min(policy.score_threshold, policy.review_threshold or 1.0)
    if inspector.classifier.threshold > wanted:
        inspector.classifier.threshold = wanted


class PolicyWatch:
    """The worker's policy threads: file poll, policy topic, shadow report. ``stop`` ends them."""

    def __init__(self, settings: Settings, inspector: Inspector, metrics: Any = None) -> None:
        self.settings = settings
        self.inspector = inspector
        if not isinstance(inspector.policy, PolicyHolder):
            inspector.policy = PolicyHolder(inspector.policy())
        self.holder: PolicyHolder = inspector.policy
        self.shadow_metric = getattr(metrics, "shadow_differences", None)
        reloads = getattr(metrics, "policy_reloads", None)
        failures = getattr(metrics, "policy_reload_failures", None)
        set_version = getattr(metrics, "set_policy_version", None)

        def reloaded(policy: Policy) -> None:
            _lower_threshold(inspector, policy)
            if reloads is not None:
                reloads.inc()
            if set_version is not None:
                set_version(policy.version)

        def refused(_message: str) -> None:
            if failures is not None:
                failures.inc()

        self.reloader = PolicyReloader(self.holder, reloaded, refused)
        self.stop_event = threading.Event()
        self.threads: list[threading.Thread] = []

    def start(self) -> PolicyWatch:
        settings = self.settings
        if settings.policy not in PRESETS and Path(settings.policy).is_file():
            watcher = PolicyFileWatcher(Path(settings.policy), self.reloader)
            self._every(settings.policy_poll_seconds, watcher.poll, "policy-file")
            log.info("watching policy file %s every %ss", settings.policy, settings.policy_poll_seconds)
        if settings.policy_topic:
            topic = PolicyTopicWatcher(settings, settings.policy_topic, self.reloader)
            self._thread(lambda: topic.run(self.stop_event), "policy-topic")
        if isinstance(self.inspector.shadow, ShadowTally):
            tally = self.inspector.shadow
            shadow_file = settings.shadow_policy
            if shadow_file and shadow_file not in PRESETS and Path(shadow_file).is_file():
                inspector = self.inspector

                def shadow_reloaded(policy: Policy) -> None:
                    _lower_threshold(inspector, policy)
                    tally.reset()

                shadow = PolicyFileWatcher(Path(shadow_file), PolicyReloader(tally.holder, shadow_reloaded))
                self._every(settings.policy_poll_seconds, shadow.poll, "shadow-policy-file")
                log.info(
                    "watching shadow policy file %s every %ss", shadow_file, settings.policy_poll_seconds
                )
            state: dict[str, Counter[Difference]] = {"last": Counter()}

            def report() -> None:
                state["last"] = report_shadow(tally, state["last"], self.shadow_metric)

            self._every(settings.shadow_report_seconds, report, "shadow-report")
        return self

    def _every(self, seconds: float, action: Callable[[], object], name: str) -> None:
        def loop() -> None:
            while not self.stop_event.wait(seconds):
                try:
                    action()
                except Exception as exc:  # never let a watcher die silently mid-run
                    log.error("%s failed: %s", name, type(exc).__name__)

        self._thread(loop, name)

    def _thread(self, target: Callable[[], None], name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self.threads.append(thread)

    def stop(self) -> None:
        self.stop_event.set()
        for thread in self.threads:
            thread.join(timeout=5)


def start_policy_watch(settings: Settings, inspector: Inspector, metrics: Any = None) -> PolicyWatch:
    """Start hot reload (file and/or topic) and shadow reporting for ``inspector``; daemon threads."""
    return PolicyWatch(settings, inspector, metrics).start()
