"""Reading JSON-RPC frames from a byte stream, and surviving the malformed ones.

pygls's reader (``pygls.io_.run_async``) trusts every ``Content-Length``: an over-large one makes it
allocate (or fail to) and exit; a negative, non-numeric, short or long one leaves header and body out of
step for good, so the server never answers again. Here a frame is a header block holding
``Content-Length: N`` followed by N bytes, and a frame that is not is dropped up to the next
``Content-Length:`` header, so the next good frame is served:

- a header block with no usable length (negative, non-numeric, missing) is skipped;
- a body that does not parse is answered with a ParseError (JSON-RPC's ``id: null``);
- a length that runs into the next frame's header (which valid JSON cannot hold: a raw CR LF after
  ``Content-Length: N`` cannot be inside a JSON string) ends at that header;
- a body over :data:`MAX_BODY_BYTES` is answered with an error and its bytes are skipped as they
  arrive, never held;
- a message pygls cannot structure (invalid params, an impossible position) is answered with
  InvalidParams when it is a request (pygls drops it without an answer).
"""

from __future__ import annotations

import array
import asyncio
import json
import logging
import threading
from collections.abc import Awaitable, Callable
from typing import Any

from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams, JsonRpcInvalidRequest, JsonRpcParseError
from pygls.protocol import JsonRPCProtocol

from .framing import CHUNK, HEADER, MAX_HEADER_BYTES, NEXT_FRAME, content_length

log = logging.getLogger(__name__)

#: The largest message body read: a 3 MB manifest is about 3.5 MB once JSON-escaped.
MAX_BODY_BYTES = 64 * 1024 * 1024

ReadChunk = Callable[[], Awaitable[bytes]]


class FrameReader:
    """Frames out of a stream of chunks (``read_chunk`` returns b"" at the end)."""

    def __init__(self, read_chunk: ReadChunk, max_body: int = MAX_BODY_BYTES) -> None:
        self.read_chunk = read_chunk
        self.max_body = max_body
        self.buffer = bytearray()
        self.eof = False

    async def _more(self) -> bool:
        if self.eof:
            return False
        chunk = await self.read_chunk()
        if not chunk:
            self.eof = True
            return False
        self.buffer += chunk
        return True

    async def next(self) -> bytes | JsonRpcException | None:
        """The next frame's body, an error to answer for a frame that could not be read, or None at
        the end of the stream."""
        while True:
            start = HEADER.search(self.buffer)
            if start is None:
                # Keep a tail that may be the start of a header cut in two by the chunking.
                del self.buffer[: max(0, len(self.buffer) - 32)]
                if not await self._more():
                    return None
                continue
            if start.start():
                if self.buffer[: start.start()].strip():
                    log.warning("skipped %d bytes that were not a frame", start.start())
                del self.buffer[: start.start()]
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > MAX_HEADER_BYTES:
                    log.warning("skipped a header block of more than %d bytes", MAX_HEADER_BYTES)
                    del self.buffer[:1]  # past this header: look for the next one
                    continue
                if not await self._more():
                    return None
                continue
            length = content_length(bytes(self.buffer[:end]))
            if length is None:
                log.warning("skipped a frame with no usable Content-Length: %r", bytes(self.buffer[:end])[:200])
                del self.buffer[:1]
                continue
            del self.buffer[: end + 4]
            if length > self.max_body:
                return await self._skip(length)
            return await self._body(length)

    async def _body(self, length: int) -> bytes:
        """``length`` bytes, or fewer when the next frame's header comes first."""
        while len(self.buffer) < length:
            following = NEXT_FRAME.search(self.buffer)
            if following is not None:
                length = following.start()
                break
            if not await self._more():
                length = len(self.buffer)
                break
        else:
            following = NEXT_FRAME.search(self.buffer, 0, length)
            if following is not None:
                length = following.start()
        body = bytes(self.buffer[:length])
        del self.buffer[:length]
        return body

    async def _skip(self, length: int) -> JsonRpcException:
        """Drop an over-large body as it arrives (or until the next frame's header shows it lied)."""
        log.warning("skipping a message of %d bytes (the limit is %d)", length, self.max_body)
        left = length
        while left > 0:
            following = NEXT_FRAME.search(self.buffer)
            if following is not None and following.start() < left:
                del self.buffer[: following.start()]
                break
            taken = min(left, max(0, len(self.buffer) - 32))  # a header may straddle two chunks
            del self.buffer[:taken]
            left -= taken
            if left > 0 and not await self._more():
                self.buffer.clear()
                break
        return JsonRpcInvalidRequest(f"message of {length} bytes exceeds the limit of {self.max_body}")


def dispatch(protocol: JsonRPCProtocol, body: bytes | JsonRpcException) -> None:
    """Hand one frame to pygls; answer what it would drop without an answer."""
    if isinstance(body, JsonRpcException):
        _answer_unidentified(protocol, body)
        return
    try:
        raw = json.loads(body)
    except ValueError as exc:  # includes UnicodeDecodeError
        _answer_unidentified(protocol, JsonRpcParseError(f"{type(exc).__name__}: {exc}"))
        return
    request_id = _request_id(raw)
    if not isinstance(raw, dict) or raw.get("jsonrpc") != JsonRPCProtocol.VERSION:
        invalid = JsonRpcInvalidRequest("not a JSON-RPC 2.0 message")
        if request_id is None:
            _answer_unidentified(protocol, invalid)
        else:
            protocol._send_response(request_id, error=invalid.to_response_error())
        return
    try:
        message = protocol.structure_message(raw)
    except Exception as exc:  # noqa: BLE001 - pygls raises its own errors and others
        if request_id is None or "method" not in raw:
            log.warning("dropped a message that could not be read: %s", exc)
            return
        error = JsonRpcInvalidParams(f"invalid params for {raw.get('method')!r}: {_cause(exc)}")
        protocol._send_response(request_id, error=error.to_response_error())
        return
    try:
        protocol.handle_message(message)
    except Exception:  # noqa: BLE001 - one bad message must not end the session
        log.exception("failed to handle a message")
        if request_id is not None and "method" in raw:
            error = JsonRpcInvalidParams(f"could not handle {raw.get('method')!r}")
            protocol._send_response(request_id, error=error.to_response_error())


def _answer_unidentified(protocol: JsonRPCProtocol, error: JsonRpcException) -> None:
    """An error for a message whose id could not be read: JSON-RPC says its ``id`` is null, and pygls's
    serializer leaves a None id out, so the message is written as plain data."""
    answer = {"jsonrpc": JsonRPCProtocol.VERSION, "id": None, "error": {"code": error.code, "message": error.message}}
    protocol._send_data(answer)


def _request_id(raw: Any) -> int | str | None:
    value = raw.get("id") if isinstance(raw, dict) else None
    return value if isinstance(value, (int, str)) and not isinstance(value, bool) else None


def _cause(exc: BaseException) -> str:
    cause = exc.__cause__ or exc
    text = str(cause).splitlines()[0] if str(cause) else type(cause).__name__
    return text[:300]


async def serve(reader: FrameReader, protocol: JsonRPCProtocol, stop: threading.Event) -> None:
    """The message loop: read, dispatch, until the stream ends or the server stops."""
    while not stop.is_set():
        body = await reader.next()
        if body is None:
            break
        dispatch(protocol, body)


class StdinChunks:
    """Chunks of ``fd`` read by a daemon thread (which never holds the process open at exit), at most
    a few chunks ahead of the message loop; called, the next chunk. ``read`` is what was read of ``fd``
    before (``startup.py``): the first chunk."""

    def __init__(self, fd: int, read: bytes = b"") -> None:
        self.fd = fd
        self.loop = asyncio.get_running_loop()
        self.queue: asyncio.Queue[bytes] = asyncio.Queue(maxsize=4)
        if read:
            self.queue.put_nowait(read)
        #: Set while the thread holds a chunk it has read and not yet handed to the loop.
        self.carrying = False
        threading.Thread(target=self._pump, name="flare-ls-stdin", daemon=True).start()

    def _pump(self) -> None:
        import os

        while True:
            try:
                chunk = os.read(self.fd, CHUNK)
            except OSError:
                chunk = b""
            self.carrying = True
            put = self._hand_over(chunk)
            try:
                asyncio.run_coroutine_threadsafe(put, self.loop).result()
            except RuntimeError:  # the loop is closed
                put.close()  # never run: else Python warns of a coroutine never awaited, at exit
                return
            finally:
                self.carrying = False
            if not chunk:
                return

    async def _hand_over(self, chunk: bytes) -> None:
        """On the loop: the chunk queued, and the thread no longer carrying it. Said here, not by the
        thread once it wakes: the loop holds the interpreter while it handles what it read, and would
        see the chunk still carried until it next waits (a millisecond for every analysis of an edit)."""
        try:
            await self.queue.put(chunk)
        finally:
            self.carrying = False

    async def __call__(self) -> bytes:
        return await self.queue.get()

    def pending(self) -> bool:
        """Whether bytes the client has sent are not yet read by the message loop: in the queue, in the
        thread's hands, or still in the pipe."""
        return not self.queue.empty() or self.carrying or _unread(self.fd) > 0


def _unread(fd: int) -> int:
    """Bytes waiting in a pipe or socket (0 where the system cannot say)."""
    try:
        import fcntl
        import termios

        count = array.array("i", [0])
        fcntl.ioctl(fd, termios.FIONREAD, count, True)
        return count[0]
    except (ImportError, OSError):
        return 0


class PipeChunks:
    """Chunks of ``fd`` read by the message loop itself when the system can watch it (a pipe or a
    socket, as editors give): the loop wakes once for what the client sent, where a reader thread woke
    first and then woke the loop (a thread switch and a second wake-up for every keystroke: the
    thread was a tenth of the server's samples while typing in a small manifest). At most a few
    chunks are read ahead; ``read`` is what was read of ``fd`` before (``startup.py``): the first
    chunk."""

    AHEAD = 4

    def __init__(self, fd: int, read: bytes = b"") -> None:
        self.fd = fd
        self.loop = asyncio.get_running_loop()
        self.queue: asyncio.Queue[bytes] = asyncio.Queue()
        if read:
            self.queue.put_nowait(read)
        self.ended = False
        self.watching = False
        self._watch()  # raises when the system cannot watch ``fd`` (a regular file): the caller falls back

    def _watch(self) -> None:
        self.loop.add_reader(self.fd, self._readable)
        self.watching = True

    def _readable(self) -> None:
        import os

        try:
            chunk = os.read(self.fd, CHUNK)  # ready: returns what is there, without waiting
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        self.queue.put_nowait(chunk)
        if not chunk:
            self.ended = True
        if not chunk or self.queue.qsize() >= self.AHEAD:
            self.loop.remove_reader(self.fd)
            self.watching = False

    async def __call__(self) -> bytes:
        chunk = await self.queue.get()
        if not self.watching and not self.ended and self.queue.qsize() < self.AHEAD:
            self._watch()
        return chunk

    def pending(self) -> bool:
        """Whether bytes the client has sent are not yet read by the message loop: in the queue or still
        in the pipe."""
        return not self.queue.empty() or _unread(self.fd) > 0


def stdin_chunks(fd: int, read: bytes = b"") -> StdinChunks | PipeChunks:
    """The chunks of standard input: read by the loop when the system can watch ``fd``, else by a
    thread (a regular file, or a loop that cannot watch file descriptors)."""
    try:
        return PipeChunks(fd, read)
    except (OSError, ValueError, NotImplementedError):
        return StdinChunks(fd, read)
