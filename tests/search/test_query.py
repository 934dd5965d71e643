"""The rule-based query parser: prices, colours, categories, brands."""

from __future__ import annotations

from pathlib import Path

import pytest

from stdlib_modules.search import query


@pytest.mark.parametrize(
    ("text", "min_price", "max_price", "rest"),
    [
        ("red dress under $100", None, 100.0, "red dress"),
        ("laptop below 800", None, 800.0, "laptop"),
        ("sofa less than $1,200", None, 1200.0, "sofa"),
        ("tv under 1.5k", None, 1500.0, "tv"),
        ("jeans between $20 and $50", 20.0, 50.0, "jeans"),
        ("bags between 50 and 20", 20.0, 50.0, "bags"),
        ("boots $20-$50", 20.0, 50.0, "boots"),
        ("armchair over $300", 300.0, None, "armchair"),
        ("kettle at least 30 and no more than 80", 30.0, 80.0, "kettle and"),
        ("VX-1420", None, None, "vx-1420"),
        ("couch", None, None, "couch"),
    ],
)
def test_prices(text: str, min_price: float | None, max_price: float | None, rest: str) -> None:
    p = query.parse_rules(text, brands=())
    assert (p.min_price, p.max_price, p.text) == (min_price, max_price, rest)
    assert p.parser == "rules" and p.intent == "product_search"


@pytest.mark.parametrize(
    ("text", "colour", "category"),
    [
        ("red dress", "red", "Dresses"),
        ("burgundy couch", "red", "Sofas"),
        ("navy sofa bed", "blue", "Sofas"),
        ("charcoal office chair", "grey", "Chairs"),
        ("gray sneakers", "grey", "Shoes"),
        ("sky blue tote", "blue", "Bags"),
        ("desk lamp", None, "Lighting"),
        ("sleeping bag", None, "Outdoor"),
        ("running shoes", None, "Shoes"),
        ("something nice", None, None),
        ("redwood", None, None),  # whole words only
    ],
)
def test_colours_and_categories(text: str, colour: str | None, category: str | None) -> None:
    p = query.parse_rules(text, brands=())
    assert (p.colour, p.category) == (colour, category)


def test_entities_hold_everything_found_as_text() -> None:
    p = query.parse_rules("Atlas Carry black backpack under $90", brands=("Atlas Carry", "Vela"))
    assert p.brand == "Atlas Carry"
    assert p.entities == {"colour": "black", "category": "Bags", "brand": "Atlas Carry", "max_price": "90"}


def test_brands_come_from_the_catalog(data_dir: Path) -> None:
    assert query.rule_query_parser("sonora earbuds").brand == "Sonora"
    assert query.rule_query_parser("casa verde sofa").brand == "Casa Verde"


def test_query_parser_without_an_llm_uses_the_rules(data_dir: Path) -> None:
    p = query.query_parser("red dress under $100")
    assert p.parser == "rules" and p.max_price == 100.0 and p.colour == "red"
