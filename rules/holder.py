"""``PolicyHolder``: the active policy, swapped atomically between records (hot reload).

The inspector calls the holder once per record, so a record is decided under one policy from start to
end, and a swap takes effect on the next record. Swaps may come from another thread (a file watcher,
a policy-topic consumer).
"""

from __future__ import annotations

import threading

from rules.policy import Policy


class PolicyHolder:
    """A callable returning the active policy; ``swap`` replaces it for every later call."""

    def __init__(self, policy: Policy) -> None:
        self._policy = policy
        self._lock = threading.Lock()

    def __call__(self) -> Policy:
        return self._policy  # one reference read: atomic

    @property
    def version(self) -> str:
        return self._policy.version

    def swap(self, policy: Policy) -> Policy | None:
        """Make ``policy`` active; return the previous one, or None if ``policy`` was already active."""
        with self._lock:
            previous = self._policy
            if previous.version == policy.version:
                return None
            self._policy = policy
            return previous
