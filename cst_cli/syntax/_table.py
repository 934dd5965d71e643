"""The LALR(1) parse table of grammar.lark: built by Lark on a cache miss, else read from a user cache file.

Lark is imported only to build the table; a warm start decodes one small msgpack file. Imports only
msgspec and the standard library (and lark, lazily).
"""

from __future__ import annotations

import os
import sys
import tempfile
import zlib
from importlib import resources
from pathlib import Path
from typing import Any, Final

import msgspec

FORMAT: Final = "cst-lalr-1"  # bump when the encoding below changes
START_SYMBOLS: Final = ("program", "expr")


class Table(msgspec.Struct, frozen=True, kw_only=True):
    """The parse table in a compact, Lark-free form.

    `states[s][symbol]` is the action on a terminal, or the goto on a nonterminal: a value `a >= 0` is
    "shift (or go) to state a", `a < 0` is "reduce by rule ~a". `rules[r]` is (left-hand side, length,
    callback name): the alias of the rule, else its name.
    """

    digest: str
    literals: dict[str, str]  # terminal name -> spelling, for keywords and punctuation
    states: list[dict[str, int]]
    rules: list[tuple[str, int, str]]
    start_states: dict[str, int]
    end_states: dict[str, int]


_table: Table | None = None


def grammar_text() -> str:
    return resources.files(__package__).joinpath("grammar.lark").read_text(encoding="utf-8")


def cache_dir() -> Path:
    """Where tables are cached: the platform's user cache directory, under `cst`."""
    if sys.platform == "win32":  # pragma: no cover - not exercised on Linux CI
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":  # pragma: no cover
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "cst"


def load_table() -> Table:
    """The parse table, from memory, the cache file, or built afresh (and then cached if possible)."""
    global _table
    if _table is None:
        text = grammar_text()
        digest = _digest(text)
        path = cache_dir() / f"grammar-{digest}.msgpack"
        table = _read(path, digest)
        if table is None:
            table = build_table(text, digest)
            _write(path, table)
        _table = table
    return _table


def _digest(text: str) -> str:
    """The cache key: the table format, and two checksums and the size of the grammar.

    Not a cryptographic hash: loading hashlib (OpenSSL) would cost more than the rest of a warm start.
    """
    data = (FORMAT + "\n" + text).encode()
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}{len(data):x}"


def reset() -> None:
    """Forget the table held in memory (tests use this to exercise the cache)."""
    global _table
    _table = None


def _read(path: Path, digest: str) -> Table | None:
    try:
        table = msgspec.msgpack.decode(path.read_bytes(), type=Table)
    except (OSError, msgspec.DecodeError, msgspec.ValidationError):
        return None
    return table if table.digest == digest else None


def _write(path: Path, table: Table) -> None:
    """Write atomically; a cache directory that cannot be written just means no cache."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".grammar-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(msgspec.msgpack.encode(table))
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        pass


def build_table(text: str, digest: str) -> Table:
    """Run Lark's LALR(1) analysis (strict: any conflict is an error) and convert its table."""
    from lark import Lark
    from lark.lexer import Lexer, PatternStr
    from lark.parsers.lalr_analysis import Shift

    class _NoLexer(Lexer):  # tokens come from _lexer.py; Lark only analyses the grammar
        def __init__(self, conf: Any) -> None:
            pass

        def lex(self, lexer_state: Any, parser_state: Any) -> Any:  # pragma: no cover - never called
            return iter(())

    lark = Lark(text, parser="lalr", lexer=_NoLexer, start=list(START_SYMBOLS), strict=True)
    parse_table = lark.parser.parser._parse_table
    rule_index: dict[Any, int] = {}
    rules: list[tuple[str, int, str]] = []
    for rule in lark.rules:
        rule_index[rule] = len(rules)
        rules.append((str(rule.origin.name), len(rule.expansion), str(rule.alias or rule.origin.name)))
    n_states = max(parse_table.states) + 1
    states: list[dict[str, int]] = [{} for _ in range(n_states)]
    for state, actions in parse_table.states.items():
        row = states[state]
        for symbol, (action, arg) in actions.items():
            row[str(symbol)] = arg if action is Shift else ~rule_index[arg]
    literals = {str(t.name): str(t.pattern.value) for t in lark.terminals if isinstance(t.pattern, PatternStr)}
    return Table(
        digest=digest,
        literals=literals,
        states=states,
        rules=rules,
        start_states=dict(parse_table.start_states),
        end_states=dict(parse_table.end_states),
    )
