"""Whether a formatted text says exactly what the original said.

Three checks, all on libyaml (PyYAML's C parser), none on ruamel.yaml itself, so a ruamel.yaml
mistake cannot hide behind its own reading:

- the event streams match: every node with its anchor, tag, style (plain, quoted, literal or folded
  block, flow or block collection) and value, every alias and document marker, in order;
- the documents load to equal data with a plain safe loader (a tag it does not know is kept as a
  ``(tag, value)`` pair rather than refused);
- the comments are the same, in the same order (their trailing spaces aside).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Any

import yaml

Signature = list[tuple[Any, ...]]
_COMMENT = re.compile(r"(?:^|(?<=[ \t]))#[^\n]*", re.M)


class _AnyTagLoader(yaml.CSafeLoader):
    """The safe loader, which keeps a tag it does not know (``!Ref x``) as a ``(tag, value)`` pair."""


def _tagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> tuple[str, Any]:
    if isinstance(node, yaml.MappingNode):
        return node.tag, loader.construct_mapping(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        return node.tag, loader.construct_sequence(node, deep=True)
    return node.tag, loader.construct_scalar(node)  # type: ignore[arg-type]


_AnyTagLoader.add_multi_constructor("", _tagged)


def span(item: yaml.Event | yaml.Token | yaml.Node) -> tuple[tuple[int, int], tuple[int, int]]:
    """Where an event, token or node starts and ends: (line, column) pairs, zero-based."""
    start, end = item.start_mark, item.end_mark
    assert start is not None and end is not None  # libyaml marks every event and token
    return (start.line, start.column), (end.line, end.column)


def signature(text: str) -> Signature:
    """The events of ``text`` without their positions; raises yaml.YAMLError when it does not parse."""
    out: Signature = []
    for event in yaml.parse(text, Loader=yaml.CSafeLoader):
        kind = type(event).__name__
        if isinstance(event, yaml.ScalarEvent):
            out.append((kind, event.anchor, event.tag, event.implicit, event.value, event.style))
        elif isinstance(event, yaml.CollectionStartEvent):
            out.append((kind, event.anchor, event.tag, event.implicit, event.flow_style))
        elif isinstance(event, yaml.AliasEvent):
            out.append((kind, event.anchor))
        elif isinstance(event, (yaml.DocumentStartEvent, yaml.DocumentEndEvent)):
            out.append((kind, event.explicit))
        else:
            out.append((kind,))
    return out


def loaded(text: str) -> list[Any]:
    return list(yaml.load_all(text, Loader=_AnyTagLoader))


def comments(text: str) -> list[str]:
    """Each comment's text (``# ...`` without its trailing spaces), in order; raises yaml.YAMLError.

    A ``#`` is a comment where it starts a line or follows a space or tab and lies outside every token
    (a ``#`` inside a scalar, a tag or an anchor belongs to it). ``text`` has ``\\n`` line breaks only."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    spans: list[tuple[int, int]] = []
    for token in yaml.scan(text, Loader=yaml.CSafeLoader):
        (start_line, start_column), (end_line, end_column) = span(token)
        if (end_line, end_column) > (start_line, start_column):
            spans.append((starts[start_line] + start_column, starts[end_line] + end_column))
    spans.sort()
    token_starts = [s for s, _ in spans]
    out = []
    for match in _COMMENT.finditer(text):
        i = bisect_right(token_starts, match.start()) - 1
        if i >= 0 and spans[i][1] > match.start():
            continue
        out.append(match.group().rstrip())
    return out


def same_meaning(original: str, candidate: str) -> bool:
    """Whether ``candidate`` has the events, the data and the comments of ``original`` (both with
    ``\\n`` line breaks, without a byte-order mark); ``original`` must parse."""
    try:
        if signature(candidate) != signature(original):
            return False
        if loaded(candidate) != loaded(original):
            return False
        return comments(candidate) == comments(original)
    except (yaml.YAMLError, RecursionError, ValueError, TypeError):
        return False
