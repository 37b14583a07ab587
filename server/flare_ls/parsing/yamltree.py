"""YAML text to a positioned node tree, one tree per document.

The tree is built directly from libyaml's event stream (PyYAML's C parser) rather than from
``yaml.compose``: building our own nodes costs about what composing PyYAML's would, and ours carry what
the analyzer needs (parent links, typed scalars, duplicate keys) without a second conversion pass.
Nothing is ever constructed from a tag: the parser only produces events, so loading is safe.

Positions are zero-based (line, column) with columns counted in code points, as libyaml counts them.
Converting to UTF-16 or UTF-8 columns is the job of the adapter that talks to an editor.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from .recovery import Repairs

try:  # The C parser is ~10x faster; the pure-Python one accepts and rejects the same documents.
    from yaml.cyaml import CParser as _Parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - PyYAML wheels ship libyaml on every platform we support
    from yaml.loader import SafeLoader as _Parser  # type: ignore[assignment]

#: The C parser can parse without making events (``raw_parse``): how error recovery finds errors fast.
_RAW_PARSE = hasattr(_Parser, "raw_parse")

Pos = tuple[int, int]

#: The deepest nesting libyaml reads (its ``MAX_NESTING_LEVEL``): deeper is a syntax error.
MAX_NESTING = 1000


class YNode:
    """A node of the tree: its span and where it hangs (``parent[key]``)."""

    __slots__ = ("parent", "key", "start", "end")

    def __init__(self, start: Pos, end: Pos) -> None:
        self.parent: YMap | YSeq | None = None
        self.key: str | int | None = None
        self.start = start
        self.end = end

    @property
    def path(self) -> tuple[str | int, ...]:
        """Keys and indexes from the document root to this node (pydantic ``loc`` shape)."""
        parts: list[str | int] = []
        node: YNode | None = self
        while node is not None and node.key is not None:
            parts.append(node.key)
            node = node.parent
        return tuple(reversed(parts))

    @property
    def key_node(self) -> YScalar | None:
        """The key this node is the value of, when it sits in a mapping."""
        if isinstance(self.parent, YMap) and isinstance(self.key, str):
            entry = self.parent.entries.get(self.key)
            if entry is not None and entry[1] is self:
                return entry[0]
        return None


_BOOL = {"true": True, "false": False, "True": True, "False": False, "TRUE": True, "FALSE": False}
_NULL = {"", "~", "null", "Null", "NULL"}
_NUMBER_START = frozenset("0123456789+-.")
_INT = re.compile(r"[-+]?(?:[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(
    r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$|[-+]?\.(?:inf|Inf|INF)$|\.(?:nan|NaN|NAN)$"
)


class YScalar(YNode):
    """A scalar: its text, quoting style (None for plain) and explicit tag if any."""

    __slots__ = ("value", "style", "tag")

    def __init__(self, value: str, style: str | None, tag: str | None, start: Pos, end: Pos) -> None:
        # Assigned here rather than through YNode.__init__: scalars are most of the nodes built.
        self.parent = None
        self.key = None
        self.start = start
        self.end = end
        self.value = value
        self.style = style
        self.tag = tag

    @property
    def kind(self) -> str:
        """How a YAML 1.2 core-schema loader reads the scalar: null, bool, int, float or str."""
        if self.tag is not None:
            short = self.tag.rsplit(":", 1)[-1]
            return short if short in ("null", "bool", "int", "float", "str") else "str"
        if self.style is not None:
            return "str"
        text = self.value
        if text in _NULL:
            return "null"
        if text in _BOOL:
            return "bool"
        if text[0] not in _NUMBER_START:  # most values are words: skip the number patterns
            return "str"
        if _INT.match(text):
            return "int"
        if _FLOAT.match(text):
            return "float"
        return "str"

    @property
    def as_bool(self) -> bool | None:
        """The boolean this scalar stands for, quoted or not (``"true"`` is True); else None."""
        return _BOOL.get(self.value)

    def __repr__(self) -> str:
        return f"YScalar({self.value!r}@{self.start})"


class YMap(YNode):
    """A mapping. ``entries`` maps each key's text to (key node, value node); of a key written twice
    the last wins, as in most YAML loaders (the document lists such keys in ``duplicates``)."""

    __slots__ = ("entries", "flow")

    def __init__(self, start: Pos, end: Pos, flow: bool) -> None:
        super().__init__(start, end)
        self.entries: dict[str, tuple[YScalar, YNode]] = {}
        self.flow = flow

    def get(self, key: str) -> YNode | None:
        entry = self.entries.get(key)
        return entry[1] if entry is not None else None

    def scalar(self, key: str) -> YScalar | None:
        node = self.get(key)
        return node if isinstance(node, YScalar) else None

    def text(self, key: str) -> str | None:
        """The text of a scalar value, or None when absent or not a scalar."""
        node = self.entries.get(key)
        return node[1].value if node is not None and isinstance(node[1], YScalar) else None

    def __repr__(self) -> str:
        return f"YMap({list(self.entries)}@{self.start})"


class YSeq(YNode):
    __slots__ = ("items", "flow")

    def __init__(self, start: Pos, end: Pos, flow: bool) -> None:
        super().__init__(start, end)
        self.items: list[YNode] = []
        self.flow = flow

    def __repr__(self) -> str:
        return f"YSeq({len(self.items)}@{self.start})"


@dataclass
class YDocument:
    """One document of a YAML stream."""

    root: YNode | None
    index: int  # position in the stream, from 0
    start_line: int
    #: (repeated key, first key) for every key that appears twice in one mapping.
    duplicates: list[tuple[YScalar, YScalar]] = field(default_factory=list)
    #: The document has an anchor, an alias or a merge key: some nodes are shared or copied between
    #: places, so a part of it cannot be parsed again alone (``incremental.py``).
    shares: bool = False


@dataclass
class SyntaxProblem:
    """The first thing that stopped the parser, in words an author understands."""

    message: str
    start: Pos
    end: Pos
    #: The tab-indented lines recovery re-indented with spaces to read past this error (see
    #: ``Repairs.indents`` for the widths): what a fix writes.
    reindented: tuple[int, ...] = ()


@dataclass
class ParsedText:
    documents: list[YDocument] = field(default_factory=list)
    #: Every syntax error found, in the order of the text (more than one when recovery read past them).
    errors: list[SyntaxProblem] = field(default_factory=list)
    #: What error recovery changed to read the text (None when it parsed as it is).
    repairs: Repairs | None = None

    @property
    def error(self) -> SyntaxProblem | None:
        """The first syntax error, if any."""
        return self.errors[0] if self.errors else None

    def repaired(self, line: int) -> bool:
        """Whether error recovery changed ``line`` to read the text."""
        return self.repairs is not None and line in self.repairs.lines


_CONFLICT = re.compile(r"^(<<<<<<<|=======|>>>>>>>)(?: .*)?$", re.M)


def split_lines(text: str) -> list[str]:
    """The lines of ``text`` as YAML (and LSP) count them: ``\r\n``, ``\r`` and ``\n`` all end one."""
    return LINE_BREAK.split(text) if "\r" in text else text.split("\n")


LINE_BREAK = re.compile(r"\r\n|\r|\n")


def parse(text: str, lines: list[str] | None = None) -> ParsedText:
    """Parse every document of ``text``, reading past syntax errors (:mod:`.recovery`).

    Text that parses takes one pass of libyaml and nothing else. After an error the text is repaired
    and parsed again: every error is reported, and the tree holds everything that could be read, at
    the positions of the original text.
    """
    if lines is None:
        lines = split_lines(text)
    # The substring tests are ~100x cheaper than the regex over a whole file that has no markers.
    has_marker = ("<<<<<<<" in text or ">>>>>>>" in text or "=======" in text) and _CONFLICT.search(text)
    first = None
    if not has_marker:
        documents, error = _parse_once(text, lines)
        if error is None:
            return ParsedText(documents)
        # A reader error's position counts characters of this text; recovery parses its own lines.
        first = None if isinstance(error, yaml.reader.ReaderError) else (documents, error)
    from .recovery import recover  # only on the error path: recovery builds on this module

    error_of = (lambda work: _error_of("\n".join(work))) if _RAW_PARSE else None
    documents, errors, repairs = recover(lines, lambda work: _parse_once("\n".join(work), work), first, error_of)
    return ParsedText(documents, errors, repairs)


def _parse_once(text: str, lines: list[str]) -> tuple[list[YDocument], BaseException | None]:
    """One pass of libyaml over ``text``: the documents read, and the error that stopped it."""
    builder = _Builder(lines)
    substituted = False
    if not text.isascii():
        text, substituted = for_libyaml(text)
    try:
        builder.run(text)
    except yaml.YAMLError as exc:  # MarkedYAMLError, or ReaderError for a character YAML forbids
        error: BaseException | None = exc
    else:
        error = None
    if substituted:
        _restore(builder.documents)
    return builder.documents, error


def _error_of(text: str) -> BaseException | None:
    """The error that stops libyaml in ``text`` (the one :func:`_parse_once` meets), found without
    building anything: what error recovery asks of all its parses but the last, at a tenth of the cost."""
    parser = _Parser(for_libyaml(text)[0] if not text.isascii() else text)
    try:
        parser.raw_parse()
    except yaml.YAMLError as exc:
        return exc
    finally:
        parser.dispose()
    return None


#: Characters libyaml takes for line breaks (YAML 1.1's NEL, LS and PS) though editors, LSP and YAML
#: 1.2 do not: passed to libyaml as private-use characters of the same length, so that its lines are
#: the editor's lines, and put back into the values it read.
_NOT_BREAKS = {"\x85": "\ue085", "\u2028": "\ue028", "\u2029": "\ue029"}
_NOT_BREAKS_BACK = str.maketrans({v: k for k, v in _NOT_BREAKS.items()})
_SUBSTITUTED = re.compile("[\x85\u2028\u2029\ud800-\udfff]")


def for_libyaml(text: str) -> tuple[str, bool]:
    """``text`` as libyaml must read it: NEL, LS and PS not as line breaks, and each lone surrogate
    (legal in a JSON-RPC string, not encodable in UTF-8) as U+FFFD; one character for one, so every
    position stays. Returns whether a break character was substituted (its values need restoring)."""
    if _SUBSTITUTED.search(text) is None:
        return text, False
    if any(private in text for private in _NOT_BREAKS.values()):  # the text uses them itself: a space
        breaks = {ord(k): " " for k in _NOT_BREAKS}
    else:
        breaks = {ord(k): v for k, v in _NOT_BREAKS.items()}
    substituted = any(k in text for k in _NOT_BREAKS) and " " not in breaks.values()
    text = text.translate(breaks)
    text = re.sub("[\ud800-\udfff]", "\ufffd", text)
    return text, substituted


def walk(*roots: YNode | None) -> Iterator[YNode]:
    """Every node under ``roots`` once (keys too), each before what it holds, in reading order.

    With a stack, not recursion: libyaml nests up to 1,000 levels, more than Python's recursion
    limit leaves room for, and an alias may hold an anchor that holds another alias, nesting
    without end (or hold itself: ``a: &a [*a]``)."""
    stack = [root for root in reversed(roots) if root is not None]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        if isinstance(node, YMap):
            for key, value in reversed(node.entries.values()):
                stack += (value, key)
        elif isinstance(node, YSeq):
            stack += reversed(node.items)


def child_at(node: YNode, pos: Pos) -> tuple[YNode, bool] | None:
    """The node directly inside ``node`` that holds ``pos`` and whether it is a key: a mapping's key
    before its value, a sequence's item. An alias's target (whose parent is elsewhere) does not count."""
    if isinstance(node, YMap):
        for key, value in node.entries.values():
            if key.start <= pos <= key.end:
                return key, True
            if value.start <= pos <= value.end and value.parent is node:
                return value, False
    elif isinstance(node, YSeq):
        item = next((i for i in node.items if i.start <= pos <= i.end and i.parent is node), None)
        if item is not None:
            return item, False
    return None


def release(parsed: ParsedText) -> None:
    """Break the cycles of a tree nothing will read again, so that it is freed as soon as it is dropped.

    Every node points at its parent and every container at its children: a tree is one big reference
    cycle, which only the cyclic garbage collector frees, and only once its generation is collected.
    Here each node's ``parent`` is cleared and each container emptied. A subtree another tree has taken
    over (its root's ``parent`` set to a node of that tree) is left as it is, and so are the places an
    alias repeats a node: only a node's own place is cleared. The tree is unusable afterwards."""
    _release([document.root for document in parsed.documents if document.root is not None])


def release_node(node: YNode) -> None:
    """:func:`release` for a subtree nothing will read again (a block an incremental parse replaced,
    ``parsing/incremental.py``); its own parent link is cleared too."""
    node.parent = None
    _release([node])


def _release(stack: list[YNode]) -> None:
    while stack:
        node = stack.pop()
        if isinstance(node, YMap):
            for key, value in node.entries.values():
                if key.parent is node:
                    key.parent = None
                if value.parent is node:
                    value.parent = None
                    stack.append(value)
            node.entries = {}
        elif isinstance(node, YSeq):
            for item in node.items:
                if item.parent is node:
                    item.parent = None
                    stack.append(item)
            node.items = []


def _restore(documents: list[YDocument]) -> None:
    """Put NEL, LS and PS back into the scalars libyaml read (keys included)."""
    for node in walk(*(document.root for document in documents)):
        if isinstance(node, YScalar):
            node.value = node.value.translate(_NOT_BREAKS_BACK)
        elif isinstance(node, YMap):
            node.entries = {name.translate(_NOT_BREAKS_BACK): entry for name, entry in node.entries.items()}
            for key, value in node.entries.values():
                if value.parent is node:
                    value.key = key.value.translate(_NOT_BREAKS_BACK)


class _Builder:
    """Turns the event stream into YDocuments."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.documents: list[YDocument] = []
        self.duplicates: list[tuple[YScalar, YScalar]] = []
        #: Mappings with a ``<<`` merge key, in the order their merge key was read.
        self.merges: list[YMap] = []
        #: The current document has an anchor or an alias (see ``YDocument.shares``).
        self.shares = False

    def run(self, text: str) -> None:
        parser = _Parser(text)
        try:
            self._consume(parser)
        finally:
            parser.dispose()

    def _consume(self, parser: _Parser) -> None:
        # The hot loop of the analyzer: one pass over libyaml's events with the per-event work inlined
        # (a method call per node costs as much as building the node).
        stack: list[YMap | YSeq] = []
        pending_key: list[YNode | None] = []  # per open container: a key waiting for its value
        anchors: dict[str, YNode] = {}
        root: YNode | None = None
        doc_start = 0
        documents = self.documents
        events = yaml.events
        scalar_event, alias_event = events.ScalarEvent, events.AliasEvent
        map_start, seq_start = events.MappingStartEvent, events.SequenceStartEvent
        map_end, seq_end = events.MappingEndEvent, events.SequenceEndEvent
        get_event = parser.get_event
        parent: YMap | YSeq | None = None
        while True:
            event: Any = get_event()  # dispatched on its class below, which mypy cannot follow
            cls = event.__class__
            node: YNode
            if cls is scalar_event:
                sm, em = event.start_mark, event.end_mark
                style = event.style or None  # libyaml says '' for plain scalars, PyYAML None
                end = (em.line, em.column)
                if style is not None and style in "|>":
                    end = self._trim_end(end)
                tag = event.tag
                node = YScalar(event.value, style, tag if tag != "!" else None, (sm.line, sm.column), end)
                if event.anchor:
                    anchors[event.anchor] = node
                    self.shares = True
            elif cls is map_start or cls is seq_start:
                sm = event.start_mark
                start = (sm.line, sm.column)
                node = (YMap if cls is map_start else YSeq)(start, start, bool(event.flow_style))
                if event.anchor:
                    anchors[event.anchor] = node
                    self.shares = True
            elif cls is map_end or cls is seq_end:
                container = stack.pop()
                pending_key.pop()
                # A flow container ends at its bracket; a block one where its last child ends (kept
                # up to date below as children arrive), or at the end mark when it is empty.
                if container.flow or container.end == container.start:
                    em = event.end_mark
                    container.end = (em.line, em.column)
                parent = stack[-1] if stack else None
                if parent is not None and not parent.flow:
                    parent.end = container.end
                continue
            elif cls is alias_event:
                sm, em = event.start_mark, event.end_mark
                self.shares = True
                target = anchors.get(event.anchor)
                if target is None:  # libyaml reports undefined aliases itself; keep a placeholder
                    target = YScalar("*" + event.anchor, None, None, (sm.line, sm.column), (em.line, em.column))
                node = target
                if parent is not None and not parent.flow:
                    parent.end = (em.line, em.column)
            elif cls is events.DocumentStartEvent:
                root = None
                self.duplicates = []
                self.shares = False
                doc_start = event.start_mark.line
                continue
            elif cls is events.DocumentEndEvent:
                if self.merges:
                    _merge(self.merges)
                    self.merges = []
                    self.shares = True
                documents.append(YDocument(root, len(documents), doc_start, self.duplicates, self.shares))
                continue
            elif cls is events.StreamEndEvent:
                return
            else:  # StreamStartEvent
                continue

            # Hang the node in the innermost open container: a list item, a key, or a key's value.
            # An alias keeps the parent and key of the place its anchor was defined at.
            if parent is None:
                root = node
            elif parent.__class__ is YSeq:
                items = parent.items
                if node.parent is None:
                    node.parent = parent
                    node.key = len(items)
                items.append(node)
            else:
                key = pending_key[-1]
                if key is None:
                    pending_key[-1] = node
                else:
                    pending_key[-1] = None
                    if key.__class__ is YScalar:  # complex keys have no place in a manifest: dropped
                        name = key.value
                        entries = parent.entries  # type: ignore[union-attr]
                        previous = entries.get(name)
                        if previous is not None:
                            self.duplicates.append((key, previous[0]))
                        if name == "<<":
                            self.merges.append(parent)  # type: ignore[arg-type]
                        if node.parent is None:
                            node.parent = parent
                            node.key = name
                        key.parent = parent
                        entries[name] = (key, node)
            if parent is not None and not parent.flow and cls is not alias_event:
                parent.end = node.end
            if cls is map_start or cls is seq_start:
                stack.append(node)  # type: ignore[arg-type]
                pending_key.append(None)
                parent = node  # type: ignore[assignment]

    def _trim_end(self, end: Pos) -> Pos:
        """Block scalars end where the next token starts; pull the end back to their last character."""
        line, col = end
        lines = self.lines
        if line >= len(lines):
            line, col = len(lines) - 1, len(lines[-1])
        while line > 0 and (col == 0 or not lines[line][:col].strip()):
            line -= 1
            col = len(lines[line].rstrip())
        return (line, col)


def _merge(mappings: list[YMap]) -> None:
    """Apply YAML merge keys (``<<: *defaults``, ``<<: [*a, *b]``): a mapping gets the entries of the
    merged ones that it does not set itself, the first merged mapping winning, as loaders do. The
    entries are the anchor's own nodes (positions at the anchor); ``<<`` itself stays, so the schema
    walk can skip it. Merges are applied in reading order, so a merged mapping has its own already."""
    for mapping in mappings:
        merged = mapping.entries["<<"][1]
        sources = merged.items if isinstance(merged, YSeq) else [merged]
        for source in sources:
            if not isinstance(source, YMap) or source is mapping:
                continue
            for name, entry in source.entries.items():
                if name != "<<" and name not in mapping.entries:
                    mapping.entries[name] = entry


def describe_error(exc: yaml.MarkedYAMLError, lines: list[str]) -> SyntaxProblem:
    """Turn libyaml's wording into a message that says what to change."""
    mark = exc.problem_mark or exc.context_mark
    assert mark is not None
    # libyaml also breaks lines at NEL, U+2028 and U+2029, which editors (and ``lines``) do not: its
    # line number can then run past the last line.
    line, col = min(mark.line, max(len(lines) - 1, 0)), mark.column
    text = lines[line] if line < len(lines) else ""
    problem = (exc.problem or "").strip()
    context = (exc.context or "").strip()
    ctx_line = exc.context_mark.line + 1 if exc.context_mark is not None else None
    end = _token_end(text, col)
    at_tab = col < len(text) and text[col] == "\t"
    if at_tab or ("\t" in text and "cannot start any token" in problem):
        tab = text.index("\t") if "\t" in text else col
        stop = tab
        while stop < len(text) and text[stop] == "\t":
            stop += 1
        if text[stop:].lstrip(" \t").startswith("#"):
            message = (
                "tab character before a comment: libyaml (and with it most YAML tools) rejects tabs at the "
                "start of a line; use spaces"
            )
        else:
            message = "tab character used for indentation: YAML indents with spaces only"
        return SyntaxProblem(message, (line, tab), (line, stop))
    if problem.startswith("mapping values are not allowed"):
        message = _unexpected_colon(lines, line, col)
    elif problem.startswith("did not find expected key") or problem.startswith("did not find expected '-'"):
        what = "list item" if "'-'" in problem else "key"
        where = f" (the block starting on line {ctx_line})" if ctx_line else ""
        message = f"bad indentation: this line does not line up with the {what}s of its block{where}"
    elif problem.startswith("found undefined alias"):
        message = f"alias `{text[col:end]}` refers to no anchor defined before it"
    elif problem.startswith("found duplicate anchor"):
        message = "anchor defined twice"
    elif problem.startswith("exceeded maximum nesting depth"):
        # libyaml's own bound (yaml_maximum_level_reached), counting block and flow levels alike.
        message = (
            f"nested too deep: libyaml reads at most {MAX_NESTING} levels of lists and mappings; "
            "flatten the value or move it to a file of its own"
        )
    else:
        detail = f"{problem} ({context}" + (f" started on line {ctx_line})" if ctx_line else ")")
        message = "YAML cannot be parsed: " + (detail if context else problem)
    return SyntaxProblem(message, (line, col), (line, end))


def indent_of(text: str) -> int:
    """The number of spaces a line starts with (YAML indents with spaces only)."""
    return len(text) - len(text.lstrip(" "))


def _unexpected_colon(lines: list[str], line: int, col: int) -> str:
    """libyaml's "mapping values are not allowed here", explained from the lines around it."""
    text = lines[line] if line < len(lines) else ""
    if ": " in text[:col]:
        return "unexpected `: ` inside a plain value: quote the value (`key: 'a: b'`)"
    above = line - 1
    while above >= 0 and (not lines[above].strip() or lines[above].lstrip().startswith("#")):
        above -= 1
    if above >= 0:
        previous = lines[above].rstrip()
        if indent_of(previous) < indent_of(text) and not previous.endswith(":") and not previous.endswith("-"):
            return (
                f"unexpected `:`: line {line + 1} is indented deeper than line {above + 1}, which holds a "
                "value and opens no block; one of the two is indented wrongly"
            )
    return "unexpected `:` here: the line is indented wrongly, or a plain value contains `: ` and needs quotes"


def _token_end(text: str, col: int) -> int:
    """End of the run of non-blank characters starting at ``col`` (at least one character)."""
    if col >= len(text):
        return col
    end = col + 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return end


def to_data(node: YNode | None) -> object:
    """Plain Python data for a node, read as the analyzer reads it (YAML 1.2 core schema: no
    timestamps, ``yes`` is a string). For validating with other tools, e.g. the JSON Schema export.

    Built with a stack, not recursion (see `walk`). As with ``yaml.safe_load``, the nodes an alias
    repeats become one shared object, so an alias that holds itself gives data that holds itself."""
    made: dict[int, object] = {}
    top: list[object] = [None]
    stack: list[tuple[YNode, Any, Any]] = [(node, top, 0)] if node is not None else []
    while stack:
        current, holder, slot = stack.pop()
        if id(current) in made:
            holder[slot] = made[id(current)]
            continue
        data: Any
        if isinstance(current, YMap):
            data = dict.fromkeys(current.entries)  # the keys in their order; values filled below
            stack += ((value, data, key) for key, (_, value) in current.entries.items())
        elif isinstance(current, YSeq):
            data = [None] * len(current.items)
            stack += ((item, data, i) for i, item in enumerate(current.items))
        else:
            data = _scalar_data(current)
        made[id(current)] = holder[slot] = data
    return top[0]


def _scalar_data(node: YNode) -> object:
    if not isinstance(node, YScalar):
        return None
    kind = node.kind
    text = node.value
    if kind == "null":
        return None
    if kind == "bool":
        return _BOOL[text]
    if kind == "int":
        try:
            return int(text, 0) if text[:2].lower() in ("0x", "0o") else int(text)
        except ValueError:
            return text
    if kind == "float":
        try:
            return float(text.replace(".inf", "inf").replace(".Inf", "inf").replace(".INF", "inf"))
        except ValueError:
            return text
    return text
