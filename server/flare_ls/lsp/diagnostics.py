"""Pull diagnostics (textDocument/diagnostic) for clients that ask; pushing lives in the server."""

from __future__ import annotations

import asyncio
import json

from lsprotocol import types

from .convert import diagnostic
from .protocol import JsonResult
from .server import FlareServer, as_data, guarded
from .worker import Superseded

_EMPTY = types.RelatedFullDocumentDiagnosticReport(items=[])
SETTINGS_WAIT_SECONDS = 2.0
#: How long a document's first pull waits for the workspace index (see ``pull``).
INDEX_WAIT_SECONDS = 10.0


def register(server: FlareServer) -> None:
    @server.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        # inter_file_dependencies: a manifest's workspace findings (FL501-FL504) change with the others.
        types.DiagnosticOptions(identifier="flare-ls", inter_file_dependencies=True, workspace_diagnostics=True),
    )
    @guarded(_EMPTY)
    async def pull(
        ls: FlareServer, params: types.DocumentDiagnosticParams
    ) -> types.DocumentDiagnosticReport | JsonResult:
        await _settings(ls)
        # The first pull comes as the document opens, while the workspace is still being indexed: wait
        # for the index (a while at most), so the answer holds the findings across files and a job file
        # is read as the job its workflow names. A client without workspace/diagnostic/refresh (Neovim)
        # pulls again only at its next edit, and would not see them until then.
        if not ls.manifests.ready.is_set():  # asked first: a wait is a task of its own
            try:
                await asyncio.wait_for(ls.manifests.ready.wait(), INDEX_WAIT_SECONDS)
            except TimeoutError:
                pass
        await ls.read_sent_input()
        uri = params.text_document.uri
        while True:
            try:
                result = await ls.current_analysis(uri)
                break
            except Superseded:
                continue  # the document changed meanwhile: answer for the newest version
            except Exception as exc:  # noqa: BLE001 - answered with FL900, never with stale findings
                ls.log_error(f"analysis of {uri}", exc)
                return types.RelatedFullDocumentDiagnosticReport(items=[ls.failure(exc)])
        if result is None:
            return _EMPTY
        findings = ls.with_workspace(uri, result)
        result_id = f"{ls.generation}:{result.version}:{ls.manifests.revision}"
        if params.previous_result_id == result_id:
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
        texts, ls.pulled[uri] = as_data(findings, ls.converter(uri, result.text), ls.pulled.get(uri, {}), ls.wire)
        return JsonResult(f'{{"kind":"full","resultId":{json.dumps(result_id)},"items":[{",".join(texts)}]}}')

    @server.feature(types.WORKSPACE_DIAGNOSTIC)
    @guarded(types.WorkspaceDiagnosticReport(items=[]))
    async def workspace_diagnostic(
        ls: FlareServer, params: types.WorkspaceDiagnosticParams
    ) -> types.WorkspaceDiagnosticReport:
        """Every manifest of the workspace: open documents at their current version, closed files as
        on disk; each with its own findings and its workspace findings."""
        await _settings(ls)
        await ls.manifests.ready.wait()
        manifests = ls.manifests
        manifests.settle()
        previous = {p.uri: p.value for p in params.previous_result_ids}
        reports: list[types.WorkspaceDocumentDiagnosticReport] = []
        closed = []
        for key in sorted(manifests.texts):
            if not manifests.is_open(key):
                closed.append(key)
                continue
            uri = manifests.uri_of(key)
            try:
                result = await ls.current_analysis(uri)
            except Superseded:
                continue  # changed meanwhile: its textDocument/diagnostic answers for the newest version
            if result is None:
                continue
            convert = ls.converter(uri, result.text)
            items = [diagnostic(f, convert) for f in ls.with_workspace(uri, result)]
            result_id = f"{ls.generation}:{result.version}:{manifests.revision}"
            reports.append(
                types.WorkspaceFullDocumentDiagnosticReport(
                    uri=uri, version=result.version, items=items, result_id=result_id
                )
            )
        reports += await manifests.closed_report(closed, previous)
        return types.WorkspaceDiagnosticReport(items=reports)


async def _settings(ls: FlareServer) -> None:
    """Wait (briefly) for the client's settings: the first pull can come before them, and not every
    client can be asked to pull again."""
    if not ls.settings_ready.is_set():
        try:
            await asyncio.wait_for(ls.settings_ready.wait(), SETTINGS_WAIT_SECONDS)
        except TimeoutError:
            pass
