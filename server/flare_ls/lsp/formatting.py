"""``textDocument/formatting`` and ``textDocument/rangeFormatting``: the project's style
(``[format]`` of its configuration file, ``formatting.FormatStyle``), sent as minimal line edits.

The editor's own ``tabSize``/``insertSpaces`` are not used: the project's file decides, so a manifest
formats the same in every editor and in CI (``flare-ls format --check``), as ruff's server does.

A document that cannot be formatted faithfully (it does not parse, or ruamel.yaml would change what it
says) gets no edits and a ``window/logMessage`` with the reason, not a pop-up: an editor that formats
on save would show one at every save of a broken file, and its diagnostics already say what is
wrong (ruff's server made the same choice). A range is formatted as docs/formatting.md says: the
edits touching its lines, widened to their top-level entries when that alone would change the meaning.

Formatting runs in a thread (ruamel.yaml takes a while on a big manifest), and its edits are dropped
when the document changed meanwhile: they were computed for the old text.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsprotocol import types
from pygls.uris import to_fs_path

from ..config import ConfigError
from ..findings import TextEdit
from ..formatting import DEFAULT_STYLE, FormatStyle, Formatted, format_text, line_edits, range_edits
from .server import FlareServer, guarded


def register(server: FlareServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_FORMATTING)
    @guarded(None)
    async def formatting(ls: FlareServer, params: types.DocumentFormattingParams) -> list[types.TextEdit] | None:
        uri = params.text_document.uri
        done = await _format(ls, uri)
        if done is None:
            return None
        text, formatted = done
        return _to_client(ls, uri, text, line_edits(text, formatted.text))

    @server.feature(types.TEXT_DOCUMENT_RANGE_FORMATTING)
    @guarded(None)
    async def range_formatting(
        ls: FlareServer, params: types.DocumentRangeFormattingParams
    ) -> list[types.TextEdit] | None:
        uri = params.text_document.uri
        done = await _format(ls, uri)
        if done is None:
            return None
        text, formatted = done
        start, end = params.range.start, params.range.end
        # A selection that ends at the start of a line does not take that line in.
        last = end.line - 1 if end.character == 0 and end.line > start.line else end.line
        return _to_client(ls, uri, text, range_edits(formatted, start.line, last))


async def _format(ls: FlareServer, uri: str) -> tuple[str, Formatted] | None:
    """The document's text and its formatting; None (the reason logged) when there is nothing to send."""
    current = ls.text_of(uri)
    if current is None:
        return None
    text, _ = current
    ls.warm_up()  # before a thread runs (FlareServer.warm_up)
    formatted = await asyncio.to_thread(format_text, text, _style(ls, uri))
    if ls.text_of(uri) != current:
        return None  # edited meanwhile: these edits are for a text that is gone
    if formatted.refused is not None:
        ls.window_log_message(
            types.LogMessageParams(
                type=types.MessageType.Warning, message=f"flare-ls: {uri} not formatted: {formatted.refused}"
            )
        )
        return None
    return text, formatted


def _style(ls: FlareServer, uri: str) -> FormatStyle:
    """The style of the project configuration file governing the document (the default without one,
    or when it is broken, which the diagnostics' settings already reported)."""
    if not uri.startswith("file:"):
        return DEFAULT_STYLE
    path = to_fs_path(uri)
    if not path:
        return DEFAULT_STYLE
    try:
        return ls.project_configs.load_for(Path(path)).format_style
    except ConfigError:
        ls.config_for(uri)  # shows the problem once, as for diagnostics
        return DEFAULT_STYLE


def _to_client(ls: FlareServer, uri: str, text: str, edits: list[TextEdit]) -> list[types.TextEdit]:
    convert = ls.converter(uri, text)
    return [types.TextEdit(range=convert.range_to_client(e.start, e.end), new_text=e.text) for e in edits]
