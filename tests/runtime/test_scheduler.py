"""The pure scheduler: readiness, lazy waits and failure propagation, without trio."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cst_cli.runtime.scheduler import DONE, FAILED, IDLE, Scheduler


def drain(s: Scheduler) -> list[int]:
    order: list[int] = []
    while (i := s.take()) is not None:
        order.append(i)
        s.complete(i)
    return order


def test_only_demanded_nodes_run_in_dependency_order() -> None:
    # 0 -> 1 -> 3 ; 2 -> 3 ; 4 is not needed
    s = Scheduler([(), (0,), (), (1, 2), (0,)])
    s.demand(3)
    order = drain(s)
    assert sorted(order) == [0, 1, 2, 3]
    assert order.index(0) < order.index(1) < order.index(3)
    assert s.state[4] == IDLE


def test_wait_on_a_lazy_dependency_readies_the_waiter_again() -> None:
    s = Scheduler([(), (), (0,)])  # 2 depends on 0 strictly and asks for 1 lazily
    s.demand(2)
    assert s.take() == 0
    s.complete(0)
    assert s.take() == 2
    assert s.wait_on(2, 1) == []
    assert s.take() == 1
    s.complete(1)
    assert s.take() == 2


def test_wait_on_a_done_node_is_ready_at_once() -> None:
    s = Scheduler([(), ()])
    s.preset_done(0)
    s.demand(1)
    assert s.take() == 1
    s.wait_on(1, 0)
    assert s.take() == 1


def test_failure_fails_demanded_dependents_only_and_remembers_the_cause() -> None:
    s = Scheduler([(), (0,), (1,), (), (0,)])
    s.demand(2)
    s.demand(3)
    assert s.take() == 0
    failed = s.fail(0)
    assert failed[0] == 0 and set(failed) == {0, 1, 2}
    assert s.cause[2] == 0
    assert s.state[4] == IDLE  # never demanded: untouched
    assert s.take() == 3


def test_demanding_after_a_failure_fails_at_once() -> None:
    s = Scheduler([(), (0,)])
    s.preset_failed(0)
    assert s.demand(1) == [1]
    assert s.state[1] == FAILED and s.cause[1] == 0


def test_a_lazy_wait_on_a_failing_node_fails_the_waiter() -> None:
    s = Scheduler([(), ()])
    s.demand(0)
    assert s.take() == 0
    s.wait_on(0, 1)
    assert s.take() == 1
    assert set(s.fail(1)) == {0, 1}


def test_a_10000_node_chain_needs_no_recursion() -> None:
    n = 10_000
    s = Scheduler([()] + [(i - 1,) for i in range(1, n)])
    s.demand(n - 1)
    assert len(drain(s)) == n
    s2 = Scheduler([()] + [(i - 1,) for i in range(1, n)])
    s2.demand(n - 1)
    s2.take()
    assert len(s2.fail(0)) == n


@st.composite
def dags(draw: st.DrawFn) -> list[tuple[int, ...]]:
    n = draw(st.integers(1, 30))
    return [tuple(sorted(draw(st.sets(st.integers(0, i - 1), max_size=3)))) if i else () for i in range(n)]


@given(dags(), st.data())
def test_every_node_runs_after_its_dependencies(deps: list[tuple[int, ...]], data: st.DataObject) -> None:
    s = Scheduler(deps)
    roots = data.draw(st.sets(st.integers(0, len(deps) - 1), min_size=1))
    for r in roots:
        s.demand(r)
    order = drain(s)
    pos = {n: k for k, n in enumerate(order)}
    for n in order:
        for d in deps[n]:
            assert pos[d] < pos[n]
    for r in roots:
        assert s.state[r] == DONE
    assert len(order) == len(set(order))
