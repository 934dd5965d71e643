"""KeywordSearch: BM25 ranking through SQLite FTS5 over the catalog's text.

The catalog is indexed once into `keyword-<catalog hash>.sqlite` in the cache directory (built in a temp file
and renamed into place); a changed catalog has another hash, so it gets a new database. Uses only the
standard library's sqlite3, which must have FTS5 compiled in (CPython's builds do).
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import threading
from pathlib import Path

from cst_cli.modules.api import Cost, Options, module
from stdlib_modules.search import embedding
from stdlib_modules.search._data import BuildOnce, Catalog, cache_dir, load_catalog
from stdlib_modules.search._types import SearchResult, result_of

TOKENIZER = "porter unicode61 remove_diacritics 2"
WEIGHTS = (0.0, 4.0, 2.0, 1.5, 1.0)  # bm25 column weights: id (not indexed), title, brand, category, description
SCHEMA_VERSION = "1"


class KeywordSearchError(RuntimeError):
    """SQLite lacks FTS5, or the index could not be built or read."""


def fts5_available() -> bool:
    try:
        con = sqlite3.connect(":memory:")
        try:
            con.execute("CREATE VIRTUAL TABLE t USING fts5(a)")
        finally:
            con.close()
        return True
    except sqlite3.OperationalError:
        return False


_builds: BuildOnce[tuple[str, str], Path] = BuildOnce("keyword-index")
STATS = {"built": 0, "loaded": 0}


def index_path(catalog: Catalog) -> Path:
    return cache_dir() / f"keyword-v{SCHEMA_VERSION}-{catalog.key}.sqlite"


def _build(catalog: Catalog, path: Path) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        con = sqlite3.connect(tmp)
        try:
            con.execute(
                "CREATE VIRTUAL TABLE products USING fts5(id UNINDEXED, title, brand, category, description, "
                f"tokenize='{TOKENIZER}')"
            )
            con.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
            con.executemany(
                "INSERT INTO products (rowid, id, title, brand, category, description) VALUES (?, ?, ?, ?, ?, ?)",
                ((i, p.id, p.title, p.brand, p.category, p.description) for i, p in enumerate(catalog.products)),
            )
            con.executemany(
                "INSERT INTO meta VALUES (?, ?)",
                [("catalog_sha256", catalog.digest), ("count", str(len(catalog.products)))],
            )
            con.execute("INSERT INTO products(products) VALUES ('optimize')")
            con.commit()
        finally:
            con.close()
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _valid(path: Path, catalog: Catalog) -> bool:
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = con.execute("SELECT value FROM meta WHERE key = 'catalog_sha256'").fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        return False
    return row is not None and row[0] == catalog.digest


def keyword_index(catalog: Catalog | None = None) -> tuple[Catalog, Path]:
    """The catalog and its FTS5 database, built if missing or damaged (in a build thread that outlives a
    cancelled call).

    Raises:
        KeywordSearchError: this SQLite has no FTS5.
    """
    cat = catalog or load_catalog()
    path = index_path(cat)
    return cat, _builds.get((str(path), cat.digest), lambda: _load_or_build(cat, path), lambda k: k[0])


def _load_or_build(cat: Catalog, path: Path) -> Path:
    if path.is_file() and _valid(path, cat):
        STATS["loaded"] += 1
        return path
    if not fts5_available():
        raise KeywordSearchError("this Python's SQLite was built without FTS5: keyword search is unavailable")
    _build(cat, path)
    STATS["built"] += 1
    return path


_local = threading.local()


def _connection(path: Path) -> sqlite3.Connection:
    """A read-only connection to `path` for this thread (sqlite3 connections stay in their thread)."""
    cons: dict[str, sqlite3.Connection] | None = getattr(_local, "cons", None)
    if cons is None:
        cons = _local.cons = {}
    con = cons.get(str(path))
    if con is None:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        cons[str(path)] = con
    return con


def match_expression(query: str) -> str:
    """The FTS5 query for free text: every word (stop words dropped) as a quoted term, OR'ed, so BM25 ranks
    documents by how many rare query words they hold. Empty when the query has no words."""
    words = dict.fromkeys(embedding.tokens(query))  # unique, in order
    return " OR ".join(f'"{w}"' for w in words)


def search(query: str, top_k: int, catalog: Catalog | None = None) -> list[tuple[int, float]]:
    """(catalog row, BM25 score: higher is better), best first."""
    expr = match_expression(query)
    if not expr or top_k <= 0:
        return []
    _, path = keyword_index(catalog)
    con = _connection(path)
    sql = (
        f"SELECT rowid, bm25(products, {', '.join(map(str, WEIGHTS))}) AS s FROM products "
        "WHERE products MATCH ? ORDER BY s, rowid LIMIT ?"
    )
    try:
        rows = con.execute(sql, (expr, top_k)).fetchall()
    except sqlite3.Error as exc:
        raise KeywordSearchError(f"keyword search failed for {query!r}: {exc}") from exc
    return [(int(r), -float(s)) for r, s in rows]


@module(
    "KeywordSearch",
    description="Keyword search: BM25 over the catalog's titles and descriptions (SQLite FTS5)",
    tags=("search", "keyword"),
    defaults=Options(timeout=5.0),
    cost=Cost(per_call=0.00005, unit="search"),
)
def keyword_search(query: str, topK: int = 50) -> list[SearchResult]:
    """The `topK` products that best match the query's words, best first, `score` the BM25 score.

    Raises:
        KeywordSearchError: FTS5 is missing or the index could not be read.
        ValueError: topK is negative.
    """
    if topK < 0:
        raise ValueError(f"topK must be >= 0, got {topK}")
    cat = load_catalog()
    return [result_of(cat.products[i], round(s, 6), "keyword") for i, s in search(query, topK, cat)]
