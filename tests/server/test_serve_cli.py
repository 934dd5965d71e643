"""`cst serve` option handling through typer's CliRunner: bad options are exit 2 with one line, before any
socket is opened."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cst_cli.cli.main import app
from cst_cli.cli.serve import is_loopback, parse_size


@pytest.mark.parametrize(
    ("text", "size"),
    [("1048576", 1048576), ("1MiB", 1048576), ("1M", 1048576), ("1MB", 10**6), ("64KiB", 65536), ("2 k", 2048)],
)
def test_sizes(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "abc", "1.5M", "-1", "1TB"])
def test_bad_sizes(text: str) -> None:
    assert parse_size(text) is None


def test_loopback() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("[::1]") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.1") and not is_loopback("example.org")


def _run(args: list[str], env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["serve", *args], env={"CST_API_KEYS": "", **(env or {})})
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port", "70000"], "--port must be between 0 and 65535"),
        (["--max-body", "lots"], "--max-body must be a positive size"),
        (["--max-body", "0"], "--max-body must be a positive size"),
        (["--max-exec-time", "0"], "--max-exec-time must be > 0"),
        (["--drain-timeout", "-1"], "--drain-timeout must be >= 0"),
        (["--pipelines", "/nonexistent/dir"], "--pipelines: not a directory"),
        (["--api-keys-file", "/nonexistent/keys"], "--api-keys-file: cannot read"),
    ],
)
def test_bad_options_exit_2(args: list[str], message: str) -> None:
    code, output = _run(args)
    assert code == 2, output
    assert message in output and "Traceback" not in output


def test_an_empty_keys_file_and_a_bad_config_exit_2(tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    keys.write_text("# nothing here\n\n")
    code, output = _run(["--api-keys-file", str(keys)])
    assert code == 2 and "no keys in" in output
    config = tmp_path / "cst.yaml"
    config.write_text("modules:\n  Trim:\n    retry: lots\n")
    code, output = _run(["--config", str(config)])
    assert code == 2 and "cst.yaml" in output


def test_help_lists_the_routes_and_options() -> None:
    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    for word in ("--pipelines", "--max-body", "--max-exec-time", "--api-keys-file", "/compile", "/metrics/cost"):
        assert word in result.output
