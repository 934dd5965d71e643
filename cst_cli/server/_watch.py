"""The pipelines directory: `*.cst` files (the file stem is the pipeline's name) loaded at start and reloaded
when their modification time or size changes, by polling (no dependency on inotify).

A file that stops compiling keeps its last good version running; the problem is listed by `GET /pipelines`.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import trio

from cst_cli.server._engine import CompileFailed, Engine
from cst_cli.server._store import NAME_RE, PipelineStore

log = logging.getLogger("cst.server")

Signature = tuple[int, int]  # mtime_ns, size


class DirectoryWatcher:
    def __init__(self, directory: str, store: PipelineStore, engine: Engine) -> None:
        self.directory = Path(directory)
        self.store = store
        self.engine = engine
        self._seen: dict[str, Signature] = {}  # file name -> signature when last loaded
        self.scans = 0

    def _stat_all(self) -> dict[str, Signature]:
        out: dict[str, Signature] = {}
        try:
            entries = list(os.scandir(self.directory))
        except OSError as exc:
            log.warning("cannot list pipelines directory %s: %s", self.directory, exc)
            return out
        for entry in entries:
            if not entry.name.endswith(".cst"):
                continue
            try:
                if not entry.is_file():
                    continue
                st = entry.stat()
            except OSError:
                continue
            out[entry.name] = (st.st_mtime_ns, st.st_size)
        return out

    async def scan(self) -> None:
        """One pass: load new and changed files, drop the pipelines of removed ones."""
        files = await trio.to_thread.run_sync(self._stat_all)
        for gone in sorted(set(self._seen) - set(files)):
            self.store.drop_file(gone[: -len(".cst")], self._origin(gone))
            self.store.file_problems.pop(gone, None)
            log.info("pipeline file removed: %s", gone)
        for file, sig in sorted(files.items()):
            if self._seen.get(file) != sig:
                await self._load(file)
        self._seen = files
        self.scans += 1

    async def run(self, interval: float) -> None:
        while True:
            await trio.sleep(interval)
            try:
                await self.scan()
            except Exception:
                log.exception("scanning %s failed", self.directory)

    def _origin(self, file: str) -> str:
        return str(self.directory / file)

    async def _load(self, file: str) -> None:
        name = file[: -len(".cst")]
        origin = self._origin(file)
        if not NAME_RE.match(name):
            self.store.file_problems[file] = {"message": f"{name!r} is not a valid pipeline name", "diagnostics": []}
            return
        try:
            data = await trio.to_thread.run_sync((self.directory / file).read_bytes)
        except OSError as exc:
            self.store.file_problems[file] = {"message": f"cannot read {origin}: {exc.strerror}", "diagnostics": []}
            return
        try:
            p = await self.engine.compile(data, name, origin=origin)
        except CompileFailed as failed:
            kept = " (the last good version keeps running)" if self.store.matches(name) else ""
            self.store.file_problems[file] = {"message": failed.message + kept, "diagnostics": failed.diagnostics}
            log.warning("pipeline %s does not compile: %s", origin, failed.message)
            return
        self.store.put_file(p)
        self.store.file_problems.pop(file, None)
        log.info("pipeline loaded: %s from %s", name, origin)
