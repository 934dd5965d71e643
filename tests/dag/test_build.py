"""The DAG IR: node ids, laziness gates, the structural hash, big graphs without recursion."""

from __future__ import annotations

from cst_cli.check.typed import TBinOp, TCoalesce, TIf, TLit, TWhen
from cst_cli.dag import build_dag
from cst_cli.dag.ir import CallNode, CoalesceNode, IfNode, InputNode, OpNode
from cst_cli.diagnostics import Span
from cst_cli.modules.api import Options
from cst_cli.types.model import BOOLEAN, INT, OptionalT
from tests.runtime import _modules as m
from tests.runtime._build import SPAN, call, program, ref

X = ref("x", INT, "input")


def test_ids_follow_bindings_and_inner_nodes_are_numbered() -> None:
    e = TBinOp(span=SPAN, type=INT, op="+", kind="arith", left=call(m.inc, X), right=TLit(span=SPAN, type=INT, value=2))
    built = build_dag(program({"x": INT}, [("a", e), ("b", ref("a", INT))], ["b"]))
    ids = [n.id for n in built.dag.nodes]
    assert ids == ["x", "a#1", "a#2", "a", "b"]
    assert isinstance(built.dag.nodes[0], InputNode)
    assert isinstance(built.dag.nodes[1], CallNode) and built.dag.nodes[1].module == "inc"
    assert isinstance(built.dag.nodes[4], OpNode) and built.dag.nodes[4].op == "ref"
    assert built.dag.outputs[0].node == 4
    assert set(built.spans) == set(ids)
    assert "inc@1.0" in built.specs


def test_conditionals_keep_their_arms_and_fallbacks_lazy() -> None:
    cond = TBinOp(span=SPAN, type=BOOLEAN, op=">", kind="compare", left=X, right=TLit(span=SPAN, type=INT, value=0))
    e = TIf(span=SPAN, type=INT, cond=cond, then=call(m.inc, X), else_=call(m.boom, X, fallback=call(m.double, X)))
    built = build_dag(program({"x": INT}, [("a", e)], ["a"]))
    nodes = built.dag.nodes
    root = nodes[-1]
    assert isinstance(root, IfNode)
    assert len(root.deps) == 1 and len(root.lazy) == 2
    boom = nodes[root.lazy[1]]
    assert isinstance(boom, CallNode) and boom.fallback is not None and boom.lazy == (boom.fallback,)
    w = TWhen(span=SPAN, type=OptionalT(inner=INT), value=call(m.inc, X), cond=cond)
    c = TCoalesce(span=SPAN, type=INT, left=w, right=call(m.double, X))
    root2 = build_dag(program({"x": INT}, [("a", c)], ["a"])).dag.nodes[-1]
    assert isinstance(root2, CoalesceNode) and len(root2.lazy) == 1


def test_hash_ignores_spans_but_not_structure_options_or_versions() -> None:
    def prog(at: int, opts: Options | None = None, fn: object = m.inc) -> str:
        e = call(fn, X, options=opts, at=at)  # type: ignore[arg-type]
        p = program({"x": INT}, [("a", e)], ["a"])
        return build_dag(p).hash

    assert prog(0) == prog(100)  # moved in the file (whitespace, comments): same pipeline
    assert prog(0) != prog(0, Options(retry=2))
    assert prog(0) != prog(0, fn=m.double)
    spec = m.inc.__cst_module__  # type: ignore[attr-defined]
    import msgspec

    v2 = msgspec.structs.replace(spec, version=(2, 0))
    assert prog(0) != prog(0, fn=v2)


def test_eager_calls_are_lazy_false_calls_outside_conditionals() -> None:
    built = build_dag(
        program({"x": INT}, [("a", call(m.inc, X)), ("b", call(m.double, X, options=Options(lazy=False)))], ["a"])
    )
    assert [built.dag.nodes[i].id for i in built.dag.eager] == ["b"]


def test_a_10000_binding_chain_builds_and_runs() -> None:
    n = 10_000
    bindings = [("a0", call(m.inc, X))] + [(f"a{i}", call(m.inc, ref(f"a{i - 1}", INT))) for i in range(1, n)]
    p = program({"x": INT}, bindings, [f"a{n - 1}"])
    built = build_dag(p)
    assert len(built.dag.nodes) == n + 1
    from cst_cli.api import Pipeline

    r = Pipeline(p).run({"x": 0})
    assert r.outputs == {f"a{n - 1}": n}
    assert Span(file="t.cst", start=0, end=1) == built.spans["a0"]
