"""`cst run` through typer's CliRunner (and the installed `cst` for a few end-to-end cases)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cst_cli.cli.main import app

TEXT = """\
@example("Hello  big world")
in text: String
in n: Int
words = WordCount(text)
up = Uppercase(text)
total = words + n
msg = "words: ${words}, total ${total}"
out msg
out up
"""

FAILING = """\
in q: String
ok = Uppercase(q)
r = AlwaysFailsService(q) with retry: 1
out ok
out r
"""


@pytest.fixture
def write(tmp_path: Path):  # type: ignore[no-untyped-def]
    def make(text: str, name: str = "p.cst") -> str:
        p = tmp_path / name
        p.write_text(text)
        return str(p)

    return make


def run(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, ["run", *args], input=input)


def test_outputs_as_exactly_one_json_document(write) -> None:  # type: ignore[no-untyped-def]
    r = run(write(TEXT), "-i", "text=Hello  big world", "-i", "n=3", "--format", "json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout) == {"msg": "words: 3, total 6", "up": "HELLO  BIG WORLD"}


def test_inputs_from_a_file_stdin_and_examples(write, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "in.json"
    f.write_text('{"text": "a b", "n": 1}')
    r = run(write(TEXT), "--inputs", str(f), "-i", "n=10", "-f", "json")
    assert json.loads(r.stdout)["msg"] == "words: 2, total 12"  # -i overrides the file
    r = run(write(TEXT), "--inputs", "-", "-f", "json", input='{"text": "x", "n": 0}')
    assert json.loads(r.stdout)["msg"] == "words: 1, total 1"
    r = run(write(TEXT), "--examples", "-i", "n=0", "-f", "json")
    assert json.loads(r.stdout)["up"] == "HELLO  BIG WORLD"


def test_missing_input_computes_what_it_can_and_exits_4(write) -> None:  # type: ignore[no-untyped-def]
    r = run(write(TEXT), "-i", "text=a b c", "-f", "json")
    assert r.exit_code == 4
    assert json.loads(r.stdout) == {"up": "A B C"}
    assert "missing inputs: n" in r.stderr
    assert "msg: needs input 'n' (missing)" in r.stderr


def test_invalid_and_unknown_inputs_exit_4(write) -> None:  # type: ignore[no-untyped-def]
    r = run(write(TEXT), "-i", "text=x", "-i", 'n="three"', "-f", "json")
    assert r.exit_code == 4
    assert 'inputs.n: expected Int, got "three"' in r.stderr
    r = run(write(TEXT), "-i", "text=x", "-i", "n=1", "-i", "txt=y", "-f", "json")
    assert r.exit_code == 4
    assert "inputs.txt: unknown input" in r.stderr and "'text'" in r.stderr
    assert json.loads(r.stdout) == {}


def test_program_errors_exit_1_with_diagnostics_on_stderr(write) -> None:  # type: ignore[no-untyped-def]
    r = run(write("in a: Int\nb = Nope(a)\nout b\n"), "-f", "json")
    assert r.exit_code == 1
    assert r.stdout == ""
    assert "E002" in r.stderr


def test_a_failed_call_exits_3_naming_the_call_place_attempts_and_reason(write, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    trace = tmp_path / "trace.json"
    path = write(FAILING)
    r = run(path, "-i", "q=x", "-f", "json", "--trace", str(trace), "--keep-going")
    assert r.exit_code == 3
    assert json.loads(r.stdout) == {"ok": "X"}
    assert f"{path}:3:5" in r.stderr
    assert "AlwaysFailsService" in r.stderr and "after 2 attempts" in r.stderr and "(exception)" in r.stderr
    doc = json.loads(trace.read_text())
    assert doc["format"] == "cst-trace/1" and doc["status"] == "failed"
    node = next(n for n in doc["nodes"] if n["id"] == "r")
    assert node["attempts"] == 2 and node["outcome"] == "failed" and node["module"] == "AlwaysFailsService"
    assert doc["totals"]["retries"] == 1


@pytest.mark.parametrize(
    "args",
    [["-i", "novalue"], ["--pin", "X"], ["--pin", "X=one"], ["--max-concurrency", "0"]],
)
def test_usage_errors_exit_2(write, args: list[str]) -> None:  # type: ignore[no-untyped-def]
    r = run(write(TEXT), *args)
    assert r.exit_code == 2


def test_bad_config_exits_2_naming_the_key(write, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cfg = tmp_path / "cst.yaml"
    cfg.write_text("modules:\n  Trim:\n    retry: x\n")
    r = run(write(TEXT), "--config", str(cfg))
    assert r.exit_code == 2
    assert 'modules.Trim.retry: expected an integer, got "x"' in r.stderr


def test_config_defaults_apply_to_calls(write, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cfg = tmp_path / "cst.yaml"
    cfg.write_text("modules:\n  AlwaysFailsService: {retry: 2, on_error: skip}\n")
    trace = tmp_path / "t.json"
    r = run(
        write(FAILING.replace(" with retry: 1", "")),
        "-i",
        "q=x",
        "-f",
        "json",
        "--config",
        str(cfg),
        "--trace",
        str(trace),
    )
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout) == {"ok": "X", "r": ""}
    node = next(n for n in json.loads(trace.read_text())["nodes"] if n["id"] == "r")
    assert node["attempts"] == 3 and node["recovered_by"] == "skip"


def test_table_format(write) -> None:  # type: ignore[no-untyped-def]
    r = run(write(TEXT), "-i", "text=a", "-i", "n=1", "--format", "table")
    assert r.exit_code == 0
    assert "HELLO" not in r.stdout and "A" in r.stdout and "output" in r.stdout


def test_installed_cst_end_to_end(write) -> None:  # type: ignore[no-untyped-def]
    env = {**os.environ, "CST_QUIET_PLUGINS": "1"}
    out = subprocess.run(
        ["cst", "run", write(TEXT), "-i", "text=a b", "-i", "n=2"], capture_output=True, env=env, check=False
    )
    assert out.returncode == 0, out.stderr.decode()
    assert json.loads(out.stdout) == {"msg": "words: 2, total 4", "up": "A B"}  # not a terminal: JSON


def test_ctrl_c_exits_130_promptly(write) -> None:  # type: ignore[no-untyped-def]
    path = write("in q: String\na = ExpensiveCompute(q)\nb = ExpensiveCompute(a)\nc = ExpensiveCompute(b)\nout c\n")
    proc = subprocess.Popen(
        ["cst", "run", path, "-i", "q=x"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "CST_QUIET_PLUGINS": "1"},
    )
    time.sleep(1.0)  # the run takes 6 s; an interrupt while still importing must give 130 as well
    proc.send_signal(signal.SIGINT)
    t0 = time.monotonic()
    out, err = proc.communicate(timeout=10)
    assert proc.returncode == 130, err.decode()
    assert time.monotonic() - t0 < 1.5
    assert out == b""
    assert b"interrupted" in err
