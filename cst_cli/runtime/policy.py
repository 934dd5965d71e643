"""Call options at run time: effective options, backoff delays, the throttle window and the priority-ordered
global limiter. The pure parts (delays, throttle bookkeeping) take the clock as an argument.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from cst_cli.modules.api import PRIORITY_NAMES, Backoff, Options

if TYPE_CHECKING:
    import trio

MAX_DELAY = 30.0
DEFAULT_PRIORITY = PRIORITY_NAMES["normal"]

# Options that need a task (sleeping, waiting, awaiting another node); a call with none of them on an
# inline module runs directly in the scheduler loop.
TASK_OPTIONS = ("retry", "timeout", "cache", "throttle", "concurrency")


def effective_options(defaults: Options, configured: Options | None, call: Options) -> Options:
    """Module defaults, overlaid by cst.yaml's defaults for the module, overlaid by the call's `with`."""
    out = defaults if configured is None else defaults.overlay(configured)
    return out.overlay(call)


def needs_task(opts: Options) -> bool:
    """Whether a call of an inline module must still run as a task because of its options."""
    if opts.on_error not in (None, "propagate"):
        return True
    return any(getattr(opts, name) is not None for name in TASK_OPTIONS)


def backoff_delay(base: float, retry_number: int, kind: Backoff | None, rng: random.Random | None = None) -> float:
    """The wait before retry number `retry_number` (1 for the first retry): d, d*n or d*2^(n-1), capped at
    30 s; with `rng`, full jitter between half and all of it."""
    if base <= 0:
        return 0.0
    if kind == "linear":
        d = base * retry_number
    elif kind == "exponential":
        d = base * (2 ** min(retry_number - 1, 32))
    else:
        d = base
    d = min(d, MAX_DELAY)
    if rng is not None:
        d = d * (0.5 + 0.5 * rng.random())
    return d


class ThrottleWindow:
    """At most `calls` starts per `per` seconds (a sliding window of start times). Pure bookkeeping."""

    __slots__ = ("calls", "per", "starts")

    def __init__(self, calls: int, per: float) -> None:
        self.calls = max(1, calls)
        self.per = per
        self.starts: deque[float] = deque()

    def wait_time(self, now: float) -> float:
        """0 when a call may start now (and records it), else how long to wait before asking again."""
        starts = self.starts
        while starts and now - starts[0] >= self.per:
            starts.popleft()
        if len(starts) < self.calls:
            starts.append(now)
            return 0.0
        return self.per - (now - starts[0])


async def throttle(window: ThrottleWindow, clock: Callable[[], float]) -> float:
    """Wait for a slot in the window; returns the seconds waited (by the clock)."""
    import trio  # here, not at the top: a run without task calls never imports trio

    start = clock()
    while True:
        wait = window.wait_time(clock())
        if wait <= 0:
            return clock() - start
        await trio.sleep(wait)


class PriorityLimiter:
    """A capacity limiter that hands a freed slot to the waiting task with the highest priority (FIFO among
    equals). Used for `--max-concurrency`, so `priority:` decides who runs first under the limit."""

    def __init__(self, total: int) -> None:
        self.total = max(1, total)
        self.borrowed = 0
        self._waiters: list[tuple[int, int, trio.Event]] = []
        self._seq = itertools.count()

    async def acquire(self, priority: int) -> None:
        """Wait for a slot. Every request made in the same scheduling batch competes on priority: the
        request queues, yields once so its siblings queue too, then the best waiters get the free slots."""
        import trio

        ev = trio.Event()
        entry = (-priority, next(self._seq), ev)
        heapq.heappush(self._waiters, entry)
        try:
            await trio.lowlevel.checkpoint()
            self._dispatch()
            await ev.wait()
        except BaseException:
            if ev.is_set():  # we hold a slot: give it back
                self.release()
            else:
                self._waiters.remove(entry)
                heapq.heapify(self._waiters)
            raise

    def _dispatch(self) -> None:
        while self._waiters and self.borrowed < self.total:
            _, _, ev = heapq.heappop(self._waiters)
            self.borrowed += 1
            ev.set()

    def release(self) -> None:
        self.borrowed -= 1
        self._dispatch()

    @property
    def waiting(self) -> int:
        return len(self._waiters)
