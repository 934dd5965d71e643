"""`with` options: values resolved into Options, E016 out of range, E045 unknown, E017 fallback, warnings."""

from __future__ import annotations

import pytest

from cst_cli.check import typed as t
from cst_cli.modules.api import Options
from tests.check._helpers import check, clean, only


def call_of(src: str) -> t.TCall:
    c = clean(src)
    v = c.value("r")
    assert isinstance(v, t.TCall)
    return v


def test_every_option_is_resolved() -> None:
    call = call_of(
        """
        in q: String
        r = SlowQuery(q) with retry: 3, delay: 200ms, backoff: exponential, timeout: 2s,
            cache: 10min, cache_backend: "disk", throttle: 10/1s, concurrency: 4, on_error: skip,
            lazy, priority: high, fallback: "none"
        out r
        """
    )
    assert call.options == Options(
        retry=3,
        delay=0.2,
        backoff="exponential",
        timeout=2.0,
        cache=600.0,
        cache_backend="disk",
        throttle=(10, 1.0),
        concurrency=4,
        on_error="skip",
        lazy=True,
        priority=75,
    )
    assert isinstance(call.fallback, t.TLit) and call.fallback.value == "none"


def test_numeric_priority_and_lazy_false() -> None:
    call = call_of("in q: String\nr = SlowQuery(q) with priority: 10, lazy: false\nout r\n")
    assert call.options == Options(priority=10, lazy=False)


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("timeout: 0s", "Invalid value for 'timeout': 0s (must be > 0)"),
        ("retry: -1", "Invalid value for 'retry': -1 (must be an integer >= 0)"),
        ("retry: 2s", "Invalid value for 'retry': 2s (must be an integer >= 0)"),
        ("delay: 3", "Invalid value for 'delay': 3 (must be a duration)"),
        ("backoff: quadratic", "Invalid value for 'backoff': quadratic (must be one of fixed, linear, exponential)"),
        ("on_error: ignore", "Invalid value for 'on_error': ignore (must be one of propagate, skip, log, wrap)"),
        (
            "priority: urgent",
            "Invalid value for 'priority': urgent (must be one of critical, high, normal, low, background or 0-100)",
        ),
        ("priority: 101", "Invalid value for 'priority': 101 (must be between 0 and 100)"),
        ("throttle: 0/1s", "Invalid value for 'throttle': 0/1s (must allow at least 1 call)"),
        ("throttle: 5", "Invalid value for 'throttle': 5 (must be a rate N/duration)"),
        ("concurrency: 0", "Invalid value for 'concurrency': 0 (must be an integer >= 1)"),
        ("lazy: 1", "Invalid value for 'lazy': 1 (must be true or false)"),
        ('cache_backend: "redis"', 'Invalid value for \'cache_backend\': "redis" (must be one of "memory", "disk")'),
        ("cache: 0s", "Invalid value for 'cache': 0s (must be > 0)"),
        ("batch: 0", "Invalid value for 'batch': 0 (must be an integer >= 1)"),
    ],
)
def test_invalid_values(option: str, message: str) -> None:
    c = check(f"in q: String\nr = SlowQuery(q) with {option}\nout r\n")
    d = c.one("E016")
    assert d.message == message
    assert c.at(d) == (2, 23 + len(option.split(":")[0]) + 2)


def test_did_you_mean_for_words() -> None:
    c = check("in q: String\nr = SlowQuery(q) with backoff: exponentail\nout r\n")
    assert c.one("E016").hint == "did you mean 'exponential'?"


def test_unknown_option() -> None:
    c, d = only("in q: String\nr = SlowQuery(q) with retries: 3\nout r\n", "E045")
    assert d.message == "Unknown option: retries"
    assert d.hint == "did you mean 'retry'?"
    assert c.at(d) == (2, 23)


def test_fallback_type() -> None:
    c, d = only("in q: String\nr = SlowQuery(q) with fallback: 0\nout r\n", "E017")
    assert d.message == "Fallback type mismatch: module returns String but fallback is Int"
    assert c.at(d) == (2, 33)
    call_of("in q: String\nin backup: String\nr = SlowQuery(q) with fallback: Trim(backup)\nout r\n")
    clean("in xs: List<Int>\nr = Average(xs) with fallback: 0\nout r\n")  # Int widens to Float


def test_fallback_uses_count_as_dependencies() -> None:
    c = clean("in q: String\nr = SlowQuery(q) with fallback: cached\ncached = Trim(q)\nout r\n")
    assert c.typed is not None
    assert [b.name for b in c.typed.bindings] == ["cached", "r"]


def test_warnings() -> None:
    c, d = only("in q: String\nr = SlowQuery(q) with delay: 100ms\nout r\n", "W001")
    assert d.message == "Option 'delay' has no effect without 'retry'"
    assert c.at(d) == (2, 23)
    c, d = only("in q: String\nr = SlowQuery(q) with retry: 11\nout r\n", "W002")
    assert d.message == "retry: 11 is more than 10 attempts"
    c, d = only("in q: String\nr = SlowQuery(q) with retry: 1, retry: 2\nout r\n", "W005")
    assert d.message == "Duplicate option 'retry': the last one wins"
    assert c.typed is not None
    r = c.value("r")
    assert isinstance(r, t.TCall) and r.options.retry == 2


def test_streaming_options_are_kept_as_text() -> None:
    c = check(
        "in q: String\nr = SlowQuery(q) with batch: 10, batch_timeout: 2s, window: 1min, checkpoint: 5s, "
        "join: left\nout r\n"
    )
    assert c.codes == ["W005"] * 5, c.describe()
    assert c.diags[0].message == "Streaming option 'batch' has no effect yet"
    r = c.value("r")
    assert isinstance(r, t.TCall)
    assert r.streaming == (
        ("batch", "10"),
        ("batch_timeout", "2s"),
        ("window", "1min"),
        ("checkpoint", "5s"),
        ("join", "left"),
    )
    assert r.options == Options()


def test_options_are_checked_even_when_the_module_is_unknown() -> None:
    c = check("in q: String\nr = Nope(q) with timeout: 0s, fallback: nothing\nout r\n")
    assert c.codes == ["E002", "E016", "E001"], c.describe()
