"""`cst check` through typer's runner and, for a few cases, through the installed command."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cst_cli.cli.main import app

GOOD = "in text: String\ncleaned = Trim(text)\nout cleaned\n"
BAD = "in text: String\nn = WordCount(text)\nshout = Uppercase(n)\nout shout\n"
WARN = "in text: String\nin unused: Int\ncleaned = Trim(text)\nout cleaned\n"

runner = CliRunner()


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    out = {}
    for name, text in {"good": GOOD, "bad": BAD, "warn": WARN}.items():
        p = tmp_path / f"{name}.cst"
        p.write_text(text)
        out[name] = p
    return out


def test_clean_file_exits_0(files: dict[str, Path]) -> None:
    r = runner.invoke(app, ["check", str(files["good"])])
    assert r.exit_code == 0, r.output
    assert "0 errors, 0 warnings in 1 file" in r.output


def test_error_exits_1_with_compiler_style_text(files: dict[str, Path]) -> None:
    r = runner.invoke(app, ["check", str(files["bad"])])
    assert r.exit_code == 1
    assert "error[E010]: Type mismatch: expected String, got Int" in r.output
    assert f"--> {files['bad']}:3:19" in r.output
    assert "^" in r.output
    assert "1 error, 0 warnings in 1 file" in r.output


def test_json_is_one_array_with_the_stable_shape(files: dict[str, Path]) -> None:
    r = runner.invoke(app, ["check", "--format", "json", str(files["bad"]), str(files["good"])])
    assert r.exit_code == 1
    doc = json.loads(r.stdout)
    assert isinstance(doc, list) and len(doc) == 1
    d = doc[0]
    assert set(d) == {"file", "line", "column", "end_line", "end_column", "code", "severity", "message", "hint"}
    assert (d["code"], d["severity"], d["line"], d["column"], d["end_line"], d["end_column"]) == (
        "E010",
        "error",
        3,
        19,
        3,
        20,
    )


def test_json_clean_is_empty_array(files: dict[str, Path]) -> None:
    r = runner.invoke(app, ["check", "--format", "json", str(files["good"])])
    assert r.exit_code == 0
    assert json.loads(r.stdout) == []


def test_warnings_pass_unless_strict(files: dict[str, Path]) -> None:
    r = runner.invoke(app, ["check", str(files["warn"])])
    assert r.exit_code == 0, r.output
    assert "W003" in r.output
    r = runner.invoke(app, ["check", "--strict", str(files["warn"])])
    assert r.exit_code == 1


def test_directory_checks_every_cst_file(files: dict[str, Path]) -> None:
    r = runner.invoke(app, ["check", "--format", "json", str(files["good"].parent)])
    assert r.exit_code == 1
    assert {Path(d["file"]).name for d in json.loads(r.stdout)} >= {"bad.cst", "warn.cst"}


def test_missing_file_is_usage_error(tmp_path: Path) -> None:
    r = runner.invoke(app, ["check", str(tmp_path / "nope.cst")])
    assert r.exit_code == 2
    assert "no such file" in r.output


def test_bad_flag_is_usage_error(files: dict[str, Path]) -> None:
    r = runner.invoke(app, ["check", "--frobnicate", str(files["good"])])
    assert r.exit_code == 2


def test_stdin(files: dict[str, Path]) -> None:
    r = runner.invoke(app, ["check", "--format", "json", "-"], input=BAD)
    assert r.exit_code == 1
    assert json.loads(r.stdout)[0]["file"] == "<stdin>"


def test_not_utf8_is_a_diagnostic(tmp_path: Path) -> None:
    p = tmp_path / "latin1.cst"
    p.write_bytes("in text: String\nout caf\xe9\n".encode("latin-1"))
    r = runner.invoke(app, ["check", "--format", "json", str(p)])
    assert r.exit_code == 1
    assert json.loads(r.stdout)[0]["code"] == "E040"


def test_every_problem_in_every_file_is_reported(tmp_path: Path) -> None:
    p = tmp_path / "many.cst"
    p.write_text("in text: String\na = Trm(text)\nb = Uppercase(42)\nout a\nout b\nout c\n")
    r = runner.invoke(app, ["check", "--format", "json", str(p), str(p)])
    codes = [d["code"] for d in json.loads(r.stdout)]
    assert codes.count("E002") == 2 and codes.count("E010") == 2 and codes.count("E001") == 2


def test_modules_lists_the_stdlib() -> None:
    r = runner.invoke(app, ["modules", "--format", "json"])
    assert r.exit_code == 0
    names = {m["name"]: m for m in json.loads(r.stdout)["modules"]}
    assert names["Trim"]["signature"] == "Trim(text: String) -> String"
    assert "stdlib.math.add" in names
    assert names["Trim"]["origin"].startswith("entry point stdlib")


def test_version_and_help() -> None:
    assert runner.invoke(app, ["--version"]).output.startswith("cst ")
    r = runner.invoke(app, ["check", "--help"])
    assert r.exit_code == 0 and "Examples" in r.output


@pytest.mark.skipif(shutil.which("cst") is None, reason="cst is not installed")
def test_installed_command_no_color_when_piped(files: dict[str, Path]) -> None:
    env = {**os.environ, "NO_COLOR": "1"}
    p = subprocess.run(["cst", "check", str(files["bad"])], capture_output=True, text=True, env=env, check=False)
    assert p.returncode == 1
    assert "\x1b[" not in p.stdout + p.stderr
    assert "error[E010]" in p.stdout
