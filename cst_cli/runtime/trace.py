"""The run trace (`cst-trace/1`, documented in docs/trace.md) and structured run errors.

Graph, bench and cost tools read traces: fields are only ever added, never renamed or removed, within
`cst-trace/1`.
"""

from __future__ import annotations

from typing import Literal

import msgspec

from cst_cli.diagnostics import Span

TRACE_FORMAT = "cst-trace/1"

Outcome = Literal["ok", "failed", "timed_out", "fallback", "skipped", "cached", "not_needed"]
Reason = Literal["exception", "timeout", "circuit_open", "bad_result", "operation", "missing_input", "cancelled"]
RunStatus = Literal["ok", "failed", "inputs", "interrupted"]


class RunError(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """Why a node failed: the node, the call (module) when it is one, where it is, how often it was tried."""

    node: str
    reason: Reason
    message: str
    module: str | None = None  # qualified name
    version: str | None = None
    span: Span | None = None
    location: str | None = None  # file:line:col, filled in when the source is known
    attempts: int = 0


class NodeTrace(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    id: str
    kind: str  # input, const, call, op, if, branch, when, coalesce, logic, match, lambda
    outcome: Outcome
    module: str | None = None
    version: str | None = None
    start: float | None = None  # seconds since the run started
    end: float | None = None
    attempts: int = 0
    error: str | None = None
    reason: Reason | None = None
    recovered_by: Literal["fallback", "skip", "log", "wrap"] | None = None
    cost: float = 0.0
    breaker: Literal["closed", "open", "half_open"] | None = None
    deps: tuple[str, ...] = ()


class TraceTotals(msgspec.Struct, frozen=True, kw_only=True):
    wall: float  # seconds
    nodes_run: int
    calls: int
    attempts: int
    retries: int
    cache_hits: int
    failed: int
    cost: float


class Trace(msgspec.Struct, frozen=True, kw_only=True):
    format: str = TRACE_FORMAT
    pipeline: str  # the file
    hash: str  # structural hash of the pipeline's DAG
    status: RunStatus
    started_at: float  # wall clock, seconds since the epoch
    seed: int | None = None
    max_concurrency: int | None = None
    keep_going: bool = False
    outputs: dict[str, str]  # output name -> node id
    nodes: list[NodeTrace]
    totals: TraceTotals
    errors: list[RunError] = []


def encode_trace(trace: Trace) -> bytes:
    return msgspec.json.format(msgspec.json.encode(trace), indent=2) + b"\n"


def decode_trace(data: bytes) -> Trace:
    """Read a trace back (graph, bench and cost commands).

    Raises:
        msgspec.ValidationError / msgspec.DecodeError: not a `cst-trace/1` trace.
    """
    trace = msgspec.json.decode(data, type=Trace)
    if trace.format != TRACE_FORMAT:
        raise msgspec.ValidationError(f"unsupported trace format {trace.format!r} (expected {TRACE_FORMAT})")
    return trace
