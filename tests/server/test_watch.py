"""--pipelines DIR: loaded at start, reloaded on change, removed with the file; a broken edit keeps the last
good version and is listed as a problem; the API cannot overwrite or delete a file's pipeline."""

from __future__ import annotations

import os
from pathlib import Path

from tests.server._support import SHOUT, client, make_app, run

LOWER = "in text: String\nlow = Lowercase(text)\nout low\n"


def _touch(path: Path, text: str) -> None:
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text)
    # make the change visible to a poll even on a coarse-mtime filesystem
    os.utime(path, ns=(before + 10**9, before + 10**9))


def test_directory_pipelines_load_reload_and_go(tmp_path: Path) -> None:
    (tmp_path / "shout.cst").write_text(SHOUT)
    (tmp_path / "notes.txt").write_text("not a pipeline")

    async def main() -> None:
        app = make_app(pipelines_dir=str(tmp_path))
        assert app.watcher is not None
        async with client(app) as c:
            listed = (await c.get("/pipelines")).json()
            assert [p["name"] for p in listed["pipelines"]] == ["shout"]
            assert listed["pipelines"][0]["origin"] == str(tmp_path / "shout.cst")
            r = await c.post("/execute", json={"ref": "shout", "inputs": {"text": "a"}})
            assert r.json()["outputs"] == {"shout": "A"}

            # an edit is picked up by the next scan
            _touch(tmp_path / "shout.cst", LOWER)
            await app.watcher.scan()
            r = await c.post("/execute", json={"ref": "shout", "inputs": {"text": "AbC"}})
            assert r.json()["outputs"] == {"low": "abc"}

            # a new file appears
            (tmp_path / "second.cst").write_text(SHOUT)
            await app.watcher.scan()
            assert (await c.get("/pipelines/second")).status_code == 200

            # a broken edit keeps the last good version and is reported
            _touch(tmp_path / "shout.cst", "in text: String\nout nope\n")
            await app.watcher.scan()
            listed = (await c.get("/pipelines")).json()
            assert [p["file"] for p in listed["problems"]] == ["shout.cst"]
            problem = listed["problems"][0]
            assert "last good version" in problem["message"] and problem["diagnostics"][0]["code"] == "E001"
            r = await c.post("/execute", json={"ref": "shout", "inputs": {"text": "AbC"}})
            assert r.json()["outputs"] == {"low": "abc"}

            # fixing it clears the problem
            _touch(tmp_path / "shout.cst", SHOUT)
            await app.watcher.scan()
            assert (await c.get("/pipelines")).json()["problems"] == []

            # the API may not take over or delete a file's pipeline
            r = await c.post("/compile", json={"source": LOWER, "name": "shout"})
            assert r.status_code == 409 and "edit that file" in r.json()["message"]
            r = await c.delete("/pipelines/shout")
            assert r.status_code == 409 and "remove that file" in r.json()["message"]

            # removing the file removes the pipeline
            (tmp_path / "second.cst").unlink()
            await app.watcher.scan()
            assert (await c.get("/pipelines/second")).status_code == 404
            ready = (await c.get("/health/ready")).json()
            assert ready["pipelines"] == 1

    run(main)


def test_a_bad_file_name_or_a_broken_file_at_start_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "-bad name.cst").write_text(SHOUT)
    (tmp_path / "broken.cst").write_text("in x: String\n")

    async def main() -> None:
        async with client(pipelines_dir=str(tmp_path)) as c:
            listed = (await c.get("/pipelines")).json()
            assert listed["pipelines"] == []
            assert sorted(p["file"] for p in listed["problems"]) == ["-bad name.cst", "broken.cst"]
            assert (await c.get("/health/ready")).status_code == 200

    run(main)


def test_the_watcher_polls_in_the_background(tmp_path: Path) -> None:
    async def main() -> None:
        import trio

        app = make_app(pipelines_dir=str(tmp_path), reload_interval=0.05)
        async with client(app) as c:
            assert (await c.get("/pipelines")).json()["pipelines"] == []
            (tmp_path / "late.cst").write_text(SHOUT)
            with trio.fail_after(5):
                while (await c.get("/pipelines/late")).status_code != 200:
                    await trio.sleep(0.05)

    run(main)
