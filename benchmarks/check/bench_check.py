"""Front-end speed: `cst check` as a whole process against `python -c pass`, and per-binding cost in process.

Run: python benchmarks/check/bench_check.py   (prints one table; takes ~30 s on 2 cores)
Goals (issue 2): whole-process check of a 10-binding file <= 10x `python -c pass`; a 5,000-binding file adds
<= 60 us per binding; 10,000 bindings in < 1 s in process; 2,000 bindings <= 2.5x 1,000 (linear).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def program(n: int) -> str:
    """n bindings: a chain of module calls, interpolations and namespaced calls with a `with` clause."""
    lines = ["in text: String", "in n: Int", "b0 = Trim(text)"]
    for i in range(1, n):
        if i % 2:
            lines.append(f"b{i} = Uppercase(b{i - 1})")
        else:
            lines.append(f'b{i} = "${{b{i - 1}}}-${{stdlib.math.add(n, {i})}}"')
    lines.append(f"out b{n - 1}")
    return "\n".join(lines) + "\n"


def wall(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def in_process(text: str, runs: int = 3) -> float:
    from cst_cli.check import compile_source
    from cst_cli.modules.registry import load_registry

    registry = load_registry()
    best = float("inf")
    for _ in range(runs):
        t = time.perf_counter()
        result = compile_source(text, "bench.cst", registry)
        best = min(best, time.perf_counter() - t)
        assert result.ok, result.diagnostics[:3]
    return best


def main() -> None:
    cst = str(Path(sys.executable).with_name("cst"))
    with tempfile.TemporaryDirectory() as tmp:
        small = Path(tmp, "ten.cst")
        small.write_text(program(10))
        big = Path(tmp, "big.cst")
        big.write_text(program(5000))
        wall([cst, "check", str(small)], 2)  # warm caches (grammar cache, page cache)
        base = wall([sys.executable, "-c", "pass"], 15)
        ten = wall([cst, "check", str(small)], 15)
        five_k = wall([cst, "check", str(big)], 5)
    print(f"python -c pass            {base * 1000:8.1f} ms")
    print(f"cst check (10 bindings)   {ten * 1000:8.1f} ms   ratio {ten / base:5.1f}x   (goal <= 10x)")
    per = (five_k - ten) / 4990 * 1e6
    print(f"cst check (5,000)         {five_k * 1000:8.1f} ms   {per:5.1f} us/binding added   (goal <= 60 us)")
    t1 = in_process(program(1000))
    t2 = in_process(program(2000))
    t10 = in_process(program(10000))
    print(f"in process 1,000          {t1 * 1000:8.1f} ms")
    print(f"in process 2,000          {t2 * 1000:8.1f} ms   ratio {t2 / t1:4.2f}x   (goal <= 2.5x)")
    print(f"in process 10,000         {t10 * 1000:8.1f} ms   (goal < 1000 ms)")


if __name__ == "__main__":
    main()
