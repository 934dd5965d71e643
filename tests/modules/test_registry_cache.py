"""The registry cache (cst_cli/modules/_cache.py): a warm load equals a full one without importing plugins,
and anything that could change a signature invalidates it.

A throwaway distribution (a `.dist-info` with a `cst.modules` entry point, on sys.path) stands for an
installed plugin, so the real entry-point scan finds it; the cache lives under a temporary XDG_CACHE_HOME.
"""

from __future__ import annotations

import importlib.metadata
import inspect
import json
import os
import sys
import textwrap
import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
import trio
from typer.testing import CliRunner

from cst_cli.api import Pipeline
from cst_cli.cli.main import app
from cst_cli.modules import _cache
from cst_cli.modules.api import ModuleSpec
from cst_cli.modules.registry import ENTRY_POINT_GROUP, Registry, load_registry

PLUGIN = "cachetest_plugin"
TYPES = "cachetest_types"

TYPES_SOURCE = """
import msgspec

class Shout(msgspec.Struct, frozen=True, kw_only=True):
    text: str
    loud: bool
"""

PLUGIN_SOURCE = """
from cst_cli.modules.api import Cost, Options, module
from cachetest_types import Shout

def price(result: object) -> float:
    return 0.5

@module(namespace="cachetest", description="Shout it", tags=("text",), cost=Cost(per_call_fn=price, unit="chars"))
def shout(text: str) -> Shout:
    return Shout(text=text.upper(), loud=True)

@module("Echo", version="2.1", defaults=Options(timeout=3.0, retry=2), inline=True)
async def echo(text: str, times: int = 1) -> str:
    return text * times

class Holder:
    @staticmethod
    @module("Nested")
    def nested(n: int) -> int:
        return n + 1

__cst_modules__ = [shout, echo, Holder.nested]
"""


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache directory; files settle at once (no file here changes while the cache is written)."""
    home = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    monkeypatch.delenv(_cache.DISABLE_ENV, raising=False)
    monkeypatch.setattr(_cache, "SETTLE_NS", 0)
    return home / "cst"


@pytest.fixture
def plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An installed plugin distribution `cachetest` in a directory on sys.path; yields that directory."""
    site = tmp_path / "site"
    dist = site / "cachetest-0.1.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: cachetest\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\ncachetest = {PLUGIN}\n")
    _write(site, TYPES, TYPES_SOURCE)
    _write(site, PLUGIN, PLUGIN_SOURCE)
    monkeypatch.syspath_prepend(str(site))
    yield site
    _forget()


def _write(site: Path, name: str, source: str) -> None:
    (site / f"{name}.py").write_text(textwrap.dedent(source))


def _forget() -> None:
    """Drop the plugin's modules, as a new process would not have them."""
    for name in (PLUGIN, TYPES):
        sys.modules.pop(name, None)


def _files(cache_home: Path) -> list[Path]:
    return sorted(cache_home.glob("registry-*.msgpack")) if cache_home.is_dir() else []


def _lazy(registry: Registry) -> bool:
    """Whether every module came from the cache."""
    return all(isinstance(s.func, _cache.LazyFunction) for s in registry.all())


def _shape(spec: ModuleSpec) -> dict[str, Any]:
    """Every field, with the implementation and cost function as their import paths."""
    fields = msgspec.structs.asdict(spec)
    fields["func"] = _cache.import_path(spec.func)
    fn = spec.cost.per_call_fn
    fields["cost"] = (spec.cost.per_call, spec.cost.unit, None if fn is None else _cache.import_path(fn))
    return fields


def _warm(cache_home: Path) -> Registry:
    """A full load that writes the cache, then a load from it (plugins forgotten in between)."""
    load_registry()
    assert len(_files(cache_home)) == 1
    _forget()
    registry = load_registry()
    assert _lazy(registry)
    return registry


def test_a_warm_load_equals_a_full_load_and_imports_no_plugin(cache_home: Path, plugin: Path) -> None:
    full = load_registry(use_cache=False)
    assert _files(cache_home) == []
    expected = [_shape(s) for s in full.all()]
    assert all(e["func"] is not None for e in expected)
    _forget()
    warm = _warm(cache_home)
    assert PLUGIN not in sys.modules and TYPES not in sys.modules
    assert [_shape(s) for s in warm.all()] == expected
    assert warm.problems == full.problems == []
    shout = warm.get("cachetest.shout")
    assert shout is not None
    assert shout.origin == "entry point cachetest = cachetest_plugin (cachetest 0.1)"
    assert shout.signature() == "shout(text: String) -> { text: String, loud: Boolean }"


def test_the_lazy_function_runs_the_real_one(cache_home: Path, plugin: Path) -> None:
    warm = _warm(cache_home)
    shout, echo, nested = warm.get("cachetest.shout"), warm.get("Echo"), warm.get("Nested")
    assert shout is not None and echo is not None and nested is not None
    assert shout.func.__name__ == "shout" and PLUGIN not in sys.modules  # the name needs no import
    result = shout.func("hi")
    assert (result.text, result.loud) == ("HI", True)
    assert shout.cost.per_call_fn is not None and shout.cost.per_call_fn(result) == 0.5
    assert echo.is_async
    assert trio.run(echo.func, "ab", 2) == "abab"
    assert nested.func(1) == 2
    # what the runner and tools read through the function: its signature and hints
    assert list(inspect.signature(echo.func).parameters) == ["text", "times"]
    assert typing.get_type_hints(shout.func)["return"].__name__ == "Shout"


def test_editing_a_plugin_file_invalidates(cache_home: Path, plugin: Path) -> None:
    _warm(cache_home)
    _forget()
    _write(plugin, PLUGIN, PLUGIN_SOURCE.replace('description="Shout it"', 'description="Shout it now"'))
    edited = load_registry()
    assert not _lazy(edited)
    shout = edited.get("cachetest.shout")
    assert shout is not None and shout.description == "Shout it now"
    _forget()
    again = load_registry()  # rewritten: warm again, with the edit
    shout = again.get("cachetest.shout")
    assert _lazy(again) and shout is not None and shout.description == "Shout it now"


def test_a_touched_file_of_the_same_size_invalidates(cache_home: Path, plugin: Path) -> None:
    _warm(cache_home)
    _forget()
    file = plugin / f"{PLUGIN}.py"
    st = file.stat()
    os.utime(file, ns=(st.st_atime_ns, st.st_mtime_ns - 1_000_000_000))
    assert not _lazy(load_registry())


def test_editing_a_module_the_plugin_imports_invalidates(cache_home: Path, plugin: Path) -> None:
    _warm(cache_home)
    _forget()
    _write(plugin, TYPES, TYPES_SOURCE + "    score: float\n")
    shout = load_registry().get("cachetest.shout")
    assert shout is not None and not isinstance(shout.func, _cache.LazyFunction)
    assert shout.signature() == "shout(text: String) -> { text: String, loud: Boolean, score: Float }"


def test_a_new_distribution_invalidates(cache_home: Path, plugin: Path) -> None:
    _warm(cache_home)
    _forget()
    extra = plugin / "other-1.0.dist-info"
    extra.mkdir()
    (extra / "METADATA").write_text("Metadata-Version: 2.1\nName: other\nVersion: 1.0\n")
    (extra / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\nother = cachetest_missing\n")
    registry = load_registry()
    assert [p.plugin for p in registry.problems] == ["other = cachetest_missing"]
    _forget()
    cached = load_registry()  # problems are cached too
    assert _lazy(cached) and cached.problems == registry.problems


def test_a_corrupt_cache_file_is_ignored_and_rewritten(cache_home: Path, plugin: Path) -> None:
    _warm(cache_home)
    [path] = _files(cache_home)
    path.write_bytes(b"\x93not msgpack at all")
    _forget()
    assert not _lazy(load_registry())
    _forget()
    assert _lazy(load_registry())
    assert msgspec.msgpack.decode(path.read_bytes(), type=_cache.CacheFile).format == _cache.FORMAT


def test_an_unwritable_cache_directory_means_no_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, plugin: Path
) -> None:
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(not_a_dir))
    monkeypatch.setattr(_cache, "SETTLE_NS", 0)
    first = load_registry()
    _forget()
    second = load_registry()
    assert first.get("cachetest.shout") is not None
    assert not _lazy(second)


def test_the_environment_variable_disables_the_cache(
    cache_home: Path, plugin: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _warm(cache_home)
    monkeypatch.setenv(_cache.DISABLE_ENV, "1")
    _forget()
    assert not _lazy(load_registry())
    [path] = _files(cache_home)
    path.unlink()
    load_registry()
    assert _files(cache_home) == []


def test_replaced_entry_points_or_another_group_bypass_the_cache(
    cache_home: Path, plugin: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_registry(group="cst.other")
    assert _files(cache_home) == []
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda **kw: [])
    assert load_registry().all() == []
    assert _files(cache_home) == []


def test_an_implementation_without_an_import_path_is_not_cached(cache_home: Path, plugin: Path) -> None:
    _write(plugin, PLUGIN, PLUGIN_SOURCE.replace("per_call_fn=price", "per_call_fn=lambda r: 0.5"))
    registry = load_registry()
    assert registry.get("cachetest.shout") is not None
    assert _files(cache_home) == []


def test_a_file_changed_during_the_load_is_not_trusted(
    cache_home: Path, plugin: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_cache, "SETTLE_NS", 10**18)  # every file counts as just changed
    load_registry()
    assert _files(cache_home) == []


def test_a_pipeline_runs_with_a_cached_registry(cache_home: Path, plugin: Path) -> None:
    warm = _warm(cache_home)
    source = "in text: String\ns = cachetest.shout(Trim(text))\ne = Echo(s.text, 2)\nn = Nested(1)\nout e\nout n\n"
    result = Pipeline.from_source(source, registry=warm).run({"text": " hi "})
    assert result.ok, result
    assert result.outputs == {"e": "HIHI", "n": 2}
    assert result.trace.totals.cost == 0.5


def test_cst_modules_prints_the_same_from_the_cache(cache_home: Path, plugin: Path) -> None:
    runner = CliRunner()
    cold = runner.invoke(app, ["modules", "--format", "json"])
    assert cold.exit_code == 0, cold.output
    assert len(_files(cache_home)) == 1
    _forget()
    warm = runner.invoke(app, ["modules", "--format", "json"])
    assert warm.exit_code == 0, warm.output
    assert PLUGIN not in sys.modules
    assert json.loads(warm.stdout) == json.loads(cold.stdout)
    text = [runner.invoke(app, ["modules", "cachetest"]).stdout for _ in range(2)]
    assert text[0] == text[1] and "entry point cachetest = cachetest_plugin (cachetest 0.1)" in text[0]


def test_lazy_functions_compare_and_hash_by_path() -> None:
    a, b = _cache.LazyFunction("os.path:join"), _cache.LazyFunction("os.path:join")
    assert a == b and hash(a) == hash(b) and a != _cache.LazyFunction("os.path:split")
    assert a("x", "y") == os.path.join("x", "y")
    assert _cache.import_path(os.path.join) == "posixpath:join"
    assert _cache.import_path(lambda: 0) is None
    local: Callable[[], int] = lambda: 1  # noqa: E731
    assert _cache.import_path(local) is None
