"""TextEmbedding v1 and VectorSearch: vectors, ordering, and the on-disk index (cached, rebuilt on change)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from stdlib_modules.search import embedding, vector
from stdlib_modules.search._types import Embedding
from tests.search.conftest import PRODUCTS, write_catalog


def _cos(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def test_embedding_is_512_unit_floats_tagged_with_its_model() -> None:
    e = embedding.text_embedding_v1("red dress under $100")
    assert isinstance(e, Embedding)
    assert len(e.vector) == embedding.DIMS == 512
    assert all(isinstance(x, float) for x in e.vector)
    assert math.isclose(math.sqrt(sum(x * x for x in e.vector)), 1.0, rel_tol=1e-9)
    assert (e.model, e.version) == ("cst-hashed-ngrams", "1.0")


def test_embedding_is_deterministic_and_ignores_case_and_accents() -> None:
    a = embedding.embed("Café Sofa")
    assert a == embedding.embed("Café Sofa")
    assert a == embedding.embed("cafe SOFA")


def test_a_text_with_no_words_embeds_to_zeros() -> None:
    assert embedding.embed("  the of  !!") == [0.0] * embedding.DIMS


def test_character_ngrams_make_typos_close() -> None:
    right = embedding.embed("headphones")
    assert _cos(right, embedding.embed("headphnes")) > 0.3
    assert abs(_cos(right, embedding.embed("blender"))) < 0.1


def test_vector_search_ranks_by_cosine_best_first(data_dir: Path) -> None:
    q = embedding.text_embedding_v1("burgundy silk cocktail dress")
    hits = vector.vector_search(q, 5)
    assert hits[0].id == "B1"
    assert len(hits) == 5
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(h.source == "vector" for h in hits)
    assert (hits[0].title, hits[0].price, hits[0].colour) == ("Aurelia Silk Cocktail Dress, Burgundy", 180.0, "red")


def test_vector_search_takes_the_record_as_the_runner_passes_it(data_dir: Path) -> None:
    q = embedding.text_embedding_v1("espresso machine")
    as_dict = {"vector": q.vector, "model": q.model, "version": q.version}
    assert [h.id for h in vector.vector_search(as_dict, 3)] == [h.id for h in vector.vector_search(q, 3)]  # type: ignore[arg-type]


def test_top_k_bounds(data_dir: Path) -> None:
    q = embedding.text_embedding_v1("sofa")
    assert vector.vector_search(q, 0) == []
    assert len(vector.vector_search(q, 1000)) == len(PRODUCTS)
    with pytest.raises(ValueError, match="topK"):
        vector.vector_search(q, -1)


def test_a_vector_of_another_model_or_size_is_refused(data_dir: Path) -> None:
    with pytest.raises(vector.VectorSearchError, match="no index can be built"):
        vector.vector_search(Embedding(vector=[1.0, 0.0], model="ada-002", version="1.0"), 3)
    with pytest.raises(vector.VectorSearchError, match="dimensions"):
        vector.vector_search(Embedding(vector=[1.0, 0.0], model=embedding.MODEL, version="1.0"), 3)


def test_the_index_is_built_once_then_read_from_disk(data_dir: Path, tmp_path: Path) -> None:
    before = dict(vector.STATS)
    first = vector.vector_index(embedding.MODEL, embedding.VERSION)
    assert first.built
    path = vector.index_path(embedding.MODEL, embedding.VERSION, first.catalog)
    assert path.is_file() and path.parent == tmp_path / "cache" / "search"
    assert vector.vector_index(embedding.MODEL, embedding.VERSION) is first  # in memory
    vector._builds.clear()  # a new process
    again = vector.vector_index(embedding.MODEL, embedding.VERSION)
    assert not again.built
    assert (again.matrix == first.matrix).all()
    assert vector.STATS["built"] - before["built"] == 1
    assert vector.STATS["loaded"] - before["loaded"] == 1


def test_a_changed_catalog_gets_a_new_index(data_dir: Path) -> None:
    q = embedding.text_embedding_v1("walnut writing desk")
    old = vector.vector_index(embedding.MODEL, embedding.VERSION)
    assert "Z9" not in {h.id for h in vector.vector_search(q, 3)}
    extra = {"id": "Z9", "title": "Hearthwood Walnut Writing Desk, Brown", "description": "A writing desk.",
             "category": "Tables", "brand": "Hearthwood", "colour": "brown", "price": 420.0}  # fmt: skip
    write_catalog(data_dir, [*PRODUCTS, extra])
    assert vector.vector_search(q, 3)[0].id == "Z9"
    new = vector.vector_index(embedding.MODEL, embedding.VERSION)
    assert new.built and new.catalog.digest != old.catalog.digest
    assert vector.index_path(embedding.MODEL, embedding.VERSION, new.catalog).is_file()


def test_a_damaged_index_file_is_rebuilt(data_dir: Path) -> None:
    idx = vector.vector_index(embedding.MODEL, embedding.VERSION)
    path = vector.index_path(embedding.MODEL, embedding.VERSION, idx.catalog)
    path.write_bytes(b"not numpy")
    vector._builds.clear()
    assert vector.vector_index(embedding.MODEL, embedding.VERSION).built
