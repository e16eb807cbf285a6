"""Login throttling: atomic counts per (account, address) and per address, the same work for unknown names."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from review.accounts import Accounts
from review.db import Database
from review.runner import server_config
from review.throttle import (
    ACCOUNT_LIMIT,
    ACCOUNT_LOCK_SECONDS,
    ADDRESS_LIMIT,
    ADDRESS_LOCK_SECONDS,
    client_key,
)

from .conftest import PASSWORD, Desk

ATTACKER = "203.0.113.7"
ELSEWHERE = "198.51.100.20"


class CountingHasher(PasswordHasher):
    """The test hasher, counting the hashes it checks; with ``parties``, each check waits until that many
    have started, so that concurrent attempts all overlap."""

    def __init__(self, parties: int | None = None) -> None:
        super().__init__(time_cost=1, memory_cost=1024)
        self.checked: list[str] = []
        self._lock = threading.Lock()
        self._barrier = threading.Barrier(parties, timeout=60) if parties else None

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        with self._lock:
            self.checked.append(hash if isinstance(hash, str) else hash.decode())
        if self._barrier is not None:
            self._barrier.wait()
        return super().verify(hash, password)


def _accounts(desk: Desk, hasher: PasswordHasher, db: Database | None = None) -> Accounts:
    return Accounts(db or desk.review.db, b"k" * 32, desk.clock, 1800.0, 12 * 3600.0, hasher)


def test_concurrent_wrong_passwords_cannot_outrun_the_lockout(desk: Desk) -> None:
    """39 wrong passwords at once, over four connections to the store: at most the limit are tried, the
    count is not lost, and the right password from the same address is then refused."""
    wrong = 39
    hasher = CountingHasher(parties=wrong)
    dbs = [Database.from_settings(desk.settings) for _ in range(4)]
    desks = [_accounts(desk, hasher, db) for db in dbs]
    stored = desk.review.db.scalar("SELECT password_hash FROM users WHERE name = ?", ("rita",))
    try:
        with ThreadPoolExecutor(wrong) as pool:
            results = list(
                pool.map(
                    lambda i: desks[i % 4].authenticate("rita", f"wrong guess {i:02}", ATTACKER), range(wrong)
                )
            )
    finally:
        for db in dbs:
            db.close()
    assert results == [None] * wrong
    assert len(hasher.checked) == wrong  # every attempt checked one hash …
    assert hasher.checked.count(stored) <= ACCOUNT_LIMIT  # … but only the limit checked the user's
    accounts = desk.review.accounts
    assert accounts.authenticate("rita", PASSWORD, ATTACKER) is None
    assert accounts.authenticate("rita", PASSWORD, ELSEWHERE) is not None


def test_a_lockout_holds_only_from_the_address_that_caused_it(desk: Desk) -> None:
    accounts = desk.review.accounts
    for _ in range(ACCOUNT_LIMIT):
        assert accounts.authenticate("rita", "not the password", ATTACKER) is None
    assert accounts.authenticate("rita", PASSWORD, ATTACKER) is None
    assert accounts.authenticate("rita", PASSWORD, ELSEWHERE) is not None
    desk.clock.now += ACCOUNT_LOCK_SECONDS + 1
    assert accounts.authenticate("rita", PASSWORD, ATTACKER) is not None


def test_a_success_clears_the_count_from_its_address(desk: Desk) -> None:
    accounts = desk.review.accounts
    for _ in range(ACCOUNT_LIMIT - 1):
        assert accounts.authenticate("rita", "not the password", ATTACKER) is None
    assert accounts.authenticate("rita", PASSWORD, ATTACKER) is not None
    for _ in range(ACCOUNT_LIMIT - 1):
        assert accounts.authenticate("rita", "not the password", ATTACKER) is None
    assert accounts.authenticate("rita", PASSWORD, ATTACKER) is not None


def test_one_address_cannot_spray_guesses_over_many_names(desk: Desk) -> None:
    accounts = desk.review.accounts
    names = ["rita", "alex", "aud", "root", *(f"nobody{i}" for i in range(ADDRESS_LIMIT))]
    for attempt in range(ADDRESS_LIMIT):
        name = names[attempt % len(names)]
        assert accounts.authenticate(name, "not the password", ATTACKER) is None
    assert accounts.authenticate("bo", PASSWORD, ATTACKER) is None  # bo was never tried, the address was
    assert accounts.authenticate("bo", PASSWORD, ELSEWHERE) is not None
    desk.clock.now += ADDRESS_LOCK_SECONDS + 1
    assert accounts.authenticate("bo", PASSWORD, ATTACKER) is not None


def test_every_attempt_checks_exactly_one_hash(desk: Desk) -> None:
    """Unknown name, wrong password, locked name, disabled user, throttled address: the same work each."""
    hasher = CountingHasher()
    accounts = _accounts(desk, hasher)
    desk.review.accounts.set_active("aud", False)

    def checks(name: str, password: str, address: str = ATTACKER) -> int:
        before = len(hasher.checked)
        assert accounts.authenticate(name, password, address) is None
        return len(hasher.checked) - before

    assert checks("nobody", "not the password") == 1
    assert checks("rita", "not the password") == 1
    for _ in range(ACCOUNT_LIMIT):
        checks("alex", "not the password")
    assert checks("alex", PASSWORD) == 1  # locked from this address
    assert checks("aud", PASSWORD) == 1  # disabled
    for i in range(ADDRESS_LIMIT):
        checks(f"nobody{i}", "not the password", "192.0.2.1")
    assert checks("rita", PASSWORD, "192.0.2.1") == 1  # the address is throttled


def test_ipv6_clients_count_by_their_64_network() -> None:
    assert client_key("2001:db8:1:2:aaaa::1") == client_key("2001:db8:1:2:bbbb::2") == "2001:db8:1:2::/64"
    assert client_key("2001:db8:1:3::1") != client_key("2001:db8:1:2::1")
    assert client_key("::ffff:192.0.2.7") == "192.0.2.7"
    assert client_key("192.0.2.7") == "192.0.2.7"
    assert client_key(None) == "unknown"


def _login(client: TestClient, name: str, password: str) -> tuple[int, str]:
    page = client.get("/login").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    assert csrf
    response = client.post("/login", data={"name": name, "password": password, "csrf": csrf.group(1)})
    body = re.sub(r'name="csrf" value="[^"]+"', "", response.text)
    return response.status_code, body


def test_login_page_locks_by_client_address_and_answers_alike_for_unknown_names(desk: Desk) -> None:
    attacker = TestClient(desk.client.app, follow_redirects=False, client=(ATTACKER, 40_000))
    for _ in range(ACCOUNT_LIMIT):
        _login(attacker, "rita", "not the password")
    locked = _login(attacker, "rita", PASSWORD)
    unknown = _login(attacker, "nobody-here", PASSWORD)
    assert locked[0] == unknown[0] == 401
    assert locked[1] == unknown[1]
    colleague = TestClient(desk.client.app, follow_redirects=False, client=(ELSEWHERE, 40_000))
    assert _login(colleague, "rita", PASSWORD)[0] == 303


def test_behind_a_trusted_proxy_the_forwarded_client_address_is_counted(desk: Desk) -> None:
    config = server_config(desk.settings, desk.client.app)  # type: ignore[arg-type]
    config.load()
    proxy = TestClient(config.loaded_app, follow_redirects=False, client=("127.0.0.1", 40_000))

    def through_proxy(client: str, password: str) -> int:
        proxy.headers["X-Forwarded-For"] = client
        return _login(proxy, "rita", password)[0]

    for _ in range(ACCOUNT_LIMIT):
        assert through_proxy(ATTACKER, "not the password") == 401
    assert through_proxy(ATTACKER, PASSWORD) == 401
    assert through_proxy(ELSEWHERE, PASSWORD) == 303


def test_a_client_cannot_dodge_the_count_by_forging_x_forwarded_for(desk: Desk) -> None:
    config = server_config(desk.settings, desk.client.app)  # type: ignore[arg-type]
    config.load()
    direct = TestClient(config.loaded_app, follow_redirects=False, client=(ATTACKER, 40_000))
    for attempt in range(ACCOUNT_LIMIT):
        direct.headers["X-Forwarded-For"] = f"192.0.2.{attempt + 1}"
        assert _login(direct, "rita", "not the password")[0] == 401
    direct.headers["X-Forwarded-For"] = ELSEWHERE
    assert _login(direct, "rita", PASSWORD)[0] == 401
