"""The gateway worker: serve /metrics, watch the policy, and run the stream engine until stopped.

Two engines route records exactly once with the same inspection and the same outputs:
``aiokafka`` (the default, streams/gateway.py: a transaction per partition per batch) and ``faust``
(streams/faust_worker.py: Faust's agent, exactly once, record by record).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import signal

from prometheus_client import REGISTRY

from customs.inspection import Inspector
from customs.settings import Settings
from streams.compression import report_missing
from streams.metrics import GatewayMetrics, serve_metrics

log = logging.getLogger("customs.worker")


def run_worker(settings: Settings, inspector: Inspector) -> None:
    """Run until SIGINT/SIGTERM; the batch in hand is committed on the way out."""
    report_missing(log)  # one line per compression codec that could not be read (normally none)
    metrics = GatewayMetrics(REGISTRY)  # the default registry also carries the process metrics
    metrics.set_policy_version(inspector.policy().version)  # then kept current by each decision
    serve_metrics(REGISTRY, settings.metrics_port, settings.metrics_host, settings.metrics_port_span)
    # Start-up objects (recognizers, lexicons, clients) are long-lived: keep the collector off them,
    # and let young objects pile up more before a collection (the hot path allocates a lot, briefly).
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
    from streams.policy_watch import start_policy_watch  # hot reload, policy topic, shadow reports

    watch = start_policy_watch(settings, inspector, metrics)
    try:
        if settings.stream_engine == "faust":
            from streams.faust_worker import run_faust

            run_faust(settings, inspector, metrics)
        else:
            asyncio.run(_run_gateway(settings, inspector, metrics))
    finally:
        watch.stop()


async def _run_gateway(settings: Settings, inspector: Inspector, metrics: GatewayMetrics) -> None:
    from streams.gateway import BatchGateway

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    log.info(
        "gateway worker %s: inbound %s, engine aiokafka",
        settings.app_id,
        ", ".join(settings.inbound_topic_names),
    )
    await BatchGateway(settings, inspector, metrics).run(stop)
    log.info("gateway worker stopped")
