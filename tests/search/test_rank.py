"""MergeResults (reciprocal rank fusion), FilterResults, GetUserProfile and PersonalizedRerank."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from stdlib_modules.search import rank
from stdlib_modules.search._types import Filters, ParsedQuery, SearchResult


def r(i: str, score: float = 1.0, source: str = "vector", **kw: object) -> SearchResult:
    fields: dict[str, object] = {"title": i, "category": "Sofas", "brand": "Norrland", "colour": "grey", "price": 100.0}
    fields.update(kw)
    return SearchResult(id=i, score=score, source=source, **fields)  # type: ignore[arg-type]


def test_rrf_scores_are_sums_of_reciprocal_ranks() -> None:
    a = [r("x"), r("y"), r("z")]
    b = [r("y", source="keyword"), r("w", source="keyword")]
    merged = rank.merge_results(a, b)
    assert [m.id for m in merged] == ["y", "x", "w", "z"]  # w: 1/62 beats z: 1/63
    by_id = {m.id: m for m in merged}
    assert by_id["y"].score == pytest.approx(1 / 62 + 1 / 61, abs=1e-6)
    assert by_id["x"].score == pytest.approx(1 / 61, abs=1e-6)
    assert by_id["w"].score == pytest.approx(1 / 62, abs=1e-6)
    assert by_id["y"].source == "vector+keyword"
    assert by_id["w"].source == "keyword"


def test_rrf_ties_keep_first_seen_order_and_empty_lists_are_fine() -> None:
    assert [m.id for m in rank.merge_results([r("a")], [r("b")])] == ["a", "b"]
    assert rank.merge_results([], []) == []
    assert [m.id for m in rank.merge_results([], [r("b")])] == ["b"]


def test_merge_accepts_dicts_as_the_runner_passes_them() -> None:
    a = [msgspec.to_builtins(r("x"))]
    assert rank.merge_results(a, [])[0].id == "x"  # type: ignore[arg-type]


ITEMS = [
    r("cheap-red", colour="red", price=40.0, category="Dresses"),
    r("dear-red", colour="red", price=400.0, category="Dresses"),
    r("blue", colour="blue", price=60.0, category="Dresses", brand="Vela"),
    r("sofa", colour="red", price=90.0, category="Sofas"),
]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(), ["cheap-red", "dear-red", "blue", "sofa"]),
        (Filters(max_price=100.0), ["cheap-red", "blue", "sofa"]),
        (Filters(min_price=50.0, max_price=100.0), ["blue", "sofa"]),
        (Filters(colour="RED"), ["cheap-red", "dear-red", "sofa"]),
        (Filters(colour="red", category="dresses", max_price=100.0), ["cheap-red"]),
        (Filters(brand="Vela"), ["blue"]),
        (Filters(colour=""), ["cheap-red", "dear-red", "blue", "sofa"]),
    ],
)
def test_filters(filters: Filters, expected: list[str]) -> None:
    assert [x.id for x in rank.filter_results(ITEMS, filters)] == expected


def test_a_parsed_query_is_a_filter() -> None:
    parsed = ParsedQuery(text="red dress", intent="product_search", entities={}, max_price=100.0, colour="red")
    assert [x.id for x in rank.filter_results(ITEMS, parsed)] == ["cheap-red", "sofa"]  # type: ignore[arg-type]
    as_dict = msgspec.to_builtins(parsed)
    assert [x.id for x in rank.filter_results(ITEMS, as_dict)] == ["cheap-red", "sofa"]


def test_user_profiles(data_dir: Path) -> None:
    ada = rank.get_user_profile("user-001")
    assert ada.preferred_brands == ["Vela"] and ada.history == ["B3"]
    nobody = rank.get_user_profile("nobody")
    assert nobody.id == "nobody" and nobody.preferred_brands == [] and nobody.history == []


def test_an_unknown_user_keeps_the_order(data_dir: Path) -> None:
    items = [r(str(i), score=1.0 - i / 10) for i in range(5)]
    assert [x.id for x in rank.personalized_rerank(items, "guest")] == ["0", "1", "2", "3", "4"]
    tied = [r(str(i), score=0.5) for i in range(5)]
    assert [x.id for x in rank.personalized_rerank(tied, "guest")] == ["0", "1", "2", "3", "4"]


def test_preferences_lift_close_results(data_dir: Path) -> None:
    items = [
        r("P1", score=0.030, brand="Norrland", category="Sofas", colour="grey", price=900.0),
        r("P2", score=0.029, brand="Vela", category="Dresses", colour="black", price=50.0),
        r("P3", score=0.010, brand="Vela", category="Dresses", colour="black", price=50.0),
    ]
    assert [x.id for x in rank.personalized_rerank(items, "guest")] == ["P1", "P2", "P3"]
    ada = [x.id for x in rank.personalized_rerank(items, "user-001")]
    assert ada == ["P2", "P1", "P3"]  # Vela, a dress, black, in budget: worth a small step up, not a leap


def test_history_of_brand_and_category_counts(data_dir: Path) -> None:
    # user-001 looked at B3 (Vela, Dresses): other Vela dresses get the history boost
    base = dict(category="Dresses", colour="white", price=500.0)
    items = [r("other", score=1.0, brand="Aurelia", **base), r("vela", score=0.95, brand="Vela", **base)]  # type: ignore[arg-type]
    assert rank.personalized_rerank(items, "user-001")[0].id == "vela"


def test_rerank_takes_a_profile_record_and_a_limit(data_dir: Path) -> None:
    items = [r(str(i), score=1.0 - i / 100) for i in range(30)]
    assert len(rank.personalized_rerank(items, "guest")) == 20
    assert len(rank.personalized_rerank(items, "guest", 5)) == 5
    profile = msgspec.to_builtins(rank.get_user_profile("user-002"))
    assert len(rank.personalized_rerank(items, profile, 3)) == 3
    assert rank.personalized_rerank([], "user-001") == []
