"""Seedable randomness for the demo modules: one seed per context (a run), one stream per key.

`cst run --seed N` calls `seed(N)` before the run starts; trio copies the context into every task, so all
calls of the run share it. `stream(key)` gives each key (module and input) its own generator derived from the
seed, so outcomes do not depend on the order in which concurrent tasks happen to be scheduled.
"""

from __future__ import annotations

import contextvars
import random
import threading


class _State:
    __slots__ = ("base", "lock", "seed", "streams")

    def __init__(self, seed: int | None) -> None:
        self.seed = seed
        self.base = random.Random(seed)
        self.streams: dict[str, random.Random] = {}
        self.lock = threading.Lock()


_STATE: contextvars.ContextVar[_State] = contextvars.ContextVar("stdlib_modules_random")
_UNSEEDED = _State(None)  # used until `seed` is called in a context: seeded from the OS, not reproducible


def seed(n: int | None) -> None:
    """(Re)seed the randomness of the current context; None seeds from the OS (not reproducible)."""
    _STATE.set(_State(n))


def current_seed() -> int | None:
    """The seed of the current context, None when unseeded."""
    return _STATE.get(_UNSEEDED).seed


def rng() -> random.Random:
    """The current context's generator (shared by everything drawing from it, in call order)."""
    return _STATE.get(_UNSEEDED).base


def stream(key: str) -> random.Random:
    """A generator for `key` alone, derived from the context's seed: same seed and key, same sequence."""
    state = _STATE.get(_UNSEEDED)
    with state.lock:
        found = state.streams.get(key)
        if found is None:
            found = random.Random(f"{state.seed}:{key}" if state.seed is not None else state.base.getrandbits(64))
            state.streams[key] = found
        return found
