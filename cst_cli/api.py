"""The public Python API: compile a pipeline once, run it many times, from plain code or from trio.

    from cst_cli.api import Pipeline
    p = Pipeline.from_file("pipeline.cst")
    result = p.run({"text": "Hello world"}, seed=1)
    result.outputs, result.status, result.errors, result.trace

Never prints, exits or reads the environment; the CLI (`cst run`) and the HTTP server are shells over this.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import msgspec

from cst_cli.check import compile_source
from cst_cli.check.typed import TExpr, TListLit, TLit, TRecordLit, TUnary, TypedProgram
from cst_cli.dag.build import BuiltDag, build_dag
from cst_cli.dag.ir import Dag
from cst_cli.diagnostics import Diagnostic, Source
from cst_cli.modules.registry import Registry, did_you_mean, load_registry
from cst_cli.runtime.config import Config, ConfigError, load_config
from cst_cli.runtime.report import build_trace, not_computed, run_errors, status_of
from cst_cli.runtime.runner import Run, Runtime
from cst_cli.runtime.trace import Reason, RunError, RunStatus, Trace
from cst_cli.runtime.values import ValueMismatch, check_value, to_json
from cst_cli.types.model import OptionalT

__all__ = [
    "CompileError",
    "Config",
    "ConfigError",
    "InputProblem",
    "Pipeline",
    "RunError",
    "RunResult",
    "Runtime",
    "Trace",
    "load_config",
]


class CompileError(Exception):
    """The pipeline has errors; `diagnostics` holds all of them (render with cst_cli.render)."""

    def __init__(self, diagnostics: list[Diagnostic], source: Source | None) -> None:
        super().__init__("; ".join(d.message for d in diagnostics[:3]) or "the pipeline has errors")
        self.diagnostics = diagnostics
        self.source = source


class InputProblem(msgspec.Struct, frozen=True, kw_only=True):
    """An input that is unknown, missing or does not match its type. `path` is a JSON path
    (`inputs.order.items[2].price`)."""

    name: str
    kind: Literal["missing", "invalid", "unknown"]
    message: str
    path: str


class RunResult:
    """What a run gave. `outputs` are JSON-ready (LANGUAGE.md section 8), only those computed.

    `status`: ok (every output computed), failed (a call or operation failed: see `errors`), inputs (an
    input missing, invalid or unknown: see `input_problems`; what did not need it was computed),
    interrupted. `trace` (cst-trace/1) is built on first access.
    """

    def __init__(
        self,
        *,
        outputs: dict[str, Any],
        status: RunStatus,
        missing_inputs: list[str],
        input_problems: list[InputProblem],
        not_computed: dict[str, str],
        errors: list[RunError],
        warnings: list[str],
        run: Run,
        started_at: float,
    ) -> None:
        self.outputs = outputs
        self.status: RunStatus = status
        self.missing_inputs = missing_inputs
        self.input_problems = input_problems
        self.not_computed = not_computed  # output -> why
        self.errors = errors
        self.warnings = warnings
        self._run = run
        self._started_at = started_at
        self._trace: Trace | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def trace(self) -> Trace:
        if self._trace is None:
            self._trace = build_trace(self._run, status=self.status, started_at=self._started_at, errors=self.errors)
        return self._trace

    def __repr__(self) -> str:
        return f"RunResult(status={self.status!r}, outputs={self.outputs!r}, errors={self.errors!r})"


class PreparedInputs(msgspec.Struct, frozen=True, kw_only=True):
    values: dict[str, Any]
    unavailable: dict[str, Reason]
    problems: list[InputProblem]


class Pipeline:
    """A checked pipeline lowered to its DAG, ready to run any number of times (concurrently too)."""

    def __init__(
        self,
        program: TypedProgram,
        *,
        source: Source | None = None,
        diagnostics: Sequence[Diagnostic] = (),
        registry: Registry | None = None,
        pins: Mapping[str, int] | None = None,
    ) -> None:
        self.program = program
        self.source = source
        self.diagnostics = list(diagnostics)  # warnings
        self.registry = registry
        self.pins = dict(pins or {})
        self.built: BuiltDag = build_dag(program)
        self._pinned: dict[tuple[tuple[str, int], ...], Pipeline] = {}

    # ------------------------------------------------------------------ construction

    @classmethod
    def from_source(
        cls,
        text: str | bytes,
        name: str = "<pipeline>",
        *,
        registry: Registry | None = None,
        pins: Mapping[str, int] | None = None,
    ) -> Pipeline:
        """Compile `text`.

        Raises:
            CompileError: the pipeline has errors.
        """
        base = registry if registry is not None else load_registry()
        reg = base.with_pins(pins) if pins else base
        result = compile_source(text, name, reg)
        if result.program is None or result.errors:
            raise CompileError(result.errors or result.diagnostics, result.source)
        return cls(result.program, source=result.source, diagnostics=result.diagnostics, registry=base, pins=pins)

    @classmethod
    def from_file(
        cls, path: str | Path, *, registry: Registry | None = None, pins: Mapping[str, int] | None = None
    ) -> Pipeline:
        """Read and compile a `.cst` file.

        Raises:
            OSError: the file cannot be read.
            CompileError: the pipeline has errors.
        """
        return cls.from_source(Path(path).read_bytes(), str(path), registry=registry, pins=pins)

    def with_pins(self, pins: Mapping[str, int]) -> Pipeline:
        """This pipeline recompiled with version pins (cached)."""
        merged = {**self.pins, **pins}
        if merged == self.pins:
            return self
        key = tuple(sorted(merged.items()))
        found = self._pinned.get(key)
        if found is None:
            if self.source is None:
                raise ValueError("pins need the pipeline's source: build it with from_source/from_file")
            found = Pipeline.from_source(self.source.text, self.source.name, registry=self.registry, pins=merged)
            self._pinned[key] = found
        return found

    # ------------------------------------------------------------------ facts

    @property
    def dag(self) -> Dag:
        return self.built.dag

    @property
    def hash(self) -> str:
        """The structural hash: equal for pipelines that differ only in whitespace and comments."""
        return self.built.hash

    @property
    def file(self) -> str:
        return self.program.file

    def example_inputs(self) -> dict[str, Any]:
        """Inputs from `@example(...)` annotations (the first example of each input that has one)."""
        out: dict[str, Any] = {}
        for inp in self.program.inputs:
            if inp.examples:
                try:
                    out[inp.name] = to_json(_literal(inp.examples[0]), inp.type)
                except ValueError:
                    continue
        return out

    def prepare_inputs(self, raw: Mapping[str, Any]) -> PreparedInputs:
        """Check JSON-decoded inputs against the declared types: values converted, problems with paths."""
        declared = {i.name: i for i in self.program.inputs}
        values: dict[str, Any] = {}
        unavailable: dict[str, Reason] = {}
        problems: list[InputProblem] = []
        for name in raw:
            if name not in declared:
                close = did_you_mean(name, declared)
                hint = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""
                known = ", ".join(declared) or "none"
                problems.append(
                    InputProblem(
                        name=name,
                        kind="unknown",
                        path=f"inputs.{name}",
                        message=f"inputs.{name}: unknown input{hint}; the pipeline's inputs are: {known}",
                    )
                )
        for name, inp in declared.items():
            if name not in raw:
                if isinstance(inp.type, OptionalT):
                    values[name] = None
                    continue
                unavailable[name] = "missing_input"
                problems.append(
                    InputProblem(name=name, kind="missing", path=f"inputs.{name}", message=f"inputs.{name}: missing")
                )
                continue
            try:
                values[name] = check_value(raw[name], inp.type, from_json=True)
            except ValueMismatch as exc:
                unavailable[name] = "operation"
                problems.append(
                    InputProblem(
                        name=name, kind="invalid", path=f"inputs.{name}{exc.path}", message=exc.at(f"inputs.{name}")
                    )
                )
        return PreparedInputs(values=values, unavailable=unavailable, problems=problems)

    # ------------------------------------------------------------------ running

    def run(
        self,
        inputs: Mapping[str, Any],
        *,
        seed: int | None = None,
        max_concurrency: int | None = None,
        keep_going: bool = False,
        pins: Mapping[str, int] | None = None,
        config: Config | None = None,
        runtime: Runtime | None = None,
        outputs: list[str] | None = None,
    ) -> RunResult:
        """Run to completion in a fresh trio loop (not from inside trio: use `run_async` there). A pipeline
        with no task calls (only inline modules and operations) runs without an event loop.

        Args:
            inputs: input name -> JSON-decoded value.
            seed: makes the built-in demo modules' randomness and retry jitter reproducible.
            max_concurrency: at most this many calls in flight; `priority:` orders who goes first.
            keep_going: after a failure, compute everything that does not depend on it.
            pins: module name -> major version for unpinned calls (recompiles).
            config: cst.yaml settings (ignored when `runtime` is given: it has its own).
            runtime: breakers, throttles and caches to share with other runs.
            outputs: compute only these outputs (default all, plus `lazy: false` calls).
        """
        pipeline, run, prepared, started, go = self._prepare(
            inputs, seed, max_concurrency, keep_going, pins, config, runtime, outputs
        )
        if go and not run.plan.needs_loop:
            run.execute_sync()
        elif go:
            import trio  # here, not at the top: ~40 ms that a pipeline of pure modules never needs

            trio.run(run.execute)
        return pipeline.result_of(run, prepared, started)

    async def run_async(
        self,
        inputs: Mapping[str, Any],
        *,
        seed: int | None = None,
        max_concurrency: int | None = None,
        keep_going: bool = False,
        pins: Mapping[str, int] | None = None,
        config: Config | None = None,
        runtime: Runtime | None = None,
        outputs: list[str] | None = None,
    ) -> RunResult:
        """`run` from trio code (the HTTP server): same arguments, same result."""
        pipeline, run, prepared, started, go = self._prepare(
            inputs, seed, max_concurrency, keep_going, pins, config, runtime, outputs
        )
        if go:
            await run.execute()
        return pipeline.result_of(run, prepared, started)

    def _prepare(
        self,
        inputs: Mapping[str, Any],
        seed: int | None,
        max_concurrency: int | None,
        keep_going: bool,
        pins: Mapping[str, int] | None,
        config: Config | None,
        runtime: Runtime | None,
        outputs: list[str] | None,
    ) -> tuple[Pipeline, Run, PreparedInputs, float, bool]:
        """The pipeline to run (pinned), its Run, the checked inputs, the start time, whether to run at all."""
        pipeline = self.with_pins(pins) if pins else self
        rt = runtime if runtime is not None else Runtime(config)
        prepared = pipeline.prepare_inputs(inputs)
        started = time.time()
        plan = rt.plan(pipeline.built)
        unknown = [p for p in prepared.problems if p.kind == "unknown"]
        run = Run(
            plan,
            rt,
            prepared.values,
            prepared.unavailable,
            outputs=outputs,
            keep_going=keep_going,
            max_concurrency=max_concurrency,
            seed=seed,
        )
        # an unknown name is most likely a typo of a real input: run nothing
        return pipeline, run, prepared, started, not unknown

    def result_of(self, run: Run, prepared: PreparedInputs, started: float) -> RunResult:
        errors = run_errors(run, self.source)
        status = status_of(run, errors, bool(prepared.problems))
        dag = self.built.dag
        outputs = {o.name: to_json(run.values[o.node], o.type) for o in dag.outputs if run.sched.is_done(o.node)}
        return RunResult(
            outputs=outputs,
            status=status,
            missing_inputs=[p.name for p in prepared.problems if p.kind == "missing"],
            input_problems=prepared.problems,
            not_computed=not_computed(run),
            errors=errors,
            warnings=run.warnings,
            run=run,
            started_at=started,
        )


def _literal(e: TExpr) -> Any:
    """The value of an `@example(...)` expression (literals, lists and records of them)."""
    match e:
        case TLit(value=v):
            return v
        case TUnary(op="-", operand=x):
            return -_literal(x)
        case TListLit(items=items):
            return [_literal(x) for x in items]
        case TRecordLit(fields=fs):
            return {n: _literal(x) for n, x in fs}
    raise ValueError("not a literal")
