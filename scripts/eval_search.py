"""Search quality on the labelled queries: recall@10 and nDCG@10 of the search samples and their parts.

    python scripts/eval_search.py               # a table per variant, then per query kind
    python scripts/eval_search.py --json out.json

Every variant is a pipeline run through the runner's Python API (`Pipeline.run`), on the shipped catalog,
for an anonymous user ("guest": no personalisation), so what is measured is retrieval, not taste:

- keyword: `KeywordSearch(query)` alone (BM25, SQLite FTS5)
- vector v1 / v2: `VectorSearch(TextEmbedding@N(query))` alone (= search-v1.cst / search-v2.cst for a guest)
- hybrid v1 / v2: samples/search/hybrid-search.cst with TextEmbedding pinned to that version
- hybrid, no filters: the same without FilterResults (fusion only), to show what the parsed filters add

Relevance comes from the products' structured attributes (see scripts/gen_catalog.py), binary. recall@10 is
the share of the relevant products in the top 10, out of at most 10 (a query with 34 relevant products
scores 1.0 when all 10 are relevant); nDCG@10 uses the same binary gains.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples" / "search"
QUERIES = SAMPLES / "queries.jsonl"
K = 10
USER = "guest"

KEYWORD = """
in query: String
final_results = KeywordSearch(query, topK=50)
out final_results
"""

VECTOR = """
in query: String
embedding = TextEmbedding(query)
final_results = VectorSearch(embedding, topK=50)
out final_results
"""

HYBRID_NO_FILTERS = """
in query: String
in userId: String
embedding = TextEmbedding(query)
merged = MergeResults(VectorSearch(embedding, topK=50), KeywordSearch(query, topK=50))
final_results = PersonalizedRerank(merged, userId)
out final_results
"""


def recall_at(ranked: list[str], relevant: set[str], k: int = K) -> float:
    hits = sum(1 for i in ranked[:k] if i in relevant)
    return hits / min(k, len(relevant))


def ndcg_at(ranked: list[str], relevant: set[str], k: int = K) -> float:
    dcg = sum(1.0 / math.log2(pos + 2) for pos, i in enumerate(ranked[:k]) if i in relevant)
    ideal = sum(1.0 / math.log2(pos + 2) for pos in range(min(k, len(relevant))))
    return dcg / ideal


def load_queries(path: Path = QUERIES) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def v2_installed() -> bool:
    from stdlib_modules.search_v2 import available

    return available()


def variants() -> list[tuple[str, Any, dict[str, str]]]:
    """(name, pipeline, extra inputs)."""
    from cst_cli.api import Pipeline

    hybrid = Pipeline.from_file(SAMPLES / "hybrid-search.cst")
    vector = Pipeline.from_source(VECTOR, "vector.cst")
    no_filters = Pipeline.from_source(HYBRID_NO_FILTERS, "hybrid-no-filters.cst")
    out: list[tuple[str, Any, dict[str, str]]] = [
        ("keyword (BM25)", Pipeline.from_source(KEYWORD, "keyword.cst"), {}),
        ("vector v1", vector.with_pins({"TextEmbedding": 1}), {}),
    ]
    majors = [1, 2] if v2_installed() else [1]
    if 2 in majors:
        out.append(("vector v2", vector.with_pins({"TextEmbedding": 2}), {}))
    for m in majors:
        out.append((f"hybrid v{m}, no filters", no_filters.with_pins({"TextEmbedding": m}), {"userId": USER}))
    for m in majors:
        out.append((f"hybrid v{m} (hybrid-search.cst)", hybrid.with_pins({"TextEmbedding": m}), {"userId": USER}))
    return out


def warm_up() -> None:
    """Build or load every index and the v2 model first, so no measured run waits for them (the samples'
    `timeout:` would otherwise send a cold first query to the fallback)."""
    from stdlib_modules.search.__main__ import main as build_indexes

    build_indexes([])
    if v2_installed():
        from stdlib_modules.search_v2 import model

        model.load()


def evaluate(queries: list[dict[str, Any]]) -> dict[str, Any]:
    warm_up()
    report: dict[str, Any] = {"k": K, "queries": len(queries), "variants": {}}
    for name, pipeline, extra in variants():
        pipeline.run({"query": "warm up", **extra})  # builds or loads the indexes and the model
        rows = []
        started = time.perf_counter()
        for q in queries:
            result = pipeline.run({"query": q["query"], **extra})
            if not result.ok:
                raise SystemExit(f"{name}: {q['query']!r} failed: {result.errors}")
            ranked = [r["id"] for r in result.outputs["final_results"]]
            rel = set(q["relevant"])
            rows.append(
                {"query": q["query"], "kind": q["kind"], "recall": recall_at(ranked, rel), "ndcg": ndcg_at(ranked, rel)}
            )
        elapsed = time.perf_counter() - started
        kinds: dict[str, dict[str, float]] = {}
        for kind in sorted({r["kind"] for r in rows}):
            sub = [r for r in rows if r["kind"] == kind]
            kinds[kind] = {
                "n": len(sub),
                "recall": sum(r["recall"] for r in sub) / len(sub),
                "ndcg": sum(r["ndcg"] for r in sub) / len(sub),
            }
        report["variants"][name] = {
            "recall": sum(r["recall"] for r in rows) / len(rows),
            "ndcg": sum(r["ndcg"] for r in rows) / len(rows),
            "ms_per_query": 1000 * elapsed / len(rows),
            "kinds": kinds,
            "per_query": rows,
        }
    return report


def render(report: dict[str, Any]) -> str:
    lines = [
        f"{report['queries']} labelled queries, user '{USER}', k = {report['k']}",
        "",
        f"| variant | recall@{K} | nDCG@{K} | ms/query |",
        "|---|---:|---:|---:|",
    ]
    for name, v in report["variants"].items():
        lines.append(f"| {name} | {v['recall']:.3f} | {v['ndcg']:.3f} | {v['ms_per_query']:.1f} |")
    kinds = sorted({k for v in report["variants"].values() for k in v["kinds"]})
    counts = {k: next(iter(report["variants"].values()))["kinds"][k]["n"] for k in kinds}
    lines += ["", f"nDCG@{K} by query kind:", ""]
    lines.append("| variant | " + " | ".join(f"{k} ({counts[k]})" for k in kinds) + " |")
    lines.append("|---|" + "---:|" * len(kinds))
    for name, v in report["variants"].items():
        lines.append(f"| {name} | " + " | ".join(f"{v['kinds'][k]['ndcg']:.3f}" for k in kinds) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="recall@10 and nDCG@10 of the search pipelines")
    parser.add_argument("--json", type=Path, help="also write the full report (per query) here")
    parser.add_argument("--queries", type=Path, default=QUERIES)
    args = parser.parse_args(argv)
    report = evaluate(load_queries(args.queries))
    print(render(report))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    if not v2_installed():
        print("\n(TextEmbedding v2 is not installed: pip install -e '.[embeddings]' to compare it)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
