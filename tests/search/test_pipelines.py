"""The search samples end to end through the runner, on the shipped catalog (indexes in a temp cache dir):
outputs, filters, the parser's fallback in the trace, LLM cost, version pins and `cst run --examples`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cst_cli.api import Pipeline
from cst_cli.modules.registry import load_registry
from stdlib_modules.search import keyword, vector
from tests.search.llm_stub import StubLLM, running_stub

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples" / "search"
NAMES = ["search-v1", "search-v2", "hybrid-search"]
V1 = {"TextEmbedding": 1}  # v2's index of the whole catalog takes half a minute to build: tests pin v1


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The shipped catalog, with indexes built once into a temp cache dir for this module's tests."""
    cache = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("CST_SEARCH_DATA", raising=False)
        mp.setenv("CST_CACHE_DIR", str(cache))
        vector._builds.clear()
        keyword._builds.clear()
        yield cache
        vector._builds.clear()
        keyword._builds.clear()


def nodes(result: Any) -> dict[str, dict[str, Any]]:
    import msgspec

    return {n["module"]: n for n in msgspec.to_builtins(result.trace)["nodes"] if n.get("module")}


def inputs_of(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SAMPLES / f"{name}.inputs.json").read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize("name", NAMES)
def test_each_sample_runs_on_its_inputs(name: str, shipped: Path) -> None:
    pipeline = Pipeline.from_file(SAMPLES / f"{name}.cst")
    assert pipeline.example_inputs() == inputs_of(name)  # the @example annotations match the inputs file
    result = pipeline.run(inputs_of(name), pins=V1)
    assert result.ok, result.errors
    final = result.outputs["final_results"]
    assert 0 < len(final) <= 20
    for r in final:
        assert {"id", "title", "price", "score"} <= set(r)
    assert [r["score"] for r in final] == sorted((r["score"] for r in final), reverse=True)


def test_hybrid_applies_the_parsed_filters(shipped: Path) -> None:
    pipeline = Pipeline.from_file(SAMPLES / "hybrid-search.cst")
    result = pipeline.run({"query": "red dress under $100", "userId": "user-001"}, pins=V1)
    final = result.outputs["final_results"]
    assert len(final) >= 3
    assert all(r["price"] <= 100 and r["colour"] == "red" and r["category"] == "Dresses" for r in final)
    sources = {s for r in final for s in r["source"].split("+")}
    assert sources == {"vector", "keyword"}


def test_without_an_llm_the_trace_shows_the_fallback(shipped: Path) -> None:
    result = Pipeline.from_file(SAMPLES / "search-v1.cst").run(inputs_of("search-v1"))
    by_module = nodes(result)
    assert by_module["LLMQueryParser"]["outcome"] == "fallback"
    assert by_module["RuleQueryParser"]["outcome"] == "ok"
    assert by_module["TextEmbedding"]["version"] == "1.0"  # pinned in the file
    assert by_module["KeywordSearch"]["outcome"] == "not_needed"  # VectorSearch answered in time
    assert result.outputs["parsed"]["parser"] == "rules"
    assert result.outputs["parsed"]["max_price"] == 100.0


def test_unpinned_search_uses_the_highest_installed_embedding(shipped: Path) -> None:
    highest = load_registry().get("TextEmbedding")
    assert highest is not None
    pipeline = Pipeline.from_file(SAMPLES / "search-v2.cst")
    assert pipeline.program is not None
    if highest.major == 1:
        result = pipeline.run(inputs_of("search-v2"))
        assert nodes(result)["TextEmbedding"]["version"] == "1.0"
    result = pipeline.run(inputs_of("search-v2"), pins=V1)
    assert nodes(result)["TextEmbedding"]["version"] == "1.0"


@pytest.fixture
def llm_stub(monkeypatch: pytest.MonkeyPatch) -> Iterator[StubLLM]:
    with running_stub() as s:
        monkeypatch.setenv("CST_LLM_BASE_URL", s.base_url)
        monkeypatch.setenv("CST_LLM_MODEL", "stub-model")
        monkeypatch.setenv("CST_LLM_PRICE_INPUT_PER_1K", "0.5")
        monkeypatch.setenv("CST_LLM_PRICE_OUTPUT_PER_1K", "2.0")
        yield s


def test_with_an_llm_its_parse_filters_and_its_tokens_are_costed(shipped: Path, llm_stub: StubLLM) -> None:
    llm_stub.content = json.dumps({"text": "dress", "category": "Dresses", "colour": "black", "max_price": 60})
    result = Pipeline.from_file(SAMPLES / "hybrid-search.cst").run({"query": "dress", "userId": "guest"}, pins=V1)
    assert result.ok, result.errors
    by_module = nodes(result)
    assert by_module["LLMQueryParser"]["outcome"] == "ok"
    assert "RuleQueryParser" not in by_module or by_module["RuleQueryParser"]["outcome"] == "not_needed"
    assert by_module["LLMQueryParser"]["cost"] == pytest.approx(0.12)
    assert result.trace.totals.cost >= 0.12
    final = result.outputs["final_results"]
    assert final and all(r["colour"] == "black" and r["price"] <= 60 for r in final)


def test_an_llm_that_replies_nonsense_falls_back(shipped: Path, llm_stub: StubLLM) -> None:
    llm_stub.content = "Here are some dresses you might like!"
    result = Pipeline.from_file(SAMPLES / "hybrid-search.cst").run(
        {"query": "red dress under $100", "userId": "guest"}, pins=V1
    )
    assert result.ok
    assert nodes(result)["LLMQueryParser"]["outcome"] == "fallback"
    assert all(r["price"] <= 100 for r in result.outputs["final_results"])


def test_cst_run_examples(shipped: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CST_LLM_", "OPENAI_"))}
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from cst_cli.cli.main import main; main()",
            "run",
            str(SAMPLES / "hybrid-search.cst"),
            "--examples",
            "--pin",
            "TextEmbedding=1",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    final = json.loads(proc.stdout)["final_results"]
    assert final and all(r["category"] == "Sofas" and r["price"] <= 1000 for r in final)
