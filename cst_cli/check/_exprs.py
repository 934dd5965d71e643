"""Expression checking: every AST expression becomes a typed expression, every problem a diagnostic.

An expression with an error gets UnknownT, which is compatible with everything, so one mistake gives one
diagnostic. Calls live in `_calls`, match in `_match`. Imports the AST, types, modules and typed IR.
"""

from __future__ import annotations

from cst_cli.check import typed as t
from cst_cli.check._calls import check_call
from cst_cli.check._generics import Bindings
from cst_cli.check._match import check_match
from cst_cli.check._scope import NO_LOCALS, Entry, Locals, placeholder
from cst_cli.check._typeexpr import TypeResolver
from cst_cli.diagnostics import Diagnostic, Span, error
from cst_cli.modules.api import ModuleSpec
from cst_cli.modules.registry import Imports, Registry, ResolveError, suggestion
from cst_cli.syntax import ast
from cst_cli.types.model import (
    BOOLEAN,
    FLOAT,
    INT,
    STRING,
    UNKNOWN,
    ListT,
    OptionalT,
    RecordT,
    SeqT,
    Type,
    UnionT,
    UnknownT,
    is_numeric,
    is_subtype,
    join,
    join_all,
    merge_records,
    render,
)

LAMBDA_HINT = "a lambda can only be an argument of a higher-order module such as map or filter"
_COMPARE = frozenset({"==", "!=", "<", "<=", ">", ">="})
_ARITH = frozenset({"+", "-", "*", "/"})
CallKey = tuple[int, tuple[int, ...], tuple[Type, ...]]


class ExprChecker:
    """Checks expressions against the names declared so far. `globals` is filled by the caller in dependency
    order; `declared` holds every top-level name (for did-you-mean and for names still being typed)."""

    def __init__(self, registry: Registry, imports: Imports, types: TypeResolver, diags: list[Diagnostic]) -> None:
        self.registry = registry
        self.imports = imports
        self.types = types
        self.diags = diags
        self.globals: dict[str, Entry] = {}
        self.declared: set[str] = set()
        self._resolved: dict[tuple[tuple[str, ...], int | None], ModuleSpec | ResolveError] = {}
        # (id(spec), argument positions, argument types) -> (spec, variable bindings, accepted, result type)
        self.call_memo: dict[CallKey, tuple[ModuleSpec, Bindings, bool, Type]] = {}

    # ------------------------------------------------------------------ helpers

    def err(self, code: str, message: str, span: Span, hint: str | None = None) -> None:
        self.diags.append(error(code, message, span, hint))

    def resolve_module(self, callee: tuple[str, ...], version: int | None) -> ModuleSpec | ResolveError:
        key = (callee, version)
        found = self._resolved.get(key)
        if found is None:
            found = self._resolved[key] = self.registry.resolve(callee, version, self.imports)
        return found

    def expect_bool(self, e: t.TExpr, what: str) -> None:
        if e.type != BOOLEAN and not isinstance(e.type, UnknownT):
            self.err("E010", f"Type mismatch: expected Boolean, got {render(e.type)}", e.span, f"{what} is a Boolean")

    # ------------------------------------------------------------------ expressions

    def check(self, e: ast.Expr, env: Locals = NO_LOCALS) -> t.TExpr:
        # exact-type fast paths for the commonest nodes (the match below tries each case in turn)
        if type(e) is ast.Ref:
            return self._ref(e, e.name, env)
        if type(e) is ast.Call:
            return check_call(self, e, env)
        if type(e) is ast.IntLit:
            return t.TLit(span=e.span, type=INT, value=e.value)
        if type(e) is ast.StrLit:
            return t.TLit(span=e.span, type=STRING, value=e.value)
        if type(e) is ast.Interp:
            return self._interp(e, env)
        match e:
            case ast.IntLit(value=v):
                return t.TLit(span=e.span, type=INT, value=v)
            case ast.FloatLit(value=v):
                return t.TLit(span=e.span, type=FLOAT, value=v)
            case ast.StrLit(value=v):
                return t.TLit(span=e.span, type=STRING, value=v)
            case ast.BoolLit(value=v):
                return t.TLit(span=e.span, type=BOOLEAN, value=v)
            case ast.Interp():
                return self._interp(e, env)
            case ast.ListLit(items=items):
                titems = tuple(self.check(x, env) for x in items)
                return t.TListLit(span=e.span, type=ListT(elem=join_all(x.type for x in titems)), items=titems)
            case ast.RecordLit(fields=fields):
                return self._record(e, fields, env)
            case ast.Ref(name=name):
                return self._ref(e, name, env)
            case ast.Call():
                return check_call(self, e, env)
            case ast.FieldAccess():
                return self._field(e, env)
            case ast.Projection():
                return self._projection(e, env)
            case ast.BinOp(op=op):
                if op in _ARITH:
                    return self._arith(e, env)
                if op in _COMPARE:
                    return self._compare(e, env)
                return self._logic(e, env)
            case ast.UnaryOp():
                return self._unary(e, env)
            case ast.If(cond=c, then=a, else_=b):
                tc = self.check(c, env)
                self.expect_bool(tc, "the condition of if")
                ta, tb = self.check(a, env), self.check(b, env)
                return t.TIf(span=e.span, type=join(ta.type, tb.type), cond=tc, then=ta, else_=tb)
            case ast.Branch(cases=cases, otherwise=otherwise):
                tcases: list[tuple[t.TExpr, t.TExpr]] = []
                for case in cases:
                    tc = self.check(case.cond, env)
                    self.expect_bool(tc, "a branch condition")
                    tcases.append((tc, self.check(case.value, env)))
                to = self.check(otherwise, env)
                ty = join_all([*(v.type for _, v in tcases), to.type])
                return t.TBranch(span=e.span, type=ty, cases=tuple(tcases), otherwise=to)
            case ast.When(value=v, cond=c):
                tv, tc = self.check(v, env), self.check(c, env)
                self.expect_bool(tc, "the condition of when")
                ty = tv.type if isinstance(tv.type, OptionalT | UnknownT) else OptionalT(inner=tv.type)
                return t.TWhen(span=e.span, type=ty, value=tv, cond=tc)
            case ast.Coalesce():
                return self._coalesce(e, env)
            case ast.Match():
                return check_match(self, e, env)
            case ast.Lambda():
                self.err("E015", "A lambda is not allowed here", e.span, LAMBDA_HINT)
                self.check_lambda_body(e, [UNKNOWN] * len(e.params), env)
                return placeholder(e.span)
        raise AssertionError(e)  # pragma: no cover

    def check_lambda_body(self, lam: ast.Lambda, params: list[Type], env: Locals) -> t.TExpr:
        inner = dict(env)
        seen: set[str] = set()
        for p, ty in zip(lam.params, params, strict=True):
            if p.name in seen:
                self.err("E030", f"Duplicate definition: parameter {p.name} is declared twice", p.span)
            seen.add(p.name)
            inner[p.name] = (ty, "param")
        return self.check(lam.body, inner)

    def _interp(self, e: ast.Interp, env: Locals) -> t.TExpr:
        tparts = tuple([p if isinstance(p, str) else self.check(p, env) for p in e.parts])
        return t.TInterp(span=e.span, type=STRING, parts=tparts)

    def _record(self, e: ast.RecordLit, fields: tuple[ast.RecordField, ...], env: Locals) -> t.TExpr:
        seen: set[str] = set()
        tfields: list[tuple[str, t.TExpr]] = []
        for f in fields:
            tv = self.check(f.value, env)
            if f.name in seen:
                self.err("E030", f"Duplicate definition: field {f.name} appears twice in this record", f.span)
                continue
            seen.add(f.name)
            tfields.append((f.name, tv))
        ty = RecordT(fields=tuple((n, v.type) for n, v in tfields))
        return t.TRecordLit(span=e.span, type=ty, fields=tuple(tfields))

    def _ref(self, e: ast.Ref, name: str, env: Locals) -> t.TExpr:
        found = env.get(name) or self.globals.get(name)
        if found is not None:
            return t.TRef(span=e.span, type=found[0], name=name, kind=found[1])
        if name in self.declared:  # on a cycle, already reported
            return t.TRef(span=e.span, type=UNKNOWN, name=name, kind="binding")
        known = [*env, *self.declared]
        hint = suggestion(name, known)
        parts = name.split("-")
        if len(parts) > 1 and all(p in known for p in parts):
            hint = f"to subtract, put spaces around '-': {' - '.join(parts)}"
        self.err("E001", f"Undefined variable: {name}", e.span, hint)
        return t.TRef(span=e.span, type=UNKNOWN, name=name, kind="binding")

    # ------------------------------------------------------------------ records

    def _field(self, e: ast.FieldAccess, env: Locals) -> t.TExpr:
        target = self.check(e.target, env)
        ty, each = self._field_type(target.type, e.field, e.field_span)
        return t.TField(span=e.span, type=ty, target=target, field=e.field, elementwise=each)

    def _field_type(self, ty: Type, name: str, span: Span) -> tuple[Type, bool]:
        match ty:
            case UnknownT():
                return UNKNOWN, False
            case ListT(elem=UnknownT()) | SeqT(elem=UnknownT()):
                return ListT(elem=UNKNOWN), True
            case ListT(elem=elem) | SeqT(elem=elem) if _is_recordish(elem):
                return ListT(elem=self._one_field(elem, name, span, "E007")), True
        if _is_recordish(ty):
            return self._one_field(ty, name, span, "E007"), False
        self._not_a_record("E007", f"field '{name}'", ty, span)
        return UNKNOWN, False

    def _one_field(self, ty: Type, name: str, span: Span, code: str) -> Type:
        """The type of field `name` in a record or a union of records (every member must have it)."""
        what = "Invalid field access" if code == "E007" else "Invalid projection"
        members = ty.members if isinstance(ty, UnionT) else (ty,)
        found: list[Type] = []
        for m in members:
            if isinstance(m, UnknownT):
                return UNKNOWN
            assert isinstance(m, RecordT)
            ft = m.field(name)
            if ft is None:
                if len(members) == 1:
                    available = ", ".join(m.names) or "(none)"
                    self.err(
                        code,
                        f"{what}: field '{name}' not found. Available: {available}",
                        span,
                        suggestion(name, m.names),
                    )
                else:
                    self.err(
                        code,
                        f"{what}: field '{name}' is not in every member of {render(ty)}",
                        span,
                        "use match to tell the members apart",
                    )
                return UNKNOWN
            found.append(ft)
        return join_all(found)

    def _not_a_record(self, code: str, what: str, ty: Type, span: Span) -> None:
        title = "Invalid field access" if code == "E007" else "Invalid projection"
        if isinstance(ty, OptionalT):
            self.err(
                code,
                f"{title}: {what} of {render(ty)}, which may be none",
                span,
                "give a default with ?? first, e.g. (x ?? { ... }).field, or use match",
            )
        else:
            self.err(code, f"{title}: {what} of {render(ty)}, which is not a record", span)

    def _projection(self, e: ast.Projection, env: Locals) -> t.TExpr:
        target = self.check(e.target, env)
        ty = target.type
        each = isinstance(ty, ListT | SeqT) and _is_recordish(ty.elem)
        rec = ty.elem if isinstance(ty, ListT | SeqT) and each else ty
        if isinstance(rec, UnknownT):
            return t.TProject(span=e.span, type=UNKNOWN, target=target, fields=e.fields)
        if not _is_recordish(rec):
            self._not_a_record("E006", "projection", ty, e.span)
            return t.TProject(span=e.span, type=UNKNOWN, target=target, fields=e.fields)
        out = tuple((n, self._one_field(rec, n, sp, "E006")) for n, sp in zip(e.fields, e.field_spans, strict=False))
        proj: Type = RecordT(fields=tuple(dict(out).items()))
        return t.TProject(
            span=e.span, type=ListT(elem=proj) if each else proj, target=target, fields=e.fields, elementwise=each
        )

    # ------------------------------------------------------------------ operators

    def _arith(self, e: ast.BinOp, env: Locals) -> t.TExpr:
        left, right = self.check(e.left, env), self.check(e.right, env)
        a, b = left.type, right.type

        def node(ty: Type, kind: t.BinKind = "arith") -> t.TExpr:
            return t.TBinOp(span=e.span, type=ty, op=e.op, kind=kind, left=left, right=right)

        if is_numeric(a) and is_numeric(b):
            return node(INT if a == INT and b == INT else FLOAT)
        if e.op == "+":
            if isinstance(a, RecordT) and isinstance(b, RecordT):
                return node(merge_records(a, b), "merge")
            if isinstance(a, ListT | SeqT) and isinstance(a.elem, RecordT) and isinstance(b, RecordT):
                merged = merge_records(a.elem, b)
                return node(ListT(elem=merged) if isinstance(a, ListT) else SeqT(elem=merged), "merge_each")
        if isinstance(a, UnknownT) or isinstance(b, UnknownT):
            return node(UNKNOWN)
        if e.op == "+" and (_has_record(a) or _has_record(b)):
            self.err(
                "E012",
                f"Incompatible merge: cannot merge {render(a)} with {render(b)}",
                e.span,
                "'+' merges two records, or a List of records with a record (right wins)",
            )
            return node(UNKNOWN)
        hint = None
        if a == STRING and b == STRING and e.op == "+":
            hint = 'join text with interpolation, "${a}${b}", or with concat(a, b)'
        elif isinstance(a, OptionalT) or isinstance(b, OptionalT):
            hint = "an Optional may be none: give a default first, e.g. (x ?? 0)"
        self.err(
            "E014", f"Arithmetic operator '{e.op}' is not supported for types {render(a)} and {render(b)}", e.span, hint
        )
        return node(UNKNOWN)

    def _compare(self, e: ast.BinOp, env: Locals) -> t.TExpr:
        left, right = self.check(e.left, env), self.check(e.right, env)
        a, b = left.type, right.type
        ok = (
            isinstance(a, UnknownT)
            or isinstance(b, UnknownT)
            or (is_numeric(a) and is_numeric(b))
            or (e.op in ("==", "!=") and a == b and a in (STRING, BOOLEAN))
        )
        if not ok:
            hint = None
            if a == b and a in (STRING, BOOLEAN):
                hint = f"{render(a)} values compare only with == and !="
            elif isinstance(a, OptionalT) or isinstance(b, OptionalT):
                hint = "an Optional may be none: give a default first, e.g. (x ?? 0)"
            elif a != b:
                hint = "both sides of a comparison must have one type (Int and Float mix)"
            self.err("E013", f"Operator '{e.op}' is not supported for types {render(a)} and {render(b)}", e.span, hint)
        return t.TBinOp(span=e.span, type=BOOLEAN, op=e.op, kind="compare", left=left, right=right)

    def _logic(self, e: ast.BinOp, env: Locals) -> t.TExpr:
        left, right = self.check(e.left, env), self.check(e.right, env)
        bad = [x.type for x in (left, right) if x.type != BOOLEAN and not isinstance(x.type, UnknownT)]
        if bad:
            self.err(
                "E011",
                f"Incompatible operator: '{e.op}' needs Boolean operands, got "
                f"{render(left.type)} and {render(right.type)}",
                e.span,
            )
        return t.TBinOp(span=e.span, type=BOOLEAN, op=e.op, kind="logic", left=left, right=right)

    def _unary(self, e: ast.UnaryOp, env: Locals) -> t.TExpr:
        x = self.check(e.operand, env)
        if e.op == "not":
            if x.type != BOOLEAN and not isinstance(x.type, UnknownT):
                self.err("E011", f"Incompatible operator: 'not' needs a Boolean operand, got {render(x.type)}", e.span)
            return t.TUnary(span=e.span, type=BOOLEAN, op="not", operand=x)
        if is_numeric(x.type) or isinstance(x.type, UnknownT):
            return t.TUnary(span=e.span, type=x.type, op="-", operand=x)
        self.err("E014", f"Arithmetic operator '-' is not supported for type {render(x.type)}", e.span)
        return t.TUnary(span=e.span, type=UNKNOWN, op="-", operand=x)

    def _coalesce(self, e: ast.Coalesce, env: Locals) -> t.TExpr:
        left, right = self.check(e.left, env), self.check(e.right, env)
        a, b = left.type, right.type
        if isinstance(a, UnknownT):
            return t.TCoalesce(span=e.span, type=UNKNOWN if isinstance(b, OptionalT) else b, left=left, right=right)
        if not isinstance(a, OptionalT):
            self.err(
                "E010",
                f"Type mismatch: expected an Optional on the left of ??, got {render(a)}",
                left.span,
                f"?? gives a default for a value that may be none; {render(a)} is never none "
                "(make it Optional with `when`, or drop the ??)",
            )
            return t.TCoalesce(span=e.span, type=join(a, b), left=left, right=right)
        inner = a.inner
        b_inner = b.inner if isinstance(b, OptionalT) else b
        if not (_related(b_inner, inner) or isinstance(b_inner, UnknownT)):
            self.err(
                "E010",
                f"Type mismatch: expected {render(inner)}, got {render(b)}",
                right.span,
                f"the default after ?? must have the left side's type, {render(inner)}",
            )
        joined = join(inner, b_inner)
        ty: Type = OptionalT(inner=joined) if isinstance(b, OptionalT) else joined
        return t.TCoalesce(span=e.span, type=ty, left=left, right=right)


def _related(a: Type, b: Type) -> bool:
    return is_subtype(a, b) or is_subtype(b, a)


def _is_recordish(ty: Type) -> bool:
    """A record, or a union whose members are all records."""
    if isinstance(ty, RecordT):
        return True
    return isinstance(ty, UnionT) and all(isinstance(m, RecordT | UnknownT) for m in ty.members)


def _has_record(ty: Type) -> bool:
    match ty:
        case RecordT():
            return True
        case ListT(elem=x) | SeqT(elem=x) | OptionalT(inner=x):
            return isinstance(x, RecordT)
    return False
