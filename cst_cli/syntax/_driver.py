"""The LALR(1) loop over the table of _table.py, with error recovery.

After an error the driver reports it, skips to the next token that starts a declaration and resumes in
the state "between declarations", so one file gives one diagnostic per broken declaration. Iterative:
no recursion, whatever the nesting. Imports only diagnostics and the syntax internals.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from typing import Any

from cst_cli.diagnostics import Diagnostic, Source, Span, error
from cst_cli.syntax._build import Builder
from cst_cli.syntax._errors import Explainer
from cst_cli.syntax._lexer import END, ERROR, Tokens, is_decl_start
from cst_cli.syntax._table import Table

_Callback = Callable[[Builder, Any], Any]  # the children in a list; the child alone for one-symbol rules
# A run of one-symbol reductions on one look-ahead: the state it ends in and the callbacks on the way.
_UnitRun = tuple[int, tuple[_Callback, ...]]
# A reduce action: (lhs, size, callback, the runs met so far by state below when size is 1). One tuple
# per table entry, so that a run is found by the state below alone.
_Reduce = tuple[str, int, _Callback | None, dict[int, _UnitRun]]
# Per table: its rows with reduce actions replaced by _Reduce tuples.
_runtime: tuple[Table, list[dict[str, int | _Reduce]]] | None = None


def _unit_run(states: list[dict[str, int | _Reduce]], below: int, state: int, t: str) -> _UnitRun:
    """Follow the one-symbol reductions from `state` (above `below`) on look-ahead `t`.

    They replace the top of the stack only, so the state below stays `below` all along: the run depends
    only on (below, state, t). It stops at the first action that is not such a reduction (a shift, a
    longer reduction, or an error), in the state where the driver then carries on.
    """
    callbacks: list[_Callback] = []
    while True:
        a = states[state].get(t)
        if a is None or type(a) is int:
            return state, tuple(callbacks)
        lhs, size, fn, _ = a  # type: ignore[misc]
        if size != 1:
            return state, tuple(callbacks)
        if fn is not None:
            callbacks.append(fn)
        state = states[below][lhs]  # type: ignore[assignment]


def _runtime_states(table: Table) -> list[dict[str, int | _Reduce]]:
    global _runtime
    if _runtime is None or _runtime[0] is not table:
        callbacks = Builder.__dict__
        rules: list[tuple[str, int, _Callback | None]] = []
        for lhs, size, name in table.rules:
            fn = callbacks.get(name)
            if fn is None and size != 1:
                raise LookupError(f"grammar rule {name!r} has no callback in _build.py")
            rules.append((lhs, size, fn))
        rows: list[dict[str, int | _Reduce]] = [
            {sym: (a if a >= 0 else (*rules[~a], {})) for sym, a in row.items()} for row in table.states
        ]
        _runtime = (table, rows)
    return _runtime[1]


class Driver:
    def __init__(self, table: Table, tokens: Tokens, source: Source) -> None:
        self.table = table
        self.tokens = tokens
        self.source = source
        self.builder = Builder(tokens, source.name)
        self.diagnostics: list[Diagnostic] = []
        self._explainer: Explainer | None = None  # made on the first error

    def run(self, start_symbol: str) -> Any:
        """Parse the tokens as a `program` (a list of declarations) or one `expr` (None if broken)."""
        states = _runtime_states(self.table)
        builder = self.builder
        append_sep = Builder.append_sep
        pair_sep = Builder.pair_sep
        types = self.tokens.types
        start = self.table.start_states[start_symbol]
        end_state = self.table.end_states[start_symbol]
        stack = [start]
        values: list[Any] = []
        push_state = stack.append
        push_value = values.append
        state = start
        i = 0
        resumed = 0  # where parsing last resumed after an error
        last_error = -1
        a: int | _Reduce | None
        while True:  # once, and again after each error
            # One pass of the loop per token: its shift, after the reductions it causes.
            first = i
            for i in range(first, len(types)):  # `i` stays where the pass stopped
                t = types[i]
                while True:
                    try:
                        a = states[state][t]
                    except KeyError:
                        a = None
                        break
                    if type(a) is int:
                        break
                    lhs, size, fn, runs = a  # type: ignore[misc]
                    if size == 1:  # one-symbol reductions: the whole run of them at once
                        below = stack[-2]
                        try:
                            state, callbacks = runs[below]
                        except KeyError:
                            state, callbacks = runs[below] = _unit_run(states, below, state, t)
                        stack[-1] = state
                        if callbacks:
                            value = values[-1]
                            for callback in callbacks:
                                value = callback(builder, value)
                            values[-1] = value
                        continue
                    if fn is append_sep:  # `list "," item`: done here, the commonest reduction (same list)
                        item = values.pop()
                        del values[-1]
                        values[-1].append(item)
                        del stack[-2:]
                        state = stack[-1] = states[stack[-2]][lhs]  # type: ignore[assignment]
                        continue
                    if fn is pair_sep:  # `item "," item`: a new list of the two
                        item = values.pop()
                        del values[-1]
                        values[-1] = [values[-1], item]
                        del stack[-2:]
                        state = stack[-1] = states[stack[-2]][lhs]  # type: ignore[assignment]
                        continue
                    args = values[-size:]
                    del values[-size:]
                    del stack[-size:]
                    push_value(fn(builder, args))  # type: ignore[misc]  # rules longer than one have a callback
                    state = states[stack[-1]][lhs]  # type: ignore[assignment]
                    push_state(state)
                if a is None:
                    break
                push_state(a)
                push_value(i)
                state = a
            else:  # pragma: no cover - the END token is never shifted
                raise AssertionError("the parser ran past the END token")
            if t == END and state == end_state:
                return values[0]
            if t == END and state == start and start_symbol == "program":
                return []  # an empty file, or only comments
            self._report_error(i, resumed, stack, values, start, end_state, start_symbol)
            if start_symbol != "program":
                return None
            # Never fail twice at the same token (that would be a loop): skip it the second time.
            error_at = i
            i = resumed = self._resync(i, error_at + 1 if error_at == last_error else 0)
            last_error = error_at
            # Resume between declarations: after those parsed so far, if any.
            del stack[2 if len(stack) > 1 and stack[1] == end_state else 1 :]
            del values[len(stack) - 1 :]
            state = stack[-1]

    def _report_error(
        self,
        i: int,
        resumed: int,
        stack: list[int],
        values: list[Any],
        start: int,
        end_state: int,
        start_symbol: str,
    ) -> None:
        tokens = self.tokens
        if self._explainer is None:
            self._explainer = Explainer(self.table, tokens, self.source)
        explainer = self._explainer
        if start_symbol != "program":
            if stack[-1] == end_state:
                message = f"unexpected {explainer.show(i)} after the end of the expression"
                self.diagnostics.append(error("E021", message, self._token_span(i)))
            elif len(stack) == 1 and tokens.types[i] == END:
                self.diagnostics.append(error("E020", "expected an expression", self._token_span(i)))
            else:
                self.diagnostics.append(explainer.explain(i, 0, stack, end_state, expression=True))
            return
        # The declaration in error starts after the last complete one (or where parsing resumed).
        first = resumed
        if len(stack) > 1 and stack[1] == end_state and values[0]:
            first = max(first, bisect.bisect_left(tokens.starts, values[0][-1].span.end))
        self.diagnostics.append(explainer.explain(i, min(first, i), stack, end_state))

    def _resync(self, i: int, floor: int) -> int:
        """The next token at or after `floor` that starts a declaration, for an error at token `i`.

        Lexical errors skipped on the way are reported.
        """
        types = self.tokens.types
        if types[i] == END:
            return i
        # Restart at the token in error itself if it starts a declaration (it cannot be the first token
        # of a declaration then: those are accepted between declarations).
        j = i if types[i] != ERROR else i + 1
        if types[i] == "EQUAL" and types[i - 1] == "NAME" and i - 1 >= floor:
            return i - 1  # `name =` where the declaration before went on: start again at the name
        j = min(max(j, floor), len(types) - 1)
        while types[j] != END:
            if types[j] == ERROR:
                diagnostic = self.tokens.values[j]
                assert isinstance(diagnostic, Diagnostic)
                self.diagnostics.append(diagnostic)
            elif is_decl_start(types, j):
                return j
            j += 1
        return j

    def _token_span(self, i: int) -> Span:
        return Span(file=self.source.name, start=self.tokens.starts[i], end=self.tokens.ends[i])
