"""Folding and selection ranges, end to end, in each client's position encoding."""

from __future__ import annotations

from lsprotocol import types
from pytest_lsp import LanguageClient

from .conftest import open_document, units, uri_for

TEXT = """\
# a workflow
# read and written
version: v1
workflow:
  dag:
    - name: crème-brûlée-🍮
      spec:
        sql: |
          SELECT 1
          FROM t
"""


async def test_folding_ranges_follow_the_client_capability(client: LanguageClient) -> None:
    uri = uri_for("folding.yaml")
    open_document(client, uri, TEXT)
    folds = await client.text_document_folding_range_async(
        types.FoldingRangeParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert folds is not None
    by_line = {fold.start_line: fold for fold in folds}
    assert by_line[0].kind == types.FoldingRangeKind.Comment and by_line[0].end_line == 1
    assert (by_line[3].end_line, by_line[7].end_line) == (9, 9)
    caps = client.capabilities.text_document
    lines_only = caps is not None and caps.folding_range is not None and caps.folding_range.line_folding_only
    line = TEXT.splitlines()[5]
    if lines_only:
        assert all(fold.start_character is None and fold.end_character is None for fold in folds)
    else:
        assert by_line[5].start_character == units(client, line)


async def test_selection_ranges_grow_outwards_in_client_units(client: LanguageClient) -> None:
    uri = uri_for("selection.yaml")
    open_document(client, uri, TEXT)
    line = TEXT.splitlines()[5]
    at = units(client, line[: line.index("brûlée") + 2])
    result = await client.text_document_selection_range_async(
        types.SelectionRangeParams(
            text_document=types.TextDocumentIdentifier(uri=uri), positions=[types.Position(5, at)]
        )
    )
    assert result is not None and len(result) == 1
    chain = []
    current: types.SelectionRange | None = result[0]
    while current is not None:
        chain.append(current.range)
        current = current.parent
    assert chain[0] == types.Range(
        start=types.Position(5, units(client, line[: line.index("crème")])),
        end=types.Position(5, units(client, line[: line.index("🍮")])),
    )
    assert chain[1].end == types.Position(5, units(client, line))  # the whole name, emoji included
    assert chain[-1] == types.Range(start=types.Position(0, 0), end=types.Position(10, 0))
