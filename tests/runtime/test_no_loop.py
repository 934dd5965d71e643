"""`Pipeline.run` of a pipeline without task calls: no event loop, no trio import, the same results as on trio."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from typing import Any

import pytest
import trio

from cst_cli.api import Pipeline, RunResult
from cst_cli.modules.registry import Registry, load_registry
from cst_cli.runtime.runner import Runtime

PURE = """
use stdlib.math
type Item = { sku: String, price: Float, qty: Int }
in items: List<Item>
in threshold: Int
in note: Optional<String>
prices = items.price
label = "${note ?? "none"}: ${threshold}"
total = add(threshold, 1)
level = branch { threshold > 10 -> "high", threshold > 3 -> "mid", otherwise -> "low" }
shape = match (note) { is String -> "some", _ -> "nothing" }
ratio = 10 / (threshold - 4)
out prices
out label
out total
out level
out shape
out ratio
"""

ITEMS = [{"sku": "a", "price": 5, "qty": 2}, {"sku": "b", "price": 12.5, "qty": 1}]


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry()


def on_trio(p: Pipeline, inputs: dict[str, Any], **kw: Any) -> RunResult:
    async def main() -> RunResult:
        return await p.run_async(inputs, runtime=Runtime(), **kw)

    return trio.run(main)


def summary(r: RunResult) -> Any:
    nodes = [(n.id, n.outcome, n.attempts, n.reason, n.start is None, n.end is None) for n in r.trace.nodes]
    return r.status, r.outputs, [(e.node, e.reason, e.message) for e in r.errors], r.not_computed, nodes


@pytest.mark.parametrize(
    ("inputs", "kw"),
    [
        ({"items": ITEMS, "threshold": 5}, {}),  # everything computed
        ({"items": ITEMS, "threshold": 4}, {}),  # a division by zero fails the run
        ({"items": ITEMS, "threshold": 4}, {"keep_going": True}),  # ... and the rest is still computed
        ({"items": ITEMS}, {}),  # an input missing
        ({"items": ITEMS, "threshold": 5, "treshold": 1}, {}),  # an unknown input: nothing runs
        ({"items": ITEMS, "threshold": 5}, {"outputs": ["level"], "seed": 3, "max_concurrency": 1}),
    ],
)
def test_without_a_loop_the_results_and_traces_are_those_on_trio(
    registry: Registry, inputs: dict[str, Any], kw: dict[str, Any]
) -> None:
    p = Pipeline.from_source(PURE, "pure.cst", registry=registry)
    assert not Runtime().plan(p.built).needs_loop
    assert summary(p.run(inputs, **kw)) == summary(on_trio(p, inputs, **kw))


def test_the_trace_of_a_run_without_a_loop_has_ordered_times(registry: Registry) -> None:
    r = Pipeline.from_source(PURE, "pure.cst", registry=registry).run({"items": ITEMS, "threshold": 5})
    total = next(n for n in r.trace.nodes if n.id == "total")
    assert total.start is not None and total.end is not None and 0 <= total.start <= total.end <= r.trace.totals.wall


def test_a_pipeline_of_pure_modules_runs_without_importing_trio() -> None:
    code = textwrap.dedent(
        """
        import sys
        from cst_cli.api import Pipeline
        p = Pipeline.from_source("use stdlib.math\\nin x: Int\\ny = add(x, 1)\\nout y\\n", "p.cst")
        r = p.run({"x": 1})
        assert r.outputs == {"y": 2}, r
        assert "trio" not in sys.modules, "trio was imported"
        from cst_cli.modules.api import module
        from cst_cli.modules.registry import Registry

        @module()
        async def later(x: int) -> int:
            return x + 1

        q = Pipeline.from_source("in x: Int\\ny = later(x)\\nout y\\n", "q.cst", registry=Registry.from_specs([later]))
        assert q.run({"x": 1}).outputs == {"y": 2}
        assert "trio" in sys.modules
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
