"""Kafka security settings become each client library's configuration (and are refused when unsafe)."""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest
from pydantic import ValidationError

from customs.settings import Settings
from streams.kafka_security import aiokafka_security, confluent_security, faust_credentials
from tests.tls_certs import make_pki

PASSWORD = "test-only-scram-password"


def secured(tmp_path: Path, **overrides: object) -> Settings:
    pki = make_pki(tmp_path / "pki")
    fields: dict[str, object] = {
        "kafka_security_protocol": "SASL_SSL",
        "kafka_ssl_ca_file": pki.ca,
        "kafka_ssl_cert_file": pki.client_cert,
        "kafka_ssl_key_file": pki.client_key,
        "kafka_sasl_username": "gateway",
        "kafka_sasl_password": PASSWORD,
        **overrides,
    }
    return Settings(**fields)  # type: ignore[arg-type]


def test_plaintext_configures_nothing() -> None:
    assert confluent_security(Settings()) == {}
    assert aiokafka_security(Settings()) == {}
    assert faust_credentials(Settings()) is None


def test_sasl_ssl_for_confluent_kafka(tmp_path: Path) -> None:
    settings = secured(tmp_path)
    assert confluent_security(settings) == {
        "security.protocol": "sasl_ssl",
        "ssl.ca.location": str(settings.kafka_ssl_ca_file),
        "ssl.certificate.location": str(settings.kafka_ssl_cert_file),
        "ssl.key.location": str(settings.kafka_ssl_key_file),
        "ssl.endpoint.identification.algorithm": "https",
        "sasl.mechanism": "SCRAM-SHA-512",
        "sasl.username": "gateway",
        "sasl.password": PASSWORD,
    }


def test_hostname_check_can_be_turned_off(tmp_path: Path) -> None:
    settings = secured(tmp_path, kafka_ssl_check_hostname=False)
    assert confluent_security(settings)["ssl.endpoint.identification.algorithm"] == "none"
    assert aiokafka_security(settings)["ssl_context"].check_hostname is False


def test_sasl_ssl_for_aiokafka(tmp_path: Path) -> None:
    kwargs = aiokafka_security(secured(tmp_path))
    context = kwargs.pop("ssl_context")
    assert kwargs == {
        "security_protocol": "SASL_SSL",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_plain_username": "gateway",
        "sasl_plain_password": PASSWORD,
    }
    assert isinstance(context, ssl.SSLContext)
    assert context.check_hostname and context.verify_mode == ssl.CERT_REQUIRED
    assert context.minimum_version == ssl.TLSVersion.TLSv1_2
    assert context.get_ca_certs()[0]["subject"] == ((("commonName", "Data Customs test CA"),),)


def test_faust_gets_the_same_credentials(tmp_path: Path) -> None:
    credentials = faust_credentials(secured(tmp_path))
    assert credentials.protocol.value == "SASL_SSL"
    assert credentials.mechanism.value == "SCRAM-SHA-512"
    assert (credentials.username, credentials.password) == ("gateway", PASSWORD)


def test_tls_without_sasl(tmp_path: Path) -> None:
    settings = secured(tmp_path, kafka_security_protocol="SSL")
    config = confluent_security(settings)
    assert config["security.protocol"] == "ssl" and "sasl.username" not in config
    assert set(aiokafka_security(settings)) == {"security_protocol", "ssl_context"}
    assert faust_credentials(settings).protocol.value == "SSL"


@pytest.mark.parametrize(
    ("overrides", "says"),
    [
        ({"kafka_sasl_password": None}, "kafka_sasl_username and _password"),
        ({"kafka_sasl_username": None}, "kafka_sasl_username and _password"),
        (
            {"kafka_security_protocol": "SASL_PLAINTEXT", "kafka_sasl_mechanism": "PLAIN"},
            "PLAIN sends the password in clear",
        ),
        ({"kafka_ssl_key_file": None}, "go together"),
        ({"kafka_sasl_mechanism": "GSSAPI"}, "kafka_sasl_mechanism"),
    ],
)
def test_unsafe_or_incomplete_settings_are_refused(
    tmp_path: Path, overrides: dict[str, object], says: str
) -> None:
    with pytest.raises(ValidationError, match=says):
        secured(tmp_path, **overrides)


def test_plain_is_allowed_over_tls(tmp_path: Path) -> None:
    assert confluent_security(secured(tmp_path, kafka_sasl_mechanism="PLAIN"))["sasl.mechanism"] == "PLAIN"


def test_secrets_are_never_printed(tmp_path: Path) -> None:
    settings = secured(tmp_path, kafka_ssl_key_password="test-only-key-password")
    shown = repr(settings) + str(settings) + settings.model_dump_json()
    assert PASSWORD not in shown and "test-only-key-password" not in shown
