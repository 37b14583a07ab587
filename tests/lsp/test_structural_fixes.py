"""A structural fix as a code action, end to end: the edit the server sends, applied in the client's
units (UTF-16 unless negotiated otherwise), gives exactly the text ``--fix`` writes."""

from __future__ import annotations

from lsprotocol import types
from pytest_lsp import LanguageClient

from flare_ls.fixing import fix_text
from golden import FIXTURES

from .conftest import diagnostics, open_document, units, uri_for


def apply_in_client_units(client: LanguageClient, text: str, edits: list[types.TextEdit]) -> str:
    """Apply edits whose columns count the client's units, as an editor does."""
    lines = text.split("\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)

    def offset(position: types.Position) -> int:
        line = lines[position.line]
        column = next((i for i in range(len(line) + 1) if units(client, line[:i]) >= position.character), len(line))
        return starts[position.line] + column

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


async def test_moving_a_key_after_an_emoji_on_the_last_line(client: LanguageClient) -> None:
    # The file ends without a line break on a line with an emoji: the move appends after its last
    # character, a column that differs in UTF-16 (the emoji is two units), UTF-8 and code points.
    source = (FIXTURES / "misplaced-key" / "move-merges-into-existing-section.yaml").read_text(encoding="utf-8")
    text = source.rstrip("\n") + "  # crème brûlée 🍮"
    uri = uri_for("structural-move.yaml")
    open_document(client, uri, text)
    (misplaced,) = [d for d in await diagnostics(client, uri, 1) if d.code == "FL105"]
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=misplaced.range,
            context=types.CodeActionContext(diagnostics=[misplaced]),
        )
    )
    (move,) = [a for a in actions if a.title == "Move `showPreviewLines` to `job` (check the result)"]
    assert move.edit is not None and move.edit.changes is not None
    edits = move.edit.changes[uri]
    last = text.split("\n")[-1]
    assert types.Position(len(text.split("\n")) - 1, units(client, last)) in [e.range.start for e in edits]
    fixed = apply_in_client_units(client, text, edits)
    assert fixed == fix_text(text, unsafe=True)[0]
    assert fixed.endswith(
        "saveMode: append  # crème brûlée 🍮\n"
        "            # rows printed to the driver log: crème brûlée 🍮\n"
        "            showPreviewLines: 20  # é 🍮"
    )
