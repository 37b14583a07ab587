"""Error recovery: keep reading a YAML text past its syntax errors.

libyaml stops at the first error. A manifest being typed is broken at almost every keystroke, and a
real one may hold a tab or a merge-conflict marker that nobody noticed; if the first error hid every
other finding, the author would learn one problem per run. So, after an error, the text is repaired
minimally and parsed again, up to :data:`MAX_ROUNDS` times:

- **merge conflicts**: the markers and the incoming side (``=======`` to ``>>>>>>>``) are blanked, so
  the file reads as the side it was checked out with;
- **tabs in indentation**: the run of tab-indented lines is re-indented with spaces, trying tab widths
  2, 4, 8, 1 and 0 and keeping the one that lets the parse get furthest (the content is kept);
- **an unclosed quote or bracket**: closed at the end of the line it was opened on (the error is
  reported at the opening character, not where libyaml gave up, often many lines below);
- **anything else** (a key without its colon, bad indentation, a stray list item): the offending line,
  with the lines indented under it, is blanked.

Every repair keeps the number of lines, and blanking keeps every column, so the positions of the
repaired tree are those of the original text except on re-indented lines, whose columns are mapped
back. Each repair must move the parse forward (the next error comes later in the text, or none
does); one that does not is undone and the next, blunter one is tried.

Repairs are recorded so the analysis can be honest about them: findings on repaired lines carry no
fix, and where a blanked line held a key or a list item (a *lossy* repair), findings that depend on
what is absent from the job are not reported (see :mod:`flare_ls.analyze`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

import yaml

from .yamltree import Pos, SyntaxProblem, YDocument, describe_error, for_libyaml, indent_of, walk

#: How many errors one text may have repaired; past that the parse keeps what it read.
MAX_ROUNDS = 24
#: How many parses recovery may make in all (a tab run tries several widths): a bound on what a text
#: broken everywhere costs (at most this many parses of it; one error costs two or three).
MAX_PARSES = 40
#: Tab widths tried for a run of tab-indented lines, most likely first (2 is the manifests' indent).
TAB_WIDTHS = (2, 4, 8, 1, 0)

_CONFLICT_START = re.compile(r"<<<<<<<(?: |$)")
_CONFLICT_MIDDLE = re.compile(r"=======(?: |$)")
_CONFLICT_END = re.compile(r">>>>>>>(?: |$)")
#: A line that says something in the tree: a key (``name:``) or a list item (``-``).
_MEANINGFUL = re.compile(r"^\s*(?:-(?:\s|$)|[^#\s].*?:(?:\s|$))")
_QUOTE_CONTEXT = "while scanning a quoted scalar"
_FLOW_CONTEXTS = {"while parsing a flow sequence": "]", "while parsing a flow mapping": "}"}
_CONTROL_NAMES = {0: "NUL", 7: "BEL", 8: "BACKSPACE", 0x1B: "ESCAPE", 0x7F: "DELETE"}
#: Parses lines (joined with ``\n``) into documents; returns them and the error that stopped it.
ParseOnce = Callable[[list[str]], "tuple[list[YDocument], BaseException | None]"]
#: Parses lines as :data:`ParseOnce` does but builds nothing: returns only the error that stopped it.
ErrorOf = Callable[[list[str]], "BaseException | None"]


@dataclass
class Repairs:
    """What recovery changed, by line of the original text."""

    #: Line -> how it was repaired: ``blank``, ``reindent``, ``close`` or ``conflict``.
    lines: dict[int, str] = field(default_factory=dict)
    #: Blanked lines that held a key or a list item: the tree lacks something the author wrote.
    lossy: set[int] = field(default_factory=set)
    #: Re-indented lines: (indent in the original, indent in the repaired text), in characters.
    indents: dict[int, tuple[int, int]] = field(default_factory=dict)
    #: Lines a closing quote or bracket was added to: their original length.
    closed: dict[int, int] = field(default_factory=dict)


class _Work:
    """The text being repaired, line by line (line breaks are normalised: positions do not change)."""

    def __init__(self, lines: list[str]) -> None:
        self.original = lines
        self.lines = list(lines)
        self.repairs = Repairs()
        #: Lines indented under a line blanked by the last repairs (see :func:`recover`).
        self.under_blanked: set[int] = set()

    def blank(self, line: int, kind: str = "blank") -> None:
        text = self.original[line]
        if _MEANINGFUL.match(text) and kind == "blank":
            self.repairs.lossy.add(line)
        self.lines[line] = " " * len(self.lines[line])
        self.repairs.lines.setdefault(line, kind)


def conflict_markers(lines: list[str]) -> list[tuple[int, list[int]]]:
    """Git conflict markers: (line of the marker to report, lines to blank) for each conflict. A
    complete conflict blanks its markers and its incoming side (``=======`` to ``>>>>>>>``), leaving
    the side the file was checked out with; a marker without its partners blanks only itself."""
    conflicts: list[tuple[int, list[int]]] = []
    start = middle = None
    paired: set[int] = set()
    for number, text in enumerate(lines):
        if _CONFLICT_START.match(text):
            start, middle = number, None
        elif start is not None and _CONFLICT_MIDDLE.match(text):
            middle = number
        elif start is not None and middle is not None and _CONFLICT_END.match(text):
            conflicts.append((start, [start, *range(middle, number + 1)]))
            paired.update((start, middle, number))
            start = middle = None
    for number, text in enumerate(lines):
        if number not in paired and (
            _CONFLICT_START.match(text) or _CONFLICT_MIDDLE.match(text) or _CONFLICT_END.match(text)
        ):
            conflicts.append((number, [number]))
    conflicts.sort()
    return conflicts


def recover(
    lines: list[str],
    parse_once: ParseOnce,
    first: tuple[list[YDocument], BaseException] | None,
    error_of: ErrorOf | None = None,
) -> tuple[list[YDocument], list[SyntaxProblem], Repairs]:
    """Repair and re-parse until the text parses or :data:`MAX_ROUNDS` repairs were made.

    ``first``: the documents and error of a parse of ``lines`` already made, or None to start with
    the merge-conflict markers the text holds. ``error_of``: a parse that builds no tree, for the
    parses that only ask how far the text reads (every one but the last); by default ``parse_once``.
    Returns the documents of a parse of the repaired text, the syntax problems found (in the original
    text's positions), and the repairs made.
    """
    work = _Work(lines)
    problems: list[SyntaxProblem] = []
    # Only the repaired text's tree is kept: the parses before it (each repair's trial, each round's)
    # need only their error, which a parse that builds no tree finds several times faster.
    parse_error = _Remembering(error_of if error_of is not None else lambda lines: parse_once(lines)[1])
    if first is None:
        for reported, blanked in conflict_markers(lines):
            marker = lines[reported]
            where = f" (lines {blanked[0] + 1}-{blanked[-1] + 1})" if len(blanked) > 1 else ""
            problems.append(
                SyntaxProblem(
                    f"unresolved merge conflict marker `{marker[:7]}`: the file still holds both sides of a "
                    f"git merge{where}; keep one side and delete the markers",
                    (reported, 0),
                    (reported, len(marker.rstrip(" \t"))),
                )
            )
            for number in blanked:
                work.blank(number, "conflict")
        error = parse_error(work.lines)
    else:
        error = first[1]
    rounds = 0
    while error is not None and rounds < MAX_ROUNDS and parse_error.calls < MAX_PARSES:
        rounds += 1
        progress = _error_position(error)
        # An error inside the block under a line just blanked is that line's consequence, not news:
        # the rest of the block is blanked silently, in one go (blanking it a line at a time would
        # spend a round per line and leave the rest of the text unread when the rounds run out).
        if progress[0] in work.under_blanked:
            for number in _rest_of_region(work.under_blanked, progress[0]):
                work.blank(number)
            error = parse_error(work.lines)
            continue
        problem, repaired = _repair(work, error, parse_error, progress)
        problems.append(problem)
        if not repaired:
            break
        error = parse_error(work.lines)
    if isinstance(error, yaml.MarkedYAMLError) and (rounds >= MAX_ROUNDS or parse_error.calls >= MAX_PARSES):
        problems.append(_mapped(describe_error(error, work.lines), work.repairs))
    documents = first[0] if first is not None and work.lines == lines else parse_once(work.lines)[0]
    if documents:
        _map_back(documents, work.repairs, lines)
    problems = [_within(problem, lines) for problem in problems]
    problems.sort(key=lambda p: p.start)
    return documents, _unique(problems), work.repairs


def _within(problem: SyntaxProblem, lines: list[str]) -> SyntaxProblem:
    """A problem's range inside its line, never ending before it starts (Python's idea of
    whitespace, NEL included, is not YAML's: ranges are kept honest here once for all)."""
    line = min(problem.start[0], len(lines) - 1)
    length = len(lines[line])
    start = (line, min(problem.start[1], length))
    end = problem.end if problem.end[0] > line else (line, min(max(problem.end[1], start[1]), length))
    if end[0] >= len(lines):
        end = (len(lines) - 1, len(lines[-1]))
    return SyntaxProblem(problem.message, start, end, problem.reindented)


def _rest_of_region(region: set[int], line: int) -> list[int]:
    """``line`` and the lines after it that are in ``region`` without a gap."""
    rest = []
    while line in region:
        rest.append(line)
        line += 1
    return rest


class _Remembering:
    """``error_of`` that does not parse the same lines twice in a row (a repair's trial parse is
    the next round's parse when the repair is kept), and counts the parses made."""

    def __init__(self, error_of: ErrorOf) -> None:
        self.error_of = error_of
        self.calls = 0
        self.last: tuple[list[str], BaseException | None] | None = None

    def __call__(self, lines: list[str]) -> BaseException | None:
        if self.last is None or self.last[0] != lines:
            self.calls += 1
            self.last = (list(lines), self.error_of(lines))
        return self.last[1]


def _unique(problems: list[SyntaxProblem]) -> list[SyntaxProblem]:
    seen: set[Pos] = set()
    kept = []
    for problem in problems:
        if problem.start not in seen:
            seen.add(problem.start)
            kept.append(problem)
    return kept


def _error_position(error: BaseException) -> Pos:
    """Where the parse stopped: how far a repair must carry it."""
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        if mark is not None:
            return (mark.line, mark.column)
    return (0, 0)


def _repair(
    work: _Work,
    error: BaseException,
    parse_error: ErrorOf,
    progress: Pos,
) -> tuple[SyntaxProblem, bool]:
    """Describe ``error`` and repair the text so the next parse gets further. Returns the problem
    and whether anything was repaired (False: nothing could be, stop)."""
    lines = work.lines
    if isinstance(error, yaml.reader.ReaderError):
        return _repair_character(work, error)
    if not isinstance(error, yaml.MarkedYAMLError):  # pragma: no cover - libyaml errors carry marks
        return SyntaxProblem(f"YAML cannot be parsed: {error}", (0, 0), (0, 0)), False
    problem = _mapped(describe_error(error, lines), work.repairs)
    problem_mark, context_mark = error.problem_mark, error.context_mark
    line = min(problem_mark.line, len(lines) - 1) if problem_mark is not None else 0

    def moves_on(undo: list[str], beyond: Pos = progress) -> bool:
        """Keep the repair if the parse now gets past ``beyond``; else restore ``undo``."""
        after = parse_error(work.lines)
        if after is None or _error_position(after) > beyond:
            return True
        work.lines[:] = undo
        return False

    def close_at_end(number: int, closer: str, beyond: Pos) -> bool:
        """Close a quote or bracket at the end of line ``number``; kept if the parse gets past ``beyond``."""
        undo = list(lines)
        lines[number] = lines[number].rstrip(" \t") + closer
        if not moves_on(undo, beyond):
            return False
        work.repairs.closed.setdefault(number, len(work.original[number]))
        work.repairs.lines.setdefault(number, "close")
        return True

    # Tabs in the indentation of this line (or of the line a plain scalar ran into).
    tab_line = _tab_indented_line(lines, line)
    if tab_line is not None:
        run = _reindent_tabs(work, tab_line, parse_error, progress)
        if run:
            return SyntaxProblem(problem.message, problem.start, problem.end, run), True
    context = (error.context or "").strip()
    # An unclosed quote: libyaml names the opening quote as the context, or, when the string ran into
    # another one further down, says nothing about it; look for it above the error.
    # Where libyaml names the quote, closing it is right as soon as the parse gets past it; a quote
    # found by looking is only trusted if closing it carries the parse past the error.
    opener: Pos | None = None
    named = context == _QUOTE_CONTEXT and context_mark is not None
    if named and context_mark is not None:
        opener = (context_mark.line, context_mark.column)
    else:
        opener = _unclosed_quote_above(lines, line)
    if opener is not None:
        quote_line, column = opener
        quote = lines[quote_line][column]  # the working line: columns are the repaired text's
        if close_at_end(quote_line, quote, opener if named else progress):
            kind = "double" if quote == '"' else "single"
            return (
                _mapped_start(
                    SyntaxProblem(
                        f"unclosed {kind}-quoted string: the `{quote}` here has no closing `{quote}` on its line "
                        f"(the parser ran on to line {progress[0] + 1})",
                        opener,
                        (quote_line, len(work.original[quote_line].rstrip(" \t"))),
                    ),
                    work.repairs,
                ),
                True,
            )
    closer = _FLOW_CONTEXTS.get(context)
    if closer is not None and context_mark is not None:
        bracket = (context_mark.line, context_mark.column)
        if close_at_end(bracket[0], closer, bracket):
            opening = "[" if closer == "]" else "{"
            message = (
                f"unclosed `{opening}`: the flow collection opened here has no closing `{closer}` "
                f"(the parser ran on to line {progress[0] + 1})"
            )
            return _mapped(SyntaxProblem(message, bracket, (bracket[0], bracket[1] + 1)), work.repairs), True
    # A plain scalar where a key was expected ran into the next line: a key typed without its colon.
    if (error.problem or "").startswith("could not find expected ':'") and context_mark is not None:
        first = context_mark.line
        last = max(first, min(line, len(lines)) - 1)
        text = work.original[first].strip()
        for number in range(first, last + 1):
            work.blank(number)
        word = text if len(text) <= 40 else text[:37] + "..."
        return (
            SyntaxProblem(
                f"`{word}` is not a `key: value` pair: a key needs a `:` after it (read on as if the line "
                "were not there)",
                (first, indent_of(work.original[first])),
                (first, len(work.original[first].rstrip(" \t"))),
            ),
            True,
        )
    # The offending line and the block indented under it.
    target = line
    if target >= len(lines) or not lines[target].strip():
        target = context_mark.line if context_mark is not None else target
    if target >= len(lines) or not lines[target].strip():
        return problem, False
    work.under_blanked.update(_region(lines, target))
    work.blank(target)
    return problem, True


def _repair_character(work: _Work, error: yaml.reader.ReaderError) -> tuple[SyntaxProblem, bool]:
    """A character YAML does not allow (a control character): replaced by a space."""
    text = "\n".join(work.lines)
    # libyaml counts the position in bytes of the UTF-8 it was given: back to characters.
    encoded = for_libyaml(text)[0].encode("utf-8", "surrogatepass")
    position = len(encoded[: error.position].decode("utf-8", "ignore"))
    line = text.count("\n", 0, position)
    column = position - (text.rfind("\n", 0, position) + 1)
    code = error.character if isinstance(error.character, int) else ord(str(error.character)[:1] or "\0")
    name = unicodedata.name(chr(code), "") or _CONTROL_NAMES.get(code, "a control character")
    problem = SyntaxProblem(
        f"character U+{code:04X} ({name}) is not allowed in YAML text: delete it", (line, column), (line, column + 1)
    )
    current = work.lines[line]
    if column >= len(current):
        return problem, False
    work.lines[line] = current[:column] + " " + current[column + 1 :]
    work.repairs.lines.setdefault(line, "character")
    return problem, True


def _tab_indented_line(lines: list[str], line: int) -> int | None:
    """The line whose indentation holds a tab that stopped the parser: ``line`` itself, else the
    nearest such line above it (libyaml may report the end of the scalar before it)."""
    for number in (line, line - 1):
        if 0 <= number < len(lines) and "\t" in _leading(lines[number]):
            return number
    return None


def _leading(text: str) -> str:
    return text[: len(text) - len(text.lstrip(" \t"))]


def _reindent_tabs(work: _Work, first: int, parse_error: ErrorOf, progress: Pos) -> tuple[int, ...]:
    """Re-indent the run of tab-indented lines from ``first`` with the tab width that gets the parse
    furthest; returns the lines of the run. Empty when no width gets it past ``progress``."""
    lines = work.lines
    run = [first]
    number = first + 1
    while number < len(lines):
        text = lines[number]
        if text.strip() and "\t" not in _leading(text):
            break
        if text.strip():
            run.append(number)
        number += 1
    originals = {n: lines[n] for n in run}
    best: tuple[tuple[int, int], int] | None = None
    for width in TAB_WIDTHS:
        for n in run:
            text = originals[n]
            lead = _leading(text)
            lines[n] = lead.replace("\t", " " * width) + text[len(lead) :]
        after = parse_error(work.lines)
        reached = (len(lines) + 1, 0) if after is None else _error_position(after)
        if reached > progress and (best is None or reached > best[0]):
            best = (reached, width)
            if after is None:
                break
    if best is None:
        for n in run:
            lines[n] = originals[n]
        return ()
    width = best[1]
    for n in run:
        text = originals[n]
        lead = _leading(text)
        lines[n] = lead.replace("\t", " " * width) + text[len(lead) :]
        if n not in work.repairs.indents:
            work.repairs.indents[n] = (len(lead), len(lead.replace("\t", " " * width)))
        work.repairs.lines.setdefault(n, "reindent")
    return tuple(run)


_QUOTE_START = re.compile(r"""(?:^\s*(?:-\s+)*|:\s+|-\s+)(["'])""")


def _unclosed_quote_above(lines: list[str], line: int, reach: int = 200) -> Pos | None:
    """The nearest quote at or above ``line`` that opens a scalar and is not closed on its line."""
    for number in range(min(line, len(lines) - 1), max(-1, line - reach), -1):
        text = lines[number]
        if '"' not in text and "'" not in text:
            continue
        for match in _QUOTE_START.finditer(text):
            column = match.start(1)
            if not _closed_on_line(text, column):
                return (number, column)
            break
    return None


def _closed_on_line(text: str, column: int) -> bool:
    quote = text[column]
    index = column + 1
    while index < len(text):
        char = text[index]
        if quote == '"' and char == "\\":
            index += 2
            continue
        if char == quote:
            if quote == "'" and text[index + 1 : index + 2] == "'":
                index += 2
                continue
            return True
        index += 1
    return False


def _region(lines: list[str], line: int) -> range:
    """The lines after ``line`` that belong to the same broken block: up to the next line indented no
    deeper than the nearest line above ``line`` that is indented less than it (its parent)."""
    indent = indent_of(lines[line])
    parent = -1
    for number in range(line - 1, -1, -1):
        text = lines[number]
        if text.strip() and not text.lstrip().startswith("#") and indent_of(text) < indent:
            parent = indent_of(text)
            break
    end = line + 1
    while end < len(lines):
        text = lines[end]
        if text.strip() and not text.lstrip().startswith("#") and indent_of(text) <= parent:
            break
        end += 1
    return range(line + 1, end)


def _mapped(problem: SyntaxProblem, repairs: Repairs) -> SyntaxProblem:
    """A problem found in the repaired text, in the original text's columns."""
    return SyntaxProblem(problem.message, _column_back(problem.start, repairs), _column_back(problem.end, repairs))


def _mapped_start(problem: SyntaxProblem, repairs: Repairs) -> SyntaxProblem:
    """A problem whose start was found in the repaired text and whose end is the original's."""
    return SyntaxProblem(problem.message, _column_back(problem.start, repairs), problem.end)


def _column_back(pos: Pos, repairs: Repairs) -> Pos:
    line, column = pos
    indents = repairs.indents.get(line)
    if indents is not None:
        original, repaired = indents
        column = column - repaired + original if column >= repaired else min(column, original)
    length = repairs.closed.get(line)
    if length is not None and column > length:
        column = length
    return (line, column)


def _map_back(documents: list[YDocument], repairs: Repairs, lines: list[str]) -> None:
    """Move the positions of nodes on re-indented or closed lines back to the original columns."""
    if not repairs.indents and not repairs.closed:
        return
    touched = set(repairs.indents) | set(repairs.closed)
    roots = [node for document in documents for pair in document.duplicates for node in pair]
    for node in walk(*(document.root for document in documents), *roots):
        if node.start[0] in touched:
            node.start = _column_back(node.start, repairs)
        if node.end[0] in touched:
            node.end = _column_back(node.end, repairs)
