"""Small test modules mirroring the names and signatures of LANGUAGE.md section 6 (and the seed's search
modules), so the checker's tests do not depend on the real stdlib."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import msgspec

from cst_cli.modules.api import module
from cst_cli.modules.registry import Registry

T = TypeVar("T")
U = TypeVar("U")
N = TypeVar("N", int, float)


class Product(msgspec.Struct, frozen=True):
    sku: str
    price: float


class Profile(msgspec.Struct, frozen=True):
    userId: str
    name: str


@module(description="trim")
def Trim(text: str) -> str:
    return text.strip()


@module(description="upper")
def Uppercase(text: str) -> str:
    return text.upper()


@module(description="words")
def WordCount(text: str) -> int:
    return len(text.split())


@module(description="sum")
def SumList(numbers: list[int]) -> int:
    return sum(numbers)


@module(description="mean")
def Average(numbers: list[int]) -> float:
    return sum(numbers) / len(numbers) if numbers else 0.0


@module(description="filter")
def FilterGreaterThan(numbers: list[int], threshold: int) -> list[int]:
    return [n for n in numbers if n > threshold]


@module(description="format")
def FormatNumber(number: int) -> str:
    return f"{number:,}"


@module(description="slow")
def SlowQuery(query: str) -> str:
    return query


@module(description="flaky")
def FlakyService(request: str) -> str:
    return request


@module("TextEmbedding", version="1.0", description="v1")
def text_embedding_v1(text: str) -> list[float]:
    return [0.0]


@module("TextEmbedding", version="2.1", description="v2")
def text_embedding_v2(text: str) -> list[float]:
    return [1.0]


@module(description="search")
def VectorSearch(embedding: list[float], topK: int) -> list[Product]:
    return []


@module(description="profile")
def GetUserProfile(userId: str) -> Profile:
    return Profile(userId=userId, name="")


@module(description="lookup")
def Lookup(key: str) -> str | None:
    return None


@module(description="paged")
def Page(items: list[str], size: int = 10, offset: int = 0) -> list[str]:
    return items[offset : offset + size]


@module("add", namespace="stdlib.math", description="add")
def add(a: N, b: N) -> N:
    return a + b


@module("concat", namespace="stdlib.string", description="concat")
def concat(a: str, b: str) -> str:
    return a + b


@module("trim", namespace="stdlib.string", description="trim")
def trim(text: str) -> str:
    return text.strip()


@module("gt", namespace="stdlib.compare", description="gt")
def gt(a: int, b: int) -> bool:
    return a > b


@module("list-first", namespace="stdlib.list", description="first")
def list_first(items: list[T]) -> T:
    return items[0]


@module("list-concat", namespace="stdlib.list", description="concat")
def list_concat(a: list[T], b: list[T]) -> list[T]:
    return a + b


@module("map", namespace="stdlib.collection", description="map")
def map_(items: list[T], f: Callable[[T], U]) -> list[U]:
    return [f(x) for x in items]


@module("filter", namespace="stdlib.collection", description="filter")
def filter_(items: list[T], predicate: Callable[[T], bool]) -> list[T]:
    return [x for x in items if predicate(x)]


@module("add", namespace="other.math", description="another add, for ambiguity")
def other_add(a: int, b: int) -> int:
    return a + b


ALL = [
    Trim,
    Uppercase,
    WordCount,
    SumList,
    Average,
    FilterGreaterThan,
    FormatNumber,
    SlowQuery,
    FlakyService,
    text_embedding_v1,
    text_embedding_v2,
    VectorSearch,
    GetUserProfile,
    Lookup,
    Page,
    add,
    concat,
    trim,
    gt,
    list_first,
    list_concat,
    map_,
    filter_,
    other_add,
]


def registry() -> Registry:
    return Registry.from_specs(ALL)
