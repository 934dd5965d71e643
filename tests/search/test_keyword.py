"""KeywordSearch: BM25 through SQLite FTS5, the index database and its rebuild on a changed catalog."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from stdlib_modules.search import keyword
from tests.search.conftest import PRODUCTS, write_catalog


def test_fts5_is_compiled_in() -> None:
    assert keyword.fts5_available()


def test_a_model_code_finds_its_product_first(data_dir: Path) -> None:
    hits = keyword.keyword_search("VX-1420", 5)
    assert hits[0].id == "C1"
    assert hits[0].source == "keyword"
    assert hits[0].score > 0


def test_bm25_ranks_documents_with_more_rare_terms_higher(data_dir: Path) -> None:
    hits = keyword.keyword_search("sonora earbuds", 10)
    assert [h.id for h in hits][:2] == ["D1", "D2"]  # both words, then the brand alone
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)


def test_words_are_stemmed(data_dir: Path) -> None:
    assert keyword.keyword_search("dresses", 10)[0].category == "Dresses"


def test_stop_words_only_and_fts_syntax_are_harmless(data_dir: Path) -> None:
    assert keyword.keyword_search("under the", 10) == []
    assert keyword.keyword_search("", 10) == []
    assert keyword.match_expression('sofa" OR NEAR(* -') == '"sofa" OR "near"'
    assert keyword.keyword_search('sofa" OR NEAR(* -', 10)[0].category == "Sofas"
    assert keyword.keyword_search("sofa", 0) == []
    with pytest.raises(ValueError, match="topK"):
        keyword.keyword_search("sofa", -2)


def test_the_database_is_built_once_and_rebuilt_for_a_changed_catalog(data_dir: Path) -> None:
    before = dict(keyword.STATS)
    cat, path = keyword.keyword_index()
    assert path.is_file()
    with sqlite3.connect(path) as con:
        assert con.execute("SELECT count(*) FROM products").fetchone() == (len(PRODUCTS),)
    keyword._builds.clear()  # a new process reads the file
    assert keyword.keyword_index()[1] == path
    assert keyword.STATS["built"] - before["built"] == 1
    assert keyword.STATS["loaded"] - before["loaded"] == 1
    extra = {"id": "Z9", "title": "Trailhead Camping Tent, Orange", "description": "A 2-person tent.",
             "category": "Outdoor", "brand": "Trailhead", "colour": "orange", "price": 120.0}  # fmt: skip
    write_catalog(data_dir, [*PRODUCTS, extra])
    assert keyword.keyword_search("tent", 3)[0].id == "Z9"
    new_cat, new_path = keyword.keyword_index()
    assert new_path != path and new_cat.digest != cat.digest
    assert keyword.STATS["built"] - before["built"] == 2


def test_a_stale_database_is_rebuilt(data_dir: Path) -> None:
    _, path = keyword.keyword_index()
    path.write_bytes(b"garbage")
    keyword._builds.clear()
    assert keyword.keyword_search("VX-1420", 1)[0].id == "C1"
