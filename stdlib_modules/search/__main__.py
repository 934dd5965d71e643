"""Build (or check) the search indexes ahead of serving: `python -m stdlib_modules.search`.

The first search builds its index anyway; building it here first keeps that time out of any request (and
out of a `timeout:`). Prints where each index is and how long it took.
"""

from __future__ import annotations

import argparse
import time

from stdlib_modules.search import embedding, keyword, vector
from stdlib_modules.search._data import cache_dir, load_catalog


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stdlib_modules.search", description=__doc__)
    parser.parse_args(argv)
    cat = load_catalog()
    print(f"catalog: {cat.path} ({len(cat.products)} products, sha256 {cat.key}...)")
    print(f"cache:   {cache_dir()}")
    t = time.perf_counter()
    _, path = keyword.keyword_index(cat)
    print(f"keyword  {path.name}  {time.perf_counter() - t:.2f}s")
    models = [(embedding.MODEL, embedding.VERSION)]
    from stdlib_modules import search_v2

    if search_v2.available():
        models.append((search_v2.MODEL, search_v2.VERSION))
    for model, version in models:
        t = time.perf_counter()
        index = vector.vector_index(model, version, cat)
        how = "built" if index.built else "loaded"
        name = vector.index_path(model, version, cat).name
        print(f"vector   {name}  {how} in {time.perf_counter() - t:.2f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
