"""`cst run` (placeholder; the runner lands here)."""

from __future__ import annotations

from pathlib import Path

import typer


def run_cmd(file: Path = typer.Argument(..., help="The pipeline to run.")) -> None:
    """Run a pipeline (not yet available)."""
    raise typer.Exit(2)
