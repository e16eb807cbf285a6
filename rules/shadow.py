"""Shadow mode: a candidate policy decided beside the active one on the same findings, never routing.

``compare`` is pure; ``ShadowTally`` counts the differences per (active reasons → shadow reasons, flow),
thread-safe because classification runs in several threads.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from detectors.finding import Finding
from detectors.walker import JsonValue
from rules.decide import decide
from rules.decision import Decision, FlowContext
from rules.holder import PolicyHolder
from rules.policy import Policy


@dataclass(frozen=True, slots=True, order=True)
class Difference:
    """How the shadow policy would have decided a record differently. No value, bounded labels."""

    active: str  # "action[reason,reason]"
    shadow: str
    flow: str  # the active decision's flow id, or "unknown"

    def __str__(self) -> str:
        return f"{self.active} -> {self.shadow} (flow {self.flow})"


def outcome(decision: Decision) -> str:
    """``quarantine[no_flow]``: a decision's action and reason set, as one comparable label."""
    return f"{decision.action.value}[{','.join(sorted(set(decision.reasons)))}]"


def compare(active: Decision, shadow: Decision) -> Difference | None:
    """The difference between two decisions on one record, or None when action and reasons agree."""
    if active.action is shadow.action and set(active.reasons) == set(shadow.reasons):
        return None
    return Difference(outcome(active), outcome(shadow), active.flow_id or shadow.flow_id or "unknown")


class ShadowTally:
    """Decides each record again under a shadow policy and counts where it would differ."""

    def __init__(self, policy: Policy) -> None:
        self.holder = PolicyHolder(policy)  # swapped by hot reload; then ``reset`` starts a new count
        self._lock = threading.Lock()
        self._seen = 0
        self._differences: Counter[Difference] = Counter()

    @property
    def policy(self) -> Policy:
        return self.holder()

    def __call__(
        self, record: JsonValue, findings: Sequence[Finding], context: FlowContext, active: Decision
    ) -> Difference | None:
        difference = compare(active, decide(record, findings, context, self.holder()))
        self.add(difference)
        return difference

    def add(self, difference: Difference | None) -> None:
        with self._lock:
            self._seen += 1
            if difference is not None:
                self._differences[difference] += 1

    def reset(self) -> None:
        """Start counting afresh (a new shadow policy is not judged by its predecessor's differences)."""
        with self._lock:
            self._seen = 0
            self._differences = Counter()

    def snapshot(self) -> tuple[int, Counter[Difference]]:
        """Records compared so far and the differences, by kind."""
        with self._lock:
            return self._seen, Counter(self._differences)
