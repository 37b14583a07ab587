"""The worker that analyses big documents in a thread: stopping it never lands in its prepare step."""

from __future__ import annotations

import asyncio
import threading

import pytest

from flare_ls.lsp.worker import Superseded, Worker


async def test_a_stop_during_the_prepare_step_waits_for_its_end() -> None:
    worker = Worker()
    started, release = threading.Event(), threading.Event()
    prepared: list[bool] = []
    computed: list[bool] = []

    def prepare() -> None:
        started.set()
        release.wait(10)
        prepared.append(True)  # an exception raised in the thread would land here

    task = asyncio.ensure_future(worker.run("doc", 1, lambda: computed.append(True), prepare))
    await asyncio.get_running_loop().run_in_executor(None, started.wait, 10)
    job = worker.jobs["doc"]
    worker.stop("doc")
    with pytest.raises(Superseded):
        await task
    release.set()
    await asyncio.get_running_loop().run_in_executor(None, job._thread.join, 10)
    assert prepared == [True] and not computed


async def test_a_stop_after_the_prepare_step_stops_the_computation() -> None:
    worker = Worker()
    computing, done = threading.Event(), threading.Event()
    finished: list[bool] = []

    def compute() -> None:
        computing.set()
        try:
            while not done.is_set():
                pass  # pure Python: the exception lands at the next bytecode
            finished.append(True)
        finally:
            done.set()

    task = asyncio.ensure_future(worker.run("doc", 1, compute, lambda: None))
    await asyncio.get_running_loop().run_in_executor(None, computing.wait, 10)
    worker.stop("doc")
    with pytest.raises(Superseded):
        await task
    await asyncio.get_running_loop().run_in_executor(None, done.wait, 10)
    assert not finished
