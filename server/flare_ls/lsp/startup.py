"""The answer to ``initialize``, written before the language server loads.

Importing pygls and lsprotocol takes most of a second (lsprotocol builds some 570 attrs classes), and an
editor sends nothing but ``initialize`` until it has the answer. So ``flare-ls server`` on standard input
reads the first message with the standard library alone and, when it is an ``initialize`` request, writes
the answer at once (:func:`answer_initialize`); then the server loads and its message loop is handed
everything read, byte for byte (:func:`take`). pygls handles that ``initialize`` as always: it records the
client's capabilities, negotiates the position encoding, makes the workspace and runs our handlers. Its
own answer, which the client already has, is compared with the one written and dropped
(``FlareProtocol``); a difference is reported on standard error and in the client's log
(:data:`MISMATCH`), never silently.

The answer is the one pygls gives a client that offers nothing, recorded from the real server
(``initialize.json``, written by ``python -m flare_ls.lsp.record_initialize``, whose ``--check`` the tests
run), with what pygls derives from the client computed here as pygls computes it: the position encoding,
the rename options, and ``willSave``/``willSaveWaitUntil``. The server's version is this package's.

Anything else first (another method, a request whose parameters pygls would not read, a frame that is
not well formed, a body that is not JSON, the end of input) is left unanswered and handed over as read,
so the message loop meets it as it always did.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from typing import Any

from .framing import CHUNK, HEADER, MAX_HEADER_BYTES, NEXT_FRAME, content_length

RECORDED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "initialize.json")
#: An initialize request is a few kilobytes; a first frame larger than this is left to the message loop.
MAX_EARLY_BODY = 1024 * 1024
#: What the server says, on standard error and in the client's log, when pygls's answer to the
#: initialize answered early differs from the one sent (the end-to-end tests fail on it).
MISMATCH = "the answer to initialize sent at start-up differs from the server's"
#: The position encodings pygls supports, as it negotiates them (``ServerCapabilitiesBuilder``).
ENCODINGS = ("utf-8", "utf-16", "utf-32")
DEFAULT_ENCODING = "utf-16"
#: ``TextDocumentSyncOptions``'s fields in the order pygls writes them.
SYNC_FIELDS = ("openClose", "change", "willSave", "willSaveWaitUntil", "save")
#: The parts of the client's capabilities that pygls reads, each an object when given.
OBJECTS = (
    ("general",),
    ("textDocument",),
    ("textDocument", "synchronization"),
    ("textDocument", "rename"),
    ("workspace",),
    ("workspace", "fileOperations"),
    ("notebookDocument",),
)
#: The flags among them: true, false or not given.
FLAGS = (
    ("textDocument", "synchronization", "willSave"),
    ("textDocument", "synchronization", "willSaveWaitUntil"),
    ("textDocument", "rename", "prepareSupport"),
)


class Prelude:
    """What was read of a file descriptor before the server loaded, and the answer already written to the
    request among it (None when none was)."""

    def __init__(self, fd: int, read: bytes, answer: dict[str, Any] | None) -> None:
        self.fd = fd
        self.read = read
        self.answer = answer


_prelude: Prelude | None = None
_done = False  # answer_initialize has run


def answer_initialize(fd_in: int = 0, fd_out: int = 1) -> None:
    """Read the first message of ``fd_in`` and, when it is an initialize request, write its answer to
    ``fd_out``; what was read is kept for :func:`take`. Once per process: a second call does nothing."""
    global _prelude, _done
    if _done:
        return
    _done = True
    try:
        read, message = read_first_message(lambda: _read(fd_in))
    except KeyboardInterrupt:  # as the message loop ends on it: quietly, and not cleanly (no exit came)
        raise SystemExit(1) from None
    answer = None
    try:
        answer = early_answer(message, load_recorded())
    except Exception:  # noqa: BLE001 - never fail here: the server answers as it always did
        answer = None
    if answer is not None:
        if "early_answer" in os.environ.get("FLARE_LS_INJECT_FAULT", "").split(","):
            answer["result"]["capabilities"].pop("hoverProvider", None)  # test-only: a wrong answer
        _write(fd_out, frame(answer))
    _prelude = Prelude(fd_in, read, answer)


def take(fd: int) -> Prelude | None:
    """What :func:`answer_initialize` read of ``fd`` and answered, once (None when it did not read it)."""
    global _prelude
    prelude = _prelude
    if prelude is None or prelude.fd != fd:
        return None
    _prelude = None
    return prelude


def read_first_message(read: Callable[[], bytes]) -> tuple[bytes, Any]:
    """Everything read, and the first frame's body as JSON when the frame is well formed (None when it is
    not, or the input ends first). It reads the frame as ``transport.FrameReader`` does, and gives up
    wherever that reader would skip bytes, cut a body short or answer an error, so that the message
    loop, handed what was read, reads the same message or meets what it always met."""
    buffer = bytearray()

    def more() -> bool:
        chunk = read()
        buffer.extend(chunk)
        return bool(chunk)

    while True:
        start = HEADER.search(buffer)
        if start is None:
            if len(buffer) > MAX_HEADER_BYTES or not more():
                return bytes(buffer), None
            continue
        if buffer[: start.start()].strip():
            return bytes(buffer), None  # bytes that are not a frame: the reader skips them
        end = buffer.find(b"\r\n\r\n", start.start())
        if end < 0:
            if len(buffer) - start.start() > MAX_HEADER_BYTES or not more():
                return bytes(buffer), None
            continue
        length = content_length(bytes(buffer[start.start() : end]))
        if length is None or length > MAX_EARLY_BODY:
            return bytes(buffer), None
        body = searched = end + 4
        while len(buffer) - body < length:
            # Searched again only where a header may straddle two reads; all of the body below.
            if NEXT_FRAME.search(buffer, max(body, searched - 64)) is not None:
                return bytes(buffer), None  # a body cut short by the next frame
            searched = len(buffer)
            if not more():
                return bytes(buffer), None
        if NEXT_FRAME.search(buffer, body, body + length) is not None:
            return bytes(buffer), None
        try:
            return bytes(buffer), json.loads(bytes(buffer[body : body + length]))
        except (ValueError, RecursionError):  # ValueError includes UnicodeDecodeError
            return bytes(buffer), None


def early_answer(message: Any, recorded: dict[str, Any] | None) -> dict[str, Any] | None:
    """The answer to ``message`` when it is an initialize request pygls would read, else None."""
    if recorded is None or not isinstance(message, dict) or message.get("jsonrpc") != "2.0":
        return None
    request_id = message.get("id")
    if message.get("method") != "initialize" or "result" in message or "error" in message:
        return None  # pygls reads a message with an error as an answer, whatever its method
    if isinstance(request_id, bool):
        return None
    if not isinstance(request_id, (int, str)):
        return None
    result = initialize_result(message.get("params"), recorded)
    return None if result is None else {"id": request_id, "jsonrpc": "2.0", "result": result}


def initialize_result(params: Any, recorded: dict[str, Any]) -> dict[str, Any] | None:
    """The InitializeResult pygls gives for ``params`` (JSON data): the recorded one, with what depends
    on the client computed as ``pygls.capabilities.ServerCapabilitiesBuilder`` computes it. None when
    pygls would not read ``params`` as InitializeParams, as far as a look at what it requires tells."""
    if not isinstance(params, dict) or "processId" not in params:
        return None
    process_id = params["processId"]
    if process_id is not None and (isinstance(process_id, bool) or not isinstance(process_id, int)):
        return None
    client = params.get("capabilities")
    if not isinstance(client, dict):
        return None
    if any(not isinstance(_at(client, path, {}), dict) for path in OBJECTS):
        return None
    if any(not isinstance(_at(client, path, False), bool) for path in FLAGS):
        return None
    encodings = _at(client, ("general", "positionEncodings"), [])
    if not isinstance(encodings, list) or not all(isinstance(e, str) for e in encodings):
        return None
    result: dict[str, Any] = json.loads(json.dumps(recorded["result"]))  # a copy to change
    capabilities = result["capabilities"]
    capabilities["positionEncoding"] = next((e for e in encodings if e in ENCODINGS), DEFAULT_ENCODING)
    with_client = recorded["withClient"]
    if _at(client, ("textDocument", "rename", "prepareSupport"), False) and "renameProvider" in capabilities:
        capabilities["renameProvider"] = with_client["renameProvider"]
    sync = capabilities.get("textDocumentSync")
    if isinstance(sync, dict):
        for flag in ("willSave", "willSaveWaitUntil"):
            offered = _at(client, ("textDocument", "synchronization", flag), None)
            if offered is not None:  # pygls: the client's flag and whether the server handles it
                sync[flag] = offered and with_client[flag]
        capabilities["textDocumentSync"] = {
            **{name: sync[name] for name in SYNC_FIELDS if name in sync},
            **{name: value for name, value in sync.items() if name not in SYNC_FIELDS},
        }
    result["serverInfo"] = {**result["serverInfo"], "version": _version()}
    return result


def load_recorded(path: str = RECORDED) -> dict[str, Any] | None:
    """The recorded answer (None when the file is missing or unreadable: nothing is answered early)."""
    try:
        with open(path, encoding="utf-8") as file:
            recorded = json.load(file)
    except (OSError, ValueError):
        return None
    return recorded if isinstance(recorded, dict) and "result" in recorded and "withClient" in recorded else None


def frame(message: dict[str, Any]) -> bytes:
    """A message framed as pygls frames it (``JsonRPCProtocol._send_data``)."""
    body = json.dumps(message)
    header = f"Content-Length: {len(body)}\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n"
    return (header + body).encode("utf-8")


def differences(sent: Any, server: Any, path: str = "") -> list[str]:
    """Where two JSON values differ (as JSON: ``1`` is not ``true`` nor ``1.0``), as paths."""
    if isinstance(sent, dict) and isinstance(server, dict):
        found = []
        for key in [*sent, *(k for k in server if k not in sent)]:
            if key not in server:
                found.append(f"{path}.{key}: only in the answer sent")
            elif key not in sent:
                found.append(f"{path}.{key}: only in the server's")
            else:
                found.extend(differences(sent[key], server[key], f"{path}.{key}"))
        return found
    if json.dumps(sent, sort_keys=True) != json.dumps(server, sort_keys=True):
        return [f"{path or '.'}: {json.dumps(sent)[:120]} sent, {json.dumps(server)[:120]} the server's"]
    return []


def _at(data: dict[str, Any], path: tuple[str, ...], default: Any) -> Any:
    """The value at ``path`` (``default`` where it is missing or null; a non-object on the way is
    returned as it is, for the caller to refuse)."""
    value: Any = data
    for key in path:
        if not isinstance(value, dict):
            return value
        value = value.get(key)
        if value is None:
            return default
    return value


def _version() -> str:
    from .. import __version__

    return __version__


def _read(fd: int) -> bytes:
    try:
        return os.read(fd, CHUNK)
    except OSError:
        return b""


def _write(fd: int, data: bytes) -> None:
    try:
        while data:
            data = data[os.write(fd, data) :]
    except OSError as exc:  # the client is gone: the server finds out when it writes
        sys.stderr.write(f"flare-ls: could not answer initialize: {exc}\n")
