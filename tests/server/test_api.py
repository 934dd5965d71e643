"""The HTTP API through httpx's ASGI transport: every route, its success shape and every error class."""

from __future__ import annotations

import json

import httpx

from cst_cli.check import compile_source
from cst_cli.render.diagnostics import to_json_list
from tests.server._support import SHOUT, client, make_app, run, server_registry

DIAG_KEYS = {"file", "line", "column", "end_line", "end_column", "code", "severity", "message", "hint"}


def _error(r: httpx.Response, status: int, kind: str) -> dict[str, object]:
    assert r.status_code == status, r.text
    doc = r.json()
    assert doc["error"] == kind, doc
    assert isinstance(doc["message"], str) and doc["message"]
    assert "Traceback" not in r.text
    return doc  # type: ignore[no-any-return]


# ---------------------------------------------------------------------- /compile


def test_compile_returns_hashes_and_types_and_accepts_the_seeds_dagName() -> None:
    async def main() -> None:
        async with client() as c:
            r = await c.post("/compile", json={"source": SHOUT, "dagName": "shout"})
            assert r.status_code == 200, r.text
            doc = r.json()
            assert doc["name"] == "shout"
            assert len(doc["structural_hash"]) == 64 and len(doc["source_hash"]) == 64
            assert doc["inputs"] == {"text": "String"} and doc["outputs"] == {"shout": "String"}
            assert doc["diagnostics"] == []
            # a whitespace/comment edit keeps the structural hash, changes the source hash
            r2 = await c.post("/compile", json={"source": "# v2\n" + SHOUT.replace("=", " = "), "name": "shout2"})
            assert r2.json()["structural_hash"] == doc["structural_hash"]
            assert r2.json()["source_hash"] != doc["source_hash"]

    run(main)


def test_compile_without_a_name_is_found_by_hash() -> None:
    async def main() -> None:
        async with client() as c:
            doc = (await c.post("/compile", json={"source": SHOUT})).json()
            assert doc["name"] is None
            r = await c.get(f"/pipelines/{doc['structural_hash']}")
            assert r.status_code == 200 and r.json()["source"] == SHOUT

    run(main)


def test_compile_warnings_are_200_with_diagnostics() -> None:
    async def main() -> None:
        async with client() as c:
            r = await c.post("/compile", json={"source": "in unused: String\nin t: String\nx = Trim(t)\nout x\n"})
            assert r.status_code == 200
            diags = r.json()["diagnostics"]
            assert [d["code"] for d in diags] == ["W003"] and diags[0]["severity"] == "warning"

    run(main)


def test_compile_errors_are_400_with_the_diagnostics_of_cst_check_json() -> None:
    source = "in x: Int\ny = Foo(x)\nz = Trim(x)\nout y\nout z\n"

    async def main() -> None:
        async with client() as c:
            r = await c.post("/compile", json={"source": source, "name": "bad"})
            doc = _error(r, 400, "compile_failed")
            diags = doc["diagnostics"]
            assert isinstance(diags, list) and len(diags) == 2
            assert all(set(d) == DIAG_KEYS for d in diags)
            expected = compile_source(source, "bad.cst", server_registry())
            assert diags == to_json_list(expected.diagnostics, {"bad.cst": expected.source})
            assert [d["code"] for d in diags] == ["E002", "E010"]
            # nothing was stored
            assert (await c.get("/pipelines/bad")).status_code == 404

    run(main)


def test_compile_parse_errors_and_undecodable_text_are_diagnostics_too() -> None:
    async def main() -> None:
        async with client() as c:
            doc = _error(await c.post("/compile", json={"source": "in x: \nout x"}), 400, "compile_failed")
            assert doc["diagnostics"][0]["code"].startswith("E02")  # type: ignore[index]
            doc = _error(await c.post("/compile", json={"source": "in x: String\x00\nout x"}), 400, "compile_failed")
            assert doc["diagnostics"]

    run(main)


def test_bad_payloads_are_4xx_with_a_message_never_500() -> None:
    bad: list[tuple[bytes, str]] = [
        (b"", "invalid_request"),
        (b"not json", "invalid_json"),
        (b'{"source": "x"', "invalid_json"),
        (b"[1, 2]", "invalid_request"),
        (b'"text"', "invalid_request"),
        (b"{}", "invalid_request"),  # missing source
        (b'{"source": 42}', "invalid_request"),
        (b'{"source": "out x", "nmae": "typo"}', "invalid_request"),  # unknown field
        (b'{"source": "out x", "name": "has space"}', "invalid_request"),
        (b'{"source": "out x", "name": "a", "dagName": "b"}', "invalid_request"),
        (b"\xff\xfe", "invalid_json"),
    ]

    async def main() -> None:
        async with client() as c:
            for body, kind in bad:
                r = await c.post("/compile", content=body)
                _error(r, 400, kind)
            doc = _error(await c.post("/compile", json={"source": "out x", "nmae": "t"}), 400, "invalid_request")
            assert "nmae" in str(doc["message"])
            doc = _error(await c.post("/execute", json={"inputs": {}}), 400, "invalid_request")
            assert "ref" in str(doc["message"])
            _error(await c.post("/execute", json={"ref": "x", "inputs": [1]}), 400, "invalid_request")
            _error(await c.post("/run", json={"source": SHOUT, "inputs": {}, "extra": 1}), 400, "invalid_request")

    run(main)


def test_seed_style_requests_without_a_json_content_type_are_accepted() -> None:
    async def main() -> None:
        async with client() as c:
            body = json.dumps({"source": SHOUT, "dagName": "my-pipeline"})
            headers = {"content-type": "application/x-www-form-urlencoded"}  # what `curl -d` sends
            assert (await c.post("/compile", content=body, headers=headers)).status_code == 200
            body = json.dumps({"ref": "my-pipeline", "inputs": {"text": "hello"}})
            r = await c.post("/execute", content=body, headers=headers)
            assert r.json()["outputs"] == {"shout": "HELLO"}

    run(main)


# ---------------------------------------------------------------------- /execute and /run


def test_execute_by_name_and_by_hashes_and_prefixes() -> None:
    async def main() -> None:
        async with client() as c:
            doc = (await c.post("/compile", json={"source": SHOUT, "name": "shout"})).json()
            for ref in ("shout", doc["structural_hash"], doc["source_hash"], doc["structural_hash"][:8]):
                r = await c.post("/execute", json={"ref": ref, "inputs": {"text": "  hi  "}})
                assert r.status_code == 200, (ref, r.text)
                out = r.json()
                assert out["outputs"] == {"shout": "HI"}
                assert out["status"] == "ok" and out["missing_inputs"] == [] and out["errors"] == []
                assert len(out["execution_id"]) == 32
                assert out["trace"]["format"] == "cst-trace/1" and out["trace"]["hash"] == doc["structural_hash"]
            ids = set()
            for _ in range(3):
                ids.add(
                    (await c.post("/execute", json={"ref": "shout", "inputs": {"text": "a"}})).json()["execution_id"]
                )
            assert len(ids) == 3

    run(main)


def test_execute_unknown_ref_is_404() -> None:
    async def main() -> None:
        async with client() as c:
            doc = _error(await c.post("/execute", json={"ref": "nope", "inputs": {}}), 404, "not_found")
            assert "nope" in str(doc["message"])
            _error(await c.post("/execute", json={"ref": "abcdef12", "inputs": {}}), 404, "not_found")

    run(main)


def test_the_same_program_under_two_names_runs_by_hash() -> None:
    async def main() -> None:
        async with client() as c:
            h = (await c.post("/compile", json={"source": SHOUT, "dagName": "search-v1"})).json()["structural_hash"]
            await c.post("/compile", json={"source": SHOUT, "dagName": "search-v2"})
            r = await c.post("/execute", json={"ref": h, "inputs": {"text": "x"}})
            assert r.status_code == 200 and r.json()["outputs"] == {"shout": "X"}
            # deleting by that hash would be ambiguous
            _error(await c.delete(f"/pipelines/{h}"), 409, "ambiguous_ref")

    run(main)


def test_bad_inputs_are_422_with_json_paths() -> None:
    source = "in order: { items: List<{ name: String, price: Float }> }\ntotal = Total(order.items)\nout total\n"

    async def main() -> None:
        async with client() as c:
            assert (await c.post("/compile", json={"source": source, "name": "order"})).status_code == 200
            items = [{"name": "a", "price": 1.5}, {"name": "b", "price": 2}, {"name": "c", "price": "abc"}]
            r = await c.post("/execute", json={"ref": "order", "inputs": {"order": {"items": items}}})
            doc = _error(r, 422, "invalid_inputs")
            problems = doc["problems"]
            assert isinstance(problems, list)
            assert problems[0]["path"] == "inputs.order.items[2].price"
            assert "expected Float" in problems[0]["message"] and '"abc"' in problems[0]["message"]
            # an unknown input (a typo) is 422 too, with a suggestion
            r = await c.post("/execute", json={"ref": "order", "inputs": {"ordr": {"items": []}}})
            doc = _error(r, 422, "invalid_inputs")
            assert "did you mean 'order'" in str(doc["message"])
            # the good one runs
            items[2]["price"] = 3
            r = await c.post("/execute", json={"ref": "order", "inputs": {"order": {"items": items}}})
            assert r.json()["outputs"] == {"total": 6.5}

    run(main)


def test_missing_inputs_are_reported_not_an_error() -> None:
    source = "in a: String\nin b: String\nx = Trim(a)\ny = Trim(b)\nout x\nout y\n"

    async def main() -> None:
        async with client() as c:
            await c.post("/compile", json={"source": source, "name": "two"})
            r = await c.post("/execute", json={"ref": "two", "inputs": {"a": " A "}})
            assert r.status_code == 200
            doc = r.json()
            assert doc["status"] == "inputs" and doc["missing_inputs"] == ["b"]
            assert doc["outputs"] == {"x": "A"} and "y" in doc["not_computed"]

    run(main)


def test_a_failed_run_is_200_with_errors_naming_the_call() -> None:
    source = "in text: String\nok = Trim(text)\nbad = Boom(ok)\nout bad\n"

    async def main() -> None:
        async with client() as c:
            await c.post("/compile", json={"source": source, "name": "boom"})
            r = await c.post("/execute", json={"ref": "boom", "inputs": {"text": "x"}})
            assert r.status_code == 200
            doc = r.json()
            assert doc["status"] == "failed" and doc["outputs"] == {}
            err = doc["errors"][0]
            assert err["module"] == "Boom" and err["node"] == "bad" and "boom" in err["message"]
            assert err["location"] == "boom.cst:3:7"

    run(main)


def test_execution_over_the_time_limit_is_504() -> None:
    async def main() -> None:
        async with client(max_exec_time=0.2) as c:
            await c.post("/compile", json={"source": "in s: Float\nx = Sleepy(s)\nout x\n", "name": "sleepy"})
            doc = _error(await c.post("/execute", json={"ref": "sleepy", "inputs": {"s": 30}}), 504, "timeout")
            assert "0.2 s" in str(doc["message"]) and len(str(doc["execution_id"])) == 32
            r = await c.post("/execute", json={"ref": "sleepy", "inputs": {"s": 0.01}})
            assert r.json()["outputs"] == {"x": "awake"}

    run(main)


def test_run_compiles_and_executes_without_storing() -> None:
    async def main() -> None:
        async with client() as c:
            r = await c.post("/run", json={"source": SHOUT, "inputs": {"text": " yo "}})
            assert r.status_code == 200
            doc = r.json()
            assert doc["outputs"] == {"shout": "YO"} and doc["status"] == "ok" and len(doc["structural_hash"]) == 64
            assert (await c.get("/pipelines")).json()["pipelines"] == []
            doc = _error(await c.post("/run", json={"source": "out nope", "inputs": {}}), 400, "compile_failed")
            assert doc["diagnostics"][0]["code"] == "E001"  # type: ignore[index]
            _error(await c.post("/run", json={"source": SHOUT, "inputs": {"text": 1}}), 422, "invalid_inputs")

    run(main)


# ---------------------------------------------------------------------- /pipelines, /modules, /health


def test_pipelines_list_get_delete() -> None:
    async def main() -> None:
        async with client() as c:
            await c.post("/compile", json={"source": SHOUT, "name": "b"})
            await c.post("/compile", json={"source": "in n: Int\nout n\n", "name": "a"})
            listed = (await c.get("/pipelines")).json()
            assert [p["name"] for p in listed["pipelines"]] == ["a", "b"] and listed["problems"] == []
            got = (await c.get("/pipelines/b")).json()
            assert got["source"] == SHOUT and got["inputs"] == {"text": "String"} and got["origin"] == "api"
            assert set(got) >= {"structural_hash", "source_hash", "outputs", "diagnostics", "compiled_at"}
            r = await c.delete("/pipelines/b")
            assert r.status_code == 200 and r.json()["deleted"]["name"] == "b"
            _error(await c.get("/pipelines/b"), 404, "not_found")
            _error(await c.delete("/pipelines/b"), 404, "not_found")
            _error(await c.post("/execute", json={"ref": "b", "inputs": {}}), 404, "not_found")
            # compiling under an existing name replaces it
            await c.post("/compile", json={"source": SHOUT, "name": "a"})
            assert (await c.get("/pipelines/a")).json()["inputs"] == {"text": "String"}

    run(main)


def test_the_store_has_a_capacity() -> None:
    async def main() -> None:
        async with client(max_pipelines=2) as c:
            for name in ("a", "b"):
                assert (await c.post("/compile", json={"source": SHOUT, "name": name})).status_code == 200
            _error(await c.post("/compile", json={"source": SHOUT, "name": "c"}), 507, "store_full")
            assert (await c.post("/compile", json={"source": SHOUT, "name": "a"})).status_code == 200  # replace

    run(main)


def test_modules_lists_signatures() -> None:
    async def main() -> None:
        async with client() as c:
            doc = (await c.get("/modules")).json()
            by_name = {m["name"]: m for m in doc["modules"]}
            assert by_name["Trim"]["signature"] == "Trim(text: String) -> String"
            assert by_name["Priced"]["cost_per_call_usd"] == 0.02
            assert by_name["stdlib.math.add"]["version"]
            assert doc["problems"] == []

    run(main)


def test_health_and_readiness() -> None:
    async def main() -> None:
        app = make_app()
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://cst.test") as c:
            assert (await c.get("/health/ready")).json()["status"] == "starting"
            assert (await c.get("/health/ready")).status_code == 503
            async with app.running():
                r = await c.get("/health")
                assert r.status_code == 200 and r.json()["status"] == "ok"
                r = await c.get("/health/ready")
                assert r.status_code == 200 and r.json()["status"] == "ready" and r.json()["modules"] > 50

    run(main)


def test_unknown_routes_and_methods() -> None:
    async def main() -> None:
        async with client() as c:
            _error(await c.get("/nope"), 404, "not_found")
            _error(await c.get("/pipelines/a/b"), 404, "not_found")
            r = await c.get("/compile")
            _error(r, 405, "method_not_allowed")
            assert r.headers["allow"] == "POST"
            r = await c.put("/pipelines/x")
            assert r.status_code == 405 and r.headers["allow"] == "DELETE, GET"

    run(main)


def test_an_internal_error_is_500_without_a_traceback() -> None:
    async def main() -> None:
        app = make_app()

        def broken(*args: object, **kwargs: object) -> object:
            raise ZeroDivisionError("secret detail")

        app.engine.compile_sync = broken  # type: ignore[method-assign]
        async with client(app) as c:
            r = await c.post("/compile", json={"source": SHOUT})
            doc = _error(r, 500, "internal")
            assert "secret" not in r.text and "ZeroDivision" not in r.text
            assert doc["message"] == "internal server error; see the server's log"

    run(main)


def test_run_reuses_the_compiled_pipeline_for_the_same_source() -> None:
    async def main() -> None:
        app = make_app()
        compiled: list[str] = []
        real = app.engine.compile_sync

        def counting(source: str | bytes, name: str | None, *, origin: str) -> object:
            compiled.append(str(source))
            return real(source, name, origin=origin)

        app.engine.compile_sync = counting  # type: ignore[method-assign,assignment]
        async with client(app) as c:
            for text in ("a", "b", "c"):
                r = await c.post("/run", json={"source": SHOUT, "inputs": {"text": text}})
                assert r.json()["outputs"] == {"shout": text.upper()}
            assert compiled == [SHOUT]

    run(main)


def test_concurrent_compiles_and_runs_do_not_mix_up() -> None:
    async def main() -> None:
        import trio

        results: dict[int, tuple[int, dict[str, object]]] = {}
        async with client() as c:

            async def one(i: int) -> None:
                source = f'in t: String\nx = Trim(t)\ny = "p{i}-${{x}}"\nout y\n'
                r = await c.post("/compile", json={"source": source, "name": f"p{i}"})
                assert r.status_code == 200, r.text
                r = await c.post("/execute", json={"ref": f"p{i}", "inputs": {"t": f" {i} "}})
                results[i] = (r.status_code, r.json()["outputs"])

            async with trio.open_nursery() as nursery:
                for i in range(30):
                    nursery.start_soon(one, i)
        assert results == {i: (200, {"y": f"p{i}-{i}"}) for i in range(30)}

    run(main)
