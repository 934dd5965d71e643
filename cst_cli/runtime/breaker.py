"""A circuit breaker per module: after `threshold` consecutive failed attempts the circuit opens and calls
fail fast for `cooldown` seconds; then one trial call is let through (half-open): success closes it, failure
opens it again. Pure state with an explicit clock, so it outlives runs and is tested without trio.
"""

from __future__ import annotations

from typing import Literal

BreakerState = Literal["closed", "open", "half_open"]

DEFAULT_THRESHOLD = 5
DEFAULT_COOLDOWN = 30.0


class Breaker:
    __slots__ = ("cooldown", "failures", "opened_at", "state", "threshold", "trial_in_flight", "trips")

    def __init__(self, threshold: int = DEFAULT_THRESHOLD, cooldown: float = DEFAULT_COOLDOWN) -> None:
        self.threshold = max(1, threshold)
        self.cooldown = cooldown
        self.state: BreakerState = "closed"
        self.failures = 0  # consecutive failed attempts
        self.opened_at = 0.0
        self.trial_in_flight = False
        self.trips = 0  # times the circuit opened

    def allow(self, now: float) -> bool:
        """Whether an attempt may be made now (a half-open circuit lets exactly one trial through)."""
        if self.state == "closed":
            return True
        if self.state == "open":
            if now - self.opened_at < self.cooldown:
                return False
            self.state = "half_open"
            self.trial_in_flight = False
        if self.trial_in_flight:
            return False
        self.trial_in_flight = True
        return True

    def success(self) -> None:
        self.failures = 0
        self.trial_in_flight = False
        self.state = "closed"

    def failure(self, now: float) -> None:
        self.failures += 1
        self.trial_in_flight = False
        if self.state == "half_open" or self.failures >= self.threshold:
            if self.state != "open":
                self.trips += 1
            self.state = "open"
            self.opened_at = now

    def abandon(self) -> None:
        """An allowed attempt ended without an outcome (cancelled): free the half-open trial slot."""
        self.trial_in_flight = False

    def retry_after(self, now: float) -> float:
        """Seconds until an open circuit lets a trial through (0 when it would now)."""
        if self.state != "open":
            return 0.0
        return max(0.0, self.cooldown - (now - self.opened_at))
