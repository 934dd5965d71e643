"""The trio runner: one nursery per run, inline nodes in a tight loop, a task only per call that needs one.

Ready inline nodes (operations, conditionals, inline modules without task options) run directly in
`_drain`, which completing tasks call too, so a chain of pure nodes never touches the event loop. Async
modules run in worker tasks (one per chain of calls, see `_call_task`); blocking sync modules in worker
threads under a limiter sized for the graph. A plan with no task calls at all runs without an event loop
(`execute_sync`), and these modules import trio only when a run needs it (about 40 ms of `cst run`). The
`Runtime` holds what outlives one run: breakers, throttle windows, per-module limiters and caches.

This module is the public face; the code lives in `_plan` (`Runtime`, `Plan`), `_loop` (a run's state and
its inline loop) and `_tasks` (`Run`: the event loop, worker tasks, attempts and slots).
"""

from cst_cli.runtime._loop import NodeFailed
from cst_cli.runtime._plan import (
    M_CONST,
    M_CONTROL,
    M_INLINE,
    M_INPUT,
    M_LAMBDA,
    M_OP,
    M_TASK,
    PLAN_CACHE_SIZE,
    X_ASYNC,
    X_INLINE,
    X_THREAD,
    Plan,
    Runtime,
)
from cst_cli.runtime._tasks import MAX_THREADS, Run, wrap_value

__all__ = [
    "MAX_THREADS",
    "M_CONST",
    "M_CONTROL",
    "M_INLINE",
    "M_INPUT",
    "M_LAMBDA",
    "M_OP",
    "M_TASK",
    "PLAN_CACHE_SIZE",
    "X_ASYNC",
    "X_INLINE",
    "X_THREAD",
    "NodeFailed",
    "Plan",
    "Run",
    "Runtime",
    "wrap_value",
]
