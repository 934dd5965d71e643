"""The registry cache: module signatures read from one msgpack file, so a warm start imports no plugin.

Valid only while every file and directory recorded at write time is unchanged (path, mtime, size). A spec
read from the cache has a `LazyFunction` for its implementation. Imports the module API only.
"""

from __future__ import annotations

import os
import sys
import zlib
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final

import msgspec

from cst_cli import __version__
from cst_cli.modules.api import Cost, ModuleSpec, Options, Param
from cst_cli.types.model import Type

FORMAT: Final = "cst-registry-1"  # bump when the encoding below changes
DISABLE_ENV: Final = "CST_NO_REGISTRY_CACHE"
# A file changed this recently might change again within the file system's timestamp granularity without a
# visible mtime change (and may have changed while plugins were imported): no cache is written then.
SETTLE_NS: Final = 2_000_000_000


class LazyFunction:
    """A module implementation named by its import path `module:qualname`, imported on first use.

    Calling it calls the real function (for an async one: returns its coroutine). `__wrapped__` is the real
    function, so `inspect.signature` and `typing.get_type_hints` see through it.
    """

    __slots__ = ("_path", "_target")

    def __init__(self, path: str) -> None:
        self._path = path
        self._target: Callable[..., Any] | None = None

    @property
    def import_path(self) -> str:
        return self._path

    def resolve(self) -> Callable[..., Any]:
        """The real function (imported the first time).

        Raises:
            ImportError: the module cannot be imported.
            AttributeError: it has no such attribute.
        """
        target = self._target
        if target is None:
            target = self._target = resolve_path(self._path)
        return target

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        target = self._target
        if target is None:
            target = self.resolve()
        return target(*args, **kwargs)

    @property
    def __wrapped__(self) -> Callable[..., Any]:
        return self.resolve()

    def __getattr__(self, name: str) -> Any:
        # Only reached for attributes the class lacks: names come from the path, function attributes from
        # the real function; other dunders (copy, pickle protocols) must not import anything.
        if name == "__name__":
            return self._path.rpartition(":")[2].rpartition(".")[2]
        if name == "__qualname__":
            return self._path.rpartition(":")[2]
        if name.startswith("__") and name not in _FUNCTION_DUNDERS:
            raise AttributeError(name)
        return getattr(self.resolve(), name)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyFunction):
            return self._path == other._path
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._path)

    def __repr__(self) -> str:
        return f"<lazy module function {self._path}>"


_FUNCTION_DUNDERS: Final = frozenset(
    {"__annotations__", "__globals__", "__defaults__", "__kwdefaults__", "__code__", "__closure__", "__dict__"}
)


def resolve_path(path: str) -> Callable[..., Any]:
    """The object named by `module:qualname`."""
    import importlib

    module_name, _, qualname = path.partition(":")
    obj: Any = importlib.import_module(module_name)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    if not callable(obj):
        raise TypeError(f"{path} is not callable")
    return obj  # type: ignore[no-any-return]


def import_path(obj: object) -> str | None:
    """`module:qualname` naming exactly `obj`, or None when no import path leads back to it."""
    if isinstance(obj, LazyFunction):
        return obj.import_path
    module_name = getattr(obj, "__module__", None)
    qualname = getattr(obj, "__qualname__", None)
    if not isinstance(module_name, str) or not isinstance(qualname, str) or "<" in qualname:
        return None
    path = f"{module_name}:{qualname}"
    try:
        return path if resolve_path(path) is obj else None
    except Exception:
        return None


# ---------------------------------------------------------------------------------------------- the file


class Stamp(msgspec.Struct, frozen=True, array_like=True):
    """A file or directory as it was: mtime and size, both -1 when it did not exist."""

    path: str
    mtime_ns: int
    size: int


class CachedCost(msgspec.Struct, frozen=True, kw_only=True):
    per_call: float
    unit: str
    per_call_fn: str | None  # import path


class CachedSpec(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    namespace: str | None
    version: tuple[int, int]
    description: str
    tags: tuple[str, ...]
    params: tuple[Param, ...]
    returns: Type
    defaults: Options
    cost: CachedCost
    func: str  # import path
    is_async: bool
    inline: bool
    origin: str


class CacheFile(msgspec.Struct, frozen=True, kw_only=True):
    format: str
    cst_version: str
    executable: str
    sys_path: tuple[str, ...]
    stamps: tuple[Stamp, ...]
    specs: tuple[CachedSpec, ...]
    problems: tuple[tuple[str, str], ...]  # (plugin, message)


_decoder: msgspec.msgpack.Decoder[CacheFile] | None = None


def enabled() -> bool:
    """Whether the cache may be used: not disabled by the environment, entry points not replaced (tests)."""
    if os.environ.get(DISABLE_ENV, "") not in ("", "0"):
        return False
    metadata = sys.modules.get("importlib.metadata")
    if metadata is None:
        return True  # not even imported, so not patched
    fn = getattr(metadata, "entry_points", None)
    where = (getattr(fn, "__module__", None), getattr(fn, "__qualname__", None))
    return where == ("importlib.metadata", "entry_points")


def cache_dir() -> str:
    """The user cache directory, under `cst` (as for the grammar table)."""
    if sys.platform == "win32":  # pragma: no cover - not exercised on Linux CI
        base = os.environ.get("LOCALAPPDATA") or os.path.join(os.path.expanduser("~"), "AppData", "Local")
    elif sys.platform == "darwin":  # pragma: no cover
        base = os.path.join(os.path.expanduser("~"), "Library", "Caches")
    else:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "cst")


def _search_path() -> tuple[str, ...]:
    """The import path as the key of the cache: sys.path, plus the current directory when an entry is
    relative to it ('' in `python -c`, or a relative directory), since import then depends on it."""
    entries = tuple(p if isinstance(p, str) else repr(p) for p in sys.path)
    if any(not os.path.isabs(p) and os.path.isdir(p or ".") for p in entries):
        entries += (f"cwd={os.getcwd()}",)
    return entries


def cache_file(search_path: Sequence[str]) -> str:
    """One file per interpreter and import path, so environments and scripts do not evict each other."""
    key = "\0".join((FORMAT, sys.executable, *search_path)).encode("utf-8", "surrogatepass")
    return os.path.join(cache_dir(), f"registry-{zlib.crc32(key):08x}{zlib.adler32(key):08x}.msgpack")


def _stat(path: str) -> tuple[int, int]:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return -1, -1
    return st.st_mtime_ns, st.st_size


def read() -> tuple[list[ModuleSpec], list[tuple[str, str]]] | None:
    """The cached specs and plugin problems, or None when there is no valid cache for this interpreter."""
    global _decoder
    search_path = _search_path()
    try:
        with open(cache_file(search_path), "rb") as f:
            data = f.read()
    except (OSError, RuntimeError):  # RuntimeError: no home directory
        return None
    if _decoder is None:
        _decoder = msgspec.msgpack.Decoder(CacheFile)
    try:
        doc = _decoder.decode(data)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
    if (
        doc.format != FORMAT
        or doc.cst_version != __version__
        or doc.executable != sys.executable
        or doc.sys_path != search_path
    ):
        return None
    for s in doc.stamps:
        if _stat(s.path) != (s.mtime_ns, s.size):
            return None
    return [_spec(c) for c in doc.specs], list(doc.problems)


def _spec(c: CachedSpec) -> ModuleSpec:
    fn = c.cost.per_call_fn
    return ModuleSpec(
        name=c.name,
        namespace=c.namespace,
        version=c.version,
        description=c.description,
        tags=c.tags,
        params=c.params,
        returns=c.returns,
        defaults=c.defaults,
        cost=Cost(per_call=c.cost.per_call, unit=c.cost.unit, per_call_fn=None if fn is None else LazyFunction(fn)),
        func=LazyFunction(c.func),
        is_async=c.is_async,
        inline=c.inline,
        origin=c.origin,
    )


def _cached(spec: ModuleSpec) -> CachedSpec | None:
    func = import_path(spec.func)
    fn = spec.cost.per_call_fn
    cost_fn = None if fn is None else import_path(fn)
    if func is None or (fn is not None and cost_fn is None):
        return None
    return CachedSpec(
        name=spec.name,
        namespace=spec.namespace,
        version=spec.version,
        description=spec.description,
        tags=spec.tags,
        params=spec.params,
        returns=spec.returns,
        defaults=spec.defaults,
        cost=CachedCost(per_call=spec.cost.per_call, unit=spec.cost.unit, per_call_fn=cost_fn),
        func=func,
        is_async=spec.is_async,
        inline=spec.inline,
        origin=spec.origin,
    )


def write(
    specs: Iterable[ModuleSpec],
    problems: Iterable[tuple[str, str]],
    dist_dirs: Iterable[str],
    started_ns: int,
) -> bool:
    """Cache a full load that started at `started_ns` (time.time_ns). Returns whether a file was written.

    Nothing is written when an implementation has no import path that leads back to it, or when a
    recorded file changed too recently to be trusted; an unwritable cache directory just means no cache.

    Args:
        specs: every module of the registry.
        problems: (plugin, message) for each plugin problem.
        dist_dirs: the metadata directories (.dist-info, .egg-info) of the distributions whose entry points
            were loaded.
        started_ns: when the load started.
    """
    cached: list[CachedSpec] = []
    for spec in specs:
        c = _cached(spec)
        if c is None:
            return False
        cached.append(c)
    search_path = _search_path()
    try:
        watched = _watched_paths(dist_dirs)
    except Exception:  # an odd object in sys.modules: better no cache than a wrong one
        return False
    stamps = [Stamp(p, *_stat(p)) for p in sorted(watched)]
    settled = started_ns - SETTLE_NS
    if any(s.mtime_ns > settled for s in stamps):
        return False
    doc = CacheFile(
        format=FORMAT,
        cst_version=__version__,
        executable=sys.executable,
        sys_path=search_path,
        stamps=tuple(stamps),
        specs=tuple(cached),
        problems=tuple(problems),
    )
    import tempfile

    try:
        path = cache_file(search_path)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".registry-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(msgspec.msgpack.encode(doc))
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except (OSError, RuntimeError):
        return False
    return True


def _watched_paths(dist_dirs: Iterable[str]) -> set[str]:
    """What the registry's contents depend on, as far as the file system tells.

    - the interpreter, and every import path entry (a package or distribution added or removed there
      changes the directory's mtime; a relative entry is stat'ed relative to the current directory);
    - every Python file imported so far outside the standard library, and its directory: the plugins, what
      they import (a helper module defining a record type changes a signature), cst itself. This is what
      catches an edit in an editable install, whose sources are outside site-packages;
    - the `.pth` files of the import path directories, and every distribution's `entry_points.txt` there,
      plus the metadata files of the distributions whose entry points were loaded.
    """
    import sysconfig

    entries = [p for p in sys.path if isinstance(p, str)]
    paths: set[str] = {sys.executable, *(p or "." for p in entries)}
    stdlib = {os.path.abspath(p) for key in ("stdlib", "platstdlib") for p in [sysconfig.get_path(key)] if p}
    stdlib |= {os.path.join(p, "lib-dynload") for p in stdlib}
    roots = sorted({*(os.path.abspath(p) for p in entries), *stdlib}, key=len, reverse=True)

    def in_stdlib(path: str) -> bool:
        for root in roots:  # the most specific import path entry holding the file
            if path.startswith(root + os.sep):
                return root in stdlib
        return False

    for mod in list(sys.modules.values()):
        file = getattr(mod, "__file__", None)
        if isinstance(file, str):
            file = os.path.abspath(file)
            if not in_stdlib(file):
                paths.update((file, os.path.dirname(file)))
        locations = getattr(mod, "__path__", None)  # namespace packages have no __file__
        if locations is not None and not isinstance(locations, str):
            for d in list(locations):
                if isinstance(d, str) and not in_stdlib(os.path.join(os.path.abspath(d), "")):
                    paths.add(os.path.abspath(d))
    for entry in entries:
        try:
            names = os.listdir(entry or ".")
        except (OSError, ValueError):
            continue
        for name in names:
            if name.endswith(".pth"):
                paths.add(os.path.join(entry, name))
            elif name.endswith((".dist-info", ".egg-info")):
                paths.add(os.path.join(entry, name, "entry_points.txt"))
    for d in dist_dirs:
        paths.update((d, *(os.path.join(d, n) for n in ("entry_points.txt", "METADATA", "PKG-INFO"))))
    return paths
