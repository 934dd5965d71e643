"""The parse table: built lazily, cached by grammar hash, usable without a writable cache; speed."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cst_cli.diagnostics import Source
from cst_cli.syntax import _table
from cst_cli.syntax.parser import parse
from tests.syntax._helpers import ROOT


def _python(code: str, cache_home: Path) -> str:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True
    )
    return done.stdout.strip()


def test_import_is_cheap_and_lark_only_loads_to_build_the_table(tmp_path: Path) -> None:
    probe = (
        "import sys\n"
        "import cst_cli.syntax.parser as p\n"
        "from cst_cli.diagnostics import Source\n"
        "before = sorted(m for m in sys.modules if m == 'lark' or m.startswith('cst_cli.syntax._'))\n"
        "prog, diags = p.parse(Source('a.cst', 'x = F(1)\\nout x\\n'))\n"
        "assert prog is not None and not diags, diags\n"
        "print(before, 'lark' in sys.modules)\n"
    )
    assert _python(probe, tmp_path) == "[] True"  # cold cache: Lark builds the table
    assert list((tmp_path / "cst").glob("grammar-*.msgpack"))
    assert _python(probe, tmp_path) == "[] False"  # warm cache: no Lark at all


def test_cache_directory_not_writable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    monkeypatch.setattr(_table, "cache_dir", lambda: blocker / "cst")
    _table.reset()
    try:
        program, diagnostics = parse(Source("a.cst", "x = 1\nout x\n"))
        assert program is not None and not diagnostics
    finally:
        _table.reset()


def test_damaged_cache_file_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_table, "cache_dir", lambda: tmp_path)
    _table.reset()
    try:
        first = _table.load_table()
        (path,) = tmp_path.glob("grammar-*.msgpack")
        path.write_bytes(b"\x93garbage")
        _table.reset()
        again = _table.load_table()
        assert again.digest == first.digest and len(again.states) == len(first.states)
        assert path.read_bytes() != b"\x93garbage"
    finally:
        _table.reset()


def test_grammar_is_conflict_free_lalr() -> None:
    # Lark's strict mode raises on any shift/reduce or reduce/reduce conflict.
    table = _table.build_table(_table.grammar_text(), "test")
    assert set(table.start_states) == {"program", "expr"}
    assert {"LPAR": "(", "TYPE": "type", "QQ": "??"}.items() <= table.literals.items()


def _bindings(n: int) -> str:
    lines = ["in b0: String"]
    lines += [f'b{k} = F(b{k - 1}, "x") with retry: 1' for k in range(1, n)]
    lines.append(f"out b{n - 1}")
    return "\n".join(lines) + "\n"


def _best(n: int, runs: int = 3) -> float:
    source = Source("big.cst", _bindings(n))
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        program, diagnostics = parse(source)
        best = min(best, time.perf_counter() - start)
        assert program is not None and not diagnostics and len(program.decls) == n + 1
    return best


def test_ten_thousand_bindings_parse_fast_and_linearly() -> None:
    _best(200, runs=1)  # warm up: table loaded, code paths hot
    two_k, ten_k = _best(2_000), _best(10_000)
    assert ten_k < 1.0  # about 0.2 s on the reference two-core machine
    assert ten_k / two_k < 8  # linear would be 5
