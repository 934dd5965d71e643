"""Behaviour of stdlib.math, stdlib.compare, stdlib.convert, stdlib.bool and stdlib.identity."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stdlib_modules._numbers import INT64_MAX, INT64_MIN

Call = Callable[..., Any]
int64s = st.integers(min_value=INT64_MIN, max_value=INT64_MAX)
small_ints = st.integers(min_value=-(10**6), max_value=10**6)


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("add", (2, 3), 5),
        ("add", (1.5, 2.25), 3.75),
        ("subtract", (2, 5), -3),
        ("multiply", (4, -3), -12),
        ("multiply", (0.5, 3.0), 1.5),
        ("divide", (7, 2), 3),
        ("divide", (-7, 2), -3),  # truncates toward zero, like the reference engine's Long division
        ("divide", (7, -2), -3),
        ("divide", (7.0, 2.0), 3.5),
        ("modulo", (7, 3), 1),
        ("modulo", (-7, 3), -1),  # the sign of the dividend
        ("modulo", (7, -3), 1),
        ("modulo", (7.5, 2.0), 1.5),
        ("max", (3, 9), 9),
        ("min", (3, 9), 3),
        ("max", (-1.5, -2.5), -1.5),
        ("abs", (-4,), 4),
        ("abs", (-4.5,), 4.5),
        ("negate", (4,), -4),
        ("negate", (-0.5,), 0.5),
        ("round", (2.4,), 2),
        ("round", (2.5,), 3),
        ("round", (-2.5,), -2),
        ("round", (-2.6,), -3),
    ],
)
def test_math(call: Call, name: str, args: tuple[Any, ...], expected: Any) -> None:
    result = call(f"stdlib.math.{name}", *args)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(("name", "args"), [("add", (1, 2.5)), ("max", (3, 2.5)), ("min", (1, 2.5))])
def test_an_int_mixed_with_a_float_gives_a_float(call: Call, name: str, args: tuple[Any, ...]) -> None:
    """Int widens to Float: when N was inferred Float the result is a Float even if an Int argument wins."""
    assert type(call(f"stdlib.math.{name}", *args)) is float


@pytest.mark.parametrize(("name", "symbol"), [("divide", "division by zero"), ("modulo", "modulo by zero")])
@pytest.mark.parametrize("zero", [0, 0.0])
def test_division_by_zero_is_an_error(call: Call, name: str, symbol: str, zero: float) -> None:
    with pytest.raises(ZeroDivisionError, match=f"{name}: {symbol}"):
        call(f"stdlib.math.{name}", 1, zero)


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("add", (INT64_MAX, 1)),
        ("subtract", (INT64_MIN, 1)),
        ("multiply", (2**62, 2)),
        ("negate", (INT64_MIN,)),
        ("abs", (INT64_MIN,)),
        ("divide", (INT64_MIN, -1)),
        ("round", (1e19,)),
    ],
)
def test_int_overflow_is_an_error(call: Call, name: str, args: tuple[Any, ...]) -> None:
    with pytest.raises(OverflowError, match=f"{name}: result .* does not fit in a 64-bit Int"):
        call(f"stdlib.math.{name}", *args)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_round_and_to_int_reject_nan_and_infinity(call: Call, value: float) -> None:
    with pytest.raises(ValueError, match="round: cannot round"):
        call("stdlib.math.round", value)
    with pytest.raises(ValueError, match="to-int: cannot convert"):
        call("stdlib.convert.to-int", value)


@given(int64s, int64s.filter(lambda b: b != 0))
def test_int_division_and_modulo_agree(a: int, b: int) -> None:
    from stdlib_modules.math import divide, modulo

    if (a, b) == (INT64_MIN, -1):
        return
    q, r = divide(a, b), modulo(a, b)
    assert a == b * q + r
    assert abs(r) < abs(b)
    assert r == 0 or (r > 0) == (a > 0)


@given(small_ints, small_ints)
def test_add_and_subtract_are_inverse(a: int, b: int) -> None:
    from stdlib_modules.math import add, subtract

    assert subtract(add(a, b), b) == a


@pytest.mark.parametrize(
    ("name", "a", "b", "expected"),
    [
        ("eq-int", 3, 3, True),
        ("eq-int", 3, 4, False),
        ("eq-string", "a", "a", True),
        ("eq-string", "a", "A", False),
        ("gt", 2, 1, True),
        ("gt", 1, 1, False),
        ("lt", 1.5, 2, True),
        ("lt", 2, 2, False),
        ("gte", 2, 2, True),
        ("gte", 1, 2.5, False),
        ("lte", 2.0, 2, True),
        ("lte", 3, 2, False),
    ],
)
def test_compare(call: Call, name: str, a: Any, b: Any, expected: bool) -> None:
    assert call(f"stdlib.compare.{name}", a, b) is expected


@pytest.mark.parametrize(
    ("a", "b"),
    [(False, False), (False, True), (True, False), (True, True)],
)
def test_bool(call: Call, a: bool, b: bool) -> None:
    assert call("stdlib.bool.and", a, b) is (a and b)
    assert call("stdlib.bool.or", a, b) is (a or b)
    assert call("stdlib.bool.not", a) is (not a)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("plain", "plain"),
        (42, "42"),
        (-3.5, "-3.5"),
        (2.0, "2.0"),
        (True, "true"),
        (None, "null"),
        ([1, 2], "[1,2]"),
        ({"name": "x", "tags": ["a"]}, '{"name":"x","tags":["a"]}'),
    ],
)
def test_to_string(call: Call, value: Any, text: str) -> None:
    assert call("stdlib.convert.to-string", value) == text


def test_to_int_truncates_and_to_float_widens(call: Call) -> None:
    assert call("stdlib.convert.to-int", 2.9) == 2
    assert call("stdlib.convert.to-int", -2.9) == -2
    assert type(call("stdlib.convert.to-float", 3)) is float
    with pytest.raises(OverflowError, match="to-int"):
        call("stdlib.convert.to-int", 1e30)


@given(st.one_of(st.integers(), st.text(), st.lists(st.integers()), st.none()))
def test_identity(value: Any) -> None:
    from stdlib_modules.core import identity

    assert identity(value) is value


def test_log_passes_the_value_on_and_writes_to_stderr_only(call: Call, capsys: pytest.CaptureFixture[str]) -> None:
    import logging

    value = {"a": [1, 2]}
    # pytest installs handlers on the root logger; without any, the module writes to stderr itself
    root = logging.getLogger()
    saved = root.handlers[:]
    root.handlers.clear()
    try:
        assert call("stdlib.debug.log", value) is value
    finally:
        root.handlers[:] = saved
    out, err = capsys.readouterr()
    assert out == ""
    assert '{"a":[1,2]}' in err


def test_log_uses_the_logger_when_logging_is_configured(call: Call, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("INFO", logger="stdlib.debug"):
        assert call("stdlib.debug.log", 7) == 7
    assert [r.getMessage() for r in caplog.records] == ["log: 7"]
