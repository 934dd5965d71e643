"""Reduction callbacks: one method per grammar rule (by alias), building frozen AST nodes with exact spans.

Called by _driver.py with the rule's children: token indices (ints) for terminals, nodes or Python lists
for nonterminals (the callback of a one-symbol rule gets its one child itself, not in a list). Also nests
the flat operator chains by precedence. Imports only diagnostics and ast.
"""

from __future__ import annotations

from typing import Any, Final

import msgspec

from cst_cli.diagnostics import Diagnostic, Span, error
from cst_cli.syntax import ast
from cst_cli.syntax._lexer import INT_MAX, Tokens

# Binding power of the binary operators, loosest first; `not` is a prefix operator between `and` and
# the comparisons.
_PREC: Final = {
    "QQ": 1,
    "WHEN": 2,
    "OR": 3,
    "AND": 4,
    "EQEQ": 6,
    "NE": 6,
    "LT": 6,
    "LE": 6,
    "GT": 6,
    "GE": 6,
    "PLUS": 7,
    "MINUS": 7,
    "STAR": 8,
    "SLASH": 8,
}
_NOT_PREC: Final = 5
MAX_DEPTH: Final = 200  # deeper ASTs are E042: later phases walk them recursively
_COMPARISON: Final = 6

Children = list[Any]


class _Not:
    """`not` in front of a chain operand, waiting for the chain to be nested."""

    __slots__ = ("item", "tok")

    def __init__(self, tok: int, item: object) -> None:
        self.tok = tok
        self.item = item


class Builder:
    """Builds the AST of one source; `diagnostics` collects the problems found while building."""

    def __init__(self, tokens: Tokens, file: str) -> None:
        self.types = tokens.types
        self.starts = tokens.starts
        self.ends = tokens.ends
        self.values = tokens.values
        self.file = file
        self.diagnostics: list[Diagnostic] = []
        # INT tokens out of range, reported at the end unless `-` folds them into the lowest Int.
        self.pending_ints: dict[int, Diagnostic] = {}

    # ------------------------------------------------------------ helpers

    def sp(self, start: int, end: int) -> Span:
        return Span(file=self.file, start=start, end=end)

    def tok(self, i: int) -> Span:
        return Span(file=self.file, start=self.starts[i], end=self.ends[i])

    def name(self, i: int) -> str:
        value = self.values[i]
        assert isinstance(value, str)
        return value

    def report(self, code: str, message: str, span: Span, hint: str | None = None) -> None:
        self.diagnostics.append(error(code, message, span, hint))

    # ------------------------------------------------------------ lists

    def first(self, c: Any) -> list[Any]:
        return [c]

    def append(self, s: Children) -> list[Any]:
        items: list[Any] = s[0]
        items.append(s[1])
        return items

    def append_sep(self, s: Children) -> list[Any]:
        items: list[Any] = s[0]
        items.append(s[2])
        return items

    def pair_sep(self, s: Children) -> list[Any]:
        return [s[0], s[2]]

    # ------------------------------------------------------------ declarations

    def program_first(self, c: Any) -> list[ast.Decl]:
        decl = c
        if decl.span.end - decl.span.start > MAX_DEPTH // 2:
            self.check_depth(decl)
        return [decl]

    def program_more(self, s: Children) -> list[ast.Decl]:
        decls: list[ast.Decl] = s[0]
        decl = s[1]
        if decl.span.end - decl.span.start > MAX_DEPTH // 2:
            self.check_depth(decl)
        decls.append(decl)
        return decls

    def check_depth(self, root: ast.Node) -> None:
        """Report E042 at the first node nested deeper than MAX_DEPTH (an iterative walk).

        Only declarations longer than MAX_DEPTH / 2 characters are walked: a shorter one cannot be
        that deep.
        """
        todo: list[tuple[Any, int]] = [(root, 1)]
        while todo:
            node, depth = todo.pop()
            if depth > MAX_DEPTH:
                self.report(
                    "E042",
                    f"nesting too deep: this expression is nested more than {MAX_DEPTH} levels",
                    node.span,
                    "split the expression into several bindings",
                )
                return
            for name in node.__struct_fields__:
                child = getattr(node, name)
                if isinstance(child, ast.Node):
                    todo.append((child, depth + 1))
                elif type(child) is tuple:
                    todo.extend((c, depth + 1) for c in child if isinstance(c, ast.Node))

    def type_decl(self, s: Children) -> ast.TypeDecl:
        kw, name, _, type_ = s
        return ast.TypeDecl(
            span=self.sp(self.starts[kw], type_.span.end), name=self.name(name), name_span=self.tok(name), type=type_
        )

    def use_plain(self, s: Children) -> ast.UseDecl:
        kw, path = s
        return ast.UseDecl(
            span=self.sp(self.starts[kw], self.ends[path[-1]]),
            path=tuple(self.name(i) for i in path),
            path_span=self.sp(self.starts[path[0]], self.ends[path[-1]]),
        )

    def use_alias(self, s: Children) -> ast.UseDecl:
        kw, path, _, alias = s
        return ast.UseDecl(
            span=self.sp(self.starts[kw], self.ends[alias]),
            path=tuple(self.name(i) for i in path),
            path_span=self.sp(self.starts[path[0]], self.ends[path[-1]]),
            alias=self.name(alias),
        )

    def input_plain(self, s: Children) -> ast.InputDecl:
        kw, name, _, type_ = s
        return ast.InputDecl(
            span=self.sp(self.starts[kw], type_.span.end), name=self.name(name), name_span=self.tok(name), type=type_
        )

    def input_annotated(self, s: Children) -> ast.InputDecl:
        annotations, _, name, _, type_ = s
        return ast.InputDecl(
            span=self.sp(annotations[0].span.start, type_.span.end),
            name=self.name(name),
            name_span=self.tok(name),
            type=type_,
            annotations=tuple(annotations),
        )

    def output_plain(self, s: Children) -> ast.OutputDecl:
        kw, name = s
        return ast.OutputDecl(
            span=self.sp(self.starts[kw], self.ends[name]), name=self.name(name), name_span=self.tok(name)
        )

    def output_annotated(self, s: Children) -> ast.OutputDecl:
        annotations, _, name = s
        return ast.OutputDecl(
            span=self.sp(annotations[0].span.start, self.ends[name]),
            name=self.name(name),
            name_span=self.tok(name),
            annotations=tuple(annotations),
        )

    def annotation_bare(self, c: Any) -> ast.Annotation:
        at = c
        return ast.Annotation(span=self.tok(at), name=self.name(at), args=())

    def annotation_empty(self, s: Children) -> ast.Annotation:
        at, _, close = s
        return ast.Annotation(span=self.sp(self.starts[at], self.ends[close]), name=self.name(at), args=())

    def annotation_args(self, s: Children) -> ast.Annotation:
        at, close = s[0], s[-1]
        return ast.Annotation(span=self.sp(self.starts[at], self.ends[close]), name=self.name(at), args=tuple(s[2]))

    def ann_positional(self, c: Any) -> ast.AnnotationArg:
        value = c
        return ast.AnnotationArg(span=value.span, name=None, value=value)

    def ann_named(self, s: Children) -> ast.AnnotationArg:
        name, _, value = s
        return ast.AnnotationArg(span=self.sp(self.starts[name], value.span.end), name=self.name(name), value=value)

    def binding(self, s: Children) -> ast.Binding:
        name, _, value = s
        file = self.file
        start = self.starts[name]
        return ast.Binding(
            span=Span(file=file, start=start, end=value.span.end),
            name=self.values[name],  # type: ignore[arg-type]  # a NAME's value is its text
            name_span=Span(file=file, start=start, end=self.ends[name]),
            value=value,
        )

    def binding_with(self, s: Children) -> ast.Binding:
        name, _, value, with_, options = s
        end = options[-1].span.end
        if type(value) is ast.Call:
            value = msgspec.structs.replace(value, options=tuple(options), span=self.sp(value.span.start, end))
        else:
            self.report(
                "E020",
                f"a 'with' clause must follow a module call, and the value of '{self.name(name)}' is not a call",
                self.tok(with_),
                "bind the call to a name of its own and put the 'with' clause there",
            )
        return ast.Binding(
            span=self.sp(self.starts[name], end), name=self.name(name), name_span=self.tok(name), value=value
        )

    def option(self, s: Children) -> ast.Option:
        name, _, value = s
        return ast.Option(
            span=self.sp(self.starts[name], value.span.end), name=self.name(name), name_span=self.tok(name), value=value
        )

    def option_bare(self, c: Any) -> ast.Option:
        span = self.tok(c)
        return ast.Option(span=span, name=self.name(c), name_span=span, value=ast.BoolLit(span=span, value=True))

    def duration(self, c: Any) -> ast.Duration:
        i = c
        value: tuple[int, str] = self.values[i]
        return ast.Duration(span=self.tok(i), amount=value[0], unit=value[1])

    def rate(self, c: Any) -> ast.Rate:
        i = c
        value: tuple[int, int, str, int] = self.values[i]
        count, amount, unit, per_start = value
        per = ast.Duration(span=self.sp(per_start, self.ends[i]), amount=amount, unit=unit)
        return ast.Rate(span=self.tok(i), count=count, per=per)

    # ------------------------------------------------------------ types

    def union_type(self, c: Any) -> ast.UnionType:
        members = c
        return ast.UnionType(span=self.sp(members[0].span.start, members[-1].span.end), members=tuple(members))

    def merge_type(self, s: Children) -> ast.MergeType:
        left, _, right = s
        return ast.MergeType(span=self.sp(left.span.start, right.span.end), left=left, right=right)

    def type_name(self, c: Any) -> ast.TypeName:
        return ast.TypeName(span=self.tok(c), name=self.name(c))

    def type_generic(self, s: Children) -> ast.TypeName:
        name, _, args, close = s
        return ast.TypeName(span=self.sp(self.starts[name], self.ends[close]), name=self.name(name), args=tuple(args))

    def record_type_empty(self, s: Children) -> ast.RecordType:
        return ast.RecordType(span=self.sp(self.starts[s[0]], self.ends[s[1]]), fields=())

    def record_type(self, s: Children) -> ast.RecordType:
        return ast.RecordType(span=self.sp(self.starts[s[0]], self.ends[s[-1]]), fields=tuple(s[1]))

    def field_type(self, s: Children) -> ast.FieldType:
        name, _, type_ = s
        return ast.FieldType(span=self.sp(self.starts[name], type_.span.end), name=self.name(name), type=type_)

    # ------------------------------------------------------------ expressions

    def expr_chain(self, c: Any) -> ast.Expr:
        return self.nest(c)

    def if_expr(self, s: Children) -> ast.If:
        kw, _, cond, _, then, _, else_ = s
        return ast.If(span=self.sp(self.starts[kw], else_.span.end), cond=cond, then=then, else_=else_)

    def lambda_empty(self, s: Children) -> ast.Lambda:
        body = s[-1]
        return ast.Lambda(span=self.sp(self.starts[s[0]], body.span.end), params=(), body=body)

    def lambda_params(self, s: Children) -> ast.Lambda:
        body = s[-1]
        return ast.Lambda(span=self.sp(self.starts[s[0]], body.span.end), params=tuple(s[1]), body=body)

    def param(self, c: Any) -> ast.Param:
        return ast.Param(span=self.tok(c), name=self.name(c))

    def param_typed(self, s: Children) -> ast.Param:
        name, _, type_ = s
        return ast.Param(span=self.sp(self.starts[name], type_.span.end), name=self.name(name), type=type_)

    def chain_start(self, s: Children) -> list[Any]:
        return s

    def chain_single(self, c: Any) -> list[Any]:
        return [c]

    def chain_op(self, s: Children) -> list[Any]:
        chain: list[Any] = s[0]
        chain.append(s[1])
        chain.append(s[2])
        return chain

    def not_item(self, s: Children) -> _Not:
        return _Not(s[0], s[1])

    def negate(self, s: Children) -> ast.Expr:
        minus, operand = s
        kind = type(operand)
        if (kind is ast.IntLit or kind is ast.FloatLit) and self.types[minus + 1] in ("INT", "FLOAT"):
            # `-5` is the literal -5 (which matters for the lowest Int, -9223372036854775808)
            value = -operand.value
            if kind is ast.IntLit and value >= -INT_MAX - 1:
                self.pending_ints.pop(minus + 1, None)
            literal: ast.Expr = kind(span=self.sp(self.starts[minus], operand.span.end), value=value)
            return literal
        return ast.UnaryOp(span=self.sp(self.starts[minus], operand.span.end), op="-", operand=operand)

    def ref(self, c: Any) -> ast.Ref:
        i = c
        return ast.Ref(
            span=Span(file=self.file, start=self.starts[i], end=self.ends[i]),
            name=self.values[i],  # a NAME's value is its text
        )

    def dotted_ref(self, c: Any) -> ast.Expr:
        path = c
        head = path[0]
        node: ast.Expr = ast.Ref(span=self.tok(head), name=self.name(head))
        for i in path[1:]:
            node = ast.FieldAccess(
                span=self.sp(self.starts[head], self.ends[i]), target=node, field=self.name(i), field_span=self.tok(i)
            )
        return node

    def field(self, s: Children) -> ast.FieldAccess:
        target, _, name = s
        return ast.FieldAccess(
            span=self.sp(target.span.start, self.ends[name]),
            target=target,
            field=self.name(name),
            field_span=self.tok(name),
        )

    def projection(self, s: Children) -> ast.Projection:
        target, names, close = s[0], s[2], s[-1]
        return ast.Projection(
            span=self.sp(target.span.start, self.ends[close]),
            target=target,
            fields=tuple(self.name(i) for i in names),
            field_spans=tuple(self.tok(i) for i in names),
        )

    def int_lit(self, c: Any) -> ast.IntLit:
        i = c
        value = self.values[i]
        if value is None or value > INT_MAX:
            text = str(value) if value is not None else "a number of more than 20 digits"
            self.pending_ints[i] = error("E041", f"integer literal out of range (64-bit): {text}", self.tok(i))
            value = 2 * INT_MAX if value is None else value
        span = Span(file=self.file, start=self.starts[i], end=self.ends[i])
        return ast.IntLit(span=span, value=value)  # an INT's value is an int here

    def float_lit(self, c: Any) -> ast.FloatLit:
        value = self.values[c]
        assert isinstance(value, float)
        return ast.FloatLit(span=self.tok(c), value=value)

    def str_lit(self, c: Any) -> ast.StrLit:
        return ast.StrLit(span=self.tok(c), value=self.name(c))

    def true_lit(self, c: Any) -> ast.BoolLit:
        return ast.BoolLit(span=self.tok(c), value=True)

    def false_lit(self, c: Any) -> ast.BoolLit:
        return ast.BoolLit(span=self.tok(c), value=False)

    def list_empty(self, s: Children) -> ast.ListLit:
        return ast.ListLit(span=self.sp(self.starts[s[0]], self.ends[s[1]]), items=())

    def list_lit(self, s: Children) -> ast.ListLit:
        return ast.ListLit(span=self.sp(self.starts[s[0]], self.ends[s[-1]]), items=tuple(s[1]))

    def record_empty(self, s: Children) -> ast.RecordLit:
        return ast.RecordLit(span=self.sp(self.starts[s[0]], self.ends[s[1]]), fields=())

    def record_lit(self, s: Children) -> ast.RecordLit:
        return ast.RecordLit(span=self.sp(self.starts[s[0]], self.ends[s[-1]]), fields=tuple(s[1]))

    def record_field(self, s: Children) -> ast.RecordField:
        name, _, value = s
        return ast.RecordField(span=self.sp(self.starts[name], value.span.end), name=self.name(name), value=value)

    def paren(self, s: Children) -> ast.Expr:
        # The parentheses belong to the expression's span, so that a parent's span stays balanced.
        open_, inner, close = s
        result: ast.Expr = msgspec.structs.replace(inner, span=self.sp(self.starts[open_], self.ends[close]))
        return result

    def interp_first(self, s: Children) -> list[Any]:
        start, expr = s
        head: list[Any] = [start]
        if self.values[start]:
            head.append(self.values[start])
        head.append(expr)
        return head

    def interp_more(self, s: Children) -> list[Any]:
        head: list[Any] = s[0]
        mid, expr = s[1], s[2]
        if self.values[mid]:
            head.append(self.values[mid])
        head.append(expr)
        return head

    def interp(self, s: Children) -> ast.Interp:
        head, end = s
        if self.values[end]:
            head.append(self.values[end])
        return ast.Interp(span=self.sp(self.starts[head[0]], self.ends[end]), parts=tuple(head[1:]))

    def callee_name(self, c: Any) -> tuple[list[int], int | None]:
        return [c], None

    def callee_path(self, c: Any) -> tuple[list[int], int | None]:
        return c, None

    def callee_name_pinned(self, s: Children) -> tuple[list[int], int | None]:
        return [s[0]], self.values[s[1]]  # type: ignore[return-value]

    def callee_path_pinned(self, s: Children) -> tuple[list[int], int | None]:
        return s[0], self.values[s[1]]  # type: ignore[return-value]

    def call_empty(self, s: Children) -> ast.Call:
        return self._call(s[0], (), s[-1])

    def call(self, s: Children) -> ast.Call:
        (path, version), args, close = s[0], s[2], s[-1]  # _call(), inlined: the commonest call
        file = self.file
        start = self.starts[path[0]]
        return ast.Call(
            span=Span(file=file, start=start, end=self.ends[close]),
            callee=tuple(map(self.values.__getitem__, path)),  # type: ignore[arg-type]  # NAME values are their text
            callee_span=Span(file=file, start=start, end=self.ends[path[-1]]),
            version=version,
            args=tuple(args),
        )

    def _call(self, callee: tuple[list[int], int | None], args: tuple[ast.Arg, ...], close: int) -> ast.Call:
        path, version = callee
        file = self.file
        start = self.starts[path[0]]
        values = self.values
        return ast.Call(
            span=Span(file=file, start=start, end=self.ends[close]),
            callee=tuple(map(values.__getitem__, path)),  # type: ignore[arg-type]  # NAME values are their text
            callee_span=Span(file=file, start=start, end=self.ends[path[-1]]),
            version=version,
            args=args,
        )

    def arg_positional(self, c: Any) -> ast.Arg:
        value = c
        return ast.Arg(span=value.span, name=None, value=value)

    def arg_named(self, s: Children) -> ast.Arg:
        name, _, value = s
        return ast.Arg(span=self.sp(self.starts[name], value.span.end), name=self.name(name), value=value)

    def branch(self, s: Children) -> ast.Branch:
        cases, otherwise = s[2]
        return ast.Branch(span=self.sp(self.starts[s[0]], self.ends[s[-1]]), cases=tuple(cases), otherwise=otherwise)

    def branch_only(self, c: Any) -> tuple[list[ast.BranchCase], ast.Expr]:
        return [], c

    def branch_cases(self, s: Children) -> tuple[list[ast.BranchCase], ast.Expr]:
        return s[0], s[2]

    def branch_case(self, s: Children) -> ast.BranchCase:
        cond, _, value = s
        return ast.BranchCase(span=self.sp(cond.span.start, value.span.end), cond=cond, value=value)

    def otherwise(self, s: Children) -> ast.Expr:
        value: ast.Expr = s[2]
        return value

    def match(self, s: Children) -> ast.Match:
        return ast.Match(span=self.sp(self.starts[s[0]], self.ends[s[-1]]), subject=s[2], cases=tuple(s[5]))

    def match_case(self, s: Children) -> ast.MatchCase:
        pattern, _, value = s
        return ast.MatchCase(span=self.sp(pattern.span.start, value.span.end), pattern=pattern, value=value)

    def record_pattern(self, s: Children) -> ast.RecordPattern:
        return ast.RecordPattern(
            span=self.sp(self.starts[s[0]], self.ends[s[-1]]), fields=tuple(self.name(i) for i in s[1])
        )

    def type_pattern(self, s: Children) -> ast.TypePattern:
        kw, type_ = s
        return ast.TypePattern(span=self.sp(self.starts[kw], type_.span.end), type=type_)

    def name_pattern(self, c: Any) -> ast.WildcardPattern:
        i = c
        if self.values[i] != "_":
            self.report(
                "E020",
                f"expected a pattern ('{{ fields }}', 'is Type' or '_'), found '{self.values[i]}'",
                self.tok(i),
                f"to match by type, write 'is {self.values[i]}'",
            )
        return ast.WildcardPattern(span=self.tok(i))

    # ------------------------------------------------------------ operator chains

    def nest(self, items: list[Any]) -> ast.Expr:
        """Nest a flat chain `operand (op operand)*` by precedence (shunting-yard: no recursion)."""
        types = self.types
        operands: list[ast.Expr] = []
        ops: list[tuple[int, int, bool]] = []  # (binding power, token, is prefix `not`)
        comparisons: set[int] = set()  # ids of comparisons built from this chain, for chaining errors
        for k, item in enumerate(items):
            if k % 2:
                prec = _PREC[types[item]]
                right_assoc = prec == 1
                while ops and (ops[-1][0] > prec or (ops[-1][0] == prec and not right_assoc)):
                    self._apply(ops.pop(), operands, comparisons)
                ops.append((prec, item, False))
                continue
            while type(item) is _Not:
                if ops and not ops[-1][2] and ops[-1][0] > _NOT_PREC:
                    op_text = self.values[ops[-1][1]]
                    self.report(
                        "E020",
                        f"'not' binds more loosely than '{op_text}': put the negated operand in parentheses",
                        self.tok(item.tok),
                        f"write '{op_text} (not ...)'",
                    )
                ops.append((_NOT_PREC, item.tok, True))
                item = item.item
            operands.append(item)
        while ops:
            self._apply(ops.pop(), operands, comparisons)
        return operands[0]

    def _apply(self, op: tuple[int, int, bool], operands: list[ast.Expr], comparisons: set[int]) -> None:
        prec, i, prefix = op
        if prefix:
            operand = operands.pop()
            operands.append(ast.UnaryOp(span=self.sp(self.starts[i], operand.span.end), op="not", operand=operand))
            return
        right = operands.pop()
        left = operands.pop()
        span = self.sp(left.span.start, right.span.end)
        kind = self.types[i]
        node: ast.Expr
        if kind == "QQ":
            node = ast.Coalesce(span=span, left=left, right=right)
        elif kind == "WHEN":
            node = ast.When(span=span, value=left, cond=right)
        else:
            node = ast.BinOp(span=span, op=self.name(i), op_span=self.tok(i), left=left, right=right)
            if prec == _COMPARISON:
                if id(left) in comparisons:
                    self.report(
                        "E020",
                        f"comparison operators cannot be chained: '{self.name(i)}' follows another comparison",
                        self.tok(i),
                        "combine two comparisons with 'and', as in 'a < b and b < c'",
                    )
                comparisons.add(id(node))
        operands.append(node)
