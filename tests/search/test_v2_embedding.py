"""TextEmbedding v2 (all-MiniLM-L6-v2): only when the `embeddings` extra is installed."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from stdlib_modules import search_v2

pytestmark = pytest.mark.skipif(not search_v2.available(), reason="the embeddings extra is not installed")


def _cos(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def test_v2_is_registered_as_major_version_2() -> None:
    from cst_cli.modules.registry import load_registry

    registry = load_registry()
    v2, v1 = registry.get("TextEmbedding"), registry.get("TextEmbedding", 1)
    assert v2 is not None and v1 is not None
    assert (v2.version_text, v1.version_text) == ("2.0", "1.0")
    assert v2.signature() == v1.signature()  # a drop-in replacement: pipelines check the same
    assert "search-embeddings" in v2.origin


def test_v2_vectors_are_384_unit_floats_and_know_synonyms() -> None:
    couch = search_v2.text_embedding_v2("couch")
    assert (couch.model, couch.version, len(couch.vector)) == ("all-MiniLM-L6-v2", "2.0", 384)
    assert math.isclose(math.sqrt(sum(x * x for x in couch.vector)), 1.0, rel_tol=1e-4)
    sofa = search_v2.text_embedding_v2("sofa").vector
    laptop = search_v2.text_embedding_v2("laptop").vector
    assert _cos(couch.vector, sofa) > _cos(couch.vector, laptop) + 0.2
    assert search_v2.text_embedding_v2("couch").vector == couch.vector


def test_v2_has_its_own_index(data_dir: Path) -> None:
    from stdlib_modules.search import vector

    hits = vector.vector_search(search_v2.text_embedding_v2("couch"), 3)
    assert [h.category for h in hits] == ["Sofas", "Sofas", "Sofas"]
    index = vector.vector_index(search_v2.MODEL, search_v2.VERSION)
    assert index.matrix.shape == (12, 384)
    assert vector.index_path(search_v2.MODEL, search_v2.VERSION, index.catalog).name.startswith(
        "vectors-all-MiniLM-L6-v2-2.0-"
    )
