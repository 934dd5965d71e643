"""Fixtures for the built-in library tests: the registry loaded through the real entry point."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from cst_cli.modules.api import ModuleSpec
from cst_cli.modules.registry import Registry, load_registry


@pytest.fixture(scope="session")
def registry() -> Registry:
    """Only the modules of the `stdlib` entry point (other plugins, e.g. the search modules, are left out)."""
    full = load_registry()
    return Registry([s for s in full.all() if s.origin.startswith("entry point stdlib =")], full.problems)


@pytest.fixture(scope="session")
def spec(registry: Registry) -> Callable[[str], ModuleSpec]:
    def get(qualified_name: str) -> ModuleSpec:
        found = registry.get(qualified_name)
        assert found is not None, f"{qualified_name} is not registered"
        return found

    return get


@pytest.fixture(scope="session")
def call(spec: Callable[[str], ModuleSpec]) -> Callable[..., Any]:
    """Call a synchronous module by qualified name, as the runner would: through its registered function."""

    def run(qualified_name: str, *args: Any) -> Any:
        s = spec(qualified_name)
        assert not s.is_async
        return s.func(*args)

    return run
