"""Each samples/errors file produces its code (checker-phase codes: exactly one error, and it is that one)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cst_cli.check import compile_source
from cst_cli.modules.registry import Registry, load_registry

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "samples" / "errors").glob("*.cst"))
PARSE_PHASE = {"E020", "E021", "E040", "E041", "E042"}
# the real library has no two modules sharing a simple name: E005 is covered by test_calls with test modules
NEEDS_CLASH = {"E005"}


@pytest.fixture(scope="module")
def stdlib() -> Registry:
    registry = load_registry()
    if registry.get("Trim") is None:
        pytest.skip("stdlib_modules is not installed")
    return registry


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_error_sample(path: Path, stdlib: Registry) -> None:
    code = path.name.split("-")[0]
    if code in NEEDS_CLASH:
        pytest.skip("needs two installed modules with one simple name")
    result = compile_source(path.read_bytes(), path.name, stdlib)
    codes = [d.code for d in result.diagnostics]
    assert code in codes, (path.name, [(d.code, d.message) for d in result.diagnostics])
    if code not in PARSE_PHASE:
        assert codes == [code], (path.name, [(d.code, d.message) for d in result.diagnostics])
