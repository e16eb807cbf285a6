"""The review service's own metrics: the queue as the store holds it, what each role did, failed
releases, and the health of Kafka and the store (metrics and page header)."""

from __future__ import annotations

import re

import pytest
from prometheus_client import generate_latest

from review.errors import ReviewError
from review.models import QueueFilter, ReleaseMode, User
from review.monitoring import Health, HealthMonitor, acting_role
from review.roles import Permission, Role

from .conftest import RESIDENT_ID, T0, Desk
from .test_api import CONTACT, SENSITIVE


def _value(desk: Desk, name: str, **labels: str) -> float | None:
    return desk.review.metrics.registry.get_sample_value(name, labels)


def _user(desk: Desk, name: str) -> User:
    user = desk.review.accounts.user_named(name)
    assert user is not None
    return user


def test_queue_size_by_status_and_flow_equals_the_store(desk: Desk) -> None:
    desk.hold(CONTACT, reasons="no_flow,category_not_permitted", at=T0 - 600)
    desk.hold(SENSITIVE, reasons="rule_quarantine", source="sz-bank", at=T0 - 60)
    desk.hold({"id": "x-1"}, reasons="rule_quarantine")
    rita = _user(desk, "rita")
    [sensitive] = [r.id for r in desk.service.queue(rita, QueueFilter()).items if r.record_ref == "tcm-1"]
    desk.service.request_release(rita, sensitive, ReleaseMode.AS_IS)  # four-eyes: awaiting approval

    size = "customs_review_queue_size"
    # tcm-research is the flow of gz-tcm-hospital → hku-tcm-lab for clinical_research; sz-bank → hku-tcm-lab
    # is filed under no flow.
    assert _value(desk, size, status="held", flow="tcm-research") == 2
    assert _value(desk, size, status="awaiting_approval", flow="unknown") == 1
    open_total = sum(
        _value(desk, size, status=s, flow=f) or 0
        for s in ("held", "awaiting_approval", "releasing")
        for f in ("tcm-research", "unknown")
    )
    assert open_total == desk.review.store.count(QueueFilter(status="open"))
    reasons = "customs_review_queue_reasons"
    assert _value(desk, reasons, reason="rule_quarantine", flow="tcm-research") == 1
    assert _value(desk, reasons, reason="rule_quarantine", flow="unknown") == 1
    assert _value(desk, reasons, reason="no_flow", flow="tcm-research") == 1
    assert _value(desk, "customs_review_oldest_age_seconds") == pytest.approx(600)
    assert _value(desk, "customs_review_dependency_up", dependency="store") == 1


def test_settled_records_leave_the_queue_and_the_oldest_age(desk: Desk) -> None:
    assert _value(desk, "customs_review_oldest_age_seconds") == 0  # nothing waits
    held = desk.hold(CONTACT, at=T0 - 300)
    desk.service.reject(_user(desk, "rita"), held, "test data")
    assert _value(desk, "customs_review_queue_size", status="held", flow="tcm-research") is None
    assert _value(desk, "customs_review_oldest_age_seconds") == 0


def test_labels_are_bounded_whatever_the_headers_say(desk: Desk) -> None:
    desk.hold(CONTACT, reasons="made_up_reason,no_flow", source="source-" + "x" * 100)
    exposition = generate_latest(desk.review.metrics.registry).decode()
    assert "made_up_reason" not in exposition and "source-x" not in exposition
    assert _value(desk, "customs_review_queue_reasons", reason="other", flow="unknown") == 1
    labels = set(re.findall(r'(\w+)="', exposition))
    assert labels <= {"status", "flow", "reason", "role", "step", "dependency"}, labels
    for value in (RESIDENT_ID, "sc-1"):
        assert value not in exposition


def test_actions_are_counted_by_role(desk: Desk) -> None:
    rita, bo = _user(desk, "rita"), _user(desk, "bo")
    sensitive = desk.hold(SENSITIVE)
    contact = desk.hold(CONTACT)
    other = desk.hold({"id": "x-2"})
    desk.service.inspect(rita, sensitive, reveal=True)
    request = desk.service.request_release(rita, sensitive, ReleaseMode.AS_IS)
    desk.service.approve(bo, request.id)
    desk.service.request_release(rita, contact, ReleaseMode.AS_IS)  # not sensitive: released at once
    desk.service.reject(bo, other, "not ours")

    def counted(name: str, role: str) -> float | None:
        return _value(desk, f"customs_review_{name}_total", role=role)

    assert counted("reveals", "reviewer") == 1
    assert counted("requests", "reviewer") == 2
    assert counted("approvals", "approver") == 1
    assert counted("releases", "approver") == 1 and counted("releases", "reviewer") == 1
    assert counted("rejections", "approver") == 1
    assert counted("rejections", "reviewer") == 0  # every role's series exists from the start


def test_release_failures_and_recovery_are_counted(desk: Desk) -> None:
    held = desk.hold(CONTACT)
    desk.publisher.fail_next = "before"
    with pytest.raises(ReviewError):
        desk.service.request_release(_user(desk, "rita"), held, ReleaseMode.AS_IS)
    assert _value(desk, "customs_review_release_failures_total", step="produce") == 1
    assert _value(desk, "customs_review_releases_total", role="reviewer") == 0
    assert desk.service.recover() == 1
    assert _value(desk, "customs_review_releases_total", role="system") == 1


def test_a_store_that_cannot_be_read_says_so_instead_of_failing_the_scrape(desk: Desk) -> None:
    desk.hold(CONTACT)
    desk.review.db.close()
    exposition = generate_latest(desk.review.metrics.registry).decode()
    assert _value(desk, "customs_review_dependency_up", dependency="store") == 0
    assert "customs_review_queue_size" not in exposition  # absent, not a stale number


@pytest.mark.parametrize(
    ("roles", "permission", "role"),
    [
        ((Role.APPROVER, Role.REVIEWER), Permission.RELEASE, "reviewer"),
        ((Role.APPROVER, Role.REVIEWER), Permission.APPROVE, "approver"),
        ((Role.ADMIN,), Permission.REVEAL, "admin"),
        ((), Permission.RELEASE, "system"),
    ],
)
def test_acting_role(roles: tuple[Role, ...], permission: Permission, role: str) -> None:
    assert acting_role(User(1, "u", roles), permission) == role


def _fail() -> None:
    raise ConnectionError("down")


def test_health_monitor_reports_each_dependency() -> None:
    monitor = HealthMonitor(_fail, lambda: None, kafka_address="127.0.0.1:1")
    assert monitor.health == Health()  # not checked yet
    health = monitor.check()
    assert health.kafka is False and health.store is True
    assert monitor.health.as_dict() == {"kafka": False, "store": True}


def test_the_page_header_shows_kafka_and_store_health(desk: Desk) -> None:
    browser = desk.login("rita")
    assert "Kafka: checking" in browser.get("/").text  # the monitor has not checked yet
    desk.review.monitor.health = Health(kafka=False, store=True)
    page = browser.get("/").text
    assert 'class="down">Kafka: unreachable' in page and 'class="up">Store: reachable' in page
    assert _value(desk, "customs_review_dependency_up", dependency="kafka") == 0


def test_a_store_that_cannot_be_reached_answers_503_at_once(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    browser = desk.login("rita")

    def down(*_args: object) -> int:
        raise sqlite3.OperationalError("unable to open database file")

    monkeypatch.setattr(desk.review.store, "count", down)
    page = browser.get("/")
    assert page.status_code == 503 and "review store cannot be reached" in page.text
    api = desk.client.get("/api/records", headers=desk.auth("rita"))
    assert api.status_code == 503
