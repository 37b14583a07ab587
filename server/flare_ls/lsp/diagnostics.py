"""Pull diagnostics (textDocument/diagnostic) for clients that ask; pushing lives in the server."""

from __future__ import annotations

import asyncio

from lsprotocol import types

from .convert import diagnostic
from .server import FlareServer, guarded
from .worker import Superseded

_EMPTY = types.RelatedFullDocumentDiagnosticReport(items=[])
SETTINGS_WAIT_SECONDS = 2.0


def register(server: FlareServer) -> None:
    @server.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(identifier="flare-ls", inter_file_dependencies=False, workspace_diagnostics=False),
    )
    @guarded(_EMPTY)
    async def pull(ls: FlareServer, params: types.DocumentDiagnosticParams) -> types.DocumentDiagnosticReport:
        if not ls.settings_ready.is_set():
            # The first pull can come before the settings; not every client can be asked to pull again.
            try:
                await asyncio.wait_for(ls.settings_ready.wait(), SETTINGS_WAIT_SECONDS)
            except TimeoutError:
                pass
        uri = params.text_document.uri
        while True:
            current = ls.text_of(uri)
            try:
                result = await ls.current_analysis(uri)
                break
            except Superseded:
                continue  # the document changed meanwhile: answer for the newest version
            except Exception as exc:  # noqa: BLE001 - answered with FL900, never with stale findings
                ls.log_error(f"analysis of {uri}", exc)
                version = current[1] if current else None
                return types.RelatedFullDocumentDiagnosticReport(items=[ls.failure(exc, version)])
        if result is None:
            return _EMPTY
        result_id = f"{ls.generation}:{result.version}"
        if params.previous_result_id == result_id:
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
        convert = ls.converter(uri, result.text)
        items = [diagnostic(f, convert, result.version) for f in result.findings]
        return types.RelatedFullDocumentDiagnosticReport(items=items, result_id=result_id)
