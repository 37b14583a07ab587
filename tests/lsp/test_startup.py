"""The answer to ``initialize`` written before the server loads (``lsp/startup.py``), on the real process.

Whatever comes first, the client gets one answer per request, the bytes read before the server loaded
reach it whole, and a wrong early answer is reported (which fails every session of ``conftest.py``).
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from flare_ls.lsp.startup import MISMATCH

from .conftest import SCRATCH, initialize, server_config
from .test_protocol_abuse import MANIFEST, URI, RawServer, frame

INITIALIZE = {"processId": None, "rootUri": SCRATCH.as_uri(), "capabilities": {}}


def everything(server: RawServer) -> list[dict[str, Any]]:
    """Every message the server sent, once it has shut down (``RawServer.close``)."""
    while True:
        try:
            server.seen.append(server.messages.get(timeout=1))
        except queue.Empty:
            return server.seen


def answers(server: RawServer, request_id: int) -> list[dict[str, Any]]:
    return [m for m in everything(server) if "method" not in m and m.get("id") == request_id]


def reports(server: RawServer) -> list[str]:
    logged = [m["params"]["message"] for m in everything(server) if m.get("method") == "window/logMessage"]
    return [message for message in logged if MISMATCH in message]


def test_initialize_is_answered_once() -> None:
    server = RawServer()
    server.request(0, "initialize", {**INITIALIZE, "capabilities": {"general": {"positionEncodings": ["utf-32"]}}})
    assert server.response(0)["result"]["capabilities"]["positionEncoding"] == "utf-32"
    server.notify("initialized", {})
    server.alive(1)
    assert server.close() == 0
    assert len(answers(server, 0)) == 1 and not reports(server)


def test_what_arrives_with_initialize_is_served() -> None:
    """initialize, initialized and didOpen in one write: the bytes read with initialize reach the loop."""
    server = RawServer()
    document = {"uri": URI, "languageId": "yaml", "version": 1, "text": MANIFEST}
    server.send(
        frame({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": INITIALIZE})
        + frame({"jsonrpc": "2.0", "method": "initialized", "params": {}})
        + frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": document}})
    )
    assert "result" in server.response(0)
    assert server.published(1)["diagnostics"]
    assert server.close() == 0
    assert len(answers(server, 0)) == 1 and not reports(server)


def test_a_second_initialize_is_answered_by_the_server() -> None:
    server = RawServer()
    server.request(0, "initialize", INITIALIZE)
    server.request(1, "initialize", {**INITIALIZE, "capabilities": {"general": {"positionEncodings": ["utf-8"]}}})
    assert server.response(0)["result"]["capabilities"]["positionEncoding"] == "utf-16"
    assert server.response(1)["result"]["capabilities"]["positionEncoding"] == "utf-8"
    assert server.close() == 0
    assert len(answers(server, 0)) == 1 and len(answers(server, 1)) == 1 and not reports(server)


@pytest.mark.parametrize(
    "first",
    [
        frame({"jsonrpc": "2.0", "id": 5, "method": "textDocument/documentSymbol", "params": {"textDocument": {}}}),
        frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
        frame(b'{"jsonrpc": "2.0", "id": 5, "method": '),
        frame({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": INITIALIZE}, 10**30),
        frame({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": INITIALIZE}, "abc"),
        b"X-Junk: " + b"a" * 100_000 + b"\r\n\r\n",
        b"hello\r\n\r\n",
    ],
    ids=["another request", "a notification", "not JSON", "a huge length", "no length", "a huge header", "garbage"],
)
def test_what_comes_first_otherwise_is_served_as_before(first: bytes) -> None:
    server = RawServer()
    server.send(first)
    server.request(0, "initialize", INITIALIZE)
    assert "result" in server.response(0)
    server.notify("initialized", {})
    server.alive(1)
    assert server.close() == 0
    assert len(answers(server, 0)) == 1 and not reports(server)


def test_shutdown_first_is_answered_and_exit_ends() -> None:
    server = RawServer()
    server.request(0, "shutdown", None)
    assert server.response(0) == {"id": 0, "jsonrpc": "2.0", "result": None}
    server.notify("exit", None)
    assert server.process.wait(20) == 0


@pytest.mark.parametrize(
    "data", [b"", frame({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": INITIALIZE})]
)
def test_the_end_of_input_ends_the_server_quietly(data: bytes) -> None:
    """Standard input closed before initialize, or right after it: exit 1 (no exit was sent), no traceback."""
    done = subprocess.run(
        [sys.executable, "-m", "flare_ls"], input=data, capture_output=True, timeout=60, env=dict(os.environ)
    )
    assert done.returncode == 1 and done.stderr == b""
    if data:
        assert done.stdout.count(b'"id": 0') == 1 and json.loads(done.stdout.split(b"\r\n\r\n", 1)[1])["result"]


@pytest_lsp.fixture(config=server_config({**os.environ, "FLARE_LS_INJECT_FAULT": "early_answer"}))
async def misanswered(lsp_client: LanguageClient):
    """A server whose early answer leaves hover out (a fault injected), as a server whose features
    changed without ``initialize.json`` being recorded again would."""
    capabilities = pytest_lsp.client_capabilities("visual-studio-code")
    await initialize(lsp_client, types.InitializeParams(capabilities=capabilities, process_id=None))
    yield


async def test_a_wrong_early_answer_is_reported_and_fails_the_session(misanswered: LanguageClient) -> None:
    assert misanswered.server_info.capabilities.hover_provider is None  # type: ignore[attr-defined]
    await misanswered.shutdown_async(None)  # answered after the report: the report has arrived
    logged = [m.message for m in misanswered.log_messages if MISMATCH in m.message]
    assert len(logged) == 1 and "hoverProvider: only in the server's" in logged[0]
    misanswered.exit(None)
    with pytest.raises(AssertionError, match="not the one sent early"):
        await misanswered.stop()  # what the fixtures of conftest.py do at the end of every session
    misanswered.log_messages.clear()  # this fixture's own stop passes
