"""Formatting a manifest in one style: ruamel.yaml's round trip, checked before anything is changed.

The core of ``flare-ls format`` and the language server's ``textDocument/formatting``: text in, the
formatted text (or the reason it is left alone) out, and the minimal line edits from one to the
other. It does no I/O and imports ruamel.yaml only when asked to format (``flare-ls check`` never
does). docs/formatting.md describes the style and what is kept.

What is done to a text (``format_text``):

- a byte-order mark is set aside and put back; line breaks are read as ``\\n`` and written back as the
  text's first one (``\\r\\n`` stays ``\\r\\n``; a text that mixes them gets its first one throughout);
- the text is cut at its explicit document markers (``---``, ``...``, with any directives), which are
  kept as they are; each document between them goes through ruamel.yaml (``roundtrip``), and a part
  that holds only comments and blank lines is kept, its trailing spaces removed;
- the result ends with one line break, and must have the events, the data and the comments of the
  original (``faithful``), or the text is left alone with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..findings import TextEdit
from .edits import line_edits, touching
from .style import DEFAULT_STYLE, INDENTS, FormatStyle

__all__ = ["DEFAULT_STYLE", "INDENTS", "FormatStyle", "Formatted", "format_text", "line_edits", "range_edits"]

_BREAK = re.compile(r"\r\n|\r|\n")
_LEADING_SPACE = re.compile(r"[ \t]*")
#: Line breaks of YAML 1.1 (libyaml, ruamel.yaml) that YAML 1.2, editors and LSP do not break at.
_OTHER_BREAKS = re.compile("[\x85\u2028\u2029]")


@dataclass(frozen=True)
class Formatted:
    """The outcome of formatting one text: ``text`` formatted, or, when ``refused`` says why it could
    not be formatted faithfully, the original text."""

    original: str
    text: str
    refused: str | None = None

    @property
    def changed(self) -> bool:
        return self.refused is None and self.text != self.original


class _Refused(Exception):
    pass


def format_text(text: str, style: FormatStyle = DEFAULT_STYLE) -> Formatted:
    """``text`` in ``style``, or left alone with the reason (``Formatted.refused``)."""
    try:
        return Formatted(text, _format(text, style))
    except _Refused as exc:
        return Formatted(text, text, str(exc))


def _format(text: str, style: FormatStyle) -> str:
    import yaml

    from .faithful import same_meaning, signature

    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = text[len(bom) :]
    other = _OTHER_BREAKS.search(body)
    if other is not None:
        raise _Refused(
            f"it holds the character U+{ord(other.group()):04X}, a line break to YAML 1.1 but not to "
            "YAML 1.2 or the editor"
        )
    first_break = _BREAK.search(body)
    newline = first_break.group() if first_break else "\n"
    normal = _BREAK.sub("\n", body)
    try:
        signature(normal)
        markers = _markers(normal)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        lines = normal.split("\n")
        indentation = _LEADING_SPACE.match(lines[mark.line]).group() if mark and mark.line < len(lines) else ""  # type: ignore[union-attr]
        if mark is not None and "\t" in indentation:
            raise _Refused(f"it does not parse: a tab in the indentation of line {mark.line + 1}") from None
        raise _Refused(f"it does not parse: {_yaml_problem(exc)}") from None
    formatted = _format_parts(normal, markers, style)
    ending = formatted.strip("\n") + "\n" if formatted.strip() else ""  # no blank lines around
    for candidate in (ending, formatted):
        if same_meaning(normal, candidate):
            return bom + (candidate.replace("\n", newline) if newline != "\n" else candidate)
    raise _Refused(
        "ruamel.yaml's output would not read the same as the original (a value, a style, an anchor or a "
        "comment would change); please report it"
    )


def _yaml_problem(exc: Exception) -> str:
    problem = getattr(exc, "problem", None) or str(exc).strip().splitlines()[0]
    mark = getattr(exc, "problem_mark", None)
    where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
    return f"{problem}{where}"


def _markers(text: str) -> set[int]:
    """The lines of explicit document markers (``---``, ``...``) and the directives before them;
    raises yaml.YAMLError, and _Refused for a node on a ``---`` line (``--- |``), which is kept as
    ruamel.yaml cannot write it back."""
    import yaml

    from .faithful import span

    lines = text.split("\n")
    out: set[int] = set()
    for event in yaml.parse(text, Loader=yaml.CSafeLoader):
        if isinstance(event, yaml.DocumentStartEvent) and event.explicit:
            (first, _), (line, column) = span(event)
            rest = lines[line][column:].strip()
            if rest and not rest.startswith("#"):
                raise _Refused(f"line {line + 1}: a node on the `---` line is not supported; put it on the next line")
            out.update(range(first, line + 1))
        elif isinstance(event, yaml.DocumentEndEvent) and event.explicit:
            out.add(span(event)[0][0])
    return out


def _format_parts(text: str, markers: set[int], style: FormatStyle) -> str:
    """Each run of lines between markers formatted as one document; the marker lines kept."""
    from .roundtrip import dump_document

    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()  # the "line" after the last line break
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if not run:
            return
        if all(not line.strip() or line.lstrip().startswith("#") for line in run):
            out.append("".join(line.rstrip(" \t") + "\n" for line in run))
        else:
            out.append(_dump(dump_document, "\n".join(run) + "\n", style))
        run.clear()

    for i, line in enumerate(lines):
        if i in markers:
            flush()
            out.append(line.rstrip(" \t") + "\n")
        else:
            run.append(line)
    flush()
    return "".join(out)


def _dump(dump_document: object, part: str, style: FormatStyle) -> str:
    from ruamel.yaml.constructor import DuplicateKeyError
    from ruamel.yaml.error import YAMLError

    assert callable(dump_document)
    try:
        result = dump_document(part, style)
    except DuplicateKeyError as exc:
        raise _Refused(f"it has a duplicate key ({_yaml_problem(exc)}); remove one first") from None
    except YAMLError as exc:
        raise _Refused(f"ruamel.yaml cannot read it: {_yaml_problem(exc)}") from None
    except RecursionError:
        raise _Refused("it is nested too deeply for ruamel.yaml") from None
    except Exception as exc:  # noqa: BLE001 - a ruamel.yaml failure is a reason to leave the text alone
        raise _Refused(f"ruamel.yaml failed on it ({type(exc).__name__}: {exc})") from None
    assert isinstance(result, str)
    return result


def range_edits(formatted: Formatted, first: int, last: int) -> list[TextEdit]:
    """The edits of ``formatted`` (not refused) for the lines ``first`` to ``last`` of its original.

    Re-indenting only some lines of a block can change what it means (half a mapping moved left is
    no longer the same mapping), so the smallest of these that keeps the meaning is taken: the edits
    touching the lines; the edits touching the top-level entries (a root mapping's keys with their
    values, a root sequence's items) the lines are in; every edit."""
    from ..fixes import apply_edits
    from .faithful import same_meaning

    edits = line_edits(formatted.original, formatted.text)
    if not edits:
        return []
    original = _normal(formatted.original)
    for low, high in ((first, last), _enclosing_entries(original, first, last)):
        chosen = touching(edits, low, high)
        if len(chosen) == len(edits) or same_meaning(original, _normal(apply_edits(formatted.original, chosen))):
            return chosen
    return edits


def _normal(text: str) -> str:
    return _BREAK.sub("\n", text.removeprefix("\ufeff"))


def _enclosing_entries(text: str, first: int, last: int) -> tuple[int, int]:
    """The lines of the top-level entries that the lines ``first`` to ``last`` touch (a root that is
    neither a block mapping nor a block sequence is one entry)."""
    import yaml

    from .faithful import span

    low, high = first, last
    for document in yaml.compose_all(text, Loader=yaml.CSafeLoader):
        if document is None:
            continue
        if isinstance(document, yaml.MappingNode) and not document.flow_style:
            entries = [(span(key)[0][0], _last_line(span(value)[1])) for key, value in document.value]
        elif isinstance(document, yaml.SequenceNode) and not document.flow_style:
            entries = [(span(item)[0][0], _last_line(span(item)[1])) for item in document.value]
        else:
            entries = [(span(document)[0][0], _last_line(span(document)[1]))]
        for start, end in entries:
            if start <= last and end >= first:
                low, high = min(low, start), max(high, end)
    return low, high


def _last_line(end: tuple[int, int]) -> int:
    line, column = end
    return line if column or line == 0 else line - 1
