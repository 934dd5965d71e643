"""Input decoding with JSON paths, result checking, output encoding and text rendering."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cst_cli.runtime.values import ValueMismatch, check_value, conforms, render_text, to_json
from cst_cli.types.model import BOOLEAN, FLOAT, INT, STRING, ListT, MapT, OptionalT, RecordT, UnionT

ITEM = RecordT(fields=(("sku", STRING), ("price", FLOAT)))
ORDER = RecordT(fields=(("id", INT), ("items", ListT(elem=ITEM))))


def bad(v: Any, t: Any) -> str:
    with pytest.raises(ValueMismatch) as info:
        check_value(v, t, from_json=True)
    return info.value.at("inputs.order")


def test_errors_name_the_json_path() -> None:
    order = {"id": 1, "items": [{"sku": "a", "price": 1}, {"sku": "b", "price": 2.5}, {"sku": "c", "price": "abc"}]}
    assert bad(order, ORDER) == 'inputs.order.items[2].price: expected Float, got "abc"'
    assert bad({"id": 1}, ORDER) == "inputs.order.items: expected List<{ sku: String, price: Float }>, got nothing"
    assert bad({"id": True, "items": []}, ORDER) == "inputs.order.id: expected Int, got true"


def test_ints_widen_to_float_and_bools_are_not_ints() -> None:
    assert check_value(3, FLOAT) == 3.0 and type(check_value(3, FLOAT)) is float
    with pytest.raises(ValueMismatch):
        check_value(True, INT)
    with pytest.raises(ValueMismatch):
        check_value(2**63, INT)


def test_optional_union_and_map_inputs() -> None:
    assert check_value(None, OptionalT(inner=INT)) is None
    u = UnionT(members=(INT, STRING))
    assert check_value("x", u, from_json=True) == "x"
    assert check_value({"tag": "Int", "value": 3}, u, from_json=True) == 3
    m = MapT(key=INT, value=STRING)
    assert check_value([[1, "a"], [2, "b"]], m, from_json=True) == {1: "a", 2: "b"}
    assert to_json({1: "a"}, m) == [[1, "a"]]
    assert to_json({"k": 1}, MapT(key=STRING, value=INT)) == {"k": 1}


def test_records_keep_extra_fields_and_accept_structs() -> None:
    class Item(msgspec.Struct):
        sku: str
        price: float

    assert check_value(Item("a", 1.0), ITEM) == {"sku": "a", "price": 1.0}
    assert check_value({"sku": "a", "price": 1, "x": True}, ITEM) == {"sku": "a", "price": 1.0, "x": True}


def test_is_type_is_strict_about_numbers() -> None:
    assert conforms(1, INT) and not conforms(1, FLOAT) and conforms(1.0, FLOAT)
    assert conforms({"sku": "a", "price": 1.0}, ITEM) and not conforms({"sku": "a"}, ITEM)
    assert conforms(None, OptionalT(inner=INT)) and conforms([1], ListT(elem=INT))


def test_render_text() -> None:
    assert render_text("a b") == "a b"
    assert render_text(42) == "42"
    assert render_text(1.5) == "1.5"
    assert render_text(True) == "true"
    assert render_text(None) == "null"
    assert render_text([1, "a"]) == '[1,"a"]'
    assert render_text({"a": 1}) == '{"a":1}'


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=12,
)


@given(st.lists(st.integers(-(2**63), 2**63 - 1)), st.lists(st.text()), st.booleans())
def test_typed_values_round_trip_through_json(ints: list[int], texts: list[str], flag: bool) -> None:
    t = RecordT(fields=(("ints", ListT(elem=INT)), ("texts", ListT(elem=STRING)), ("flag", BOOLEAN)))
    v = {"ints": ints, "texts": texts, "flag": flag}
    wire = msgspec.json.decode(msgspec.json.encode(to_json(v, t)))
    assert check_value(wire, t, from_json=True) == v


@given(json_values)
def test_interpolation_renders_any_json_value(v: Any) -> None:
    assert isinstance(render_text(v), str)
