"""Properties of the type model (cst_cli/types/model.py): subtyping is a preorder, join is an upper bound."""

from __future__ import annotations

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from cst_cli.types.model import (
    BOOLEAN,
    FLOAT,
    INT,
    NOTHING,
    STRING,
    FunctionT,
    ListT,
    MapT,
    NothingT,
    OptionalT,
    RecordT,
    SeqT,
    Type,
    TypeVar,
    UnionT,
    is_subtype,
    join,
    join_all,
    merge_records,
    render,
    same_type,
    union,
    zero_value,
)

FIELD_NAMES = ("a", "b", "c")

leaves: st.SearchStrategy[Type] = st.sampled_from([STRING, INT, FLOAT, BOOLEAN, NOTHING, TypeVar(name="T")])


def _records(children: st.SearchStrategy[Type]) -> st.SearchStrategy[Type]:
    return st.dictionaries(st.sampled_from(FIELD_NAMES), children, max_size=3).map(
        lambda d: RecordT(fields=tuple(d.items()))
    )


def _extend(children: st.SearchStrategy[Type]) -> st.SearchStrategy[Type]:
    return st.one_of(
        children.map(lambda t: ListT(elem=t)),
        children.map(lambda t: SeqT(elem=t)),
        children.map(lambda t: OptionalT(inner=t)),
        st.builds(lambda k, v: MapT(key=k, value=v), st.sampled_from([STRING, INT]), children),
        _records(children),
        st.lists(children, min_size=2, max_size=3).map(union),
        st.builds(lambda p, r: FunctionT(params=(p,), result=r), children, children),
    )


types: st.SearchStrategy[Type] = st.recursive(leaves, _extend, max_leaves=8)
# Few leaves and shallow: random pairs and triples are then often related, so the implications below bite.
small_types: st.SearchStrategy[Type] = st.recursive(
    st.sampled_from([INT, FLOAT, STRING, NOTHING]),
    lambda c: st.one_of(
        c.map(lambda t: ListT(elem=t)),
        c.map(lambda t: SeqT(elem=t)),
        c.map(lambda t: OptionalT(inner=t)),
        _records(c),
        st.lists(c, min_size=2, max_size=2).map(union),
    ),
    max_leaves=3,
)


@st.composite
def supertypes(draw: st.DrawFn, t: Type) -> Type:
    """A random supertype of `t`, built from the rules of LANGUAGE.md section 3 only."""
    choices = ["self", "optional", "union"]
    match t:
        case NothingT():
            return draw(types)
        case _ if t == INT:
            choices.append("float")
        case ListT():
            choices += ["seq", "elem"]
        case SeqT() | OptionalT():
            choices.append("elem")
        case MapT():
            choices.append("value")
        case RecordT(fields=fs) if fs:
            choices += ["drop", "depth"]
        case UnionT():
            choices.append("member")
        case FunctionT():
            choices.append("result")
    match draw(st.sampled_from(choices)):
        case "optional":
            return OptionalT(inner=draw(supertypes(t)))
        case "union":
            return union((t, draw(types)))
        case "float":
            return FLOAT
        case "seq":
            assert isinstance(t, ListT)
            return SeqT(elem=draw(supertypes(t.elem)))
        case "elem" if isinstance(t, ListT):
            return ListT(elem=draw(supertypes(t.elem)))
        case "elem" if isinstance(t, SeqT):
            return SeqT(elem=draw(supertypes(t.elem)))
        case "elem" if isinstance(t, OptionalT):
            return OptionalT(inner=draw(supertypes(t.inner)))
        case "value" if isinstance(t, MapT):
            return MapT(key=t.key, value=draw(supertypes(t.value)))
        case "drop" if isinstance(t, RecordT):
            keep = draw(st.lists(st.sampled_from(t.names), unique=True))
            return RecordT(fields=tuple((n, x) for n, x in t.fields if n in keep))
        case "depth" if isinstance(t, RecordT):
            return RecordT(fields=tuple((n, draw(supertypes(x))) for n, x in t.fields))
        case "member" if isinstance(t, UnionT):
            return union(draw(supertypes(m)) for m in t.members)
        case "result" if isinstance(t, FunctionT):
            return FunctionT(params=t.params, result=draw(supertypes(t.result)))
    return t


@given(types)
def test_subtyping_is_reflexive(t: Type) -> None:
    assert is_subtype(t, t)
    assert same_type(t, t)


@given(types)
def test_nothing_is_below_everything(t: Type) -> None:
    assert is_subtype(NOTHING, t)


@given(st.data())
def test_generated_supertypes_are_supertypes(data: st.DataObject) -> None:
    t = data.draw(types)
    sup = data.draw(supertypes(t))
    assert is_subtype(t, sup), f"{render(t)} should be below {render(sup)}"


@given(st.data())
def test_subtyping_is_transitive_along_chains(data: st.DataObject) -> None:
    a = data.draw(types)
    b = data.draw(supertypes(a))
    c = data.draw(supertypes(b))
    assert is_subtype(a, c), f"{render(a)} <: {render(b)} <: {render(c)}"


@settings(max_examples=300)
@given(small_types, small_types, small_types)
def test_subtyping_is_transitive(a: Type, b: Type, c: Type) -> None:
    if is_subtype(a, b) and is_subtype(b, c):
        assert is_subtype(a, c), f"{render(a)} <: {render(b)} <: {render(c)}"


@given(types, types)
def test_join_is_an_upper_bound(a: Type, b: Type) -> None:
    j = join(a, b)
    assert is_subtype(a, j), f"{render(a)} not below join {render(j)}"
    assert is_subtype(b, j), f"{render(b)} not below join {render(j)}"


@given(types, types)
def test_join_is_the_supertype_when_there_is_one(a: Type, b: Type) -> None:
    if is_subtype(a, b):
        assert join(a, b) == b


@given(types, types)
def test_join_is_symmetric_up_to_equivalence(a: Type, b: Type) -> None:
    assert is_subtype(join(a, b), join(b, a))
    assert is_subtype(join(b, a), join(a, b))


@given(st.lists(types, max_size=4))
def test_join_all_is_an_upper_bound_of_every_type(ts: list[Type]) -> None:
    j = join_all(ts)
    assert all(is_subtype(t, j) for t in ts)


@given(st.lists(types, max_size=4))
def test_union_is_flat_and_without_duplicates(ts: list[Type]) -> None:
    u = union(ts)
    if isinstance(u, UnionT):
        assert len(u.members) >= 2
        assert not any(isinstance(m, UnionT | NothingT) for m in u.members)
        assert not any(same_type(x, y) for i, x in enumerate(u.members) for y in u.members[i + 1 :])
    for t in ts:
        assert is_subtype(t, u)


@given(types)
def test_types_round_trip_through_json(t: Type) -> None:
    assert msgspec.json.decode(msgspec.json.encode(t), type=Type) == t


@given(types)
def test_render_and_zero_value_accept_every_type(t: Type) -> None:
    assert render(t)
    zero_value(t)


def test_examples_of_section_3() -> None:
    rec_ab = RecordT(fields=(("a", INT), ("b", STRING)))
    rec_a = RecordT(fields=(("a", FLOAT),))
    assert is_subtype(INT, FLOAT) and not is_subtype(FLOAT, INT)
    assert is_subtype(ListT(elem=INT), SeqT(elem=INT)) and not is_subtype(SeqT(elem=INT), ListT(elem=INT))
    assert is_subtype(rec_ab, rec_a)  # width and depth
    assert not is_subtype(rec_a, rec_ab)
    assert is_subtype(MapT(key=STRING, value=INT), MapT(key=STRING, value=FLOAT))
    assert not is_subtype(MapT(key=INT, value=INT), MapT(key=FLOAT, value=INT))  # keys are invariant
    assert is_subtype(INT, union((STRING, INT)))
    assert not is_subtype(union((STRING, INT)), INT)
    assert is_subtype(STRING, OptionalT(inner=STRING))
    assert join(INT, FLOAT) == FLOAT
    assert join(INT, STRING) == union((INT, STRING))
    assert join(ListT(elem=INT), SeqT(elem=STRING)) == SeqT(elem=union((INT, STRING)))
    assert union((union((INT, STRING)), BOOLEAN)) == UnionT(members=(INT, STRING, BOOLEAN))
    assert merge_records(rec_ab, rec_a) == RecordT(fields=(("b", STRING), ("a", FLOAT)))
    assert render(FunctionT(params=(INT,), result=ListT(elem=OptionalT(inner=STRING)))) == (
        "(Int) => List<Optional<String>>"
    )
