"""GET /metrics (Prometheus, fed from each run's trace) and GET /metrics/cost (the seed's JSON, one-hour window)."""

from __future__ import annotations

from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from cst_cli.runtime.config import load_config
from cst_cli.server.metrics import CostWindow, ServerMetrics
from tests.server._support import SHOUT, client, make_app, run

RESILIENT = """in text: String
a = Flaky(text) with retry: 3
b = Boom(text) with fallback: "fb"
c = Sleepy(5.0) with timeout: 50ms, fallback: "late"
d = Priced(text) with cache: 1min
out a
out b
out c
out d
"""


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def test_metrics_count_executions_calls_retries_timeouts_fallbacks_cache_and_cost() -> None:
    async def main() -> None:
        async with client() as c:
            assert (await c.post("/compile", json={"source": RESILIENT, "name": "res"})).status_code == 200
            for _ in range(2):
                r = await c.post("/execute", json={"ref": "res", "inputs": {"text": "metrics-1"}})
                assert r.json()["outputs"] == {"a": "metrics-1", "b": "fb", "c": "late", "d": "metrics-1!"}
            await c.post("/execute", json={"ref": "res", "inputs": {"text": 5}})  # 422
            r = await c.get("/metrics")
            assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
            m = samples(r.text)
            assert m[("cst_executions_total", (("pipeline", "res"), ("status", "ok")))] == 2
            assert m[("cst_executions_total", (("pipeline", "res"), ("status", "invalid_inputs")))] == 1
            assert m[("cst_execution_duration_seconds_count", (("pipeline", "res"),))] == 2
            assert m[("cst_module_call_duration_seconds_count", (("module", "Sleepy"),))] == 2
            assert m[("cst_module_call_duration_seconds_sum", (("module", "Sleepy"),))] >= 0.1
            assert m[("cst_module_retries_total", (("module", "Flaky"),))] == 2
            assert m[("cst_module_timeouts_total", (("module", "Sleepy"),))] == 2
            assert m[("cst_module_fallbacks_total", (("module", "Boom"),))] == 2
            assert m[("cst_cache_hits_total", (("module", "Priced"),))] == 1
            assert m[("cst_module_calls_total", (("module", "Priced"), ("outcome", "ok")))] == 1
            assert m[("cst_breaker_state", (("module", "Boom"),))] == 0
            assert m[("cst_cost_usd_total", (("pipeline", "res"),))] == 0.02
            assert m[("cst_module_cost_usd_total", (("module", "Priced"),))] == 0.02
            assert m[("cst_http_requests_total", (("code", "200"), ("method", "POST"), ("route", "/execute")))] == 2
            assert m[("cst_http_requests_total", (("code", "422"), ("method", "POST"), ("route", "/execute")))] == 1
            assert m[("cst_pipelines_loaded", ())] == 1
            assert m[("process_resident_memory_bytes", ())] > 0

    run(main)


def test_an_open_breaker_shows_in_the_gauge() -> None:
    async def main() -> None:
        async with client() as c:
            await c.post("/compile", json={"source": "in t: String\nx = Boom(t)\nout x\n", "name": "boom"})
            for _ in range(6):
                r = await c.post("/execute", json={"ref": "boom", "inputs": {"t": "x"}})
                assert r.status_code == 200 and r.json()["status"] == "failed"
            m = samples((await c.get("/metrics")).text)
            assert m[("cst_breaker_state", (("module", "Boom"),))] == 2
            assert m[("cst_executions_total", (("pipeline", "boom"), ("status", "failed")))] == 6

    run(main)


def test_each_app_has_its_own_registry() -> None:
    a, b = ServerMetrics(process=False), ServerMetrics(process=False)
    a.record_run("p", "ok", 0.1, None)
    assert b"cst_executions_total" in a.exposition()
    assert b'pipeline="p"' not in b.exposition()


def test_cost_endpoint_has_the_seeds_shape_and_per_pipeline_figures() -> None:
    async def main() -> None:
        async with client() as c:
            empty = (await c.get("/metrics/cost")).json()
            assert empty["last_hour"] == {"queries": 0, "total_cost": 0.0, "cost_per_query": 0.0}
            await c.post("/compile", json={"source": "in t: String\nx = Priced(t)\nout x\n", "name": "priced"})
            for i in range(3):
                await c.post("/execute", json={"ref": "priced", "inputs": {"t": f"cost-{i}"}})
            await c.post("/run", json={"source": "in t: String\nx = Trim(t)\nout x\n", "inputs": {"t": "a"}})
            doc = (await c.get("/metrics/cost")).json()
            assert doc["last_hour"] == {"queries": 4, "total_cost": 0.06, "cost_per_query": 0.015}
            assert doc["pipelines"]["priced"] == {"queries": 3, "total_cost": 0.06, "cost_per_query": 0.02}
            assert doc["pipelines"]["_run"]["queries"] == 1
            assert doc["window_seconds"] == 3600

    run(main)


def test_the_cost_window_slides() -> None:
    now = [1000.0]
    w = CostWindow(span=3600, clock=lambda: now[0])
    w.add("a", 0.5)
    now[0] += 1800
    w.add("a", 0.25)
    w.add("b", 1.0)
    assert w.report()["last_hour"] == {"queries": 3, "total_cost": 1.75, "cost_per_query": 0.583333}
    now[0] += 1801  # the first one is now older than an hour
    assert w.report()["pipelines"]["a"] == {"queries": 1, "total_cost": 0.25, "cost_per_query": 0.25}
    now[0] += 3600
    assert w.report() == {
        "window_seconds": 3600,
        "last_hour": {"queries": 0, "total_cost": 0.0, "cost_per_query": 0.0},
        "pipelines": {},
    }


def test_the_cost_window_is_bounded_by_seconds_not_requests() -> None:
    now = [0.0]
    w = CostWindow(span=3600, clock=lambda: now[0])
    for i in range(20_000):
        now[0] = i * 0.5  # two per second for ~2.8 h
        w.add("p", 0.001)
    assert len(w._buckets["p"]) <= 3601
    assert w.report()["last_hour"]["queries"] == 7200


def test_labels_stay_bounded_whatever_clients_send() -> None:
    async def main() -> None:
        async with client() as c:
            for i in range(5):
                await c.request(f"FOO{i}", "/x")
                await c.get(f"/random/{i}")
                r = await c.post("/run", json={"source": SHOUT, "inputs": {"text": "a"}, "name": f"n{i}"})
                assert r.json()["trace"]["pipeline"] == f"n{i}.cst"
            m = samples((await c.get("/metrics")).text)
            assert m[("cst_http_requests_total", (("code", "404"), ("method", "other"), ("route", "<unmatched>")))] == 5
            assert m[("cst_executions_total", (("pipeline", "_run"), ("status", "ok")))] == 5
            assert not any(labels and ("pipeline", "n1") in labels for _, labels in m)

    run(main)


def test_prices_from_cst_yaml_feed_the_cost(tmp_path: Path) -> None:
    config = tmp_path / "cst.yaml"
    config.write_text("prices:\n  Trim: 0.5\n")

    async def main() -> None:
        app = make_app(config=load_config(config))
        async with client(app) as c:
            r = await c.post("/run", json={"source": SHOUT, "inputs": {"text": "a"}})
            assert r.json()["trace"]["totals"]["cost"] == 0.5
            assert (await c.get("/metrics/cost")).json()["last_hour"]["total_cost"] == 0.5

    run(main)
