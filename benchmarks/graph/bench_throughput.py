"""In-process throughput of `cst bench`'s engine on a 5-node pure pipeline, at concurrency 1 and 16.

Run: python -m benchmarks.graph.bench_throughput [--runs N]   (about 20 s on 2 cores)

Every run is a full `Pipeline.run_async` on one shared Runtime inside one trio loop (input checking, the
scheduler, the five inline modules, the trace and the result included), as `cst bench` and the server do.
The peer is the same work as plain Python calls (what the five modules cost without any orchestration).
"""

from __future__ import annotations

import argparse
import time

from cst_cli.api import Pipeline
from cst_cli.runtime.bench import bench

PIPELINE = """\
in text: String
trimmed = Trim(text)
loud = Uppercase(trimmed)
words = WordCount(trimmed)
quiet = Lowercase(loud)
summary = "${quiet}: ${words} words"
out summary
"""
INPUTS = [{"text": "  the quick brown fox jumps over the lazy dog  "}]


def plain_python(runs: int) -> float:
    text = INPUTS[0]["text"]
    t0 = time.perf_counter()
    for _ in range(runs):
        trimmed = text.strip()
        loud = trimmed.upper()
        words = len(trimmed.split())
        quiet = loud.lower()
        _ = f"{quiet}: {words} words"
    return runs / (time.perf_counter() - t0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    p = Pipeline.from_source(PIPELINE, "five.cst")
    print(f"5-node pure pipeline, {args.runs} runs, best of {args.repeats}")
    print(f"{'concurrency':>11}  {'runs/s':>10}  {'p50':>8}  {'p99':>8}  {'us/run':>7}")
    for c in (1, 16):
        best = None
        for _ in range(args.repeats):
            (r,) = bench([p], INPUTS, runs=args.runs, concurrency=c, warmup=100)
            if best is None or r.throughput_per_s > best.throughput_per_s:
                best = r
        assert best is not None and best.failures == 0
        print(
            f"{c:>11}  {best.throughput_per_s:>10,.0f}  {best.p50_ms * 1000:>6.0f}us  {best.p99_ms * 1000:>6.0f}us"
            f"  {1e6 / best.throughput_per_s:>7.1f}"
        )
    peer = max(plain_python(args.runs * 10) for _ in range(args.repeats))
    print(f"{'plain Python':>11}  {peer:>10,.0f}  (the same five steps as direct calls)")


if __name__ == "__main__":
    main()
