"""Corpus tests: every valid sample checks clean; every error sample gives its code, pinned as golden text."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from cst_cli.check import compile_source
from cst_cli.modules.registry import Registry, load_registry
from cst_cli.render.diagnostics import render_text, to_json_list

ROOT = Path(__file__).resolve().parents[2]
VALID = sorted((ROOT / "samples").glob("*/*.cst"))
VALID = [p for p in VALID if p.parent.name != "errors"]
ERRORS = sorted((ROOT / "samples" / "errors").glob("*.cst"))


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry()


def render(path: Path, registry: Registry) -> tuple[str, str, list[str]]:
    rel = path.relative_to(ROOT).as_posix()
    result = compile_source(path.read_bytes(), rel, registry)
    buf = io.StringIO()
    render_text(result.diagnostics, {rel: result.source}, Console(file=buf, width=120, no_color=True, soft_wrap=True))
    doc = to_json_list(result.diagnostics, {rel: result.source})
    return buf.getvalue(), json.dumps(doc, indent=2) + "\n", [d.code for d in result.diagnostics]


@pytest.mark.parametrize("path", VALID, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_valid_sample_checks_clean(path: Path, registry: Registry) -> None:
    text, _, codes = render(path, registry)
    assert codes == [], text


@pytest.mark.parametrize("path", ERRORS, ids=lambda p: p.name)
def test_error_sample_diagnostics(path: Path, registry: Registry, snapshot: object) -> None:
    text, doc, codes = render(path, registry)
    expected = path.name.split("-")[0]
    assert expected in codes, f"{path.name}: expected {expected}, got {codes}\n{text}"
    snapshot.snapshot_dir = Path(__file__).parent / "snapshots" / "errors"  # type: ignore[attr-defined]
    snapshot.assert_match(text, path.stem + ".txt")  # type: ignore[attr-defined]
    snapshot.assert_match(doc, path.stem + ".json")  # type: ignore[attr-defined]
