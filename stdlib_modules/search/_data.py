"""Where the search modules find their data and keep their indexes.

The catalog and user profiles ship as package data (`stdlib_modules/search/data/`); `CST_SEARCH_DATA` points
at another directory holding `catalog.jsonl` (or `.jsonl.gz`) and `users.json`. Indexes live in a cache
directory (`CST_CACHE_DIR/search`, else `~/.cache/cst/search`, else a temp dir when neither is writable),
named by the catalog's content hash, so a changed catalog gets new ones. Imports msgspec only.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Generic, TypeVar

import msgspec

from stdlib_modules.search._types import Product, UserProfile

PACKAGE_DATA = Path(__file__).resolve().parent / "data"


class CatalogError(RuntimeError):
    """The catalog or the user profiles could not be found or read."""


class Catalog(msgspec.Struct, frozen=True, kw_only=True):
    """The products of one catalog file, in file order, with the file's content hash."""

    path: str
    digest: str  # sha256 of the uncompressed content
    products: tuple[Product, ...]

    @property
    def key(self) -> str:
        return self.digest[:16]


def data_dir() -> Path:
    """The directory holding catalog.jsonl(.gz) and users.json: `CST_SEARCH_DATA` or the package data."""
    env = os.environ.get("CST_SEARCH_DATA")
    return Path(env).expanduser() if env else PACKAGE_DATA


def catalog_path(directory: Path | None = None) -> Path:
    d = directory or data_dir()
    for name in ("catalog.jsonl", "catalog.jsonl.gz"):
        if (d / name).is_file():
            return d / name
    raise CatalogError(f"no catalog.jsonl or catalog.jsonl.gz in {d} (set CST_SEARCH_DATA to a data directory)")


def _read_text(path: Path) -> bytes:
    raw = path.read_bytes()
    return gzip.decompress(raw) if path.suffix == ".gz" else raw


_lock = threading.Lock()
_catalogs: dict[tuple[str, int, int], Catalog] = {}
_users: dict[tuple[str, int, int], dict[str, UserProfile]] = {}


def _stat_key(path: Path) -> tuple[str, int, int]:
    st = path.stat()
    return (str(path), st.st_mtime_ns, st.st_size)


_decoder = msgspec.json.Decoder(Product)


def load_catalog(directory: Path | None = None) -> Catalog:
    """The current catalog, read once per file version (path, mtime, size) and kept in memory.

    Raises:
        CatalogError: no catalog file, or a line that is not a product.
    """
    path = catalog_path(directory)
    key = _stat_key(path)
    found = _catalogs.get(key)
    if found is not None:
        return found
    with _lock:
        found = _catalogs.get(key)
        if found is not None:
            return found
        data = _read_text(path)
        products: list[Product] = []
        for n, line in enumerate(data.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                products.append(_decoder.decode(line))
            except msgspec.DecodeError as exc:
                raise CatalogError(f"{path}:{n}: not a product: {exc}") from None
        found = Catalog(path=str(path), digest=hashlib.sha256(data).hexdigest(), products=tuple(products))
        for old in [k for k in _catalogs if k[0] == key[0]]:
            del _catalogs[old]
        _catalogs[key] = found
        return found


def load_users(directory: Path | None = None) -> dict[str, UserProfile]:
    """User profiles by id (empty when the data directory has no users.json)."""
    path = (directory or data_dir()) / "users.json"
    if not path.is_file():
        return {}
    key = _stat_key(path)
    found = _users.get(key)
    if found is None:
        try:
            found = msgspec.json.decode(path.read_bytes(), type=dict[str, UserProfile])
        except msgspec.DecodeError as exc:
            raise CatalogError(f"{path}: not a map of user profiles: {exc}") from None
        _users[key] = found
    return found


def _writable(d: Path) -> bool:
    try:
        d.mkdir(parents=True, exist_ok=True)
        probe = d / f".probe-{os.getpid()}-{threading.get_ident()}"
        probe.write_bytes(b"")
        probe.unlink()
        return True
    except OSError:
        return False


_cache_dirs: dict[str, Path] = {}


def cache_dir() -> Path:
    """Where indexes are kept: `$CST_CACHE_DIR/search`, `~/.cache/cst/search`, or a temp dir."""
    env = os.environ.get("CST_CACHE_DIR", "")
    found = _cache_dirs.get(env)
    if found is not None:
        return found
    candidates = [Path(env).expanduser() / "search"] if env else []
    xdg = os.environ.get("XDG_CACHE_HOME")
    candidates.append((Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "cst" / "search")
    candidates.append(Path(tempfile.gettempdir()) / f"cst-search-{os.getuid() if hasattr(os, 'getuid') else 0}")
    for c in candidates:
        if _writable(c):
            _cache_dirs[env] = c
            return c
    raise CatalogError("no writable cache directory for the search indexes (set CST_CACHE_DIR)")


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that readers see the old file or the whole new one, never a part."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; an index holds nothing secret
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


K = TypeVar("K")
V = TypeVar("V")


class BuildOnce(Generic[K, V]):
    """Values built at most once per key, each in its own non-daemon thread.

    A caller waits for the build; if the caller gives up (a `timeout:` cancels the call), the build goes on,
    and the interpreter waits for it at exit, so the index still lands on disk for the next run. A failed
    build is forgotten: the next call tries again. `keep_one` keys (e.g. per model) evict older values.
    """

    def __init__(self, name: str) -> None:
        self._name = name
        self._lock = threading.Lock()
        self._done: dict[K, V] = {}
        self._pending: dict[K, Future[V]] = {}

    def get(self, key: K, build: Callable[[], V], group: Callable[[K], object] | None = None) -> V:
        found = self._done.get(key)
        if found is not None:
            return found
        with self._lock:
            found = self._done.get(key)
            if found is not None:
                return found
            fut = self._pending.get(key)
            if fut is None:
                fut = Future()
                self._pending[key] = fut
                worker = threading.Thread(
                    target=self._run, args=(key, fut, build, group), name=f"cst-{self._name}-build", daemon=False
                )
                worker.start()
        return fut.result()

    def _run(self, key: K, fut: Future[V], build: Callable[[], V], group: Callable[[K], object] | None) -> None:
        try:
            value = build()
        except BaseException as exc:
            with self._lock:
                self._pending.pop(key, None)
            fut.set_exception(exc)
            return
        with self._lock:
            if group is not None:
                g = group(key)
                for old in [k for k in self._done if group(k) == g]:
                    del self._done[old]
            self._done[key] = value
            self._pending.pop(key, None)
        fut.set_result(value)

    def clear(self) -> None:
        """Forget every built value (tests)."""
        with self._lock:
            self._done.clear()
