"""Request bodies, decoded with msgspec: an unknown field, a missing one or a wrong type is a 400 naming it."""

from __future__ import annotations

from typing import Any

import msgspec


class CompileRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """`POST /compile`. `dagName` is the seed's spelling of `name`."""

    source: str
    name: str | None = None
    dagName: str | None = None  # the seed's spelling of `name`


class ExecuteRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """`POST /execute`: `ref` is a pipeline name or a structural/source hash (or an 8+ digit prefix)."""

    ref: str
    inputs: dict[str, Any] = {}


class RunRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """`POST /run`: compile and execute in one call, without storing the pipeline. `name` only names the
    source in diagnostics and the trace (metrics count every `/run` under the pipeline label `_run`)."""

    source: str
    inputs: dict[str, Any] = {}
    name: str | None = None
