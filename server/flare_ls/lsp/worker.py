"""Analysis of big documents off the message loop, stopped when nobody wants its result any more.

Each job runs in a thread of its own, so the loop keeps reading messages (and answering them) while a
big manifest is analysed. A job is keyed by document and identified by what it analyses: asking for
the same thing again joins the running job; asking for something newer (an edit) stops the older
one; and a job whose every waiter has gone (``$/cancelRequest`` of a pulled diagnostic) is stopped
too. Python cannot kill a thread, but it can raise an exception in one at its next bytecode
(``PyThreadState_SetAsyncExc``): the analysis is pure Python around libyaml's parser, so it stops
within milliseconds, and :class:`Stopped` derives from BaseException so no ``except Exception``
in the core (which turns a crashing rule into a finding) swallows it.

An exception raised at any bytecode can also land inside an ``import``, and a module stopped halfway
stays broken for the session. So a job first runs its ``prepare`` step (importing what the analysis
would import lazily: sqlglot) where it cannot be stopped: a stop asked meanwhile is carried out when
that step is done.
"""

from __future__ import annotations

import asyncio
import ctypes
import threading
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Stopped(BaseException):
    """Raised in a job's thread to stop it."""


class Superseded(Exception):
    """The job was stopped because something newer was asked for (or nobody waited any more)."""


class _Job(Generic[T]):
    def __init__(
        self,
        token: Hashable,
        compute: Callable[[], T],
        loop: asyncio.AbstractEventLoop,
        prepare: Callable[[], object] | None = None,
    ) -> None:
        self.token = token
        self.future: asyncio.Future[T] = loop.create_future()
        self.waiters = 0
        self._loop = loop
        self._lock = threading.Lock()
        self._running = True
        #: False while ``prepare`` runs: a stop then only marks the job, and the thread ends after it.
        self._stoppable = False
        self._thread = threading.Thread(
            target=self._run, args=(compute, prepare), name="flare-ls-analysis", daemon=True
        )
        self._thread.start()

    def _run(self, compute: Callable[[], T], prepare: Callable[[], object] | None) -> None:
        try:
            try:
                if prepare is not None:
                    prepare()
                with self._lock:
                    if not self._running:
                        return
                    self._stoppable = True
                result: Any = compute()
                ok = True
            except Stopped:
                return
            except BaseException as exc:  # noqa: BLE001 - handed to the waiters
                result, ok = exc, False
            with self._lock:
                if not self._running:
                    return
                self._running = False
            self._loop.call_soon_threadsafe(self._settle, result, ok)
        except Stopped:
            pass  # a stop that arrived as the job was finishing
        except RuntimeError:
            pass  # the loop is closed: the server is exiting

    def _settle(self, result: Any, ok: bool) -> None:
        if self.future.done():
            return
        if ok:
            self.future.set_result(result)
        else:
            self.future.set_exception(result)

    def stop(self) -> None:
        with self._lock:
            if self._running and self._thread.ident is not None:
                self._running = False
                if self._stoppable:
                    thread = ctypes.c_ulong(self._thread.ident)
                    ctypes.pythonapi.PyThreadState_SetAsyncExc(thread, ctypes.py_object(Stopped))
        if not self.future.done():
            self.future.set_exception(Superseded())
            self.future.exception()  # retrieved: nobody may be waiting


class Worker:
    """Runs at most one job per key; see the module docstring."""

    def __init__(self) -> None:
        self.jobs: dict[Hashable, _Job[Any]] = {}

    async def run(
        self, key: Hashable, token: Hashable, compute: Callable[[], T], prepare: Callable[[], object] | None = None
    ) -> T:
        """``compute()`` in a thread, after ``prepare()`` (which is never stopped); raises
        :class:`Superseded` when a newer ``token`` for ``key`` stops it first."""
        job = self.jobs.get(key)
        if job is None or job.token != token or job.future.done():
            if job is not None:
                job.stop()
            job = _Job(token, compute, asyncio.get_running_loop(), prepare)
            self.jobs[key] = job
        job.waiters += 1
        try:
            return await asyncio.shield(job.future)
        finally:
            job.waiters -= 1
            if job.future.done() or job.waiters == 0:
                if not job.future.done():
                    job.stop()
                if self.jobs.get(key) is job:
                    del self.jobs[key]

    def running(self, key: Hashable, token: Hashable) -> bool:
        """Whether a job for ``key`` computing ``token`` runs already (:meth:`run` would join it)."""
        job = self.jobs.get(key)
        return job is not None and job.token == token and not job.future.done()

    def stop(self, key: Hashable) -> None:
        """Stop ``key``'s job, if any (its document was closed)."""
        job = self.jobs.pop(key, None)
        if job is not None:
            job.stop()
