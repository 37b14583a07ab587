"""Positions between the core (code-point columns) and the client (its negotiated encoding)."""

from __future__ import annotations

from lsprotocol import types

from ..findings import Finding, Fix, Severity
from ..parsing.yamltree import Pos

UTF8, UTF16, UTF32 = types.PositionEncodingKind.Utf8, types.PositionEncodingKind.Utf16, types.PositionEncodingKind.Utf32

SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
    Severity.HINT: types.DiagnosticSeverity.Hint,
}
TAGS = {"deprecated": types.DiagnosticTag.Deprecated, "unnecessary": types.DiagnosticTag.Unnecessary}
SOURCE = "flare-ls"


class Converter:
    """Converts positions for one document text. Lines are split as LSP splits them (``\\r\\n``,
    ``\\r``, ``\\n``), which is how the core counts them too."""

    def __init__(self, lines: list[str], encoding: str | None) -> None:
        self.lines = lines
        self.encoding = encoding or UTF16

    def _units(self, text: str) -> int:
        if self.encoding == UTF32 or text.isascii():
            return len(text)
        if self.encoding == UTF8:
            return len(text.encode("utf-8"))
        return len(text.encode("utf-16-le")) // 2

    def to_client(self, pos: Pos) -> types.Position:
        line, column = pos
        if line >= len(self.lines):
            return types.Position(line=len(self.lines), character=0)
        return types.Position(line=line, character=self._units(self.lines[line][:column]))

    def range_to_client(self, start: Pos, end: Pos) -> types.Range:
        return types.Range(start=self.to_client(start), end=self.to_client(end))

    def from_client(self, position: types.Position) -> Pos:
        """A client position as (line, code-point column), clamped to the text."""
        if position.line >= len(self.lines):
            return (max(len(self.lines) - 1, 0), len(self.lines[-1]) if self.lines else 0)
        text = self.lines[position.line]
        if self.encoding == UTF32 or text.isascii():
            return (position.line, min(position.character, len(text)))
        units = 0
        for index, char in enumerate(text):
            if units >= position.character:
                return (position.line, index)
            units += self._units(char)
        return (position.line, len(text))

    def text_edits(self, fix: Fix) -> list[types.TextEdit]:
        return [types.TextEdit(range=self.range_to_client(e.start, e.end), new_text=e.text) for e in fix.edits]


def fix_data(fix: Fix) -> dict[str, object]:
    """The fix carried in ``Diagnostic.data``, in core positions, so a code action needs no re-lint."""
    return {
        "message": fix.message,
        "safe": fix.safe,
        "structural": fix.structural,
        "edits": [[e.start[0], e.start[1], e.end[0], e.end[1], e.text] for e in fix.edits],
    }


def fix_from_data(data: object) -> Fix | None:
    from ..findings import TextEdit

    if not isinstance(data, dict) or not isinstance(data.get("fix"), dict):
        return None
    raw = data["fix"]
    try:
        edits = tuple(TextEdit((int(a), int(b)), (int(c), int(d)), str(t)) for a, b, c, d, t in raw["edits"])
        return Fix(str(raw["message"]), edits, bool(raw["safe"]), bool(raw.get("structural", False)))
    except (KeyError, TypeError, ValueError):
        return None


def diagnostic(finding: Finding, convert: Converter) -> types.Diagnostic:
    """The finding as an LSP diagnostic; its fix rides in ``data`` (a code action offers it when the
    current analysis has a finding with that very fix, whatever version the diagnostic came with: an
    unchanged diagnostic is not published again for each version)."""
    data = {"fix": fix_data(finding.fix)} if finding.fix is not None else None
    tags = [TAGS[t] for t in finding.tags if t in TAGS]
    return types.Diagnostic(
        range=convert.range_to_client(finding.start, finding.end),
        message=finding.message,
        severity=SEVERITY[finding.severity],
        code=finding.code,
        code_description=types.CodeDescription(href=finding.rule.url),
        source=SOURCE,
        tags=tags or None,
        data=data,
    )
