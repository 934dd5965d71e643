"""The pipeline picture: folding, edges and their roles, stages, reach, escaping, and the critical path."""

from __future__ import annotations

import json

import pytest

from cst_cli.api import Pipeline
from cst_cli.modules.api import Options
from cst_cli.render.dot import html, ms_text, render_dot, usd
from cst_cli.render.graph import TraceMismatch, build_view
from cst_cli.render.graph.expr import duration, literal, options_text
from cst_cli.render.graph.json import to_json
from cst_cli.render.mermaid import render_mermaid, text
from tests.render import _modules
from tests.render._traces import virtual_run

SEARCH = """\
in query: String
in userId: String
embedding = Embed(query)
hits = Search(embedding, 50) with retry: 2, timeout: 2s
profile = GetProfile(userId)
ranked = Rerank(hits, profile) with fallback: hits
out ranked
"""


def pipeline(src: str) -> Pipeline:
    return Pipeline.from_source(src, "t.cst", registry=_modules.registry())


def test_inline_operations_fold_into_their_only_consumer() -> None:
    v = build_view(pipeline('in t: String\nn = Count(t)\nc = if (n > 2) Upper(t) else "few"\nout c\n').built)
    c = v.node("c")
    assert c.kind == "inline" and c.expr == 'if (n > 2) c#3 else "few"'
    assert c.members == ("c#2", "c")  # the comparison folded in; constants are printed, not members
    assert v.node("c#3").reach == "conditional" and v.node("n").reach == "always"
    roles = {(e.source, e.target): e.role for e in v.edges}
    assert roles[("n", "c")] == "arg" and roles[("c#3", "c")] == "lazy" and roles[("c", "out:c")] == "output"


def test_stages_show_parallel_calls_and_fallback_edges_do_not_push_a_call_down() -> None:
    v = build_view(pipeline(SEARCH).built)
    stages = {n.id: n.stage for n in v.nodes}
    assert stages["embedding"] == stages["profile"] == 1
    assert stages["hits"] == 2 and stages["ranked"] == 3
    roles = {(e.source, e.target): e.role for e in v.edges}
    assert roles[("hits", "ranked")] == "arg"  # a strict argument too, not only the fallback
    assert v.node("hits").options == (("retry", "2"), ("timeout", "2s"))
    assert v.node("ranked").options == (("fallback", "hits"),)


def test_a_trace_annotates_nodes_and_marks_the_critical_path() -> None:
    p = pipeline(SEARCH)
    v = build_view(p.built, virtual_run(p, {"query": "q", "userId": "u"}))
    assert v.critical_path == ("query", "embedding", "hits", "ranked", "out:ranked")
    hits = v.node("hits")
    assert hits.critical and hits.measured is not None
    assert hits.measured.latency_ms == 500.0 and hits.measured.attempts == 1 and hits.measured.cost_usd == 0.002
    assert v.node("profile").critical is False
    crit = {(e.source, e.target) for e in v.edges if e.critical}
    assert crit == {("query", "embedding"), ("embedding", "hits"), ("hits", "ranked"), ("ranked", "out:ranked")}
    assert v.run is not None and v.run.wall_ms == 750.0 and v.run.cost_usd == pytest.approx(0.013)
    # every format shows it
    assert 'color="#d62728", penwidth=2.5' in render_dot(v)
    assert "linkStyle" in render_mermaid(v) and " critical" in render_mermaid(v)
    assert to_json(v)["critical_path"] == list(v.critical_path)


def test_a_trace_of_another_pipeline_is_refused() -> None:
    a = pipeline(SEARCH)
    b = pipeline("in t: String\nout t\n")
    with pytest.raises(TraceMismatch, match="another pipeline"):
        build_view(b.built, virtual_run(a, {"query": "q", "userId": "u"}))


def test_whitespace_and_comments_do_not_change_the_hash_a_trace_is_matched_on() -> None:
    a = pipeline(SEARCH)
    b = pipeline("# a comment\n" + SEARCH.replace(" = ", "  =  "))
    trace = virtual_run(a, {"query": "q", "userId": "u"})
    assert build_view(b.built, trace).critical_path[0] == "query"


def test_labels_are_escaped_in_every_format() -> None:
    src = 'in t: String\nq = "a \\"b\\" {c} <d> & | # `e` ${t}"\nout q\n'
    v = build_view(pipeline(src).built)
    assert v.node("q").expr == '"a \\"b\\" {c} <d> & | # `e` ${t}"'
    dot = render_dot(v)
    assert "&lt;d&gt; &amp; |" in dot and "&quot;" in dot and "<d>" not in dot
    mmd = render_mermaid(v)
    assert "#34;" in mmd and "#60;d#62;" in mmd and "#35;" in mmd and "#124;" in mmd and "#96;" in mmd
    assert '"a \\"b' not in mmd
    assert html('<"&>') == "&lt;&quot;&amp;&gt;"
    assert text("List<Int> [x]") == "List#60;Int#62; [x]"
    json.dumps(to_json(v))


def test_helpers() -> None:
    assert literal("a$b") == '"a\\$b"' and literal(None) == "none" and literal(True) == "true"
    assert [duration(x) for x in (0.2, 2.0, 600.0, 3600.0, 86400.0, 1.5, 0.0005)] == [
        "200ms",
        "2s",
        "10min",
        "1h",
        "1d",
        "1500ms",
        "0.5ms",
    ]
    opts = Options(retry=2, throttle=(10, 1.0), cache_backend="disk", priority=75, lazy=False)
    assert options_text(opts) == [
        ("retry", "2"),
        ("cache_backend", '"disk"'),
        ("throttle", "10/1s"),
        ("lazy", "false"),
        ("priority", "high"),
    ]
    assert [ms_text(x) for x in (0.04, 3.25, 12.5, 310.0, 1250.0)] == [
        "40 µs",
        "3.25 ms",
        "12.5 ms",
        "310 ms",
        "1.25 s",
    ]
    assert [usd(x) for x in (0.0, 0.002, 0.25, 1234.5)] == ["$0", "$0.002", "$0.25", "$1,234.50"]
