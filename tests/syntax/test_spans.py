"""Spans cover exactly their text: checked on every node of the samples, and on a few by hand."""

from __future__ import annotations

import pytest

from cst_cli.syntax import ast
from cst_cli.syntax.parser import parse_expression
from tests.syntax._helpers import SAMPLES, program, strip, walk

EXPR_KINDS = (
    ast.IntLit,
    ast.FloatLit,
    ast.StrLit,
    ast.BoolLit,
    ast.Interp,
    ast.ListLit,
    ast.RecordLit,
    ast.Ref,
    ast.Call,
    ast.FieldAccess,
    ast.Projection,
    ast.BinOp,
    ast.UnaryOp,
    ast.If,
    ast.Branch,
    ast.When,
    ast.Coalesce,
    ast.Match,
    ast.Lambda,
)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_every_expression_span_reparses_to_the_same_expression(path: object) -> None:
    text = path.read_text()  # type: ignore[attr-defined]
    for node in walk(program(text).decls):
        snippet = text[node.span.start : node.span.end]
        assert snippet == snippet.strip() and snippet, (type(node).__name__, snippet)
        if snippet == "lazy":
            continue  # a bare `lazy` option: its value (true) spans the option's name
        if isinstance(node, EXPR_KINDS) and not (isinstance(node, ast.Call) and node.options):
            again, diagnostics = parse_expression(snippet)
            assert again is not None and not diagnostics, (snippet, diagnostics)
            assert strip(again) == strip(node), snippet


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_named_sub_spans(path: object) -> None:
    text = path.read_text()  # type: ignore[attr-defined]

    def at(span: object) -> str:
        return text[span.start : span.end]  # type: ignore[attr-defined]

    for node in walk(program(text)):
        match node:
            case ast.TypeDecl() | ast.InputDecl() | ast.OutputDecl() | ast.Binding() | ast.Option():
                assert at(node.name_span) == node.name
            case ast.UseDecl(path=path_, path_span=span):
                assert at(span) == ".".join(path_)
            case ast.Call(callee=callee, callee_span=span):
                assert at(span) == ".".join(callee)
                assert at(node.span).startswith(at(span))
            case ast.BinOp(op=op, op_span=span):
                assert at(span) == op
            case ast.FieldAccess(field=field, field_span=span):
                assert at(span) == field and at(node.span).endswith(field)
            case ast.Projection(fields=fields, field_spans=spans):
                assert tuple(at(s) for s in spans) == fields
            case ast.Param(name=name) | ast.RecordField(name=name) | ast.FieldType(name=name):
                assert at(node.span).startswith(name)
            case ast.Arg(name=str() as name) | ast.AnnotationArg(name=str() as name):
                assert at(node.span).startswith(name)
            case ast.Annotation(name=name):
                assert at(node.span).startswith("@" + name)


def test_spans_by_hand() -> None:
    text = '@example("q")\nin q: String\nx = Trim(q) with retry: 3,\n  lazy\ny = "a ${x + 1} b"\nout y\n'
    p = program(text)
    assert (p.span.start, p.span.end) == (0, len(text))
    inp, binding, interp_binding, _ = p.decls
    assert text[inp.span.start : inp.span.end] == '@example("q")\nin q: String'
    assert isinstance(binding, ast.Binding) and isinstance(binding.value, ast.Call)
    assert text[binding.span.start : binding.span.end] == "x = Trim(q) with retry: 3,\n  lazy"
    assert text[binding.value.span.start : binding.value.span.end] == "Trim(q) with retry: 3,\n  lazy"
    lazy = binding.value.options[1]
    assert lazy.span == lazy.name_span == lazy.value.span
    assert text[lazy.span.start : lazy.span.end] == "lazy"
    assert isinstance(interp_binding, ast.Binding) and isinstance(interp_binding.value, ast.Interp)
    inner = interp_binding.value.parts[1]
    assert isinstance(inner, ast.BinOp)
    assert text[inner.span.start : inner.span.end] == "x + 1"
    assert text[inner.left.span.start : inner.left.span.end] == "x"
    assert text[inner.op_span.start : inner.op_span.end] == "+"


def test_parentheses_belong_to_the_expression_and_negative_literals_to_the_minus() -> None:
    text = "x = (a + b) * -5 - (-(c))"
    binding = program(text).decls[0]
    assert isinstance(binding, ast.Binding)
    value = binding.value
    assert isinstance(value, ast.BinOp) and isinstance(value.left, ast.BinOp)
    product = value.left
    assert text[product.left.span.start : product.left.span.end] == "(a + b)"
    assert text[product.right.span.start : product.right.span.end] == "-5"
    assert text[value.right.span.start : value.right.span.end] == "(-(c))"


def test_rate_and_duration_spans() -> None:
    text = "x = F() with throttle: 10 / 2min"
    binding = program(text).decls[0]
    assert isinstance(binding, ast.Binding) and isinstance(binding.value, ast.Call)
    rate = binding.value.options[0].value
    assert isinstance(rate, ast.Rate)
    assert text[rate.span.start : rate.span.end] == "10 / 2min"
    assert text[rate.per.span.start : rate.per.span.end] == "2min"
