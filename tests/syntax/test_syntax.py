"""The language's syntax, construct by construct: the AST each form gives (spans aside)."""

from __future__ import annotations

import pytest

from cst_cli.syntax import ast
from cst_cli.syntax.unparse import unparse_expr
from tests.syntax._helpers import SAMPLES, expr, program, strip, walk


def shape(e: ast.Expr) -> str:
    """An expression fully parenthesised, to read its nesting."""
    match e:
        case ast.BinOp(op=op, left=left, right=right):
            return f"({shape(left)} {op} {shape(right)})"
        case ast.UnaryOp(op=op, operand=operand):
            return f"({op} {shape(operand)})"
        case ast.When(value=value, cond=cond):
            return f"({shape(value)} when {shape(cond)})"
        case ast.Coalesce(left=left, right=right):
            return f"({shape(left)} ?? {shape(right)})"
        case _:
            return unparse_expr(e)


@pytest.mark.parametrize(
    ("text", "nested"),
    [
        ("a + b * c", "(a + (b * c))"),
        ("a * b + c", "((a * b) + c)"),
        ("a - b - c", "((a - b) - c)"),
        ("a / b / c", "((a / b) / c)"),
        ("a + b == c * d", "((a + b) == (c * d))"),
        ("not a == b", "(not (a == b))"),
        ("not a and b", "((not a) and b)"),
        ("a and b or c and d", "((a and b) or (c and d))"),
        ("a or b when c", "((a or b) when c)"),
        ("a when b when c", "((a when b) when c)"),
        ("a ?? b ?? c", "(a ?? (b ?? c))"),
        ("a when c ?? b", "((a when c) ?? b)"),
        ("-a * b", "((- a) * b)"),
        ("-a.b", "(- a.b)"),
        ("a - -b", "(a - (- b))"),
        ("not not a", "(not (not a))"),
        ("a < b and b <= c or a != d", "(((a < b) and (b <= c)) or (a != d))"),
        ("(a >= b) == (c > d)", "((a >= b) == (c > d))"),
        ("a + (b + c)", "(a + (b + c))"),
        ("x.a.b + F(y).c[d, e]", "(x.a.b + F(y).c[d, e])"),
    ],
)
def test_precedence_and_associativity(text: str, nested: str) -> None:
    assert shape(expr(text)) == nested


def test_hyphens_join_names_and_spaces_subtract() -> None:
    assert expr("a-b") == ast.Ref(span=expr("a-b").span, name="a-b")
    assert isinstance(expr("a - b"), ast.BinOp)
    assert strip(expr("list-sum(xs) - 1")) == strip(expr("(list-sum(xs)) - (1)"))
    assert strip(expr("a -b")) == strip(expr("a - b"))
    # a hyphen only joins name characters: `x-> y` is `x ->`, `a- b` is `a - b`
    assert strip(expr("a- b")) == strip(expr("a - b"))
    assert strip(expr("branch { x-> 1, otherwise -> 2 }")) == strip(expr("branch { x -> 1, otherwise -> 2 }"))


def test_literals() -> None:
    assert strip(expr("42")) == ("IntLit", ("value", 42))
    assert strip(expr("-5")) == ("IntLit", ("value", -5))
    assert strip(expr("-9223372036854775808")) == ("IntLit", ("value", -(2**63)))
    assert strip(expr("- (5)")) == ("UnaryOp", ("op", "-"), ("operand", ("IntLit", ("value", 5))))
    assert strip(expr("3.14")) == ("FloatLit", ("value", 3.14))
    assert strip(expr("-0.5")) == ("FloatLit", ("value", -0.5))
    assert strip(expr("1.5e3")) == ("FloatLit", ("value", 1500.0))
    assert strip(expr("true")) == ("BoolLit", ("value", True))
    assert strip(expr("false")) == ("BoolLit", ("value", False))
    assert strip(expr("[]")) == ("ListLit", ("items", ()))
    assert strip(expr("{}")) == ("RecordLit", ("fields", ()))
    assert strip(expr("[1, 2,]")) == strip(expr("[1, 2]"))
    record = expr('{ name: "n", other: [1] }')
    assert isinstance(record, ast.RecordLit)
    assert [f.name for f in record.fields] == ["name", "other"]


def test_strings_escapes_and_interpolation() -> None:
    assert strip(expr(r'"a\nb\tc\rd\\e\"f\$g"')) == ("StrLit", ("value", 'a\nb\tc\rd\\e"f$g'))
    assert strip(expr('"$ and ${"$"}"')) == ("Interp", ("parts", ("$ and ", ("StrLit", ("value", "$")))))
    assert strip(expr(r'"\${not} interpolated"')) == ("StrLit", ("value", "${not} interpolated"))
    interp = expr('"total: ${a + b} of ${F("x", "${y}")}!"')
    assert isinstance(interp, ast.Interp)
    assert interp.parts[0] == "total: " and interp.parts[2] == " of " and interp.parts[4] == "!"
    assert isinstance(interp.parts[1], ast.BinOp) and isinstance(interp.parts[3], ast.Call)
    only = expr('"${a}${b}"')
    assert isinstance(only, ast.Interp) and [type(p) for p in only.parts] == [ast.Ref, ast.Ref]
    assert strip(expr('"${ {a: 1} }"')) == ("Interp", ("parts", (strip(expr("{a: 1}")),)))


def test_calls() -> None:
    call = expr("F(a, b, topK=100, name = 'x' == 'x')".replace("'", '"'))
    assert isinstance(call, ast.Call)
    assert call.callee == ("F",) and call.version is None and call.options == ()
    assert [a.name for a in call.args] == [None, None, "topK", "name"]
    namespaced = expr("stdlib.math.add(a, b)")
    assert isinstance(namespaced, ast.Call) and namespaced.callee == ("stdlib", "math", "add")
    aliased = expr("m.add(x)")
    assert isinstance(aliased, ast.Call) and aliased.callee == ("m", "add")
    pinned = expr("TextEmbedding@1(q)")
    assert isinstance(pinned, ast.Call) and pinned.callee == ("TextEmbedding",) and pinned.version == 1
    assert isinstance(expr("ns.Fn@12()"), ast.Call)
    assert strip(expr("F(a,)")) == strip(expr("F(a)"))
    # `a.b` without parentheses is field access on a name
    assert strip(expr("a.b")) == ("FieldAccess", ("target", ("Ref", ("name", "a"))), ("field", "b"))
    assert strip(expr("a.b.c")) == (
        "FieldAccess",
        ("target", ("FieldAccess", ("target", ("Ref", ("name", "a"))), ("field", "b"))),
        ("field", "c"),
    )


def test_projections() -> None:
    bracket = expr("r[a, b]")
    brace = expr("r{a, b}")
    assert isinstance(bracket, ast.Projection) and bracket.fields == ("a", "b")
    assert strip(bracket) == strip(brace)
    assert isinstance(expr("items.price"), ast.FieldAccess)
    assert isinstance(expr("F(x)[a].b"), ast.FieldAccess)


def test_conditionals_guards_and_coalesce() -> None:
    chain = expr("if (a) 1 else if (b) 2 else 3")
    assert isinstance(chain, ast.If) and isinstance(chain.else_, ast.If)
    branch = expr("branch { c1 -> e1, c2 -> e2, otherwise -> e3, }")
    assert isinstance(branch, ast.Branch) and len(branch.cases) == 2
    assert strip(branch.otherwise) == ("Ref", ("name", "e3"))
    assert isinstance(expr("branch { otherwise -> 1 }"), ast.Branch)
    assert isinstance(expr("e when cond"), ast.When)
    assert isinstance(expr("a ?? b"), ast.Coalesce)


def test_match_patterns() -> None:
    m = expr("match (x) { { a, b } -> e1, is String -> e2, is List<Int> | Int -> e3, _ -> e4 }")
    assert isinstance(m, ast.Match)
    kinds = [type(c.pattern) for c in m.cases]
    assert kinds == [ast.RecordPattern, ast.TypePattern, ast.TypePattern, ast.WildcardPattern]
    first = m.cases[0].pattern
    assert isinstance(first, ast.RecordPattern) and first.fields == ("a", "b")


def test_lambdas() -> None:
    one = expr("(x) => x + 1")
    assert isinstance(one, ast.Lambda) and [p.name for p in one.params] == ["x"]
    typed = expr("(x: Int, y) => x")
    assert isinstance(typed, ast.Lambda)
    assert strip(typed.params[0].type) == ("TypeName", ("name", "Int"), ("args", ()))
    assert typed.params[1].type is None
    assert isinstance(expr("() => 1"), ast.Lambda)
    assert isinstance(expr("(m: Map<String, { a: Int | Float }>) => m"), ast.Lambda)
    call = expr("map(xs, (n) => n * 2)")
    assert isinstance(call, ast.Call) and isinstance(call.args[1].value, ast.Lambda)
    # a parenthesised name is not a lambda
    assert isinstance(expr("(x)"), ast.Ref)
    assert isinstance(expr("(x) + 1"), ast.BinOp)
    nested = expr("(x) => (y) => x")
    assert isinstance(nested, ast.Lambda) and isinstance(nested.body, ast.Lambda)


def test_declarations_and_types() -> None:
    p = program(
        """
        type Product = { sku: String, price: Float, }
        type Result = { ok: Int } | { err: String } | String
        type Full = Product + { stock: Int } + Extra
        type Lists = Map<String, Optional<List<Seq<Candidates<Int>>>>>
        type Empty = {}
        use stdlib.math
        use stdlib.string as str
        @example("red dress")
        @source("kafka", topic: "q", group="g")
        in query: String
        @sink
        out query
        x = F(query)
        """
    )
    kinds = [type(d).__name__ for d in p.decls]
    assert kinds == ["TypeDecl"] * 5 + ["UseDecl", "UseDecl", "InputDecl", "OutputDecl", "Binding"]
    union = p.decls[1].type  # type: ignore[union-attr]
    assert isinstance(union, ast.UnionType) and len(union.members) == 3
    merge = p.decls[2].type  # type: ignore[union-attr]
    assert isinstance(merge, ast.MergeType) and isinstance(merge.left, ast.MergeType)
    generic = p.decls[3].type  # type: ignore[union-attr]
    assert isinstance(generic, ast.TypeName) and generic.name == "Map" and len(generic.args) == 2
    candidates = generic.args[1].args[0].args[0].args[0]  # type: ignore[union-attr]
    assert isinstance(candidates, ast.TypeName) and candidates.name == "Candidates"
    use, alias = p.decls[5], p.decls[6]
    assert isinstance(use, ast.UseDecl) and use.path == ("stdlib", "math") and use.alias is None
    assert isinstance(alias, ast.UseDecl) and alias.alias == "str"
    inp = p.decls[7]
    assert isinstance(inp, ast.InputDecl)
    assert [a.name for a in inp.annotations] == ["example", "source"]
    assert [a.name for a in inp.annotations[1].args] == [None, "topic", "group"]
    out = p.decls[8]
    assert isinstance(out, ast.OutputDecl) and out.annotations[0].name == "sink" and out.annotations[0].args == ()


def test_with_clause() -> None:
    p = program(
        """
        x = F(a) with retry: 3, delay: 200ms, backoff: exponential, timeout: 2s, fallback: G(a) ?? "",
            cache: 5min, cache_backend: "disk", throttle: 10 / 1s, concurrency: 4, on_error: skip,
            lazy, priority: high, priority: 80, batch: 10, window: 5s, checkpoint: 1h, join: 1d,
            lazy: false, whatever-else: [1]
        """
    )
    (binding,) = p.decls
    assert isinstance(binding, ast.Binding) and isinstance(binding.value, ast.Call)
    options = {o.name: o.value for o in binding.value.options}
    assert strip(options["retry"]) == ("IntLit", ("value", 3))
    assert strip(options["delay"]) == ("Duration", ("amount", 200), ("unit", "ms"))
    assert strip(options["backoff"]) == ("Ref", ("name", "exponential"))
    assert isinstance(options["fallback"], ast.Coalesce)
    assert strip(options["throttle"]) == ("Rate", ("count", 10), ("per", ("Duration", ("amount", 1), ("unit", "s"))))
    assert strip(options["checkpoint"]) == ("Duration", ("amount", 1), ("unit", "h"))
    assert strip(options["join"]) == ("Duration", ("amount", 1), ("unit", "d"))
    assert strip(options["whatever-else"]) == strip(expr("[1]"))
    lazies = [o for o in binding.value.options if o.name == "lazy"]
    assert [strip(o.value) for o in lazies] == [("BoolLit", ("value", True)), ("BoolLit", ("value", False))]
    assert len(binding.value.options) == 19


def test_declarations_need_no_separators() -> None:
    p = program("in a: Int x = a + 1 y = F(x) with retry: 1 out y")
    assert [type(d).__name__ for d in p.decls] == ["InputDecl", "Binding", "Binding", "OutputDecl"]


def test_empty_files() -> None:
    for text in ["", "   \n\n", "# only a comment", "# one\n# two\n", "\ufeff"[1:]]:
        assert program(text).decls == ()


def test_every_node_kind_is_produced() -> None:
    seen = {type(n).__name__ for path in SAMPLES for n in walk(program(path.read_text()))}
    seen |= {type(n).__name__ for n in walk(expr("match (x) { { a } -> (y: Int) => not -y, _ -> z when a ?? b }"))}
    seen |= {type(n).__name__ for n in walk(program("type T = A + B | C"))}
    kinds = {
        name
        for name, value in vars(ast).items()
        if isinstance(value, type) and issubclass(value, ast.Node) and value is not ast.Node
    }
    assert kinds - seen == set()
