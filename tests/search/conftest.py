"""Fixtures for the search modules: a small catalog and user profiles in a temp data dir, a temp cache dir,
no LLM configured, and the in-memory indexes forgotten between tests."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from stdlib_modules.search import keyword, vector

_FIELDS = ("id", "title", "description", "category", "brand", "colour", "price", "model")
_ROWS: list[tuple[str, str, str, str, str, str, float, str]] = [
    (
        "A1",
        "Norrland Leather 3-Seat Sofa, Cognac",
        "A generous three-seater couch in cognac leather.",
        "Sofas",
        "Norrland",
        "brown",
        899.0,
        "",
    ),
    (
        "A2",
        "Modulo Velvet Loveseat, Navy",
        "A compact two-seater in navy velvet.",
        "Sofas",
        "Modulo",
        "blue",
        450.0,
        "",
    ),
    (
        "A3",
        "Casa Verde Linen Sleeper Sofa, Sage",
        "Seats three by day, sleeps two by night.",
        "Sofas",
        "Casa Verde",
        "green",
        1200.0,
        "",
    ),
    (
        "B1",
        "Aurelia Silk Cocktail Dress, Burgundy",
        "A burgundy silk dress for weddings and parties.",
        "Dresses",
        "Aurelia",
        "red",
        180.0,
        "",
    ),
    (
        "B2",
        "Vela Cotton Sundress, Red",
        "A light red cotton sundress for warm days.",
        "Dresses",
        "Vela",
        "red",
        45.0,
        "",
    ),
    (
        "B3",
        "Vela Jersey Maxi Dress, Black",
        "A floor-length black jersey dress.",
        "Dresses",
        "Vela",
        "black",
        75.0,
        "",
    ),
    (
        "C1",
        "Voltix AirBook Laptop (VX-1420), Silver",
        "A 14-inch aluminium laptop with 16GB RAM.",
        "Laptops",
        "Voltix",
        "silver",
        999.0,
        "VX-1420",
    ),
    (
        "C2",
        "Pixelon Nova Gaming Laptop (PI-3300), Black",
        "A 16-inch gaming laptop with an RTX graphics card.",
        "Laptops",
        "Pixelon",
        "black",
        1899.0,
        "PI-3300",
    ),
    (
        "D1",
        "Sonora Q Wireless Earbuds (SO-2787), White",
        "True wireless earbuds with a charging case.",
        "Headphones",
        "Sonora",
        "white",
        129.0,
        "SO-2787",
    ),
    (
        "D2",
        "Sonora Studio Over-Ear Headphones (SO-1000), Black",
        "Over-ear headphones with 30-hour battery life.",
        "Headphones",
        "Sonora",
        "black",
        249.0,
        "SO-1000",
    ),
    (
        "E1",
        "Culina Blender, Red",
        "A red blender that crushes ice in seconds.",
        "Kitchen Appliances",
        "Culina",
        "red",
        89.0,
        "",
    ),
    (
        "E2",
        "Brewster Espresso Machine, Silver",
        "An espresso machine with a milk frother.",
        "Kitchen Appliances",
        "Brewster",
        "silver",
        349.0,
        "",
    ),
]
PRODUCTS: list[dict[str, Any]] = [{k: v for k, v in zip(_FIELDS, row, strict=True) if v != ""} for row in _ROWS]

USERS: dict[str, Any] = {
    "user-001": {
        "id": "user-001",
        "name": "Ada",
        "preferred_categories": ["Dresses"],
        "preferred_brands": ["Vela"],
        "preferred_colours": ["black"],
        "min_price": 0.0,
        "max_price": 100.0,
        "history": ["B3"],
    },
    "user-002": {
        "id": "user-002",
        "name": "Ben",
        "preferred_categories": ["Laptops"],
        "preferred_brands": ["Pixelon"],
        "preferred_colours": [],
        "min_price": 500.0,
        "max_price": 3000.0,
        "history": [],
    },
}


def write_catalog(directory: Path, products: list[dict[str, Any]]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "catalog.jsonl"
    path.write_text("".join(json.dumps(p) + "\n" for p in products), encoding="utf-8")
    return path


LLM_ENV = (
    "CST_LLM_BASE_URL",
    "CST_LLM_MODEL",
    "CST_LLM_API_KEY",
    "OPENAI_BASE_URL",
    "OPENAI_API_KEY",
    "OPENAI_MODEL",
    "CST_LLM_TIMEOUT",
    "CST_LLM_PRICE_INPUT_PER_1K",
    "CST_LLM_PRICE_OUTPUT_PER_1K",
)


@pytest.fixture(autouse=True)
def no_llm(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in LLM_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def fresh_indexes() -> Iterator[None]:
    vector._builds.clear()
    keyword._builds.clear()
    yield
    vector._builds.clear()
    keyword._builds.clear()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_indexes: None) -> Path:
    """A small catalog and two users in a temp data dir, a temp cache dir: CST_SEARCH_DATA, CST_CACHE_DIR."""
    d = tmp_path / "data"
    write_catalog(d, PRODUCTS)
    (d / "users.json").write_text(json.dumps(USERS), encoding="utf-8")
    monkeypatch.setenv("CST_SEARCH_DATA", str(d))
    monkeypatch.setenv("CST_CACHE_DIR", str(tmp_path / "cache"))
    return d
