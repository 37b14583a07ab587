"""The workspace in the editor: findings across manifests (FL501) for open and unopened files, by pull
(workspace/diagnostic) and by push, kept current as a document changes and as a configuration file
appears; the index build's progress and the file watcher's registration."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from .conftest import CLIENTS, ROOT, SERVER, initialize_in, make_client, open_document, pulls, until

TWO_FILES = ROOT / "tests" / "workspaces" / "shared-checkpoint" / "two-files"
SHARED = "dataos://lakehouse:sys01/checkpoints/orders?acl=rw"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A repository of two manifests whose streaming jobs share one checkpoint (FL501 in both)."""
    (tmp_path / ".git").mkdir()
    for name in ("a.yaml", "b.yaml"):
        shutil.copy(TWO_FILES / name, tmp_path / name)
    return tmp_path


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, client_factory=make_client), params=CLIENTS)
async def client(lsp_client: LanguageClient, request, folder: Path):
    await initialize_in(lsp_client, request.param, folder)
    yield
    await lsp_client.shutdown_session()


def codes(items: list[types.Diagnostic]) -> set[str]:
    return {str(d.code) for d in items}


async def workspace_codes(client: LanguageClient) -> dict[str, set[str]]:
    """workspace/diagnostic's answer: each file's diagnostic codes, by URI."""
    report = await client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=[]))
    out = {}
    for item in report.items:
        assert isinstance(item, types.WorkspaceFullDocumentDiagnosticReport)
        out[item.uri] = codes(list(item.items))
    return out


async def pushed(client: LanguageClient, uri: str, after: int, wanted: bool) -> int:
    """Wait for a publish for ``uri`` (after the first ``after`` publishes) with FL501 or without it;
    the number of publishes seen by then."""

    def found(published: list[types.PublishDiagnosticsParams]) -> int | None:
        for number, params in enumerate(published[after:], after + 1):
            if params.uri == uri and ("FL501" in codes(list(params.diagnostics))) == wanted:
                return number
        return None

    return await until(client, found)


def change_all(client: LanguageClient, uri: str, text: str, version: int) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


@pytest.mark.asyncio
async def test_unopened_file_gets_findings_across_files(client: LanguageClient, folder: Path):
    a, b = (folder / "a.yaml"), (folder / "b.yaml")
    open_document(client, a.as_uri(), a.read_text(encoding="utf-8"))
    if pulls(client):
        found = await workspace_codes(client)
        assert found == {a.as_uri(): {"FL501"}, b.as_uri(): {"FL501"}}
        report = await client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=a.as_uri()))
        )
        assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
        assert codes(list(report.items)) == {"FL501"}
    else:
        await pushed(client, b.as_uri(), 0, True)
        await pushed(client, a.as_uri(), 0, True)
    registered = client.registrations  # type: ignore[attr-defined]
    caps = client.capabilities.workspace if client.capabilities else None
    if caps is not None and caps.did_change_watched_files and caps.did_change_watched_files.dynamic_registration:
        await until(client, lambda _: registered or None)
        assert [r.method for r in registered] == [types.WORKSPACE_DID_CHANGE_WATCHED_FILES]
    window = client.capabilities.window if client.capabilities else None
    if window is not None and window.work_done_progress:
        reports = [r for rs in client.progress_reports.values() for r in rs]
        kinds = [type(r).__name__ for r in reports]
        assert kinds[0] == "WorkDoneProgressBegin" and kinds[-1] == "WorkDoneProgressEnd"


@pytest.mark.asyncio
async def test_editing_one_file_clears_the_others_finding(client: LanguageClient, folder: Path):
    a, b = (folder / "a.yaml"), (folder / "b.yaml")
    text = a.read_text(encoding="utf-8")
    open_document(client, a.as_uri(), text)
    seen = 0 if pulls(client) else await pushed(client, b.as_uri(), 0, True)
    if pulls(client):
        assert (await workspace_codes(client))[b.as_uri()] == {"FL501"}
    change_all(client, a.as_uri(), text.replace(SHARED, "dataos://lakehouse:sys01/checkpoints/orders_a"), 2)
    if pulls(client):
        assert await workspace_codes(client) == {a.as_uri(): set(), b.as_uri(): set()}
    else:
        await pushed(client, b.as_uri(), seen, False)
    # Closing without saving: the file on disk, which shares the checkpoint, is what counts again.
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=a.as_uri()))
    )
    if pulls(client):
        assert await workspace_codes(client) == {a.as_uri(): {"FL501"}, b.as_uri(): {"FL501"}}
    else:
        await pushed(client, b.as_uri(), seen, True)


@pytest.mark.asyncio
async def test_a_new_configuration_file_rechecks_everything(client: LanguageClient, folder: Path):
    a, b = (folder / "a.yaml"), (folder / "b.yaml")
    open_document(client, a.as_uri(), a.read_text(encoding="utf-8"))
    seen = 0 if pulls(client) else await pushed(client, b.as_uri(), 0, True)
    if pulls(client):
        assert (await workspace_codes(client))[b.as_uri()] == {"FL501"}
    config = folder / "flare-ls.toml"
    config.write_text('ignore = ["FL501"]\n', encoding="utf-8")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=config.as_uri(), type=types.FileChangeType.Created)]
        )
    )
    if pulls(client):
        assert await workspace_codes(client) == {a.as_uri(): set(), b.as_uri(): set()}
    else:
        await pushed(client, b.as_uri(), seen, False)
        await pushed(client, a.as_uri(), seen, False)


@pytest.mark.asyncio
async def test_workspace_symbol_finds_a_job_in_an_unopened_file(client: LanguageClient, folder: Path):
    a, b = (folder / "a.yaml"), (folder / "b.yaml")
    open_document(client, a.as_uri(), a.read_text(encoding="utf-8"))
    if pulls(client):
        await workspace_codes(client)  # answered once the index is built
    else:
        await pushed(client, b.as_uri(), 0, True)
    symbols = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="STREAM-B"))
    assert symbols is not None
    found = [(s.name, s.kind, s.location.uri, s.location.range.start.line, s.container_name) for s in symbols]
    assert found == [
        ("orders-stream-b", types.SymbolKind.Module, b.as_uri(), 1, None),
        ("stream-b", types.SymbolKind.Class, b.as_uri(), 5, "orders-stream-b"),
    ]
    everything = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query=""))
    assert everything is not None
    kinds = {(s.name, s.kind) for s in everything if s.location.uri == a.as_uri()}
    assert kinds == {
        ("orders-stream-a", types.SymbolKind.Module),
        ("stream-a", types.SymbolKind.Class),
        ("src", types.SymbolKind.Variable),
        ("src", types.SymbolKind.Field),
    }
