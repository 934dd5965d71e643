"""The conventions every command follows (cst(1)): exit codes, one-line errors on stderr, NO_COLOR."""

from __future__ import annotations

import os
import pty
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cst_cli.cli.main import app

OK = "in x: String\ny = Uppercase(x)\nout y\n"
BROKEN = "in n: Int\nshout = Uppercase(n)\nout shout\n"
ESCAPE = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args))


def test_pin_of_an_unknown_module_is_a_usage_error(tmp_path: Path) -> None:
    p = tmp_path / "p.cst"
    p.write_text(OK)
    r = invoke("run", str(p), "-i", "x=a", "--pin", "Uppercse=1", "-f", "json")
    assert r.exit_code == 2
    assert r.stdout == ""
    assert r.stderr.strip().splitlines() == [
        "error: --pin Uppercse=1: no module named Uppercse is installed (see cst modules)"
    ]
    assert invoke("run", str(p), "-i", "x=a", "--pin", "Uppercase=1", "-f", "json").exit_code == 0


def test_malformed_yaml_in_cst_yaml_is_one_line(tmp_path: Path) -> None:
    p = tmp_path / "p.cst"
    p.write_text(OK)
    cfg = tmp_path / "cst.yaml"
    cfg.write_text(": : :\n  - [\n")
    for args in (("run", str(p), "-i", "x=a"), ("graph", str(p)), ("cost", str(p))):
        r = invoke(*args, "--config", str(cfg))
        assert r.exit_code == 2, args
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"error: {cfg}: not valid YAML: "), lines
        assert "(line 1)" in lines[0]


def test_a_directory_as_cst_yaml_says_why_without_errno(tmp_path: Path) -> None:
    p = tmp_path / "p.cst"
    p.write_text(OK)
    r = invoke("run", str(p), "-i", "x=a", "--config", str(tmp_path))
    assert r.exit_code == 2
    assert r.stderr.strip() == f"error: {tmp_path}: cannot read: Is a directory"


def test_budget_nan_is_a_usage_error(tmp_path: Path) -> None:
    p = tmp_path / "p.cst"
    p.write_text(OK)
    r = invoke("cost", str(p), "--budget", "nan", "-f", "json")
    assert r.exit_code == 2
    assert r.stdout == ""
    assert "--budget" in r.stderr


def test_drain_timeout_nan_is_a_usage_error() -> None:
    r = invoke("serve", "--port", "0", "--drain-timeout", "nan")
    assert r.exit_code == 2
    assert r.stderr.strip() == "error: --drain-timeout must be >= 0 seconds, got nan"


def _on_a_terminal(args: list[str], cwd: Path, **env: str) -> tuple[int, bytes]:
    """Run the installed cst with stdout and stderr on a pseudo-terminal; its exit code and all it wrote."""
    cst = shutil.which("cst")
    if cst is None:  # pragma: no cover - the package is installed for the tests
        pytest.skip("cst is not on PATH")
    master, slave = pty.openpty()
    full = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    full.update(TERM="xterm-256color", COLUMNS="100", **env)
    proc = subprocess.Popen([cst, *args], stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, env=full, cwd=cwd)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    return proc.wait(timeout=60), out


@pytest.mark.parametrize(
    "args",
    [
        ["check", "broken.cst"],
        ["run", "p.cst", "-i", "x=a", "-f", "table"],
        ["graph", "p.cst"],
        ["modules", "Uppercase"],
        ["cost", "p.cst", "--budget", "0"],
        ["bench", "p.cst", "-i", "x=a", "-n", "2"],
        ["run", "p.cst", "--config", "missing.yaml"],
    ],
    ids=lambda a: a[0] + ("-error" if "--config" in a else ""),
)
def test_no_color_means_no_escape_codes_on_a_terminal(tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "p.cst").write_text(OK)
    (tmp_path / "broken.cst").write_text(BROKEN)
    code, written = _on_a_terminal(args, tmp_path)
    assert ESCAPE.search(written), "styled on a terminal without NO_COLOR"
    code_nc, written_nc = _on_a_terminal(args, tmp_path, NO_COLOR="1")
    assert code_nc == code
    assert not ESCAPE.search(written_nc), written_nc[:300]


def test_ctrl_c_inside_a_nursery_exits_130_without_a_traceback(tmp_path: Path) -> None:
    """Ctrl-C during cst bench reaches the top wrapped in a trio nursery's exception group."""
    import sys

    p = tmp_path / "p.cst"
    p.write_text(OK)
    script = (
        "import sys, cst_cli.runtime.bench as b\n"
        "def interrupted(*a, **k):\n"
        "    raise BaseExceptionGroup('Exceptions from Trio nursery', [KeyboardInterrupt()])\n"
        "b.bench = interrupted\n"
        "from cst_cli.cli.main import main\n"
        f"sys.argv = ['cst', 'bench', {str(p)!r}, '-i', 'x=a', '-n', '2', '-f', 'json']\n"
        "main()\n"
    )
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert r.returncode == 130, r.stderr
    assert r.stdout == ""
    assert r.stderr.strip() == "interrupted"


def test_a_pipe_is_read_like_a_file_and_a_directory_is_named_as_one(tmp_path: Path) -> None:
    """`cst run <(...)` works as `--inputs <(...)` does; a directory is not 'no such file'."""
    cst = shutil.which("cst")
    if cst is None:  # pragma: no cover - the package is installed for the tests
        pytest.skip("cst is not on PATH")
    (tmp_path / "p.cst").write_text(OK)
    for args in (
        [cst, "check", "/dev/stdin"],
        [cst, "run", "/dev/stdin", "-i", "x=a", "-f", "json"],
        [cst, "graph", "/dev/stdin", "-f", "json"],
    ):
        r = subprocess.run(args, input=OK, capture_output=True, text=True, timeout=60, cwd=tmp_path)
        assert r.returncode == 0, (args, r.stderr)
    (tmp_path / "d").mkdir()
    for args in (("run", "d"), ("graph", "d"), ("cost", "d"), ("bench", "p.cst", "--compare", "d")):
        r = subprocess.run([cst, *args], capture_output=True, text=True, timeout=60, cwd=tmp_path)
        assert r.returncode == 2, args
        assert r.stderr.strip() == "error: d is a directory, not a file", args
    r = subprocess.run([cst, "graph", "p.cst", "--trace", "d"], capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 2 and r.stderr.strip() == "error: d is a directory, not a trace file"


def test_modules_filtered_to_nothing_does_not_claim_none_are_installed() -> None:
    r = invoke("modules", "--tag", "no-such-tag")
    assert r.exit_code == 0
    assert r.stdout.strip().splitlines()[-1] == "no modules match"


def test_json_nested_too_deeply_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    p = tmp_path / "p.cst"
    p.write_text(OK)
    deep = tmp_path / "deep.json"
    deep.write_text('{"x": ' + "[" * 200_000)
    for args in (("run", str(p)), ("bench", str(p)), ("cost", str(p))):
        r = invoke(*args, "--inputs", str(deep), "-f", "json")
        assert r.exit_code == 2, (args, r.stderr)
        assert r.stdout == ""
        assert r.stderr.strip() == f"error: --inputs {deep}: not valid JSON: nested too deeply"
    r = invoke("graph", str(p), "--trace", str(deep))
    assert r.exit_code == 2 and r.stderr.strip().startswith(f"error: {deep}: not a cst-trace/1 trace:")
    # decodes, but deeper than the checker's message could render: still one line, exit 4
    within = tmp_path / "within.json"
    within.write_text('{"x": ' + "[" * 900 + "]" * 900 + "}")
    r = invoke("run", str(p), "--inputs", str(within), "-f", "json")
    assert r.exit_code == 4, r.stderr
    assert "inputs.x: expected String, got list" in r.stderr


def test_a_value_that_is_not_utf8_is_a_usage_error(tmp_path: Path) -> None:
    cst = shutil.which("cst")
    if cst is None:  # pragma: no cover - the package is installed for the tests
        pytest.skip("cst is not on PATH")
    (tmp_path / "p.cst").write_text(OK)
    r = subprocess.run(
        [cst, "run", "p.cst", "-i", b"x=\xff", "-f", "json"],
        capture_output=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert r.returncode == 2, r.stderr
    assert r.stdout == b""
    assert b"Traceback" not in r.stderr and r.stderr.strip().endswith(b"not valid UTF-8")
