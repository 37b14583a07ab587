"""textDocument/formatting and rangeFormatting end to end: the edits the server sends, applied by the
client in its position encoding, give exactly the formatted text; a broken document gets none."""

from __future__ import annotations

import asyncio

from lsprotocol import types
from pytest_lsp import LanguageClient

from flare_ls.formatting import format_text

from .conftest import encoding, open_document, uri_for

# Four-space indentation, an unindented sequence, trailing spaces, non-ASCII text on the lines that
# change, and no final line break (the last edit ends after an emoji, in the client's units).
TEXT = (
    "version: v1\n"
    "name: crème-brûlée   \n"
    "tags:\n"
    "- 🍮 dessert\n"
    "workflow:\n"
    "    title: crème brûlée 🍮   # a comment 🍮\n"
    "    dag:\n"
    "    - name: job-1\n"
    "      description: crème brûlée 🍮"
)


def offset(client: LanguageClient, text: str, position: types.Position) -> int:
    """A client position as an index into ``text``, counting units as the negotiated encoding does."""
    lines = text.splitlines(keepends=True)
    start = sum(len(line) for line in lines[: position.line])
    line = lines[position.line] if position.line < len(lines) else ""
    units, index = 0, 0
    enc = encoding(client)
    while units < position.character and index < len(line):
        char = line[index]
        units += len(char.encode("utf-8")) if enc == "utf-8" else len(char.encode("utf-16-le")) // 2
        index += 1
    assert units == position.character, "a position inside a character"
    return start + index


def apply(client: LanguageClient, text: str, edits: list[types.TextEdit]) -> str:
    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        start, end = offset(client, text, edit.range.start), offset(client, text, edit.range.end)
        text = text[:start] + edit.new_text + text[end:]
    return text


def doc(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


OPTIONS = types.FormattingOptions(tab_size=8, insert_spaces=False)  # the project's style wins


async def test_formatting_edits_give_the_formatted_text(client: LanguageClient) -> None:
    uri = uri_for("format-whole.yaml")
    open_document(client, uri, TEXT)
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(text_document=doc(uri), options=OPTIONS)
    )
    assert edits
    expected = format_text(TEXT).text
    assert "  title: crème brûlée 🍮" in expected and expected.endswith("🍮\n")
    assert apply(client, TEXT, edits) == expected
    # Minimal: the unchanged first line is never part of an edit.
    assert all(e.range.start.line >= 1 for e in edits)


async def test_range_formatting_changes_only_the_lines_asked(client: LanguageClient) -> None:
    uri = uri_for("format-range.yaml")
    open_document(client, uri, TEXT)
    edits = await client.text_document_range_formatting_async(
        types.DocumentRangeFormattingParams(
            text_document=doc(uri),
            range=types.Range(start=types.Position(1, 0), end=types.Position(2, 0)),
            options=OPTIONS,
        )
    )
    assert edits and all(e.range.start.line == 1 and e.range.end.line == 2 for e in edits)
    assert apply(client, TEXT, edits) == TEXT.replace("crème-brûlée   \n", "crème-brûlée\n")


async def test_a_document_that_does_not_parse_gets_no_edits_and_a_logged_reason(client: LanguageClient) -> None:
    uri = uri_for("format-broken.yaml")
    broken = "version: v1\nname: [unclosed\n"
    open_document(client, uri, broken)
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(text_document=doc(uri), options=OPTIONS)
    )
    assert not edits

    def logged() -> list[str]:
        return [m.message for m in client.log_messages if "format-broken.yaml not formatted" in m.message]

    while not logged():  # the log message may arrive after the answer: wait for it, never sleep
        await asyncio.wait_for(client.wait_for_notification(types.WINDOW_LOG_MESSAGE), 30)
    assert "does not parse: did not find expected ',' or ']'" in logged()[0]
