"""Ten valid programs in the reference engine's style check clean against the real built-in library."""

from __future__ import annotations

import pytest

from cst_cli.modules.registry import Registry, load_registry
from tests.check._helpers import clean

PROGRAMS = {
    "text": """
        # Clean up a text and count its words
        @example("  Hello   constellation world  ")
        in text: String
        trimmed = Trim(text)
        upper = Uppercase(trimmed)
        words = WordCount(trimmed)
        out upper
        out words
    """,
    "numbers": """
        in numbers: List<Int>
        in threshold: Int
        filtered = FilterGreaterThan(numbers, threshold)
        total = SumList(filtered)
        mean = Average(filtered)
        label = FormatNumber(total)
        out total
        out mean
        out label
    """,
    "math": """
        use stdlib.math
        in a: Int
        in b: Float
        s = add(a, b)
        d = divide(a, 2)
        r = stdlib.math.round(b)
        total = a * 2 + r - d
        out s
        out total
    """,
    "collections": """
        use stdlib.collection
        use stdlib.list as l
        in items: List<Int>
        in limit: Int
        doubled = map(items, (x) => x * 2)
        big = filter(doubled, (x) => x > limit)
        count = l.list-length(big)
        anyHuge = any(items, (x) => x > 1000)
        out big
        out count
        out anyHuge
    """,
    "records": """
        type Product = { sku: String, name: String, price: Float }
        type Stock = { inStock: Boolean }
        in products: Candidates<Product>
        in stock: Stock
        in discount: Float
        enriched = products + stock
        names = products.name
        cards = enriched[sku, name, inStock]
        first = { sku: "x", name: "y", price: 1.0 } + { price: discount }
        out cards
        out names
        out first
    """,
    "conditionals": """
        in score: Int
        in premium: Boolean
        tier = branch {
          score > 90 -> "gold",
          score > 50 -> "silver",
          otherwise -> "bronze"
        }
        bonus = if (premium and score >= 10) score * 2 else 0
        special = tier when premium
        shown = special ?? "standard"
        out shown
        out bonus
    """,
    "resilience": """
        in query: String
        fast = QuickCheck(query) with timeout: 100ms, cache: 5min, priority: critical
        slow = SlowQuery(query) with retry: 3, delay: 200ms, backoff: exponential, timeout: 2s,
            fallback: fast
        flaky = FlakyService(query) with retry: 2, on_error: skip, concurrency: 4, throttle: 20/1s
        deep = DeepAnalysis(query) with lazy, cache_backend: "memory", priority: 10
        out slow
        out flaky
        out deep
    """,
    "match": """
        type Hit = { sku: String, score: Float }
        type Miss = { reason: String }
        in outcome: Hit | Miss
        summary = match (outcome) {
          { sku, score } -> "found ${sku} (${score})",
          { reason } -> "no match: ${reason}"
        }
        out summary
    """,
    "any-order": """
        out report
        report = "${count} words, ${chars} chars"
        count = WordCount(cleaned)
        chars = TextLength(cleaned)
        cleaned = Trim(text)
        in text: String
    """,
    "strings": """
        use stdlib.string
        use stdlib.convert
        in parts: List<String>
        in sep: String
        joined = join(parts, sep)
        pieces = split(joined, sep)
        n = to-string(string-length(joined))
        has = contains(joined, "x") or replace(joined, "a", "b") == "b"
        out pieces
        out n
        out has
    """,
}


@pytest.fixture(scope="module")
def stdlib() -> Registry:
    registry = load_registry()
    if registry.get("Trim") is None:
        pytest.skip("stdlib_modules is not installed")
    return registry


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_valid_program_checks_clean(name: str, stdlib: Registry) -> None:
    clean(PROGRAMS[name], stdlib)
