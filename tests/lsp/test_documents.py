"""The server's documents (``lsp/documents.py``): changes applied to lines give the text a splice of the
whole text gives, in every position encoding and with every kind of line ending, and the edit log
carries positions between revisions."""

from __future__ import annotations

import random

import pytest
from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec

from flare_ls.lsp.documents import Document, back, forward

from .conftest import lines_of, offset

PIECES = ["", "x", "yz", "😀", "é", "\n", "\r\n", "\r", "a\nb", "a\r\nb\r\n", "\u2028", "\x85", "\x0c", "naïve 😀\n"]
ENCODINGS = [types.PositionEncodingKind.Utf8, types.PositionEncodingKind.Utf16, types.PositionEncodingKind.Utf32]
START = "a: 1\nb: naïve 😀\n\nc: |\n  x\u2028y\n  z\n"


def units(text: str, encoding: str) -> int:
    if encoding == types.PositionEncodingKind.Utf8:
        return len(text.encode("utf-8"))
    if encoding == types.PositionEncodingKind.Utf16:
        return len(text.encode("utf-16-le")) // 2
    return len(text)


def random_edit(rng: random.Random, text: str) -> tuple[tuple[int, int], tuple[int, int], str]:
    lines = lines_of(text)
    first = rng.randrange(len(lines))
    last = min(len(lines) - 1, first + rng.choice([0, 0, 1, 2]))
    a = rng.randrange(len(lines[first]) + 1)
    b = rng.randrange(len(lines[last]) + 1) if last > first else rng.randrange(a, len(lines[first]) + 1)
    return (first, a), (last, b), rng.choice(PIECES)


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("newline", ["\n", "\r\n", "mixed"])
def test_changes_give_the_spliced_text(encoding: str, newline: str) -> None:
    rng = random.Random(f"{encoding}{newline}")
    text = START.replace("\n", newline) if newline != "mixed" else START.replace("\n", "\r\n", 2)
    doc = Document("file:///x.yaml", text, position_codec=PositionCodec(encoding=encoding))
    for step in range(400):
        (first, a), (last, b), piece = random_edit(rng, text)
        lines = lines_of(text)
        start = types.Position(first, units(lines[first][:a], encoding))
        end = types.Position(last, units(lines[last][:b], encoding))
        doc.apply_change(types.TextDocumentContentChangePartial(range=types.Range(start=start, end=end), text=piece))
        text = text[: offset(text, first, a)] + piece + text[offset(text, last, b) :]
        assert doc.source == text, f"step {step}: {piece!r} at {(first, a)}-{(last, b)}"
        assert doc.snapshot() == (text, lines_of(text))
        if step % 50 == 0:  # a full replacement now and then
            doc.apply_change(types.TextDocumentContentChangeWholeDocument(text=text))


def test_positions_past_the_end_are_clamped_and_a_reversed_range_is_read_forwards() -> None:
    doc = Document("file:///x.yaml", "ab\ncd")
    doc.apply_change(
        types.TextDocumentContentChangePartial(
            range=types.Range(start=types.Position(0, 99), end=types.Position(0, 1)), text="X"
        )
    )
    assert doc.source == "aX\ncd"
    doc.apply_change(
        types.TextDocumentContentChangePartial(
            range=types.Range(start=types.Position(7, 0), end=types.Position(9, 9)), text="!"
        )
    )
    assert doc.source == "aX\ncd!"


def test_edits_carry_positions_between_revisions() -> None:
    """A range no edit touched holds the same text after the edits; a position outside every inserted
    text maps back to the same character; one inside maps to where the text was inserted."""
    rng = random.Random(5)
    for _ in range(200):
        text = START
        doc = Document("file:///x.yaml", text, position_codec=PositionCodec(encoding=types.PositionEncodingKind.Utf32))
        old = text
        for _ in range(rng.randrange(1, 4)):
            (first, a), (last, b), piece = random_edit(rng, text)
            if "\r" in piece:
                continue  # a splice keeps no edit to carry (tested above)
            change = types.Range(start=types.Position(first, a), end=types.Position(last, b))
            doc.apply_change(types.TextDocumentContentChangePartial(range=change, text=piece))
            text = text[: offset(text, first, a)] + piece + text[offset(text, last, b) :]
        edits = doc.edits_since(0)
        assert edits is not None
        old_lines, new_lines = lines_of(old), lines_of(text)
        for line, content in enumerate(old_lines):
            for column in range(len(content)):
                moved = forward((line, column), (line, column + 1), edits)
                if moved is not None:
                    (nl, nc), _ = moved
                    assert new_lines[nl][nc] == content[column]
        for line, content in enumerate(new_lines):
            for column in range(len(content)):
                (ol, oc), exact = back((line, column), edits)
                if exact:
                    assert old_lines[ol][oc] == content[column]


def test_the_log_forgets_what_it_cannot_carry() -> None:
    doc = Document("file:///x.yaml", "a\nb\n")
    at = types.Range(start=types.Position(0, 0), end=types.Position(0, 0))
    doc.apply_change(types.TextDocumentContentChangePartial(range=at, text="x"))
    assert doc.edits_since(0) is not None and doc.edits_since(1) == []
    doc.apply_change(types.TextDocumentContentChangePartial(range=at, text="\r"))  # mixes line endings
    assert doc.edits_since(0) is None and doc.edits_since(2) == []
    doc.apply_change(types.TextDocumentContentChangeWholeDocument(text="c\n"))
    assert doc.edits_since(2) is None
