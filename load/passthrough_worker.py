"""The worker's own stack with no inspection: exactly once, every record to allow unchanged.

The benchmark's baseline for "what does the gateway cost on top of its Kafka client stack".
Run by ``load.bench_gateway``; reads the same ``CUSTOMS_*`` settings as ``customs worker``.
"""

from __future__ import annotations

import hashlib

from customs.factory import build_inspector
from customs.inspection import Inspector, Origin, Verdict
from customs.logs import configure
from customs.settings import Settings
from rules.decision import Action, Decision, FlowContext
from streams.worker import run_worker


class PassThrough(Inspector):
    def inspect(self, raw: bytes | None, flow: FlowContext, origin: Origin) -> Verdict:
        value = raw or b""
        decision = Decision(Action.ALLOW, (), (), "passthrough")
        return self._verdict(decision, value, (), hashlib.sha256(value).hexdigest(), origin, None)


def main() -> None:
    settings = Settings()
    configure(settings.log_level)
    base = build_inspector(settings)
    run_worker(settings, PassThrough(base.classifier, base.codec, base.policy, base.pseudonym_key))


if __name__ == "__main__":
    main()
