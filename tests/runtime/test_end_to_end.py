"""Whole programs through the real parser, checker and built-in library (Pipeline.from_source)."""

from __future__ import annotations

from typing import Any

import pytest
import trio
import trio.testing

from cst_cli.api import CompileError, Pipeline, RunResult
from cst_cli.modules.api import module
from cst_cli.modules.registry import Registry, load_registry
from cst_cli.runtime.runner import Runtime


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry()


def run(src: str, inputs: dict[str, Any], registry: Registry, **kw: Any) -> RunResult:
    p = Pipeline.from_source(src, "e2e.cst", registry=registry)

    async def main() -> RunResult:
        return await p.run_async(inputs, runtime=Runtime(clock=trio.current_time), **kw)

    return trio.run(main, clock=trio.testing.MockClock(autojump_threshold=0))


RECORDS = """
use stdlib.collection
type Item = { sku: String, price: Float, qty: Int }
in items: List<Item>
in threshold: Int
in maybe: Optional<String>
prices = items.price
cheap = filter(items, (i) => i.price < 10.0)
names = map(cheap, (i) => "${i.sku}:${i.qty * threshold}")
tagged = items + { currency: "EUR" }
first = items[sku, price]
label = maybe ?? "none"
guarded = "big" when threshold > 3
level = branch { threshold > 10 -> "high", threshold > 3 -> "mid", otherwise -> "low" }
shape = match (maybe) { is String -> "some", _ -> "nothing" }
out prices
out names
out tagged
out first
out label
out guarded
out level
out shape
"""


def test_records_lists_lambdas_and_conditionals(registry: Registry) -> None:
    items = [{"sku": "a", "price": 5, "qty": 2}, {"sku": "b", "price": 12.5, "qty": 1}]
    r = run(RECORDS, {"items": items, "threshold": 4}, registry)
    assert r.status == "ok", r.errors
    assert r.outputs == {
        "prices": [5.0, 12.5],
        "names": ["a:8"],
        "tagged": [{**items[0], "price": 5.0, "currency": "EUR"}, {**items[1], "currency": "EUR"}],
        "first": [{"sku": "a", "price": 5.0}, {"sku": "b", "price": 12.5}],
        "label": "none",
        "guarded": "big",
        "level": "mid",
        "shape": "nothing",
    }
    r = run(RECORDS, {"items": [], "threshold": 1, "maybe": "x"}, registry)
    assert (r.outputs["label"], r.outputs["guarded"], r.outputs["level"], r.outputs["shape"]) == (
        "x",
        None,
        "low",
        "some",
    )


def test_reference_example_modules(registry: Registry) -> None:
    src = """
in nums: List<Int>
in text: String
big = FilterGreaterThan(nums, 4)
wc = WordCount(text)
out big
out wc
"""
    r = run(src, {"nums": [1, 4, 5, 9], "text": "  a  b   c "}, registry)
    assert r.outputs == {"big": [5, 9], "wc": 3}  # strictly greater; empty parts ignored


def test_match_on_record_patterns_and_lambdas_calling_modules(registry: Registry) -> None:
    src = """
use stdlib.collection
in words: List<String>
in r: { ok: Int } | { err: String }
up = map(words, (w) => Uppercase(w))
checked = map(words, (w) => QuickCheck(w))
msg = match (r) { { ok } -> "ok ${ok}", { err } -> "failed: ${err}" }
out up
out checked
out msg
"""
    p = Pipeline.from_source(src, "e2e.cst", registry=registry)
    r = p.run({"words": ["a", "b"], "r": {"err": "x"}})  # QuickCheck is async: the map runs in a thread
    assert r.outputs == {"up": ["A", "B"], "checked": ["checked: a", "checked: b"], "msg": "failed: x"}
    assert p.run({"words": [], "r": {"ok": 3}}).outputs["msg"] == "ok 3"


def test_seeded_resilience_demo_is_reproducible(registry: Registry) -> None:
    src = """
in q: String
a = FlakyService(q) with retry: 5, delay: 100ms, backoff: exponential, fallback: "gave up"
out a
"""

    def once() -> list[Any]:
        r = run(src, {"q": "hello"}, registry, seed=42)
        n = next(x for x in r.trace.nodes if x.id == "a")
        return [r.outputs, n.attempts, n.outcome, n.end]

    first = once()
    assert first == once()
    assert first[1] >= 1


def test_untaken_branch_with_a_failing_module_is_not_called(registry: Registry) -> None:
    src = """
in n: Int
a = if (n > 0) Uppercase("yes") else AlwaysFailsService("no")
b = QuickCheck("x") with fallback: AlwaysFailsService("fb")
out a
out b
"""
    r = run(src, {"n": 1}, registry)
    assert r.status == "ok" and r.outputs == {"a": "YES", "b": "checked: x"}
    assert not any(n.module == "AlwaysFailsService" and n.outcome != "not_needed" for n in r.trace.nodes)


def test_failure_message_points_at_the_call(registry: Registry) -> None:
    src = "in q: String\n\nx = AlwaysFailsService(q) with retry: 1\nout x\n"
    r = run(src, {"q": "z"}, registry)
    assert r.status == "failed"
    (err,) = r.errors
    assert err.location == "e2e.cst:3:5" and err.attempts == 2 and err.module == "AlwaysFailsService"


def test_pins_choose_the_major_version() -> None:
    @module("Embed", version="1.0", inline=True)
    def embed_v1(text: str) -> str:
        return "v1"

    @module("Embed", version="2.0", inline=True)
    def embed_v2(text: str) -> str:
        return "v2"

    reg = Registry.from_specs([embed_v1, embed_v2])
    src = "in t: String\ne = Embed(t)\nout e\n"
    assert Pipeline.from_source(src, "p.cst", registry=reg).run({"t": "x"}).outputs == {"e": "v2"}
    pinned = Pipeline.from_source(src, "p.cst", registry=reg, pins={"Embed": 1})
    assert pinned.run({"t": "x"}).outputs == {"e": "v1"}
    assert pinned.hash != Pipeline.from_source(src, "p.cst", registry=reg).hash
    p = Pipeline.from_source(src, "p.cst", registry=reg)
    assert p.run({"t": "x"}, pins={"Embed": 1}).outputs == {"e": "v1"}
    with pytest.raises(CompileError) as info:
        Pipeline.from_source(src, "p.cst", registry=reg, pins={"Embed": 3})
    assert info.value.diagnostics[0].code == "E047"


def test_hash_ignores_whitespace_and_comments(registry: Registry) -> None:
    a = Pipeline.from_source("in t: String\nu = Uppercase(t)\nout u\n", "a.cst", registry=registry)
    b = Pipeline.from_source(
        "# a comment\nin t: String\n\n\nu   =   Uppercase( t )  # hi\nout u\n", "b.cst", registry=registry
    )
    assert a.hash == b.hash
    c = Pipeline.from_source("in t: String\nu = Lowercase(t)\nout u\n", "a.cst", registry=registry)
    assert a.hash != c.hash


def test_example_inputs(registry: Registry) -> None:
    p = Pipeline.from_source(
        '@example("hi")\nin t: String\n@example(-3)\nin n: Int\nu = Uppercase(t)\nout u\n', "e.cst", registry=registry
    )
    assert p.example_inputs() == {"t": "hi", "n": -3}
