"""``customs review``: wire the store, vault, classifier and Kafka from settings, then serve until stopped."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from confluent_kafka import Message
from prometheus_client import CollectorRegistry

from customs.factory import build_inspector
from customs.settings import Settings
from review.accounts import Accounts
from review.analysis import Analyst
from review.app import ReviewContext
from review.audit_relay import AuditRelay, RelayError, relay_ids
from review.db import Database
from review.ingest import Ingest, Quarantined
from review.ledger import Ledger
from review.monitoring import PROBE_TIMEOUT, HealthMonitor, flow_of, queue_snapshot
from review.publisher import Publisher
from review.retention import purge_expired
from review.service import ReviewService
from review.store import Store
from review.vault import Vault
from rules.policy import Policy, load_policy
from streams.kafka_security import confluent_security
from streams.metrics import ReviewMetrics, serve_metrics
from streams.reach import KafkaProbe, check_reachable

if TYPE_CHECKING:
    import uvicorn
    from fastapi import FastAPI

log = logging.getLogger("customs.review")

RECOVERY_INTERVAL = 30.0
RELAY_INTERVAL = 2.0  # seconds between publishing review actions to the audit topic
RETENTION_INTERVAL = 600.0  # how often held records past their retention are purged (review.retention)


@dataclass
class Review:
    """Everything the review service is made of, built from one settings object."""

    settings: Settings
    db: Database
    vault: Vault
    store: Store
    accounts: Accounts
    analyst: Analyst
    ingest: Ingest
    metrics: ReviewMetrics
    monitor: HealthMonitor  # checks Kafka and the store in the background once started (``serve``)
    policy: Policy | None = None  # the transfer report's flows, recipients and contracts

    def service(self, publisher: Publisher) -> ReviewService:
        return ReviewService(
            self.store,
            self.vault,
            self.analyst,
            publisher,
            {
                "allow": self.settings.output_topic_names["allow"],
                "mask": self.settings.output_topic_names["mask"],
            },
            self.settings.pseudonym_secret,
            self.settings.review_page_size,
            self.settings.review_bulk_limit,
            self.settings.review_instance,
            self.metrics,
        )

    def context(self, publisher: Publisher) -> ReviewContext:
        https = (self.settings.review_public_url or "").lower().startswith("https://")
        secure = self.settings.review_secure_cookies
        return ReviewContext(
            self.service(publisher),
            self.accounts,
            https if secure is None else secure,
            hsts=https,
            health=lambda: self.monitor.health,
            policy=self.policy,
        )


def open_accounts(settings: Settings, db: Database | None = None) -> Accounts:
    db = db or Database.from_settings(settings)
    return Accounts(
        db,
        Vault.from_settings(settings).derive("session-cookie"),
        time.time,
        settings.review_session_minutes * 60,
        settings.review_session_max_hours * 3600,
    )


def build_review(
    settings: Settings, analyst: Analyst | None = None, registry: CollectorRegistry | None = None
) -> Review:
    """The review service's parts; its metrics go on ``registry`` (a fresh one by default), the queue
    read from the store at each scrape, held records counted under the policy's flow ids."""
    db = Database.from_settings(settings)
    vault = Vault.from_settings(settings)
    store = Store(db, time.time)
    policy = load_policy(settings.policy)
    if analyst is None:
        analyst = Analyst.of(build_inspector(settings, policy))  # the policy's tuning, as the gateway
    flows = flow_of(policy)
    probe = KafkaProbe(settings.bootstrap_servers, PROBE_TIMEOUT, confluent_security(settings))
    audit_topic = settings.output_topic_names["audit"]
    monitor = HealthMonitor(
        probe,
        lambda: db.scalar("SELECT 1"),
        kafka_address=settings.bootstrap_servers,
        audit_probe=lambda: probe.end_offset(audit_topic),
    )
    metrics = ReviewMetrics(
        registry or CollectorRegistry(),
        snapshot=lambda: queue_snapshot(db, flows),
        health=lambda: monitor.health.as_dict(),
        audit_end_offset=lambda: monitor.health.audit_end_offset,
        clock=lambda: store.clock(),  # the store's clock: ages as the store counts them
    )
    return Review(
        settings,
        db,
        vault,
        store,
        open_accounts(settings, db),
        analyst,
        Ingest(store, vault, analyst, settings.pseudonym_secret),
        metrics,
        monitor,
        policy,
    )


def _bytes(value: str | bytes | None) -> bytes:
    return value.encode() if isinstance(value, str) else (value or b"")


def quarantined(message: Message) -> Quarantined:
    kind, timestamp = message.timestamp()
    key = message.key()
    return Quarantined(
        topic=message.topic() or "",
        partition=message.partition() or 0,
        offset=message.offset() or 0,
        key=None if key is None else _bytes(key),
        value=_bytes(message.value()),
        headers=tuple((str(pair[0]), _bytes(pair[1])) for pair in (message.headers() or [])),
        timestamp_ms=timestamp if kind else None,
    )


def review_group(settings: Settings) -> str:
    return settings.review_group or f"{settings.app_id}-review"


def transactional_id(settings: Settings) -> str:
    """The release producer's: one per review instance, so that instances do not fence each other, and the
    same after a restart, so that a restarted instance fences its crashed self."""
    base = settings.review_transactional_id or f"{settings.app_id}-review-release"
    return f"{base}-{settings.review_instance}" if settings.review_instance else base


def ledger_group(settings: Settings) -> str:
    return f"{review_group(settings)}-ledger"


def audit_into_ledger(ledger: Ledger, message: Message) -> bool:
    """Count one audit-topic message in the transfer ledger (once: see review.ledger)."""
    kind, timestamp = message.timestamp()
    return ledger.add_raw(
        message.topic() or "",
        message.partition() or 0,
        message.offset() or 0,
        _bytes(message.value()),
        timestamp if kind else None,
    )


def purge(review: Review) -> int:
    """Purge the held records past their retention (each batch audited); how many."""
    settings = review.settings
    return purge_expired(
        review.store, settings.review_retention_days, settings.review_rejected_retention_days
    ).records


def background(review: Review, service: ReviewService, stop: threading.Event) -> threading.Thread:
    """The ingest loops (quarantine topic → store, audit topic → transfer ledger) with a periodic recovery
    of stuck releases and a periodic purge of records past their retention."""
    from review.kafka import QuarantineConsumer

    settings = review.settings
    consumer = QuarantineConsumer(
        settings.bootstrap_servers,
        review_group(settings),
        settings.output_topic_names["quarantine"],
        lambda message: review.ingest.add(quarantined(message)),
        confluent_security(settings),
    )
    ledger = Ledger(review.db, lambda: review.policy.tuning.new_entities if review.policy else {})
    audit = QuarantineConsumer(  # any topic: here the audit topic, into the transfer ledger
        settings.bootstrap_servers,
        ledger_group(settings),
        settings.output_topic_names["audit"],
        lambda message: audit_into_ledger(ledger, message),
        confluent_security(settings),
    )

    relay: AuditRelay | None = None
    transactional_id, relay_group = relay_ids(settings.app_id)

    def relay_actions() -> None:
        """Publish the review actions' chained audit rows to the audit topic (review/audit_relay.py)."""
        nonlocal relay
        if relay is None:
            relay = AuditRelay(
                review.store,
                settings.bootstrap_servers,
                settings.output_topic_names["audit"],
                transactional_id,
                relay_group,
                confluent_security(settings),
            )
        try:
            relay.run_once()
        except RelayError as exc:  # published on a later turn; nothing is lost or doubled
            log.warning("review actions not yet on the audit topic: %s", type(exc).__name__)

    def loop() -> None:
        next_recovery = time.monotonic() + RECOVERY_INTERVAL
        next_purge = time.monotonic()
        next_relay = time.monotonic()
        try:
            while not stop.is_set():
                try:
                    consumer.poll_once(timeout=1.0)
                    audit.poll_once(timeout=0.2, batch=1000)
                    if time.monotonic() >= next_relay:
                        next_relay = time.monotonic() + RELAY_INTERVAL
                        relay_actions()
                    if time.monotonic() >= next_recovery:
                        service.recover()
                        next_recovery = time.monotonic() + RECOVERY_INTERVAL
                    if time.monotonic() >= next_purge:
                        purge(review)
                        next_purge = time.monotonic() + RETENTION_INTERVAL
                except Exception:  # keep serving; what failed is retried
                    log.exception("review background loop failed; retrying")
                    stop.wait(2.0)
        finally:
            consumer.close()
            audit.close()
            if relay is not None:
                relay.close()

    thread = threading.Thread(target=loop, name="review-ingest", daemon=True)
    thread.start()
    return thread


def settle(settings: Settings, publisher: Publisher | None = None) -> int:
    """Settle the releases this instance (``review_instance``) left 'releasing', then stop: for an
    instance that is gone for good. Its release producer, started under the same transactional id,
    first fences whatever is left of that instance. How many releases were settled."""
    from review.kafka import KafkaPublisher

    if publisher is None:
        kafka = KafkaPublisher(
            settings.bootstrap_servers, transactional_id(settings), security=confluent_security(settings)
        )
        try:
            return settle(settings, kafka)
        finally:
            kafka.close()
    review = build_review(settings)
    try:
        return review.service(publisher).recover()
    finally:
        review.db.close()


def server_config(settings: Settings, app: FastAPI) -> uvicorn.Config:
    """The web server's: the client address of a request is the one a trusted proxy forwarded, if any
    (login throttling counts by it)."""
    import uvicorn

    return uvicorn.Config(
        app,
        host=settings.review_host,
        port=settings.review_port,
        log_level=settings.log_level,
        access_log=False,
        proxy_headers=True,
        forwarded_allow_ips=settings.review_trusted_proxies,
    )


def serve(settings: Settings) -> None:
    """Serve until stopped. Kafka must answer at start-up (``KafkaUnreachable`` otherwise: the release
    producer fences its predecessor then); later outages show in the header and in the metrics."""
    import uvicorn
    from prometheus_client import GC_COLLECTOR, PLATFORM_COLLECTOR, PROCESS_COLLECTOR

    from review.app import create_app
    from review.kafka import KafkaPublisher

    check_reachable(settings.bootstrap_servers, settings.kafka_timeout, confluent_security(settings))
    registry = CollectorRegistry()
    for collector in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
        registry.register(collector)
    review = build_review(settings, registry=registry)
    publisher = KafkaPublisher(
        settings.bootstrap_servers, transactional_id(settings), security=confluent_security(settings)
    )
    context = review.context(publisher)
    settled = context.service.recover()
    if settled:
        log.info("recovered %d releases left 'releasing'", settled)
    review.monitor.start()
    serve_metrics(registry, settings.review_metrics_port, settings.metrics_host)
    stop = threading.Event()
    thread = background(review, context.service, stop)
    log.info("review service on http://%s:%d/", settings.review_host, settings.review_port)
    try:
        uvicorn.Server(server_config(settings, create_app(context))).run()
    finally:
        stop.set()
        review.monitor.stop()
        thread.join(timeout=15)
        publisher.close()
        review.db.close()
