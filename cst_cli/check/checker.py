"""The type checker's public face: `check_program(program, registry)` -> typed program and every diagnostic.

Declarations in any order: aliases, `use`, inputs, bindings (a dependency graph, cycles and duplicates
reported), outputs, annotations, unused names. Expressions are checked in `_exprs`, `_calls` and `_match`.
Imports the AST, types, modules and the typed IR; never the runtime.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from cst_cli.check._exprs import ExprChecker
from cst_cli.check._graph import order_nodes
from cst_cli.check._scope import free_names
from cst_cli.check._typeexpr import TypeResolver
from cst_cli.check.typed import TBinding, TExpr, TInput, TOutput, TypedProgram
from cst_cli.diagnostics import Diagnostic, Note, Span, error, sorted_diagnostics, warning
from cst_cli.modules.registry import Imports, Registry, suggestion
from cst_cli.syntax import ast
from cst_cli.types.model import UNKNOWN, Type, is_subtype, render

ANNOTATIONS = ("example", "source", "sink")
Named = ast.InputDecl | ast.Binding


def check_program(program: ast.Program, registry: Registry) -> tuple[TypedProgram | None, list[Diagnostic]]:
    """Check a parsed program against the installed modules.

    Args:
        program: the parser's AST.
        registry: the modules calls resolve to.

    Returns:
        The typed program (only when there is no error) and every diagnostic, errors and warnings, sorted by
        place.
    """
    return _Checker(program, registry).run()


class _Checker:
    def __init__(self, program: ast.Program, registry: Registry) -> None:
        self.program = program
        self.file = program.span.file
        self.registry = registry
        self.diags: list[Diagnostic] = []
        self.types = TypeResolver(self.diags)

    def run(self) -> tuple[TypedProgram | None, list[Diagnostic]]:
        decls = self.program.decls
        aliases = self.types.declare_aliases([d for d in decls if isinstance(d, ast.TypeDecl)])
        imports = self._imports([d for d in decls if isinstance(d, ast.UseDecl)])
        ck = ExprChecker(self.registry, imports, self.types, self.diags)
        named: list[Named] = [d for d in decls if isinstance(d, ast.InputDecl | ast.Binding)]
        first = self._first_definitions(named)
        ck.declared = set(first)
        deps = [
            [first[n] for n in free_names(d.value) if n in first] if isinstance(d, ast.Binding) else [] for d in named
        ]
        ordering = order_nodes(deps)
        for cycle in ordering.cycles:
            self._cycle([named[i] for i in cycle])
        for i in ordering.cyclic:
            ck.globals[named[i].name] = (UNKNOWN, "binding")
        inputs: dict[int, TInput] = {}
        bindings: list[TBinding] = []
        for i in ordering.order:
            d = named[i]
            is_first = first[d.name] == i
            if isinstance(d, ast.InputDecl):
                ty = self.types.resolve(d.type)
                if is_first:
                    ck.globals[d.name] = (ty, "input")
                examples = self._input_annotations(ck, d, ty)
                inputs[i] = TInput(name=d.name, type=ty, span=d.span, examples=examples)
            else:
                value = ck.check(d.value)
                if is_first and i not in ordering.cyclic:
                    ck.globals[d.name] = (value.type, "binding")
                bindings.append(TBinding(name=d.name, span=d.span, value=value))
        outputs = self._outputs(ck, first)
        self._unused(named, first, deps, outputs)
        diags = sorted_diagnostics(self.diags)
        if any(d.is_error for d in diags):
            return None, diags
        typed = TypedProgram(
            file=self.file,
            inputs=tuple(inputs[i] for i in sorted(inputs)),
            bindings=tuple(bindings),
            outputs=tuple(outputs),
            aliases=tuple(aliases),
        )
        return typed, diags

    # ------------------------------------------------------------------ declarations

    def _imports(self, uses: list[ast.UseDecl]) -> Imports:
        known = self.registry.namespaces()
        namespaces: set[str] = set()
        aliases: dict[str, str] = {}
        alias_at: dict[str, Span] = {}
        for u in uses:
            ns = ".".join(u.path)
            if ns not in known:
                self.diags.append(error("E004", f"Undefined namespace: {ns}", u.path_span, suggestion(ns, known)))
                continue
            if u.alias is None:
                namespaces.add(ns)
            elif u.alias in aliases:
                self.diags.append(_duplicate(f"alias {u.alias}", u.span, alias_at[u.alias]))
            else:
                aliases[u.alias] = ns
                alias_at[u.alias] = u.span
        return Imports(namespaces=frozenset(namespaces), aliases=aliases, any_use=bool(uses))

    def _first_definitions(self, named: list[Named]) -> dict[str, int]:
        first: dict[str, int] = {}
        for i, d in enumerate(named):
            if d.name in first:
                prev = named[first[d.name]]
                self.diags.append(_duplicate(f"{d.name}", d.name_span, prev.name_span))
            else:
                first[d.name] = i
        return first

    def _cycle(self, path: list[Named]) -> None:
        head = path[0]
        notes = tuple(
            Note(message=f"{a.name} uses {b.name} here", span=b_use)
            for a, b in itertools.pairwise(path)
            for b_use in [_use_span(a, b.name)]
        )
        self.diags.append(
            error(
                "E031",
                "Circular dependency: " + " -> ".join(d.name for d in path),
                head.name_span,
                "a value cannot depend on itself; break the cycle with an input or another binding",
                notes,
            )
        )

    def _input_annotations(self, ck: ExprChecker, d: ast.InputDecl, ty: Type) -> tuple[TExpr, ...]:
        examples: list[TExpr] = []
        for ann in d.annotations:
            if not self._annotation_ok(ann, "source", "in"):
                continue
            if ann.name != "example":
                self._literal_args(ann)
                continue
            if len(ann.args) != 1 or ann.args[0].name is not None:
                self.diags.append(
                    error(
                        "E046",
                        "Invalid annotation: @example takes one value",
                        ann.span,
                        f"e.g. @example(...) with a {render(ty)} value",
                    )
                )
                continue
            expr = ann.args[0].value
            used = free_names(expr)
            if used:
                self.diags.append(
                    error(
                        "E046",
                        f"Invalid annotation: an @example must be a constant, it cannot use '{used[0]}'",
                        expr.span,
                    )
                )
                continue
            te = ck.check(expr)
            if not is_subtype(te.type, ty):
                self.diags.append(
                    error(
                        "E010",
                        f"Type mismatch: expected {render(ty)}, got {render(te.type)}",
                        expr.span,
                        f"the @example of input '{d.name}' must be a {render(ty)}",
                    )
                )
            examples.append(te)
        return tuple(examples)

    def _annotation_ok(self, ann: ast.Annotation, own: str, where: str) -> bool:
        """Whether `ann` may stand on this declaration (`own` is its streaming hint; example only on `in`)."""
        if ann.name not in ANNOTATIONS:
            self.diags.append(
                error(
                    "E046",
                    f"Invalid annotation: unknown annotation @{ann.name}",
                    ann.span,
                    suggestion(ann.name, ANNOTATIONS) or "annotations: @example, @source (on in), @sink (on out)",
                )
            )
            return False
        allowed = (own, "example") if where == "in" else (own,)
        if ann.name not in allowed:
            self.diags.append(
                error(
                    "E046",
                    f"Invalid annotation: @{ann.name} cannot stand before `{where}`",
                    ann.span,
                    "@example and @source go before `in`, @sink before `out`",
                )
            )
            return False
        return True

    def _literal_args(self, ann: ast.Annotation) -> None:
        for a in ann.args:
            if not _is_literal(a.value):
                self.diags.append(
                    error(
                        "E046", f"Invalid annotation: the arguments of @{ann.name} must be literal values", a.value.span
                    )
                )

    def _outputs(self, ck: ExprChecker, first: dict[str, int]) -> list[TOutput]:
        outs = [d for d in self.program.decls if isinstance(d, ast.OutputDecl)]
        if not outs:
            start = self.program.span.start
            self.diags.append(
                error(
                    "E043",
                    "Program has no output",
                    Span(file=self.file, start=start, end=start),
                    "declare at least one output, e.g. `out result`",
                )
            )
        result: list[TOutput] = []
        seen: dict[str, ast.OutputDecl] = {}
        for o in outs:
            for ann in o.annotations:
                if self._annotation_ok(ann, "sink", "out"):
                    self._literal_args(ann)
            if o.name in seen:
                self.diags.append(_duplicate(f"output {o.name}", o.name_span, seen[o.name].name_span))
                continue
            seen[o.name] = o
            entry = ck.globals.get(o.name)
            if entry is None:
                if o.name not in first:
                    self.diags.append(
                        error(
                            "E001",
                            f"Undefined variable: {o.name}",
                            o.name_span,
                            suggestion(o.name, first) or "`out` names a binding or an input",
                        )
                    )
                continue
            result.append(TOutput(name=o.name, type=entry[0], span=o.span))
        return result

    def _unused(
        self, named: list[Named], first: dict[str, int], deps: Sequence[Sequence[int]], outputs: list[TOutput]
    ) -> None:
        roots = [first[o.name] for o in outputs if o.name in first]
        if not roots or any(d.code == "E001" for d in self.diags):
            return  # with a name undefined we cannot tell what was meant to be used
        reached = set(roots)
        stack = list(roots)
        while stack:
            for d in deps[stack.pop()]:
                if d not in reached:
                    reached.add(d)
                    stack.append(d)
        for name, i in first.items():
            if i in reached:
                continue
            decl = named[i]
            if isinstance(decl, ast.InputDecl):
                self.diags.append(
                    warning("W003", f"Unused input: {name}", decl.name_span, "no output depends on it; remove it")
                )
            else:
                self.diags.append(
                    warning(
                        "W004",
                        f"Unused binding: {name}",
                        decl.name_span,
                        f"no output depends on it; remove it or add `out {name}`",
                    )
                )


def _duplicate(what: str, span: Span, first: Span) -> Diagnostic:
    return error(
        "E030",
        f"Duplicate definition: {what} is already defined",
        span,
        "rename one of them",
        (Note(message="first defined here", span=first),),
    )


def _use_span(d: Named, name: str) -> Span:
    """Where binding `d` mentions `name` (its name if not found)."""
    if isinstance(d, ast.Binding):
        stack: list[object] = [d.value]
        while stack:
            x = stack.pop()
            if isinstance(x, ast.Ref) and x.name == name:
                return x.span
            if isinstance(x, ast.Node):
                for f in x.__struct_fields__:
                    v = getattr(x, f)
                    if isinstance(v, tuple):
                        stack.extend(reversed(v))
                    elif isinstance(v, ast.Node):
                        stack.append(v)
    return d.name_span


def _is_literal(e: ast.Expr) -> bool:
    match e:
        case ast.IntLit() | ast.FloatLit() | ast.StrLit() | ast.BoolLit():
            return True
        case ast.UnaryOp(op="-", operand=ast.IntLit() | ast.FloatLit()):
            return True
        case ast.ListLit(items=items):
            return all(_is_literal(x) for x in items)
        case ast.RecordLit(fields=fields):
            return all(_is_literal(f.value) for f in fields)
        case ast.Ref():
            return True  # a bare word, e.g. @source("kafka", format: json)
    return False
