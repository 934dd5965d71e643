"""Behaviour of stdlib.list, stdlib.collection (with Python callables for lambdas) and the data example modules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stdlib_modules._numbers import INT64_MAX

Call = Callable[..., Any]


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("list-length", ([1, 2, 3],), 3),
        ("list-length", ([],), 0),
        ("list-first", (["a", "b"],), "a"),
        ("list-last", (["a", "b"],), "b"),
        ("list-sum", ([1, 2, 3],), 6),
        ("list-sum", ([],), 0),
        ("list-sum", ([0.1] * 10,), 1.0),
        ("list-sum", ([1, 2.5],), 3.5),
        ("list-is-empty", ([],), True),
        ("list-is-empty", ([0],), False),
        ("list-concat", ([1], [2, 3]), [1, 2, 3]),
        ("list-reverse", ([1, 2, 3],), [3, 2, 1]),
        ("list-contains", ([{"a": 1}], {"a": 1}), True),
        ("list-contains", (["x"], "y"), False),
    ],
)
def test_list(call: Call, name: str, args: tuple[Any, ...], expected: Any) -> None:
    result = call(f"stdlib.list.{name}", *args)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize("name", ["list-first", "list-last"])
def test_first_and_last_of_an_empty_list_are_errors(call: Call, name: str) -> None:
    with pytest.raises(ValueError, match=f"{name}: the list is empty"):
        call(f"stdlib.list.{name}", [])


def test_list_operations_do_not_modify_their_arguments(call: Call) -> None:
    a, b = [1, 2], [3]
    call("stdlib.list.list-reverse", a)
    call("stdlib.list.list-concat", a, b)
    call("stdlib.collection.sort-by", a, lambda x: -x)
    assert (a, b) == ([1, 2], [3])


def test_list_sum_overflow_is_an_error(call: Call) -> None:
    with pytest.raises(OverflowError, match="list-sum"):
        call("stdlib.list.list-sum", [INT64_MAX, 1])


def test_collection_with_lambdas(call: Call) -> None:
    items = [{"name": "b", "price": 3.0}, {"name": "a", "price": 1.5}, {"name": "c", "price": 3.0}]
    assert call("stdlib.collection.filter", [1, 5, 2, 8], lambda x: x > 2) == [5, 8]
    assert call("stdlib.collection.map", items, lambda r: r["name"]) == ["b", "a", "c"]
    assert call("stdlib.collection.all", [2, 4], lambda x: x % 2 == 0) is True
    assert call("stdlib.collection.all", [], lambda x: False) is True
    assert call("stdlib.collection.any", [1, 3], lambda x: x % 2 == 0) is False
    assert call("stdlib.collection.any", [], lambda x: True) is False
    by_price = call("stdlib.collection.sort-by", items, lambda r: r["price"])
    assert [r["name"] for r in by_price] == ["a", "b", "c"]  # stable: b before c
    assert call("stdlib.collection.sort-by", ["bb", "a", "ccc"], len) == ["a", "bb", "ccc"]


def test_sort_by_with_incomparable_keys_is_a_clear_error(call: Call) -> None:
    with pytest.raises(TypeError, match="sort-by: the keys cannot be compared"):
        call("stdlib.collection.sort-by", [1, 2], lambda x: {"k": x})


def test_lambda_is_called_once_per_element(call: Call) -> None:
    seen: list[int] = []

    def key(x: int) -> int:
        seen.append(x)
        return x

    call("stdlib.collection.sort-by", [3, 1, 2], key)
    assert sorted(seen) == [1, 2, 3]


@given(st.lists(st.integers(min_value=-100, max_value=100)))
def test_sort_by_agrees_with_sorted(xs: list[int]) -> None:
    from stdlib_modules.collection import sort_by

    assert sort_by(xs, lambda x: (abs(x), x)) == sorted(xs, key=lambda x: (abs(x), x))


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("SumList", ([1, 2, 3, 4],), 10),
        ("SumList", ([],), 0),
        ("Average", ([1, 2, 3, 4],), 2.5),
        ("Average", ([],), 0.0),
        ("Max", ([3, 9, -2],), 9),
        ("Min", ([3, 9, -2],), -2),
        ("FilterGreaterThan", ([1, 5, 3, 7, 5], 5), [7]),  # strictly greater: 5 is dropped
        ("FilterGreaterThan", ([], 0), []),
        ("MultiplyEach", ([1, -2, 3], 3), [3, -6, 9]),
        ("Range", (1, 5), [1, 2, 3, 4]),  # start included, end excluded
        ("Range", (-2, 1), [-2, -1, 0]),
        ("Range", (5, 5), []),
        ("Range", (5, 1), []),
        ("FormatNumber", (1234567,), "1,234,567"),
        ("FormatNumber", (999,), "999"),
        ("FormatNumber", (1000,), "1,000"),
        ("FormatNumber", (0,), "0"),
        ("FormatNumber", (-1234567,), "-1,234,567"),
    ],
)
def test_data_modules(call: Call, name: str, args: tuple[Any, ...], expected: Any) -> None:
    result = call(name, *args)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize("name", ["Max", "Min"])
def test_max_and_min_of_an_empty_list_are_errors(call: Call, name: str) -> None:
    with pytest.raises(ValueError, match=f"{name}: the list is empty"):
        call(name, [])


def test_range_refuses_a_huge_list(call: Call) -> None:
    with pytest.raises(ValueError, match="Range: 0 to 100000000 has 100000000 elements"):
        call("Range", 0, 10**8)


def test_multiply_each_overflow_is_an_error(call: Call) -> None:
    with pytest.raises(OverflowError, match="MultiplyEach"):
        call("MultiplyEach", [1, 2**62], 2)


@given(st.lists(st.integers(min_value=-1000, max_value=1000)), st.integers(min_value=-1000, max_value=1000))
def test_filter_greater_than_keeps_exactly_the_larger_values_in_order(numbers: list[int], threshold: int) -> None:
    from stdlib_modules.data import FilterGreaterThan

    assert FilterGreaterThan(numbers, threshold) == [n for n in numbers if n > threshold]


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_format_number_round_trips(n: int) -> None:
    from stdlib_modules.data import FormatNumber

    text = FormatNumber(n)
    assert int(text.replace(",", "")) == n
    assert all(len(group) == 3 for group in text.lstrip("-").split(",")[1:])
