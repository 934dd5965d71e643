"""Parity: every command has a man page, every diagnostic code is documented and has an error sample."""

from __future__ import annotations

import re
from pathlib import Path

from cst_cli.cli.main import app
from cst_cli.diagnostics import CODES

ROOT = Path(__file__).resolve().parents[1]
# Codes no file can produce against the installed library: a broken plugin is an installation problem (tested
# in tests/modules); no two built-in modules share a simple name, so E005 needs test modules (tests/check).
NO_SAMPLE = {"W006", "E005"}


def commands() -> list[str]:
    return sorted(c.name or "" for c in app.registered_commands)


def test_every_command_has_a_man_page_and_is_listed_in_cst_1() -> None:
    cst1 = (ROOT / "man" / "cst.1").read_text()
    for name in commands():
        assert (ROOT / "man" / f"cst-{name}.1").is_file(), f"man/cst-{name}.1 missing"
        assert f"cst-{name} (1)" in cst1 or f"cst-{name}" in cst1, f"cst(1) does not mention {name}"


def test_every_code_is_documented_with_an_example() -> None:
    text = (ROOT / "man" / "cst-diagnostics.7").read_text()
    for code in CODES:
        assert re.search(rf"^\.SS {code}\b", text, re.M), f"{code} has no section in cst-diagnostics(7)"


def test_every_code_has_an_error_sample() -> None:
    have = {p.name.split("-")[0] for p in (ROOT / "samples" / "errors").glob("*.cst")}
    missing = sorted(set(CODES) - have - NO_SAMPLE)
    assert not missing, f"codes without a sample in samples/errors: {missing}"


def test_readme_names_the_test_command_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "scripts/test.sh" in readme and "scripts/test.sh" in ci


def test_diagnostics_man_page_is_up_to_date() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("gen_diagnostics_man", ROOT / "scripts" / "gen_diagnostics_man.py")
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    current = (ROOT / "man" / "cst-diagnostics.7").read_text()
    assert current == gen.build(), "man/cst-diagnostics.7 is stale: run python scripts/gen_diagnostics_man.py"


def test_every_option_of_every_command_is_in_its_man_page() -> None:
    import typer.main

    group = typer.main.get_command(app)
    assert hasattr(group, "commands")
    for name, command in group.commands.items():
        man = (ROOT / "man" / f"cst-{name}.1").read_text().replace("\\-", "-")
        missing = [o for p in command.params for o in p.opts if o.startswith("--") and o not in man]
        assert not missing, f"man/cst-{name}.1 does not document {missing}"
