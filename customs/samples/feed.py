"""Publish synthetic GBA records to the inbound topic with confluent-kafka (demo feed and load driver)."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator, Mapping

from confluent_kafka import Producer

from customs import headers as h
from customs.codec import SchemaStore, encode_avro
from customs.flow_signature import FlowKey, sign_headers
from customs.samples.generator import SampleRecord, generate
from customs.settings import Settings
from streams.kafka_security import confluent_security
from streams.reach import client_config, unreachable_message

FLUSH_TIMEOUT = 30.0  # seconds the last records may take to be delivered


class NotDelivered(RuntimeError):
    """Some records were produced but never confirmed by the broker (an error, or no answer in time)."""

    def __init__(self, missing: int, sent: int, topic: str, cause: str) -> None:
        super().__init__(f"{missing} of {sent} records not delivered to {topic}: {cause}")
        self.missing = missing
        self.sent = sent


AVRO_KIND = "bank_credit"
FORGED_SECRET = b"an-impostor-does-not-have-the-real-key"


def encoded(sample: SampleRecord, schemas: SchemaStore, as_avro: bool) -> bytes:
    """The bytes a producer would publish: Avro (Confluent wire format) for bank records if asked."""
    if as_avro and sample.kind == AVRO_KIND and sample.record is not None:
        schema_id = schemas.id_of(AVRO_KIND)
        return encode_avro(sample.record, schema_id, schemas.get(schema_id))
    return sample.payload()


def flow_headers(sample: SampleRecord) -> list[tuple[str, str | bytes | None]]:
    return [
        (h.SOURCE, sample.flow.source.encode()),
        (h.DESTINATION, sample.flow.destination.encode()),
        (h.PURPOSE, sample.flow.purpose.encode()),
    ]


def signed_headers(
    sample: SampleRecord, value: bytes, keys: Mapping[str, FlowKey], forged: bool = False
) -> list[tuple[str, str | bytes | None]]:
    """The flow headers, signed with the source's key when ``keys`` has one. ``forged``: signed with a
    stranger's secret under the source's key id instead, as an impostor would (the demo shows the gateway
    holding such records as flow_unauthenticated)."""
    headers = flow_headers(sample)
    key = keys.get(sample.flow.source)
    if key is None:
        return headers
    if forged:
        key = FlowKey(key.key_id, "hmac-sha256", secret=FORGED_SECRET)
    return list(sign_headers(value, headers, key))


def samples(count: int, seed: int, settings: Settings) -> Iterator[SampleRecord]:
    """``count`` records, or an endless stream when ``count`` is 0 (fresh seeds, unique ids)."""
    kwargs = {"max_record_bytes": settings.max_record_bytes, "max_depth": settings.max_depth}
    if count:
        yield from generate(count, seed=seed, **kwargs)
        return
    for round_ in itertools.count():
        yield from generate(10_000, seed=seed * 1_000_003 + round_, **kwargs)


def as_avro(index: int, share: float) -> bool:
    """Whether the ``index``-th record of a feed goes out as Avro: ``share`` of them, spread evenly."""
    return (index * 7919 % 1000) < share * 1000


def publish(
    settings: Settings,
    count: int,
    rate: float = 0.0,
    seed: int = 0,
    avro_share: float = 0.5,
    on_sent: Callable[[SampleRecord], None] | None = None,
    flush_timeout: float = FLUSH_TIMEOUT,
    on_delivered: Callable[[], None] | None = None,
    flow_keys: Mapping[str, FlowKey] | None = None,
    forged_share: float = 0.0,
) -> int:
    """Publish records to the first inbound topic; returns how many were delivered (every one: else
    :class:`NotDelivered` says how many of them the broker did not confirm within ``flush_timeout``).
    ``on_delivered`` is called for each record the broker confirmed (from a ``poll``). ``flow_keys``: the
    signing key of each source organisation that signs (``customs.flow_keys.signing_keys``); of their
    records, ``forged_share`` (spread evenly) carry a forged signature."""
    keys = flow_keys or {}
    producer = Producer(
        client_config(
            settings.bootstrap_servers,
            confluent_security(settings),
            **{"enable.idempotence": True, "linger.ms": 5},
        )
    )
    schemas = SchemaStore(settings.schemas_dir)
    topic = settings.inbound_topic_names[0]
    started = time.monotonic()
    sent = 0
    confirmed = 0
    errors: list[str] = []

    def delivered(err: object, _msg: object) -> None:
        nonlocal confirmed
        if err is not None:
            errors.append(str(err))
            return
        confirmed += 1
        if on_delivered is not None:
            on_delivered()

    try:
        for index, sample in enumerate(samples(count, seed, settings)):
            value = encoded(sample, schemas, as_avro(index, avro_share))
            key = sample.record["id"].encode() if sample.record and "id" in sample.record else None
            while True:
                try:
                    forged = (index * 4993 % 1000) < forged_share * 1000
                    headers = signed_headers(sample, value, keys, forged)
                    producer.produce(topic, value=value, key=key, headers=headers, on_delivery=delivered)
                    break
                except BufferError:
                    producer.poll(0.1)
            producer.poll(0)
            sent += 1
            if on_sent is not None:
                on_sent(sample)
            if rate > 0:
                ahead = sent / rate - (time.monotonic() - started)
                if ahead > 0:
                    time.sleep(ahead)
    finally:
        producer.flush(flush_timeout)
    if confirmed < sent:
        cause = (
            errors[0]
            if errors
            else f"no answer within {flush_timeout:.0f} s; " + unreachable_message(settings.bootstrap_servers)
        )
        raise NotDelivered(sent - confirmed, sent, topic, cause)
    return sent
