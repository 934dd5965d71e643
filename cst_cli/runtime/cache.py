"""Result caches for `cache:` calls: in memory (per Runtime) and on disk (`cache_backend: "disk"`).

Keys hash the module's qualified name, version and canonical arguments (msgpack, deterministic order), so
a whitespace edit of the pipeline keeps its cache. Disk entries are written atomically (temp file, rename);
an unreadable, truncated or mistyped entry is a miss, never an error or a wrong value.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import msgspec

from cst_cli.runtime.values import ValueMismatch, check_value, to_json
from cst_cli.types.model import Type

DEFAULT_CACHE_DIR = ".cst-cache"
_FORMAT = 1


def cache_key(module: str, version: tuple[int, int], args: Sequence[Any]) -> str | None:
    """The key of a call, or None when an argument cannot be encoded (a lambda): such calls are not cached."""
    try:
        blob = msgspec.msgpack.encode([module, list(version), list(args)], order="deterministic")
    except (TypeError, msgspec.EncodeError, OverflowError):
        return None
    return hashlib.sha256(blob).hexdigest()


class MemoryCache:
    """key -> (expiry by the runtime clock, when stored, value)."""

    def __init__(self, clock: Callable[[], float], max_entries: int = 10_000) -> None:
        self._clock = clock
        self._max = max_entries
        self._data: dict[str, tuple[float, float, Any]] = {}

    def get(self, key: str, max_age: float | None = None) -> tuple[bool, Any]:
        """A hit is an entry not expired and, with `max_age` (the asking call's `cache:` duration), stored
        less than that long ago: a call never reuses a result older than its own duration, even one that
        a call with a longer duration stored."""
        found = self._data.get(key)
        if found is None:
            return False, None
        expires, stored, value = found
        now = self._clock()
        if now >= expires:
            del self._data[key]
            return False, None
        if max_age is not None and now - stored >= max_age:
            return False, None
        return True, value

    def put(self, key: str, value: Any, ttl: float) -> None:
        if len(self._data) >= self._max:  # drop the oldest insertion
            self._data.pop(next(iter(self._data)))
        now = self._clock()
        self._data[key] = (now + ttl, now, value)

    def clear(self) -> None:
        self._data.clear()

    def __len__(self) -> int:
        return len(self._data)


class _Entry(msgspec.Struct, frozen=True, kw_only=True):
    format: int
    module: str
    expires: float  # wall-clock seconds since the epoch
    value: msgspec.Raw
    stored: float | None = None  # when written (wall clock); absent in entries of older versions


class DiskCache:
    """One JSON file per key under `directory` (created on first write)."""

    def __init__(self, directory: str | os.PathLike[str], wall_clock: Callable[[], float] = time.time) -> None:
        self.directory = Path(directory)
        self._now = wall_clock

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str, type_: Type, max_age: float | None = None) -> tuple[bool, Any]:
        """As `MemoryCache.get`: not expired and, with `max_age`, stored less than that long ago."""
        path = self._path(key)
        try:
            data = path.read_bytes()
            entry = msgspec.json.decode(data, type=_Entry)
            now = self._now()
            if entry.format != _FORMAT or now >= entry.expires:
                return False, None
            if max_age is not None and entry.stored is not None and now - entry.stored >= max_age:
                return False, None
            return True, check_value(msgspec.json.decode(entry.value), type_, from_json=True)
        except (OSError, msgspec.DecodeError, msgspec.ValidationError, ValueMismatch, ValueError, TypeError):
            return False, None

    def put(self, key: str, module: str, value: Any, type_: Type, ttl: float) -> None:
        """Write atomically; a failure to write (full disk, read-only dir) only loses the entry."""
        path = self._path(key)
        try:
            raw = msgspec.json.encode(to_json(value, type_))
            now = self._now()
            blob = msgspec.json.encode(
                _Entry(format=_FORMAT, module=module, expires=now + ttl, value=msgspec.Raw(raw), stored=now)
            )
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(blob)
                os.replace(tmp, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except (OSError, TypeError, msgspec.EncodeError):
            return
