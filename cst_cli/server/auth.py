"""API keys: kept only as sha256 digests, checked in constant time. Reads no environment and no files itself.

The CLI collects the keys (`CST_API_KEYS`, `--api-keys-file`) and hands them over through `ApiKeys.from_keys`.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable


def hash_key(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8")).digest()


def parse_keys(text: str) -> list[str]:
    """Keys from `CST_API_KEYS` (comma-separated) or a keys file (one per line, `#` comments, blanks skipped)."""
    out: list[str] = []
    for line in text.splitlines():
        line = line.split("#", 1)[0]
        out.extend(k.strip() for k in line.split(",") if k.strip())
    return out


class ApiKeys:
    """A set of accepted keys. Empty means "no authentication configured": every request is allowed."""

    def __init__(self, digests: Iterable[bytes] = ()) -> None:
        self._digests = tuple(dict.fromkeys(digests))

    @classmethod
    def from_keys(cls, keys: Iterable[str]) -> ApiKeys:
        return cls(hash_key(k) for k in keys if k)

    @property
    def enabled(self) -> bool:
        return bool(self._digests)

    def __len__(self) -> int:
        return len(self._digests)

    def accepts(self, token: str | None) -> bool:
        """Whether `token` is one of the keys; compares against every digest, so the time does not say which."""
        if not self._digests:
            return True
        if token is None:
            return False
        presented = hash_key(token)
        ok = False
        for digest in self._digests:
            ok |= hmac.compare_digest(presented, digest)
        return ok
