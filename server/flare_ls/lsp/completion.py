"""Completion: keys, values, snippets and names, from the schema model (``assist.complete``).

Completion reads the current text's lines and never waits for an analysis. Only names (views after
``FROM``, inputs and steps, dag jobs) need a tree: the current version's when it is analysed; right after
an edit, the previous version's when the cursor's line has not moved since (an author typing on one
line) and the next version's analysis has not started changing that tree in place (``Analysis.intact``),
so the names are those of a moment ago; else a parse of the current text, without the analysis.
"""

from __future__ import annotations

import re

from lsprotocol import types

from ..assist import Item, complete
from ..parsing.yamltree import ParsedText, Pos, YMap, parse
from ..queries import query_at, view_role
from ..views import streams
from .documents import back
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
        uri = params.text_document.uri
        found = ls.at(uri, params.position)
        if found is None:
            return None
        text, convert, (line, column) = found
        views = _view_completion(ls, uri, text, convert.lines, (line, column))
        if views is not None:
            start, choices = views
            edit_range = convert.range_to_client((line, start), (line, column))
            return types.CompletionList(
                is_incomplete=False, items=[_view_item(name, detail, edit_range) for name, detail in choices]
            )
        result = complete(
            text,
            line,
            column,
            snippets=ls.snippets,
            tree=lambda: _tree(ls, uri, text, (line, column))[0],
            lines=convert.lines,
        )
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


#: The end of the text before the cursor when a table name is expected: after FROM or JOIN.
_TABLE_EXPECTED = re.compile(r"(?i)(?:^|[\s(])(?:from|join)\s+([A-Za-z_][A-Za-z0-9_]*)?$")
_PARTIAL = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)?$")
_ENDS_WITH_KEYWORD = re.compile(r"(?i)(?:^|[\s(])(?:from|join)\s*$")


def _view_completion(
    ls: FlareServer, uri: str, text: str, lines: list[str], pos: Pos
) -> tuple[int, list[tuple[str, str]]] | None:
    """Views the query at ``pos`` may read, when the cursor follows FROM or JOIN (on its line or at the
    start of the next): (column where the typed name starts, [(view, description)])."""
    line, column = pos
    before = lines[line][:column]
    match = _TABLE_EXPECTED.search(before)
    if match is None:
        partial = _PARTIAL.match(before)
        above = line - 1
        while above >= 0 and not lines[above].strip():
            above -= 1
        if partial is None or above < 0 or _ENDS_WITH_KEYWORD.search(lines[above]) is None:
            return None
        typed = partial.group(1) or ""
    else:
        typed = match.group(1) or ""
    # Only now, with the cursor after FROM or JOIN, is a tree needed.
    parsed, at = _tree(ls, uri, text, pos)
    query = query_at(parsed, at)
    if query is None or not query.reads_views:
        return None
    items = []
    for node in query.visible.values():
        role, item = view_role(node), node.parent
        if role == "context":
            items.append((node.value, "incremental context"))
        elif role == "input" and isinstance(item, YMap):
            stream = " stream" if streams(item) else ""
            items.append((node.value, f"input ({item.text('format') or 'iceberg'}{stream})"))
        else:
            items.append((node.value, f"step (line {node.start[0] + 1})"))
    return column - len(typed), items


def _tree(ls: FlareServer, uri: str, text: str, pos: Pos) -> tuple[ParsedText, Pos]:
    """A tree to read names from, and where ``pos`` is in it (see the module docstring)."""
    analysis = ls.ready(uri, text)
    if analysis is not None:
        return analysis.parsed, pos
    earlier = ls.earlier(uri)
    if earlier is not None:
        analysis, edits = earlier
        then, _ = back(pos, edits)
        if then[0] == pos[0] and analysis.intact and analysis.parsed.error is None:
            return analysis.parsed, then
    return parse(text, ls.lines_of(uri, text)), pos


def _view_item(name: str, detail: str, edit_range: types.Range) -> types.CompletionItem:
    return types.CompletionItem(
        label=name,
        kind=types.CompletionItemKind.Reference,
        detail=detail,
        filter_text=name,
        text_edit=types.TextEdit(range=edit_range, new_text=name),
    )
