"""Settings, position encodings and robustness of the server process."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import attrs
import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from golden import EXAMPLES

from .conftest import (
    ROOT,
    SERVER,
    diagnostics,
    encoding,
    initialize,
    open_document,
    server_config,
    units,
    until,
    uri_for,
)

KAFKA = (EXAMPLES / "seed" / "06-kafka-lakehouse-insights.yaml").read_text(encoding="utf-8")
EMOJI_LINE = '              extraOptions: {note: "naïve 😀 café"}\n'


def capabilities(encoding: str | None = None) -> types.ClientCapabilities:
    caps = pytest_lsp.client_capabilities("visual-studio-code")
    if encoding is not None:
        caps = attrs.evolve(caps, general=types.GeneralClientCapabilities(position_encodings=[encoding]))
    return caps


@pytest_lsp.fixture(config=server_config(), params=["utf-8", "utf-16", "utf-32"])
async def encoded(lsp_client: LanguageClient, request):
    await initialize(lsp_client, types.InitializeParams(capabilities=capabilities(request.param)))
    yield
    await lsp_client.shutdown_session()


async def test_positions_after_non_bmp_text_in_each_encoding(encoded: LanguageClient) -> None:
    """An emoji and accents before a diagnostic on the same line, in the negotiated encoding."""
    lsp_client = encoded
    wanted = lsp_client.capabilities.general.position_encodings[0]
    assert encoding(lsp_client) == wanted
    prefix = '            streaming: {checkpointLocation: "dataos://lakehouse:c/ördér-😀?acl=rw", triggerMode: '
    text = KAFKA.replace(
        "            streaming:\n              triggerMode: Continous\n", prefix + "Continous}\n"
    ).replace("              checkpointLocation: dataos://lakehouse:sys01/if_kafka_raw/if_kafka_raw_ip_chkpt\n", "")
    text = text.replace("              showPreviewLines: 20\n", "")
    uri = uri_for(f"encoding-{wanted}.yaml")
    open_document(lsp_client, uri, text)
    typo = next(d for d in await diagnostics(lsp_client, uri, 1) if d.code == "FL102")
    expected = units(lsp_client, prefix)
    line = next(n for n, t in enumerate(text.splitlines()) if t.startswith(prefix))
    assert typo.range.start == types.Position(line=line, character=expected)
    assert typo.range.end.character - typo.range.start.character == len("Continous")
    # The same column, sent back, lands on the value: hover and completion read client units too.
    hover = await lsp_client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=typo.range.start)
    )
    assert hover is not None and hover.range == typo.range


@pytest_lsp.fixture(config=server_config())
async def configured(lsp_client: LanguageClient):
    lsp_client.set_configuration(
        {"rules": {"ignore": ["long-job-name"], "severity": {"FL102": "warning"}}}, section="flare-ls"
    )
    await initialize(
        lsp_client,
        types.InitializeParams(
            capabilities=capabilities(),
            initialization_options={"rules": {"ignore": ["FL308"], "select": ["FL1", "FL3"], "bogus": 1}},
        ),
    )
    yield
    await lsp_client.shutdown_session()


async def test_settings_are_validated_and_applied(configured: LanguageClient) -> None:
    lsp_client = configured
    uri = uri_for("settings.yaml")
    open_document(lsp_client, uri, KAFKA)
    await diagnostics(lsp_client, uri, 1)
    # The bad initializationOptions are reported (once the server has loaded: initialize is answered
    # before, so the report follows the answer) and the defaults used ...
    assert any("bogus" in m.message and m.type == types.MessageType.Warning for m in lsp_client.messages)
    # ... then workspace/configuration brings the user's settings: FL306 ignored, FL102 a warning.

    def settled(every):  # the newest publish for the document, once the user's settings apply
        latest = next((p for p in reversed(every) if p.uri == uri), None)
        return latest if latest is not None and all(d.code != "FL306" for d in latest.diagnostics) else None

    codes = {d.code: d.severity for d in (await until(lsp_client, settled)).diagnostics}
    assert codes["FL102"] == types.DiagnosticSeverity.Warning
    assert "FL308" in codes  # the ignore came from the rejected initializationOptions: not applied


@pytest_lsp.fixture(config=server_config({**os.environ, "FLARE_LS_INJECT_FAULT": "hover,did_open"}))
async def faulty(lsp_client: LanguageClient):
    await initialize(lsp_client, types.InitializeParams(capabilities=capabilities()))
    yield
    await lsp_client.shutdown_session()


async def test_a_failing_handler_is_logged_and_answers_empty(faulty: LanguageClient) -> None:
    lsp_client = faulty
    uri = uri_for("faulty.yaml")
    open_document(lsp_client, uri, KAFKA)  # did_open fails: logged, the server lives on
    hover = await lsp_client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(21, 18))
    )
    assert hover is None
    assert any("hover failed: RuntimeError: fault injected" in m.message for m in lsp_client.log_messages)
    assert any("did_open failed" in m.message for m in lsp_client.log_messages)
    completion = await lsp_client.text_document_completion_async(
        types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(21, 27))
    )
    assert completion is not None  # other handlers still answer


@pytest_lsp.fixture(config=server_config(), params=["visual-studio-code"])
async def plain(lsp_client: LanguageClient, request):
    await initialize(lsp_client, types.InitializeParams(capabilities=capabilities()))
    yield
    await lsp_client.shutdown_session()


JUNK = [
    "",
    "\x00\x01\x02 binary \xff",
    "workflow:\n  dag:\n" + "    - spec: {stack: flare:7.0, stackSpec: {job: {inputs: [" * 50,
    "a: " + "[" * 2000,
    "😀" * 5000,
]


@pytest.mark.parametrize("text", JUNK, ids=range(len(JUNK)))
async def test_no_content_kills_the_server(plain: LanguageClient, text: str) -> None:
    lsp_client = plain
    uri = uri_for("junk.yaml")
    open_document(lsp_client, uri, text)
    await diagnostics(lsp_client, uri, 1)
    position = types.Position(line=10_000, character=10_000)  # far outside the text
    ident = types.TextDocumentIdentifier(uri=uri)
    await lsp_client.text_document_hover_async(types.HoverParams(text_document=ident, position=position))
    await lsp_client.text_document_completion_async(types.CompletionParams(text_document=ident, position=position))
    await lsp_client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=ident))
    unopened = types.TextDocumentIdentifier(uri=uri_for("never-opened.yaml"))
    assert (
        await lsp_client.text_document_hover_async(types.HoverParams(text_document=unopened, position=position)) is None
    )
    # Still alive and answering.
    assert (
        await lsp_client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=ident))
        is not None
    )


def _message(payload: dict) -> bytes:
    body = json.dumps(payload).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def _start(process_id: int | None) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(SERVER, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    assert server.stdin is not None
    init = {"processId": process_id, "rootUri": None, "capabilities": {}}
    server.stdin.write(_message({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": init}))
    server.stdin.write(_message({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
    server.stdin.flush()
    return server


def test_exit_without_shutdown_ends_the_server() -> None:
    server = _start(None)
    assert server.stdin is not None
    server.stdin.write(_message({"jsonrpc": "2.0", "method": "exit"}))
    server.stdin.flush()
    assert server.wait(timeout=20) == 1  # exit before shutdown: code 1, as the protocol says


def test_a_vanished_parent_process_ends_the_server() -> None:
    parent = subprocess.Popen([sys.executable, "-c", "pass"])
    parent.wait()
    server = _start(parent.pid)
    try:
        server.wait(timeout=20)
    finally:
        if server.poll() is None:
            server.kill()
    assert server.returncode is not None


def test_version_and_stdio_flag() -> None:
    version = subprocess.run([*SERVER, "--version"], capture_output=True, text=True, timeout=30)
    assert version.returncode == 0 and version.stdout.startswith("flare-ls 0.")
    server = subprocess.Popen([*SERVER, "--stdio"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=ROOT)
    out, _ = server.communicate(
        _message({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}), timeout=30
    )
    assert b'"serverInfo": {"name": "flare-ls"' in out or b'"name":"flare-ls"' in out.replace(b" ", b"")


def test_check_path_does_not_import_the_lsp_stack() -> None:
    code = (
        "import sys; from flare_ls.cli import main; main(['--check', sys.argv[1]]) if False else None;"
        "import flare_ls.cli, flare_ls.analyze; flare_ls.cli.run_check"
        "([__import__('pathlib').Path(sys.argv[1])], 'json', 'never', open('/dev/null', 'w'));"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pygls', 'lsprotocol')))"
    )
    result = subprocess.run([sys.executable, "-c", code, str(EXAMPLES)], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "[]", result.stderr


@pytest_lsp.fixture(config=server_config())
async def init_only(lsp_client: LanguageClient):
    # No configuration for "flare-ls" on the client side: workspace/configuration answers null.
    await initialize(
        lsp_client,
        types.InitializeParams(
            capabilities=capabilities(), initialization_options={"rules": {"ignore": ["long-job-name"]}}
        ),
    )
    yield
    await lsp_client.shutdown_session()


async def test_an_empty_configuration_answer_keeps_the_initialization_options(init_only: LanguageClient) -> None:
    uri = uri_for("init-only.yaml")
    open_document(init_only, uri, KAFKA)
    codes = {d.code for d in await diagnostics(init_only, uri, 1)}
    assert "FL102" in codes and "FL306" not in codes


@pytest_lsp.fixture(config=server_config())
async def pulling(lsp_client: LanguageClient):
    lsp_client.set_configuration({"rules": {"ignore": ["FL306"]}}, section="flare-ls")
    await initialize(lsp_client, types.InitializeParams(capabilities=pytest_lsp.client_capabilities("neovim@v0.11.0")))
    yield
    await lsp_client.shutdown_session()


async def test_the_first_pull_already_uses_the_clients_settings(pulling: LanguageClient) -> None:
    """Neovim pulls at once and cannot be asked to pull again: the first answer must be right."""
    uri = uri_for("first-pull.yaml")
    open_document(pulling, uri, KAFKA)
    codes = {d.code for d in await diagnostics(pulling, uri, 1)}
    assert "FL102" in codes and "FL306" not in codes
