"""Dependency ordering and cycle finding over integer nodes, iterative (no recursion limit on long chains).

Used for bindings and for type aliases. Imports nothing from cst_cli.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence

import msgspec


class Ordering(msgspec.Struct, frozen=True, kw_only=True):
    """`order`: every node, each after its dependencies where that is possible; among independent nodes the
    smaller index first. Nodes on or behind a cycle come last, dependencies first as far as cycles allow.
    `cycles`: one closed path per strongly connected cycle, e.g. [a, b, a]; `cyclic`: the nodes on them."""

    order: tuple[int, ...]
    cycles: tuple[tuple[int, ...], ...]
    cyclic: frozenset[int]


def order_nodes(deps: Sequence[Sequence[int]]) -> Ordering:
    """Order nodes 0..n-1 where `deps[i]` lists the nodes i uses (duplicates allowed)."""
    n = len(deps)
    if _backward_only(deps):  # the order as written (what the general walk below would also give)
        return Ordering(order=tuple(range(n)), cycles=(), cyclic=frozenset())
    users: list[list[int]] = [[] for _ in range(n)]
    pending = [0] * n
    unique: list[tuple[int, ...]] = []
    for i, ds in enumerate(deps):
        distinct = tuple(dict.fromkeys(ds))
        unique.append(distinct)
        pending[i] = len(distinct)
        for d in distinct:
            users[d].append(i)
    ready = [i for i in range(n) if pending[i] == 0]
    heapq.heapify(ready)
    order: list[int] = []
    while ready:
        i = heapq.heappop(ready)
        order.append(i)
        for u in users[i]:
            pending[u] -= 1
            if pending[u] == 0:
                heapq.heappush(ready, u)
    if len(order) == n:
        return Ordering(order=tuple(order), cycles=(), cyclic=frozenset())
    done = set(order)
    rest = [i for i in range(n) if i not in done]
    sccs = _tarjan(rest, unique, done)
    cycles: list[tuple[int, ...]] = []
    cyclic: set[int] = set()
    for scc in sccs:  # dependencies first
        start = min(scc)
        order.extend(sorted(scc))
        if len(scc) > 1 or start in unique[start]:
            cyclic.update(scc)
            cycles.append(_cycle_through(start, unique, set(scc)))
    return Ordering(order=tuple(order), cycles=tuple(cycles), cyclic=frozenset(cyclic))


def _backward_only(deps: Sequence[Sequence[int]]) -> bool:
    """Whether every node uses only nodes before it: then no cycle, and taking the smallest ready node first
    gives 0..n-1 (node k is ready once 0..k-1 are placed, and is the smallest left)."""
    for i, ds in enumerate(deps):
        for d in ds:
            if d >= i:
                return False
    return True


def _tarjan(nodes: list[int], deps: list[tuple[int, ...]], skip: set[int]) -> list[list[int]]:
    """Strongly connected components of `nodes`, each after the components it depends on."""
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    on_stack: set[int] = set()
    stack: list[int] = []
    out: list[list[int]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work: list[tuple[int, int]] = [(root, 0)]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, k = work[-1]
            ds = deps[node]
            if k < len(ds):
                work[-1] = (node, k + 1)
                d = ds[k]
                if d in skip:
                    continue
                if d not in index:
                    index[d] = low[d] = counter
                    counter += 1
                    stack.append(d)
                    on_stack.add(d)
                    work.append((d, 0))
                elif d in on_stack:
                    low[node] = min(low[node], index[d])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                scc: list[int] = []
                while True:
                    x = stack.pop()
                    on_stack.discard(x)
                    scc.append(x)
                    if x == node:
                        break
                out.append(scc)
    return out


def _cycle_through(start: int, deps: list[tuple[int, ...]], members: set[int]) -> tuple[int, ...]:
    """The shortest closed path start -> ... -> start inside one strongly connected component."""
    parent: dict[int, int] = {}
    frontier = [start]
    seen = {start}
    while frontier:
        nxt: list[int] = []
        for node in frontier:
            for d in deps[node]:
                if d == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(parent[path[-1]])
                    path.reverse()
                    return (*path, start)
                if d in members and d not in seen:
                    seen.add(d)
                    parent[d] = node
                    nxt.append(d)
        frontier = nxt
    return (start, start)  # pragma: no cover - a component always closes
