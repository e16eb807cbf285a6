"""Free local ports for the servers tests and benchmarks start (Kafka, PostgreSQL, Prometheus, review)."""

from __future__ import annotations

import random
import socket
from pathlib import Path


def _ephemeral_low() -> int:
    """Where the kernel starts handing out ports to outgoing connections (Linux: 32768)."""
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_port_run(length: int) -> int:
    """The first of ``length`` consecutive free ports on 127.0.0.1, below the ephemeral range: a port
    the kernel may give any outgoing connection could be taken between this check and the broker's bind."""
    high = _ephemeral_low() - length
    chooser = random.Random()
    for _ in range(200):
        first = chooser.randrange(15000, high)
        try:
            for port in range(first, first + length):
                with socket.socket() as taken:
                    taken.bind(("127.0.0.1", port))
        except OSError:
            continue
        return first
    raise RuntimeError(f"no {length} consecutive free ports on 127.0.0.1 below {high + length}")


def free_port() -> int:
    """One free port on 127.0.0.1 (see ``free_port_run``)."""
    return free_port_run(1)
