"""Views across YAML and SQL, end to end: definition, references, highlight, rename, hover, completion.

The manifest writes SQL in three scalar styles (literal block, plain multi-line, double-quoted with an
escape) and puts non-ASCII text before a view name on the same line, so every range is checked in the
client's own position encoding.
"""

from __future__ import annotations

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from flare_ls.analyze import analyze
from flare_ls.findings import TextEdit
from flare_ls.fixes import apply_edits

from .conftest import open_document, units, uri_for

MANIFEST = """\
version: v1
name: sql-names
type: workflow
workflow:
  dag:
    - name: sql-names-job
      spec:
        stack: flare:7.0
        compute: runnable-default
        stackSpec:
          job:
            inputs:
              - name: orders
                dataset: dataos://lakehouse:retail/orders
                format: iceberg
              - name: customers
                dataset: dataos://kafkadepot:none/customers
                format: kafkajson
                isStream: false
            steps:
              - sequence:
                  - name: totals
                    sql: |
                      SELECT 'café 😀' AS note, o.customer_id, sum(o.total) AS total FROM orders o
                      GROUP BY o.customer_id
                  - name: enriched
                    sql: SELECT t.*, CAST(c.value AS STRING) AS customer FROM totals t
                      JOIN customers c ON CAST(c.key AS STRING) = t.customer_id
                      WHERE t.customer_id IN (SELECT customer_id FROM ORDERS)
                  - name: flagged
                    sql: "SELECT *,\\t'x' AS flag FROM `orders`"
            outputs:
              - name: enriched
                dataset: dataos://lakehouse:retail/enriched?acl=rw
                format: iceberg
              - name: flagged
                dataset: dataos://lakehouse:retail/flagged?acl=rw
                format: iceberg
"""
LINES = MANIFEST.split("\n")


def find(needle: str, nth: int = 0) -> tuple[int, int]:
    """(line, code-point column) of the ``nth`` occurrence of ``needle`` in the manifest."""
    seen = 0
    for number, line in enumerate(LINES):
        start = line.find(needle)
        while start != -1:
            if seen == nth:
                return number, start
            seen += 1
            start = line.find(needle, start + 1)
    raise AssertionError(f"{needle!r} #{nth} is not in the manifest")


def position(client: LanguageClient, line: int, column: int) -> types.Position:
    return types.Position(line, units(client, LINES[line][:column]))


def core(client: LanguageClient, pos: types.Position) -> tuple[int, int]:
    """A client position back in code points."""
    text = LINES[pos.line]
    column = 0
    while column < len(text) and units(client, text[:column]) < pos.character:
        column += 1
    return pos.line, column


def doc(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


def texts(client: LanguageClient, ranges: list[types.Range]) -> list[tuple[int, str]]:
    """(line, the text a client range covers) for ranges on one line each."""
    out = []
    for r in ranges:
        (line, start), (_, end) = core(client, r.start), core(client, r.end)
        out.append((line, LINES[line][start:end]))
    return out


async def open_manifest(client: LanguageClient, name: str) -> str:
    uri = uri_for(name)
    open_document(client, uri, MANIFEST)
    return uri


async def test_definition_from_sql_in_each_scalar_style(client: LanguageClient) -> None:
    uri = await open_manifest(client, "sql-definition.yaml")
    orders_def = find("- name: orders")[0]
    for needle, nth, offset in (("FROM orders", 0, 5), ("FROM ORDERS", 0, 5), ("`orders`", 0, 1)):
        line, column = find(needle, nth)
        where = await client.text_document_definition_async(
            types.DefinitionParams(text_document=doc(uri), position=position(client, line, column + offset + 2))
        )
        assert [(loc.range.start.line, loc.range.start.character) for loc in where] == [(orders_def, 22)], needle
    # A step read in SQL goes to the step that makes it.
    line, column = find("FROM totals")
    where = await client.text_document_definition_async(
        types.DefinitionParams(text_document=doc(uri), position=position(client, line, column + 6))
    )
    assert [loc.range.start.line for loc in where] == [find("- name: totals")[0]]


async def test_references_and_highlight_cover_yaml_and_sql(client: LanguageClient) -> None:
    uri = await open_manifest(client, "sql-references.yaml")
    line, column = find("- name: orders")
    refs = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=doc(uri),
            position=position(client, line, column + 10),
            context=types.ReferenceContext(include_declaration=True),
        )
    )
    # The emoji line comes first: its range must be in the client's units (UTF-16 or UTF-8).
    assert sorted(texts(client, [r.range for r in refs])) == [
        (line, "orders"),
        (find("FROM orders")[0], "orders"),
        (find("FROM ORDERS")[0], "ORDERS"),
        (find("`orders`")[0], "orders"),
    ]
    highlights = await client.text_document_document_highlight_async(
        types.DocumentHighlightParams(text_document=doc(uri), position=position(client, *find("FROM ORDERS")))
    )
    assert highlights is None  # on the keyword, not a name
    l2, c2 = find("FROM ORDERS")
    highlights = await client.text_document_document_highlight_async(
        types.DocumentHighlightParams(text_document=doc(uri), position=position(client, l2, c2 + 6))
    )
    kinds = sorted((h.range.start.line, h.kind) for h in highlights)
    assert kinds[0] == (line, types.DocumentHighlightKind.Write)
    assert [k for _, k in kinds[1:]] == [types.DocumentHighlightKind.Read] * 3


def apply(client: LanguageClient, text: str, edits: list[types.TextEdit]) -> str:
    converted = [TextEdit(core(client, e.range.start), core(client, e.range.end), e.new_text) for e in edits]
    return apply_edits(text, converted)


def edits_of(result: types.WorkspaceEdit, uri: str) -> list[types.TextEdit]:
    if result.document_changes:
        (change,) = result.document_changes
        assert isinstance(change, types.TextDocumentEdit) and change.text_document.uri == uri
        return list(change.edits)
    assert result.changes is not None
    return list(result.changes[uri])


async def test_rename_an_input_renames_it_in_every_query(client: LanguageClient) -> None:
    uri = await open_manifest(client, "sql-rename.yaml")
    line, column = find("FROM orders")
    here = position(client, line, column + 7)
    prepared = await client.text_document_prepare_rename_async(
        types.PrepareRenameParams(text_document=doc(uri), position=here)
    )
    assert isinstance(prepared, types.PrepareRenamePlaceholder) and prepared.placeholder == "orders"
    assert texts(client, [prepared.range]) == [(line, "orders")]
    result = await client.text_document_rename_async(
        types.RenameParams(text_document=doc(uri), position=here, new_name="sales_orders")
    )
    renamed = apply(client, MANIFEST, edits_of(result, uri))
    expected = (
        MANIFEST.replace("- name: orders", "- name: sales_orders")
        .replace("FROM orders o", "FROM sales_orders o")
        .replace("FROM ORDERS", "FROM sales_orders")
        .replace("`orders`", "`sales_orders`")
    )
    # Exactly the names changed: every other byte (the emoji line, the escape, the dataset address that
    # also says `orders`) is untouched.
    assert renamed == expected
    assert "dataos://lakehouse:retail/orders" in renamed
    assert not [f for f in analyze(renamed) if f.code in ("FL402", "FL403")]


async def test_rename_refuses_a_name_spark_cannot_use(client: LanguageClient) -> None:
    uri = await open_manifest(client, "sql-rename-bad.yaml")
    line, column = find("FROM totals")
    with pytest.raises(JsonRpcException, match="not a plain Spark view name"):
        await client.text_document_rename_async(
            types.RenameParams(text_document=doc(uri), position=position(client, line, column + 6), new_name="1 bad")
        )


async def test_hover_on_a_view_in_sql_shows_its_input(client: LanguageClient) -> None:
    uri = await open_manifest(client, "sql-hover.yaml")
    line, column = find("JOIN customers")
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=doc(uri), position=position(client, line, column + 7))
    )
    assert hover is not None
    value = hover.contents.value  # type: ignore[union-attr]
    assert "**input** `customers`" in value
    assert "dataos://kafkadepot:none/customers" in value and "`kafkajson`" in value
    assert "streams: no" in value
    assert texts(client, [hover.range]) == [(line, "customers")]


async def test_completion_after_from_offers_inputs_and_earlier_steps(client: LanguageClient) -> None:
    uri = await open_manifest(client, "sql-completion.yaml")
    line, column = find("FROM totals t")
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=doc(uri), position=position(client, line, column + 7))
    )
    assert isinstance(result, types.CompletionList)
    labels = {item.label: item.detail for item in result.items}
    # `enriched` itself and the later `flagged` are not views this step can read.
    totals_line = find("- name: totals")[0] + 1
    assert labels == {
        "orders": "input (iceberg)",
        "customers": "input (kafkajson)",
        "totals": f"step (line {totals_line})",
    }
    (edit_range,) = {(i.text_edit.range.start.character, i.text_edit.range.end.character) for i in result.items}  # type: ignore[union-attr]
    assert edit_range == (units(client, LINES[line][: column + 5]), units(client, LINES[line][: column + 7]))
