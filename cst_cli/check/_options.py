"""`with` options (LANGUAGE.md section 5): validate each value, resolve it to a plain value for `Options`.

`fallback` is an expression and is checked by the caller; everything else is validated here.
Imports the AST, diagnostics and the module API only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cst_cli.diagnostics import Diagnostic, error, warning
from cst_cli.modules.api import PRIORITY_NAMES
from cst_cli.modules.registry import suggestion
from cst_cli.syntax import ast

BACKOFFS = ("fixed", "linear", "exponential")
ON_ERRORS = ("propagate", "skip", "log", "wrap")
CACHE_BACKENDS = ("memory", "disk")
STREAMING = ("batch", "batch_timeout", "window", "checkpoint", "join")
_VALUED = (
    "retry",
    "delay",
    "backoff",
    "timeout",
    "cache",
    "cache_backend",
    "throttle",
    "concurrency",
    "on_error",
    "lazy",
    "priority",
)
OPTION_NAMES = (*_VALUED, "fallback", *STREAMING)

OptionValue = ast.Expr | ast.Duration | ast.Rate


class BadValue(Exception):
    """The option's value is out of range; `why` completes `Invalid value for 'x': v (why)`."""

    def __init__(self, why: str, hint: str | None = None) -> None:
        super().__init__(why)
        self.why = why
        self.hint = hint


def option_text(v: OptionValue) -> str:
    """The value as the user wrote it, near enough (for messages and `TCall.streaming`)."""
    match v:
        case ast.Duration(amount=a, unit=u):
            return f"{a}{u}"
        case ast.Rate(count=c, per=per):
            return f"{c}/{option_text(per)}"
        case ast.IntLit(value=x):
            return str(x)
        case ast.FloatLit(value=x):
            return repr(x)
        case ast.BoolLit(value=x):
            return "true" if x else "false"
        case ast.StrLit(value=x):
            return '"' + x.replace("\\", "\\\\").replace('"', '\\"') + '"'
        case ast.Ref(name=n):
            return n
        case ast.UnaryOp(op="-", operand=ast.IntLit(value=x)):
            return f"-{x}"
        case ast.FieldAccess(target=t, field=f):
            return f"{option_text(t)}.{f}"
    return "<expression>"


def _int(v: OptionValue) -> int:
    match v:
        case ast.IntLit(value=x):
            return x
        case ast.UnaryOp(op="-", operand=ast.IntLit(value=x)):
            return -x
    raise BadValue("must be an integer")


def _count(low: int, what: str) -> Callable[[OptionValue], int]:
    def parse(v: OptionValue) -> int:
        try:
            n = _int(v)
        except BadValue:
            raise BadValue(f"must be {what}") from None
        if n < low:
            raise BadValue(f"must be {what}")
        return n

    return parse


def _duration(positive: bool) -> Callable[[OptionValue], float]:
    def parse(v: OptionValue) -> float:
        if not isinstance(v, ast.Duration):
            raise BadValue("must be a duration", "write it with a unit: 200ms, 2s, 10min, 1h, 1d")
        if positive and v.amount <= 0:
            raise BadValue("must be > 0")
        return v.seconds

    return parse


def _word(allowed: tuple[str, ...], quoted: bool = False) -> Callable[[OptionValue], str]:
    """One of `allowed`, written bare (`exponential`) or as a string (`"disk"`); messages show `quoted` ones
    in quotes."""

    def parse(v: OptionValue) -> str:
        word = v.name if isinstance(v, ast.Ref) else v.value if isinstance(v, ast.StrLit) else None
        if word not in allowed:
            hint = suggestion(word, allowed) if word else None
            shown = (f'"{a}"' if quoted else a for a in allowed)
            raise BadValue("must be one of " + ", ".join(shown), hint)
        return word

    return parse


def _bool(v: OptionValue) -> bool:
    if isinstance(v, ast.BoolLit):
        return v.value
    raise BadValue("must be true or false")


def _priority(v: OptionValue) -> int:
    if isinstance(v, ast.Ref):
        if v.name in PRIORITY_NAMES:
            return PRIORITY_NAMES[v.name]
        raise BadValue("must be one of " + ", ".join(PRIORITY_NAMES) + " or 0-100", suggestion(v.name, PRIORITY_NAMES))
    try:
        n = _int(v)
    except BadValue:
        raise BadValue("must be one of " + ", ".join(PRIORITY_NAMES) + " or 0-100") from None
    if not 0 <= n <= 100:
        raise BadValue("must be between 0 and 100")
    return n


def _throttle(v: OptionValue) -> tuple[int, float]:
    if not isinstance(v, ast.Rate):
        raise BadValue("must be a rate N/duration", "e.g. throttle: 10/1s")
    if v.count < 1:
        raise BadValue("must allow at least 1 call")
    if v.per.amount <= 0:
        raise BadValue("must have a window > 0")
    return (v.count, v.per.seconds)


_PARSERS: dict[str, Callable[[OptionValue], Any]] = {
    "retry": _count(0, "an integer >= 0"),
    "delay": _duration(positive=False),
    "backoff": _word(BACKOFFS),
    "timeout": _duration(positive=True),
    "cache": _duration(positive=True),
    "cache_backend": _word(CACHE_BACKENDS, quoted=True),
    "throttle": _throttle,
    "concurrency": _count(1, "an integer >= 1"),
    "on_error": _word(ON_ERRORS),
    "lazy": _bool,
    "priority": _priority,
    "batch": _count(1, "an integer >= 1"),
    "batch_timeout": _duration(positive=True),
    "window": _duration(positive=True),
}


class OptionsResult:
    """What a `with` clause says: resolved values for `Options`, the fallback expression, streaming text."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self.fallback: ast.Option | None = None
        self.streaming: list[tuple[str, str]] = []


def read_options(options: tuple[ast.Option, ...], diags: list[Diagnostic]) -> OptionsResult:
    """Validate every option; duplicates: the last one wins (W005)."""
    out = OptionsResult()
    seen: dict[str, ast.Option] = {}
    for opt in options:
        name = opt.name
        if name not in OPTION_NAMES:
            diags.append(
                error(
                    "E045",
                    f"Unknown option: {name}",
                    opt.name_span,
                    suggestion(name, OPTION_NAMES) or "options: " + ", ".join(OPTION_NAMES),
                )
            )
            continue
        if name in seen:
            diags.append(
                warning(
                    "W005",
                    f"Duplicate option '{name}': the last one wins",
                    opt.name_span,
                    "remove one of them",
                )
            )
        seen[name] = opt
        if name == "fallback":
            out.fallback = opt
            continue
        parse = _PARSERS.get(name)
        try:
            value = parse(opt.value) if parse is not None else None
        except BadValue as bad:
            out.values.pop(name, None)  # an earlier duplicate does not win instead
            diags.append(
                error(
                    "E016",
                    f"Invalid value for '{name}': {option_text(opt.value)} ({bad.why})",
                    opt.value.span,
                    bad.hint,
                )
            )
            continue
        if name in STREAMING:
            out.streaming = [(n, t) for n, t in out.streaming if n != name]
            out.streaming.append((name, option_text(opt.value)))
            diags.append(
                warning(
                    "W005",
                    f"Streaming option '{name}' has no effect yet",
                    opt.name_span,
                    "batch, batch_timeout, window, checkpoint and join are checked and kept, but a run ignores them",
                )
            )
            continue
        out.values[name] = value
    _warnings(out, seen, diags)
    return out


def _warnings(out: OptionsResult, seen: dict[str, ast.Option], diags: list[Diagnostic]) -> None:
    if "delay" in out.values and "retry" not in out.values and "retry" not in seen:
        diags.append(
            warning(
                "W001",
                "Option 'delay' has no effect without 'retry'",
                seen["delay"].name_span,
                "add retry: N, or remove delay",
            )
        )
    retry = out.values.get("retry")
    if isinstance(retry, int) and retry > 10:
        diags.append(
            warning(
                "W002",
                f"retry: {retry} is more than 10 attempts",
                seen["retry"].value.span,
                "so many retries multiply cost and latency; consider a fallback or a lower count",
            )
        )
