"""Faust's aiokafka consumer, made to survive a batch it cannot decompress (see streams/compression.py).

Faust lets an ``UnsupportedCodecError`` out of its fetch loop, which stops the worker — on every
restart, since the batch is still there. Here the fetch that met the batch is undone in the
consumer thread (every partition it moved is sought back), and the consumer logs one line, waits
and fetches again: the records wait in Kafka, and no offset past them is committed.
"""

from __future__ import annotations

import logging
from typing import Any

from faust.transport.drivers import aiokafka as faust_aiokafka

from streams import compression

log = logging.getLogger("customs.worker")


class RewindingConsumerThread(faust_aiokafka.AIOKafkaConsumerThread):
    async def _fetch_records(
        self,
        consumer: Any,
        active_partitions: Any,
        timeout: float | None = None,
        max_records: int | None = None,
    ) -> Any:
        fetch = super()._fetch_records(consumer, active_partitions, timeout=timeout, max_records=max_records)
        return await compression.rewinding(consumer, fetch)


class CodecSafeConsumer(faust_aiokafka.Consumer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.codec_backoff = compression.Backoff()

    def _new_consumer_thread(self) -> RewindingConsumerThread:
        return RewindingConsumerThread(self, loop=self.loop, beacon=self.beacon)

    async def _getmany(self, active_partitions: Any, timeout: float) -> Any:
        try:
            return await super()._getmany(active_partitions, timeout)
        except compression.UnsupportedCodecError as exc:  # its records wait in Kafka: retry later
            delay = self.codec_backoff.delay()
            log.error(compression.unreadable_line(exc, delay))
            await self.sleep(delay)
            return {}
