"""TextEmbedding v1: hashed word, word-pair and character n-gram features, signed, L2-normalised.

Needs no model and no download: the same text always gives the same vector, on any machine. Character
n-grams make it forgiving of typos and word forms ("headphnes", "dumbells"); it knows no synonyms. Pure
Python (no numpy), so a single query embeds in well under a millisecond.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
import zlib
from collections.abc import Iterable
from functools import lru_cache

from cst_cli.modules.api import Cost, Options, module
from stdlib_modules.search._types import Embedding, Product

MODEL = "cst-hashed-ngrams"
VERSION = "1.0"
DIMS = 512  # a power of two: the index is the hash's low bits

_STOP = "a an and are as at be by for from in into is it its of on or that the this to with without my me i you your"
_STOP += " our we us under over below above between than less more cheap"
STOPWORDS = frozenset(_STOP.split(" "))
_TOKEN = re.compile(r"[a-z0-9]+")

WORD_WEIGHT = 1.0
PAIR_WEIGHT = 0.5
GRAM_WEIGHT = 1.0  # shared by all n-grams of one word


def normalise(text: str) -> str:
    """Lower case, accents stripped (NFKD), so "Café" and "cafe" embed alike."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def tokens(text: str) -> list[str]:
    """Words of the text (letters and digits), stop words dropped."""
    return [t for t in _TOKEN.findall(normalise(text)) if t not in STOPWORDS]


def _slot(feature: str) -> tuple[int, float]:
    h = zlib.crc32(feature.encode("utf-8"))
    return h & (DIMS - 1), (1.0 if h & 0x80000000 else -1.0)


@lru_cache(maxsize=65536)
def _word_features(word: str) -> tuple[tuple[int, float], ...]:
    """The signed slots of one word: the word itself and its character 3- and 4-grams (with boundaries)."""
    out: dict[int, float] = {}
    i, s = _slot("w:" + word)
    out[i] = out.get(i, 0.0) + s * WORD_WEIGHT
    padded = f"<{word}>"
    grams = [padded[k : k + n] for n in (3, 4) for k in range(len(padded) - n + 1)]
    if grams:
        w = GRAM_WEIGHT / math.sqrt(len(grams))
        for g in grams:
            i, s = _slot("g:" + g)
            out[i] = out.get(i, 0.0) + s * w
    return tuple(out.items())


def embed(text: str) -> list[float]:
    """The v1 vector of `text`: DIMS floats, unit length (all zeros for a text with no words)."""
    vec = [0.0] * DIMS
    words = tokens(text)
    for word in words:
        for i, v in _word_features(word):
            vec[i] += v
    for a, b in itertools.pairwise(words):
        i, s = _slot(f"p:{a} {b}")
        vec[i] += s * PAIR_WEIGHT
    norm = math.sqrt(sum(v * v for v in vec))
    return [v / norm for v in vec] if norm > 0 else vec


def product_text(p: Product) -> str:
    """What the search indexes see of a product: its text, not its structured attributes."""
    return f"{p.title}. {p.brand}. {p.category}. {p.description}"


def embed_products(products: Iterable[Product]) -> list[list[float]]:
    return [embed(product_text(p)) for p in products]


@module(
    "TextEmbedding",
    version=VERSION,
    description="Embed text with hashed word and character n-gram features (local, no model, 512 dims)",
    tags=("search", "embedding", "nlp"),
    defaults=Options(),
    cost=Cost(per_call=0.0, unit="embedding"),
    inline=True,
)
def text_embedding_v1(text: str) -> Embedding:
    """The text's embedding, tagged with this model's name and version so VectorSearch picks the right index."""
    return Embedding(vector=embed(text), model=MODEL, version=VERSION)
