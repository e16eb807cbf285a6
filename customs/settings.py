"""The one settings object. No other code reads the environment.

Every field can be set as an environment variable ``CUSTOMS_<FIELD>`` (for example
``CUSTOMS_BOOTSTRAP_SERVERS=127.0.0.1:9092``) or in a ``.env`` file in the working directory.
"""

from __future__ import annotations

import secrets
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from customs.key_file import create_once

REPO_ROOT = Path(__file__).resolve().parents[1]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CUSTOMS_", env_file=".env", extra="ignore")

    bootstrap_servers: str = Field("127.0.0.1:9092", description="Kafka bootstrap servers, host:port[,...]")
    app_id: str = Field(
        "data-customs", description="App id: the consumer group and the prefix of transactional ids"
    )
    topic_prefix: str = Field("customs.", description="Prefix of every topic name below")
    inbound_topics: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["inbound"], description="Inbound topic names (comma-separated)"
    )
    allow_topic: str = "allow"
    mask_topic: str = "mask"
    quarantine_topic: str = "quarantine"
    audit_topic: str = "audit"
    partitions: int = Field(4, ge=1, description="Partitions of every customs topic (all must match)")
    replication_factor: int = Field(1, ge=1)
    policy: str = Field("gba-default", description="Policy file, or a preset: gba-default, mask-all")
    policy_poll_seconds: float = Field(
        2.0, gt=0, description="Seconds between checks of the policy file's content hash (hot reload)"
    )
    policy_topic: str | None = Field(
        None, description="Compacted Kafka topic whose latest value is the policy YAML (full name)"
    )
    shadow_policy: str | None = Field(
        None, description="Candidate policy (file or preset) decided beside the active one, never routing"
    )
    shadow_report_seconds: float = Field(60.0, gt=0, description="Seconds between shadow-difference logs")
    token_key: SecretStr | None = Field(
        None, description="Secret of reversible tokens (tokenise); the pseudonym key when unset"
    )
    pseudonym_key: SecretStr | None = Field(None, description="Secret for keyed pseudonyms (HMAC-SHA256)")
    pseudonym_key_file: Path = Field(
        REPO_ROOT / "var" / "secrets" / "pseudonym.key",
        description="File holding the pseudonym secret; created with a random key if missing",
    )
    audit_key_file: Path = Field(
        REPO_ROOT / "var" / "secrets" / "audit-signing.key",
        description="Ed25519 key (PEM) signing audit checkpoints; created (mode 0600) if missing;"
        " `customs audit public-key` prints its public half",
    )
    flow_keys_dir: Path = Field(
        REPO_ROOT / "var" / "secrets" / "flow-keys",
        description="Directory of the HMAC secrets that organisations sign flow headers with: one file"
        " <org id>.key each (`customs keys flow-new ORG`); re-read when it changes",
    )
    audit_checkpoint_seconds: float = Field(
        10.0, gt=0, description="Seconds between signed checkpoints of each audit chain"
    )
    schemas_dir: Path = Field(REPO_ROOT / "schemas", description="Avro schemas and their local ids")
    max_record_bytes: int = Field(262_144, ge=1, description="Larger records are quarantined")
    max_depth: int = Field(32, ge=1, description="Records nested deeper are quarantined")
    inspection_budget_seconds: float = Field(
        5.0,
        ge=0,
        description="Seconds one record's inspection may take; a slower one is quarantined as"
        " inspection_timeout (0: no budget)",
    )
    score_threshold: float | None = Field(None, ge=0, le=1, description="Override the policy's threshold")
    ner: bool = Field(
        True,
        description="Run the statistical NER model (LAC) on free text; false: rules only, model never loaded",
    )
    stream_engine: Literal["aiokafka", "faust"] = Field(
        "aiokafka",
        description="Worker engine: aiokafka (one transaction per partition per batch) or faust (an agent)",
    )
    batch_size: int = Field(500, ge=1, description="Most records inspected and committed as one batch")
    batch_wait: float = Field(0.01, gt=0, description="Seconds to wait for a batch to fill")
    classify_threads: int = Field(
        1, ge=1, description="Threads running classification beside the event loop (faust engine)"
    )
    commit_interval: float = Field(
        0.1,
        gt=0,
        description="Seconds between transaction commits (faust engine; aiokafka commits every batch)",
    )
    producer_linger_ms: int = Field(
        5, ge=0, le=1000, description="Milliseconds the producer waits to fill a batch (faust engine)"
    )
    session_timeout: float = Field(10.0, gt=0, description="Consumer session timeout, seconds")
    log_level: str = "info"
    metrics_port: Annotated[int, Field(ge=0, le=65535)] | Literal["auto"] = Field(
        9464,
        description="First port of this worker's /metrics (0 disables; 'auto' lets the system pick one)",
    )
    metrics_port_span: int = Field(
        6, ge=1, le=64, description="Ports tried from metrics_port on, so several workers on a host fit"
    )
    metrics_host: str = Field("127.0.0.1", description="Address the /metrics endpoint listens on")
    lag_interval: float = Field(5.0, gt=0, description="Seconds between consumer-lag updates")
    kafka_timeout: float = Field(
        10.0, gt=0, description="Seconds a command waits for Kafka before saying it cannot be reached"
    )
    # Kafka security, for every client (workers, review, feed, topics, peek, benchmarks): see
    # streams/kafka_security.py, which turns these into each client library's configuration.
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = Field(
        "PLAINTEXT", description="How clients talk to Kafka: PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL"
    )
    kafka_ssl_ca_file: Path | None = Field(
        None, description="CA certificate(s) (PEM) that sign the brokers' certificates (unset: system CAs)"
    )
    kafka_ssl_cert_file: Path | None = Field(None, description="Client certificate (PEM), for mutual TLS")
    kafka_ssl_key_file: Path | None = Field(None, description="Private key (PEM) of the client certificate")
    kafka_ssl_key_password: SecretStr | None = Field(None, description="Password of the client key, if any")
    kafka_ssl_check_hostname: bool = Field(
        True, description="Check that a broker's certificate names the host connected to (keep it on)"
    )
    kafka_sasl_mechanism: Literal["SCRAM-SHA-512", "PLAIN"] = Field(
        "SCRAM-SHA-512", description="SASL mechanism: SCRAM-SHA-512, or PLAIN (only with SASL_SSL)"
    )
    kafka_sasl_username: str | None = Field(None, description="SASL user name (the client's principal)")
    kafka_sasl_password: SecretStr | None = Field(None, description="SASL password")
    # The quarantine review service (``customs review``).
    review_db: Path = Field(REPO_ROOT / "var" / "review.db", description="SQLite file of the review store")
    review_database_url: str | None = Field(
        None,
        description="Review store: postgresql://USER:PASS@HOST:PORT/DB or sqlite:///PATH (unset: review_db)",
    )
    review_key: SecretStr | None = Field(
        None, description="Fernet key (urlsafe base64 of 32 bytes) encrypting held records at rest"
    )
    review_key_file: Path = Field(
        REPO_ROOT / "var" / "secrets" / "review.key",
        description="File holding the review key; created with a random key (mode 0600) if missing",
    )
    review_host: str = Field("127.0.0.1", description="Address the review service listens on")
    review_port: int = Field(8088, ge=0, le=65535, description="Port of the review service")
    review_metrics_port: int = Field(
        9470, ge=0, le=65535, description="Port of the review service's /metrics (0 disables)"
    )
    review_group: str | None = Field(None, description="Consumer group of the review ingest (APP_ID-review)")
    review_transactional_id: str | None = Field(
        None, description="Transactional id of the release producer (APP_ID-review-release)"
    )
    review_instance: str = Field(
        "",
        pattern=r"^[A-Za-z0-9._-]{0,64}$",
        description="Name of this review process where several share one store (its release producer's"
        " transactional id ends with it, and it recovers only the releases it started)",
    )
    review_session_minutes: float = Field(30.0, gt=0, description="Idle minutes before a session expires")
    review_session_max_hours: float = Field(12.0, gt=0, description="Hours after which any session expires")
    review_public_url: str | None = Field(
        None,
        pattern=r"^https?://[^\s/]+(/\S*)?$",
        description="Address users reach the review service at (https://… behind TLS): an https address"
        " makes its cookies Secure and sends Strict-Transport-Security",
    )
    review_secure_cookies: bool | None = Field(
        None, description="Send cookies only over HTTPS (unset: when review_public_url is https)"
    )
    review_trusted_proxies: str = Field(
        "127.0.0.1",
        description="Comma-separated addresses (or networks) of reverse proxies whose X-Forwarded-For names"
        " the client; login throttling counts by that client address",
    )
    review_page_size: int = Field(25, ge=1, le=500, description="Held records per queue page")
    review_retention_days: float = Field(
        90.0, gt=0, description="Days a held (or released) record is kept before the review service purges it"
    )
    review_rejected_retention_days: float = Field(
        30.0, gt=0, description="Days a rejected record is kept before the review service purges it"
    )
    review_bulk_limit: int = Field(500, ge=1, description="Most records one bulk action touches")

    @model_validator(mode="after")
    def _kafka_security(self) -> Settings:
        protocol = self.kafka_security_protocol
        if protocol.startswith("SASL_"):
            if not self.kafka_sasl_username or self.kafka_sasl_password is None:
                raise ValueError(
                    f"kafka_security_protocol {protocol} needs kafka_sasl_username and _password"
                )
            if self.kafka_sasl_mechanism == "PLAIN" and protocol != "SASL_SSL":
                raise ValueError("kafka_sasl_mechanism PLAIN sends the password in clear: only over SASL_SSL")
        if (self.kafka_ssl_cert_file is None) != (self.kafka_ssl_key_file is None):
            raise ValueError("kafka_ssl_cert_file and kafka_ssl_key_file go together")
        return self

    @field_validator("inbound_topics", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        return (
            [part.strip() for part in value.split(",") if part.strip()] if isinstance(value, str) else value
        )

    def topic(self, name: str) -> str:
        return f"{self.topic_prefix}{name}"

    def as_env(self) -> dict[str, str]:
        """These settings as ``CUSTOMS_*`` environment for a child process (the workers a benchmark, the
        demo or a test starts): every field given (by argument, environment or ``.env``) or different from
        its default; the child takes the rest from the environment it inherits, as this process did.
        Secrets are included: keep it out of logs."""
        env: dict[str, str] = {}
        for name, declared in type(self).model_fields.items():
            value = getattr(self, name)
            given = name in self.model_fields_set
            if value is None or (not given and value == declared.get_default(call_default_factory=True)):
                continue
            if isinstance(value, SecretStr):
                value = value.get_secret_value()
            elif isinstance(value, list):
                value = ",".join(value)
            elif isinstance(value, bool):
                value = "true" if value else "false"
            env[f"CUSTOMS_{name.upper()}"] = str(value)
        return env

    @property
    def inbound_topic_names(self) -> list[str]:
        return [self.topic(name) for name in self.inbound_topics]

    @property
    def output_topic_names(self) -> dict[str, str]:
        return {
            "allow": self.topic(self.allow_topic),
            "mask": self.topic(self.mask_topic),
            "quarantine": self.topic(self.quarantine_topic),
            "audit": self.topic(self.audit_topic),
        }

    @cached_property
    def pseudonym_secret(self) -> bytes:
        """The pseudonym key: from the setting, else from the key file (made once, mode 0600)."""
        if self.pseudonym_key is not None:
            return self.pseudonym_key.get_secret_value().encode()
        path = self.pseudonym_key_file
        if not path.exists():
            create_once(path, secrets.token_hex(32).encode("ascii"))
        return path.read_text().strip().encode()
