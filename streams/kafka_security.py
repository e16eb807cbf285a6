"""Kafka security (TLS and SASL) from the settings, for each client library the project uses.

Two functions, one per library, both pure but for reading the PEM files an SSL context needs:

* :func:`confluent_security` gives librdkafka's configuration keys (feed, peek, topics, the review
  service, benchmarks), to merge into a client's configuration;
* :func:`aiokafka_security` gives the keyword arguments of aiokafka's clients (the aiokafka worker, and the
  Faust worker through :func:`faust_credentials`).

Both give nothing for ``PLAINTEXT``, so an unsecured setup configures exactly what it did before. The
password goes into the configuration because the libraries need it; settings print it as ``**********``
and the configuration is never logged.
"""

from __future__ import annotations

import ssl
from typing import Any

from customs.settings import Settings


def uses_tls(settings: Settings) -> bool:
    return settings.kafka_security_protocol in ("SSL", "SASL_SSL")


def uses_sasl(settings: Settings) -> bool:
    return settings.kafka_security_protocol.startswith("SASL_")


def _sasl_password(settings: Settings) -> str:
    assert settings.kafka_sasl_password is not None  # the settings refuse SASL without one
    return settings.kafka_sasl_password.get_secret_value()


def confluent_security(settings: Settings) -> dict[str, Any]:
    """librdkafka configuration for the settings' protocol, CA, client certificate and SASL user."""
    protocol = settings.kafka_security_protocol
    if protocol == "PLAINTEXT":
        return {}
    config: dict[str, Any] = {"security.protocol": protocol.lower()}
    if uses_tls(settings):
        if settings.kafka_ssl_ca_file is not None:
            config["ssl.ca.location"] = str(settings.kafka_ssl_ca_file)
        if settings.kafka_ssl_cert_file is not None and settings.kafka_ssl_key_file is not None:
            config["ssl.certificate.location"] = str(settings.kafka_ssl_cert_file)
            config["ssl.key.location"] = str(settings.kafka_ssl_key_file)
        if settings.kafka_ssl_key_password is not None:
            config["ssl.key.password"] = settings.kafka_ssl_key_password.get_secret_value()
        config["ssl.endpoint.identification.algorithm"] = (
            "https" if settings.kafka_ssl_check_hostname else "none"
        )
    if uses_sasl(settings):
        config["sasl.mechanism"] = settings.kafka_sasl_mechanism
        config["sasl.username"] = settings.kafka_sasl_username
        config["sasl.password"] = _sasl_password(settings)
    return config


def ssl_context(settings: Settings) -> ssl.SSLContext:
    """A client TLS context: the CA file (or the system's CAs), the client certificate if any, hostname
    checking as set, TLS 1.2 at least."""
    cafile = str(settings.kafka_ssl_ca_file) if settings.kafka_ssl_ca_file is not None else None
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=cafile)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if settings.kafka_ssl_cert_file is not None and settings.kafka_ssl_key_file is not None:
        password = settings.kafka_ssl_key_password
        context.load_cert_chain(
            str(settings.kafka_ssl_cert_file),
            str(settings.kafka_ssl_key_file),
            password.get_secret_value() if password is not None else None,
        )
    context.check_hostname = settings.kafka_ssl_check_hostname
    return context


def aiokafka_security(settings: Settings) -> dict[str, Any]:
    """Keyword arguments of ``AIOKafkaProducer``/``AIOKafkaConsumer`` for the settings' security."""
    protocol = settings.kafka_security_protocol
    if protocol == "PLAINTEXT":
        return {}
    kwargs: dict[str, Any] = {"security_protocol": protocol}
    if uses_tls(settings):
        kwargs["ssl_context"] = ssl_context(settings)
    if uses_sasl(settings):
        kwargs["sasl_mechanism"] = settings.kafka_sasl_mechanism
        kwargs["sasl_plain_username"] = settings.kafka_sasl_username
        kwargs["sasl_plain_password"] = _sasl_password(settings)
    return kwargs


def faust_credentials(settings: Settings) -> Any:
    """Faust's ``broker_credentials`` for the settings (None for PLAINTEXT); Faust hands them to aiokafka
    as :func:`aiokafka_security` would."""
    import faust

    protocol = settings.kafka_security_protocol
    if protocol == "PLAINTEXT":
        return None
    if protocol == "SSL":
        return faust.SSLCredentials(ssl_context(settings))
    return faust.SASLCredentials(
        username=settings.kafka_sasl_username,
        password=_sasl_password(settings),
        ssl_context=ssl_context(settings) if protocol == "SASL_SSL" else None,
        mechanism=settings.kafka_sasl_mechanism,
    )
