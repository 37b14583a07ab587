"""Completion and hover from the schema model: pure, editor-agnostic, and tolerant of broken YAML.

While an author types, the document rarely parses (``triggerMode: `` with nothing after it, a key half
written). So the place under the cursor is found from the lines themselves: the chain of less-indented
``key:`` lines and ``- `` list items above it gives the path into the manifest, and the path gives the
shape and documentation from the model. Only names that refer to other parts of the manifest (steps,
inputs, dag jobs) need a parse, and fall back to the text without the cursor's line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from .fixes import escape_for, yaml_scalar
from .parsing.yamltree import (
    ParsedText,
    Pos,
    YMap,
    YNode,
    YScalar,
    child_at,
    indent_of,
    parse,
    split_lines,
)
from .schema.attrdoc import LEGACY_LAYOUT_UNTIL, TRIGGER_MODES, AttrDoc, stack_named
from .schema.docs import Chooser, TagOf, field_at, variant_markdown
from .schema.docs import shape_at as docs_shape_at
from .schema.shapes import (
    AnyShape,
    FieldShape,
    KeyedShape,
    ListShape,
    MapShape,
    ScalarShape,
    Shape,
    TaggedShape,
    UnionShape,
)
from .views import build_view, stack_version

_KEY_LINE = re.compile(r"^(?P<indent> *)(?P<dash>-\s+)?(?P<key>[^\s:#'\"{\[-][^:#]*?|'[^']*'|\"[^\"]*\")\s*:(?:\s|$)")
_PARTIAL_KEY = re.compile(r"^[\w.$-]*$")
_WORD_AFTER = re.compile(r"[\w.$-]*")

# Where an attribute names another part of the manifest: (path suffix, what it names).
REFERENCES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("outputs", "[]", "name"), "view"),
    (("sink", "[]", "sequenceName"), "view"),
    (("commands", "[]", "sequenceName"), "view"),
    (("actions", "[]", "input"), "input"),
    (("incremental", "context"), "view"),
    (("dependencies", "[]"), "job"),
    (("dependencies",), "job"),
)


@dataclass(frozen=True)
class Item:
    """One completion proposal, in core terms (the LSP adapter turns it into a CompletionItem)."""

    label: str
    kind: str  # "key", "value", "snippet", "reference"
    insert: str
    detail: str = ""
    documentation: str = ""
    sort: str = "1"
    snippet: bool = False
    deprecated: bool = False


@dataclass
class Completion:
    items: list[Item]
    #: Zero-based line and the code-point columns of the text the chosen item replaces.
    line: int
    start: int
    end: int


@dataclass
class Place:
    """What the cursor is on: a key being typed in a mapping, or the value of a key."""

    path: list[str]  # keys and "[]" for list levels, from the root to the mapping (or value)
    kind: str  # "key" or "value"
    line: int
    partial: str
    start: int  # column where the partial word starts
    end: int  # column where the word under the cursor ends
    key: str | None = None  # for values: the key whose value this is
    indent: int = 0  # column of the keys of the mapping the cursor is in
    in_new_item: bool = False  # the line starts with "- "
    #: Keys written in the same mapping, each with the value on its line (``""`` for a block).
    siblings: dict[str, str] = field(default_factory=dict)
    #: For a value: the quote it opens with (``'`` or ``"``, the replaced text starting after it), and
    #: whether the quote is closed on the line (else the proposal closes it).
    quote: str = ""
    closed: bool = False
    #: For a key: a colon follows the word (``trig|:``, ``trig|gerMode: x``), so only the name is inserted.
    colon: bool = False
    #: For a key: the lines below are indented past it, a block it owns, so no snippet brings its own.
    block_below: bool = False
    #: Where each part of ``path`` is written: (line, column of its key, or of the dash for ``[]``).
    where: list[tuple[int, int]] = field(default_factory=list)


# -- locating the cursor --------------------------------------------------------------------------


def _is_content(text: str) -> bool:
    stripped = text.strip()
    return bool(stripped) and not stripped.startswith("#")


def _key_of(text: str) -> str | None:
    """The key a line opens a block with (``  spec:`` -> ``spec``), or None."""
    match = _KEY_LINE.match(text)
    if match is None:
        return None
    rest = text[match.end() :].strip()
    if rest and not rest.startswith("#") and not rest.startswith("&"):
        return None  # ``key: value``: opens no block
    return match.group("key").strip("'\"")


def enclosing_path(lines: list[str], line: int, column: int, dash_owner: bool = False) -> list[str]:
    """The path of the mapping whose keys start at ``column`` on ``line``.

    Walks up to each less-indented ``key:`` line and ``- `` item. ``dash_owner``: the cursor line is a
    new list item at ``column``, so a key at the same column may own that list (YAML lets a sequence
    sit at its key's indentation).
    """
    return [part for part, _, _ in _enclosing(lines, line, column, dash_owner)]


def _enclosing(lines: list[str], line: int, column: int, dash_owner: bool = False) -> list[tuple[str, int, int]]:
    """:func:`enclosing_path` with where each part is written: (part, line, column of its key; for a list
    item ``[]``, the line of its ``- `` and the column its keys start at)."""
    path: list[tuple[str, int, int]] = []
    target = column
    allow_equal = dash_owner
    for number in range(line - 1, -1, -1):
        text = lines[number]
        # A line indented past the block sought is never part of the path: skipped without reading it
        # (most lines above the cursor in a big manifest: the jobs before its own).
        if text.startswith(" ", target) and text[: target + 1].isspace():
            continue
        if not _is_content(text):
            continue
        indent = indent_of(text)
        stripped = text.strip()
        if stripped.startswith("- ") or stripped == "-":
            rest = stripped[1:].lstrip()
            content = indent + (len(stripped) - len(rest))
            if indent >= target and not (allow_equal and indent == target):
                continue
            if indent == target and allow_equal:
                continue  # a sibling item of the list the cursor starts an item in
            # ``- sequence:`` opens a block inside the item; the list under it may sit at its key's column
            # (``- name:`` right below ``sequence``), which is where the part just walked started.
            if content < target or (allow_equal and content == target):
                key = _key_of(" " * content + rest)
                if key is not None:
                    path.append((key, number, content))
            path.append(("[]", number, content))
            target, allow_equal = indent, True
            continue
        if indent < target or (allow_equal and indent == target):
            key = _key_of(text)
            if key is None:
                continue
            path.append((key, number, indent))
            target, allow_equal = indent, False
            if indent == 0:
                break
    path.reverse()
    return path


def _written(match: re.Match[str]) -> tuple[str, str]:
    """The key a ``_KEY_LINE`` match names and the value written after it on its line, without quotes
    or a trailing comment."""
    return match.group("key").strip("'\""), match.string[match.end() :].split(" #")[0].strip().strip("'\"")


def _unzip(parts: list[tuple[str, int, int]]) -> tuple[list[str], list[tuple[int, int]]]:
    """The path of :func:`_enclosing` parts, and where each part is written."""
    return [part for part, _, _ in parts], [(number, col) for _, number, col in parts]


def _sibling_keys(lines: list[str], line: int, column: int, steps: tuple[int, ...] = (-1, 1)) -> dict[str, str]:
    """Keys already present in the mapping whose keys start at ``column`` around ``line``, each with the
    value written on its line (``""`` for a block). ``steps``: look above (-1) and below (1) the line."""
    found: dict[str, str] = {}

    def add(text: str) -> None:
        match = _KEY_LINE.match(text)
        if match:
            key, value = _written(match)
            found[key] = value

    for step in steps:
        number = line + step
        while 0 <= number < len(lines):
            text = lines[number]
            number += step
            if not _is_content(text):
                continue
            indent = indent_of(text)
            stripped = text.strip()
            if stripped.startswith("- "):
                content = indent + (len(stripped) - len(stripped[1:].lstrip()))
                if content == column:
                    if step < 0:  # the item's first line; below, a dash starts the next item
                        add(text)
                    break  # the item's first line: the mapping starts here (going up) or a new item begins
                if indent < column:
                    break
                continue
            if indent < column:
                break
            if indent == column:
                add(text)
    return found


def _mapping_parts(lines: list[str], line: int, indent: int, key_col: int, dash: bool) -> list[tuple[str, int, int]]:
    """The path of the mapping a key at ``key_col`` belongs to, with where each part is written; on a
    ``- key`` line, that mapping is a new item of the list the dash (at ``indent``) continues."""
    if dash:
        return _enclosing(lines, line, indent, dash_owner=True) + [("[]", line, key_col)]
    return _enclosing(lines, line, key_col)


def _line_chooser(lines: list[str], where: list[tuple[int, int]]) -> Chooser:
    """Picks the options of the format the holder names, read from the holder's lines: the options key
    is written at ``where[depth - 1]``, among the holder's keys."""

    def choose(keyed: KeyedShape, depth: int) -> MapShape | None:
        if not 0 < depth <= len(where):
            return None
        number, column = where[depth - 1]
        first = lines[number].lstrip().startswith("- ")
        siblings = _sibling_keys(lines, number, column, (1,) if first else (-1, 1))
        if first:
            match = _KEY_LINE.match(lines[number])
            if match is not None:
                siblings.setdefault(match.group("key"), "")
        value = next((siblings[k] for k in keyed.keys if siblings.get(k)), None)
        return keyed.select(value)

    return choose


def _tree_chooser(node: YNode) -> Chooser:
    """Picks the options of the format the holder names, read from the parsed tree: the holder is the
    ancestor of ``node`` that holds the options, ``depth - 1`` parts down its path."""

    def choose(keyed: KeyedShape, depth: int) -> MapShape | None:
        holder: YNode | None = node
        while holder is not None and len(holder.path) > depth - 1:
            holder = holder.parent
        if not isinstance(holder, YMap):
            return None
        value = next((v for k in keyed.keys if (v := holder.text(k)) is not None), None)
        return keyed.select(value)

    return choose


def locate(lines: list[str], line: int, column: int) -> Place | None:
    """Where the cursor is, or None when it is somewhere completion has nothing to offer (a comment)."""
    if line >= len(lines):
        return None
    text = lines[line]
    before = text[:column]
    word_end = column + _WORD_AFTER.match(text, column).end() - column  # type: ignore[union-attr]
    indent = indent_of(before)
    rest = before[indent:]
    if "#" in before and not rest.startswith(("'", '"')):
        hash_at = before.find("#")
        if hash_at == 0 or before[hash_at - 1] == " ":
            return None
    dash = re.match(r"-\s+", rest)
    key_col = indent + (dash.end() if dash else 0)
    body = before[key_col:]
    value = re.match(r"^(?P<key>[^\s:#'\"][^:#]*?|'[^']*'|\"[^\"]*\")\s*:(?:\s+(?P<partial>.*))?$", body)
    if value is not None and (value.group("partial") is not None or body.endswith(":")):
        partial = value.group("partial") or ""
        if body.endswith(":") and value.group("partial") is None:
            return None  # right after ``key:``: a space comes first
        if (partial or text[column:].lstrip())[:1] in ("[", "{", "&", "*", "!", "|", ">", "@", "`"):
            return None  # a flow collection, an anchor, a tag or a block: no single word to replace
        quote = partial[:1] if partial[:1] in ("'", '"') else ""
        start = column - len(partial) + len(quote)
        closing = _closing_quote(text, column, quote) if quote else -1
        if quote:
            end = closing if closing >= 0 else word_end
        else:  # the whole plain value is replaced, up to a comment
            end = column + len(_before_comment(text[column:]).rstrip())
        path, where = _unzip(_mapping_parts(lines, line, indent, key_col, bool(dash)))
        key = value.group("key").strip("'\"")
        return Place(
            path,
            "value",
            line,
            partial[len(quote) :],
            start,
            max(end, column),
            key=key,
            indent=key_col,
            in_new_item=bool(dash),
            siblings=_sibling_keys(lines, line, key_col, (1,) if dash else (-1, 1)),
            where=where,
            quote=quote,
            closed=closing >= 0,
        )
    if not _PARTIAL_KEY.match(body):
        return None
    after = text[word_end:].strip()
    if after and not after.startswith(":") and not (after.startswith("#") and text[word_end:][:1].isspace()):
        return None  # in the indentation before a line's content, or in a word followed by more text
    path, where = _unzip(_mapping_parts(lines, line, indent, key_col, bool(dash)))
    siblings = _sibling_keys(lines, line, key_col, (1,) if dash else (-1, 1))
    return Place(
        path,
        "key",
        line,
        body,
        column - len(body),
        word_end,
        indent=key_col,
        in_new_item=bool(dash),
        siblings=siblings,
        where=where,
        colon=re.match(r"[ \t]*:", text[word_end:]) is not None,
        block_below=_block_below(lines, line, key_col),
    )


def _block_below(lines: list[str], line: int, column: int) -> bool:
    """Whether the next line with content is indented past ``column`` (the key typed owns it)."""
    following = next((t for t in lines[line + 1 :] if _is_content(t)), None)
    return following is not None and indent_of(following) > column


def _before_comment(text: str) -> str:
    """``text`` up to a comment (a ``#`` after a space), as a plain scalar ends there."""
    at = text.find(" #")
    return text if at < 0 else text[:at]


def _closing_quote(text: str, column: int, quote: str) -> int:
    """The column of the quote that closes a scalar whose text continues at ``column``, or -1."""
    i = column
    while i < len(text):
        ch = text[i]
        if quote == '"' and ch == "\\":
            i += 2
            continue
        if ch == quote:
            if quote == "'" and text[i + 1 : i + 2] == "'":  # '' is a quote inside single quotes
                i += 2
                continue
            return i
        i += 1
    return -1


# -- shapes along a path --------------------------------------------------------------------------


def _pick(shape: Shape, want: type) -> Shape | None:
    if isinstance(shape, want):
        return shape
    if isinstance(shape, UnionShape):
        for option in shape.options:
            if isinstance(option, want):
                return option
    return None


def _model_path(path: list[str]) -> tuple[str | int, ...]:
    """A path of the line-based locator (``[]`` for a list item) as the model's paths write it."""
    return tuple(0 if part == "[]" else part for part in path)


def shape_at(
    path: list[str], tag: str | None = None, tag_of: TagOf | None = None, choose: Chooser | None = None
) -> Shape | None:
    """The shape at ``path``; for a tagged mapping (a function) whose ``tag`` value is known, its variant;
    for options whose format ``choose`` can tell, that format's. ``tag_of``: the tags of the tagged
    mappings along the path (an action around its ``options``)."""
    shape = docs_shape_at(_model_path(path), tag_of=tag_of, choose=choose)
    if isinstance(shape, TaggedShape) and tag is not None:
        return shape.variants.get(tag, shape)
    if isinstance(shape, KeyedShape):
        return (choose(shape, len(path)) if choose is not None else None) or shape.general
    return shape


def field_for(
    path: list[str], key: str, tag: str | None = None, tag_of: TagOf | None = None, choose: Chooser | None = None
) -> FieldShape | None:
    return field_at(_model_path(path) + (key,), tag=tag, tag_of=tag_of, choose=choose)


def _line_tags(lines: list[str], path: list[str], where: list[tuple[int, int]]) -> TagOf:
    """The tags of the tagged mappings along ``path`` (an action's ``name`` around its ``options``),
    read from the first line of each list item along it (written at ``where``) and the lines below it."""
    items = {depth + 1: at for depth, (part, at) in enumerate(zip(path, where, strict=True)) if part == "[]"}

    def tag_of(depth: int, tag: str) -> str | None:
        found = items.get(depth)
        if found is None:
            return None
        number, column = found
        first = _KEY_LINE.match(" " * column + lines[number].lstrip()[1:].lstrip())
        if first is not None and (written := _written(first))[0] == tag:
            return written[1] or None
        return _sibling_keys(lines, number, column, (1,)).get(tag) or None

    return tag_of


def _tag_in_lines(lines: list[str], path: list[str], line: int, column: int, dash: bool) -> str | None:
    """In a tagged mapping at ``path`` (a function), the value of its tag (``name``) read from the
    lines of the mapping whose keys start at ``column`` around ``line`` (below it only when ``line``
    is the item's first, ``dash``); None elsewhere or when it is not written."""
    shape = shape_at(path)
    if not isinstance(shape, TaggedShape):
        return None
    return _sibling_keys(lines, line, column, (1,) if dash else (-1, 1)).get(shape.tag) or None


# -- completion -----------------------------------------------------------------------------------


def _type_label(shape: Shape) -> str:
    if isinstance(shape, MapShape):
        return "section" if shape.section else "mapping"
    if isinstance(shape, ListShape):
        return "list"
    if isinstance(shape, ScalarShape):
        return shape.describe().replace("`", "")
    if isinstance(shape, UnionShape):
        return " or ".join(_type_label(o) for o in shape.options)
    return "any"


def _is_block(shape: Shape) -> bool:
    return isinstance(shape, (MapShape, ListShape)) or (
        isinstance(shape, UnionShape) and all(isinstance(o, (MapShape, ListShape)) for o in shape.options)
    )


_STACK_LINE = re.compile(r"^\s*stack:\s*['\"]?(?P<stack>[^\s'\"#]+)")


def _job_stack(lines: list[str], line: int) -> str | None:
    """The ``stack`` of the dag job the cursor is in, read from the lines above it: the first ``stack:``
    at the indentation of the mapping being climbed out of (a ``stack:`` of an earlier job sits deeper
    than the ``- name:`` line that separates the two jobs, so it is never reached)."""
    floor = indent_of(lines[line]) if line < len(lines) else 0
    for number in range(line - 1, -1, -1):
        text = lines[number]
        if not _is_content(text):
            continue
        indent = indent_of(text)
        if indent > floor:
            continue
        floor = indent
        match = _STACK_LINE.match(text)
        if match is not None:
            return match.group("stack")
    return None


def _key_items(mapping: MapShape, place: Place, old_stack: bool = False, stack: str | None = None) -> list[Item]:
    """Keys of ``mapping``; those of the flare:1.0-4.0 layout only when the job runs on one of those
    stacks (``old_stack``), for which they are the documented keys, or struck through when the stack is
    not known. With the job's ``stack``, only the keys it has; with a ``triggerMode`` written beside
    them, only the keys that trigger mode uses."""
    items = []
    trigger = place.siblings.get("triggerMode")
    for key, fs in mapping.fields.items():
        if key in place.siblings:
            continue
        doc = fs.doc
        if stack is not None and doc is not None and stack not in doc.stacks_of():
            continue
        if doc is not None and trigger in TRIGGER_MODES and doc.trigger_modes and trigger not in doc.trigger_modes:
            continue  # ``forEachBatchMode`` beside ``triggerMode: Continuous``: flagged as soon as written
        legacy = doc is not None and doc.legacy is not None and not doc.legacy.current_use and not old_stack
        if legacy and stack is not None:
            continue  # a stack that is known and not of the old layout: FL106 would flag it
        detail = ("required " if fs.required else "") + _type_label(fs.shape) + (" (legacy)" if legacy else "")
        items.append(
            Item(
                label=key,
                kind="key",
                insert=f"{key}:" if _is_block(fs.shape) else f"{key}: ",
                detail=detail,
                documentation=doc.markdown(key) if doc else "",
                sort="0" if fs.required else "9" if legacy else "1",
                deprecated=legacy,
            )
        )
    return items


def _stack_at(lines: list[str], line: int) -> str | None:
    """The stack version (a name of ``STACKS``) of the job at ``line``, when its ``stack`` names one."""
    version = stack_version(_job_stack(lines, line))
    return stack_named(version) if version is not None else None


def _value_items(fs: FieldShape, stack: str | None = None, examples: bool = True) -> list[Item]:
    """Values of ``fs``; with the job's ``stack``, only those it has, and never one a rule would flag
    (disputed, FL108; not listed by Flare's docs, FL111; a query compute, FL308). Without
    listed values, the attribute's examples (unless ``examples`` is false: for a name that refers to
    something of the manifest, an example such as `inputDf` would be a name that is not there)."""
    doc = fs.doc
    shape = fs.shape
    scalar = _pick(shape, ScalarShape)
    values: dict[str, str] = {}
    if doc is not None and doc.values:
        values = {
            v: d
            for v, d in doc.values.items()
            if v not in doc.doubtful
            and v not in doc.unlisted
            and (stack is None or stack in doc.stacks_of(v))
            and not _flagged(fs.key, v)
        }
    elif isinstance(scalar, ScalarShape) and scalar.literal:
        values = {v: "" for v in scalar.literal}
    elif isinstance(scalar, ScalarShape) and scalar.kinds == frozenset({"bool"}):
        values = {"true": "", "false": ""}
    items = [
        Item(v, "value", v, detail=fs.key, documentation=_value_doc(fs.key, v, text, doc), sort=f"{i:03}")
        for i, (v, text) in enumerate(values.items())
    ]
    if not items and doc is not None and examples:
        items = [Item(label=e, kind="value", insert=e, detail=f"{fs.key} (example)", sort="5") for e in doc.examples]
    return items


def _flagged(key: str, value: str) -> bool:
    """A value listed for hover that a rule flags wherever it is written: a query compute (FL308)."""
    return key == "compute" and value.startswith("query-")


def _value_doc(key: str, value: str, text: str, doc: AttrDoc | None) -> str:
    head = f"**`{key}: {value}`**" + (f"\n\n{text}" if text else "")
    return head + ("\n\n---\n\n" + doc.markdown(key) if doc is not None else "")


def _reference_kind(path: list[str], key: str | None) -> str | None:
    full = tuple(path) + ((key,) if key is not None else ())
    for suffix, kind in REFERENCES:
        if full[-len(suffix) :] == suffix:
            return kind
    return None


def reference_names(text: str, line: int, kind: str, parsed: ParsedText | None = None) -> list[tuple[str, str]]:
    """(name, what) pairs an attribute at ``line`` may refer to: views of its job, inputs, dag jobs.
    ``parsed``: the parse of ``text`` when the caller has it (the language server's, shared)."""
    lines = split_lines(text)
    if parsed is None:
        parsed = parse(text, lines)
    if parsed.error is not None or not parsed.documents:
        # Half typed, the line under the cursor may be what breaks the parse: read the rest without it.
        blanked = "\n".join("" if i == line else t for i, t in enumerate(lines))
        parsed = parse(blanked)
    for document in parsed.documents:
        root = document.root
        if not isinstance(root, YMap) or not root.start[0] <= line <= root.end[0]:
            continue
        view = build_view(root)
        if kind == "job":  # a job cannot depend on itself (the dag would have a cycle)
            own = [item for item in view.dag if item.start[0] <= line][-1:]
            return [(n, "dag job") for item in view.dag if (n := item.text("name")) and item not in own]
        for job in view.jobs:
            if not job.item.start[0] <= line <= job.item.end[0]:
                continue
            names: list[tuple[str, str]] = [(n, "input") for i in job.inputs if (n := i.text("name"))]
            if kind == "view":
                names += [(n, "step") for s in job.sequence if (n := s.text("name"))]
            return list(dict.fromkeys(names))
    return []


def _reference_items(text: str, place: Place, kind: str, tree: Callable[[], ParsedText | None]) -> list[Item]:
    return [
        Item(label=name, kind="reference", insert=name, detail=what, sort="0")
        for name, what in reference_names(text, place.line, kind, tree())
    ]


SNIPPETS = {
    # mapping shape name -> (label, key that must be absent, body lines relative to the key column)
    "Job": [
        (
            "streaming (section)",
            "streaming",
            [
                "streaming:",
                "  triggerMode: ${1|ProcessingTime,Once,AvailableNow,Continuous|}",
                "  triggerDuration: ${2:10 seconds}",
                "  checkpointLocation: ${3:dataos://lakehouse:checkpoints/${4:workflow}/${5:job}?acl=rw}",
            ],
        ),
    ],
    "Input": [
        (
            "input (dataset)",
            "name",
            [
                "name: ${1:input}",
                "dataset: ${2:dataos://depot:collection/dataset?acl=r}",
                "format: ${3|iceberg,csv,json,parquet|}",
            ],
        ),
    ],
    # A job with a ``streaming`` section reads a stream: an input that is not one makes FL203.
    "StreamInput": [
        (
            "input (stream)",
            "name",
            [
                "name: ${1:input}",
                "dataset: ${2:dataos://kafkadepot:none/topic?acl=r}",
                "format: ${3|kafkajson,kafkaavro,iceberg|}",
                "isStream: true",
            ],
        ),
    ],
    "Output": [
        (
            "output (dataset)",
            "name",
            [
                "name: ${1:view}",
                "dataset: ${2:dataos://lakehouse:collection/dataset?acl=rw}",
                "format: ${3|iceberg,parquet,json,csv|}",
                "options:",
                "  saveMode: ${4|append,overwrite|}",
            ],
        ),
    ],
}


def _snippet_items(mapping: MapShape, place: Place, step: int, streaming: bool = False) -> list[Item]:
    """The snippets of ``mapping`` at ``place``; an input reads a stream in a ``streaming`` job."""
    name = "StreamInput" if mapping.name == "Input" and streaming else mapping.name
    items = []
    for label, absent, body in SNIPPETS.get(name, []):
        if absent in place.siblings or (absent == "name" and not place.in_new_item):
            continue
        items.append(_snippet(label, body, " " * place.indent, step))
    return items


def _snippet(label: str, body: list[str], pad: str, step: int, detail: str = "snippet") -> Item:
    """A snippet whose first line goes at the cursor and the others at ``pad``, nested by ``step``."""
    lines = [body[0]] + [pad + _reindent(line, step) for line in body[1:]]
    return Item(label=label, kind="snippet", insert="\n".join(lines), detail=detail, sort="0", snippet=True)


def _reindent(line: str, step: int) -> str:
    """A snippet line written with two spaces a level, at this document's ``step``."""
    depth = (len(line) - len(line.lstrip(" "))) // 2
    return " " * (depth * step) + line.lstrip(" ")


#: Manifests for an empty file: placeholders are tabstops, every other line analyses clean.
SKELETONS = {
    "batch workflow (skeleton)": [
        "version: v1",
        "name: ${1:my-workflow}",
        "type: workflow",
        "workflow:",
        "  dag:",
        "    - name: ${2:my-job}",
        "      spec:",
        "        stack: flare:7.0",
        "        compute: ${3:runnable-default}",
        "        stackSpec:",
        "          job:",
        "            inputs:",
        "              - name: ${4:source}",
        "                dataset: ${5:dataos://lakehouse:collection/dataset?acl=r}",
        "                format: ${6|iceberg,parquet,json,csv|}",
        "            steps:",
        "              - sequence:",
        "                  - name: ${7:result}",
        "                    sql: SELECT * FROM ${4:source}",
        "            outputs:",
        "              - name: ${7:result}",
        "                dataset: ${8:dataos://lakehouse:collection/result?acl=rw}",
        "                format: ${9|iceberg,parquet,json,csv|}",
        "                options:",
        "                  saveMode: ${10|append,overwrite|}",
    ],
    "streaming workflow (skeleton)": [
        "version: v1",
        "name: ${1:my-stream}",
        "type: workflow",
        "workflow:",
        "  dag:",
        "    - name: ${2:my-stream-job}",
        "      spec:",
        "        stack: flare:7.0",
        "        compute: ${3:runnable-default}",
        "        stackSpec:",
        "          job:",
        "            streaming:",
        "              triggerMode: ${4|ProcessingTime,AvailableNow,Once|}",
        "              triggerDuration: ${5:10 seconds}",
        "              checkpointLocation: ${6:dataos://lakehouse:checkpoints/stream?acl=rw}",
        "            inputs:",
        "              - name: ${7:events}",
        "                dataset: ${8:dataos://kafkadepot:none/topic?acl=r}",
        "                format: kafkajson",
        "                isStream: true",
        "            steps:",
        "              - sequence:",
        "                  - name: ${9:result}",
        "                    sql: SELECT * FROM ${7:events}",
        "            outputs:",
        "              - name: ${9:result}",
        "                dataset: ${10:dataos://lakehouse:collection/result?acl=rw}",
        "                format: iceberg",
        "                options:",
        "                  saveMode: append",
    ],
}


def skeleton_items(place: Place) -> list[Item]:
    """Whole manifests, for the first key of an empty document."""
    return [_snippet(label, body, "", 2, "new manifest") for label, body in SKELETONS.items()]


def indent_step(lines: list[str]) -> int:
    """How far this document indents a nested block (the smallest positive step seen; 2 by default)."""
    steps = set()
    previous = 0
    for text in lines[:200]:
        if _is_content(text):
            indent = indent_of(text)
            if indent > previous:
                steps.add(indent - previous)
            previous = indent
    return min(steps) if steps else 2


def complete(
    text: str,
    line: int,
    column: int,
    snippets: bool = True,
    tree: Callable[[], ParsedText | None] = lambda: None,
    lines: list[str] | None = None,
) -> Completion | None:
    """Proposals at a zero-based (line, code-point column) of ``text``. ``tree`` gives the parse of
    ``text`` when the caller keeps one; it is asked only where names are proposed. ``lines``: the text's
    lines, when the caller has them.

    Each proposal is written to replace exactly the word it completes, so that applying it leaves
    YAML that reads (``test_completion_edits.py`` applies every one): inside quotes, escaped for them
    and closing them; before a colon already written, the key's name alone; a value that needs
    quotes, quoted."""
    if lines is None:
        lines = split_lines(text)
    place = locate(lines, line, column)
    if place is None:
        return _flow_completion(lines, line, column)
    items = _items_at(text, lines, place, snippets, tree)
    fitted = [fit for item in items if (fit := _fit(item, place)) is not None]
    if not fitted:
        return None
    unique = list({item.label: item for item in reversed(fitted)}.values())[::-1]  # first proposal wins
    return Completion(unique, line, place.start, place.end)


def _items_at(
    text: str, lines: list[str], place: Place, snippets: bool, tree: Callable[[], ParsedText | None]
) -> list[Item]:
    line = place.line
    items: list[Item] = []
    if place.kind == "value":
        assert place.key is not None
        kind = _reference_kind(place.path, place.key)
        if kind is not None:
            items = _reference_items(text, place, kind, tree)
        tag = _tag_in_lines(lines, place.path, line, place.indent, place.in_new_item)
        tag_of, choose = _line_tags(lines, place.path, place.where), _line_chooser(lines, place.where)
        fs = field_for(place.path, place.key, tag, tag_of, choose)
        if fs is not None:
            items += _value_items(fs, _stack_at(lines, line), examples=kind is None)
        if place.key == "triggerMode":
            items = _modes_for(items, shape_at(place.path, tag, tag_of, choose), place)
        if place.key == "isStream" and "inputs" in place.path and not _streaming_job(lines, place):
            items = [item for item in items if item.label != "true"]  # a stream needs a streaming section: FL202
        return items
    tag = _tag_in_lines(lines, place.path, line, place.indent, place.in_new_item)
    shape = shape_at(place.path, tag, _line_tags(lines, place.path, place.where), _line_chooser(lines, place.where))
    if isinstance(shape, TaggedShape):  # a function whose name is not written yet: that comes first
        items += _key_items(MapShape(shape.noun, {shape.tag: shape.tag_field}, section=True), place)
    list_item = _reference_kind(place.path, None) if place.in_new_item else None
    if list_item is not None:  # ``dependencies:`` items are names, not keys
        items = _reference_items(text, place, list_item, tree)
    mapping = _pick(shape, MapShape) if shape is not None else None
    if isinstance(mapping, MapShape) and mapping.section:
        version = stack_version(_job_stack(lines, line))
        old_stack = version is not None and version <= LEGACY_LAYOUT_UNTIL
        items += _key_items(mapping, place, old_stack, stack_named(version) if version is not None else None)
        if snippets:
            items += _snippet_items(mapping, place, indent_step(lines), _streaming_job(lines, place))
            if not place.path and not any(_is_content(t) for n, t in enumerate(lines) if n != line):
                items += skeleton_items(place)
    elif shape is not None and not isinstance(shape, AnyShape) and place.in_new_item:
        scalar = _pick(shape, ScalarShape)
        if isinstance(scalar, ScalarShape) and scalar.literal:
            items += [Item(label=v, kind="value", insert=v) for v in scalar.literal]
    return items


_FLOW_OWNER = re.compile(r"^(?P<indent> *)(?P<dash>-\s+)?(?P<key>[^\s:#'\"{\[-][^:#{]*?)\s*:\s*\{$")
_FLOW_KEY = re.compile(r"(?:^|[{,])\s*([\w.$-]+)\s*:")


def _flow_completion(lines: list[str], line: int, column: int) -> Completion | None:
    """Keys and values inside a flow mapping written on the key's line (``options: {startingOffsets: |}``)."""
    if line >= len(lines):
        return None
    text = lines[line]
    before = text[:column]
    opened = before.rfind("{")
    if opened < 0 or "}" in before[opened:] or "#" in before or before.count("{") != 1:
        return None
    owner = _FLOW_OWNER.match(before[: opened + 1])
    if owner is None:
        return None
    indent, dash = len(owner.group("indent")), owner.group("dash")
    key_col = indent + (len(dash) if dash else 0)
    parts = _mapping_parts(lines, line, indent, key_col, bool(dash)) + [(owner.group("key").strip(), line, key_col)]
    path, where = _unzip(parts)
    inside = before[opened + 1 :]
    entry = re.split(r",", inside)[-1]
    close = text.find("}", column)
    written = text[opened + 1 : close if close >= 0 else len(text)]
    siblings = {m.group(1): "" for m in _FLOW_KEY.finditer("{" + written)}
    end_of_entry = min((i for i in (text.find(",", column), close) if i >= 0), default=len(text))
    typed = entry.lstrip()
    pair = re.match(r"(?P<key>[\w.$-]+)\s*:\s+(?P<value>.*)$", typed)
    if pair is not None:
        value = pair.group("value")
        if value[:1] in ("'", '"', "[", "{"):
            return None
        place = Place(path, "value", line, value, column - len(value), column, key=pair.group("key"), where=where)
        place.end = column + len(text[column:end_of_entry].rstrip())
        place.siblings = siblings
    elif _PARTIAL_KEY.match(typed):
        word_end = column + _WORD_AFTER.match(text, column).end() - column  # type: ignore[union-attr]
        siblings.pop(typed + text[column:word_end], None)
        place = Place(path, "key", line, typed, column - len(typed), word_end, where=where, siblings=siblings)
        place.colon = re.match(r"[ \t]*:", text[word_end:]) is not None
    else:
        return None
    items = [
        replace(item, insert=_flow_scalar(item.insert) if place.kind == "value" else item.insert)
        for item in (_fit(i, place) for i in _items_at("\n".join(lines), lines, place, False, lambda: None))
        if item is not None and item.kind != "snippet"
    ]
    if place.kind == "key":  # a nested block cannot be written inside braces: ``key: `` and its value
        items = [replace(i, insert=i.insert + " ") if i.insert.endswith(":") else i for i in items]
    if not items:
        return None
    return Completion(list({i.label: i for i in reversed(items)}.values())[::-1], line, place.start, place.end)


def _flow_scalar(text: str) -> str:
    """A plain value written inside braces or brackets, quoted when a flow indicator would end it."""
    if text[:1] not in ("'", '"') and any(ch in text for ch in ",[]{}"):
        return '"' + escape_for('"', text) + '"'
    return text


def _fit(item: Item, place: Place) -> Item | None:
    """``item`` as it must be written at ``place`` (None when it cannot be written there)."""
    if place.kind == "key":
        if item.kind == "key":
            return replace(item, insert=item.label) if place.colon else item
        if item.kind == "snippet":
            return None if place.colon or place.block_below or place.end > place.start + len(place.partial) else item
        return replace(item, insert=yaml_scalar(item.label))  # a value or a name as a list item
    if place.quote:
        return replace(item, insert=escape_for(place.quote, item.label) + ("" if place.closed else place.quote))
    return replace(item, insert=yaml_scalar(item.label))


def _modes_for(items: list[Item], shape: Shape | None, place: Place) -> list[Item]:
    """Trigger modes every key written beside ``triggerMode`` works with (no ``Continuous`` beside
    ``forEachBatchMode``, no ``Once`` beside ``triggerDuration``)."""
    mapping = _pick(shape, MapShape) if shape is not None else None
    if not isinstance(mapping, MapShape):
        return items
    allowed = set(TRIGGER_MODES)
    for key in place.siblings:
        fs = mapping.fields.get(key)
        if fs is not None and fs.doc is not None and fs.doc.trigger_modes:
            allowed &= set(fs.doc.trigger_modes)
    if not allowed:  # the keys written disagree already (``batchMode`` with ``triggerDuration``): no hint
        return items
    return [item for item in items if item.label not in TRIGGER_MODES or item.label in allowed]


def _streaming_job(lines: list[str], place: Place) -> bool:
    """Whether the job around an ``inputs`` item at ``place`` has a ``streaming`` section (read beside
    its ``inputs`` key), so that a new input reads a stream."""
    if "inputs" not in place.path:
        return False
    number, column = place.where[place.path.index("inputs")]
    return "streaming" in _sibling_keys(lines, number, column)


# -- hover ----------------------------------------------------------------------------------------


def node_at(node: YNode, pos: Pos) -> tuple[str, YScalar] | None:
    """The key or value scalar under ``pos``: ("key", key node) or ("value", value node). A loop
    down the tree, not recursion: YAML nests deeper than Python's recursion limit."""
    current: YNode | None = node
    while current is not None:
        if isinstance(current, YScalar):
            return "value", current
        child = child_at(current, pos)
        if child is not None and child[1] and isinstance(child[0], YScalar):  # a key (keys are scalars)
            return "key", child[0]
        current = child[0] if child is not None else None
    return None


def _tags_in_tree(node: YNode) -> TagOf:
    """The tags of the mappings enclosing ``node`` (a function's or an action's ``name``), by depth."""
    mappings: dict[int, YMap] = {}
    current = node.parent
    while current is not None:
        if isinstance(current, YMap):
            mappings[len(current.path)] = current
        current = current.parent
    return lambda depth, tag: mapping.text(tag) if (mapping := mappings.get(depth)) is not None else None


def _hover_in_tree(parsed: ParsedText, line: int, column: int) -> tuple[str, int, int] | None | bool:
    """Hover from the parsed tree (exact in flow mappings too); False where the tree cannot be trusted
    (a line error recovery had to repair)."""
    if parsed.error is not None and (parsed.repaired(line) or not parsed.documents):
        return False
    for document in parsed.documents:
        if document.root is None or not document.root.start <= (line, column) <= document.root.end:
            continue
        found = node_at(document.root, (line, column))
        if found is None:
            return None
        what, node = found
        owner = node.parent if isinstance(node.parent, YMap) else None
        choose = _tree_chooser(owner) if owner is not None else None
        tag_of = _tags_in_tree(node)
        if what == "key":
            parent = node.parent.path if node.parent is not None else ()
            fs = field_at(parent + (node.value,), tag_of=tag_of, choose=choose)
            if fs is None or fs.doc is None:
                return None
            return fs.doc.markdown(fs.key), node.start[1], node.end[1]
        fs = field_at(node.path, tag_of=tag_of, choose=choose) if node.key_node is not None else None
        if fs is None or fs.doc is None or node.start[0] != node.end[0]:
            return None
        value = node.value.strip()
        function = _variant_hover(node.path[:-1], fs, value)
        if function is not None:
            return function, node.start[1], node.end[1]
        values = fs.doc.values
        hit = values.get(value) or next((d for v, d in values.items() if v.lower() == value.lower()), None)
        markdown = _value_doc(fs.key, value, hit, fs.doc) if hit is not None else fs.doc.markdown(fs.key)
        return markdown, node.start[1], node.end[1]
    return None


def _variant_hover(path: tuple[str | int, ...], fs: FieldShape, value: str) -> str | None:
    """For the tag of a tagged mapping (a function's ``name``), the page of the variant it names."""
    shape = docs_shape_at(path)
    if isinstance(shape, TaggedShape) and fs is shape.tag_field:
        return variant_markdown(shape, value)
    return None


def hover(
    text: str,
    line: int,
    column: int,
    parsed: ParsedText | None = None,
    *,
    lines: list[str] | None = None,
    tree: bool = True,
) -> tuple[str, int, int] | None:
    """Markdown for the key or value under the cursor, with the code-point columns it covers.

    From the parsed tree when the text parses; from the lines around the cursor while it does not, or
    when ``tree`` is False (the language server, while the newest text is not parsed yet). ``parsed``
    and ``lines``: the text's parse and lines, when the caller has them already."""
    if tree:
        from_tree = _hover_in_tree(parsed if parsed is not None else parse(text), line, column)
        if from_tree is not False:
            return from_tree  # type: ignore[return-value]
    if lines is None:
        lines = split_lines(text)
    if line >= len(lines):
        return None
    content = lines[line]
    match = _KEY_LINE.match(content)
    if match is None:
        return None
    key = match.group("key").strip("'\"")
    key_start, key_end = match.start("key"), match.end("key")
    dash = bool(match.group("dash"))
    path, where = _unzip(_mapping_parts(lines, line, len(match.group("indent")), key_start, dash))
    tag_of, choose = _line_tags(lines, path, where), _line_chooser(lines, where)
    fs = field_for(path, key, _tag_in_lines(lines, path, line, key_start, dash), tag_of, choose)
    if fs is None or fs.doc is None:
        return None
    if key_start <= column <= key_end:
        return fs.doc.markdown(key), key_start, key_end
    value_text = content[match.end() :]
    stripped = value_text.split(" #")[0].strip().strip("'\"")
    value_start = match.end() + (len(value_text) - len(value_text.lstrip()))
    value_end = value_start + len(value_text.split(" #")[0].strip())
    if stripped and value_start <= column <= value_end:
        function = _variant_hover(_model_path(path), fs, stripped)
        if function is not None:
            return function, value_start, value_end
        values = fs.doc.values
        hit = values.get(stripped) or next((d for v, d in values.items() if v.lower() == stripped.lower()), None)
        if hit is not None:
            return _value_doc(key, stripped, hit, fs.doc), value_start, value_end
        return fs.doc.markdown(key), value_start, value_end
    return None
