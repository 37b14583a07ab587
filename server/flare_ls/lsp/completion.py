"""Completion: keys, values, snippets and names, from the schema model (``assist.complete``)."""

from __future__ import annotations

from lsprotocol import types

from ..assist import Item, complete
from .server import FlareServer, guarded

KINDS = {
    "key": types.CompletionItemKind.Property,
    "value": types.CompletionItemKind.EnumMember,
    "snippet": types.CompletionItemKind.Snippet,
    "reference": types.CompletionItemKind.Reference,
}


def register(server: FlareServer) -> None:
    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=[" ", ":", "-"], resolve_provider=False),
    )
    @guarded(None)
    def completion(ls: FlareServer, params: types.CompletionParams) -> types.CompletionList | None:
        found = ls.at(params.text_document.uri, params.position)
        if found is None:
            return None
        text, convert, (line, column) = found
        result = complete(text, line, column, snippets=ls.snippets)
        if result is None:
            return None
        edit_range = convert.range_to_client((result.line, result.start), (result.line, result.end))
        items = [_item(item, edit_range) for item in result.items]
        return types.CompletionList(is_incomplete=False, items=items)


def _item(item: Item, edit_range: types.Range) -> types.CompletionItem:
    return types.CompletionItem(
        label=item.label,
        kind=KINDS[item.kind],
        detail=item.detail or None,
        documentation=types.MarkupContent(kind=types.MarkupKind.Markdown, value=item.documentation)
        if item.documentation
        else None,
        sort_text=f"{item.sort}{item.label}",
        filter_text=item.label,
        text_edit=types.TextEdit(range=edit_range, new_text=item.insert),
        insert_text_format=types.InsertTextFormat.Snippet if item.snippet else types.InsertTextFormat.PlainText,
        # Snippet lines carry their own indentation: the client must not add more.
        insert_text_mode=types.InsertTextMode.AsIs if item.snippet else None,
        tags=[types.CompletionItemTag.Deprecated] if item.deprecated else None,
    )
