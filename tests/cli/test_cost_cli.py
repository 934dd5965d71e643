"""`cst cost` through typer's CliRunner: static estimates of the resilience demos (priced), measured runs,
traces, prices files and --budget."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cst_cli.cli.main import app

# SlowApiCall $0.002, DeepAnalysis $0.01, ExpensiveCompute $0.005, RateLimitedApi $0.0005 (stdlib demos)
TEXT = """\
in q: String
a = SlowApiCall(q) with retry: 2
b = if (q == "x") DeepAnalysis(q) else ExpensiveCompute(q)
c = RateLimitedApi(q) with fallback: "none"
out a
out b
out c
"""
CHEAP = "in q: String\nc = RateLimitedApi(q) with retry: 1\nu = Uppercase(q)\nout c\nout u\n"


def cost(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, ["cost", *args])


@pytest.fixture
def write(tmp_path: Path):  # type: ignore[no-untyped-def]
    def make(text: str, name: str = "p.cst") -> str:
        p = tmp_path / name
        p.write_text(text)
        return str(p)

    return make


def test_static_estimate_as_json(write) -> None:  # type: ignore[no-untyped-def]
    r = cost(write(TEXT), "--format", "json")
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["mode"] == "static" and doc["over_budget"] is False
    # expected: SlowApiCall once, one of two if arms, RateLimitedApi once
    assert doc["per_run_usd"] == pytest.approx(0.002 + 0.005 + 0.0025 + 0.0005)
    assert doc["worst_per_run_usd"] == pytest.approx(3 * 0.002 + 0.01 + 0.005 + 0.0005)
    assert doc["per_million_runs_usd"] == pytest.approx(doc["per_run_usd"] * 1e6)
    assert {m["module"] for m in doc["modules"]} == {
        "SlowApiCall",
        "DeepAnalysis",
        "ExpensiveCompute",
        "RateLimitedApi",
    }


def test_static_table(write) -> None:  # type: ignore[no-untyped-def]
    r = cost(write(TEXT))
    assert r.exit_code == 0
    for text in ("static estimate", "SlowApiCall", "0 + 1?", "per run: expected $0.01 · worst $0.0215", "per million"):
        assert text in r.stdout


def test_budget_gates_on_the_expected_cost(write) -> None:  # type: ignore[no-untyped-def]
    assert cost(write(TEXT), "--budget", "0.01").exit_code == 0
    r = cost(write(TEXT), "--budget", "0.009", "-f", "json")
    assert r.exit_code == 5 and json.loads(r.stdout)["over_budget"] is True
    assert "over budget: expected cost $0.01 per run > $0.009" in r.stderr


def test_prices_file_overrides_and_malformed_is_exit_2(write, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    prices = tmp_path / "prices.yaml"
    prices.write_text("prices:\n  RateLimitedApi: 1.0\n")
    doc = json.loads(cost(write(CHEAP), "--prices", str(prices), "-f", "json").stdout)
    assert doc["per_run_usd"] == 1.0 and doc["worst_per_run_usd"] == 2.0
    prices.write_text("prices:\n  RateLimitedApi: cheap\n")
    r = cost(write(CHEAP), "--prices", str(prices))
    assert r.exit_code == 2 and r.stdout == "" and r.stderr.count("\n") == 1
    assert "prices.RateLimitedApi: expected a price in USD" in r.stderr
    r = cost(write(CHEAP), "--prices", str(tmp_path / "none.yaml"))
    assert r.exit_code == 2 and "cannot read" in r.stderr


def test_cst_yaml_prices_apply(write, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cfg = tmp_path / "cst.yaml"
    cfg.write_text("prices:\n  RateLimitedApi: 0.5\n")
    doc = json.loads(cost(write(CHEAP), "--config", str(cfg), "-f", "json").stdout)
    assert doc["per_run_usd"] == 0.5 and doc["modules"][0]["price_from"] == "config"


def test_measured_runs(write) -> None:  # type: ignore[no-untyped-def]
    r = cost(write(CHEAP), "-i", "q=x", "--runs", "2", "-f", "json")
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["mode"] == "measured" and doc["runs"] == 2 and doc["failed_runs"] == 0
    assert doc["per_run_usd"] == pytest.approx(0.0005) and doc["calls"] == 4 and doc["attempts"] == 4
    assert cost(write(CHEAP), "-i", "q=x", "--budget", "0.0001").exit_code == 5
    assert cost(write(CHEAP), "--runs", "1").exit_code == 4


def test_measured_from_a_trace_and_its_errors(write, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    p = write(CHEAP)
    t = tmp_path / "run.json"
    assert CliRunner().invoke(app, ["run", p, "-i", "q=x", "--trace", str(t)]).exit_code == 0
    doc = json.loads(cost(p, "--trace", str(t), "-f", "json").stdout)
    assert doc["mode"] == "measured" and doc["runs"] == 1 and doc["per_run_usd"] == pytest.approx(0.0005)
    prices = tmp_path / "prices.yaml"
    prices.write_text("RateLimitedApi: 0.25\n")
    doc = json.loads(cost(p, "--trace", str(t), "--prices", str(prices), "-f", "json").stdout)
    assert doc["per_run_usd"] == 0.25
    other = write("in q: String\nout q\n", "o.cst")
    r = cost(other, "--trace", str(t))
    assert r.exit_code == 2 and "another pipeline" in r.stderr
    r = cost(p, "--trace", str(t), "-i", "q=x")
    assert r.exit_code == 2 and "--trace" in r.stderr
