"""Expressions: names, operators, records, interpolation, conditionals, guards, coalesce, match, literals."""

from __future__ import annotations

import pytest

from cst_cli.check import typed as t
from cst_cli.types.model import BOOLEAN, FLOAT, INT, NOTHING, STRING, ListT, OptionalT, RecordT, UnionT
from tests.check._helpers import check, clean, only

PRODUCT = "type Product = { sku: String, price: Float }\n"


def test_undefined_variable_did_you_mean_and_hyphen_hint() -> None:
    c, d = only("in total: Int\nx = totl + 1\nout x\n", "E001")
    assert (d.message, d.hint, c.at(d)) == ("Undefined variable: totl", "did you mean 'total'?", (2, 5))
    c, d = only("in a: Int\nin b: Int\nx = a-b\nout x\n", "E001")
    assert d.hint == "to subtract, put spaces around '-': a - b"


@pytest.mark.parametrize(
    ("expr", "ty", "kind"),
    [
        ("i + i", INT, "arith"),
        ("i / i", INT, "arith"),
        ("i * f", FLOAT, "arith"),
        ("f - i", FLOAT, "arith"),
        ("i < f", BOOLEAN, "compare"),
        ("s == s", BOOLEAN, "compare"),
        ("b != b", BOOLEAN, "compare"),
        ("b and b", BOOLEAN, "logic"),
        ("b or i > 1", BOOLEAN, "logic"),
    ],
)
def test_operator_types(expr: str, ty: object, kind: str) -> None:
    c = clean(f"in i: Int\nin f: Float\nin s: String\nin b: Boolean\nx = {expr}\nout x\nout i\nout f\nout s\nout b\n")
    v = c.value("x")
    assert isinstance(v, t.TBinOp)
    assert (v.type, v.kind) == (ty, kind)


def test_unary_operators() -> None:
    c = clean("in i: Int\nin b: Boolean\nx = -i\ny = not b\nout x\nout y\n")
    assert c.value("x").type == INT and c.value("y").type == BOOLEAN
    c, d = only("in s: String\nx = -s\nout x\n", "E014")
    assert d.message == "Arithmetic operator '-' is not supported for type String"
    c, d = only("in i: Int\nx = not i\nout x\n", "E011")
    assert d.message == "Incompatible operator: 'not' needs a Boolean operand, got Int"


def test_arithmetic_errors() -> None:
    c, d = only("in i: Int\nin s: String\nx = i + s\nout x\n", "E014")
    assert d.message == "Arithmetic operator '+' is not supported for types Int and String"
    assert c.at(d) == (3, 5)
    c, d = only("in s: String\nx = s + s\nout x\n", "E014")
    assert d.hint == 'join text with interpolation, "${a}${b}", or with concat(a, b)'


def test_comparison_errors() -> None:
    _c, d = only("in a: Boolean\nin b: Boolean\nx = a > b\nout x\n", "E013")
    assert d.message == "Operator '>' is not supported for types Boolean and Boolean"
    assert d.hint == "Boolean values compare only with == and !="
    _c, d = only('in a: Int\nx = a == "1"\nout x\n', "E013")
    assert d.message == "Operator '==' is not supported for types Int and String"


def test_logic_errors() -> None:
    _c, d = only("in a: Boolean\nin n: Int\nx = a and n\nout x\n", "E011")
    assert d.message == "Incompatible operator: 'and' needs Boolean operands, got Boolean and Int"


def test_record_merge_and_elementwise_merge() -> None:
    c = clean(
        PRODUCT + 'in p: Product\nin ps: List<Product>\nx = p + { price: 2, tag: "a" }\ny = ps + { tag: "b" }\n'
        "out x\nout y\n"
    )
    x, y = c.value("x"), c.value("y")
    assert isinstance(x, t.TBinOp) and x.kind == "merge"
    assert x.type == RecordT(fields=(("sku", STRING), ("price", INT), ("tag", STRING)))
    assert isinstance(y, t.TBinOp) and y.kind == "merge_each"
    assert y.type == ListT(elem=RecordT(fields=(("sku", STRING), ("price", FLOAT), ("tag", STRING))))
    c, d = only(PRODUCT + "in p: Product\nx = p + 1\nout x\n", "E012")
    assert d.message == "Incompatible merge: cannot merge { sku: String, price: Float } with Int"


def test_field_access_and_elementwise() -> None:
    c = clean(PRODUCT + "in p: Product\nin ps: List<Product>\nx = p.price\ny = ps.sku\nout x\nout y\n")
    x, y = c.value("x"), c.value("y")
    assert isinstance(x, t.TField) and not x.elementwise and x.type == FLOAT
    assert isinstance(y, t.TField) and y.elementwise and y.type == ListT(elem=STRING)


def test_field_access_errors() -> None:
    c, d = only("type U = { userId: String, name: String }\nin u: U\nx = u.userID\nout x\n", "E007")
    assert d.message == "Invalid field access: field 'userID' not found. Available: userId, name"
    assert d.hint == "did you mean 'userId'?"
    assert c.at(d) == (3, 7)
    c, d = only("in n: Int\nx = n.value\nout x\n", "E007")
    assert d.message == "Invalid field access: field 'value' of Int, which is not a record"
    c, d = only('in s: String\nu = GetUserProfile(s) when s == "x"\nx = u.name\nout x\n', "E007")
    assert d.message.startswith("Invalid field access: field 'name' of Optional<")


def test_projection() -> None:
    c = clean(PRODUCT + "in p: Product\nin ps: List<Product>\nx = p[sku]\ny = ps{price, sku}\nout x\nout y\n")
    x, y = c.value("x"), c.value("y")
    assert isinstance(x, t.TProject) and x.type == RecordT(fields=(("sku", STRING),))
    assert isinstance(y, t.TProject) and y.elementwise
    assert y.type == ListT(elem=RecordT(fields=(("price", FLOAT), ("sku", STRING))))
    c, d = only(PRODUCT + "in p: Product\nx = p[sku, email]\nout x\n", "E006")
    assert d.message == "Invalid projection: field 'email' not found. Available: sku, price"
    assert c.at(d) == (3, 12)


def test_interpolation_accepts_any_type() -> None:
    c = clean(PRODUCT + 'in p: Product\nin n: Int\nx = "p=${p} n=${n + 1}"\nout x\n')
    v = c.value("x")
    assert isinstance(v, t.TInterp) and v.type == STRING
    assert isinstance(v.parts[0], str) and v.parts[0] == "p="


def test_if_branch_join_and_condition_type() -> None:
    c = clean(
        'in n: Int\nx = if (n > 1) n else 2.5\ny = branch { n > 5 -> "big", n > 2 -> "mid", otherwise -> 3 }\n'
        "out x\nout y\n"
    )
    assert c.value("x").type == FLOAT
    assert c.value("y").type == UnionT(members=(STRING, INT))
    c, d = only("in n: Int\nx = if (n) 1 else 2\nout x\n", "E010")
    assert d.message == "Type mismatch: expected Boolean, got Int"
    assert c.at(d) == (2, 9)
    c, d = only("in n: Int\nx = branch { n -> 1, otherwise -> 2 }\nout x\n", "E010")


def test_when_and_coalesce() -> None:
    c = clean(
        "in n: Int\nin f: Float\no = n when n > 0\nx = o ?? 0\ny = o ?? (n when n > 5)\nz = o ?? f\n"
        "out x\nout y\nout z\n"
    )
    assert c.value("o").type == OptionalT(inner=INT)
    assert c.value("x").type == INT
    assert c.value("y").type == OptionalT(inner=INT)
    assert c.value("z").type == FLOAT
    c, d = only("in n: Int\nx = n ?? 0\nout x\n", "E010")
    assert d.message == "Type mismatch: expected an Optional on the left of ??, got Int"
    c, d = only("in s: String\nx = Lookup(s) ?? 0\nout x\n", "E010")
    assert d.message == "Type mismatch: expected String, got Int"
    assert c.at(d) == (2, 18)


def test_literals() -> None:
    c = clean("in n: Int\nx = [1, n, 2.5]\ne = []\nr = { a: 1, b: [true] }\nout x\nout e\nout r\n")
    assert c.value("x").type == ListT(elem=FLOAT)
    assert c.value("e").type == ListT(elem=NOTHING)
    assert c.value("r").type == RecordT(fields=(("a", INT), ("b", ListT(elem=BOOLEAN))))
    c, _d = only("x = { a: 1, a: 2 }\nout x\n", "E030")


MATCH_TYPES = "type Found = { value: Int, note: String }\ntype Failed = { error: String }\n"


def test_match_binds_fields_and_narrows() -> None:
    c = clean(
        MATCH_TYPES
        + """in r: Found | Failed | String
x = match (r) {
  { value } -> value + 1,
  { error } -> 0,
  is String -> WordCount(r)
}
out x
"""
    )
    m = c.value("x")
    assert isinstance(m, t.TMatch) and m.type == INT
    assert [k.kind for k in m.cases] == ["record", "record", "type"]
    assert m.cases[0].fields == ("value",)
    assert m.cases[2].match_type == STRING
    first = m.cases[0].value
    assert isinstance(first, t.TBinOp) and isinstance(first.left, t.TRef) and first.left.kind == "param"


def test_match_non_exhaustive_and_unreachable() -> None:
    c, d = only(MATCH_TYPES + "in r: Found | Failed\nx = match (r) { { value } -> 1 }\nout x\n", "E015")
    assert d.message == "Non-exhaustive match: missing { error: String }"
    assert c.at(d) == (4, 5)
    c, d = only(
        MATCH_TYPES + "in r: Found | Failed\nx = match (r) { { value } -> 1, { error } -> 2, _ -> 3 }\nout x\n", "W007"
    )
    assert d.message == "Unreachable match arm: earlier arms already cover what it matches"
    assert c.at(d) == (4, 49)
    c, d = only(MATCH_TYPES + "in r: Found | Failed\nx = match (r) { { nope } -> 1, _ -> 2 }\nout x\n", "E015")
    assert (
        d.message == "Pattern { nope } can never match: no member of { value: Int, note: String } | "
        "{ error: String } has all these fields"
    )


def test_match_optional_needs_wildcard_for_none() -> None:
    _c, d = only("in s: String\nx = match (Lookup(s)) { is String -> 1 }\nout x\n", "E015")
    assert d.message == "Non-exhaustive match: missing none"
    clean("in s: String\nx = match (Lookup(s)) { is String -> 1, _ -> 0 }\nout x\n")


def test_one_mistake_one_diagnostic() -> None:
    c = check("in s: String\na = Nope(s)\nb = a + 1\nc = b.field\nd = Trim(c)\nout d\n")
    assert c.codes == ["E002"], c.describe()
