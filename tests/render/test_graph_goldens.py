"""Golden files of `cst graph` for every sample and test program: tree, DOT, Mermaid and JSON, without and
with a trace; every DOT document is also rendered by the real `dot`.

Regenerate with `pytest tests/render --snapshot-update` and read the diff before committing. A new sample
without goldens fails here until they are generated.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import msgspec
import pytest
from rich.console import Console

from cst_cli.api import Pipeline
from cst_cli.modules.registry import Registry, load_registry
from cst_cli.render.dot import render_dot
from cst_cli.render.graph import build_view
from cst_cli.render.graph.json import to_json
from cst_cli.render.graph.view import GraphView
from cst_cli.render.mermaid import render_mermaid
from cst_cli.render.tree import render_tree
from cst_cli.runtime.trace import Trace
from tests.render import _modules
from tests.render._traces import synthetic, virtual_run

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOTS = Path(__file__).parent / "snapshots"
SAMPLES = sorted(p.relative_to(ROOT) for d in ("language", "search") for p in (ROOT / "samples" / d).glob("*.cst"))
PROGRAMS = sorted(p.relative_to(ROOT) for p in (Path(__file__).parent / "programs").glob("*.cst"))
# Inputs of the test programs' virtual runs (their modules sleep on trio's clock).
RUNS: dict[str, tuple[dict[str, object], dict[str, object]]] = {
    "search": ({"query": "red dress", "userId": "u1"}, {}),
    "expressions": ({"text": "hello big world", "n": 2, "tags": ["x", "y"], "maybe": None}, {}),
    "failing": ({"text": "hi"}, {"keep_going": True}),
}


def _registry() -> Registry:
    # an optional plugin (TextEmbedding v2 with the `embeddings` extra) must not change the goldens
    return load_registry().with_pins({"TextEmbedding": 1})


def compile_path(rel: Path) -> Pipeline:
    registry = _modules.registry() if rel in PROGRAMS else _registry()
    return Pipeline.from_source((ROOT / rel).read_bytes(), rel.as_posix(), registry=registry)


def trace_for(rel: Path, pipeline: Pipeline) -> Trace:
    if rel in PROGRAMS:
        inputs, kw = RUNS[rel.stem]
        _modules.CALLS.clear()
        return virtual_run(pipeline, inputs, seed=7, **kw)
    return synthetic(pipeline.built)


def tree_text(view: GraphView) -> str:
    out = io.StringIO()
    Console(file=out, width=110, no_color=True, color_system=None, highlight=False).print(render_tree(view))
    return out.getvalue()


def slug(rel: Path) -> str:
    return f"{rel.parent.name}-{rel.stem}"


@pytest.mark.parametrize("rel", SAMPLES + PROGRAMS, ids=slug)
def test_graph_goldens(rel: Path, snapshot) -> None:  # type: ignore[no-untyped-def]
    pipeline = compile_path(rel)
    snapshot.snapshot_dir = SNAPSHOTS / slug(rel)
    for trace in (None, trace_for(rel, pipeline)):
        view = build_view(pipeline.built, trace)
        suffix = "" if trace is None else "-trace"
        dot = render_dot(view)
        snapshot.assert_match(tree_text(view), f"tree{suffix}.txt")
        snapshot.assert_match(dot, f"graph{suffix}.dot")
        snapshot.assert_match(render_mermaid(view), f"graph{suffix}.mmd")
        doc = msgspec.json.format(msgspec.json.encode(to_json(view)), indent=2).decode() + "\n"
        snapshot.assert_match(doc, f"graph{suffix}.json")
        assert_dot_renders(dot)


def assert_dot_renders(dot: str) -> None:
    exe = shutil.which("dot")
    if exe is None:
        pytest.skip("Graphviz `dot` is not installed (CI installs it)")
    r = subprocess.run([exe, "-Tsvg"], input=dot.encode(), capture_output=True, timeout=60, check=False)
    assert r.returncode == 0, r.stderr.decode()
    assert not r.stderr.strip(), r.stderr.decode()
    assert b"<svg" in r.stdout
