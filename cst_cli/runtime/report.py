"""What a finished run reports: the trace (per node and totals), its errors with source places, and which
outputs could not be computed and why. Reads a `Run`; computes nothing itself."""

from __future__ import annotations

import math

import msgspec

from cst_cli.dag.ir import CallNode, InputNode
from cst_cli.diagnostics import Source
from cst_cli.runtime.runner import Run
from cst_cli.runtime.trace import NodeTrace, RunError, RunStatus, Trace, TraceTotals


def locate(err: RunError, run: Run, source: Source | None) -> RunError:
    """The error with its span and `file:line:col` filled in from the side table."""
    span = run.plan.built.spans.get(err.node)
    if span is None:
        return err
    location = None
    if source is not None:
        pos = source.position(span.start)
        location = f"{span.file}:{pos.line}:{pos.column}"
    return msgspec.structs.replace(err, span=span, location=location)


def run_errors(run: Run, source: Source | None) -> list[RunError]:
    """Failures of the run itself (not inputs, not recovered ones, not a failed fallback its call recovered
    from), in node order."""
    nodes = run.plan.built.dag.nodes
    out: list[RunError] = []
    for i in sorted(run.errors):
        err = run.errors[i]
        if isinstance(nodes[i], InputNode) or i in run.recovered or i in run.absorbed:
            continue
        out.append(locate(err, run, source))
    return out


def status_of(run: Run, errors: list[RunError], input_problems: bool) -> RunStatus:
    if run.interrupted:
        return "interrupted"
    if errors:
        return "failed"
    if input_problems:
        return "inputs"
    return "ok"


def not_computed(run: Run) -> dict[str, str]:
    """Output name -> why it has no value."""
    dag = run.plan.built.dag
    nodes = dag.nodes
    out: dict[str, str] = {}
    for o in dag.outputs:
        if run.sched.is_done(o.node):
            continue
        cause = run.sched.cause.get(o.node)
        if cause is None:
            out[o.name] = "cancelled after another failure" if run.fatal else "not run"
        elif isinstance(nodes[cause], InputNode):
            err = run.errors.get(cause)
            what = "invalid" if err is not None and err.reason != "missing_input" else "missing"
            out[o.name] = f"needs input '{nodes[cause].id}' ({what})"
        else:
            out[o.name] = f"'{nodes[cause].id}' failed"
    return out


def build_trace(run: Run, *, status: RunStatus, started_at: float, errors: list[RunError]) -> Trace:
    dag = run.plan.built.dag
    t0 = run.t0
    items: list[NodeTrace] = []
    calls = attempts = retries = hits = failed = run_count = 0
    total_cost = 0.0
    for i, node in enumerate(dag.nodes):
        outcome = run.outcome[i]
        if outcome is None:
            state = run.sched.state[i]
            outcome = "skipped" if state in (1, 2, 3) else "ok" if state == 4 else "not_needed"
        err = run.errors.get(i)
        if outcome == "skipped" and err is None and run.sched.state[i] in (2, 3):
            err = RunError(node=node.id, reason="cancelled", message="cancelled")
        a = run.attempts.get(i, 0)
        cost = run.costs.get(i, 0.0)
        start, end = run.start[i], run.end[i]
        module = version = None
        if isinstance(node, CallNode):
            module = node.module
            version = f"{node.version[0]}.{node.version[1]}"
            if outcome not in ("not_needed", "skipped"):
                calls += 1
            attempts += a
            retries += max(0, a - 1)
            hits += outcome == "cached"
        if outcome in ("failed", "timed_out"):
            failed += 1
        if outcome not in ("not_needed", "skipped"):
            run_count += 1
        total_cost += cost
        items.append(
            NodeTrace(
                id=node.id,
                kind=node.__struct_config__.tag if isinstance(node.__struct_config__.tag, str) else "node",
                outcome=outcome,
                module=module,
                version=version,
                start=None if math.isnan(start) else round(start - t0, 9),
                end=None if math.isnan(end) else round(end - t0, 9),
                attempts=a,
                error=err.message if err is not None else None,
                reason=err.reason if err is not None else None,
                recovered_by=run.recovered.get(i),  # type: ignore[arg-type]
                cost=cost,
                breaker=run.breaker_state.get(i),  # type: ignore[arg-type]
                deps=tuple(dag.nodes[d].id for d in node.deps + node.lazy),
            )
        )
    return Trace(
        pipeline=run.plan.built.file,
        hash=run.plan.built.hash,
        status=status,
        started_at=started_at,
        seed=run.seed,
        max_concurrency=run.max_concurrency,
        keep_going=run.keep_going,
        outputs={o.name: dag.nodes[o.node].id for o in dag.outputs},
        nodes=items,
        totals=TraceTotals(
            wall=round(run.wall, 9),
            nodes_run=run_count,
            calls=calls,
            attempts=attempts,
            retries=retries,
            cache_hits=hits,
            failed=failed,
            cost=round(total_cost, 12),
        ),
        errors=errors,
    )
