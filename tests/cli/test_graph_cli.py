"""`cst graph` through typer's CliRunner: formats, -o, --trace, and the exit codes of bad inputs."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cst_cli.cli.main import app

TEXT = """\
in text: String
in n: Int
up = Uppercase(text)
words = WordCount(text) with retry: 2, timeout: 1s
pick = if (words > n) up else Lowercase(text)
msg = "${up} has ${words} words"
out pick
out msg
"""


def graph(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, ["graph", *args])


@pytest.fixture
def pipe(tmp_path: Path) -> Path:
    p = tmp_path / "p.cst"
    p.write_text(TEXT)
    return p


@pytest.fixture
def trace(pipe: Path, tmp_path: Path) -> Path:
    t = tmp_path / "run.json"
    r = CliRunner().invoke(app, ["run", str(pipe), "-i", "text=a b c", "-i", "n=1", "--trace", str(t)])
    assert r.exit_code == 0, r.stderr
    return t


def test_default_is_dot_when_piped_and_dot_renders_it(pipe: Path) -> None:
    r = graph(str(pipe))
    assert r.exit_code == 0, r.stderr
    assert r.stdout.startswith("digraph pipeline {") and r.stderr == ""
    if shutil.which("dot"):
        svg = subprocess.run(["dot", "-Tsvg"], input=r.stdout.encode(), capture_output=True, check=True)
        assert b"<svg" in svg.stdout


def test_every_format(pipe: Path) -> None:
    tree = graph(str(pipe), "--format", "tree")
    assert tree.exit_code == 0 and "stage 1 · 2 calls in parallel" in tree.stdout
    assert "words = WordCount@1.0(text) → Int  with retry: 2, timeout: 1s" in tree.stdout
    mmd = graph(str(pipe), "-f", "mermaid")
    assert mmd.exit_code == 0 and mmd.stdout.startswith("flowchart TD")
    doc = json.loads(graph(str(pipe), "-f", "json").stdout)
    assert doc["format"] == "cst-graph/1" and doc["run"] is None
    kinds = {n["id"]: n["kind"] for n in doc["nodes"]}
    assert kinds == {
        "text": "input",
        "n": "input",
        "up": "call",
        "words": "call",
        "pick#2": "call",
        "pick": "inline",
        "msg": "inline",
        "out:pick": "output",
        "out:msg": "output",
    }


def test_output_file_picks_the_format_from_its_suffix(pipe: Path, tmp_path: Path) -> None:
    for suffix, start in ((".mmd", "flowchart"), (".json", "{"), (".dot", "digraph"), (".txt", str(pipe))):
        out = tmp_path / f"g{suffix}"
        r = graph(str(pipe), "-o", str(out))
        assert r.exit_code == 0 and r.stdout == ""
        assert out.read_text().startswith(start)


def test_trace_annotates_and_highlights_the_critical_path(pipe: Path, trace: Path) -> None:
    doc = json.loads(graph(str(pipe), "--trace", str(trace), "-f", "json").stdout)
    assert doc["run"]["status"] == "ok" and doc["critical_path"][0] == "text"
    words = next(n for n in doc["nodes"] if n["id"] == "words")
    assert words["measured"]["outcome"] == "ok" and words["measured"]["attempts"] == 1
    lower = next(n for n in doc["nodes"] if n["id"] == "pick#2")
    assert lower["measured"]["outcome"] == "not_needed"
    tree = graph(str(pipe), "--trace", str(trace), "-f", "tree").stdout
    assert "critical path: text →" in tree and "◆ critical" in tree
    assert 'color="#d62728"' in graph(str(pipe), "--trace", str(trace)).stdout
    assert "linkStyle" in graph(str(pipe), "--trace", str(trace), "-f", "mermaid").stdout


def test_a_trace_of_another_pipeline_is_one_line_and_exit_2(pipe: Path, trace: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.cst"
    other.write_text("in text: String\nout text\n")
    r = graph(str(other), "--trace", str(trace))
    assert r.exit_code == 2 and r.stdout == ""
    assert r.stderr.count("\n") == 1 and "trace is of another pipeline" in r.stderr


def test_a_malformed_or_missing_trace_is_exit_2(pipe: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    for content in ("{", '{"format": "cst-trace/9"}', "[]"):
        bad.write_text(content)
        r = graph(str(pipe), "--trace", str(bad))
        assert r.exit_code == 2 and "not a cst-trace/1 trace" in r.stderr and r.stderr.count("\n") == 1
    r = graph(str(pipe), "--trace", str(tmp_path / "none.json"))
    assert r.exit_code == 2 and "no such trace file" in r.stderr


def test_missing_file_is_exit_2_and_program_errors_exit_1(tmp_path: Path) -> None:
    r = graph(str(tmp_path / "none.cst"))
    assert r.exit_code == 2 and "no such file" in r.stderr
    bad = tmp_path / "bad.cst"
    bad.write_text("in x: Int\ny = Nope(x)\nout y\n")
    r = graph(str(bad))
    assert r.exit_code == 1 and r.stdout == ""
    assert "error[E002]" in r.stderr and "bad.cst:2:5" in r.stderr


def test_default_is_the_tree_on_a_terminal_and_stdin_works(pipe: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import cst_cli.cli._common as common

    monkeypatch.setattr(common, "stdout_is_terminal", lambda: True)
    r = graph(str(pipe))
    assert r.exit_code == 0 and r.stdout.startswith(str(pipe)) and "outputs" in r.stdout
    r = CliRunner().invoke(app, ["graph", "-", "-f", "json"], input=TEXT)
    assert r.exit_code == 0 and json.loads(r.stdout)["pipeline"] == "<stdin>"
