"""The route table and its handlers: each reads a request, calls the library, answers JSON (or Prometheus text)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cst_cli import __version__
from cst_cli.server._engine import CompileFailed
from cst_cli.server._http import HttpError, Request, Response, Route, json_response, text_response
from cst_cli.server._schemas import CompileRequest, ExecuteRequest, RunRequest
from cst_cli.server._store import StoredPipeline, check_name
from cst_cli.server.metrics import PROMETHEUS_CONTENT_TYPE, RUN_LABEL

if TYPE_CHECKING:
    from cst_cli.server.app import App


def build_routes(app: App) -> list[Route]:
    h = _Handlers(app)
    return [
        Route(method="GET", path="/health", name="health", handler=h.health, public=True),
        Route(method="GET", path="/health/ready", name="ready", handler=h.ready, public=True),
        Route(method="POST", path="/compile", name="compile", handler=h.compile),
        Route(method="POST", path="/execute", name="execute", handler=h.execute),
        Route(method="POST", path="/run", name="run", handler=h.run),
        Route(method="GET", path="/pipelines", name="list_pipelines", handler=h.list_pipelines),
        Route(method="GET", path="/pipelines/{ref}", name="get_pipeline", handler=h.get_pipeline),
        Route(method="DELETE", path="/pipelines/{ref}", name="delete_pipeline", handler=h.delete_pipeline),
        Route(method="GET", path="/modules", name="modules", handler=h.modules),
        Route(method="GET", path="/metrics", name="metrics", handler=h.metrics, public=True),
        Route(method="GET", path="/metrics/cost", name="cost", handler=h.cost, public=True),
        Route(method="GET", path="/openapi.json", name="openapi", handler=h.openapi),
    ]


def _name(name: str | None, dag_name: str | None) -> str | None:
    if name is not None and dag_name is not None and name != dag_name:
        raise HttpError(400, "invalid_request", "'name' and 'dagName' differ; send one of them")
    chosen = name if name is not None else dag_name
    return check_name(chosen) if chosen is not None else None


class _Handlers:
    def __init__(self, app: App) -> None:
        self.app = app

    async def health(self, request: Request) -> Response:
        return json_response(200, {"status": "ok", "version": __version__})

    async def ready(self, request: Request) -> Response:
        app = self.app
        status = "draining" if app.draining else "ready" if app.started else "starting"
        doc: dict[str, Any] = {
            "status": status,
            "pipelines": len(app.store),
            "modules": len(app.registry.all()),
            "in_flight": app.in_flight,
        }
        return json_response(200 if status == "ready" else 503, doc)

    async def compile(self, request: Request) -> Response:
        req = await request.decode(CompileRequest)
        name = _name(req.name, req.dagName)
        p = await self._compile(req.source, name)
        self.app.store.put(p)
        self.app.metrics.pipelines.set(len(self.app.store))
        return json_response(
            200,
            {
                "name": p.name,
                "structural_hash": p.structural_hash,
                "source_hash": p.source_hash,
                "inputs": dict(p.inputs),
                "outputs": dict(p.outputs),
                "diagnostics": p.warnings,
            },
        )

    async def _compile(self, source: str, name: str | None, *, adhoc: bool = False) -> StoredPipeline:
        engine = self.app.engine
        try:
            p = await (engine.compile_adhoc(source, name) if adhoc else engine.compile(source, name, origin="api"))
        except CompileFailed as failed:
            self.app.metrics.compilations.labels("failed").inc()
            raise HttpError(400, "compile_failed", failed.message, extra={"diagnostics": failed.diagnostics}) from None
        self.app.metrics.compilations.labels("ok").inc()
        return p

    async def execute(self, request: Request) -> Response:
        req = await request.decode(ExecuteRequest)
        p = self.app.store.find(req.ref)
        result = await self.app.engine.execute(p, req.inputs, self.app.settings.max_exec_time)
        return json_response(200, result)

    async def run(self, request: Request) -> Response:
        req = await request.decode(RunRequest)
        name = _name(req.name, None)
        p = await self._compile(req.source, name, adhoc=True)
        result = await self.app.engine.execute(p, req.inputs, self.app.settings.max_exec_time, label=RUN_LABEL)
        return json_response(
            200,
            {**result, "structural_hash": p.structural_hash, "source_hash": p.source_hash, "diagnostics": p.warnings},
        )

    async def list_pipelines(self, request: Request) -> Response:
        store = self.app.store
        problems = [{"file": f, **doc} for f, doc in sorted(store.file_problems.items())]
        return json_response(200, {"pipelines": [p.summary() for p in store.all()], "problems": problems})

    async def get_pipeline(self, request: Request) -> Response:
        return json_response(200, self.app.store.find(request.path_params["ref"]).detail())

    async def delete_pipeline(self, request: Request) -> Response:
        p = self.app.store.remove(request.path_params["ref"])
        self.app.metrics.pipelines.set(len(self.app.store))
        return json_response(200, {"deleted": p.summary()})

    async def modules(self, request: Request) -> Response:

        registry = self.app.registry
        return json_response(
            200,
            {
                "modules": [s.describe() for s in registry.all()],
                "problems": [{"plugin": p.plugin, "message": p.message} for p in registry.problems],
            },
        )

    async def metrics(self, request: Request) -> Response:
        return text_response(200, self.app.metrics.exposition(), PROMETHEUS_CONTENT_TYPE)

    async def cost(self, request: Request) -> Response:
        return json_response(200, self.app.metrics.cost_window.report())

    async def openapi(self, request: Request) -> Response:
        from cst_cli.server.openapi import openapi_document

        return json_response(200, openapi_document(self.app.router.routes))
