"""API keys, body size limit, draining, and the OpenAPI document kept true to the routes."""

from __future__ import annotations

from cst_cli.server.auth import ApiKeys, hash_key, parse_keys
from tests.server._support import SHOUT, client, make_app, run

KEYS = ("k-one", "k-two")


def test_keys_parse_from_env_and_files() -> None:
    assert parse_keys("a, b,,c") == ["a", "b", "c"]
    assert parse_keys("# keys\nalpha\n\n beta # the old one\n") == ["alpha", "beta"]
    assert parse_keys("") == []


def test_keys_are_kept_hashed_and_compared_in_full() -> None:
    keys = ApiKeys.from_keys(["secret"])
    assert keys.enabled and len(keys) == 1
    assert keys._digests == (hash_key("secret"),)
    assert b"secret" not in b"".join(keys._digests)
    assert keys.accepts("secret")
    assert not keys.accepts("secre") and not keys.accepts("secret2") and not keys.accepts(None)
    assert ApiKeys().accepts(None)  # no keys configured: open


def test_with_keys_everything_but_health_and_metrics_needs_a_bearer_key() -> None:
    async def main() -> None:
        async with client(make_app(keys=KEYS)) as c:
            for method, path in [
                ("POST", "/compile"),
                ("POST", "/execute"),
                ("POST", "/run"),
                ("GET", "/pipelines"),
                ("GET", "/pipelines/x"),
                ("DELETE", "/pipelines/x"),
                ("GET", "/modules"),
                ("GET", "/openapi.json"),
            ]:
                r = await c.request(method, path, json={})
                assert r.status_code == 401, (method, path, r.text)
                assert r.json()["error"] == "unauthorized"
                assert r.headers["www-authenticate"].startswith("Bearer")
            for headers in (
                {"authorization": "Bearer nope"},
                {"authorization": "k-one"},
                {"authorization": "Basic k-one"},
            ):
                assert (await c.get("/pipelines", headers=headers)).status_code == 401
            for path in ("/health", "/health/ready", "/metrics", "/metrics/cost"):
                assert (await c.get(path)).status_code == 200, path
            for key in KEYS:
                headers = {"authorization": f"Bearer {key}"}
                r = await c.post("/compile", json={"source": SHOUT, "name": "s"}, headers=headers)
                assert r.status_code == 200, r.text
                assert (await c.get("/pipelines", headers={"Authorization": f"bearer {key}"})).status_code == 200

    run(main)


def test_a_body_over_the_limit_is_413_with_a_message() -> None:
    async def main() -> None:
        async with client(max_body=1000) as c:
            big = {"source": "# " + "x" * 2000 + "\n" + SHOUT, "name": "big"}
            r = await c.post("/compile", json=big)
            assert r.status_code == 413
            assert r.json()["error"] == "body_too_large" and "1000 bytes" in r.json()["message"]
            r = await c.post("/compile", json={"source": SHOUT, "name": "small"})
            assert r.status_code == 200, r.text

    run(main)


def test_a_bad_content_length_is_400() -> None:
    async def main() -> None:
        async with client() as c:
            r = await c.post("/compile", content=b"{}", headers={"content-length": "abc"})
            assert r.status_code == 400

    run(main)


def test_while_draining_new_requests_get_503_but_health_and_metrics_answer() -> None:
    async def main() -> None:
        app = make_app()
        async with client(app) as c:
            assert (await c.post("/compile", json={"source": SHOUT, "name": "s"})).status_code == 200
            app.begin_draining()
            r = await c.post("/execute", json={"ref": "s", "inputs": {"text": "a"}})
            assert r.status_code == 503 and r.json()["error"] == "draining"
            assert r.headers["connection"] == "close" and r.headers["retry-after"] == "1"
            assert (await c.get("/pipelines")).status_code == 503
            assert (await c.get("/health")).status_code == 200
            ready = await c.get("/health/ready")
            assert ready.status_code == 503 and ready.json()["status"] == "draining"
            assert (await c.get("/metrics")).status_code == 200
            assert await app.wait_drained(1.0)

    run(main)


def test_openapi_lists_every_route_with_its_method() -> None:
    async def main() -> None:
        app = make_app()
        async with client(app) as c:
            doc = (await c.get("/openapi.json")).json()
            assert doc["openapi"].startswith("3.")
            for route in app.router.routes:
                assert route.path in doc["paths"], route.path
                op = doc["paths"][route.path][route.method.lower()]
                assert op["operationId"] == route.name
                assert "200" in op["responses"]
                assert ("security" in op) == (not route.public)
            documented = {(p, m.upper()) for p, ops in doc["paths"].items() for m in ops}
            assert documented == {(r.path, r.method) for r in app.router.routes}
            schemas = doc["components"]["schemas"]
            assert set(schemas["CompileRequest"]["properties"]) == {"source", "name", "dagName"}
            assert schemas["ExecuteRequest"]["required"] == ["ref"]
            assert "422" in doc["paths"]["/execute"]["post"]["responses"]
            assert "413" in doc["paths"]["/compile"]["post"]["responses"]

    run(main)


def test_websocket_connections_are_refused() -> None:
    sent: list[dict[str, object]] = []

    async def main() -> None:
        app = make_app()

        async def receive() -> dict[str, object]:
            return {"type": "websocket.connect"}

        async def send(message: dict[str, object]) -> None:
            sent.append(message)

        await app({"type": "websocket", "path": "/"}, receive, send)  # type: ignore[arg-type]

    run(main)
    assert sent == [{"type": "websocket.close", "code": 1003}]
