"""Dependency ordering and cycle finding (no parser needed)."""

from __future__ import annotations

from cst_cli.check._graph import order_nodes


def test_source_order_among_independent_nodes() -> None:
    assert order_nodes([[2], [], []]).order == (1, 2, 0)
    assert order_nodes([[], [0], [0], [1, 2]]).order == (0, 1, 2, 3)


def test_cycles_in_order_and_nodes_behind_them() -> None:
    o = order_nodes([[1], [2], [0], [0], [3]])
    assert o.cycles == ((0, 1, 2, 0),)
    assert o.cyclic == frozenset({0, 1, 2})
    assert o.order.index(3) > max(o.order.index(i) for i in (0, 1, 2))
    assert o.order.index(4) > o.order.index(3)


def test_self_loop_and_two_cycles() -> None:
    o = order_nodes([[0], [2], [1]])
    assert o.cycles == ((0, 0), (1, 2, 1))


def test_long_chains_do_not_recurse() -> None:
    n = 20_000
    assert order_nodes([[i + 1] for i in range(n - 1)] + [[]]).order[:2] == (n - 1, n - 2)
    cyc = order_nodes([[i + 1] for i in range(n - 1)] + [[0]])
    assert len(cyc.cycles[0]) == n + 1
