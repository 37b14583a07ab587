"""Pull diagnostics (textDocument/diagnostic) for clients that ask; pushing lives in the server."""

from __future__ import annotations

import asyncio

from lsprotocol import types

from .convert import diagnostic
from .server import FlareServer, guarded

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
        result = ls.analysis(params.text_document.uri)
        if result is None:
            return _EMPTY
        result_id = f"{ls.generation}:{result.version}"
        if params.previous_result_id == result_id:
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
        convert = ls.converter(params.text_document.uri, result.text)
        items = [diagnostic(f, convert, result.version) for f in result.findings]
        return types.RelatedFullDocumentDiagnosticReport(items=items, result_id=result_id)
