"""`GET /openapi.json`: OpenAPI 3.1 for every route. Request schemas come from the msgspec Structs that decode
the bodies, so the document cannot drift from what the server accepts; a test checks every route is here."""

from __future__ import annotations

from typing import Any

import msgspec

from cst_cli import __version__
from cst_cli.server._http import Route
from cst_cli.server._schemas import CompileRequest, ExecuteRequest, RunRequest

_REF = "#/components/schemas/{name}"

_ERROR = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {
        "error": {"type": "string", "description": "a stable kind: invalid_request, not_found, timeout, ..."},
        "message": {"type": "string"},
    },
    "additionalProperties": True,
}
_DIAGNOSTIC = {
    "type": "object",
    "description": "as printed by `cst check --format json`",
    "properties": {
        "file": {"type": "string"},
        "line": {"type": "integer"},
        "column": {"type": "integer"},
        "end_line": {"type": "integer"},
        "end_column": {"type": "integer"},
        "code": {"type": "string"},
        "severity": {"type": "string", "enum": ["error", "warning"]},
        "message": {"type": "string"},
        "hint": {"type": ["string", "null"]},
    },
}
_COMPILED = {
    "type": "object",
    "properties": {
        "name": {"type": ["string", "null"]},
        "structural_hash": {"type": "string"},
        "source_hash": {"type": "string"},
        "inputs": {"type": "object", "additionalProperties": {"type": "string"}},
        "outputs": {"type": "object", "additionalProperties": {"type": "string"}},
        "diagnostics": {"type": "array", "items": {"$ref": "#/components/schemas/Diagnostic"}},
    },
}
_EXECUTION = {
    "type": "object",
    "properties": {
        "outputs": {"type": "object"},
        "status": {"type": "string", "enum": ["ok", "failed", "inputs", "interrupted"]},
        "missing_inputs": {"type": "array", "items": {"type": "string"}},
        "not_computed": {"type": "object", "additionalProperties": {"type": "string"}},
        "errors": {"type": "array", "items": {"type": "object"}},
        "warnings": {"type": "array", "items": {"type": "string"}},
        "execution_id": {"type": "string"},
        "trace": {"type": "object", "description": "a cst-trace/1 trace (docs/trace.md)"},
    },
}
_ANY = {"type": "object"}

# route name -> summary, request schema name, {status: (description, schema)}
_DOCS: dict[str, tuple[str, str | None, dict[int, tuple[str, dict[str, Any]]]]] = {
    "health": ("Liveness: the process answers.", None, {200: ("alive", _ANY)}),
    "ready": (
        "Readiness: started and not draining.",
        None,
        {200: ("ready", _ANY), 503: ("starting or draining", _ANY)},
    ),
    "compile": (
        "Check a pipeline and store it under its name (`dagName` is accepted as an alias) or its hash.",
        "CompileRequest",
        {
            200: ("compiled; warnings may be present", {"$ref": "#/components/schemas/Compiled"}),
            400: ("bad request, or the source has errors (`diagnostics`)", {"$ref": "#/components/schemas/Error"}),
            409: ("the name belongs to a file in the pipelines directory", {"$ref": "#/components/schemas/Error"}),
            507: ("the store is full", {"$ref": "#/components/schemas/Error"}),
        },
    ),
    "execute": (
        "Run a stored pipeline by name or hash. A failed run is 200 with status `failed`.",
        "ExecuteRequest",
        {
            200: ("the run's result", {"$ref": "#/components/schemas/Execution"}),
            400: ("bad request", {"$ref": "#/components/schemas/Error"}),
            404: ("unknown ref", {"$ref": "#/components/schemas/Error"}),
            409: ("the hash prefix names different pipelines", {"$ref": "#/components/schemas/Error"}),
            422: (
                "an input is unknown or ill-typed (`problems` with JSON paths)",
                {"$ref": "#/components/schemas/Error"},
            ),
            504: ("the run exceeded the server's time limit", {"$ref": "#/components/schemas/Error"}),
        },
    ),
    "run": (
        "Compile and execute in one call; nothing is stored.",
        "RunRequest",
        {
            200: ("the run's result, with the hashes and warnings", {"$ref": "#/components/schemas/Execution"}),
            400: ("bad request, or the source has errors (`diagnostics`)", {"$ref": "#/components/schemas/Error"}),
            422: ("an input is unknown or ill-typed", {"$ref": "#/components/schemas/Error"}),
            504: ("the run exceeded the server's time limit", {"$ref": "#/components/schemas/Error"}),
        },
    ),
    "list_pipelines": (
        "Every stored pipeline, and problems of files in the pipelines directory.",
        None,
        {200: ("pipelines", _ANY)},
    ),
    "get_pipeline": (
        "One pipeline: source, hashes, input and output types, warnings.",
        None,
        {200: ("the pipeline", _ANY), 404: ("unknown ref", {"$ref": "#/components/schemas/Error"})},
    ),
    "delete_pipeline": (
        "Forget a pipeline compiled through the API.",
        None,
        {
            200: ("deleted", _ANY),
            404: ("unknown ref", {"$ref": "#/components/schemas/Error"}),
            409: ("ambiguous, or loaded from a file", {"$ref": "#/components/schemas/Error"}),
        },
    ),
    "modules": ("The installed modules with their signatures.", None, {200: ("modules", _ANY)}),
    "metrics": ("Prometheus metrics (text exposition format).", None, {200: ("metrics", {"type": "string"})}),
    "cost": (
        "Executions and cost over the last hour, in total and per pipeline.",
        None,
        {200: ("cost", _ANY)},
    ),
    "openapi": ("This document.", None, {200: ("OpenAPI 3.1", _ANY)}),
}

_COMMON = {
    401: ("missing or wrong API key (when keys are configured)", {"$ref": "#/components/schemas/Error"}),
    413: ("request body larger than --max-body", {"$ref": "#/components/schemas/Error"}),
    503: ("the server is draining (shutting down)", {"$ref": "#/components/schemas/Error"}),
}


def openapi_document(routes: list[Route]) -> dict[str, Any]:
    _, components = msgspec.json.schema_components([CompileRequest, ExecuteRequest, RunRequest], ref_template=_REF)
    schemas: dict[str, Any] = {
        **components,
        "Error": _ERROR,
        "Diagnostic": _DIAGNOSTIC,
        "Compiled": _COMPILED,
        "Execution": _EXECUTION,
    }
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        summary, body, responses = _DOCS[route.name]
        op: dict[str, Any] = {"operationId": route.name, "summary": summary, "responses": {}}
        all_responses = dict(responses)
        if not route.public:
            all_responses.setdefault(401, _COMMON[401])
            op["security"] = [{"bearer": []}]
        if route.method == "POST":
            all_responses.setdefault(413, _COMMON[413])
        all_responses.setdefault(503, _COMMON[503])
        for status in sorted(all_responses):
            description, schema = all_responses[status]
            content_type = "text/plain" if route.name == "metrics" and status == 200 else "application/json"
            op["responses"][str(status)] = {"description": description, "content": {content_type: {"schema": schema}}}
        if body is not None:
            op["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": _REF.format(name=body)}}},
            }
        if "{ref}" in route.path:
            op["parameters"] = [
                {
                    "name": "ref",
                    "in": "path",
                    "required": True,
                    "description": "a pipeline name, a structural or source hash, or a prefix of 8+ hex digits",
                    "schema": {"type": "string"},
                }
            ]
        paths.setdefault(route.path, {})[route.method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": "cst serve", "version": __version__, "description": "The cst pipeline HTTP API."},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
