"""The records the search modules exchange (msgspec Structs: the checker reads them as record types).

At run time records arrive as plain dicts; `as_struct` converts one back. Imports msgspec only.
"""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec


class Embedding(msgspec.Struct, frozen=True, kw_only=True):
    """A text embedding and the model that made it: VectorSearch keeps one index per (model, version)."""

    vector: list[float]
    model: str
    version: str


class Product(msgspec.Struct, frozen=True, kw_only=True):
    """A catalog entry, as stored in catalog.jsonl(.gz)."""

    id: str
    title: str
    description: str
    category: str
    brand: str
    colour: str
    price: float
    department: str = ""
    type: str = ""
    material: str = ""
    model: str = ""


class SearchResult(msgspec.Struct, frozen=True, kw_only=True):
    """One hit: the product's main fields, a score (higher is better) and which search found it."""

    id: str
    title: str
    category: str
    brand: str
    colour: str
    price: float
    score: float
    source: str


class Filters(msgspec.Struct, frozen=True, kw_only=True):
    """What FilterResults applies; a ParsedQuery has all these fields, so it can be passed as is."""

    min_price: float | None = None
    max_price: float | None = None
    category: str | None = None
    colour: str | None = None
    brand: str | None = None


class ParsedQuery(msgspec.Struct, frozen=True, kw_only=True):
    """What a query parser understood: the text to search for, the filters it found, and who parsed it."""

    text: str  # the query without the price phrases ("red dress under $100" -> "red dress")
    intent: str  # "product_search"
    entities: dict[str, str]  # every extracted entity as text, as in the seed's QueryParsed
    min_price: float | None = None
    max_price: float | None = None
    category: str | None = None
    colour: str | None = None
    brand: str | None = None
    parser: str = "rules"  # "rules", or "llm:<model>"


class UserProfile(msgspec.Struct, frozen=True, kw_only=True):
    """A shopper's preferences and history; an unknown user gets an empty profile (no personalisation)."""

    id: str
    preferred_categories: list[str]
    preferred_brands: list[str]
    preferred_colours: list[str]
    min_price: float
    max_price: float
    history: list[str]  # product ids viewed or bought
    name: str = ""


S = TypeVar("S", bound=msgspec.Struct)


def as_struct(value: Any, cls: type[S]) -> S:
    """`value` (a dict from the runner, or already a `cls`) as a `cls`."""
    if isinstance(value, cls):
        return value
    return msgspec.convert(value, cls, strict=False, from_attributes=True)


def as_structs(values: Any, cls: type[S]) -> list[S]:
    return [as_struct(v, cls) for v in values]


def result_of(p: Product, score: float, source: str) -> SearchResult:
    return SearchResult(
        id=p.id,
        title=p.title,
        category=p.category,
        brand=p.brand,
        colour=p.colour,
        price=p.price,
        score=score,
        source=source,
    )
