"""End-to-end fixtures: the real server process, driven by pytest-lsp's client.

Every test using ``client`` runs twice, with the recorded capabilities of VS Code (which is pushed
diagnostics) and of Neovim 0.11 (which pulls them and prefers UTF-8 positions).

The server answers ``initialize`` before it loads (``lsp/startup.py``) and reports it when pygls's
answer differs from the one sent; every session here fails on such a report (``CheckedClient``), so
every test, whatever its client's capabilities, checks that the early answer is the server's.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from flare_ls.lsp.startup import MISMATCH

ROOT = Path(__file__).resolve().parents[2]
SERVER = [sys.executable, "-m", "flare_ls"]
CLIENTS = ["visual-studio-code", "neovim@v0.11.0"]
T = TypeVar("T")


class CheckedClient(LanguageClient):
    """pytest-lsp's client, failing the test at the end of the session when the server said that its
    early answer to initialize was not pygls's."""

    async def stop(self) -> Any:
        stopped = await super().stop()
        reports = [m.message for m in self.log_messages if MISMATCH in m.message]
        assert not reports, f"the server's answer to initialize was not the one sent early: {reports}"
        return stopped


def make_client() -> LanguageClient:
    """pytest-lsp's client (:class:`CheckedClient`), recording every publishDiagnostics in
    ``client.published`` as it arrives.

    Waiting for "the next" notification can miss one that the client read in the same batch as the
    previous one; tests instead wait until the record satisfies them (``until``)."""
    from pygls.protocol import default_converter
    from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

    client = CheckedClient(converter_factory=default_converter)
    client.published = []  # type: ignore[attr-defined]
    client.registrations = []  # type: ignore[attr-defined]

    def publish(params: types.PublishDiagnosticsParams) -> None:
        client.published.append(params)  # type: ignore[attr-defined]
        client.diagnostics[params.uri] = params.diagnostics

    features = dict(DEFAULT_CLIENT_FEATURES)
    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = publish

    def register(params: types.RegistrationParams) -> None:
        """Dynamic registration, as the recorded editors (which claim it) answer it; recorded."""
        client.registrations.extend(params.registrations)  # type: ignore[attr-defined]

    features[types.CLIENT_REGISTER_CAPABILITY] = register
    register_lsp_features(client, features)
    return client


def server_config(env: dict[str, str] | None = None) -> ClientServerConfig:
    return ClientServerConfig(server_command=SERVER, server_env=env, client_factory=make_client)


@pytest_lsp.fixture(config=server_config(), params=CLIENTS)
async def client(lsp_client: LanguageClient, request):
    # The scratch folder (never created): the workspace index stays empty, so the tests of one document
    # do not index the repository's 240 YAML files each (tests/lsp/test_workspace.py does the workspace).
    await initialize_in(lsp_client, request.param, SCRATCH)
    yield
    await lsp_client.shutdown_session()


async def initialize_in(client: LanguageClient, capabilities_of: str, folder: Path) -> types.InitializeResult:
    """Initialize the session as the client named (pytest-lsp's recorded capabilities), rooted at ``folder``."""
    capabilities = pytest_lsp.client_capabilities(capabilities_of)
    return await initialize(
        client, types.InitializeParams(capabilities=capabilities, root_uri=folder.as_uri(), process_id=None)
    )


async def initialize(client: LanguageClient, params: types.InitializeParams) -> types.InitializeResult:
    """Initialize the session and keep the server's answer on the client (pytest-lsp does not)."""
    result = await client.initialize_session(params)
    client.server_info = result  # type: ignore[attr-defined]
    return result


SCRATCH = ROOT / "tests" / "lsp" / "scratch"


def uri_for(name: str) -> str:
    return (SCRATCH / name).as_uri()


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


#: Line endings as LSP counts them (nothing else ends a line: not U+2028, NEL or a form feed).
LINE_END = re.compile(r"\r\n|\r|\n")


def lines_of(text: str) -> list[str]:
    return LINE_END.split(text)


def offset(text: str, line: int, column: int) -> int:
    """The index in ``text`` of a (line, code-point column) position."""
    starts = [0] + [m.end() for m in LINE_END.finditer(text)]
    return starts[line] + column


def open_document(client: LanguageClient, uri: str, text: str, version: int = 1) -> None:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="yaml", version=version, text=text)
        )
    )


WAIT_SECONDS = 30.0


async def until(client: LanguageClient, found: Callable[[list[types.PublishDiagnosticsParams]], T | None]) -> T:
    """Wait until ``found(every publish so far)`` returns something; fail after WAIT_SECONDS."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT_SECONDS
    while True:
        result = found(client.published)  # type: ignore[attr-defined]
        if result is not None:
            return result
        remaining = deadline - loop.time()
        if remaining <= 0:
            raise TimeoutError("the expected publishDiagnostics never arrived")
        try:
            await asyncio.wait_for(client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), remaining)
        except TimeoutError:
            continue


async def diagnostics(client: LanguageClient, uri: str, version: int) -> list[types.Diagnostic]:
    """The diagnostics for ``uri`` at ``version``: pulled from clients that pull, else awaited until a
    publish for that version arrives (never a sleep)."""
    if pulls(client):
        report = await client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )
        assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
        return list(report.items)
    return await until(
        client,
        lambda published: next(
            (list(p.diagnostics) for p in reversed(published) if p.uri == uri and p.version == version), None
        ),
    )


# -- a server with its test hooks (lsp/testhooks.py) ----------------------------------------------------

HOOKS = {**os.environ, "FLARE_LS_TEST_HOOKS": "1"}


@pytest_lsp.fixture(config=server_config(HOOKS), params=CLIENTS)
async def hooked(lsp_client: LanguageClient, request):
    """A client of a server with its test hooks: it counts its analyses and publications, can hold the
    analysis of a big document, and says what text it holds."""
    await initialize(
        lsp_client,
        types.InitializeParams(
            capabilities=pytest_lsp.client_capabilities(request.param), root_uri=SCRATCH.as_uri(), process_id=None
        ),
    )
    yield
    await lsp_client.shutdown_session()


async def hook(client: LanguageClient, method: str, **params: Any) -> Any:
    return plain(await client.protocol.send_request_async(f"flare-ls/test/{method}", params))


def plain(value: Any) -> Any:
    """An answer as JSON data (pygls turns the objects of a method it has no types for into tuples)."""
    if hasattr(value, "_asdict"):
        return {key: plain(item) for key, item in value._asdict().items()}
    return value


async def stats(client: LanguageClient, **params: Any) -> dict[str, Any]:
    """The server's counters once everything it scheduled is done."""
    return await hook(client, "stats", settle=True, **params)
