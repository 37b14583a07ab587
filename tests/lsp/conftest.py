"""End-to-end fixtures: the real server process, driven by pytest-lsp's client.

Every test using ``client`` runs twice, with the recorded capabilities of VS Code (which is pushed
diagnostics) and of Neovim 0.11 (which pulls them and prefers UTF-8 positions).
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

ROOT = Path(__file__).resolve().parents[2]
SERVER = [sys.executable, "-m", "flare_ls"]
CLIENTS = ["visual-studio-code", "neovim@v0.11.0"]


def server_config(env: dict[str, str] | None = None) -> ClientServerConfig:
    return ClientServerConfig(server_command=SERVER, server_env=env)


@pytest_lsp.fixture(config=server_config(), params=CLIENTS)
async def client(lsp_client: LanguageClient, request):
    await initialize(
        lsp_client,
        types.InitializeParams(
            capabilities=pytest_lsp.client_capabilities(request.param), root_uri=ROOT.as_uri(), process_id=None
        ),
    )
    yield
    await lsp_client.shutdown_session()


async def initialize(client: LanguageClient, params: types.InitializeParams) -> types.InitializeResult:
    """Initialize the session and keep the server's answer on the client (pytest-lsp does not)."""
    result = await client.initialize_session(params)
    client.server_info = result  # type: ignore[attr-defined]
    return result


def uri_for(name: str) -> str:
    return (ROOT / "tests" / "lsp" / "scratch" / name).as_uri()


def pulls(client: LanguageClient) -> bool:
    caps = client.capabilities.text_document if client.capabilities else None
    return caps is not None and caps.diagnostic is not None


def encoding(client: LanguageClient) -> str:
    """The position encoding the server chose for this client (UTF-16 unless it said otherwise)."""
    result: types.InitializeResult = client.server_info  # type: ignore[attr-defined]
    return result.capabilities.position_encoding or types.PositionEncodingKind.Utf16


def units(client: LanguageClient, text: str) -> int:
    enc = encoding(client)
    if enc == types.PositionEncodingKind.Utf8:
        return len(text.encode("utf-8"))
    if enc == types.PositionEncodingKind.Utf32:
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def open_document(client: LanguageClient, uri: str, text: str, version: int = 1) -> None:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="yaml", version=version, text=text)
        )
    )


WAIT_SECONDS = 30.0


async def next_publish(client: LanguageClient) -> types.PublishDiagnosticsParams:
    """The next publishDiagnostics; a test fails after WAIT_SECONDS instead of hanging CI."""
    return await asyncio.wait_for(client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), WAIT_SECONDS)


async def diagnostics(client: LanguageClient, uri: str, version: int) -> list[types.Diagnostic]:
    """The diagnostics for ``uri`` at ``version``: pulled from clients that pull, else awaited until a
    publish for that version arrives (never a sleep)."""
    if pulls(client):
        report = await client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )
        assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
        return list(report.items)
    while True:
        params = await next_publish(client)
        if params.uri == uri and params.version == version:
            return list(params.diagnostics)
