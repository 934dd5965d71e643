"""Declarations: type aliases, use, inputs and @example, bindings in any order, duplicates, cycles, outputs,
unused names, and the shape of the TypedProgram."""

from __future__ import annotations

from cst_cli.types.model import FLOAT, INT, STRING, ListT, OptionalT, RecordT, SeqT, UnionT
from tests.check._helpers import check, clean, only


def test_aliases_resolve_in_any_order_with_merge_union_and_legacy_names() -> None:
    c = clean(
        """
        type Priced = Base + { price: Float }
        type Base = { sku: String }
        type Both = Int | String
        in items: Candidates<Priced>
        in tag: Optional<Both>
        in m: Map<String, Int>
        x = items
        out x
        out tag
        out m
        """
    )
    assert c.typed is not None
    priced = RecordT(fields=(("sku", STRING), ("price", FLOAT)))
    assert dict(c.typed.aliases)["Priced"] == priced
    types = {i.name: i.type for i in c.typed.inputs}
    assert types["items"] == SeqT(elem=priced)
    assert types["tag"] == OptionalT(inner=UnionT(members=(INT, STRING)))


def test_undefined_type_has_did_you_mean() -> None:
    c, d = only("in n: Integr\nout n\n", "E003")
    assert d.message == "Undefined type: Integr"
    assert d.hint == "did you mean 'Int'?"
    assert c.at(d) == (1, 7)


def test_alias_cycle_and_duplicate_alias() -> None:
    c = check(
        """
        type A = { b: B }
        type B = List<A>
        type C = Int
        type C = String
        in x: C
        out x
        """
    )
    cycle = c.one("E031")
    assert cycle.message == "Circular dependency: type A -> B -> A"
    assert c.at(cycle) == (1, 6)
    dup = c.one("E030")
    assert c.at(dup) == (4, 6)
    assert dup.notes and dup.notes[0].span is not None
    assert c.source.position(dup.notes[0].span.start).line == 3


def test_generic_arity_and_type_merge_errors() -> None:
    c = check("in a: List<Int, Int>\nin b: Int<String>\nin c: { x: Int } + Int\nout a\nout b\nout c\n")
    assert c.codes == ["E015", "E015", "E012"], c.describe()
    assert c.diags[0].message == "Type List takes 1 type argument, got 2"


def test_use_unknown_namespace_and_aliases() -> None:
    c, d = only("use stdlib.maths\nin a: Int\nout a\n", "E004")
    assert d.message == "Undefined namespace: stdlib.maths"
    assert d.hint is not None and d.hint.startswith("did you mean 'stdlib.math'")
    assert c.at(d) == (1, 5)
    clean("use stdlib.math as m\nin a: Int\ns = m.add(a, 2)\nout s\n")
    c = check("use stdlib.math as m\nuse stdlib.string as m\nin a: Int\nout a\n")
    assert c.codes == ["E030"]


def test_example_is_type_checked_and_kept() -> None:
    c = clean('@example(["a", "b"])\nin words: List<String>\n@example(3)\nin n: Float\nout words\nout n\n')
    assert c.typed is not None
    assert [len(i.examples) for i in c.typed.inputs] == [1, 1]
    c, d = only('@example("ten")\nin limit: Int\nout limit\n', "E010")
    assert d.message == "Type mismatch: expected Int, got String"
    assert c.at(d) == (1, 10)


def test_bad_annotations() -> None:
    c = check(
        """
        @exmaple("x")
        in a: String
        @sink("kafka")
        in b: String
        @example(a)
        in d: String
        @source("kafka", topic: "t")
        in e: String
        @example("x")
        out a
        out b
        out d
        out e
        """
    )
    assert c.codes == ["E046", "E046", "E046", "E046"], c.describe()
    assert c.diags[0].message == "Invalid annotation: unknown annotation @exmaple"
    assert c.diags[0].hint == "did you mean 'example'?"
    assert c.diags[1].message == "Invalid annotation: @sink cannot stand before `in`"
    assert c.diags[2].message == "Invalid annotation: an @example must be a constant, it cannot use 'a'"
    assert c.at(c.diags[3]) == (9, 1)


def test_bindings_in_any_order_are_ordered_by_dependency_stably() -> None:
    c = clean(
        """
        in text: String
        total = WordCount(upper)
        upper = Uppercase(trimmed)
        other = Trim(text)
        trimmed = Trim(text)
        out total
        out other
        """
    )
    assert c.typed is not None
    assert [b.name for b in c.typed.bindings] == ["other", "trimmed", "upper", "total"]
    assert [(o.name, o.type) for o in c.typed.outputs] == [("total", INT), ("other", STRING)]


def test_cycle_is_reported_once_in_order_and_checking_goes_on() -> None:
    c = check(
        """
        in n: Int
        a = SumList(b)
        b = FilterGreaterThan(c, n)
        c = FilterGreaterThan(a, n)
        d = Trim(n)
        out d
        out a
        """
    )
    assert c.codes == ["E031", "E010"], c.describe()
    cycle = c.diags[0]
    assert cycle.message == "Circular dependency: a -> b -> c -> a"
    assert c.at(cycle) == (2, 1)
    assert [c.source.position(n.span.start).line for n in cycle.notes if n.span] == [2, 3, 4]


def test_self_reference_is_a_cycle() -> None:
    _c, d = only("x = SumList(x)\nout x\n", "E031")
    assert d.message == "Circular dependency: x -> x"


def test_duplicates_binding_and_input() -> None:
    c = check(
        """
        in text: String
        in text: String
        t = Trim(text)
        t = Uppercase(text)
        out t
        """
    )
    assert c.codes == ["E030", "E030"], c.describe()
    assert [c.at(d) for d in c.diags] == [(2, 4), (4, 1)]
    assert c.diags[1].message == "Duplicate definition: t is already defined"
    note = c.diags[1].notes[0]
    assert note.span is not None and c.source.position(note.span.start).line == 3


def test_output_must_name_something_and_no_output_is_an_error() -> None:
    c, d = only("in text: String\ncleaned = Trim(text)\nout cleand\n", "E001")
    assert d.message == "Undefined variable: cleand"
    assert d.hint == "did you mean 'cleaned'?"
    assert c.at(d) == (3, 5)
    c, d = only("in text: String\ncleaned = Trim(text)\n", "E043")
    assert d.message == "Program has no output"
    assert c.at(d) == (1, 1)


def test_output_can_be_an_input_and_duplicate_output() -> None:
    clean("in text: String\nout text\n")
    c, d = only("in text: String\nout text\nout text\n", "E030")
    assert c.at(d) == (3, 5)


def test_unused_input_and_binding() -> None:
    c = check(
        """
        in text: String
        in lang: String
        words = WordCount(text)
        len = WordCount(lang)
        out words
        """
    )
    assert c.codes == ["W003", "W004"], c.describe()
    assert c.diags[0].message == "Unused input: lang"
    assert c.diags[1].message == "Unused binding: len"
    assert [c.at(d) for d in c.diags] == [(2, 4), (4, 1)]
    assert c.typed is not None  # warnings only


def test_every_problem_in_a_file_is_reported() -> None:
    c = check(
        """
        in text: String
        a = Trim(txt)
        b = Uppercase(42)
        d = Undefined(text)
        e = text.length
        out a
        out b
        out d
        out e
        """
    )
    assert c.codes == ["E001", "E010", "E002", "E007"], c.describe()
    assert c.typed is None


def test_list_types_render_and_typed_inputs() -> None:
    c = clean("in xs: List<List<Int>>\nout xs\n")
    assert c.typed is not None and c.typed.inputs[0].type == ListT(elem=ListT(elem=INT))
