#!/usr/bin/env bash
# The project's one test command (README and .ci/run call it): installs cst with its test extras into the
# active Python, then lint, types, layering, tests. Any failure fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install -q --disable-pip-version-check -e ".[test]"
echo "== ruff";          python -m ruff check cst_cli stdlib_modules tests benchmarks
echo "== ruff format";   python -m ruff format --check -q cst_cli stdlib_modules tests benchmarks
echo "== mypy --strict"; python -m mypy
echo "== import-linter"; lint-imports --no-cache
echo "== pytest";        python -m pytest "$@"
