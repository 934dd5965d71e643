"""Type-variable inference for generic modules: unify parameter types with argument types, then substitute.

`N` constrained to (Int, Float) binds to Int or Float; mixed Int/Float arguments widen it to Float.
Imports the type model only.
"""

from __future__ import annotations

from cst_cli.types.model import (
    FLOAT,
    INT,
    NOTHING,
    UNKNOWN,
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
    UnknownT,
    is_subtype,
    mentions,
    render,
    union,
)

Bindings = dict[str, Type]


def has_vars(t: Type) -> bool:
    return mentions(t, TypeVar)


def unify(param: Type, arg: Type, env: Bindings) -> None:
    """Bind the variables of `param` from `arg`, in place. Never fails: what does not fit is left for the
    subtype check after substitution to report."""
    match param, arg:
        case _, UnknownT() | NothingT():
            return
        case TypeVar(name=name, constraints=cs), _:
            candidate = _constrained(arg, cs) if cs else arg
            if candidate is None:
                return
            have = env.get(name)
            if have is None or (is_subtype(have, candidate) and not is_subtype(candidate, have)):
                env[name] = candidate  # first binding, or a widening such as Int then Float
            # an unrelated type keeps the first binding: the subtype check then reports the argument
        case ListT(elem=p), ListT(elem=a):
            unify(p, a, env)
        case SeqT(elem=p), ListT(elem=a) | SeqT(elem=a):
            unify(p, a, env)
        case OptionalT(inner=p), OptionalT(inner=a):
            unify(p, a, env)
        case OptionalT(inner=p), _:
            unify(p, arg, env)
        case MapT(key=pk, value=pv), MapT(key=ak, value=av):
            unify(pk, ak, env)
            unify(pv, av, env)
        case RecordT(), RecordT():
            for name, t in param.fields:
                have = arg.field(name)
                if have is not None:
                    unify(t, have, env)
        case UnionT(members=ms), _:
            with_vars = [m for m in ms if has_vars(m)]
            if len(with_vars) == 1 and not any(is_subtype(arg, m) for m in ms if not has_vars(m)):
                unify(with_vars[0], arg, env)


def _constrained(arg: Type, constraints: tuple[Type, ...]) -> Type | None:
    for c in constraints:
        if arg == c:
            return c
    if arg == INT and FLOAT in constraints:
        return FLOAT
    for c in constraints:
        if is_subtype(arg, c):
            return c
    return None


def substitute(t: Type, env: Bindings, unbound: Type = NOTHING) -> Type:
    """`t` with bound variables replaced; unbound ones become `unbound`."""
    match t:
        case TypeVar(name=name):
            return env.get(name, unbound)
        case ListT(elem=e):
            return ListT(elem=substitute(e, env, unbound))
        case SeqT(elem=e):
            return SeqT(elem=substitute(e, env, unbound))
        case OptionalT(inner=e):
            inner = substitute(e, env, unbound)
            return inner if isinstance(inner, OptionalT | UnknownT) else OptionalT(inner=inner)
        case MapT(key=k, value=v):
            return MapT(key=substitute(k, env, unbound), value=substitute(v, env, unbound))
        case RecordT(fields=fs):
            return RecordT(fields=tuple((n, substitute(x, env, unbound)) for n, x in fs))
        case UnionT(members=ms):
            return union(substitute(x, env, unbound) for x in ms)
        case FunctionT(params=ps, result=r):
            return FunctionT(params=tuple(substitute(x, env, unbound) for x in ps), result=substitute(r, env, unbound))
    return t


def render_expected(param: Type, env: Bindings) -> str:
    """How an expected parameter type reads in a message: variables substituted, a constrained unbound one as
    its choices (`Int or Float`)."""
    if isinstance(param, TypeVar) and param.name not in env and param.constraints:
        return " or ".join(render(c) for c in param.constraints)
    return render(substitute(param, env, UNKNOWN))


def accepts(param: Type, arg: Type, env: Bindings) -> bool:
    """Whether `arg` fits `param` once the variables are substituted (unbound ones accept anything that fits
    their constraints)."""
    if isinstance(param, TypeVar) and param.name not in env:
        return not param.constraints or _constrained(arg, param.constraints) is not None or arg == UNKNOWN
    return is_subtype(arg, substitute(param, env, UNKNOWN))
