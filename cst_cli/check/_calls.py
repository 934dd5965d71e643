"""Module calls: resolution, argument placement (positional, then named), generic inference, lambdas,
`with` options and the fallback.

Imports the AST, types, modules, typed IR and the sibling checker modules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cst_cli.check import typed as t
from cst_cli.check._generics import Bindings, accepts, has_vars, render_expected, substitute, unify
from cst_cli.check._options import option_text, read_options
from cst_cli.check._scope import Locals, placeholder
from cst_cli.modules.api import ModuleSpec, Options, Param
from cst_cli.modules.registry import ResolveError, did_you_mean, suggestion
from cst_cli.syntax import ast
from cst_cli.types.model import (
    NOTHING,
    UNKNOWN,
    FunctionT,
    Type,
    contains_unknown,
    is_subtype,
    render,
)

if TYPE_CHECKING:
    from cst_cli.check._exprs import ExprChecker


_NO_OPTIONS = Options()
_NO_STREAMING: tuple[tuple[str, str], ...] = ()


def check_call(ck: ExprChecker, call: ast.Call, env: Locals) -> t.TExpr:
    found = ck.resolve_module(call.callee, call.version)
    opts = read_options(call.options, ck.diags) if call.options else None
    if isinstance(found, ResolveError):
        ck.err(found.code, found.message, call.callee_span, found.hint)
        for a in call.args:
            _check_loose(ck, a.value, env)
        if opts is not None and opts.fallback is not None:
            _fallback(ck, opts.fallback, UNKNOWN, env)
        return placeholder(call.span)
    spec = found
    placed, complete = _place(ck, spec, call, env)
    typed: dict[int, t.TExpr] = {}
    lambdas = False
    for i, arg in placed.items():
        if isinstance(arg.value, ast.Lambda):
            lambdas = True
        else:
            typed[i] = ck.check(arg.value, env)
    # unification and the argument checks depend only on the module and the argument types: memoised per file
    key = (id(spec), tuple(typed), tuple([te.type for te in typed.values()]))
    memo = ck.call_memo.get(key)
    if memo is None:
        env_vars: Bindings = {}
        for i, te in typed.items():
            unify(spec.params[i].type, te.type, env_vars)
        ok = all(_accepted(spec.params[i], te, env_vars) for i, te in typed.items())
        memo = ck.call_memo[key] = (spec, env_vars, ok, substitute(spec.returns, env_vars, NOTHING))
    _, bound, ok, result = memo
    if not ok or lambdas:
        env_vars = dict(bound)  # the lambdas may bind more: never the memo's own
        if not ok:
            for i, te in typed.items():
                _accept(ck, spec, spec.params[i], te, env_vars)
        if lambdas:
            for i, arg in sorted(placed.items()):
                if isinstance(arg.value, ast.Lambda):
                    typed[i] = _lambda(ck, spec, spec.params[i], arg.value, env_vars, env)
            result = substitute(spec.returns, env_vars, NOTHING)
    fallback = None if opts is None or opts.fallback is None else _fallback(ck, opts.fallback, result, env)
    if not complete:
        return placeholder(call.span)
    return t.TCall(
        span=call.span,
        type=result,
        module=spec,
        args=tuple([typed[i] for i in range(len(typed))]),
        options=_NO_OPTIONS if opts is None else Options(**opts.values),
        fallback=fallback,
        streaming=_NO_STREAMING if opts is None else tuple(opts.streaming),
    )


def _usage(spec: ModuleSpec, hint: str | None = None) -> str:
    usage = "usage: " + spec.signature()
    return f"{hint} {usage}" if hint else usage


def _place(ck: ExprChecker, spec: ModuleSpec, call: ast.Call, env: Locals) -> tuple[dict[int, ast.Arg], bool]:
    """Match arguments to parameters. Returns the placed ones and whether the call is complete (every
    argument placed, every parameter without a default given, no gap before a given one)."""
    if _positional_fit(call.args, spec.params):
        return dict(enumerate(call.args)), True  # nothing to report
    names = [p.name for p in spec.params]
    placed: dict[int, ast.Arg] = {}
    complete = True
    position = 0
    named_seen = False
    too_many_reported = False
    guessed: set[str] = set()  # parameters an unknown argument name probably meant: not also "missing"
    for arg in call.args:
        if arg.name is None:
            if named_seen:
                ck.err("E044", "Positional argument after a named argument", arg.span, _usage(spec))
                free = next((i for i in range(len(names)) if i not in placed), None)
                if free is not None:  # still check it where it would go, so the slot is not also "missing"
                    placed[free] = arg
                    complete = False
                    continue
            elif position >= len(names):
                if not too_many_reported:
                    n = len(names)
                    ck.err(
                        "E044",
                        f"Too many arguments for {spec.name}: it takes {n}, got "
                        f"{sum(1 for a in call.args if a.name is None)}",
                        arg.span,
                        _usage(spec),
                    )
                    too_many_reported = True
            else:
                placed[position] = arg
                position += 1
                continue
        else:
            named_seen = True
            if arg.name not in names:
                close = did_you_mean(arg.name, names)
                guessed.update(close[:1])
                ck.err(
                    "E044",
                    f"Unknown argument '{arg.name}' for {spec.name}",
                    arg.span,
                    _usage(spec, suggestion(arg.name, names)),
                )
            elif names.index(arg.name) in placed:
                ck.err("E044", f"Argument '{arg.name}' is given twice", arg.span, _usage(spec))
            else:
                placed[names.index(arg.name)] = arg
                continue
        complete = False
        _check_loose(ck, arg.value, env)
    missing = [p.name for i, p in enumerate(spec.params) if i not in placed and not p.has_default]
    if guessed:
        complete = False
        missing = [m for m in missing if m not in guessed]
    span = call.callee_span.cover(call.args[-1].span) if call.args else call.callee_span
    if missing:
        s = "s" if len(missing) > 1 else ""
        listed = ", ".join(f"'{m}'" for m in missing)
        ck.err("E044", f"Missing argument{s} {listed} for {spec.name}", span, _usage(spec))
        complete = False
    elif placed and max(placed) + 1 != len(placed):
        gap = next(i for i in range(len(names)) if i not in placed)
        ck.err(
            "E044",
            f"Argument '{names[gap]}' must be given when a later argument is given",
            span,
            _usage(spec, "arguments are passed by position;"),
        )
        complete = False
    return placed, complete


def _positional_fit(args: tuple[ast.Arg, ...], params: tuple[Param, ...]) -> bool:
    """Whether every argument is positional, none is one too many and every parameter left has a default."""
    k = len(args)
    if k > len(params):
        return False
    for a in args:
        if a.name is not None:
            return False
    for p in params[k:]:  # noqa: SIM110 - a loop is faster than all() over a generator on this hot path
        if not p.has_default:
            return False
    return True


def _check_loose(ck: ExprChecker, e: ast.Expr, env: Locals) -> None:
    """Check an argument that has nowhere to go, only for the errors inside it."""
    if isinstance(e, ast.Lambda):
        ck.check_lambda_body(e, [UNKNOWN] * len(e.params), env)
    else:
        ck.check(e, env)


def _accepted(param: Param, arg: t.TExpr, env_vars: Bindings) -> bool:
    """Whether `_accept` would report nothing."""
    return not isinstance(param.type, FunctionT) and accepts(param.type, arg.type, env_vars)


def _accept(ck: ExprChecker, spec: ModuleSpec, param: Param, arg: t.TExpr, env_vars: Bindings) -> None:
    if isinstance(param.type, FunctionT):
        ck.err(
            "E010",
            f"Type mismatch: expected {render(param.type)}, got {render(arg.type)}",
            arg.span,
            f"pass a lambda such as (x) => ...; argument '{param.name}' of {spec.signature()}",
        )
    elif not accepts(param.type, arg.type, env_vars):
        expected = render_expected(param.type, env_vars)
        hint = f"argument '{param.name}' of {spec.signature()}"  # only on the error path: rendering costs
        ck.err("E010", f"Type mismatch: expected {expected}, got {render(arg.type)}", arg.span, hint)


def _lambda(
    ck: ExprChecker, spec: ModuleSpec, param: Param, lam: ast.Lambda, env_vars: Bindings, env: Locals
) -> t.TExpr:
    ftype = param.type
    if not isinstance(ftype, FunctionT):
        ck.err(
            "E015",
            f"A lambda is not allowed here: parameter '{param.name}' of {spec.name} is {render(ftype)}",
            lam.span,
            _usage(spec),
        )
        ck.check_lambda_body(lam, [UNKNOWN] * len(lam.params), env)
        return placeholder(lam.span)
    if len(lam.params) != len(ftype.params):
        n, k = len(ftype.params), len(lam.params)
        ck.err(
            "E015",
            f"The lambda takes {k} parameter{'s' if k != 1 else ''} but {spec.name} passes {n}",
            lam.span,
            _usage(spec),
        )
        ck.check_lambda_body(lam, [UNKNOWN] * k, env)
        return placeholder(lam.span)
    ptypes: list[Type] = []
    for lp, pt in zip(lam.params, ftype.params, strict=True):
        given = substitute(pt, env_vars, UNKNOWN)
        if lp.type is None:
            ptypes.append(given)
            continue
        declared = ck.types.resolve(lp.type)
        if has_vars(pt):
            unify(pt, declared, env_vars)
        if not contains_unknown(given) and not is_subtype(given, declared):
            ck.err(
                "E010",
                f"Type mismatch: expected {render(given)}, got {render(declared)}",
                lp.span,
                f"{spec.name} passes {render(given)} to this parameter",
            )
        ptypes.append(declared)
    body = ck.check_lambda_body(lam, ptypes, env)
    unify(ftype.result, body.type, env_vars)
    result = substitute(ftype.result, env_vars, UNKNOWN)
    if not is_subtype(body.type, result):
        ck.err(
            "E010",
            f"Type mismatch: expected {render(result)}, got {render(body.type)}",
            body.span,
            f"the lambda's result, for argument '{param.name}' of {spec.signature()}",
        )
    ftype_out = FunctionT(params=tuple(ptypes), result=body.type)
    return t.TLambda(span=lam.span, type=ftype_out, params=tuple(p.name for p in lam.params), body=body)


def _fallback(ck: ExprChecker, opt: ast.Option, result: Type, env: Locals) -> t.TExpr | None:
    value = opt.value
    if isinstance(value, ast.Duration | ast.Rate):
        ck.err(
            "E016",
            f"Invalid value for 'fallback': {option_text(value)} (must be a value of the call's type)",
            value.span,
        )
        return None
    fb = ck.check(value, env)
    if not contains_unknown(result) and not is_subtype(fb.type, result):
        ck.err(
            "E017",
            f"Fallback type mismatch: module returns {render(result)} but fallback is {render(fb.type)}",
            fb.span,
            "the fallback must have the call's result type",
        )
    return fb
