"""The pipelines a server knows: compiled once, found by name or hash, from the API or from a directory.

Pure bookkeeping, no I/O: `_watch` feeds it from files, the routes from `/compile` and `DELETE`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cst_cli.server._http import HttpError

if TYPE_CHECKING:
    from cst_cli.api import Pipeline

NAME_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,127}$")
_HEX = re.compile(r"^[0-9a-f]{8,64}$")
MIN_PREFIX = 8


@dataclass(frozen=True, slots=True)
class StoredPipeline:
    """A compiled pipeline. `name` is None for one compiled without a name (found by its hash only);
    `origin` is `api` or the file it was loaded from."""

    name: str | None
    structural_hash: str
    source_hash: str
    source: str
    inputs: tuple[tuple[str, str], ...]  # name, rendered type, in declaration order
    outputs: tuple[tuple[str, str], ...]
    warnings: list[dict[str, Any]]  # diagnostics in the JSON shape of `cst check --format json`
    origin: str
    compiled_at: float  # seconds since the epoch
    pipeline: Pipeline = field(repr=False, compare=False)

    @property
    def key(self) -> str:
        return self.name if self.name is not None else "#" + self.structural_hash

    @property
    def label(self) -> str:
        """The `pipeline` label in metrics: the name, or a short hash for an unnamed pipeline."""
        return self.name if self.name is not None else self.structural_hash[:12]

    @property
    def from_file(self) -> bool:
        return self.origin != "api"

    def summary(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "structural_hash": self.structural_hash,
            "source_hash": self.source_hash,
            "inputs": dict(self.inputs),
            "outputs": dict(self.outputs),
            "origin": self.origin,
            "compiled_at": self.compiled_at,
        }

    def detail(self) -> dict[str, Any]:
        return {**self.summary(), "source": self.source, "diagnostics": self.warnings}


def check_name(name: str) -> str:
    if not NAME_RE.match(name):
        raise HttpError(
            400,
            "invalid_request",
            f"invalid pipeline name {name!r}: use 1-128 letters, digits, '_', '-' or '.', not starting with '.' or '-'",
        )
    return name


class PipelineStore:
    """Pipelines by key (the name, or `#hash` when unnamed), at most `capacity` of them."""

    def __init__(self, capacity: int = 1000) -> None:
        self.capacity = capacity
        self._items: dict[str, StoredPipeline] = {}
        # problems of files in the pipelines directory: file name -> diagnostics / message
        self.file_problems: dict[str, dict[str, Any]] = {}

    def __len__(self) -> int:
        return len(self._items)

    def all(self) -> list[StoredPipeline]:
        return sorted(self._items.values(), key=lambda p: (p.name is None, p.name or "", p.structural_hash))

    def put(self, p: StoredPipeline) -> None:
        """Add or replace. A name that a file in the pipelines directory owns cannot be taken by the API (409)."""
        have = self._items.get(p.key)
        if have is not None and have.from_file and not p.from_file:
            raise HttpError(
                409,
                "conflict",
                f"pipeline {p.name!r} is loaded from {have.origin}; edit that file or choose another name",
            )
        if have is None and len(self._items) >= self.capacity:
            raise HttpError(507, "store_full", f"the server holds {self.capacity} pipelines already; DELETE some first")
        self._items[p.key] = p

    def matches(self, ref: str) -> list[StoredPipeline]:
        """Pipelines `ref` names: a name; else a structural or source hash, or a prefix of at least 8 hex digits."""
        exact = self._items.get(ref)
        if exact is not None:
            return [exact]
        if not _HEX.match(ref):
            return []
        found = [p for p in self._items.values() if p.structural_hash.startswith(ref) or p.source_hash.startswith(ref)]
        return sorted(found, key=lambda p: p.key)

    def find(self, ref: str) -> StoredPipeline:
        """The pipeline for `ref` (404 if none). A hash shared by several pipelines (the same program under two
        names) picks the first by name: they run identically."""
        found = self.matches(ref)
        if not found:
            raise HttpError(404, "not_found", f"no pipeline {ref!r}; GET /pipelines lists them")
        if len({p.structural_hash for p in found}) > 1:
            raise HttpError(409, "ambiguous_ref", _ambiguous(ref, found))
        return found[0]

    def remove(self, ref: str) -> StoredPipeline:
        """Remove the one pipeline `ref` names: 404 if none, 409 if several or if it comes from a file."""
        found = self.matches(ref)
        if not found:
            raise HttpError(404, "not_found", f"no pipeline {ref!r}; GET /pipelines lists them")
        if len(found) > 1:
            raise HttpError(409, "ambiguous_ref", _ambiguous(ref, found))
        p = found[0]
        if p.from_file:
            raise HttpError(409, "conflict", f"pipeline {p.name!r} is loaded from {p.origin}; remove that file instead")
        del self._items[p.key]
        return p

    # ------------------------------------------------------------------ the pipelines directory

    def put_file(self, p: StoredPipeline) -> None:
        """A pipeline from the directory: it wins over one of the same name compiled through the API."""
        self._items[p.key] = p

    def drop_file(self, name: str, origin: str) -> None:
        have = self._items.get(name)
        if have is not None and have.origin == origin:
            del self._items[name]


def _ambiguous(ref: str, found: list[StoredPipeline]) -> str:
    names = ", ".join(p.label for p in found[:5]) + (", ..." if len(found) > 5 else "")
    return f"{ref!r} matches several pipelines ({names}); use a name or a longer hash"
