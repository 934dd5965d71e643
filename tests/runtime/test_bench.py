"""Bench on trio's virtual clock with modules of fixed latency: figures are exact."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import trio
import trio.testing

from cst_cli.api import Pipeline
from cst_cli.runtime.bench import bench, compare, failure_kind, percentile
from cst_cli.runtime.critical import critical_path
from cst_cli.runtime.runner import Runtime
from tests.render import _modules
from tests.render._traces import virtual_run

SEARCH = """\
in query: String
in userId: String
embedding = Embed(query)
hits = Search(embedding, 50)
profile = GetProfile(userId)
ranked = Rerank(hits, profile)
out ranked
"""
INPUTS = [{"query": "q", "userId": "u"}]


@pytest.fixture(autouse=True)
def _reset() -> Iterator[None]:
    _modules.CALLS.clear()
    yield


def pipeline(src: str) -> Pipeline:
    return Pipeline.from_source(src, "t.cst", registry=_modules.registry())


def virtual(**kw):  # type: ignore[no-untyped-def]
    return bench(clock=trio.testing.MockClock(autojump_threshold=0), **kw)


def test_percentiles_are_nearest_rank() -> None:
    values = [float(x) for x in range(1, 101)]
    assert percentile(values, 0.5) == 50 and percentile(values, 0.95) == 95 and percentile(values, 0.99) == 99
    assert percentile([7.0], 0.99) == 7.0 and percentile([], 0.5) == 0.0


def test_sequential_runs_give_exact_latency_and_throughput() -> None:
    (r,) = virtual(pipelines=[pipeline(SEARCH)], input_sets=INPUTS, runs=10)
    assert r.runs == 10 and r.ok == 10 and r.failures == 0 and r.failures_by_kind == {}
    # embed 200 ms, then search 500 ms, then rerank 50 ms; the profile (100 ms) runs alongside
    assert r.min_ms == r.p50_ms == r.p99_ms == r.max_ms == 750.0
    assert r.elapsed_s == pytest.approx(7.5) and r.throughput_per_s == pytest.approx(10 / 7.5, abs=1e-3)
    assert r.cost_per_run_usd == pytest.approx(0.013)
    nodes = {n.id: n for n in r.nodes}
    assert nodes["hits"].p50_ms == 500.0 and nodes["embedding"].p95_ms == 200.0
    assert nodes["hits"].critical_share == pytest.approx(500 / 750, abs=1e-4)
    assert nodes["embedding"].critical_share == pytest.approx(200 / 750, abs=1e-4)
    assert nodes["profile"].critical_share == 0.0 and nodes["profile"].critical_runs == 0.0
    assert nodes["ranked"].critical_runs == 1.0
    assert _modules.CALLS["Search"] == 10


def test_concurrency_overlaps_runs() -> None:
    (r,) = virtual(pipelines=[pipeline(SEARCH)], input_sets=INPUTS, runs=16, concurrency=4)
    assert r.p50_ms == 750.0 and r.elapsed_s == pytest.approx(3.0)
    assert r.throughput_per_s == pytest.approx(16 / 3.0, abs=1e-3)


def test_warmup_runs_are_not_measured_but_fill_the_shared_cache() -> None:
    src = SEARCH.replace("Embed(query)", "Embed(query) with cache: 1h")
    (r,) = virtual(pipelines=[pipeline(src)], input_sets=INPUTS, runs=5, warmup=1)
    assert r.runs == 5 and r.warmup == 1
    assert r.p50_ms == 550.0  # the embedding comes from the cache the warmup run filled
    assert {n.id: n.cache_hits for n in r.nodes}["embedding"] == 5
    assert _modules.CALLS["Embed"] == 1


def test_failures_are_counted_by_kind() -> None:
    src = "in t: String\na = Broken(t) with retry: 1\nb = Retrying(t) with timeout: 10ms\nout a\nout b\n"
    (r,) = virtual(pipelines=[pipeline(src)], input_sets=[{"t": "x"}], runs=4)
    assert r.failures == 4 and r.ok == 0
    assert r.failures_by_kind == {"circuit_open": 1, "exception": 3}  # one breaker shared by the runs
    (r,) = virtual(pipelines=[pipeline("in t: String\nout t\n")], input_sets=[{}], runs=2)
    assert r.failures_by_kind == {"inputs": 2}


def test_compare_runs_two_pipelines_interleaved_on_the_same_inputs() -> None:
    fast = SEARCH.replace("Search(embedding, 50)", "Search(embedding, 50) with cache: 1h")
    a, b = virtual(pipelines=[pipeline(SEARCH), pipeline(fast)], input_sets=INPUTS, runs=4, seed=3)
    assert a.runs == b.runs == 4
    assert a.p50_ms == 750.0 and b.p50_ms == 250.0  # b's searches hit its own cache after the first
    assert b.max_ms == 750.0
    ratio = compare(a, b)
    assert ratio["p50_ms"] == pytest.approx(250 / 750, abs=1e-4) and ratio["max_ms"] == 1.0
    assert ratio["cost_per_run_usd"] is not None and ratio["cost_per_run_usd"] < 1


def test_inputs_cycle_and_progress_is_reported() -> None:
    seen: list[tuple[int, int]] = []
    sets = [{"query": "a", "userId": "u"}, {"query": "bb", "userId": "v"}]
    virtual(pipelines=[pipeline(SEARCH)], input_sets=sets, runs=3, progress=lambda d, t: seen.append((d, t)))
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError):
        virtual(pipelines=[pipeline(SEARCH)], input_sets=[], runs=1)
    with pytest.raises(ValueError):
        virtual(pipelines=[pipeline(SEARCH)], input_sets=INPUTS, runs=1, concurrency=0)


def test_shared_runtime_keeps_the_breaker_open_across_runs() -> None:
    src = "in t: String\na = Broken(t)\nout a\n"
    rt = Runtime(clock=trio.current_time)
    (r,) = virtual(pipelines=[pipeline(src)], input_sets=[{"t": "x"}], runs=8, runtimes=[rt])
    assert r.failures == 8
    assert r.failures_by_kind.get("circuit_open", 0) >= 1  # the breaker opened after 5 failures


def test_critical_path_of_a_trace() -> None:
    p = pipeline(SEARCH)
    cp = critical_path(virtual_run(p, INPUTS[0]))
    assert cp.nodes == ("query", "embedding", "hits", "ranked")
    assert cp.segments == pytest.approx((0.0, 0.2, 0.5, 0.05)) and cp.wall == pytest.approx(0.75)
    assert cp.share("hits") == pytest.approx(0.5 / 0.75) and cp.share("profile") == 0.0


def test_failure_kind() -> None:
    p = pipeline("in t: String\na = Broken(t)\nout a\n")
    trace = virtual_run(p, {"t": "x"})
    assert failure_kind(trace.status, trace) == "exception"
    assert failure_kind("ok", trace) is None and failure_kind("inputs", trace) == "inputs"
