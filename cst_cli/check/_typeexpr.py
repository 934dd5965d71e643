"""Type expressions -> types: built-in names, `type` aliases (in any order, cycles reported), record merge.

Imports the AST, the type model and diagnostics only.
"""

from __future__ import annotations

from collections.abc import Iterator

from cst_cli.check._graph import order_nodes
from cst_cli.diagnostics import Diagnostic, Note, Span, error
from cst_cli.modules.registry import suggestion
from cst_cli.syntax import ast
from cst_cli.types.model import (
    PRIMITIVES,
    UNKNOWN,
    ListT,
    MapT,
    OptionalT,
    RecordT,
    SeqT,
    Type,
    merge_records,
    render,
    union,
)

# name -> number of type arguments
_GENERIC: dict[str, int] = {"List": 1, "Seq": 1, "Candidates": 1, "Optional": 1, "Map": 2}
BUILTIN_TYPE_NAMES = frozenset(PRIMITIVES) | frozenset(_GENERIC)


class TypeResolver:
    """Resolves type expressions against the file's aliases; collects its diagnostics in `diags`."""

    def __init__(self, diags: list[Diagnostic]) -> None:
        self.diags = diags
        self.aliases: dict[str, Type] = {}

    def declare_aliases(self, decls: list[ast.TypeDecl]) -> list[tuple[str, Type]]:
        """Resolve every alias (any order). Returns (name, type) in source order, first definitions only."""
        first: dict[str, ast.TypeDecl] = {}
        nodes: list[ast.TypeDecl] = []
        for d in decls:
            if d.name in BUILTIN_TYPE_NAMES:
                self.diags.append(
                    error(
                        "E030", f"Duplicate definition: {d.name} is a built-in type", d.name_span, "pick another name"
                    )
                )
                continue
            if d.name in first:
                self.diags.append(_duplicate("type", d.name, d.name_span, first[d.name].name_span))
                continue
            first[d.name] = d
            nodes.append(d)
        index = {d.name: i for i, d in enumerate(nodes)}
        deps = [[index[n] for n in _names_in(d.type) if n in index] for d in nodes]
        ordering = order_nodes(deps)
        for cycle in ordering.cycles:
            names = [nodes[i].name for i in cycle]
            head = nodes[cycle[0]]
            notes = tuple(
                Note(message=f"type {nodes[i].name} is defined here", span=nodes[i].name_span)
                for i in dict.fromkeys(cycle[1:])
                if i != cycle[0]
            )
            self.diags.append(
                error(
                    "E031",
                    "Circular dependency: type " + " -> ".join(names),
                    head.name_span,
                    "a type alias cannot refer to itself, directly or through other aliases",
                    notes,
                )
            )
        for i in ordering.order:
            d = nodes[i]
            self.aliases[d.name] = UNKNOWN if i in ordering.cyclic else self.resolve(d.type)
        return [(d.name, self.aliases[d.name]) for d in nodes]

    def resolve(self, t: ast.TypeExpr) -> Type:
        match t:
            case ast.TypeName(name=name, args=args):
                return self._named(t, name, args)
            case ast.RecordType(fields=fields):
                seen: dict[str, ast.FieldType] = {}
                out: list[tuple[str, Type]] = []
                for f in fields:
                    if f.name in seen:
                        self.diags.append(_duplicate("field", f.name, f.span, seen[f.name].span))
                        continue
                    seen[f.name] = f
                    out.append((f.name, self.resolve(f.type)))
                return RecordT(fields=tuple(out))
            case ast.UnionType(members=members):
                return union(self.resolve(m) for m in members)
            case ast.MergeType(left=left, right=right):
                a, b = self.resolve(left), self.resolve(right)
                if isinstance(a, RecordT) and isinstance(b, RecordT):
                    return merge_records(a, b)
                if a == UNKNOWN or b == UNKNOWN:
                    return UNKNOWN
                self.diags.append(
                    error(
                        "E012",
                        f"Incompatible merge: type-level '+' needs two record types, got {render(a)} and {render(b)}",
                        t.span,
                    )
                )
                return UNKNOWN
        raise AssertionError(t)  # pragma: no cover

    def _named(self, t: ast.TypeName, name: str, args: tuple[ast.TypeExpr, ...]) -> Type:
        arity = _GENERIC.get(name)
        if arity is None and args:
            self.diags.append(
                error("E015", f"Type {name} takes no type arguments, got {len(args)}", t.span, _generic_hint(name))
            )
            return UNKNOWN
        if name in PRIMITIVES:
            return PRIMITIVES[name]
        if name in self.aliases:
            return self.aliases[name]
        if arity is None:
            hint = suggestion(name, [*BUILTIN_TYPE_NAMES, *self.aliases])
            self.diags.append(error("E003", f"Undefined type: {name}", t.span, hint))
            return UNKNOWN
        if len(args) != arity:
            self.diags.append(
                error(
                    "E015",
                    f"Type {name} takes {arity} type argument{'s' if arity > 1 else ''}, got {len(args)}",
                    t.span,
                    _generic_hint(name),
                )
            )
            return UNKNOWN
        resolved = [self.resolve(a) for a in args]
        match name:
            case "List":
                return ListT(elem=resolved[0])
            case "Seq" | "Candidates":
                return SeqT(elem=resolved[0])
            case "Optional":
                inner = resolved[0]
                return inner if isinstance(inner, OptionalT) else OptionalT(inner=inner)
        return MapT(key=resolved[0], value=resolved[1])


def _generic_hint(name: str) -> str | None:
    arity = _GENERIC.get(name)
    if arity == 1:
        return f"write {name}<T>"
    if arity == 2:
        return f"write {name}<K, V>"
    return None


def _duplicate(what: str, name: str, span: Span, first: Span) -> Diagnostic:
    return error(
        "E030",
        f"Duplicate definition: {what} {name} is defined twice",
        span,
        "rename one of them",
        (Note(message=f"{name} is first defined here", span=first),),
    )


def _names_in(t: ast.TypeExpr) -> Iterator[str]:
    """Every type name mentioned in `t` (iterative: type nesting may be deep)."""
    stack: list[ast.TypeExpr] = [t]
    while stack:
        x = stack.pop()
        match x:
            case ast.TypeName(name=n, args=args):
                yield n
                stack.extend(args)
            case ast.RecordType(fields=fields):
                stack.extend(f.type for f in fields)
            case ast.UnionType(members=members):
                stack.extend(members)
            case ast.MergeType(left=left, right=right):
                stack.extend((left, right))
