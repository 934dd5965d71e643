"""The search plugin as installed: registered through its entry point, cheap to load, data shipped and
generated deterministically."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from cst_cli.modules.registry import load_registry
from stdlib_modules.search._data import PACKAGE_DATA, load_catalog, load_users

ROOT = Path(__file__).resolve().parents[2]

SIGNATURES = {
    "TextEmbedding": "TextEmbedding(text: String) -> { vector: List<Float>, model: String, version: String }",
    "LLMComplete": "LLMComplete(prompt: String) -> String",
    "LLMExtract": "LLMExtract(text: String, instruction: String) -> Map<String, String>",
}
MODULES = [
    "TextEmbedding",
    "VectorSearch",
    "KeywordSearch",
    "MergeResults",
    "FilterResults",
    "GetUserProfile",
    "PersonalizedRerank",
    "RuleQueryParser",
    "LLMQueryParser",
    "QueryParser",
    "LLMComplete",
    "LLMExtract",
]


def test_every_module_is_registered_through_the_search_entry_point() -> None:
    registry = load_registry()
    assert registry.problems == []
    for name in MODULES:
        spec = registry.get(name, 1)
        assert spec is not None, name
        assert spec.origin.startswith("entry point search = stdlib_modules.search"), spec.origin
        assert spec.namespace is None
    for name, sig in SIGNATURES.items():
        spec = registry.get(name, 1)
        assert spec is not None and spec.signature() == sig


def test_loading_the_registry_imports_no_numpy_httpx_or_torch() -> None:
    code = (
        "import sys; from cst_cli.modules.registry import load_registry; r = load_registry(); "
        "assert r.get('VectorSearch') is not None; "
        "print(sorted(m for m in ('numpy', 'httpx', 'torch', 'sentence_transformers') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "[]"


def test_the_shipped_catalog_and_users() -> None:
    assert (PACKAGE_DATA / "catalog.jsonl.gz").is_file()
    cat = load_catalog(PACKAGE_DATA)
    assert 2500 <= len(cat.products) <= 5000
    assert len({p.id for p in cat.products}) == len(cat.products)
    assert (PACKAGE_DATA / "catalog.jsonl.gz").stat().st_size < 2_000_000
    users = load_users(PACKAGE_DATA)
    ids = {p.id for p in cat.products}
    assert len(users) >= 20
    assert all(set(u.history) <= ids for u in users.values())


def test_the_committed_data_is_what_the_generator_makes() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_catalog.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
