"""Module calls: resolution, version pins, argument placement, argument types, generics and lambdas."""

from __future__ import annotations

from cst_cli.check import typed as t
from cst_cli.types.model import BOOLEAN, FLOAT, INT, STRING, FunctionT, ListT
from tests.check._helpers import check, clean, only


def test_resolution_errors_come_from_the_registry() -> None:
    c, d = only("in s: String\nx = Uppercse(s)\nout x\n", "E002")
    assert d.message == "Undefined function: Uppercse"
    assert d.hint == "did you mean 'Uppercase'?"
    assert c.at(d) == (2, 5)
    c, d = only("use stdlib.string\nin s: String\nx = gt(1, 2)\nout x\nout s\n", "E002")
    assert d.hint == "use stdlib.compare"
    c, d = only("in a: Int\nx = add(a, a)\nout x\n", "E005")
    assert d.message == "Ambiguous function: add is defined in other.math.add, stdlib.math.add"
    c, d = only("in a: Int\nx = stdlib.maths.add(a, a)\nout x\n", "E004")
    assert d.message == "Undefined namespace: stdlib.maths"
    c, d = only("in s: String\nx = TextEmbedding@3(s)\nout x\n", "E047")
    assert d.message == "Unknown version: TextEmbedding@3 is not installed"
    assert d.hint == "installed major versions: @1, @2"


def test_version_pin_and_default_to_highest_major() -> None:
    c = clean("in s: String\na = TextEmbedding@1(s)\nb = TextEmbedding(s)\nout a\nout b\n")
    a, b = c.value("a"), c.value("b")
    assert isinstance(a, t.TCall) and isinstance(b, t.TCall)
    assert a.module.version == (1, 0)
    assert b.module.version == (2, 1)


def test_named_arguments_are_placed_in_parameter_order() -> None:
    c = clean("in e: List<Float>\nhits = VectorSearch(topK=5, embedding=e)\nout hits\n")
    call = c.value("hits")
    assert isinstance(call, t.TCall)
    assert [type(a).__name__ for a in call.args] == ["TRef", "TLit"]
    assert isinstance(call.args[1], t.TLit) and call.args[1].value == 5


def test_argument_errors_carry_the_signature() -> None:
    sig = "usage: FilterGreaterThan(numbers: List<Int>, threshold: Int) -> List<Int>"
    c, d = only("in xs: List<Int>\ny = FilterGreaterThan(xs, treshold=3)\nout y\n", "E044")
    assert d.message == "Unknown argument 'treshold' for FilterGreaterThan"
    assert d.hint == "did you mean 'threshold'? " + sig
    assert c.at(d) == (2, 27)
    c, d = only("in xs: List<Int>\ny = FilterGreaterThan(xs)\nout y\n", "E044")
    assert d.message == "Missing argument 'threshold' for FilterGreaterThan"
    assert d.hint == sig
    c, d = only("in xs: List<Int>\ny = FilterGreaterThan(xs, 1, 2)\nout y\n", "E044")
    assert d.message == "Too many arguments for FilterGreaterThan: it takes 2, got 3"
    assert c.at(d) == (2, 30)
    c = check("in xs: List<Int>\ny = FilterGreaterThan(xs, numbers=xs)\nout y\n")
    assert [d.message for d in c.diags] == [
        "Missing argument 'threshold' for FilterGreaterThan",
        "Argument 'numbers' is given twice",
    ]


def test_default_parameters_may_be_left_out_at_the_end() -> None:
    clean("in xs: List<String>\na = Page(xs)\nb = Page(xs, 5)\nc = Page(xs, size=2, offset=1)\nout a\nout b\nout c\n")
    _c, d = only("in xs: List<String>\na = Page(xs, offset=3)\nout a\n", "E044")
    assert d.message == "Argument 'size' must be given when a later argument is given"


def test_argument_type_mismatch() -> None:
    c, d = only("in n: Int\nx = Trim(n)\nout x\n", "E010")
    assert d.message == "Type mismatch: expected String, got Int"
    assert d.hint == "argument 'text' of Trim(text: String) -> String"
    assert c.at(d) == (2, 10)


def test_int_widens_to_float_argument() -> None:
    clean("in n: List<Int>\nhits = VectorSearch(n, 3)\nout hits\n")


def test_constrained_generic_int_float_and_widening() -> None:
    c = clean(
        """
        use stdlib.math
        in i: Int
        in f: Float
        a = add(i, i)
        b = add(i, f)
        out a
        out b
        """
    )
    assert c.value("a").type == INT
    assert c.value("b").type == FLOAT
    c, d = only('use stdlib.math\nin i: Int\na = add(i, "x")\nout a\n', "E010")
    assert d.message == "Type mismatch: expected Int, got String"
    c = check('use stdlib.math\na = add("x", "y")\nout a\n')
    assert [(d.code, d.message) for d in c.diags] == [("E010", "Type mismatch: expected Int or Float, got String")] * 2


def test_generic_list_binds_element_type() -> None:
    c = clean("use stdlib.list\nin xs: List<String>\nf = list-first(xs)\nout f\n")
    assert c.value("f").type == STRING


def test_map_and_filter_infer_lambda_types() -> None:
    c = clean(
        """
        use stdlib.collection
        in xs: List<Int>
        in factor: Int
        doubled = map(xs, (x) => x * factor)
        labels = map(xs, (x) => "n=${x}")
        big = filter(xs, (x) => x > 2)
        out doubled
        out labels
        out big
        """
    )
    assert c.value("doubled").type == ListT(elem=INT)
    assert c.value("labels").type == ListT(elem=STRING)
    assert c.value("big").type == ListT(elem=INT)
    call = c.value("doubled")
    assert isinstance(call, t.TCall)
    lam = call.args[1]
    assert isinstance(lam, t.TLambda) and lam.params == ("x",)
    assert lam.type == FunctionT(params=(INT,), result=INT)
    body = lam.body
    assert isinstance(body, t.TBinOp) and isinstance(body.right, t.TRef) and body.right.kind == "input"
    assert isinstance(body.left, t.TRef) and body.left.kind == "param"


def test_lambda_named_arguments_and_annotated_parameters() -> None:
    clean("use stdlib.collection\nin xs: List<Int>\nb = filter(predicate=(x: Int) => x > 2, items=xs)\nout b\n")
    _c, d = only("use stdlib.collection\nin xs: List<Int>\nb = filter(xs, (x: String) => true)\nout b\n", "E010")
    assert d.message == "Type mismatch: expected Int, got String"


def test_lambda_result_must_fit() -> None:
    c, d = only("use stdlib.collection\nin xs: List<Int>\nb = filter(xs, (x) => x + 1)\nout b\n", "E010")
    assert d.message == "Type mismatch: expected Boolean, got Int"
    assert c.at(d) == (3, 23)


def test_lambda_errors() -> None:
    c, d = only("f = (x) => x\nout f\n", "E015")
    assert d.message == "A lambda is not allowed here"
    assert d.hint == "a lambda can only be an argument of a higher-order module such as map or filter"
    assert c.at(d) == (1, 5)
    c, d = only("x = Trim((y) => y)\nout x\n", "E015")
    assert d.message == "A lambda is not allowed here: parameter 'text' of Trim is String"
    c, d = only("use stdlib.collection\nin xs: List<Int>\nb = map(xs, (x, y) => x)\nout b\n", "E015")
    assert d.message == "The lambda takes 2 parameters but map passes 1"
    c, d = only("use stdlib.collection\nin xs: List<Int>\nb = map(xs, 3)\nout b\n", "E010")
    assert d.message == "Type mismatch: expected (T) => U, got Int"


def test_lambda_body_errors_and_closures() -> None:
    c, d = only("use stdlib.collection\nin xs: List<Int>\nb = map(xs, (x) => x + y)\nout b\n", "E001")
    assert d.message == "Undefined variable: y"
    c = clean(
        """
        use stdlib.collection
        in xs: List<Int>
        in limit: Int
        b = filter(xs, (x) => x > limit and any_flag)
        any_flag = limit > 0
        out b
        """
    )
    assert c.typed is not None
    assert [x.name for x in c.typed.bindings] == ["any_flag", "b"]


def test_boolean_result_of_comparison_module() -> None:
    c = clean("use stdlib.compare\nin a: Int\nx = gt(a, 3)\nout x\n")
    assert c.value("x").type == BOOLEAN


def test_positional_after_named_argument() -> None:
    c, d = only("in xs: List<Int>\ny = FilterGreaterThan(numbers=xs, 3)\nout y\n", "E044")
    assert d.message == "Positional argument after a named argument"
    assert c.at(d) == (2, 35)


def test_unrelated_types_do_not_unify_into_a_union() -> None:
    _c, d = only("use stdlib.list\nin xs: List<Int>\nin s: String\nb = list-concat(xs, [s])\nout b\n", "E010")
    assert d.message == "Type mismatch: expected List<Int>, got List<String>"
