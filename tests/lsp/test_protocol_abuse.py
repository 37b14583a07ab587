"""The server against a client that breaks the protocol: raw bytes on the real process's stdin.

Each test here failed against pygls's own transport (the server exited, or never answered again),
or against its protocol (no answer to a request it could not read, or after ``shutdown``).
"""

from __future__ import annotations

import asyncio
import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from flare_ls.lsp.worker import Superseded, Worker

ROOT = Path(__file__).resolve().parents[2]
WAIT = 20.0
MANIFEST = """version: v1
name: wf-abuse
type: workflow
workflow:
  dag:
    - name: job-one
      spec:
        stack: flare:6.0
        stackSpec:
          job:
            explain: true
            inputs:
              - name: orders
                dataset: dataos://icebase:retail/orders
                format: iceberg
            outputs:
              - name: orders
                dataset: dataos://icebase:retail/orders_out?acl=rw
                format: iceberg
"""
URI = (ROOT / "tests" / "lsp" / "scratch" / "abuse.yaml").as_uri()


def frame(message: dict[str, Any] | bytes, length: object = None) -> bytes:
    body = message if isinstance(message, bytes) else json.dumps(message).encode()
    return f"Content-Length: {len(body) if length is None else length}\r\n\r\n".encode() + body


class RawServer:
    """The server process, written to in bytes; what it sends is read into a queue of messages."""

    def __init__(self, env: dict[str, str] | None = None) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "flare_ls"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={**os.environ, **(env or {})},
        )
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self.seen: list[dict[str, Any]] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        out = self.process.stdout
        assert out is not None
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    return
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
                elif line == b"\r\n" and length is not None:
                    break
            self.messages.put(json.loads(out.read(length)))

    def send(self, data: bytes) -> None:
        stdin = self.process.stdin
        assert stdin is not None
        stdin.write(data)
        stdin.flush()

    def request(self, request_id: int, method: str, params: object) -> None:
        self.send(frame({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params}))

    def notify(self, method: str, params: object) -> None:
        self.send(frame({"jsonrpc": "2.0", "method": method, "params": params}))

    def wait_for(self, matches: Any) -> dict[str, Any]:
        for message in self.seen:
            if matches(message):
                return message
        deadline = time.monotonic() + WAIT
        while True:
            message = self.messages.get(timeout=max(0.01, deadline - time.monotonic()))
            self.seen.append(message)
            if matches(message):
                return message

    def response(self, request_id: int | None) -> dict[str, Any]:
        return self.wait_for(lambda m: "method" not in m and m.get("id") == request_id)

    def published(self, version: int, uri: str = URI) -> dict[str, Any]:
        return self.wait_for(
            lambda m: (
                m.get("method") == "textDocument/publishDiagnostics"
                and m["params"]["uri"] == uri
                and m["params"].get("version") == version
            )
        )["params"]

    def initialize(self, pull: bool = False) -> None:
        caps: dict[str, Any] = {"textDocument": {"diagnostic": {}}} if pull else {}
        self.request(0, "initialize", {"processId": None, "rootUri": ROOT.as_uri(), "capabilities": caps})
        assert "result" in self.response(0)
        self.notify("initialized", {})

    def open(self, text: str, version: int = 1, uri: str = URI) -> None:
        document = {"uri": uri, "languageId": "yaml", "version": version, "text": text}
        self.notify("textDocument/didOpen", {"textDocument": document})

    def alive(self, request_id: int) -> None:
        """The server still reads and answers well-formed messages."""
        self.request(request_id, "textDocument/documentSymbol", {"textDocument": {"uri": URI}})
        assert "result" in self.response(request_id)

    def close(self) -> int:
        self.request(99_999, "shutdown", None)
        self.response(99_999)
        self.notify("exit", None)
        try:
            return self.process.wait(WAIT)
        finally:
            self.process.kill()


@pytest.fixture
def server():
    raw = RawServer()
    raw.initialize()
    raw.open(MANIFEST)
    yield raw
    if raw.process.poll() is None:
        raw.process.kill()


@pytest.mark.parametrize("length", [10**30, 2**40, 200 * 1024 * 1024])
def test_huge_content_length_is_skipped(server: RawServer, length: int) -> None:
    server.send(frame(b'{"jsonrpc": "2.0", "id": 1, "method": "shutdown"}', length))
    server.alive(2)
    assert server.process.poll() is None
    assert server.close() == 0


@pytest.mark.parametrize("length", ["-5", "abc", "", "0x20", "1e3"])
def test_unusable_content_length_is_skipped(server: RawServer, length: str) -> None:
    server.send(frame({"jsonrpc": "2.0", "id": 1, "method": "shutdown"}, length))
    server.alive(2)
    assert server.close() == 0


def test_short_content_length_is_answered_with_a_parse_error(server: RawServer) -> None:
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "textDocument/documentSymbol", "params": {}})
    server.send(frame(body.encode(), len(body) - 10))
    assert server.response(None)["error"]["code"] == -32700
    server.alive(2)


def test_long_content_length_ends_at_the_next_frame(server: RawServer) -> None:
    params = {"textDocument": {"uri": URI}}
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "textDocument/documentSymbol", "params": params})
    server.send(frame(body.encode(), len(body) + 500))
    server.alive(2)
    assert "result" in server.response(1)  # its body was whole: it is served too


def test_bad_json_and_non_messages_are_answered(server: RawServer) -> None:
    server.send(frame(b'{"jsonrpc": "2.0", "id": 1, "method": '))
    parse_error = server.response(None)
    assert parse_error["error"]["code"] == -32700 and "id" in parse_error  # JSON-RPC: `"id": null`
    server.send(frame(b"\xff\xfe not utf-8"))
    server.send(frame(b"[1, 2]"))
    server.send(frame({"id": 3, "method": "textDocument/hover"}))
    assert server.response(3)["error"]["code"] == -32600
    server.alive(4)


def test_garbage_between_frames_is_skipped(server: RawServer) -> None:
    server.send(b"hello\r\n\r\nX-Junk: 1\r\n\r\n")
    server.alive(2)


def test_invalid_params_are_answered(server: RawServer) -> None:
    server.request(1, "textDocument/hover", {"textDocument": 5})
    assert server.response(1)["error"]["code"] == -32602
    server.request(2, "textDocument/hover", {"textDocument": {"uri": URI}, "position": {"line": -1, "character": 0}})
    assert server.response(2)["error"]["code"] == -32602
    server.request(3, "textDocument/codeAction", None)
    assert server.response(3)["error"]["code"] == -32602
    far = {"textDocument": {"uri": URI}, "position": {"line": 2**31 - 1, "character": 2**31 - 1}}
    for request_id, method in enumerate(["textDocument/hover", "textDocument/completion", "textDocument/definition"]):
        server.request(10 + request_id, method, far)
        assert "result" in server.response(10 + request_id)
    server.alive(20)


def test_requests_after_shutdown_are_invalid(server: RawServer) -> None:
    server.request(1, "shutdown", None)
    assert server.response(1)["result"] is None
    server.request(2, "textDocument/documentSymbol", {"textDocument": {"uri": URI}})
    assert server.response(2)["error"]["code"] == -32600
    server.notify("exit", None)
    assert server.process.wait(WAIT) == 0


def test_a_lone_surrogate_is_published(server: RawServer) -> None:
    server.open(MANIFEST.replace("wf-abuse", "wf-\ud800"), uri=URI + ".2")
    assert server.published(1, URI + ".2")["diagnostics"] is not None


def test_a_failing_analysis_publishes_fl900() -> None:
    raw = RawServer(env={"FLARE_LS_INJECT_FAULT": "analysis"})
    try:
        raw.initialize()
        raw.open(MANIFEST)
        (found,) = raw.published(1)["diagnostics"]
        assert found["code"] == "FL900"
        raw.alive(5)
    finally:
        raw.process.kill()


def _big_manifest() -> str:
    return MANIFEST + "".join(f"# padding line {n} {'x' * 60}\n" for n in range(20_000))


def test_a_big_document_is_published_for_its_newest_version_only() -> None:
    raw = RawServer()
    try:
        raw.initialize()
        raw.open(_big_manifest())
        change = {"range": {"start": {"line": 1, "character": 6}, "end": {"line": 1, "character": 8}}, "text": "WF"}
        raw.notify("textDocument/didChange", {"textDocument": {"uri": URI, "version": 2}, "contentChanges": [change]})
        raw.alive(2)  # answered while the big document is analysed
        assert any(d["code"] == "FL305" for d in raw.published(2)["diagnostics"])
        assert raw.close() == 0
        published = [m["params"] for m in raw.seen if m.get("method") == "textDocument/publishDiagnostics"]
        assert 1 not in [p.get("version") for p in published]
    finally:
        raw.process.kill()


def test_cancel_request_stops_a_pulled_analysis() -> None:
    raw = RawServer()
    try:
        raw.initialize(pull=True)
        raw.open(_big_manifest())
        raw.request(7, "textDocument/diagnostic", {"textDocument": {"uri": URI}})
        raw.notify("$/cancelRequest", {"id": 7})
        assert raw.response(7)["error"]["code"] == -32800
        raw.alive(8)
    finally:
        raw.process.kill()


async def test_the_worker_stops_a_job_nobody_waits_for() -> None:
    worker = Worker()
    started = threading.Event()
    ended = threading.Event()

    def spin() -> None:
        started.set()
        try:
            while True:
                sum(range(100))
        finally:
            ended.set()

    task = asyncio.ensure_future(worker.run("doc", 1, spin))
    await asyncio.to_thread(started.wait, WAIT)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await asyncio.to_thread(ended.wait, WAIT)
    assert worker.jobs == {}


async def test_the_worker_stops_an_older_version() -> None:
    worker = Worker()
    started = threading.Event()

    def spin() -> int:
        started.set()
        while True:
            sum(range(100))

    older = asyncio.ensure_future(worker.run("doc", 1, spin))
    await asyncio.to_thread(started.wait, WAIT)
    assert await worker.run("doc", 2, lambda: 2) == 2
    with pytest.raises(Superseded):
        await older


def test_websocket_clients_are_answered_too() -> None:
    """Over WebSocket (the ws extra) as over stdio: invalid params and bad JSON get their error
    (pygls's own WebSocket loop logged them and answered nothing)."""
    pytest.importorskip("websockets", reason="the ws extra (websockets) is not installed")
    import socket

    from websockets.sync.client import connect

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "flare_ls", "server", "--ws", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + WAIT
        while True:
            try:
                websocket = connect(f"ws://127.0.0.1:{port}", open_timeout=2)
                break
            except OSError:
                assert process.poll() is None, process.stderr.read() if process.stderr else ""
                assert time.monotonic() < deadline, "the WebSocket server did not start"
                time.sleep(0.1)
        with websocket:
            initialize = {"processId": None, "rootUri": None, "capabilities": {}}
            websocket.send(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": initialize}))

            def reply() -> dict[str, Any]:
                """The next answer (notifications such as log messages skipped)."""
                while True:
                    message = json.loads(websocket.recv(timeout=WAIT))
                    if "method" not in message:
                        return message

            assert reply()["id"] == 1
            bad_params = {"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover", "params": {"textDocument": 5}}
            websocket.send(json.dumps(bad_params))
            answer = reply()
            assert answer["id"] == 2 and answer["error"]["code"] == -32602, answer
            websocket.send(b"{not json")
            answer = reply()
            assert answer["id"] is None and answer["error"]["code"] == -32700, answer
    finally:
        process.kill()
        process.wait(timeout=WAIT)
