"""Python type hints -> language types (cst_cli/types/hints.py): every supported hint and some unsupported."""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import Annotated, Any, Optional, TypedDict, Union

import msgspec
import pytest

from cst_cli.types.hints import UnsupportedHint, hint_to_type, signature_of
from cst_cli.types.model import (
    BOOLEAN,
    FLOAT,
    INT,
    STRING,
    FunctionT,
    ListT,
    MapT,
    OptionalT,
    RecordT,
    SeqT,
    TypeVar,
    UnionT,
    render,
)

T = typing.TypeVar("T")
N = typing.TypeVar("N", int, float)


class Price(msgspec.Struct):
    amount: float
    currency: str


class Product(msgspec.Struct):
    sku: str
    price: Price
    tags: list[str]


@dataclasses.dataclass
class Hit:
    id: int
    score: float | None


class Row(TypedDict):
    name: str
    count: int


@dataclasses.dataclass
class Tree:
    children: list[Tree]


@pytest.mark.parametrize(
    ("hint", "expected"),
    [
        (str, STRING),
        (int, INT),
        (float, FLOAT),
        (bool, BOOLEAN),
        (list[int], ListT(elem=INT)),
        (typing.List[str], ListT(elem=STRING)),  # noqa: UP006 - the old spelling is supported too
        (Sequence[str], SeqT(elem=STRING)),
        (tuple[int, ...], SeqT(elem=INT)),
        (dict[str, int], MapT(key=STRING, value=INT)),
        (Mapping[int, list[float]], MapT(key=INT, value=ListT(elem=FLOAT))),
        (int | None, OptionalT(inner=INT)),
        (Optional[str], OptionalT(inner=STRING)),  # noqa: UP045
        (int | str, UnionT(members=(INT, STRING))),
        (Union[int, str], UnionT(members=(INT, STRING))),  # noqa: UP007
        (int | str | None, OptionalT(inner=UnionT(members=(INT, STRING)))),
        (list[int | None], ListT(elem=OptionalT(inner=INT))),
        (Annotated[int, "a note"], INT),
        (T, TypeVar(name="T")),
        (N, TypeVar(name="N", constraints=(INT, FLOAT))),
        (list[T], ListT(elem=TypeVar(name="T"))),
        (Callable[[T], bool], FunctionT(params=(TypeVar(name="T"),), result=BOOLEAN)),
        (Callable[[int, str], list[str]], FunctionT(params=(INT, STRING), result=ListT(elem=STRING))),
        (Price, RecordT(fields=(("amount", FLOAT), ("currency", STRING)))),
        (Hit, RecordT(fields=(("id", INT), ("score", OptionalT(inner=FLOAT))))),
        (Row, RecordT(fields=(("name", STRING), ("count", INT)))),
    ],
    ids=repr,
)
def test_supported_hints(hint: Any, expected: Any) -> None:
    assert hint_to_type(hint) == expected


def test_nested_record_renders_in_the_language() -> None:
    assert render(hint_to_type(list[Product])) == (
        "List<{ sku: String, price: { amount: Float, currency: String }, tags: List<String> }>"
    )


@pytest.mark.parametrize(
    ("hint", "says"),
    [
        (bytes, "bytes"),
        (list, "a bare list needs type arguments"),
        (Sequence, "a bare Sequence needs type arguments"),
        (typing.List, "needs an element type"),  # noqa: UP006
        (dict[str, Any], "Any"),
        (set[int], "set[int]"),
        (tuple[int, str], "tuple[int, str]"),
        (Callable[..., int], "parameter types"),
        (object, "object"),
        (typing.Literal["a"], "Literal"),
        (type(None), "NoneType"),
        (Tree, "recursive"),
    ],
    ids=repr,
)
def test_unsupported_hints(hint: Any, says: str) -> None:
    with pytest.raises(UnsupportedHint, match=says.replace("[", r"\[").replace("]", r"\]")):
        hint_to_type(hint)


def _with_defaults(query: str, limit: int = 10, items: list[Hit] | None = None) -> list[Hit]:
    raise NotImplementedError


async def _async_one(text: str) -> str:
    raise NotImplementedError


def _no_param_hint(x, y: int) -> int:  # type: ignore[no-untyped-def]
    raise NotImplementedError


def _no_return_hint(x: int):  # type: ignore[no-untyped-def]
    raise NotImplementedError


def _star_args(*xs: int) -> int:
    raise NotImplementedError


def _bad_forward_ref(x: NoSuchType) -> int:  # type: ignore[name-defined]  # noqa: F821
    raise NotImplementedError


def test_signature_of_reads_names_types_and_defaults() -> None:
    params, returns = signature_of(_with_defaults)
    hit = hint_to_type(Hit)
    assert params == (
        ("query", STRING, False),
        ("limit", INT, True),
        ("items", OptionalT(inner=ListT(elem=hit)), True),
    )
    assert returns == ListT(elem=hit)


def test_signature_of_an_async_function_is_its_awaited_type() -> None:
    assert signature_of(_async_one) == ((("text", STRING, False),), STRING)


@pytest.mark.parametrize(
    ("func", "says"),
    [
        (_no_param_hint, "parameter 'x' has no type hint"),
        (_no_return_hint, "the return type has no hint"),
        (_star_args, r"\*args"),
        (_bad_forward_ref, "cannot read the type hints"),
    ],
    ids=lambda f: getattr(f, "__name__", str(f)),
)
def test_signature_of_rejects(func: Callable[..., Any], says: str) -> None:
    with pytest.raises(UnsupportedHint, match=says):
        signature_of(func)
