"""How the review service watches itself: the queue in counts for its metrics, the role an action is
counted under, and the health of Kafka and the store (checked in the background, so that a page reads
the last answer instead of waiting on a dead dependency)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from review.db import Database
from review.models import OPEN_STATUSES, Status, User
from review.roles import GRANTS, Permission, Role
from rules.policy import Policy
from streams.metrics import UNKNOWN_FLOW, QueueSnapshot

log = logging.getLogger("customs.review.health")

UNSETTLED = (*OPEN_STATUSES, Status.RELEASING)
HEALTH_INTERVAL = 5.0  # seconds between checks
PROBE_TIMEOUT = 3.0  # seconds one check may take

FlowOf = Callable[[str | None, str | None, str | None], str]


def flow_of(policy: Policy) -> FlowOf:
    """The policy flow id a held record's source, destination and purpose file under, else ``unknown``
    (the header texts themselves are unbounded: never a label)."""

    def find(source: str | None, destination: str | None, purpose: str | None) -> str:
        flow = policy.find_flow(source, destination, purpose)
        return flow.id if flow is not None else UNKNOWN_FLOW

    return find


def queue_snapshot(db: Database, flow: FlowOf, statuses: tuple[Status, ...] = UNSETTLED) -> QueueSnapshot:
    """The unsettled records in counts by (status, flow) and (reason, flow), and the oldest one waiting."""
    marks = ", ".join("?" for _ in statuses)
    rows = db.all(
        "SELECT status, reasons, source, destination, purpose, COUNT(*) AS n, MIN(held_at) AS oldest"
        f" FROM held WHERE status IN ({marks}) GROUP BY status, reasons, source, destination, purpose",
        [s.value for s in statuses],
    )
    by_status: dict[tuple[str, str], int] = {}
    by_reason: dict[tuple[str, str], int] = {}
    oldest: float | None = None
    waiting = {s.value for s in OPEN_STATUSES}
    for row in rows:
        flow_id = flow(row["source"], row["destination"], row["purpose"])
        count = int(row["n"])
        key = (str(row["status"]), flow_id)
        by_status[key] = by_status.get(key, 0) + count
        for reason in (part for part in str(row["reasons"] or "").split(",") if part):
            by_reason[(reason, flow_id)] = by_reason.get((reason, flow_id), 0) + count
        if row["status"] in waiting and row["oldest"] is not None:
            oldest = float(row["oldest"]) if oldest is None else min(oldest, float(row["oldest"]))
    return QueueSnapshot(by_status, by_reason, oldest)


def acting_role(user: User, permission: Permission) -> str:
    """The role an action is counted under: the first of the user's roles (in the order of
    :class:`Role`) that grants ``permission``; ``system`` for the service itself."""
    if not user.roles:
        return "system"
    for role in Role:
        if role in user.roles and permission in GRANTS[role]:
            return role.value
    return user.roles[0].value


@dataclass
class Health:
    """The last answer of each dependency: True (reached), False (not reached), None (not checked yet)."""

    kafka: bool | None = None
    store: bool | None = None
    checked_at: float | None = None
    audit_end_offset: int | None = None  # how far the audit topic has advanced (None: not read)

    def as_dict(self) -> dict[str, bool | None]:
        return {"kafka": self.kafka, "store": self.store}


class HealthMonitor:
    """Checks Kafka and the store every ``interval`` seconds in a thread of its own; ``health`` answers
    at once. A check that changes the answer is logged (once per change, not every time)."""

    def __init__(
        self,
        kafka_probe: Callable[[], None],
        store_probe: Callable[[], None],
        interval: float = HEALTH_INTERVAL,
        kafka_address: str = "",
        audit_probe: Callable[[], int] | None = None,
    ) -> None:
        self.kafka_probe = kafka_probe
        self.store_probe = store_probe
        self.audit_probe = audit_probe
        self.interval = interval
        self.kafka_address = kafka_address
        self.health = Health()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def check(self) -> Health:
        kafka = _ok(self.kafka_probe)
        store = _ok(self.store_probe)
        if kafka != self.health.kafka and kafka is False:
            log.warning("cannot reach Kafka at %s; releases wait until it is back", self.kafka_address)
        elif kafka != self.health.kafka and self.health.kafka is False:
            log.info("Kafka at %s is reachable again", self.kafka_address)
        if store != self.health.store:
            (log.info if store else log.warning)("review store %s", "reachable" if store else "unreachable")
        audit: int | None = None
        if kafka and self.audit_probe is not None:
            try:
                audit = self.audit_probe()
            except Exception:  # the topic is missing or Kafka went away: not read this time
                audit = None
        self.health = Health(kafka, store, time.time(), audit)
        return self.health

    def start(self) -> None:
        def loop() -> None:
            while not self._stop.is_set():
                self.check()
                self._stop.wait(self.interval)

        self._thread = threading.Thread(target=loop, name="review-health", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=PROBE_TIMEOUT * 3)


def _ok(probe: Callable[[], None]) -> bool:
    try:
        probe()
    except Exception:
        return False
    return True
