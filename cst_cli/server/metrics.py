"""Server metrics: Prometheus series in a registry of the app's own (never the global one), fed from each
run's `cst-trace/1` trace, and the sliding one-hour cost window behind `GET /metrics/cost`.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, ProcessCollector, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from cst_cli.runtime.trace import Trace

PROMETHEUS_CONTENT_TYPE = CONTENT_TYPE_LATEST
RUN_LABEL = "_run"  # the pipeline label of every `POST /run`: names sent there must not grow the label set
_METHODS = frozenset({"GET", "POST", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS"})
BREAKER_STATES = {"closed": 0.0, "half_open": 1.0, "open": 2.0}
_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class CostWindow:
    """Executions and their cost over the last `span` seconds, per pipeline, in one-second buckets (so memory
    is bounded by span x pipelines, whatever the request rate)."""

    def __init__(self, span: float = 3600.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.span = span
        self._clock = clock
        # pipeline -> deque of [second, queries, cost], oldest first
        self._buckets: dict[str, deque[list[float]]] = {}

    def add(self, pipeline: str, cost: float) -> None:
        now = self._clock()
        second = float(int(now))
        buckets = self._buckets.setdefault(pipeline, deque())
        if buckets and buckets[-1][0] == second:
            buckets[-1][1] += 1
            buckets[-1][2] += cost
        else:
            buckets.append([second, 1.0, cost])
        self._prune(now)

    def _prune(self, now: float) -> None:
        oldest = now - self.span
        for name in list(self._buckets):
            buckets = self._buckets[name]
            while buckets and buckets[0][0] <= oldest:
                buckets.popleft()
            if not buckets:
                del self._buckets[name]

    def report(self) -> dict[str, Any]:
        """The seed's shape, `last_hour: {queries, total_cost, cost_per_query}`, plus the same per pipeline."""
        self._prune(self._clock())
        per: dict[str, dict[str, Any]] = {}
        total_q = 0
        total_c = 0.0
        for name in sorted(self._buckets):
            q = int(sum(b[1] for b in self._buckets[name]))
            c = sum(b[2] for b in self._buckets[name])
            per[name] = _summary(q, c)
            total_q += q
            total_c += c
        return {"window_seconds": self.span, "last_hour": _summary(total_q, total_c), "pipelines": per}


def _summary(queries: int, cost: float) -> dict[str, Any]:
    return {
        "queries": queries,
        "total_cost": round(cost, 6),
        "cost_per_query": round(cost / queries, 6) if queries else 0.0,
    }


class ServerMetrics:
    """Every series the server exports. `record_run` reads one trace; the HTTP layer counts requests."""

    def __init__(self, *, process: bool = True, clock: Callable[[], float] = time.monotonic) -> None:
        r = self.registry = CollectorRegistry(auto_describe=True)
        if process:
            ProcessCollector(registry=r)
        self.cost_window = CostWindow(clock=clock)
        self.executions = Counter(
            "cst_executions", "Pipeline executions by pipeline and final status.", ["pipeline", "status"], registry=r
        )
        self.execution_seconds = Histogram(
            "cst_execution_duration_seconds",
            "Wall time of pipeline executions.",
            ["pipeline"],
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.module_calls = Counter(
            "cst_module_calls",
            "Module calls by module and outcome (ok, failed, cached, ...).",
            ["module", "outcome"],
            registry=r,
        )
        self.module_seconds = Histogram(
            "cst_module_call_duration_seconds",
            "Latency of module calls (all attempts of one call).",
            ["module"],
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.retries = Counter("cst_module_retries", "Retries (attempts after the first).", ["module"], registry=r)
        self.timeouts = Counter("cst_module_timeouts", "Calls that ended in a timeout.", ["module"], registry=r)
        self.fallbacks = Counter("cst_module_fallbacks", "Calls answered by their fallback.", ["module"], registry=r)
        self.cache_hits = Counter("cst_cache_hits", "Calls answered from the cache.", ["module"], registry=r)
        self.breaker_state = Gauge(
            "cst_breaker_state",
            "Circuit breaker state last seen: 0 closed, 1 half-open, 2 open.",
            ["module"],
            registry=r,
        )
        self.pipeline_cost = Counter("cst_cost_usd", "Cost of executions in USD.", ["pipeline"], registry=r)
        self.module_cost = Counter("cst_module_cost_usd", "Cost of module calls in USD.", ["module"], registry=r)
        self.compilations = Counter("cst_compilations", "POST /compile and /run compilations.", ["result"], registry=r)
        self.http_requests = Counter(
            "cst_http_requests",
            "HTTP requests by route, method and status code.",
            ["route", "method", "code"],
            registry=r,
        )
        self.http_seconds = Histogram(
            "cst_http_request_duration_seconds",
            "HTTP request latency.",
            ["route"],
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.in_flight = Gauge("cst_http_requests_in_flight", "Requests being handled.", registry=r)
        self.pipelines = Gauge("cst_pipelines_loaded", "Pipelines the server holds.", registry=r)

    def record_run(self, pipeline: str, status: str, seconds: float, trace: Trace | None) -> None:
        """One execution: its status and duration, and from its trace every call's latency, retries,
        timeouts, fallbacks, cache hits, breaker state and cost."""
        self.executions.labels(pipeline, status).inc()
        self.execution_seconds.labels(pipeline).observe(seconds)
        cost = 0.0
        if trace is not None:
            cost = trace.totals.cost
            for node in trace.nodes:
                if node.module is None:
                    continue
                m = node.module
                self.module_calls.labels(m, node.outcome).inc()
                if node.start is not None and node.end is not None and node.outcome not in ("cached", "not_needed"):
                    self.module_seconds.labels(m).observe(max(0.0, node.end - node.start))
                if node.attempts > 1:
                    self.retries.labels(m).inc(node.attempts - 1)
                if node.outcome == "timed_out" or node.reason == "timeout":
                    self.timeouts.labels(m).inc()
                if node.outcome == "fallback" or node.recovered_by == "fallback":
                    self.fallbacks.labels(m).inc()
                if node.outcome == "cached":
                    self.cache_hits.labels(m).inc()
                if node.breaker is not None:
                    self.breaker_state.labels(m).set(BREAKER_STATES[node.breaker])
                if node.cost:
                    self.module_cost.labels(m).inc(node.cost)
        if cost:
            self.pipeline_cost.labels(pipeline).inc(cost)
        self.cost_window.add(pipeline, cost)

    def record_request(self, route: str, method: str, code: int, seconds: float) -> None:
        method = method if method in _METHODS else "other"  # any token is a valid method: bound the labels
        self.http_requests.labels(route, method, str(code)).inc()
        self.http_seconds.labels(route).observe(seconds)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
