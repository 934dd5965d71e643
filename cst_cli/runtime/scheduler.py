"""The pure scheduler: which demanded nodes are ready, what completed, what failed. No I/O, no clock, no trio.

Nodes are demanded (an output, an eager call, or a conditional asking for one arm) and become ready once
their strict dependencies are done; a running node may `wait_on` another node (a lazy dependency) and becomes
ready again when it completes. A failure fails every demanded node waiting on it, transitively, and remembers
the node whose failure was the cause. Everything is iterative: 10,000-node chains need no recursion.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence

IDLE = 0  # not demanded (yet)
WAITING = 1  # demanded, waiting for dependencies
READY = 2  # in the ready queue
RUNNING = 3  # taken by the runner
DONE = 4
FAILED = 5


def dependents_of(deps: Sequence[Sequence[int]]) -> list[list[int]]:
    """For each node, the nodes that depend on it strictly."""
    dependents: list[list[int]] = [[] for _ in range(len(deps))]
    for i, ds in enumerate(deps):
        for d in ds:
            dependents[d].append(i)
    return dependents


class Scheduler:
    """State of one run over a graph given as each node's strict dependencies."""

    __slots__ = ("_dependents", "_waiters", "cause", "deps", "pending", "ready", "state")

    def __init__(self, deps: Sequence[Sequence[int]], dependents: Sequence[Sequence[int]] | None = None) -> None:
        """`dependents` (from `dependents_of(deps)`, never changed here) may be shared by many runs."""
        n = len(deps)
        self.deps = deps
        self.state = bytearray(n)
        self.pending = [0] * n
        self.cause: dict[int, int] = {}  # failed node -> the node whose own failure caused it
        self.ready: deque[int] = deque()
        self._dependents = dependents if dependents is not None else dependents_of(deps)
        self._waiters: dict[int, list[int]] = {}

    # ---------------------------------------------------------------- demand

    def demand(self, root: int) -> list[int]:
        """Demand `root` and, transitively, its strict dependencies. Returns nodes that failed because a
        dependency had already failed (they are FAILED now)."""
        state, pending, deps = self.state, self.pending, self.deps
        failed: list[int] = []
        stack = [root]
        while stack:
            i = stack.pop()
            if state[i] != IDLE:
                continue
            state[i] = WAITING
            count = 0
            bad = -1
            for d in deps[i]:
                s = state[d]
                if s == DONE:
                    continue
                if s == FAILED:
                    bad = d
                    break
                count += 1
                if s == IDLE:
                    stack.append(d)
            if bad >= 0:
                failed.extend(self._fail(i, self.cause.get(bad, bad)))
                continue
            pending[i] = count
            if count == 0:
                state[i] = READY
                self.ready.append(i)
        return failed

    def preset_done(self, i: int) -> None:
        """Mark a node done before anything is demanded (a given input, a constant)."""
        self.state[i] = DONE

    def preset_failed(self, i: int) -> None:
        """Mark a node failed before anything is demanded (a missing or invalid input): its own cause."""
        self.state[i] = FAILED
        self.cause[i] = i

    # ---------------------------------------------------------------- progress

    def take(self) -> int | None:
        """The next ready node (now RUNNING), or None."""
        if not self.ready:
            return None
        i = self.ready.popleft()
        self.state[i] = RUNNING
        return i

    def complete(self, i: int) -> None:
        """Node `i` has its value: dependents whose last dependency it was become ready."""
        state, pending, ready = self.state, self.pending, self.ready
        state[i] = DONE
        for d in self._dependents[i]:
            if state[d] == WAITING:
                p = pending[d] - 1
                pending[d] = p
                if p == 0:
                    state[d] = READY
                    ready.append(d)
        waiters = self._waiters.pop(i, None)
        if waiters:
            for d in waiters:
                if state[d] == WAITING:
                    p = pending[d] - 1
                    pending[d] = p
                    if p == 0:
                        state[d] = READY
                        ready.append(d)

    def wait_on(self, i: int, dep: int) -> list[int]:
        """Running node `i` needs `dep` (a lazy dependency): demand it; `i` is ready again once it is done.
        Returns the nodes that failed as a result (`i` among them when `dep` has failed)."""
        s = self.state[dep]
        if s == DONE:
            self.state[i] = READY
            self.ready.append(i)
            return []
        if s == FAILED:
            return self._fail(i, self.cause.get(dep, dep))
        self.state[i] = WAITING
        self.pending[i] = 1
        self._waiters.setdefault(dep, []).append(i)
        return self.demand(dep)

    def fail(self, i: int) -> list[int]:
        """Node `i` failed by itself; returns every node failed by it (`i` first), dependents included."""
        return self._fail(i, i)

    def _fail(self, i: int, cause: int) -> list[int]:
        state = self.state
        out: list[int] = []
        stack = [i]
        while stack:
            j = stack.pop()
            if state[j] in (DONE, FAILED):
                continue
            state[j] = FAILED
            self.cause[j] = cause
            out.append(j)
            for d in self._dependents[j]:
                if state[d] == WAITING:
                    stack.append(d)
            stack.extend(self._waiters.pop(j, ()))
        return out

    def is_done(self, i: int) -> bool:
        return self.state[i] == DONE

    def is_failed(self, i: int) -> bool:
        return self.state[i] == FAILED
