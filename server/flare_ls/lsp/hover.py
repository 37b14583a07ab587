"""Hover: the model's documentation for the key or value under the cursor (``assist.hover``), and what
the rule behind each finding there finds, with a link to its page (``rule_docs.explain``).

Hover does not wait for the analysis of an edit. When the current version is analysed, its tree
answers. Right after an edit it is not yet (a 20,000-line manifest takes a few hundred milliseconds), and
the answer comes from what is known of the current text without it:

- the documentation from the lines around the cursor (the reading ``assist`` uses while a document does
  not parse): the current text's, so a key just typed is documented as typed;
- the rule explanations of the previous analysis's findings under the cursor, carried through the edits
  since: the diagnostics the editor shows there now (a finding an edit touched is left out);
- a view named in SQL, from the previous analysis's names when no edit since touched the name or the
  input or step defining it (else the hover of the place, without it), while its tree is still the
  previous text's: the next version's analysis changes it in place once it starts (``Analysis.intact``).

Reading a tree of the previous version instead would be quicker to write but can be wrong: an edit can
change what the lines below it mean (an unclosed quote, a block scalar's indicator). Parsing the new text
first would be right but costs most of the analysis it would not wait for. A document with nothing
analysed yet (just opened) has nothing to carry forward: its first analysis is awaited (joined, not run
twice).
"""

from __future__ import annotations

from dataclasses import replace

from lsprotocol import types

from ..assist import hover as hover_text
from ..assist import node_at
from ..findings import Finding
from ..names import describe, name_at, related
from ..parsing.yamltree import Pos, YMap
from ..rule_docs import explain
from .convert import Converter
from .documents import back, forward
from .server import Analysis, FlareServer, guarded


def register(server: FlareServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_HOVER)
    @guarded(None)
    async def hover(ls: FlareServer, params: types.HoverParams) -> types.Hover | None:
        uri = params.text_document.uri
        found = ls.at(uri, params.position)
        if found is None:
            return None
        text, convert, at = found
        if text.startswith("\ufeff"):  # its analysis counts columns without the mark: the text parsed anew
            return _answer(hover_text(text, at[0], at[1]), [], convert, at[0])
        analysis = ls.ready(uri, text)
        if analysis is None and ls.earlier(uri) is None:
            # Nothing analysed to carry forward (a document just opened): its first analysis is joined.
            current = await ls.current(uri)
            analysis = current[1] if current is not None else None
        if analysis is not None:
            return _from_analysis(ls, uri, analysis, convert, at)
        return _meanwhile(ls, uri, text, convert, at)


#: The keys whose values are SQL that reads views (``queries.py``): only there is a name in SQL hovered.
SQL_KEYS = frozenset({"sql", "query", "deleteWhere"})


def _in_sql(analysis: Analysis, at: Pos) -> bool:
    """Whether ``at`` is in an SQL value of the analysis's tree (the document's names, which cost tens of
    milliseconds in a big manifest, are read only then)."""
    for document in analysis.parsed.documents:
        root = document.root
        if root is not None and root.start <= at <= root.end:
            found = node_at(root, at)
            return found is not None and found[0] == "value" and found[1].key in SQL_KEYS
    return False


def _from_analysis(ls: FlareServer, uri: str, analysis: Analysis, convert: Converter, at: Pos) -> types.Hover | None:
    """The current version's analysis answers: its tree, its names, its findings."""
    line, column = at
    if _in_sql(analysis, at):
        every = ls.names_of(analysis)
        here = name_at(every, at)
        if here is not None and here.in_sql:
            defs, _ = related(every, here)
            if defs:
                return _markdown(describe(defs[0]), convert.range_to_client(here.start, here.end))
    shown = hover_text(analysis.text, line, column, analysis.parsed)
    return _answer(shown, [f for f in analysis.findings if _covers(f.start, f.end, at)], convert, line)


def _meanwhile(ls: FlareServer, uri: str, text: str, convert: Converter, at: Pos) -> types.Hover | None:
    """Before the current version is analysed (see the module docstring)."""
    line, column = at
    shown = hover_text(text, line, column, lines=convert.lines, tree=False)
    earlier = ls.earlier(uri)
    if earlier is None:
        return _answer(shown, [], convert, line)
    analysis, edits = earlier
    then, exact = back(at, edits)
    if exact and analysis.intact and _in_sql(analysis, then):  # the tree only while it is that text's
        every = ls.names_of(analysis)
        here = name_at(every, then)
        if here is not None and here.in_sql:
            defs, _ = related(every, here)
            item = defs[0].node.parent if defs else None
            now = forward(here.start, here.end, edits)
            moved = forward(item.start, item.end, edits) if isinstance(item, YMap) else None
            if now is not None and moved is not None and (defined := forward(defs[0].start, defs[0].end, edits)):
                return _markdown(describe(defs[0], defined[0][0]), convert.range_to_client(*now))
    findings = []
    for finding in analysis.findings:
        if exact and _covers(finding.start, finding.end, then):
            moved_range = forward(finding.start, finding.end, edits)
            if moved_range is not None:
                findings.append(replace(finding, start=moved_range[0], end=moved_range[1]))
    return _answer(shown, findings, convert, line)


def _answer(
    shown: tuple[str, int, int] | None, here: list[Finding], convert: Converter, line: int
) -> types.Hover | None:
    rules = explain(here)
    if shown is None and rules is None:
        return None
    if shown is None:
        first = here[0]
        return _markdown(rules or "", convert.range_to_client(first.start, first.end))
    markdown, start, end = shown
    text = markdown if rules is None else f"{markdown}\n\n---\n\n{rules}"
    return _markdown(text, convert.range_to_client((line, start), (line, end)))


def _markdown(value: str, at: types.Range) -> types.Hover:
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=value), range=at)


def _covers(start: Pos, end: Pos, at: Pos) -> bool:
    return start <= at <= end
