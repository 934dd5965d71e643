"""The module registry (cst_cli/modules/registry.py): plugin discovery through entry points, problems that do not
stop the rest from loading, and name/version resolution."""

from __future__ import annotations

import importlib.metadata
import sys
import textwrap
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from cst_cli.modules.api import ModuleSpec, module
from cst_cli.modules.registry import ENTRY_POINT_GROUP, Imports, Registry, ResolveError, did_you_mean, load_registry

# ---------------------------------------------------------------- discovery


def _ep(name: str, value: str) -> importlib.metadata.EntryPoint:
    return importlib.metadata.EntryPoint(name=name, value=value, group=ENTRY_POINT_GROUP)


@pytest.fixture
def entry_points(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """Replace the installed entry points of the group with the given ones."""

    def install(*eps: importlib.metadata.EntryPoint) -> None:
        def fake(**kw: Any) -> list[importlib.metadata.EntryPoint]:
            return [ep for ep in eps if ep.group == kw.get("group")]

        monkeypatch.setattr(importlib.metadata, "entry_points", fake)

    return install


@pytest.fixture
def plugin_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A directory on sys.path for throwaway plugin packages (their imports are forgotten afterwards)."""
    monkeypatch.syspath_prepend(str(tmp_path))
    before = set(sys.modules)
    yield tmp_path
    for name in set(sys.modules) - before:
        if name.startswith("fake_plugin_"):
            del sys.modules[name]


def _write(plugin_dir: Path, name: str, source: str) -> None:
    (plugin_dir / f"{name}.py").write_text(textwrap.dedent(source))


GOOD = """
    from cst_cli.modules.api import module

    @module(namespace="acme", description="Shout")
    def shout(text: str) -> str:
        return text.upper()

    @module("Count")
    def count(items: list[str]) -> int:
        return len(items)
"""


def test_a_plugin_module_is_scanned_for_decorated_functions(
    entry_points: Callable[..., None], plugin_dir: Path
) -> None:
    _write(plugin_dir, "fake_plugin_good", GOOD)
    entry_points(_ep("good", "fake_plugin_good"))
    registry = load_registry()
    assert registry.problems == []
    assert [s.qualified_name for s in registry.all()] == ["Count", "acme.shout"]
    shout = registry.get("acme.shout")
    assert shout is not None
    assert shout.signature() == "shout(text: String) -> String"
    assert shout.origin == "entry point good = fake_plugin_good"


def test_a_plugin_can_list_its_modules_or_point_at_one(entry_points: Callable[..., None], plugin_dir: Path) -> None:
    _write(
        plugin_dir,
        "fake_plugin_listed",
        textwrap.dedent(GOOD) + "\n__cst_modules__ = [shout]\ndef factory():\n    return [count]\n",
    )
    entry_points(
        _ep("listed", "fake_plugin_listed"),
        _ep("single", "fake_plugin_listed:count"),
        _ep("factory", "fake_plugin_listed:factory"),
    )
    registry = load_registry()
    assert registry.problems == []
    assert [s.qualified_name for s in registry.all()] == ["Count", "acme.shout"]


def test_a_plugin_that_fails_to_import_is_a_problem_and_the_rest_loads(
    entry_points: Callable[..., None], plugin_dir: Path
) -> None:
    _write(plugin_dir, "fake_plugin_good", GOOD)
    _write(plugin_dir, "fake_plugin_crash", "raise RuntimeError('no GPU here')\n")
    entry_points(
        _ep("crash", "fake_plugin_crash"),
        _ep("missing", "fake_plugin_does_not_exist"),
        _ep("good", "fake_plugin_good"),
    )
    registry = load_registry()
    assert {p.plugin: p.message for p in registry.problems} == {
        "crash = fake_plugin_crash": "RuntimeError: no GPU here",
        "missing = fake_plugin_does_not_exist": "ModuleNotFoundError: No module named 'fake_plugin_does_not_exist'",
    }
    assert registry.get("acme.shout") is not None


def test_a_module_with_an_unsupported_hint_is_a_problem_naming_the_plugin(
    entry_points: Callable[..., None], plugin_dir: Path
) -> None:
    _write(plugin_dir, "fake_plugin_good", GOOD)
    _write(
        plugin_dir,
        "fake_plugin_bytes",
        """
        from cst_cli.modules.api import module

        @module()
        def Blob(data: bytes) -> int:
            return len(data)
        """,
    )
    entry_points(_ep("bytes", "fake_plugin_bytes"), _ep("good", "fake_plugin_good"))
    registry = load_registry()
    [problem] = registry.problems
    assert problem.plugin == "bytes = fake_plugin_bytes"
    assert problem.message.startswith("ModuleDefinitionError: ")
    assert "bytes" in problem.message
    assert registry.get("Count") is not None


def test_an_entry_point_object_that_is_not_a_module_is_a_problem(
    entry_points: Callable[..., None], monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = types.ModuleType("fake_plugin_number")
    fake.answer = 42  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "fake_plugin_number", fake)
    entry_points(_ep("number", "fake_plugin_number:answer"))
    registry = load_registry()
    [problem] = registry.problems
    assert problem.plugin == "number = fake_plugin_number:answer"
    assert "42 is not a module" in problem.message


def test_the_stdlib_loads_through_its_own_entry_point() -> None:
    registry = load_registry()
    assert registry.problems == []
    spec = registry.get("stdlib.math.add")
    assert spec is not None
    assert spec.origin.startswith("entry point stdlib = stdlib_modules")


# ---------------------------------------------------------------- resolution


def _spec(name: str, namespace: str | None = None, version: str = "1.0") -> ModuleSpec:
    def impl(a: int) -> int:
        return a

    module(name, namespace=namespace, version=version)(impl)
    spec: ModuleSpec = impl.__cst_module__  # type: ignore[attr-defined]
    return spec


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry(
        [
            _spec("add", "stdlib.math"),
            _spec("subtract", "stdlib.math"),
            _spec("add", "vendor.math"),
            _spec("concat", "stdlib.string"),
            _spec("identity", "stdlib"),
            _spec("Embed", version="1.0"),
            _spec("Embed", version="1.2"),
            _spec("Embed", version="2.0"),
            _spec("Embed", version="2.1"),
            _spec("Search", version="3.4"),
        ]
    )


NO_USE = Imports()


def _uses(*namespaces: str, **aliases: str) -> Imports:
    return Imports(namespaces=frozenset(namespaces), aliases=aliases, any_use=True)


def _ok(result: ModuleSpec | ResolveError) -> str:
    assert isinstance(result, ModuleSpec), result
    return f"{result.qualified_name}@{result.version_text}"


def _err(result: ModuleSpec | ResolveError) -> ResolveError:
    assert isinstance(result, ResolveError), result
    return result


def test_full_name_resolves_whatever_is_imported(registry: Registry) -> None:
    assert _ok(registry.resolve(("stdlib", "math", "add"), None, NO_USE)) == "stdlib.math.add@1.0"
    assert _ok(registry.resolve(("vendor", "math", "add"), None, _uses("stdlib.string"))) == "vendor.math.add@1.0"
    assert _ok(registry.resolve(("stdlib", "identity"), None, _uses("stdlib.math"))) == "stdlib.identity@1.0"


def test_alias_resolves_to_its_namespace(registry: Registry) -> None:
    assert _ok(registry.resolve(("m", "add"), None, _uses(m="vendor.math"))) == "vendor.math.add@1.0"


def test_simple_name_without_any_use_sees_every_namespace(registry: Registry) -> None:
    assert _ok(registry.resolve(("subtract",), None, NO_USE)) == "stdlib.math.subtract@1.0"
    assert _ok(registry.resolve(("concat",), None, NO_USE)) == "stdlib.string.concat@1.0"
    assert _ok(registry.resolve(("Search",), None, NO_USE)) == "Search@3.4"


def test_simple_name_with_use_sees_imported_namespaces_and_top_level_modules(registry: Registry) -> None:
    assert _ok(registry.resolve(("add",), None, _uses("stdlib.math"))) == "stdlib.math.add@1.0"
    assert _ok(registry.resolve(("add",), None, _uses(v="vendor.math"))) == "vendor.math.add@1.0"
    assert _ok(registry.resolve(("Search",), None, _uses("stdlib.math"))) == "Search@3.4"


def test_simple_name_in_a_namespace_not_imported_is_e002_with_a_use_hint(registry: Registry) -> None:
    err = _err(registry.resolve(("concat",), None, _uses("stdlib.math")))
    assert (err.code, err.message, err.hint) == ("E002", "Undefined function: concat", "use stdlib.string")


def test_unknown_simple_name_is_e002_with_did_you_mean(registry: Registry) -> None:
    err = _err(registry.resolve(("Serch",), None, NO_USE))
    assert (err.code, err.message, err.hint) == ("E002", "Undefined function: Serch", "did you mean 'Search'?")


def test_unknown_function_in_a_known_namespace_is_e002(registry: Registry) -> None:
    err = _err(registry.resolve(("stdlib", "math", "substract"), None, NO_USE))
    assert (err.code, err.message) == ("E002", "Undefined function: stdlib.math.substract")
    assert err.hint == "did you mean 'subtract'?"


def test_unknown_namespace_is_e004(registry: Registry) -> None:
    err = _err(registry.resolve(("stdlib", "mth", "add"), None, NO_USE))
    assert (err.code, err.message) == ("E004", "Undefined namespace: stdlib.mth")
    assert err.hint is not None and "'stdlib.math'" in err.hint


def test_a_name_in_two_visible_namespaces_is_e005_listing_both(registry: Registry) -> None:
    err = _err(registry.resolve(("add",), None, NO_USE))
    assert err.code == "E005"
    assert err.message == "Ambiguous function: add is defined in stdlib.math.add, vendor.math.add"
    err = _err(registry.resolve(("add",), None, _uses("stdlib.math", "vendor.math")))
    assert err.code == "E005"


def test_without_a_pin_the_highest_major_and_minor_win(registry: Registry) -> None:
    assert _ok(registry.resolve(("Embed",), None, NO_USE)) == "Embed@2.1"


def test_a_pin_selects_the_highest_minor_of_that_major(registry: Registry) -> None:
    assert _ok(registry.resolve(("Embed",), 1, NO_USE)) == "Embed@1.2"
    assert _ok(registry.resolve(("stdlib", "math", "add"), 1, NO_USE)) == "stdlib.math.add@1.0"


def test_a_pin_to_a_missing_major_is_e047(registry: Registry) -> None:
    err = _err(registry.resolve(("Embed",), 3, NO_USE))
    assert (err.code, err.message, err.hint) == (
        "E047",
        "Unknown version: Embed@3 is not installed",
        "installed major versions: @1, @2",
    )


def test_all_lists_every_major_and_namespaces_include_parents(registry: Registry) -> None:
    assert [f"{s.qualified_name}@{s.version_text}" for s in registry.all() if s.name == "Embed"] == [
        "Embed@1.2",
        "Embed@2.1",
    ]
    assert registry.namespaces() == {"stdlib", "stdlib.math", "stdlib.string", "vendor", "vendor.math"}


def test_from_specs_accepts_decorated_functions_and_rejects_others() -> None:
    @module("Echo")
    def echo(text: str) -> str:
        return text

    assert Registry.from_specs([echo]).get("Echo") is not None
    with pytest.raises(TypeError, match="is not a module"):
        Registry.from_specs([len])


def test_did_you_mean_is_case_insensitive_and_limited() -> None:
    assert did_you_mean("uppercase", ["Uppercase", "WordCount"]) == ["Uppercase"]
    assert len(did_you_mean("ab", ["ab1", "ab2", "ab3", "ab4", "ab5"])) == 3
    assert did_you_mean("zzz", ["Uppercase"]) == []
