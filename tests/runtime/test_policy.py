"""Pure parts of the options: backoff delays, throttle windows, the circuit breaker, effective options."""

from __future__ import annotations

import random

import pytest

from cst_cli.modules.api import Options
from cst_cli.runtime.breaker import Breaker
from cst_cli.runtime.policy import MAX_DELAY, ThrottleWindow, backoff_delay, effective_options, needs_task


@pytest.mark.parametrize(
    ("kind", "expected"),
    [("fixed", [1.0, 1.0, 1.0, 1.0]), ("linear", [1.0, 2.0, 3.0, 4.0]), ("exponential", [1.0, 2.0, 4.0, 8.0])],
)
def test_backoff_shapes(kind: str, expected: list[float]) -> None:
    assert [backoff_delay(1.0, n, kind) for n in range(1, 5)] == expected  # type: ignore[arg-type]


def test_backoff_is_capped_and_jitter_stays_within_half_and_all() -> None:
    assert backoff_delay(1.0, 40, "exponential") == MAX_DELAY
    rng = random.Random(1)
    for n in range(1, 10):
        d = backoff_delay(0.5, n, "exponential", rng)
        full = min(0.5 * 2 ** (n - 1), MAX_DELAY)
        assert full / 2 <= d <= full
    assert backoff_delay(0.0, 3, "linear") == 0.0


def test_same_seed_same_jitter() -> None:
    a = [backoff_delay(1, n, "fixed", random.Random(7)) for n in range(5)]
    b = [backoff_delay(1, n, "fixed", random.Random(7)) for n in range(5)]
    assert a == b


def test_throttle_window_admits_n_per_period() -> None:
    w = ThrottleWindow(2, 1.0)
    assert w.wait_time(0.0) == 0
    assert w.wait_time(0.1) == 0
    assert w.wait_time(0.2) == pytest.approx(0.8)
    assert w.wait_time(1.0) == 0  # the first start left the window
    assert w.wait_time(1.05) == pytest.approx(0.05)


def test_breaker_opens_after_threshold_then_half_opens_for_one_trial() -> None:
    b = Breaker(threshold=3, cooldown=10.0)
    for t in range(3):
        assert b.allow(t)
        b.failure(t)
    assert b.state == "open" and b.trips == 1
    assert not b.allow(5.0)
    assert b.retry_after(5.0) == pytest.approx(7.0)
    assert b.allow(12.5)  # cool-down over: one trial
    assert b.state == "half_open"
    assert not b.allow(12.6)  # only one
    b.failure(13.0)
    assert b.state == "open" and b.trips == 2
    assert b.allow(23.5)
    b.success()
    assert b.state == "closed" and b.failures == 0


def test_breaker_counts_consecutive_failures_only() -> None:
    b = Breaker(threshold=2, cooldown=1.0)
    b.failure(0)
    b.success()
    b.failure(1)
    assert b.state == "closed"


def test_effective_options_call_over_config_over_module_defaults() -> None:
    defaults = Options(retry=1, timeout=5.0, delay=1.0)
    configured = Options(retry=2, cache=60.0)
    call = Options(retry=4)
    eff = effective_options(defaults, configured, call)
    assert (eff.retry, eff.timeout, eff.cache, eff.delay) == (4, 5.0, 60.0, 1.0)
    assert effective_options(defaults, None, Options()).retry == 1


def test_needs_task() -> None:
    assert not needs_task(Options())
    assert not needs_task(Options(on_error="propagate", priority=10, lazy=True))
    assert needs_task(Options(on_error="skip"))
    assert needs_task(Options(timeout=1.0))
