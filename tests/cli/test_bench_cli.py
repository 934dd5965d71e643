"""`cst bench` through typer's CliRunner on fast built-in modules: counts are exact, timings only shaped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cst_cli.cli.main import app

TEXT = """\
@example("hello big world")
in text: String
up = Uppercase(text)
words = WordCount(text)
low = Lowercase(text)
out up
out words
out low
"""
OTHER = """\
in text: String
in extra: Int
up = Uppercase(text)
out up
"""


def bench(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, ["bench", *args], input=input)


@pytest.fixture
def write(tmp_path: Path):  # type: ignore[no-untyped-def]
    def make(text: str, name: str = "p.cst") -> str:
        p = tmp_path / name
        p.write_text(text)
        return str(p)

    return make


def test_json_report_has_the_documented_keys(write) -> None:  # type: ignore[no-untyped-def]
    r = bench(write(TEXT), "--examples", "-n", "20", "-c", "4", "--format", "json")
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    for key in ("runs", "failures", "p50_ms", "p95_ms", "p99_ms", "max_ms", "throughput_per_s", "nodes"):
        assert key in doc
    assert doc["runs"] == 20 and doc["failures"] == 0 and doc["concurrency"] == 4
    assert doc["min_ms"] <= doc["p50_ms"] <= doc["p95_ms"] <= doc["p99_ms"] <= doc["max_ms"]
    assert doc["throughput_per_s"] > 0
    assert [n["id"] for n in doc["nodes"]] == ["up", "words", "low"] and all(n["runs"] == 20 for n in doc["nodes"])
    assert r.stderr == ""  # no progress bar when stderr is not a terminal


def test_table_report(write) -> None:  # type: ignore[no-untyped-def]
    r = bench(write(TEXT), "-i", "text=a b", "-n", "5", "--warmup", "2")
    assert r.exit_code == 0, r.stderr
    for text in ("5 runs · concurrency 1 · warmup 2", "p95", "throughput", "runs/s", "critical path", "WordCount"):
        assert text in r.stdout


def test_inputs_from_jsonl_cycle_and_unknown_fields_are_dropped(write, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "q.jsonl"
    data.write_text('{"text": "a", "label": 1}\n\n{"text": "b c", "label": 2}\n')
    r = bench(write(TEXT), "--inputs", str(data), "-n", "4", "-f", "json")
    assert r.exit_code == 0, r.stderr
    assert "ignoring fields that are not inputs: label" in r.stderr
    assert json.loads(r.stdout)["ok"] == 4


def test_compare_reports_both_and_their_ratio(write) -> None:  # type: ignore[no-untyped-def]
    r = bench(write(TEXT), "--compare", write(OTHER, "b.cst"), "-i", "text=x", "-i", "extra=1", "-n", "6", "-f", "json")
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert set(doc) == {"baseline", "candidate", "ratio"}
    assert doc["baseline"]["runs"] == doc["candidate"]["runs"] == 6
    assert doc["baseline"]["pipeline"].endswith("p.cst") and doc["candidate"]["pipeline"].endswith("b.cst")
    assert set(doc["ratio"]) >= {"p50_ms", "p95_ms", "throughput_per_s"}
    table = bench(write(TEXT), "--compare", write(OTHER, "b.cst"), "-i", "text=x", "-i", "extra=1", "-n", "2")
    assert "b/a" in table.stdout


def test_missing_inputs_exit_4_before_running(write) -> None:  # type: ignore[no-untyped-def]
    r = bench(write(TEXT), "-n", "3")
    assert r.exit_code == 4 and r.stdout == ""
    assert "inputs.text: missing" in r.stderr and r.stderr.count("\n") == 1


def test_every_run_failing_exits_3(write) -> None:  # type: ignore[no-untyped-def]
    r = bench(write("in q: String\nr = AlwaysFailsService(q)\nout r\n"), "-i", "q=x", "-n", "2", "-f", "json")
    assert r.exit_code == 3
    doc = json.loads(r.stdout)
    assert doc["failures"] == 2 and doc["failures_by_kind"] == {"exception": 2}


def test_usage_errors(write, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert bench(str(tmp_path / "none.cst")).exit_code == 2
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]")
    r = bench(write(TEXT), "--inputs", str(bad))
    assert r.exit_code == 2 and "item 1: expected a JSON object" in r.stderr
    assert bench(write(TEXT), "-n", "0").exit_code == 2
    r = bench(write("in x: Int\ny = Nope(x)\nout y\n"))
    assert r.exit_code == 1 and "E002" in r.stderr
