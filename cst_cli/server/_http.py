"""Minimal ASGI plumbing: a request with a bounded body, JSON responses, errors as exceptions, a router.

No framework: the API has a dozen routes and JSON bodies decoded by msgspec. Imports nothing from cst_cli.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, TypeVar

import msgspec

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_encoder = msgspec.json.Encoder()

T = TypeVar("T")


class HttpError(Exception):
    """An error response: `{"error": kind, "message": message, **extra}` with `status`."""

    def __init__(
        self,
        status: int,
        kind: str,
        message: str,
        *,
        extra: dict[str, Any] | None = None,
        headers: tuple[tuple[str, str], ...] = (),
    ) -> None:
        super().__init__(message)
        self.status = status
        self.kind = kind
        self.message = message
        self.extra = extra or {}
        self.headers = headers

    def response(self) -> Response:
        return json_response(
            self.status, {"error": self.kind, "message": self.message, **self.extra}, headers=self.headers
        )


class Response(msgspec.Struct, kw_only=True):
    status: int
    body: bytes
    content_type: str = "application/json"
    headers: tuple[tuple[str, str], ...] = ()

    async def send(self, send: Send, *, close: bool = False) -> None:
        headers = [
            (b"content-type", self.content_type.encode("latin-1")),
            (b"content-length", str(len(self.body)).encode("latin-1")),
        ]
        headers.extend((k.encode("latin-1"), v.encode("latin-1")) for k, v in self.headers)
        if close:
            headers.append((b"connection", b"close"))
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        await send({"type": "http.response.body", "body": self.body, "more_body": False})


def json_response(status: int, doc: object, *, headers: tuple[tuple[str, str], ...] = ()) -> Response:
    return Response(status=status, body=_encoder.encode(doc) + b"\n", headers=headers)


def text_response(status: int, text: str | bytes, content_type: str) -> Response:
    body = text.encode("utf-8") if isinstance(text, str) else text
    return Response(status=status, body=body, content_type=content_type)


class Request:
    """One HTTP request. The body is read on demand, at most `max_body` bytes (413 beyond)."""

    def __init__(self, scope: Scope, receive: Receive, max_body: int) -> None:
        self.method: str = scope["method"]
        self.path: str = scope["path"]
        self.headers: dict[str, str] = {
            k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", ())
        }
        self.path_params: dict[str, str] = {}
        self._receive = receive
        self._max_body = max_body
        self._body: bytes | None = None

    def _too_large(self) -> HttpError:
        return HttpError(
            413, "body_too_large", f"request body is larger than the server's limit of {self._max_body} bytes"
        )

    async def body(self) -> bytes:
        if self._body is not None:
            return self._body
        declared = self.headers.get("content-length")
        if declared is not None:
            try:
                if int(declared) > self._max_body:
                    raise self._too_large()
            except ValueError:
                raise HttpError(400, "invalid_request", "Content-Length is not a number") from None
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await self._receive()
            if message["type"] == "http.disconnect":
                raise HttpError(400, "invalid_request", "client disconnected before sending the whole body")
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self._max_body:
                raise self._too_large()
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        self._body = b"".join(chunks)
        return self._body

    async def decode(self, kind: type[T]) -> T:
        """The body decoded as JSON into `kind` (a msgspec Struct); 400 with msgspec's message otherwise."""
        body = await self.body()
        if not body.strip():
            raise HttpError(400, "invalid_request", "request body is empty; expected a JSON object")
        try:
            return msgspec.json.decode(body, type=kind)
        except msgspec.ValidationError as exc:
            raise HttpError(400, "invalid_request", f"invalid request: {exc}") from None
        except msgspec.DecodeError as exc:
            raise HttpError(400, "invalid_json", f"request body is not valid JSON: {exc}") from None

    def bearer_token(self) -> str | None:
        value = self.headers.get("authorization", "")
        scheme, _, token = value.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        return token.strip()


Handler = Callable[[Request], Awaitable[Response]]


class Route(msgspec.Struct, frozen=True, kw_only=True):
    """`path` is a template: `/pipelines/{ref}` binds one path segment to `ref`."""

    method: str
    path: str
    name: str
    handler: Handler
    public: bool = False  # no API key needed (health, metrics)

    def match(self, path: str) -> dict[str, str] | None:
        want = self.path.strip("/").split("/")
        have = path.strip("/").split("/")
        if len(want) != len(have):
            return None
        params: dict[str, str] = {}
        for w, h in zip(want, have, strict=True):
            if w.startswith("{") and w.endswith("}"):
                if not h:
                    return None
                params[w[1:-1]] = h
            elif w != h:
                return None
        return params


class Router:
    def __init__(self, routes: list[Route]) -> None:
        self.routes = routes

    def resolve(self, method: str, path: str) -> tuple[Route, dict[str, str]]:
        """The route for `method path`; HttpError 404 for an unknown path, 405 (with Allow) for a wrong method."""
        allowed: list[str] = []
        for route in self.routes:
            params = route.match(path)
            if params is None:
                continue
            if route.method == method:
                return route, params
            allowed.append(route.method)
        if allowed:
            allow = ", ".join(sorted(set(allowed)))
            raise HttpError(
                405,
                "method_not_allowed",
                f"{method} is not allowed on {path}; use {allow}",
                headers=(("allow", allow),),
            )
        raise HttpError(404, "not_found", f"no route for {method} {path}; see GET /openapi.json")
