"""The security tier: one real Kafka broker whose only client listener is SASL_SSL (SCRAM-SHA-512), with
certificates made here (``tests/tls_certs.py``) and SCRAM users created by Kafka's own storage tool."""

from __future__ import annotations

import os
import secrets
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from customs.settings import Settings
from load.ports import free_port_run
from streams.kafka_security import confluent_security
from streams.reach import KafkaUnreachable, check_reachable
from tests.kafka_support import KAFKA, REPO
from tests.net import wait_until
from tests.tls_certs import TestPki, make_pki

KAFKA_VERSION = os.environ.get("KAFKA_VERSION", "4.1.1")
LIBS = Path(os.environ.get("KAFKA_LIBS_DIR", REPO / "var" / f"kafka-libs-{KAFKA_VERSION}"))
LOG4J = REPO / "deploy" / "kafka" / "log4j2.yaml"
USERS = ("admin", "gateway", "review")  # admin: the broker itself (inter-broker) and topic creation


@dataclass(frozen=True)
class SecureBroker:
    bootstrap: str
    pki: TestPki
    passwords: dict[str, str]

    def settings(self, user: str, **fields: object) -> Settings:
        """Settings of a client logging in as ``user``, with its own topics and group."""
        run = uuid.uuid4().hex[:10]
        base: dict[str, object] = {
            "bootstrap_servers": self.bootstrap,
            "app_id": f"customs-sec-{run}",
            "topic_prefix": f"sec-{run}.",
            "partitions": 2,
            "pseudonym_key": "test-only-pseudonym-key",
            "session_timeout": 6.0,
            "metrics_port": 0,
            "kafka_security_protocol": "SASL_SSL",
            "kafka_ssl_ca_file": self.pki.ca,
            "kafka_sasl_mechanism": "SCRAM-SHA-512",
            "kafka_sasl_username": user,
            "kafka_sasl_password": self.passwords[user],
            **fields,
        }
        return Settings(**base)  # type: ignore[arg-type]


def _properties(folder: Path, pki: TestPki, port: int, admin_password: str) -> Path:
    jaas = (
        "org.apache.kafka.common.security.scram.ScramLoginModule required "
        f'username="admin" password="{admin_password}";'
    )
    path = folder / "server.properties"
    path.write_text(
        f"""process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:{port + 1}
listeners=SASL_SSL://127.0.0.1:{port},CONTROLLER://127.0.0.1:{port + 1}
advertised.listeners=SASL_SSL://127.0.0.1:{port}
controller.listener.names=CONTROLLER
listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT
inter.broker.listener.name=SASL_SSL
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config={jaas}
ssl.keystore.type=PEM
ssl.keystore.location={pki.broker_keystore}
ssl.truststore.type=PEM
ssl.truststore.location={pki.ca}
ssl.endpoint.identification.algorithm=https
log.dirs={folder / "log"}
num.partitions=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=4
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
"""
    )
    return path


@pytest.fixture(scope="session")
def secure_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecureBroker]:
    subprocess.run([str(KAFKA), "fetch"], check=True, timeout=600, capture_output=True)
    folder = tmp_path_factory.mktemp("secure-kafka")
    (folder / "logs").mkdir()
    pki = make_pki(folder / "pki")
    passwords = {user: secrets.token_urlsafe(18) for user in USERS}
    port = free_port_run(2)
    properties = _properties(folder, pki, port, passwords["admin"])
    java = ["java", f"-Dkafka.logs.dir={folder / 'logs'}", f"-Dlog4j2.configurationFile={LOG4J}"]
    classpath = ["-cp", f"{LIBS}/*"]
    cluster_id = subprocess.run(
        [*java, *classpath, "kafka.tools.StorageTool", "random-uuid"],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout.split()[-1]
    scram = [
        arg
        for user, password in passwords.items()
        for arg in ("--add-scram", f"SCRAM-SHA-512=[name={user},password={password}]")
    ]
    subprocess.run(
        [
            *java,
            *classpath,
            "kafka.tools.StorageTool",
            "format",
            "-t",
            cluster_id,
            "-c",
            str(properties),
            *scram,
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    log = (folder / "logs" / "stdout.log").open("wb")
    broker = subprocess.Popen(
        [*java, "-Xms384m", "-Xmx384m", *classpath, "kafka.Kafka", str(properties)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    found = SecureBroker(f"127.0.0.1:{port}", pki, passwords)
    try:
        admin = found.settings("admin")

        def reachable() -> bool:
            assert broker.poll() is None, f"broker exited; see {folder / 'logs'}"
            try:
                check_reachable(admin.bootstrap_servers, 5, confluent_security(admin))
            except KafkaUnreachable:
                return False
            return True

        assert wait_until(reachable, 120, 1), f"no SASL_SSL broker within 120 s; see {folder / 'logs'}"
        yield found
    finally:
        broker.terminate()
        try:
            broker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            broker.kill()
            broker.wait(timeout=10)
        log.close()
