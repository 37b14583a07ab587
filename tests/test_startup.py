"""The answer to ``initialize`` written before the server loads (``lsp/startup.py``), against pygls's.

The end-to-end tests check the same in every session they start (``tests/lsp/conftest.py``); here the
answers are compared byte for byte over many clients, and the reading of the first frame against the
message loop's reader.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp

from flare_ls.lsp import record_initialize, startup
from flare_ls.lsp.framing import MAX_HEADER_BYTES
from flare_ls.lsp.record_initialize import initialize_request, server_answer
from flare_ls.lsp.transport import FrameReader

#: The clients whose capabilities pytest-lsp recorded (VS Code, Neovim 0.6-0.11, Emacs).
RECORDED_CLIENTS = sorted((Path(pytest_lsp.__file__).parent / "clients").glob("*.json"))
FOLDER = {"uri": "file:///work/project", "name": "project"}
VARIANTS: dict[str, dict[str, Any]] = {
    "nothing offered": initialize_request({}),
    "utf-8": initialize_request({"general": {"positionEncodings": ["utf-8"]}}),
    "utf-16": initialize_request({"general": {"positionEncodings": ["utf-16"]}}),
    "utf-32": initialize_request({"general": {"positionEncodings": ["utf-32"]}}),
    "utf-32 before utf-8": initialize_request({"general": {"positionEncodings": ["utf-32", "utf-8"]}}),
    "none pygls knows": initialize_request({"general": {"positionEncodings": ["utf-7", "UTF-8"]}}),
    "an empty list": initialize_request({"general": {"positionEncodings": []}}),
    "workspace folders": initialize_request(
        {"workspace": {"workspaceFolders": True}}, workspaceFolders=[FOLDER], rootUri=FOLDER["uri"]
    ),
    "no workspace folders": initialize_request({"workspace": {"workspaceFolders": False}}, workspaceFolders=None),
    "a root path only": initialize_request({}, rootPath="/work/project"),
    "initializationOptions": initialize_request(
        {"general": {"positionEncodings": ["utf-8"]}}, initializationOptions={"flare-ls": {"severity": {}}}
    ),
    "settings that are not read": initialize_request({}, initializationOptions={"unknown": [1, 2]}),
    "a string id": {**initialize_request({}), "id": "init-1"},
    "prepareSupport": initialize_request({"textDocument": {"rename": {"prepareSupport": True}}}),
    "willSave": initialize_request(
        {"textDocument": {"synchronization": {"willSave": True, "willSaveWaitUntil": False}}}
    ),
    "clientInfo, locale and trace": initialize_request(
        {}, clientInfo={"name": "éditeur ☃", "version": "1"}, locale="fr", trace="verbose", processId=1234
    ),
}


def _recorded_client(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    params = {"clientInfo": data["clientInfo"], "rootUri": FOLDER["uri"], "workspaceFolders": [FOLDER]}
    return initialize_request(data["capabilities"], **params)


CLIENTS = {**VARIANTS, **{path.stem: _recorded_client(path) for path in RECORDED_CLIENTS}}


def test_the_recorded_answer_is_the_servers() -> None:
    """initialize.json is what the server answers now: a feature added or changed fails here until
    ``python -m flare_ls.lsp.record_initialize`` records it again."""
    assert Path(startup.RECORDED).read_text(encoding="utf-8") == record_initialize.render(), (
        "server/flare_ls/lsp/initialize.json is stale: run `python -m flare_ls.lsp.record_initialize`"
    )


@pytest.mark.parametrize("request_", CLIENTS.values(), ids=CLIENTS.keys())
def test_the_early_answer_is_the_one_pygls_writes(request_: dict[str, Any]) -> None:
    early = startup.early_answer(request_, startup.load_recorded())
    assert early is not None
    assert startup.frame(early) == server_answer(request_)  # the same bytes, key order included


def test_the_clients_compared_negotiate_every_encoding() -> None:
    assert len(RECORDED_CLIENTS) >= 5  # pytest-lsp still ships them
    recorded = startup.load_recorded()
    answers = [startup.early_answer(request, recorded) for request in CLIENTS.values()]
    assert {a["result"]["capabilities"]["positionEncoding"] for a in answers if a} == {"utf-8", "utf-16", "utf-32"}


NOT_EARLY = {
    "another method": {"jsonrpc": "2.0", "id": 1, "method": "shutdown"},
    "a notification": {"jsonrpc": "2.0", "method": "initialize", "params": {"processId": None, "capabilities": {}}},
    "no jsonrpc": {"id": 1, "method": "initialize", "params": {"processId": None, "capabilities": {}}},
    "a boolean id": {**initialize_request({}), "id": True},
    "an error": {**initialize_request({}), "error": {"code": 1, "message": "?"}},
    "a null id": {**initialize_request({}), "id": None},
    "no processId": {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}},
    "a processId not a number": initialize_request({}, processId="12"),
    "no capabilities": {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"processId": None}},
    "params a list": {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": [None, {}]},
    "textDocument not an object": initialize_request({"textDocument": 5}),
    "positionEncodings a string": initialize_request({"general": {"positionEncodings": "utf-8"}}),
    "a flag not a boolean": initialize_request({"textDocument": {"rename": {"prepareSupport": 1}}}),
    "not an object": [1, 2],
}


@pytest.mark.parametrize("message", NOT_EARLY.values(), ids=NOT_EARLY.keys())
def test_what_is_not_a_plain_initialize_is_left_to_the_server(message: Any) -> None:
    assert startup.early_answer(message, startup.load_recorded()) is None


def test_without_the_recording_nothing_is_answered_early(tmp_path: Path) -> None:
    assert startup.load_recorded(str(tmp_path / "missing.json")) is None
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    assert startup.load_recorded(str(tmp_path / "broken.json")) is None
    assert startup.early_answer(initialize_request({}), None) is None


def _frame(message: dict[str, Any] | bytes, length: object = None) -> bytes:
    body = message if isinstance(message, bytes) else json.dumps(message).encode()
    return f"Content-Length: {len(body) if length is None else length}\r\n\r\n".encode() + body


INITIALIZE = _frame(initialize_request({}))
OPEN = _frame({"jsonrpc": "2.0", "method": "initialized", "params": {}})
STREAMS = {
    "initialize alone": INITIALIZE,
    "initialize and more": INITIALIZE + OPEN + OPEN,
    "headers of any case, and a content type": INITIALIZE.replace(b"Content-Length", b"content-LENGTH").replace(
        b"\r\n\r\n", b"\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n", 1
    ),
    "whitespace first": b"\r\n " + INITIALIZE,
    "garbage first": b"hello\r\n" + INITIALIZE,
    "a header block without a length": b"X-Junk: 1\r\n\r\n" + INITIALIZE,
    "a huge header": b"X-Junk: " + b"a" * (MAX_HEADER_BYTES * 3) + b"\r\n\r\n" + INITIALIZE,
    "a huge length": _frame(initialize_request({}), 10**30) + OPEN,
    "a negative length": _frame(initialize_request({}), -5) + INITIALIZE,
    "a long length": _frame(json.dumps(initialize_request({})).encode(), len(json.dumps(initialize_request({}))) + 40)
    + OPEN,
    "a short length": _frame(json.dumps(initialize_request({})).encode(), 30) + OPEN,
    "not JSON": _frame(b'{"jsonrpc": "2.0", "id": 1, "method": ') + INITIALIZE,
    "not UTF-8": _frame(b"\xff\xfe") + INITIALIZE,
    "the end within the header": INITIALIZE[:10],
    "the end within the body": INITIALIZE[:-5],
    "nothing": b"",
    "nested too deep": _frame(b"[" * 20_000 + b"]" * 20_000) + INITIALIZE,
}


def _chunked(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


async def _first_frame(chunks: list[bytes]) -> Any:
    pending = list(chunks)

    async def read() -> bytes:
        return pending.pop(0) if pending else b""

    return await FrameReader(read).next()


@pytest.mark.parametrize("size", [1, 7, 65536])
@pytest.mark.parametrize("stream", STREAMS.values(), ids=STREAMS.keys())
def test_the_first_message_is_read_as_the_message_loop_reads_it(stream: bytes, size: int) -> None:
    """What is read is handed over whole, and a message read early is the first the loop would read:
    else the early reader gives up and the loop meets the bytes as it always did."""
    chunks = _chunked(stream, size)
    pending = list(chunks)
    read, message = startup.read_first_message(lambda: pending.pop(0) if pending else b"")
    assert stream.startswith(read) and read == b"".join(chunks[: len(chunks) - len(pending)])
    if message is not None:
        loop_reads = asyncio.run(_first_frame(chunks))
        assert isinstance(loop_reads, bytes) and json.loads(loop_reads) == message


def test_well_formed_streams_are_read_early() -> None:
    """The cases above that must not merely give up."""
    for name in ("initialize alone", "initialize and more", "headers of any case, and a content type"):
        _, message = startup.read_first_message(iter([STREAMS[name], b""]).__next__)
        assert message == initialize_request({}), name
    _, message = startup.read_first_message(iter([b"\r\n " + INITIALIZE, b""]).__next__)
    assert message == initialize_request({})


class Capture:
    def __init__(self) -> None:
        self.written: list[dict[str, Any]] = []

    def write(self, data: bytes) -> None:
        self.written.append(json.loads(data.split(b"\r\n\r\n", 1)[1]))

    def close(self) -> None:
        pass


def _serve_initialize(sent: dict[str, Any]) -> list[dict[str, Any]]:
    """What a server writes for the initialize answered early with ``sent``."""
    from flare_ls.lsp.server import create_server
    from flare_ls.lsp.transport import dispatch

    server = create_server()
    capture = Capture()
    server.protocol.set_writer(capture)
    server.wire.answered_early = sent
    dispatch(server.protocol, json.dumps(initialize_request({})).encode())
    dispatch(server.protocol, json.dumps(initialize_request({})).encode())  # a second initialize
    return capture.written


def test_the_servers_answer_is_not_sent_again() -> None:
    sent = startup.early_answer(initialize_request({}), startup.load_recorded())
    assert sent is not None
    written = _serve_initialize(sent)
    assert [m.get("id") for m in written] == [1]  # the second initialize's answer: the first is dropped
    assert not [m for m in written if m.get("method") == "window/logMessage"]


def test_a_different_early_answer_is_reported() -> None:
    sent = startup.early_answer(initialize_request({}), startup.load_recorded())
    assert sent is not None
    sent["result"]["capabilities"]["positionEncoding"] = "utf-8"
    sent["result"]["capabilities"]["change"] = 1
    written = _serve_initialize(sent)
    logged = [m["params"]["message"] for m in written if m.get("method") == "window/logMessage"]
    assert len(logged) == 1 and startup.MISMATCH in logged[0]
    assert ".result.capabilities.positionEncoding" in logged[0] and ".result.capabilities.change" in logged[0]
    assert [m.get("id") for m in written if "method" not in m] == [1]


def test_differences_are_json_differences() -> None:
    assert startup.differences({"a": [1, {"b": True}]}, {"a": [1, {"b": True}]}) == []
    assert startup.differences({"a": 1}, {"a": True}) != []
    assert startup.differences({"a": 1}, {"a": 1.0}) != []
    assert startup.differences({"a": 1}, {"b": 1}) == [".a: only in the answer sent", ".b: only in the server's"]
