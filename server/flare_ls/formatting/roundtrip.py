"""One document through ruamel.yaml's round trip, in the project's style, and the touches after it.

ruamel.yaml (``typ="rt"``) keeps comments, key order, anchors, tags, quoting (``preserve_quotes``),
block scalar styles and flow collections. What it would still change, and what is done about it:

- ``null``, ``~``, ``True``, ``False`` (any spelling of a null or a boolean) come back as ``''`` and
  ``true``/``false``: they are read as :class:`_Verbatim` strings and written as they were;
- a full-line comment keeps the column it had, which after re-indenting sits under nothing: it is
  moved to the new column of the line it was aligned with (:func:`_reindent_comments`);
- a root block sequence gets the sequence offset in front of every line: it is taken off again;
- an open-ended last scalar (``|+``) gets a ``...`` document end marker: the caller keeps the
  original markers, so it is dropped;
- comments keep their trailing spaces: those are stripped, like every line's, outside block scalars
  (where they are the value's).

Long plain scalars are never folded (``width`` is effectively infinite); a plain scalar written over
several lines is joined onto one, which is the same value.
"""

from __future__ import annotations

import io
import re
import warnings
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.representer import RoundTripRepresenter

from .faithful import span
from .style import FormatStyle

#: Wide enough that ruamel.yaml never folds a long plain or quoted scalar.
WIDTH = 1 << 30
_NULL, _BOOL = "tag:yaml.org,2002:null", "tag:yaml.org,2002:bool"
_LEADING = re.compile(r"[ ]*")


class _Verbatim(str):
    """A null or boolean scalar as written (``~``, ``null``, ``True``, ``yes`` under YAML 1.1)."""

    tag: str


def _construct_verbatim(constructor: Any, node: Any) -> _Verbatim:
    value = _Verbatim(node.value)
    value.tag = node.tag
    return value


class _Constructor(RoundTripConstructor):
    pass


class _Representer(RoundTripRepresenter):
    pass


_Constructor.add_constructor(_NULL, _construct_verbatim)
_Constructor.add_constructor(_BOOL, _construct_verbatim)
_Representer.add_representer(_Verbatim, lambda rep, data: rep.represent_scalar(data.tag, str(data)))


def ruamel(style: FormatStyle) -> YAML:
    """A round-trip ruamel.yaml set up for ``style``."""
    y = YAML(typ="rt")
    y.Constructor = _Constructor
    y.Representer = _Representer
    y.preserve_quotes = True
    y.allow_unicode = True
    y.width = WIDTH
    if style.indent_sequences:
        y.indent(mapping=style.indent, sequence=style.indent + 2, offset=style.indent)
    else:
        y.indent(mapping=style.indent, sequence=2, offset=0)
    return y


def dump_document(text: str, style: FormatStyle) -> str:
    """One document (``\n`` line breaks, no ``---``/``...`` markers) as ruamel.yaml writes it in
    ``style``, with the touches above; raises what ruamel.yaml raises."""
    result, root_sequence = _dump_once(text, style)
    # Taking the offset off a root sequence's lines moves its end-of-line comments too, which the
    # next round trip would move again: such a document goes round until it stays (twice is enough).
    for _ in range(2 if root_sequence else 0):
        again, _ = _dump_once(result, style)
        if again == result:
            break
        result = again
    return result


def _dump_once(text: str, style: FormatStyle) -> tuple[str, bool]:
    y = ruamel(style)
    # Trailing spaces mean nothing outside block scalars, and ruamel.yaml refuses a trailing tab that
    # libyaml reads (`name: x<TAB>`): they go before it reads the text.
    text = strip_trailing_spaces(text)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a reused anchor: the checks after decide, not a warning on stderr
        data = y.load(text)
    out = io.StringIO()
    y.dump(data, out)
    result = out.getvalue()
    if result.endswith("\n...\n"):
        result = result[: -len("...\n")]
    root_sequence = style.indent_sequences and isinstance(data, CommentedSeq) and not data.fa.flow_style()
    if root_sequence:
        pad = " " * style.indent
        result = "".join(line[len(pad) :] if line.startswith(pad) else line for line in result.splitlines(True))
    result = _reindent_comments(text, result)
    return strip_trailing_spaces(result), root_sequence


def _node_lines(text: str) -> list[int]:
    """The line each node of ``text`` starts on, in order."""
    return [
        span(event)[0][0] for event in yaml.parse(text, Loader=yaml.CSafeLoader) if isinstance(event, yaml.NodeEvent)
    ]


def _indent(line: str) -> int:
    return len(_LEADING.match(line).group())  # type: ignore[union-attr]


def _reindent_comments(before: str, after: str) -> str:
    """Put each full-line comment of ``after`` at the new indentation of the line it was aligned with
    in ``before``: the next node's line when it had the comment's column, else the nearest earlier
    one that had it, else the next node's (the last one's at the end). Comments pair up in order;
    anything unexpected leaves ``after`` as it is (the
    caller's checks have the last word)."""
    old_lines, new_lines = before.split("\n"), after.split("\n")
    try:
        old_comments, new_comments = _comment_lines(old_lines, before), _comment_lines(new_lines, after)
        if not old_comments or len(old_comments) != len(new_comments):
            return after
        old_nodes, new_nodes = _node_lines(before), _node_lines(after)
    except yaml.YAMLError:
        return after
    if len(old_nodes) != len(new_nodes):
        return after
    # Each original line a node starts on, and the line that node starts on now.
    moved: dict[int, int] = {}
    for old, new in zip(old_nodes, new_nodes, strict=True):
        moved.setdefault(old, new)
    starts = sorted(moved)
    for old_line, new_line in zip(old_comments, new_comments, strict=True):
        column = _indent(old_lines[old_line])
        later = [line for line in starts if line > old_line][:1]
        earlier = [line for line in reversed(starts) if line < old_line]
        aligned = next((line for line in later + earlier if _indent(old_lines[line]) == column), None)
        # Aligned with nothing: with the next node (else the last), so that formatting again keeps it.
        target = aligned if aligned is not None else (later + earlier + [None])[0]
        if target is None:
            continue
        text = new_lines[new_line].lstrip(" ")
        new_lines[new_line] = " " * _indent(new_lines[moved[target]]) + text
    return "\n".join(new_lines)


def _comment_lines(lines: list[str], text: str) -> list[int]:
    """The lines that hold only a comment (a block scalar's ``# ...`` line is its content)."""
    inside = _block_scalar_lines(text)
    return [i for i, line in enumerate(lines) if line.lstrip(" ").startswith("#") and i not in inside]


def _block_scalar_lines(text: str) -> set[int]:
    """The lines holding the content of a literal or folded block scalar; raises yaml.YAMLError."""
    out: set[int] = set()
    for event in yaml.parse(text, Loader=yaml.CSafeLoader):
        if isinstance(event, yaml.ScalarEvent) and event.style in ("|", ">"):
            (first, _), (line, column) = span(event)
            out.update(range(first + 1, (line if column else line - 1) + 1))
    return out


def strip_trailing_spaces(text: str) -> str:
    """``text`` without spaces and tabs at the ends of its lines, except in block scalars' content."""
    try:
        keep = _block_scalar_lines(text)
    except yaml.YAMLError:
        return text
    lines = text.split("\n")
    return "\n".join(line if i in keep else line.rstrip(" \t") for i, line in enumerate(lines))
