"""The module API (cst_cli/modules/api.py): what `@module` records, and the Options it carries."""

from __future__ import annotations

import pytest

from cst_cli.modules.api import Cost, ModuleDefinitionError, Options, module, spec_of
from cst_cli.types.model import INT, STRING, ListT


def test_the_decorator_returns_the_function_with_its_spec_attached() -> None:
    @module(namespace="acme.text", version="2.3", tags=["text"], cost=0.01, inline=True)
    def shout(text: str, times: int = 1) -> list[str]:
        """Say it louder.

        More details here.
        """
        return [text.upper()] * times

    assert shout("a", 2) == ["A", "A"]
    spec = spec_of(shout)
    assert spec is not None
    assert (spec.name, spec.namespace, spec.qualified_name) == ("shout", "acme.text", "acme.text.shout")
    assert (spec.version, spec.version_text, spec.major) == ((2, 3), "2.3", 2)
    assert spec.description == "Say it louder."
    assert spec.tags == ("text",)
    assert [(p.name, p.type, p.has_default) for p in spec.params] == [("text", STRING, False), ("times", INT, True)]
    assert spec.returns == ListT(elem=STRING)
    assert spec.cost == Cost(per_call=0.01)
    assert spec.defaults == Options()
    assert spec.inline and not spec.is_async
    assert spec.signature() == "shout(text: String, times: Int) -> List<String>"


def test_an_async_function_is_marked_async() -> None:
    @module("Fetch", defaults=Options(timeout=2.0, retry=1))
    async def fetch(url: str) -> str:
        return url

    spec = spec_of(fetch)
    assert spec is not None and spec.is_async
    assert spec.defaults == Options(timeout=2.0, retry=1)


@pytest.mark.parametrize("version", ["1", "1.0.0", "one.two", "1.x", ""])
def test_a_bad_version_is_rejected(version: str) -> None:
    with pytest.raises(ModuleDefinitionError, match=r"major\.minor"):

        @module(version=version)
        def f(x: int) -> int:
            return x


def test_an_unsupported_hint_is_a_definition_error() -> None:
    with pytest.raises(ModuleDefinitionError, match="bytes"):

        @module()
        def f(x: bytes) -> int:
            return len(x)


def test_spec_of_something_else_is_none() -> None:
    assert spec_of(len) is None
    assert spec_of(42) is None


def test_options_overlay_replaces_only_what_the_call_sets() -> None:
    defaults = Options(timeout=5.0, retry=2, on_error="log")
    call = Options(retry=0, delay=0.2)
    assert defaults.overlay(call) == Options(timeout=5.0, retry=0, delay=0.2, on_error="log")
    assert defaults.overlay(Options()) == defaults
