"""The module API: `@module(...)` turns a typed Python callable into a ModuleSpec the checker and runner use.

Imports cst_cli.types only (never trio): reading a signature must not start an event loop.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, Literal, TypeVar

import msgspec

from cst_cli.types.model import Type

F = TypeVar("F", bound=Callable[..., Any])

Backoff = Literal["fixed", "linear", "exponential"]
OnError = Literal["propagate", "skip", "log", "wrap"]

PRIORITY_NAMES: dict[str, int] = {"critical": 100, "high": 75, "normal": 50, "low": 25, "background": 0}


class Options(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True, forbid_unknown_fields=True):
    """`with` options, resolved to plain values (durations in seconds). None means "not given".

    Used for a module's defaults and, by the checker, for what a call says; the runner overlays the call's
    options on the module's defaults (`Options.overlay`).
    """

    retry: int | None = None
    delay: float | None = None
    backoff: Backoff | None = None
    timeout: float | None = None
    cache: float | None = None
    cache_backend: str | None = None
    throttle: tuple[int, float] | None = None  # (calls, per seconds)
    concurrency: int | None = None
    on_error: OnError | None = None
    lazy: bool | None = None
    priority: int | None = None  # 0-100, names map through PRIORITY_NAMES
    breaker_threshold: int | None = None  # consecutive failures that open the circuit
    breaker_cooldown: float | None = None  # seconds the circuit stays open

    def overlay(self, over: Options) -> Options:
        """These options with every field that `over` sets replaced by `over`'s value."""
        fields = {f: getattr(over, f) for f in self.__struct_fields__ if getattr(over, f) is not None}
        return msgspec.structs.replace(self, **fields)


class Cost(msgspec.Struct, frozen=True, kw_only=True):
    """What one call costs in USD: a fixed price per call, or `per_call_fn(result) -> usd` computed from the
    call's result (e.g. tokens used times a price). `unit` names what is priced (for reports)."""

    per_call: float = 0.0
    per_call_fn: Callable[[Any], float] | None = None
    unit: str = "call"


class Param(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    type: Type
    has_default: bool = False


class ModuleSpec(msgspec.Struct, frozen=True, kw_only=True):
    """A registered module: its identity, language signature, defaults, cost and implementation."""

    name: str
    namespace: str | None
    version: tuple[int, int]
    description: str
    tags: tuple[str, ...]
    params: tuple[Param, ...]
    returns: Type
    defaults: Options
    cost: Cost
    func: Callable[..., Any]
    is_async: bool
    inline: bool  # cheap and pure: the runner may call it on the event loop instead of a worker thread
    origin: str = ""  # where it came from: "entry point stdlib = stdlib_modules"

    @property
    def qualified_name(self) -> str:
        return f"{self.namespace}.{self.name}" if self.namespace else self.name

    @property
    def version_text(self) -> str:
        return f"{self.version[0]}.{self.version[1]}"

    @property
    def major(self) -> int:
        return self.version[0]

    def describe(self) -> dict[str, Any]:
        """The JSON shape `cst modules --format json` and `GET /modules` share."""
        from cst_cli.types.model import render

        return {
            "name": self.qualified_name,
            "version": self.version_text,
            "signature": self.signature(),
            "params": [{"name": p.name, "type": render(p.type)} for p in self.params],
            "returns": render(self.returns),
            "description": self.description,
            "tags": list(self.tags),
            "origin": self.origin,
            "async": self.is_async,
            "cost_per_call_usd": self.cost.per_call,
        }

    def signature(self) -> str:
        """`add(a: Int, b: Int) -> Int` in the language's types."""
        from cst_cli.types.model import render

        ps = ", ".join(f"{p.name}: {render(p.type)}" for p in self.params)
        return f"{self.name}({ps}) -> {render(self.returns)}"


class ModuleDefinitionError(Exception):
    """A callable could not be made a module (an unsupported type hint, a bad version)."""


def _parse_version(version: str) -> tuple[int, int]:
    parts = version.split(".")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        raise ModuleDefinitionError(f"version must be 'major.minor', got {version!r}")
    return int(parts[0]), int(parts[1])


def module(
    name: str | None = None,
    *,
    namespace: str | None = None,
    version: str = "1.0",
    description: str = "",
    tags: tuple[str, ...] | list[str] = (),
    defaults: Options | None = None,
    cost: Cost | float | None = None,
    inline: bool = False,
) -> Callable[[F], F]:
    """Register a typed callable as a module. The function is returned unchanged, with the spec attached
    as `__cst_module__`; an entry point in group `cst.modules` naming the Python module makes it visible.

    Args:
        name: the name pipelines call (default: the function's name).
        namespace: e.g. "stdlib.math"; None for a top-level module.
        version: "major.minor"; several majors of one name may be installed side by side.
        description: one line for `cst modules`.
        tags: free-form labels.
        defaults: options applied when a call gives none (timeout, retry, breaker ...).
        cost: USD per call, or a Cost with a function of the result.
        inline: a cheap pure function the runner may call without a worker thread.

    Raises:
        ModuleDefinitionError: a parameter or the return lacks a supported type hint.
    """

    def wrap(func: F) -> F:
        from cst_cli.types.hints import UnsupportedHint, signature_of

        try:
            raw, returns = signature_of(func)
        except UnsupportedHint as exc:
            raise ModuleDefinitionError(str(exc)) from exc
        params = tuple(Param(name=n, type=t, has_default=d) for n, t, d in raw)
        spec = ModuleSpec(
            name=name or func.__name__,
            namespace=namespace,
            version=_parse_version(version),
            description=description or (inspect.getdoc(func) or "").split("\n")[0],
            tags=tuple(tags),
            params=params,
            returns=returns,
            defaults=defaults or Options(),
            cost=cost if isinstance(cost, Cost) else Cost(per_call=float(cost or 0.0)),
            func=func,
            is_async=inspect.iscoroutinefunction(func),
            inline=inline,
        )
        func.__cst_module__ = spec  # type: ignore[attr-defined]
        return func

    return wrap


def spec_of(obj: object) -> ModuleSpec | None:
    spec = getattr(obj, "__cst_module__", None)
    return spec if isinstance(spec, ModuleSpec) else None
