"""Every Mermaid golden parses with the real Mermaid parser: opt-in, since it needs Node.js and npm packages.

mkdir /tmp/mm && cd /tmp/mm && npm install mermaid@11 jsdom
CST_MERMAID_DIR=/tmp/mm pytest tests/render/test_mermaid_parses.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).parent


def test_mermaid_goldens_parse() -> None:
    where = os.environ.get("CST_MERMAID_DIR")
    node = shutil.which("node")
    if not where or node is None or not (Path(where) / "node_modules" / "mermaid").is_dir():
        pytest.skip("set CST_MERMAID_DIR to a directory with `npm install mermaid@11 jsdom` done")
    script = Path(where) / "mermaid_parse.mjs"
    shutil.copy(HERE / "mermaid_parse.mjs", script)
    files = sorted(str(p) for p in (HERE / "snapshots").glob("*/graph*.mmd"))
    r = subprocess.run([node, str(script), *files], capture_output=True, text=True, timeout=300, check=False)
    assert r.returncode == 0 and f"checked {len(files)} bad 0" in r.stdout, r.stdout + r.stderr
