"""Caches: keys, TTL, and a disk cache that treats every damaged entry as a miss."""

from __future__ import annotations

from pathlib import Path

import pytest

from cst_cli.runtime.cache import DiskCache, MemoryCache, cache_key
from cst_cli.types.model import INT, STRING, ListT, MapT


def test_keys_depend_on_module_version_and_arguments_only() -> None:
    k = cache_key("m", (1, 0), [1, "a"])
    assert k == cache_key("m", (1, 0), [1, "a"])
    assert k != cache_key("m", (2, 0), [1, "a"])
    assert k != cache_key("n", (1, 0), [1, "a"])
    assert cache_key("m", (1, 0), [1]) != cache_key("m", (1, 0), [1.0])
    assert cache_key("m", (1, 0), [{"b": 1, "a": 2}]) == cache_key("m", (1, 0), [{"a": 2, "b": 1}])
    assert cache_key("m", (1, 0), [lambda x: x]) is None  # lambdas are not cacheable


def test_memory_cache_ttl() -> None:
    now = [0.0]
    c = MemoryCache(lambda: now[0])
    c.put("k", 1, ttl=10)
    assert c.get("k") == (True, 1)
    now[0] = 10.0
    assert c.get("k") == (False, None)


def test_disk_cache_round_trip_and_ttl(tmp_path: Path) -> None:
    now = [1000.0]
    c = DiskCache(tmp_path, wall_clock=lambda: now[0])
    m = MapT(key=INT, value=ListT(elem=STRING))
    c.put("ab" * 32, "mod", {1: ["x"]}, m, ttl=5)
    assert c.get("ab" * 32, m) == (True, {1: ["x"]})
    now[0] = 1006.0
    assert c.get("ab" * 32, m) == (False, None)
    assert not list(tmp_path.rglob(".tmp-*"))  # atomic writes leave no temp files


@pytest.mark.parametrize(
    "damage",
    [b"", b"garbage", b'{"format": 1, "module": "m", "expires": 9e99, "value": ', b'{"format": 1}', b"\xff\xfe"],
)
def test_a_damaged_entry_is_a_miss(tmp_path: Path, damage: bytes) -> None:
    c = DiskCache(tmp_path)
    key = "cd" * 32
    c.put(key, "m", "value", STRING, ttl=100)
    path = next(tmp_path.rglob("*.json"))
    path.write_bytes(damage)
    assert c.get(key, STRING) == (False, None)


def test_truncated_and_mistyped_entries_are_misses(tmp_path: Path) -> None:
    c = DiskCache(tmp_path)
    key = "ef" * 32
    c.put(key, "m", "value", STRING, ttl=100)
    path = next(tmp_path.rglob("*.json"))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert c.get(key, STRING) == (False, None)
    c.put(key, "m", "value", STRING, ttl=100)
    assert c.get(key, INT) == (False, None)  # an entry of another type is never returned


def test_unwritable_cache_dir_only_loses_the_entry(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    c = DiskCache(blocker)
    c.put("aa" * 32, "m", 1, INT, ttl=10)  # no exception
    assert c.get("aa" * 32, INT) == (False, None)


def test_a_call_never_reuses_a_result_older_than_its_own_duration(tmp_path: Path) -> None:
    now = [0.0]
    mem = MemoryCache(lambda: now[0])
    disk = DiskCache(tmp_path, wall_clock=lambda: now[0] + 1000.0)
    mem.put("k", 1, ttl=3600)
    disk.put("ab" * 32, "mod", 1, INT, ttl=3600)
    now[0] = 60.0
    assert mem.get("k", max_age=1.0) == (False, None)  # stored 60 s ago by a `cache: 1h` call
    assert disk.get("ab" * 32, INT, max_age=1.0) == (False, None)
    assert mem.get("k", max_age=120.0) == (True, 1)
    assert disk.get("ab" * 32, INT, max_age=120.0) == (True, 1)
    assert mem.get("k") == (True, 1) and disk.get("ab" * 32, INT) == (True, 1)
