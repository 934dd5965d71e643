"""The module registry: discovery through the `cst.modules` entry-point group, and name/version resolution.

A plugin that fails to load is recorded as a problem naming the plugin, never raised. A warm start reads
the signatures from the registry cache (_cache.py) and imports no plugin. Imports types and the module API only.
"""

from __future__ import annotations

import difflib
import time
import types
from collections.abc import Iterable, Mapping
from typing import Any

import msgspec

from cst_cli.modules import _cache
from cst_cli.modules.api import ModuleDefinitionError, ModuleSpec, spec_of

ENTRY_POINT_GROUP = "cst.modules"


class PluginProblem(msgspec.Struct, frozen=True, kw_only=True):
    """A plugin (entry point) that could not be loaded, or a module in it that was rejected."""

    plugin: str
    message: str


class Imports(msgspec.Struct, frozen=True, kw_only=True):
    """What a file's `use` declarations bring in."""

    namespaces: frozenset[str] = frozenset()  # `use ns` (no alias)
    aliases: Mapping[str, str] = msgspec.field(default_factory=dict)  # alias -> namespace
    any_use: bool = False  # a file with no `use` at all sees every namespaced module by simple name


class ResolveError(msgspec.Struct, frozen=True, kw_only=True):
    code: str  # E002 undefined function, E004 undefined namespace, E005 ambiguous, E047 unknown version
    message: str
    hint: str | None = None


def did_you_mean(name: str, candidates: Iterable[str], limit: int = 3) -> list[str]:
    """Names within a small edit distance, case-insensitive, at most `limit`."""
    lowered: dict[str, str] = {}
    for c in candidates:
        lowered.setdefault(c.lower(), c)
    close = difflib.get_close_matches(name.lower(), list(lowered), n=limit, cutoff=0.6)
    return [lowered[c] for c in close]


def suggestion(name: str, candidates: Iterable[str]) -> str | None:
    close = did_you_mean(name, candidates)
    if not close:
        return None
    return "did you mean " + ", ".join(f"'{c}'" for c in close) + "?"


class Registry:
    """Installed modules, indexed by qualified name and major version."""

    def __init__(self, specs: Iterable[ModuleSpec] = (), problems: Iterable[PluginProblem] = ()) -> None:
        self.problems: list[PluginProblem] = list(problems)
        self.pins: dict[str, int] = {}  # qualified or simple name -> major used by unpinned calls
        # qualified name -> major -> spec (the highest minor wins within a major)
        self._by_qname: dict[str, dict[int, ModuleSpec]] = {}
        # simple name -> qualified names
        self._by_simple: dict[str, set[str]] = {}
        for spec in specs:
            self.add(spec)

    @classmethod
    def from_specs(cls, specs: Iterable[ModuleSpec | Any]) -> Registry:
        """A registry of the given specs (or functions decorated with `@module`); for tests and tools."""
        out: list[ModuleSpec] = []
        for s in specs:
            spec = s if isinstance(s, ModuleSpec) else spec_of(s)
            if spec is None:
                raise TypeError(f"{s!r} is not a module")
            out.append(spec)
        return cls(out)

    def add(self, spec: ModuleSpec) -> None:
        majors = self._by_qname.setdefault(spec.qualified_name, {})
        have = majors.get(spec.major)
        if have is None or have.version < spec.version:
            majors[spec.major] = spec
        self._by_simple.setdefault(spec.name, set()).add(spec.qualified_name)

    def all(self) -> list[ModuleSpec]:
        """Every module, every major version, sorted by qualified name then version."""
        return sorted(
            (s for majors in self._by_qname.values() for s in majors.values()),
            key=lambda s: (s.qualified_name, s.version),
        )

    def namespaces(self) -> set[str]:
        out: set[str] = set()
        for specs in self._by_qname.values():
            for s in specs.values():
                if s.namespace:
                    parts = s.namespace.split(".")
                    out.update(".".join(parts[: i + 1]) for i in range(len(parts)))
        return out

    def get(self, qualified_name: str, major: int | None = None) -> ModuleSpec | None:
        majors = self._by_qname.get(qualified_name)
        if not majors:
            return None
        if major is None:
            return majors[max(majors)]
        return majors.get(major)

    # ------------------------------------------------------------------ resolution

    def resolve(self, callee: tuple[str, ...], version: int | None, imports: Imports) -> ModuleSpec | ResolveError:
        """Resolve `callee` (dotted parts) as written in a file with `imports`.

        `alias.fn`, a full `ns.fn`, or a simple name among non-namespaced modules and imported namespaces;
        with no `use` at all every namespaced module is visible by its simple name.
        """
        written = ".".join(callee)
        if len(callee) > 1:
            prefix, name = ".".join(callee[:-1]), callee[-1]
            namespace = imports.aliases.get(prefix, prefix)
            qname = f"{namespace}.{name}"
            if qname not in self._by_qname:
                if namespace not in self.namespaces():
                    hint = suggestion(prefix, [*self.namespaces(), *imports.aliases])
                    return ResolveError(code="E004", message=f"Undefined namespace: {prefix}", hint=hint)
                in_ns = [s for q in self._by_qname if q.startswith(namespace + ".") for s in [q[len(namespace) + 1 :]]]
                hint = suggestion(name, in_ns)
                return ResolveError(code="E002", message=f"Undefined function: {written}", hint=hint)
            return self._pick_version(qname, version, written)

        name = callee[0]
        visible: list[str] = []
        for qname in sorted(self._by_simple.get(name, ())):
            ns = qname[: -len(name) - 1] if "." in qname else None
            if ns is None or not imports.any_use or ns in imports.namespaces or ns in imports.aliases.values():
                visible.append(qname)
        if len(visible) > 1:
            return ResolveError(
                code="E005",
                message=f"Ambiguous function: {name} is defined in " + ", ".join(visible),
                hint="write the qualified name, e.g. " + visible[0],
            )
        if visible:
            return self._pick_version(visible[0], version, written)
        hidden = sorted(self._by_simple.get(name, ()))
        if hidden:
            ns = hidden[0][: -len(name) - 1]
            return ResolveError(code="E002", message=f"Undefined function: {name}", hint=f"use {ns}")
        return ResolveError(code="E002", message=f"Undefined function: {name}", hint=suggestion(name, self._by_simple))

    def with_pins(self, pins: Mapping[str, int]) -> Registry:
        """A registry over the same modules where an unpinned call of a module named in `pins` (by qualified
        or simple name) uses that major version, as `Name@major` would (`cst run --pin`, cst.yaml `pins:`).
        A pin of a major that is not installed makes such calls E047."""
        view = Registry(problems=self.problems)
        view._by_qname = self._by_qname
        view._by_simple = self._by_simple
        view.pins = {**self.pins, **pins}
        return view

    def _pick_version(self, qname: str, version: int | None, written: str) -> ModuleSpec | ResolveError:
        if version is None and self.pins:
            version = self.pins.get(qname, self.pins.get(qname.rsplit(".", 1)[-1]))
        spec = self.get(qname, version)
        if spec is not None:
            return spec
        have = ", ".join(f"@{m}" for m in sorted(self._by_qname[qname]))
        return ResolveError(
            code="E047",
            message=f"Unknown version: {written}@{version} is not installed",
            hint=f"installed major versions: {have}",
        )


def _specs_in(obj: object) -> Iterable[ModuleSpec]:
    """Modules in an entry point's object: a spec, a decorated function, a Python module, or an iterable."""
    spec = obj if isinstance(obj, ModuleSpec) else spec_of(obj)
    if spec is not None:
        yield spec
        return
    if isinstance(obj, types.ModuleType):
        listed = getattr(obj, "__cst_modules__", None)
        if listed is not None:
            yield from _specs_in(listed)
            return
        for value in vars(obj).values():
            s = spec_of(value)
            if s is not None:
                yield s
        return
    if callable(obj) and not isinstance(obj, type):
        yield from _specs_in(obj())
        return
    if isinstance(obj, Iterable) and not isinstance(obj, (str, bytes)):
        for item in obj:
            yield from _specs_in(item)
        return
    raise ModuleDefinitionError(f"{obj!r} is not a module, a list of modules or a Python module")


def load_registry(group: str = ENTRY_POINT_GROUP, *, use_cache: bool = True) -> Registry:
    """Load every plugin of the entry-point group. Failures become `Registry.problems`, never exceptions.

    Args:
        group: the entry-point group; the cache serves only the default one.
        use_cache: read the signatures from the registry cache when it is valid (then no plugin is
            imported until one of its modules runs), and write it after a full load. Also off when
            CST_NO_REGISTRY_CACHE=1 or when `importlib.metadata.entry_points` is replaced (tests).
    """
    cached = use_cache and group == ENTRY_POINT_GROUP and _cache.enabled()
    if cached:
        hit = _cache.read()
        if hit is not None:
            specs, problems = hit
            return Registry(specs, (PluginProblem(plugin=p, message=m) for p, m in problems))
    started = time.time_ns()
    registry, dist_dirs = _load(group)
    if cached:
        _cache.write(registry.all(), ((p.plugin, p.message) for p in registry.problems), dist_dirs, started)
    return registry


def _load(group: str) -> tuple[Registry, list[str]]:
    """Import every plugin; also returns the metadata directories of the distributions that declared them."""
    import importlib.metadata

    registry = Registry()
    dist_dirs: list[str] = []
    eps = sorted(importlib.metadata.entry_points(group=group), key=lambda ep: ep.name)
    for ep in eps:
        where = getattr(ep.dist, "_path", None)  # PathDistribution's directory (not public API)
        if where is not None:
            dist_dirs.append(str(where))
        label = f"{ep.name} = {ep.value}"
        try:
            found = list(_specs_in(ep.load()))
        except Exception as exc:  # a broken plugin must not break cst: report it, carry on
            registry.problems.append(PluginProblem(plugin=label, message=f"{type(exc).__name__}: {exc}"))
            continue
        origin = f"entry point {label}"
        if ep.dist is not None:
            origin += f" ({ep.dist.name} {ep.dist.version})"
        for spec in found:
            registry.add(msgspec.structs.replace(spec, origin=origin))
    return registry, dist_dirs
