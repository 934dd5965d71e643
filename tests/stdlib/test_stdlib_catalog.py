"""The built-in library as the registry sees it through the `stdlib` entry point: every module of LANGUAGE.md
section 6, with its signature and metadata."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable

import pytest

from cst_cli.modules.api import ModuleSpec
from cst_cli.modules.registry import Imports, Registry

DATA = ["SumList", "Average", "Max", "Min", "FilterGreaterThan", "MultiplyEach", "Range", "FormatNumber"]
TEXT = ["Uppercase", "Lowercase", "Trim", "Replace", "WordCount", "TextLength", "Contains", "SplitLines", "Split"]
RESILIENCE = [
    "SlowQuery",
    "SlowApiCall",
    "ExpensiveCompute",
    "FlakyService",
    "TimeoutProneService",
    "RateLimitedApi",
    "ResourceIntensiveTask",
    "QuickCheck",
    "DeepAnalysis",
    "AlwaysFailsService",
]
LISTS = ["list-length", "list-first", "list-last", "list-sum", "list-is-empty", "list-concat", "list-reverse"]
SECTION_6: dict[str | None, list[str]] = {
    "stdlib": ["identity"],
    "stdlib.math": ["add", "subtract", "multiply", "divide", "modulo", "max", "min", "abs", "negate", "round"],
    "stdlib.string": ["concat", "string-length", "join", "split", "contains", "trim", "replace"],
    "stdlib.list": [*LISTS, "list-contains"],
    "stdlib.bool": ["and", "or", "not"],
    "stdlib.compare": ["eq-int", "eq-string", "gt", "lt", "gte", "lte"],
    "stdlib.convert": ["to-string", "to-int", "to-float"],
    "stdlib.debug": ["log"],
    "stdlib.collection": ["filter", "map", "all", "any", "sort-by"],
    None: [*DATA, *TEXT, *RESILIENCE],
}
EXPECTED = sorted(f"{ns}.{n}" if ns else n for ns, names in SECTION_6.items() for n in names)


def test_every_module_of_section_6_and_nothing_else(registry: Registry) -> None:
    assert registry.problems == []
    assert sorted(s.qualified_name for s in registry.all()) == EXPECTED
    assert len(EXPECTED) == 71


@pytest.mark.parametrize(
    ("qualified_name", "signature"),
    [
        ("stdlib.identity", "identity(value: T) -> T"),
        ("stdlib.math.add", "add(a: N, b: N) -> N"),
        ("stdlib.math.abs", "abs(value: N) -> N"),
        ("stdlib.math.round", "round(value: Float) -> Int"),
        ("stdlib.string.string-length", "string-length(text: String) -> Int"),
        ("stdlib.string.join", "join(items: List<String>, separator: String) -> String"),
        ("stdlib.string.split", "split(text: String, separator: String) -> List<String>"),
        ("stdlib.string.replace", "replace(text: String, target: String, replacement: String) -> String"),
        ("stdlib.list.list-first", "list-first(items: List<T>) -> T"),
        ("stdlib.list.list-sum", "list-sum(items: List<N>) -> N"),
        ("stdlib.list.list-contains", "list-contains(items: List<T>, value: T) -> Boolean"),
        ("stdlib.list.list-concat", "list-concat(a: List<T>, b: List<T>) -> List<T>"),
        ("stdlib.bool.not", "not(value: Boolean) -> Boolean"),
        ("stdlib.compare.eq-int", "eq-int(a: Int, b: Int) -> Boolean"),
        ("stdlib.compare.gte", "gte(a: N, b: N) -> Boolean"),
        ("stdlib.convert.to-string", "to-string(value: T) -> String"),
        ("stdlib.convert.to-int", "to-int(value: Float) -> Int"),
        ("stdlib.convert.to-float", "to-float(value: Int) -> Float"),
        ("stdlib.debug.log", "log(value: T) -> T"),
        ("stdlib.collection.filter", "filter(items: List<T>, predicate: (T) => Boolean) -> List<T>"),
        ("stdlib.collection.map", "map(items: List<T>, f: (T) => U) -> List<U>"),
        ("stdlib.collection.all", "all(items: List<T>, predicate: (T) => Boolean) -> Boolean"),
        ("stdlib.collection.sort-by", "sort-by(items: List<T>, key: (T) => K) -> List<T>"),
        ("SumList", "SumList(numbers: List<Int>) -> Int"),
        ("Average", "Average(numbers: List<Int>) -> Float"),
        ("FilterGreaterThan", "FilterGreaterThan(numbers: List<Int>, threshold: Int) -> List<Int>"),
        ("MultiplyEach", "MultiplyEach(numbers: List<Int>, multiplier: Int) -> List<Int>"),
        ("Range", "Range(start: Int, end: Int) -> List<Int>"),
        ("FormatNumber", "FormatNumber(number: Int) -> String"),
        ("Replace", "Replace(text: String, find: String, replace: String) -> String"),
        ("WordCount", "WordCount(text: String) -> Int"),
        ("Contains", "Contains(text: String, substring: String) -> Boolean"),
        ("SplitLines", "SplitLines(text: String) -> List<String>"),
        ("Split", "Split(text: String, delimiter: String) -> List<String>"),
        ("FlakyService", "FlakyService(input: String) -> String"),
    ],
)
def test_signatures(spec: Callable[[str], ModuleSpec], qualified_name: str, signature: str) -> None:
    assert spec(qualified_name).signature() == signature


def test_generic_numbers_are_constrained_to_int_and_float(spec: Callable[[str], ModuleSpec]) -> None:
    from cst_cli.types.model import FLOAT, INT, TypeVar

    assert spec("stdlib.math.add").returns == TypeVar(name="N", constraints=(INT, FLOAT))
    assert spec("stdlib.identity").returns == TypeVar(name="T")


def test_metadata_of_every_module(registry: Registry) -> None:
    for s in registry.all():
        assert s.version == (1, 0), s.qualified_name
        assert s.description and "\n" not in s.description, s.qualified_name
        assert s.tags, s.qualified_name
        assert s.origin.startswith("entry point stdlib = stdlib_modules"), s.qualified_name


def test_inline_sync_and_async_modules(registry: Registry) -> None:
    not_inline = {"stdlib.debug.log", *(f"stdlib.collection.{n}" for n in SECTION_6["stdlib.collection"])}
    for s in registry.all():
        resilience = s.qualified_name in RESILIENCE
        assert s.is_async == resilience, s.qualified_name
        assert s.inline == (not resilience and s.qualified_name not in not_inline), s.qualified_name


def test_costs_of_the_expensive_demos(spec: Callable[[str], ModuleSpec]) -> None:
    assert spec("SlowApiCall").cost.per_call == 0.002
    assert spec("DeepAnalysis").cost.per_call == 0.01
    assert spec("QuickCheck").cost.per_call == 0.0
    assert spec("stdlib.math.add").cost.per_call == 0.0


def test_no_simple_name_is_ambiguous_in_a_file_without_use(registry: Registry) -> None:
    for s in registry.all():
        resolved = registry.resolve((s.name,), None, Imports())
        assert resolved == s, (s.qualified_name, resolved)


def test_importing_the_library_is_cheap() -> None:
    """No trio (the checker loads the registry without running anything), no heavy libraries."""
    code = "import sys, stdlib_modules; print(sorted({'trio', 'numpy'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
