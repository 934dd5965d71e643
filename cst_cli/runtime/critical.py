"""The critical path of a run: the chain of nodes that set its wall time, read from a `cst-trace/1` trace.

Pure: works on the trace alone (its node ids, deps and times), so `cst graph --trace`, `cst bench` and tools
share one definition. Imports runtime.trace only; never render or cli.
"""

from __future__ import annotations

import msgspec

from cst_cli.runtime.trace import NodeTrace, Trace

# Outcomes of nodes that took part in the run (their time counts).
RAN = frozenset({"ok", "failed", "timed_out", "fallback", "cached"})


class CriticalPath(msgspec.Struct, frozen=True, kw_only=True):
    """`nodes` from the first (an input, usually) to the node that finished last; `segments[k]` is how much of
    the wall time node k accounts for: from when the node before it on the path finished to when it finished
    (waiting for a slot, backoff and its own attempts). The segments add up to `wall`."""

    nodes: tuple[str, ...] = ()
    segments: tuple[float, ...] = ()
    wall: float = 0.0

    def share(self, node_id: str) -> float:
        """The fraction of the wall time this node accounts for (0 when it is not on the path)."""
        if self.wall <= 0:
            return 0.0
        return sum(s for n, s in zip(self.nodes, self.segments, strict=True) if n == node_id) / self.wall


def finish_times(nodes: list[NodeTrace]) -> dict[str, float]:
    """When each node that ran had its value, in seconds since the run started.

    Calls carry their end time; inline operations are not timed (they take no measurable time), so they
    finish when the last of their dependencies that ran did. Inputs and constants finish at 0.
    """
    fin: dict[str, float] = {}
    for n in nodes:  # the trace lists nodes in topological order
        if n.outcome not in RAN:
            continue
        if n.end is not None:
            fin[n.id] = n.end
        else:
            fin[n.id] = max((fin[d] for d in n.deps if d in fin), default=0.0)
    return fin


def critical_path(trace: Trace) -> CriticalPath:
    """Walk back from the node that finished last, each time to the dependency it waited for longest.

    Ties go to the node later in the trace (topological) order, so a chain of instant operations after the
    last call ends at the output rather than at the call; walking back, a tie prefers a call, then a node
    with dependencies of its own, over a constant or an input.
    """
    nodes = trace.nodes
    fin: dict[str, float] = {}
    index: dict[str, int] = {}
    for k, n in enumerate(nodes):  # the trace lists nodes in topological order
        if n.outcome not in RAN:
            continue
        index[n.id] = k
        if n.end is not None:
            fin[n.id] = n.end
        else:
            fin[n.id] = max([fin[d] for d in n.deps if d in fin], default=0.0)
    if not fin:
        return CriticalPath()
    last = max(fin, key=lambda i: (fin[i], index[i]))
    chain = [last]
    seen = {last}
    while True:
        node = nodes[index[chain[-1]]]
        deps = [d for d in node.deps if d in fin and d not in seen]
        if not deps:
            break
        if len(deps) == 1:
            nxt = deps[0]
        else:
            nxt = max(
                deps, key=lambda i: (fin[i], nodes[index[i]].end is not None, bool(nodes[index[i]].deps), index[i])
            )
        chain.append(nxt)
        seen.add(nxt)
    chain.reverse()
    segments: list[float] = []
    before = 0.0
    for node_id in chain:
        segments.append(max(0.0, fin[node_id] - before))
        before = max(before, fin[node_id])
    return CriticalPath(nodes=tuple(chain), segments=tuple(segments), wall=fin[last])
