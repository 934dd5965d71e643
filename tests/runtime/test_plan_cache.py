"""A long-lived Runtime (the server's) keeps a bounded number of plans however many pipelines it runs."""

from __future__ import annotations

from cst_cli.api import Pipeline
from cst_cli.runtime.runner import PLAN_CACHE_SIZE, Runtime


def test_plans_are_bounded_and_reused() -> None:
    runtime = Runtime()
    first = Pipeline.from_source("in t: String\nr = Trim(t)\nout r\n", "first.cst")
    assert first.run({"t": " a "}, runtime=runtime).outputs == {"r": "a"}
    for i in range(PLAN_CACHE_SIZE + 20):
        p = Pipeline.from_source(f'in t: String\nr = "${{Trim(t)}}-{i}"\nout r\n', f"p{i}.cst")
        assert p.run({"t": " a "}, runtime=runtime).outputs == {"r": f"a-{i}"}
    assert len(runtime._plans) == PLAN_CACHE_SIZE
    # an evicted pipeline still runs (its plan is rebuilt)
    assert first.run({"t": " b "}, runtime=runtime).outputs == {"r": "b"}
