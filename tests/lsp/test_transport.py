"""Reading standard input (``lsp/transport.py``): by the message loop when the system can watch it, by
a thread otherwise (a regular file), both handing every byte over in order."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import threading

from flare_ls.lsp.framing import CHUNK
from flare_ls.lsp.transport import PipeChunks, StdinChunks, stdin_chunks

from .test_protocol_abuse import MANIFEST, URI, frame


def test_a_pipe_is_read_by_the_loop_a_few_chunks_ahead() -> None:
    data = bytes(range(256)) * (CHUNK * 10 // 256 + 7)  # ten chunks and a bit

    def write(fd: int) -> None:
        with os.fdopen(fd, "wb") as pipe:  # blocks while the pipe is full; closing it ends the input
            pipe.write(data)

    async def run() -> tuple[bytes, int, bool, type]:
        read_fd, write_fd = os.pipe()
        chunks = stdin_chunks(read_fd, b"early")
        writer = threading.Thread(target=write, args=(write_fd,))
        writer.start()
        try:
            for _ in range(100):  # the loop reads while the writer writes, up to its limit
                await asyncio.sleep(0.01)
                if chunks.queue.qsize() >= PipeChunks.AHEAD:
                    break
            waiting = chunks.queue.qsize()
            paused = isinstance(chunks, PipeChunks) and not chunks.watching
            got = b""
            while chunk := await chunks():
                got += chunk
            return got, waiting, paused, type(chunks)
        finally:
            writer.join()
            os.close(read_fd)

    got, waiting, paused, kind = asyncio.run(run())
    assert kind is PipeChunks
    assert waiting == PipeChunks.AHEAD and paused  # it stopped reading with that many chunks waiting
    assert got == b"early" + data  # and read on, in order, once they were taken


def test_a_regular_file_is_read_by_a_thread() -> None:
    async def run() -> tuple[type, bytes]:
        with tempfile.TemporaryFile() as file:
            file.write(b"0123456789" * 1000)
            file.seek(0)
            chunks = stdin_chunks(file.fileno())
            got = b""
            while chunk := await chunks():
                got += chunk
            return type(chunks), got

    kind, got = asyncio.run(run())
    assert kind is StdinChunks and got == b"0123456789" * 1000


def test_a_session_read_from_a_file_is_served() -> None:
    """Standard input redirected from a file (which the system cannot watch): every request answered
    until exit; a hover still running when exit closes the output is dropped without a traceback."""
    document = {"uri": URI, "languageId": "yaml", "version": 1, "text": MANIFEST}
    session = (
        frame({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"processId": None, "capabilities": {}}})
        + frame({"jsonrpc": "2.0", "method": "initialized", "params": {}})
        + frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": document}})
        + frame(
            {
                "jsonrpc": "2.0",
                "id": 1,
                "method": "textDocument/hover",
                "params": {"textDocument": {"uri": URI}, "position": {"line": 0, "character": 1}},
            }
        )
        + frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": None})
        + frame({"jsonrpc": "2.0", "method": "exit", "params": None})
    )
    with tempfile.TemporaryFile() as file:
        file.write(session)
        file.seek(0)
        done = subprocess.run(
            [sys.executable, "-m", "flare_ls"], stdin=file, capture_output=True, timeout=60, env=dict(os.environ)
        )
    assert done.returncode == 0, done.stderr
    assert done.stderr == b""
    for request_id in (0, 2):
        assert done.stdout.count(b'"id": %d' % request_id) + done.stdout.count(b'"id":%d' % request_id) == 1
