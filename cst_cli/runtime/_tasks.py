"""`Run`: the trio side of a run: one nursery per run (`execute`), worker tasks, attempts with
timeout/retry/backoff and breaker checks, priority/concurrency/throttle slots, the cache and fallbacks.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import msgspec

from cst_cli.runtime._loop import NodeFailed, _RunLoop, _seed_stdlib
from cst_cli.runtime._plan import X_ASYNC, X_THREAD, _Call
from cst_cli.runtime.cache import cache_key
from cst_cli.runtime.policy import ThrottleWindow, backoff_delay, throttle
from cst_cli.runtime.trace import Outcome, RunError
from cst_cli.runtime.values import ValueMismatch
from cst_cli.types.model import OptionalT, Prim, RecordT, Type, zero_value

if TYPE_CHECKING:
    import trio

MAX_THREADS = 64


def wrap_value(t: Type, message: str) -> Any:
    """`on_error: wrap`: the error as a value of the call's type (see cst-run(1)): a String is the message
    (`error: ...`), a record gets its `error`/`message` String field set, an Optional is none, anything
    else its zero value."""
    match t:
        case Prim(name="String"):
            return f"error: {message}"
        case OptionalT():
            return None
        case RecordT(fields=fs):
            out = zero_value(t)
            assert isinstance(out, dict)
            for name, ft in fs:
                if name in ("error", "message") and ft in (Prim(name="String"), OptionalT(inner=Prim(name="String"))):
                    out[name] = message
                    break
            return out
    return zero_value(t)


class Run(_RunLoop):
    """One run of a plan. Create, then `await execute()`; read `values`, the records and `errors` after."""

    # ------------------------------------------------------------------ driving

    async def execute(self) -> None:
        import trio

        self._now = trio.lowlevel.current_clock().current_time  # what trio.current_time() calls, minus two hops
        limit = self.max_concurrency
        self._threads = trio.CapacityLimiter(
            max(1, min(MAX_THREADS, limit or MAX_THREADS, self.plan.thread_calls or 1))
        )
        self.t0 = self._now()
        wall0 = time.perf_counter()
        if self.seed is not None:
            _seed_stdlib(self.seed)
        self._done = trio.Event()
        try:
            async with trio.open_nursery() as nursery:
                self._nursery = nursery
                for r in self.roots:
                    self._failed_by_demand(self.sched.demand(r))
                self._drain()
                if self._inflight and not self.fatal:
                    await self._done.wait()
                nursery.cancel_scope.cancel()
        except BaseExceptionGroup as group:
            self.interrupted = True
            if group.subgroup(KeyboardInterrupt) is not None:  # Ctrl-C: say so plainly, not as a group
                raise KeyboardInterrupt from None
            raise
        except BaseException:
            self.interrupted = True
            raise
        finally:
            self.wall = time.perf_counter() - wall0
            self._nursery = None

    # ------------------------------------------------------------------ calls with options

    async def _call_task(self, i: int) -> None:
        """A worker: runs call `i`, then the first simple call that finishing it made ready, and so on, so a
        chain of calls costs one task rather than a task per node.

        Timed attempts in one worker share a cancel scope whose deadline moves from attempt to attempt
        (entering and leaving a scope per attempt costs ~5 us). That is safe because trio expires deadlines
        only between scheduling batches, and the worker never yields with the scope open outside an attempt:
        it closes the scope before any other wait (backoff, slots, a fallback, the periodic checkpoint). So a
        deadline can only fire during the attempt it was set for.
        """
        import trio

        calls = self.plan.calls
        fast = self._global is None
        scope: trio.CancelScope | None = None
        ran = 0
        try:
            while True:
                c = calls[i]
                if c.simple and fast:  # no cache, slots, fallback, on_error: just the attempts
                    sc, scope = scope, None  # _simple_call owns it now, and closes it if it raises
                    scope = await self._simple_call(c, i, sc)
                else:
                    _close(scope)
                    scope = None
                    await self._run_call(i)
                i = self._drain(True)
                if i < 0:
                    break
                ran += 1
                if not ran & 63:  # a checkpoint now and then, in case the modules never yield
                    _close(scope)
                    scope = None
                    await trio.lowlevel.checkpoint()
        except BaseException:
            _close(scope)
            self._inflight -= 1
            if not self.fatal:
                self._drain()
            self._finish_check()
            raise
        _close(scope)
        self._inflight -= 1
        self._finish_check()

    async def _simple_call(self, c: _Call, i: int, scope: trio.CancelScope | None) -> trio.CancelScope | None:
        """The attempts of a simple call (retry, timeout, breaker), recorded as `_attempts` and
        `_call_task` would. Timed attempts run under the worker's `scope` (opened here when None); returns
        it, or None once closed: after a timeout, an exception, or when its deadline may have fired (a
        result can arrive in the batch its deadline expires: cancellation only lands at a checkpoint)."""
        import trio

        try:
            br = c.breaker
            timeout = c.timeout
            args = [self.values[d] for d in self.plan.deps[i]]
            t = self._now()
            self.start[i] = t
            made = 0
            cost = 0.0
            while True:
                if br.state != "closed" and not br.allow(self.runtime.clock()):
                    err = self._error(c, "circuit_open", "circuit open: calls fail fast for now", made)
                    break
                made += 1
                cost += c.price
                try:
                    if timeout is None:
                        v = await (c.func(*args) if c.how == X_ASYNC else self._invoke(c, args))
                    else:
                        deadline = t + timeout
                        if scope is None:
                            scope = trio.CancelScope(deadline=deadline)
                            scope.__enter__()
                        else:
                            scope.deadline = deadline
                        try:
                            v = await (c.func(*args) if c.how == X_ASYNC else self._invoke(c, args))
                        except BaseException as exc:
                            sc, scope = scope, None  # what `with scope:` does on the way out
                            if sc.__exit__(type(exc), exc, exc.__traceback__):  # True: our deadline fired
                                raise trio.TooSlowError from None
                            raise
                    v = c.check(v, False)
                except trio.TooSlowError:
                    br.failure(self.runtime.clock())
                    err = self._error(c, "timeout", f"timed out after {_secs(timeout or 0)}", made)
                except ValueMismatch as exc:
                    br.failure(self.runtime.clock())
                    err = self._error(c, "bad_result", self._bad_result(c, exc), made)
                except Exception as exc:
                    br.failure(self.runtime.clock())
                    err = self._error(c, "exception", f"{type(exc).__name__}: {exc}", made)
                except BaseException:
                    br.abandon()
                    self.attempts[i] = made
                    raise
                else:
                    if br.state != "closed" or br.failures:
                        br.success()
                    self.attempts[i] = made
                    self.breaker_state[i] = br.state
                    if c.cost_fn is not None:
                        cost += self._per_call_fn(c, v)
                    if cost:
                        self.costs[i] = cost
                    t = self._now()
                    if timeout is not None and t >= deadline:
                        _close(scope)  # its deadline may have fired with the result already in
                        scope = None
                    self.end[i] = t
                    self.values[i] = v
                    self.outcome[i] = "ok"
                    self.sched.complete(i)
                    if i in self._watch:
                        self._notify(i)
                    return scope
                if made > c.retries or br.state == "open":
                    break
                _close(scope)
                scope = None
                await trio.sleep(backoff_delay(c.opts.delay or 0.0, made, c.opts.backoff, self._rng))
                t = self._now()
            self.attempts[i] = made
            self.breaker_state[i] = br.state
            if cost:
                self.costs[i] = cost
            self.end[i] = self._now()
            self._fail_node(i, err)
            return scope
        except BaseException:
            _close(scope)
            raise

    async def _run_call(self, i: int) -> None:
        c = self.plan.calls[i]
        opts = c.opts
        args = [self.values[d] for d in self.plan.deps[i]]
        self.start[i] = self._now()
        key: str | None = None
        disk = opts.cache_backend == "disk"
        if opts.cache is not None:
            key = cache_key(c.node.module, c.node.version, args)
            if key is not None:
                hit, v = (
                    self.runtime.disk_cache.get(key, c.node.type, opts.cache)
                    if disk
                    else self.runtime.memory_cache.get(key, opts.cache)
                )
                if hit:
                    self._succeed(i, v, "cached")
                    return
        v, err = await self._guarded(c, i, args)
        if err is None:
            if key is not None and opts.cache is not None:
                if disk:
                    self.runtime.disk_cache.put(key, c.node.module, v, c.node.type, opts.cache)
                else:
                    self.runtime.memory_cache.put(key, v, opts.cache)
            self._succeed(i, v, "ok")
            return
        fallback_cause = -1
        if c.node.fallback is not None:
            try:
                fv = await self._need(c.node.fallback)
            except NodeFailed as nf:
                fallback_cause = nf.cause
                cause = self.errors.get(nf.cause)
                err = msgspec.structs.replace(
                    err, message=f"{err.message}; its fallback failed: {cause.message if cause else 'failed'}"
                )
            else:
                self.errors[i] = err
                self.recovered[i] = "fallback"
                self._succeed(i, fv, "fallback")
                return
        if opts.on_error in ("skip", "log", "wrap"):
            self.errors[i] = err
            self.recovered[i] = opts.on_error
            if opts.on_error == "log":
                self.warnings.append(f"{c.node.module} ({c.node.id}) failed, using its zero value: {err.message}")
            value = wrap_value(c.node.type, err.message) if opts.on_error == "wrap" else zero_value(c.node.type)
            self._succeed(i, value, "fallback")
            return
        self.end[i] = self._now()
        if fallback_cause >= 0 and i not in self.soft:  # (a fallback's own fallback stays its caller's)
            self.unabsorb(fallback_cause)
        self._fail_node(i, err)

    def _succeed(self, i: int, v: Any, outcome: Outcome) -> None:
        self.end[i] = self._now()
        self.values[i] = v
        self.outcome[i] = outcome
        self.sched.complete(i)
        if i in self._watch:
            self._notify(i)

    async def _guarded(self, c: _Call, i: int, args: list[Any]) -> tuple[Any, RunError | None]:
        """Priority slot, module concurrency and throttle around the attempts."""
        opts = c.opts
        if self._global is None and opts.concurrency is None and opts.throttle is None:
            return await self._attempts(c, i, args)  # the common case: no slots to take
        if self._global is not None:
            await self._global.acquire(c.priority)
        try:
            if opts.concurrency is not None:
                import trio

                lim = self.runtime.limiters.get(c.node.module)
                if lim is None or lim.total_tokens != opts.concurrency:
                    lim = self.runtime.limiters.setdefault(c.node.module, trio.CapacityLimiter(opts.concurrency))
                async with lim:
                    return await self._throttled(c, i, args)
            return await self._throttled(c, i, args)
        finally:
            if self._global is not None:
                self._global.release()

    async def _throttled(self, c: _Call, i: int, args: list[Any]) -> tuple[Any, RunError | None]:
        if c.opts.throttle is not None:
            calls, per = c.opts.throttle
            window = self.runtime.throttles.get(c.node.module)
            if window is None:
                window = self.runtime.throttles[c.node.module] = ThrottleWindow(calls, per)
            await throttle(window, self.runtime.clock)
        return await self._attempts(c, i, args)

    async def _attempts(self, c: _Call, i: int, args: list[Any]) -> tuple[Any, RunError | None]:
        """Retry with backoff around a timeout per attempt; the breaker sees every attempt."""
        import trio

        opts = c.opts
        retries = opts.retry or 0
        br = c.breaker
        clock = self.runtime.clock
        made = 0
        err: RunError
        cost = 0.0
        while True:
            if not br.allow(clock()):
                err = self._error(c, "circuit_open", "circuit open: calls fail fast for now", made)
                break
            made += 1
            try:
                cost += c.price
                if opts.timeout is not None:
                    # a bare CancelScope: `fail_after` is the same plus a generator, measurably slower per call
                    with trio.CancelScope(deadline=self._now() + opts.timeout) as scope:
                        v = await c.func(*args) if c.how == X_ASYNC else await self._invoke(c, args)
                    if scope.cancelled_caught:
                        raise trio.TooSlowError
                else:
                    v = await c.func(*args) if c.how == X_ASYNC else await self._invoke(c, args)
                v = c.check(v, False)
            except trio.TooSlowError:
                br.failure(clock())
                err = self._error(c, "timeout", f"timed out after {_secs(opts.timeout or 0)}", made)
            except ValueMismatch as exc:
                br.failure(clock())
                err = self._error(c, "bad_result", self._bad_result(c, exc), made)
            except Exception as exc:
                br.failure(clock())
                err = self._error(c, "exception", f"{type(exc).__name__}: {exc}", made)
            except BaseException:
                br.abandon()
                self.attempts[i] = made
                raise
            else:
                br.success()
                self.attempts[i] = made
                self.breaker_state[i] = br.state
                if c.spec.cost.per_call_fn is not None:
                    cost += self._per_call_fn(c, v)
                if cost:
                    self.costs[i] = cost
                return v, None
            if made > retries or br.state == "open":
                break
            await trio.sleep(backoff_delay(opts.delay or 0.0, made, opts.backoff, self._rng))
        self.attempts[i] = made
        self.breaker_state[i] = br.state
        if cost:
            self.costs[i] = cost
        return None, err

    async def _invoke(self, c: _Call, args: list[Any]) -> Any:
        if c.how == X_ASYNC:
            return await c.func(*args)
        import trio

        if c.how == X_THREAD:
            return await trio.to_thread.run_sync(
                functools.partial(self._in_thread, c.func, args), limiter=self._threads, abandon_on_cancel=True
            )
        await trio.lowlevel.checkpoint()
        return c.func(*args)

    def _in_thread(self, func: Callable[..., Any], args: list[Any]) -> Any:
        self.runtime.threads_in_flight += 1
        try:
            return func(*args)
        finally:
            self.runtime.threads_in_flight -= 1


def _close(scope: trio.CancelScope | None) -> None:
    """Leave a cancel scope entered by hand (`scope.__enter__()`), if any."""
    if scope is not None:
        scope.__exit__(None, None, None)


def _secs(s: float) -> str:
    return f"{s * 1000:g}ms" if s < 1 else f"{s:g}s"
