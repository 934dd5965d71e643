"""The server's use of the library: compile (check + DAG + hashes) and execute through `cst_cli.api`, with one
shared `Runtime` (breakers, throttles, caches outlive a request), the time limit, and metrics from the trace.
"""

from __future__ import annotations

import functools
import hashlib
import time
import uuid
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

import trio

from cst_cli.api import Config, Pipeline, Runtime
from cst_cli.check import compile_source
from cst_cli.modules.registry import Registry
from cst_cli.render.diagnostics import summary, to_json_list
from cst_cli.server._http import HttpError
from cst_cli.server._store import StoredPipeline
from cst_cli.server.metrics import ServerMetrics
from cst_cli.types.model import render


class CompileFailed(Exception):
    """The source has errors; `diagnostics` in the JSON shape of `cst check --format json`."""

    def __init__(self, message: str, diagnostics: list[dict[str, Any]]) -> None:
        super().__init__(message)
        self.message = message
        self.diagnostics = diagnostics


ADHOC_CACHE = 64  # compiled `POST /run` sources kept, most recently used first


class Engine:
    def __init__(self, registry: Registry, config: Config | None, metrics: ServerMetrics) -> None:
        self.registry = registry
        self.config = config if config is not None else Config()
        self.metrics = metrics
        self.runtime = Runtime(self.config)
        pins = self.config.pins
        self._compile_registry = registry.with_pins(pins) if pins else registry
        self._adhoc: OrderedDict[tuple[str, str | None], StoredPipeline] = OrderedDict()

    # ------------------------------------------------------------------ compile

    async def compile(self, source: str | bytes, name: str | None, *, origin: str) -> StoredPipeline:
        """Check `source` (in a worker thread: a large one must not stall other requests).

        Raises:
            CompileFailed: the source has errors.
        """
        job = functools.partial(self.compile_sync, source, name, origin=origin)
        return await trio.to_thread.run_sync(job)

    async def compile_adhoc(self, source: str, name: str | None) -> StoredPipeline:
        """`compile` for `POST /run`: the same source sent again reuses its compiled pipeline (and the runtime's
        plan for it) instead of compiling and planning it anew.

        Raises:
            CompileFailed: the source has errors.
        """
        key = (source, name)
        found = self._adhoc.get(key)
        if found is not None:
            self._adhoc.move_to_end(key)
            return found
        p = await self.compile(source, name, origin="api")
        self._adhoc[key] = p
        while len(self._adhoc) > ADHOC_CACHE:
            self._adhoc.popitem(last=False)
        return p

    def compile_sync(self, source: str | bytes, name: str | None, *, origin: str) -> StoredPipeline:
        file = origin if origin != "api" else (f"{name}.cst" if name else "<source>")
        result = compile_source(source, file, self._compile_registry)
        diagnostics = to_json_list(result.diagnostics, {file: result.source})
        if result.program is None or result.source is None or not result.ok:
            raise CompileFailed(summary(result.diagnostics, 1).removesuffix(" in 1 file"), diagnostics)
        pipeline = Pipeline(
            result.program,
            source=result.source,
            diagnostics=result.diagnostics,
            registry=self.registry,
            pins=self.config.pins or None,
        )
        program = result.program
        return StoredPipeline(
            name=name,
            structural_hash=pipeline.hash,
            source_hash=hashlib.sha256(result.source.text.encode("utf-8", "surrogatepass")).hexdigest(),
            source=result.source.text,
            inputs=tuple((i.name, render(i.type)) for i in program.inputs),
            outputs=tuple((o.name, render(o.type)) for o in program.outputs),
            warnings=diagnostics,
            origin=origin,
            compiled_at=time.time(),
            pipeline=pipeline,
        )

    # ------------------------------------------------------------------ execute

    async def execute(
        self, p: StoredPipeline, inputs: Mapping[str, Any], max_time: float, *, label: str | None = None
    ) -> dict[str, Any]:
        """Run `p` on JSON inputs within `max_time` seconds.

        A failed run is a result (status `failed`, errors naming the call), not an exception.

        Raises:
            HttpError: 422 for an unknown or ill-typed input (with JSON paths), 504 past the time limit.
        """
        label = label or p.label
        pipeline = p.pipeline
        problems = [q for q in pipeline.prepare_inputs(inputs).problems if q.kind != "missing"]
        if problems:
            self.metrics.executions.labels(label, "invalid_inputs").inc()
            raise HttpError(
                422,
                "invalid_inputs",
                "; ".join(q.message for q in problems[:3]) + ("; ..." if len(problems) > 3 else ""),
                extra={"problems": [{"path": q.path, "kind": q.kind, "message": q.message} for q in problems]},
            )
        execution_id = uuid.uuid4().hex
        began = time.perf_counter()
        with trio.move_on_after(max_time) as scope:
            result = await pipeline.run_async(inputs, runtime=self.runtime)
        elapsed = time.perf_counter() - began
        if scope.cancelled_caught:
            self.metrics.record_run(label, "timeout", elapsed, None)
            raise HttpError(
                504,
                "timeout",
                f"execution of {label} took longer than the server's limit of {max_time:g} s and was cancelled",
                extra={"execution_id": execution_id},
            )
        self.metrics.record_run(label, result.status, elapsed, result.trace)
        return {
            "outputs": result.outputs,
            "status": result.status,
            "missing_inputs": result.missing_inputs,
            "not_computed": result.not_computed,
            "errors": result.errors,
            "warnings": result.warnings,
            "execution_id": execution_id,
            "trace": result.trace,
        }
