"""Every sample in samples/language runs through `cst run` (CliRunner) with golden outputs.

Inputs come from `NAME.inputs.json` next to the sample when it exists, else from its `@example`s. The golden
file pins the exit code and the JSON on stdout; regenerate with `pytest --snapshot-update` and read the diff.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cst_cli.cli.main import app

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "samples" / "language").glob("*.cst"))
SNAPSHOTS = Path(__file__).parent / "snapshots" / "run"


def run_sample(path: Path) -> tuple[int, Any, str]:
    args = ["run", path.relative_to(ROOT).as_posix(), "--format", "json", "--seed", "1"]
    inputs = path.with_suffix(".inputs.json")
    args += ["--inputs", str(inputs)] if inputs.is_file() else ["--examples"]
    result = CliRunner().invoke(app, args, env={"CST_QUIET_PLUGINS": "1"})
    try:
        outputs = json.loads(result.stdout)
    except json.JSONDecodeError:
        outputs = {"<stdout is not one JSON document>": result.stdout}
    return result.exit_code, outputs, result.stderr


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_sample_runs_with_golden_outputs(
    path: Path, snapshot: Any, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    monkeypatch.chdir(ROOT)
    code, outputs, stderr = run_sample(path)
    assert code in (0, 3, 4), stderr  # never 1 (samples check clean) nor 2
    name = f"{path.stem}.json"
    if not (SNAPSHOTS / name).exists() and not request.config.getoption("snapshot_update"):
        pytest.skip(f"no golden output for {path.name} yet: run pytest --snapshot-update, read it, commit it")
    snapshot.snapshot_dir = SNAPSHOTS
    doc = {"exit": code, "outputs": outputs}
    snapshot.assert_match(json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n", name)
