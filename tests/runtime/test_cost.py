"""Cost: static estimates from the DAG (exact), measured cost from traces on the virtual clock, prices files."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest
import trio
import trio.testing

from cst_cli.api import Pipeline
from cst_cli.runtime.config import Config
from cst_cli.runtime.cost import PriceError, collect_traces, estimate, load_prices, measure, with_prices
from cst_cli.runtime.runner import Runtime
from tests.render import _modules
from tests.render._traces import virtual_run


def pipeline(src: str) -> Pipeline:
    return Pipeline.from_source(src, "t.cst", registry=_modules.registry())


def rows(e: object) -> dict[str, dict[str, object]]:
    return {m["module"]: m for m in msgspec.to_builtins(e)["modules"]}


def test_every_run_pays_for_the_calls_it_always_makes() -> None:
    e = estimate(pipeline("in q: String\nv = Embed(q)\nh = Search(v, 5)\nout h\n").built)
    assert e.per_run_usd == pytest.approx(0.003) and e.worst_per_run_usd == pytest.approx(0.003)
    assert e.per_million_runs_usd == pytest.approx(3000.0)
    r = rows(e)
    assert r["Search"]["always_calls"] == 1 and r["Search"]["expected_usd"] == pytest.approx(0.002)


def test_retries_count_in_the_worst_case_and_module_defaults_apply() -> None:
    src = "in q: String\na = Search([1.0], 5) with retry: 3\nb = Retrying(q)\nout a\nout b\n"
    e = estimate(pipeline(src).built)
    r = rows(e)
    assert r["Search"]["worst_attempts"] == 4 and r["Search"]["worst_usd"] == pytest.approx(0.008)
    assert r["Retrying"]["worst_attempts"] == 3  # its module default retry: 2
    assert e.per_run_usd == pytest.approx(0.003) and e.worst_per_run_usd == pytest.approx(0.011)


def test_conditional_calls_weigh_by_arm_and_fallbacks_only_count_in_the_worst_case() -> None:
    src = """\
in q: String
in n: Int
a = if (n > 1) Rerank([], { userId: q, tags: [] }) else []
b = branch { n > 5 -> Search([1.0], 1), n > 2 -> Search([2.0], 1), otherwise -> [] }
c = Broken(q) with fallback: Upper(q)
d = Embed(q) with retry: 2, fallback: [0.0]
unused = Embed(q)
out a
out b
out c
out d
"""
    e = estimate(pipeline(src).built)
    r = rows(e)
    assert r["Rerank"]["conditional_calls"] == 1 and r["Rerank"]["expected_calls"] == 0.5
    assert r["Rerank"]["expected_usd"] == pytest.approx(0.005) and r["Rerank"]["worst_usd"] == pytest.approx(0.01)
    assert r["Search"]["expected_calls"] == pytest.approx(2 / 3) and r["Search"]["worst_calls"] == 2
    assert r["Upper"]["expected_calls"] == 0 and r["Upper"]["worst_calls"] == 1  # a fallback
    assert r["Embed"]["always_calls"] == 1 and r["Embed"]["worst_attempts"] == 3  # the unused one is not counted
    assert r["Embed"]["nodes"] == ["d", "unused"]
    assert any("evenly" in n for n in e.notes)


def test_prices_from_config_and_files_override_the_modules() -> None:
    p = pipeline("in q: String\nv = Embed(q)\nout v\n")
    cfg = with_prices(Config(prices={"Embed": 0.5}), {})
    assert estimate(p.built, cfg).per_run_usd == 0.5
    assert rows(estimate(p.built, cfg))["Embed"]["price_from"] == "config"
    assert estimate(p.built, with_prices(cfg, {"Embed": 0.25})).per_run_usd == 0.25


def test_notes_for_result_priced_per_element_and_cached_calls() -> None:
    src = (
        'use stdlib.collection\nin ts: List<String>\ns = Summarize("x") with cache: 1h\n'
        "u = map(ts, (t) => Upper(t))\nout s\nout u\n"
    )
    e = estimate(pipeline(src).built)
    r = rows(e)
    assert r["Summarize"]["result_priced"] is True and r["Summarize"]["cached"] is True
    assert r["Upper"]["per_element"] is True and r["Upper"]["expected_usd"] == pytest.approx(0.0001)
    assert len(e.notes) == 3


def test_measured_cost_counts_attempts_cache_hits_and_result_prices() -> None:
    src = (
        "in q: String\nv = Embed(q) with cache: 1h\ns = Summarize(q)\n"
        "b = Broken(q) with retry: 2, on_error: skip\nout v\nout s\nout b\n"
    )
    p = pipeline(src)
    rt = Runtime(clock=trio.current_time)
    traces = collect_traces(
        p, [{"q": "hello world"}], runs=3, runtime=rt, seed=1, clock=trio.testing.MockClock(autojump_threshold=0)
    )
    m = measure(p.built, traces)
    r = rows(m)
    assert m.runs == 3 and m.failed_runs == 0
    assert r["Embed"]["calls"] == 3 and r["Embed"]["cache_hits"] == 2 and r["Embed"]["cost_usd"] == pytest.approx(0.001)
    assert r["Summarize"]["cost_usd"] == pytest.approx(3 * 0.010)  # 10 characters at $0.001
    # 3 attempts, then 2 until the shared breaker opens (5 failures in a row), then none: the circuit is open
    assert r["Broken"]["attempts"] == 5 and r["Broken"]["retries"] == 3 and r["Broken"]["failed"] == 0
    assert r["Broken"]["cost_usd"] == pytest.approx(5 * 0.005)
    assert m.per_run_usd == pytest.approx((0.001 + 0.03 + 0.025) / 3)
    assert m.per_million_runs_usd == pytest.approx(m.per_run_usd * 1e6)


def test_a_prices_file_is_reapplied_to_a_recorded_trace() -> None:
    p = pipeline("in q: String\nb = Broken(q) with retry: 1, on_error: skip\nout b\n")
    trace = virtual_run(p, {"q": "x"})
    assert measure(p.built, [trace]).per_run_usd == pytest.approx(0.01)
    m = measure(p.built, [trace], {"Broken": 1.0}, reapply=True)
    assert m.per_run_usd == pytest.approx(2.0) and m.notes


def test_runtime_prices_from_config_are_what_a_run_records() -> None:
    p = pipeline("in q: String\nv = Embed(q)\nout v\n")
    rt = Runtime(Config(prices={"Embed": 0.25}), clock=trio.current_time)
    traces = collect_traces(p, [{"q": "x"}], runs=2, runtime=rt, clock=trio.testing.MockClock(autojump_threshold=0))
    assert measure(p.built, traces, {"Embed": 0.25}).per_run_usd == pytest.approx(0.25)


def test_load_prices(tmp_path: Path) -> None:
    f = tmp_path / "p.yaml"
    f.write_text("prices:\n  Embed: 0.5\n  stdlib.text.Thing: 1\nmodules: {}\n")
    assert load_prices(f) == {"Embed": 0.5, "stdlib.text.Thing": 1.0}
    f.write_text("Embed: 0.25\n")
    assert load_prices(f) == {"Embed": 0.25}
    f.write_text("prices:\n")
    assert load_prices(f) == {}
    for text, message in [
        ("prices:\n  Embed: abc\n", 'prices.Embed: expected a price in USD (a number >= 0), got "abc"'),
        ("Embed: -1\n", "Embed: expected a price in USD (a number >= 0), got -1"),
        ("Embed: true\n", "got true"),
        ("- 1\n- 2\n", "expected a mapping"),
        ("a: [\n", "not valid YAML"),
    ]:
        f.write_text(text)
        with pytest.raises(PriceError, match=r"p\.yaml: ") as info:
            load_prices(f)
        assert message in str(info.value) and "\n" not in str(info.value)
    with pytest.raises(PriceError, match="cannot read"):
        load_prices(tmp_path / "missing.yaml")
