"""Open documents as the server keeps them: their lines, changed edit by edit, and the edits since any
earlier revision.

pygls's document keeps one string and, for every incremental change, splits the whole text into lines
(``str.splitlines``, which also breaks at form feeds, NEL, U+2028 and U+2029, so that a change after
such a character lands on the wrong line) and writes every line out again: about 2.6 ms per keystroke in
a 20,000-line manifest, before the analysis has split the same text into lines once more. Here a
document is its list of lines as LSP counts them (``\\n``, ``\\r\\n`` and ``\\r`` end a line, nothing
else): a change replaces the lines it spans, and the text is joined only when asked for, once per
revision however many changes came in between. The analysis takes those lines as they are.

A document whose lines all end alike (``\\n`` or ``\\r\\n``) takes that path; one that mixes line
endings, or a change that would mix them, splices the text and splits it again, as before.

Each change is also logged in code points (:class:`Edit`), so that what was computed for an earlier
revision can be carried to the current text (:func:`back`, :func:`forward`): hover and completion answer
from the last analysis while the newest is still running, and a publication is skipped when the
diagnostics the editor shows are already right.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from lsprotocol import types
from pygls.workspace import TextDocument, Workspace

from ..parsing.yamltree import Pos, split_lines
from .convert import Converter

#: Changes remembered per document: an analysis older than this many changes is not carried forward.
LOG_LIMIT = 512


class Edit(NamedTuple):
    """One change in code points: the text from ``start`` to ``end`` (in the text before it) became the
    text from ``start`` to ``new_end`` (in the text after it)."""

    start: Pos
    end: Pos
    new_end: Pos


def _newline_of(text: str) -> str | None:
    """The one line ending ``text`` uses, or None when it mixes them (or ends a line with a lone ``\\r``)."""
    if "\r" not in text:
        return "\n"
    crlf = text.count("\r\n")
    return "\r\n" if crlf == text.count("\r") == text.count("\n") else None


def _fits(text: str, newline: str) -> bool:
    """Whether inserting ``text`` into lines ended by ``newline`` keeps every ending ``newline``."""
    if newline == "\n":
        return "\r" not in text
    return text.count("\r\n") == text.count("\r") == text.count("\n")


class Document(TextDocument):
    """A text document kept as lines (see the module docstring); pygls's interface otherwise."""

    def __init__(self, uri: str, source: str | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(uri, source, *args, **kwargs)
        text = source or ""
        self._lines = split_lines(text)
        self._newline = _newline_of(text)
        #: Counts the changes applied (pygls's ``version`` is the client's and may repeat or be absent).
        self.revision = 0
        self._log: list[tuple[int, Edit | None]] = []
        self._snapshot: tuple[int, str, list[str]] | None = None

    @property
    def source(self) -> str:
        if self._source is None:
            self._source = self._newline.join(self._lines) if self._newline is not None else ""
        return self._source

    def snapshot(self) -> tuple[str, list[str]]:
        """The text and a copy of its lines (an analysis in a thread keeps them while edits arrive)."""
        if self._snapshot is None or self._snapshot[0] != self.revision:
            self._snapshot = (self.revision, self.source, list(self._lines))
        return self._snapshot[1], self._snapshot[2]

    def line(self, number: int) -> str:
        """One line of the current text, without its ending ('' past the end)."""
        return self._lines[number] if 0 <= number < len(self._lines) else ""

    @property
    def line_count(self) -> int:
        return len(self._lines)

    # -- changes
    def apply_change(self, change: types.TextDocumentContentChangeEvent) -> None:
        if isinstance(change, types.TextDocumentContentChangePartial):
            edit = self._apply_range(change.range, change.text)
        else:
            self._replace(change.text)
            edit = None
        self.revision += 1
        self._log.append((self.revision, edit))
        if len(self._log) > LOG_LIMIT:
            del self._log[: len(self._log) - LOG_LIMIT]

    def _replace(self, text: str) -> None:
        self._source = text
        self._lines = split_lines(text)
        self._newline = _newline_of(text)

    def _apply_range(self, at: types.Range, text: str) -> Edit | None:
        # Positions past a line's end or past the last line are clamped, as the LSP specification says.
        convert = Converter(self._lines, self._position_codec.encoding)
        start, end = convert.from_client(at.start), convert.from_client(at.end)
        if end < start:
            start, end = end, start
        (first, start_col), (last, end_col) = start, end
        lines, newline = self._lines, self._newline
        if newline is None or not _fits(text, newline):
            self._splice(start, end, text)
            return None
        head, tail = lines[first][:start_col], lines[last][end_col:]
        joined = head + text + tail
        new = joined.split(newline) if newline in text else [joined]
        lines[first : last + 1] = new  # in place: the pointers after the change move, no line is copied
        self._source = None
        return Edit(start, end, (first + len(new) - 1, len(new[-1]) - len(tail)))

    def _splice(self, start: Pos, end: Pos, text: str) -> None:
        """A change that mixes line endings: the text spliced and split again (no edit is logged, since
        a ``\\r`` meeting a ``\\n`` at its border can join two lines)."""
        source = self.source
        offsets = [0]
        for index, line in enumerate(self._lines[:-1]):
            offsets.append(offsets[-1] + len(line) + (2 if source.startswith("\r\n", offsets[-1] + len(line)) else 1))
            if index > end[0]:
                break
        a, b = offsets[start[0]] + start[1], offsets[end[0]] + end[1]
        self._replace(source[:a] + text + source[b:])

    def edits_since(self, revision: int) -> list[Edit] | None:
        """The changes made after ``revision``, oldest first; None when they are not all known (a full
        replacement, a splice, or more changes than the log keeps)."""
        if revision == self.revision:
            return []
        if revision > self.revision or not self._log or self._log[0][0] > revision + 1:
            return None
        edits = [edit for after, edit in self._log if after > revision]
        known = [edit for edit in edits if edit is not None]
        return known if len(known) == len(edits) else None


class FlareWorkspace(Workspace):
    """pygls's workspace, holding :class:`Document` objects."""

    def _create_text_document(
        self, doc_uri: str, source: str | None = None, version: int | None = None, language_id: str | None = None
    ) -> TextDocument:
        return Document(
            doc_uri,
            source=source,
            version=version,
            language_id=language_id,
            sync_kind=self._sync_kind,
            position_codec=self._position_codec,
        )

    @classmethod
    def replacing(cls, workspace: Workspace, sync_kind: types.TextDocumentSyncKind) -> FlareWorkspace:
        """The same workspace (root, folders, encoding), empty of documents as it is at initialize."""
        return cls(workspace.root_uri, sync_kind, list(workspace.folders.values()), workspace.position_encoding)


# -- carrying positions across edits ----------------------------------------------------------------


def _after(pos: Pos, edit: Edit) -> Pos:
    """A position at or after ``edit.end`` in the old text, in the new text."""
    line, column = pos
    if line == edit.end[0]:
        return (edit.new_end[0], edit.new_end[1] + column - edit.end[1])
    return (line + edit.new_end[0] - edit.end[0], column)


def back(pos: Pos, edits: list[Edit]) -> tuple[Pos, bool]:
    """Where ``pos`` of the current text was before ``edits``: (position, exact). A position inside text
    the edits inserted maps to where it was inserted, and is not exact."""
    exact = True
    for edit in reversed(edits):
        if pos < edit.start:
            continue
        if pos >= edit.new_end:  # after the inserted text (or, for a deletion, at or after its place)
            line, column = pos
            if line == edit.new_end[0]:
                pos = (edit.end[0], edit.end[1] + column - edit.new_end[1])
            else:
                pos = (line - edit.new_end[0] + edit.end[0], column)
        else:
            pos, exact = edit.start, False
    return pos, exact


def forward(start: Pos, end: Pos, edits: list[Edit]) -> tuple[Pos, Pos] | None:
    """The range ``start``-``end`` of an earlier text in the current one, or None when an edit touched
    it (an edit that ends where the range starts, or starts where it ends, counts: an editor may grow
    or move the range with it)."""
    for edit in edits:
        if end < edit.start:
            continue
        if start > edit.end:
            start, end = _after(start, edit), _after(end, edit)
            continue
        return None
    return start, end
