"""Parse errors in words: what was expected, after what, and which bracket is still open.

Works from the LALR state stack at the error (the exact set of acceptable tokens is found by simulating
the table) and from the tokens of the declaration. Imports only diagnostics and the syntax internals.
"""

from __future__ import annotations

from typing import Final

from cst_cli.diagnostics import Diagnostic, Note, Source, Span, error
from cst_cli.syntax._lexer import END, ERROR, Tokens, is_decl_start
from cst_cli.syntax._table import Table

EXPR_START: Final = frozenset(
    {
        "NAME",
        "INT",
        "FLOAT",
        "STRING",
        "ISTR_START",
        "TRUE",
        "FALSE",
        "LSQB",
        "LBRACE",
        "LPAR",
        "LAMBDA_LPAR",
        "MINUS",
        "NOT",
        "IF",
        "BRANCH",
        "MATCH",
    }
)
# Tokens that would extend what came before (operators, postfix, call): not worth listing as expected.
CONTINUATION: Final = frozenset(
    {
        "DOT",
        "LSQB",
        "LBRACE",
        "LPAR",
        "VERSION",
        "QQ",
        "WHEN",
        "OR",
        "AND",
        "EQEQ",
        "NE",
        "LT",
        "LE",
        "GT",
        "GE",
        "PLUS",
        "MINUS",
        "STAR",
        "SLASH",
        "BAR",
        "WITH",
    }
)
VALUE_END: Final = frozenset(
    {"NAME", "INT", "FLOAT", "STRING", "ISTR_END", "TRUE", "FALSE", "RPAR", "RSQB", "RBRACE", "GT", "DURATION", "RATE"}
)
_CLOSER_OF: Final = {
    "LPAR": "RPAR",
    "LAMBDA_LPAR": "RPAR",
    "LSQB": "RSQB",
    "LBRACE": "RBRACE",
    "ISTR_START": "ISTR_END",
    "LT": "GT",
}
_CLOSERS: Final = frozenset({"RPAR", "RSQB", "RBRACE", "ISTR_END"})
_NAMED: Final = {
    "NAME": "a name",
    "INT": "an integer",
    "FLOAT": "a number",
    "STRING": "a string",
    "ISTR_START": "a string",
    "ISTR_MID": "'}'",
    "ISTR_END": "'}'",
    "DURATION": "a duration",
    "RATE": "a rate",
    "ANNOTATION": "an annotation",
    "VERSION": "a version such as '@1'",
    "LAMBDA_LPAR": "'('",
    END: "the end of the file",
}
_DECL_CONTEXT: Final = {
    "TYPE": " in the type declaration",
    "USE": " in the 'use' declaration",
    "IN": " in the input declaration",
    "OUT": " in the output declaration",
    "ANNOTATION": " in the annotation",
}
_DECLARATION_HINT: Final = (
    "a declaration starts with 'type', 'use', 'in', 'out', an annotation such as '@example(...)', or 'name ='"
)


class Explainer:
    """Turns a parse error (token index, state stack, first token of the declaration) into a Diagnostic."""

    def __init__(self, table: Table, tokens: Tokens, source: Source) -> None:
        self.table = table
        self.tokens = tokens
        self.source = source
        self.text = source.text
        self.file = source.name
        self.spelling = table.literals
        self.terminals = _terminals(table)

    # ------------------------------------------------------------ the table, simulated

    def accepts(self, stack: list[int], terminal: str, end_state: int) -> bool:
        states, rules = self.table.states, self.table.rules
        st = list(stack)
        while True:
            a = states[st[-1]].get(terminal)
            if a is None:
                return False
            if a >= 0:
                return True
            lhs, size, _ = rules[~a]
            if size:
                del st[-size:]
            st.append(states[st[-1]][lhs])
            if terminal == END and st[-1] == end_state:
                return True

    def accepted(self, stack: list[int], end_state: int) -> set[str]:
        return {t for t in self.terminals if self.accepts(stack, t, end_state)}

    # ------------------------------------------------------------ words

    def span(self, start: int, end: int) -> Span:
        return Span(file=self.file, start=start, end=end)

    def where(self, offset: int) -> str:
        p = self.source.position(offset)
        return f"{p.line}:{p.column}"

    def line(self, offset: int) -> int:
        return self.source.position(offset).line

    def show(self, i: int) -> str:
        """A token as people see it: its text in quotes, or a description."""
        t = self.tokens.types[i]
        if t in ("ISTR_MID", "ISTR_END", END):
            return _NAMED[t]
        text = self.text[self.tokens.starts[i] : self.tokens.ends[i]]
        if len(text) > 24:
            text = text[:23] + "…"
        return f"'{text}'"

    def show_terminal(self, t: str) -> str:
        if t in self.spelling:
            return f"'{self.spelling[t]}'"
        return _NAMED.get(t, t)

    # ------------------------------------------------------------ the diagnostic

    def explain(self, i: int, first: int, stack: list[int], end_state: int, *, expression: bool = False) -> Diagnostic:
        tokens = self.tokens
        types, starts, ends = tokens.types, tokens.starts, tokens.ends
        t = types[i]
        if t == ERROR:
            diagnostic = tokens.values[i]
            assert isinstance(diagnostic, Diagnostic)
            return diagnostic
        here = self.span(starts[i], ends[i])
        if t in ("DURATION", "RATE"):
            shape = "a duration like '200ms'" if t == "DURATION" else "a rate like '10/1s'"
            return error(
                "E020",
                f"{shape} can only be the value of an option in a 'with' clause",
                here,
                "for example: x = Fetch(url) with timeout: 2s, throttle: 10/1s",
            )
        if len(stack) == 1 and expression:
            return error("E020", "expected an expression", here)
        if len(stack) == 1 or stack[-1] == end_state:
            return self.unexpected(i, first)

        prev = i - 1
        # Where to point: at the token, or just after the previous one when the token is far away.
        far = t == END or self.line(starts[i]) > self.line(ends[prev])
        at = self.span(ends[prev], ends[prev]) if far else here
        found = "" if t == END or at is not here else f", found {self.show(i)}"
        kind = types[first]

        hint: str | None
        if kind == "NAME" and i == first + 1 and not expression:
            hint = "a binding is 'name = expression'"
            if first > 0 and self.line(ends[first - 1]) == self.line(starts[first]):
                hint = (
                    f"'{self.tokens.values[first]}' starts a new declaration here:"
                    " is an operator or a comma missing before it?"
                )
            return error("E020", f"expected '=' after '{tokens.values[first]}'{found}", at, hint)

        accepted = self.accepted(stack, end_state)
        if END in accepted:  # what comes before is complete: this token cannot follow it
            if expression:
                return error("E021", f"unexpected {self.show(i)} after the end of the expression", here)
            return self.unexpected(i, first)
        opened = self.open_brackets(first, i)
        if opened:
            k, desc = opened[-1]
            closer = _CLOSER_OF[types[k]]
            closer_text = "'}'" if closer == "ISTR_END" else f"'{self.spelling[closer]}'"
            if closer in accepted or (closer == "ISTR_END" and "ISTR_MID" in accepted):
                wrong_closer = t in _CLOSERS and t != closer
                # `name =` at the start of a line: a new declaration, so the bracket was never closed
                new_decl = t == "EQUAL" and prev - 1 > first and types[prev] == "NAME" and self.starts_line(prev)
                if wrong_closer or new_decl or t == END or is_decl_start(types, i) or at is not here:
                    message = f"expected {closer_text} to close the {desc} opened at {self.where(starts[k])}"
                    note = (Note(message=f"the {desc} opened here", span=self.span(starts[k], ends[k])),)
                    if wrong_closer:
                        return error("E021", f"unexpected {self.show(i)}: {message}", here, notes=note)
                    if new_decl:
                        at = self.span(ends[prev - 1], ends[prev - 1])
                    return error("E020", message, at, notes=note)
            if desc == "'branch' block" and t == "RBRACE" and "COMMA" in accepted:
                return error(
                    "E020",
                    "expected an 'otherwise -> value' case at the end of the 'branch'",
                    here,
                    "a branch ends with a default: branch { c1 -> e1, otherwise -> e2 }",
                )

        prev_t = types[prev]
        candidates = set(accepted)
        if prev_t in VALUE_END:
            in_type = kind in ("TYPE", "IN") or bool(
                opened and opened[-1][1].startswith(("type arguments", "parameter"))
            )
            candidates -= CONTINUATION - {"GT"} if in_type else CONTINUATION
            if len(candidates) > 1:
                candidates.discard("EQUAL")  # `name=value` as a named argument: not worth suggesting
        candidates.discard(END)
        what: str | None = None
        if "INT" in candidates:
            what = "an expression"
            candidates -= EXPR_START
        elif {"LBRACE", "IS"} <= candidates:
            what = "a pattern ('{ fields }', 'is Type' or '_')"
            candidates -= {"LBRACE", "IS", "NAME"}
        elif {"NAME", "LBRACE"} <= candidates:
            what = "a type"
            candidates -= {"NAME", "LBRACE"}
        elif "LAZY" in candidates:
            what = "an option such as 'retry: 3'"
            candidates -= {"NAME", "LAZY"}
        elif "NAME" in candidates:
            what = "a module path such as 'stdlib.math'" if prev_t == "USE" else "a name"
            candidates.discard("NAME")

        context = self.context(first, i)
        after = f"after {self.show(prev)}"
        if what is None and len(candidates) == 1:
            (only,) = candidates
            special = self.special(only, first, prev, opened)
            if special is not None:
                hint = None
                if "option name" in special and t == "EQUAL" and types[prev - 1] == "COMMA" and self.starts_line(prev):
                    hint = "the ',' at the end of the line before continues the 'with' clause: remove it"
                return error("E020", f"{special}{found}", at, hint)
        if candidates == {"ANNOTATION", "IN", "OUT"}:
            message = "expected 'in' or 'out' after the annotation: annotations go before an input or an output"
            return error("E020", message, at)
        items = [what] if what else []
        for c in sorted(candidates, key=self._order):
            if self.show_terminal(c) not in items:
                items.append(self.show_terminal(c))
        if not items:
            return error("E021", f"unexpected {self.show(i)} {after}", here)
        return error("E020", f"expected {_either(items)} {after}{context}{'' if what else found}", at)

    def unexpected(self, i: int, first: int) -> Diagnostic:
        """A token that cannot start a declaration, where one may start."""
        types, starts = self.tokens.types, self.tokens.starts
        t = types[i]
        if t == "EQUAL" and i - 2 >= first and types[i - 1] == "NAME" and self.starts_line(i - 1):
            # `y = 2 +` then `z = 3`: the expression went on with `z`
            hint = (
                f"'{self.tokens.values[i - 1]}' was read as part of the declaration before it, which goes on"
                f" from the previous line after {self.show(i - 2)}: is something missing there?"
            )
        elif t in _CLOSERS:
            hint = "no bracket is open here"
        elif t in EXPR_START or t in ("DURATION", "RATE"):
            hint = "is an operator or a comma missing before it?"
        else:
            hint = _DECLARATION_HINT
        span = self.span(starts[i], self.tokens.ends[i])
        return error("E021", f"unexpected {self.show(i)}", span, hint)

    def starts_line(self, i: int) -> bool:
        starts = self.tokens.starts
        return i == 0 or self.line(starts[i - 1]) < self.line(starts[i])

    def special(self, only: str, first: int, prev: int, opened: list[tuple[int, str]]) -> str | None:
        """Messages for the one-token cases that read better with their construct named."""
        types, values = self.tokens.types, self.tokens.values
        prev_t = types[prev]
        if only == "ELSE":
            return "expected 'else' after the 'if' branch"
        if only == "LPAR" and prev_t in ("IF", "MATCH"):
            return f"expected '(' after '{values[prev]}'"
        if only == "LBRACE" and prev_t == "BRANCH":
            return "expected '{' after 'branch'"
        if only == "LBRACE" and prev_t == "RPAR":
            return "expected '{' after the 'match' subject"
        if only == "ARROW" and opened:
            desc = opened[-1][1]
            if desc == "'branch' block":
                return "expected '->' after the condition of the branch case"
            if desc == "'match' block":
                return "expected '->' after the pattern of the match case"
        if only == "COLON" and prev_t in ("NAME", "LAZY"):
            name = values[prev]
            kind = types[first]
            if kind == "IN" or (kind == "ANNOTATION" and prev > first and types[prev - 1] == "IN"):
                return f"expected ':' and a type after the input name '{name}'"
            if self.in_with_clause(first, prev):
                return f"expected ':' after the option name '{name}'"
            return f"expected ':' after the field name '{name}'"
        if only == "EQUAL" and types[first] == "TYPE":
            return f"expected '=' after the type name '{values[prev]}'"
        return None

    def context(self, first: int, i: int) -> str:
        types = self.tokens.types
        kind = types[first]
        if kind == "ANNOTATION":
            for k in range(first, i):
                if types[k] in ("IN", "OUT"):
                    kind = types[k]
                    break
        if kind == "NAME":
            return " in the 'with' clause" if self.in_with_clause(first, i) else ""
        return _DECL_CONTEXT.get(kind, "")

    def in_with_clause(self, first: int, i: int) -> bool:
        types = self.tokens.types
        depth = 0
        for k in range(first, i):
            t = types[k]
            if t in ("LPAR", "LAMBDA_LPAR", "LSQB", "LBRACE", "ISTR_START"):
                depth += 1
            elif t in _CLOSERS:
                depth -= 1
            elif t == "WITH" and depth == 0:
                return True
        return False

    def open_brackets(self, first: int, i: int) -> list[tuple[int, str]]:
        """The brackets opened and not closed between tokens `first` and `i`, innermost last."""
        types = self.tokens.types
        stack: list[tuple[int, str]] = []
        last_closed = ""
        kind = types[first]
        for k in range(first, i):
            t = types[k]
            if (t in _CLOSER_OF and t != "LT") or (t == "LT" and types[k - 1] == "NAME" and self.in_type(kind, stack)):
                stack.append((k, self.describe_opener(k, kind, last_closed, stack)))
            elif t == "GT" and stack and types[stack[-1][0]] == "LT":
                stack.pop()
            elif t == "ISTR_MID":
                pass
            elif t in _CLOSERS:
                while stack and types[stack[-1][0]] == "LT":  # a `<` that was not a bracket after all
                    stack.pop()
                last_closed = stack.pop()[1] if stack else ""
        return stack

    def in_type(self, kind: str, stack: list[tuple[int, str]]) -> bool:
        if stack:
            return stack[-1][1].startswith(("type arguments", "parameter list", "record type"))
        return kind in ("TYPE", "IN")

    def describe_opener(self, k: int, kind: str, last_closed: str, stack: list[tuple[int, str]]) -> str:
        types, values = self.tokens.types, self.tokens.values
        t = types[k]
        before = types[k - 1] if k > 0 else ""
        if t == "ISTR_START":
            return "interpolation '${'"
        if t == "LAMBDA_LPAR":
            return "parameter list of the lambda"
        if t == "LT":
            return f"type arguments of {values[k - 1]}"
        if t == "LPAR":
            if before in ("NAME", "VERSION"):
                j = k - 1 if before == "NAME" else k - 2
                parts = [str(values[j])]
                while j >= 2 and types[j - 1] == "DOT" and types[j - 2] == "NAME":
                    j -= 2
                    parts.append(str(values[j]))
                return f"call to {'.'.join(reversed(parts))}"
            if before == "IF":
                return "condition of the 'if'"
            if before == "MATCH":
                return "subject of the 'match'"
            if before == "ANNOTATION":
                return f"arguments of '@{values[k - 1]}'"
            return "parenthesis"
        if t == "LSQB":
            return "projection" if before in VALUE_END else "list"
        # LBRACE
        if before == "BRANCH":
            return "'branch' block"
        if before == "RPAR" and last_closed == "subject of the 'match'":
            return "'match' block"
        if stack and stack[-1][1] == "'match' block" and before in ("LBRACE", "COMMA"):
            return "record pattern"
        if before in VALUE_END:
            return "projection"
        if kind in ("TYPE", "IN") or (before in ("COLON", "LT") and kind != "NAME"):
            return "record type"
        return "record"

    def _order(self, t: str) -> tuple[int, str]:
        # closers last, so that "expected ',' or ')'" reads naturally
        return (1 if t in _CLOSERS else 0, t)


_terminals_of: tuple[Table, list[str]] | None = None


def _terminals(table: Table) -> list[str]:
    """Every terminal of the table (computed once per table)."""
    global _terminals_of
    if _terminals_of is None or _terminals_of[0] is not table:
        symbols = {sym for row in table.states for sym in row if sym.isupper() or sym.startswith("$")}
        _terminals_of = (table, sorted(symbols))
    return _terminals_of[1]


def _either(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " or " + items[-1]
