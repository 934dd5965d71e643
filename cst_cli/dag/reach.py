"""Which nodes a run needs: always (an output or `lazy: false` call needs them through strict dependencies),
conditionally (only through a branch arm, the right side of `??`/`and`/`or`, or a `fallback:`), or never (no
output needs them). Static: `cst graph` and `cst cost` read it. Imports dag.ir only.
"""

from __future__ import annotations

from typing import Literal

from cst_cli.dag.ir import Dag

Reach = Literal["always", "conditional", "unused"]


def reach_of(dag: Dag) -> list[Reach]:
    """One entry per node of `dag.nodes` (lambda bodies run with their higher-order call: not listed)."""
    roots = [o.node for o in dag.outputs] + list(dag.eager)
    strict = _closure(dag, roots, lazy=False)
    anyway = _closure(dag, roots, lazy=True)
    return ["always" if i in strict else "conditional" if i in anyway else "unused" for i in range(len(dag.nodes))]


def _closure(dag: Dag, roots: list[int], *, lazy: bool) -> set[int]:
    seen: set[int] = set()
    stack = list(roots)
    while stack:
        i = stack.pop()
        if i not in seen:
            seen.add(i)
            node = dag.nodes[i]
            stack.extend(node.deps)
            if lazy:
                stack.extend(node.lazy)
    return seen
