"""Lambdas as plain Python callables for higher-order modules: each call evaluates the lambda's body graph
synchronously (recursion bounded by the body's nesting).

Calls inside a body are made through `invoke(call_node, args)`, supplied by the runner: sync modules are
called directly, async ones through `trio.from_thread.run` (the runner puts such higher-order calls in a
worker thread). `fallback:` and `on_error` are honoured there; retry, timeout, cache and throttle are not.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from cst_cli.dag.ir import (
    AnyNode,
    CallNode,
    CaptureNode,
    ConstNode,
    InputNode,
    LambdaNode,
    OpNode,
    ParamNode,
)
from cst_cli.runtime.ops import UNSET, OpError, op_function, step
from cst_cli.types.model import zero_value

Invoke = Callable[[CallNode, list[Any]], Any]


class LambdaError(Exception):
    """A call or operation inside a lambda body failed; the higher-order call fails with this message."""


def make_closure(node: LambdaNode, captures: Sequence[Any], invoke: Invoke) -> Callable[..., Any]:
    body = node.body
    fns: dict[int, Callable[..., Any]] = {}
    for j, n in enumerate(body):
        if isinstance(n, OpNode):
            fns[j] = op_function(n)

    def call(*args: Any) -> Any:
        values: list[Any] = [UNSET] * len(body)

        def ev(j: int) -> Any:
            v = values[j]
            if v is not UNSET:
                return v
            n: AnyNode = body[j]
            match n:
                case ParamNode(index=k):
                    v = args[k]
                case CaptureNode(index=k):
                    v = captures[k]
                case ConstNode(value=c):
                    v = c
                case OpNode():
                    try:
                        v = fns[j](*[ev(d) for d in n.deps])
                    except OpError as exc:
                        raise LambdaError(str(exc)) from None
                case CallNode():
                    v = _call(n, [ev(d) for d in n.deps], ev, invoke)
                case LambdaNode():
                    v = make_closure(n, [ev(d) for d in n.deps], invoke)
                case InputNode():  # pragma: no cover - inputs are captured, never inside a body
                    raise AssertionError("input inside a lambda body")
                case _:
                    for d in n.deps:
                        ev(d)
                    while True:
                        try:
                            done, x = step(n, values)
                        except OpError as exc:
                            raise LambdaError(str(exc)) from None
                        if done:
                            v = x
                            break
                        ev(x)
            values[j] = v
            return v

        return ev(node.result)

    return call


def _call(n: CallNode, args: list[Any], ev: Callable[[int], Any], invoke: Invoke) -> Any:
    try:
        return invoke(n, args)
    except Exception as exc:
        if n.fallback is not None:
            return ev(n.fallback)
        if n.options.on_error in ("skip", "log"):
            return zero_value(n.type)
        if isinstance(exc, LambdaError):
            raise
        raise LambdaError(f"{n.module}: {type(exc).__name__}: {exc}") from None
