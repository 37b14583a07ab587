"""Suppression comments, and FL004 for the ones that silence nothing.

Three scopes, each naming rules by id or name, comma-separated:

- ``key: value  # flare-ls: disable=FL102`` silences findings that start on that line;
- ``# flare-ls: disable-next-line=FL102`` silences findings that start on the next line holding
  something other than a comment (so several of these comments can be stacked);
- ``# flare-ls: disable-file=FL306`` silences the rules in the whole file, wherever the comment is.

A value that spans several lines (a ``sql: |`` block, a plain or quoted scalar continued on the next
lines) belongs to its key's line: a suppression of that line silences findings anywhere in the value,
since no comment can be written inside it (:func:`scalar_owners`, :func:`disable_fix`).

Only real comments count: the ``#`` must start the line's content or follow a space or tab, outside a
quoted scalar, and lines inside a ``|`` or ``>`` block scalar are text, not comments. Pure: text
lines in, findings out; :func:`flare_ls.analyze._configured` applies them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from . import files  # noqa: F401  (registers FL003, so a suppression may name it)
from .findings import Finding, Fix, RuleInfo, Severity, TextEdit
from .parsing.yamltree import YNode, YScalar, indent_of, walk
from .rules.base import RULES, declare
from .suggest import rank

UNUSED_SUPPRESSION = declare(
    "FL004",
    "unused-suppression",
    Severity.WARNING,
    "a `# flare-ls: disable...` comment that silences nothing, or names no rule",
)

_CODE = r"[A-Za-z0-9_-]+"
_CODES = rf"{_CODE}(?:[ \t]*,[ \t]*{_CODE})*"
#: ``# flare-ls: disable=FL102,FL207`` (group 1: the rule list). The language server extends it.
SUPPRESSION = re.compile(rf"#[ \t]*flare-ls:[ \t]*disable=[ \t]*({_CODES})")
_NEXT_LINE = re.compile(rf"#[ \t]*flare-ls:[ \t]*disable-next-line=[ \t]*({_CODES})")
#: Any ``# flare-ls:`` directive inside a comment: its keyword, ``=``, and its rule list.
_DIRECTIVE = re.compile(rf"#[ \t]*flare-ls:[ \t]*([A-Za-z-]*)[ \t]*(=?)[ \t]*({_CODES})?")
_CODE_RE = re.compile(_CODE)
_BLOCK_SCALAR = re.compile(
    r"^(?P<indent> *)(?P<dashes>(?:- +)*)(?P<key>(?:[^#\s][^#]*?)?:[ \t]+)?(?:[!&]\S*[ \t]+)*[|>][0-9+-]*[ \t]*$"
)
_INDICATOR_AT_END = re.compile(r"[|>][0-9+-]*$")
SCOPES = {"disable": "line", "disable-next-line": "next-line", "disable-file": "file"}


@dataclass(frozen=True)
class Code:
    """One rule named in a suppression comment, and where its text is."""

    text: str
    start: int
    end: int


@dataclass(eq=False)
class Suppression:
    """One ``# flare-ls: disable...=`` directive."""

    scope: str  # "line", "next-line" or "file"
    line: int  # where the comment is
    target: int | None  # the line it silences (None: the whole file, or no line follows)
    codes: tuple[Code, ...]
    start: int  # column of its ``#``
    end: int  # end of its text: the next directive's ``#`` on the line, or the end of the line
    own_line: bool  # nothing but comment on its line
    used: set[str] = field(default_factory=set)  # texts of the codes that silenced something


@dataclass(frozen=True)
class Malformed:
    """``# flare-ls: ...`` that is no directive flare-ls knows (``disable-line=``, ``disable=`` alone)."""

    line: int
    start: int
    end: int
    keyword: str


@dataclass
class Suppressions:
    """Every suppression comment of a text, indexed by the line each silences."""

    items: list[Suppression]
    malformed: list[Malformed]
    #: Each line of a multi-line value, mapped to the line of its key (:func:`scalar_owners`).
    owners: dict[int, int] = field(default_factory=dict)
    by_line: dict[int, list[Suppression]] = field(default_factory=dict)
    file_wide: list[Suppression] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Narrowest first: the line's own comment, then the comment above it.
        for sup in sorted(self.items, key=lambda s: s.scope != "line"):
            if sup.scope == "file":
                self.file_wide.append(sup)
            elif sup.target is not None:
                self.by_line.setdefault(sup.target, []).append(sup)

    def silences(self, finding: Finding) -> bool:
        """Whether a comment silences ``finding``; the narrowest one that does is marked used."""
        keys = (finding.rule.code, finding.rule.name)
        line = finding.start[0]
        owner = self.owners.get(line, line)
        nearest = self.by_line.get(line, []) + (self.by_line.get(owner, []) if owner != line else [])
        for sup in nearest + self.file_wide:
            hit = [c.text for c in sup.codes if c.text in keys]
            if hit:
                sup.used.update(hit)
                return True
        return False

    def apply(self, findings: Iterable[Finding]) -> list[Finding]:
        return [f for f in findings if not self.silences(f)]

    def problems(self, lines: list[str], wants: Callable[[RuleInfo], bool], *, judge_use: bool) -> list[Finding]:
        """FL004 findings: malformed directives, unknown rules, and (``judge_use``) codes that silenced
        nothing. A code naming a rule the settings turn off is not judged (it could not have been used),
        nor is one naming FL004 itself, nor a workspace rule (only the workspace pass could use it)."""
        known = {info.code: info for info in RULES.values()} | {info.name: info for info in RULES.values()}
        out: list[Finding] = []
        for bad in self.malformed:
            message = (
                f"`{lines[bad.line][bad.start : bad.end].strip()}` is not a flare-ls suppression; write "
                "`disable=`, `disable-next-line=` or `disable-file=` followed by rule ids or names"
            )
            out.append(_finding(message, bad.line, bad.start, bad.end, None))
        for sup in self.items:
            dead: list[tuple[Code, str]] = []
            for code in sup.codes:
                info = known.get(code.text)
                if info is None:
                    dead.append((code, _unknown(code.text, known)))
                elif (
                    judge_use
                    and code.text not in sup.used
                    and info is not UNUSED_SUPPRESSION
                    and wants(info)
                    and not info.workspace
                ):
                    dead.append((code, _unused(code.text, info, sup)))
            whole = len(dead) == len(sup.codes)
            for code, message in dead:
                if whole:
                    edit = _remove_directive(lines, sup)
                    what = (
                        "Remove the suppression, keeping its reason" if edit.text else "Remove the suppression comment"
                    )
                    fix = Fix(what, (edit,), True)
                else:
                    fix = Fix(f"Remove `{code.text}` from the suppression", (_remove_code(sup, code),), True)
                out.append(_finding(message, sup.line, code.start, code.end, fix))
        return out


def scalar_owners(roots: Iterable[YNode | None]) -> tuple[dict[int, int], set[int]]:
    """Where a comment about a multi-line scalar can go: each line the scalar covers, mapped to the line
    of its key (or of the scalar's start, for a list item), and the key lines that end inside their
    scalar (``sql: SELECT a`` continued below, or an open quote), where a comment would be read as
    part of the value. A block scalar's key line ends with its indicator, so it takes a comment."""
    owners: dict[int, int] = {}
    open_end: set[int] = set()
    for node in walk(*roots):
        if not isinstance(node, YScalar) or node.start[0] == node.end[0] or node.key_node is node:
            continue
        key = node.key_node
        owner = key.start[0] if key is not None else node.start[0]
        for line in range(owner, node.end[0] + 1):
            owners.setdefault(line, owner)
        if node.style not in ("|", ">") and node.start[0] == owner:
            open_end.add(owner)
    return owners, open_end


def disable_fix(lines: list[str], line: int, code: str, roots: Iterable[YNode | None] = ()) -> Fix:
    """The edit that silences ``code`` for a finding starting on ``line``, never inside a value.

    On a line of a multi-line value, the suppression goes on its key's line, which covers the whole
    value; when that line ends inside the value (a plain or quoted scalar continued below), a
    ``disable-next-line=`` comment goes above it. A rule is added to a directive of that scope already
    there (``disable=FL102`` becomes ``disable=FL102,FL401``) rather than written twice."""
    owners, open_end = scalar_owners(roots)
    target = owners.get(line, line)
    if target in open_end:
        above = target - 1
        while above >= 0 and not lines[above].strip():
            above -= 1
        existing = _NEXT_LINE.search(lines[above]) if above >= 0 else None
        if existing is not None and comment_start(lines[above]) == indent_of(lines[above]):
            return Fix(f"Disable {code} for the next line", (_append_code(lines[above], above, existing, code),), False)
        text = lines[target]
        indent = text[: indent_of(text)]
        edit = TextEdit((target, 0), (target, 0), f"{indent}# flare-ls: disable-next-line={code}\n")
        return Fix(f"Disable {code} for the next line", (edit,), False)
    text = lines[target]
    hash_at = comment_start(text)
    existing = SUPPRESSION.search(text, hash_at) if hash_at is not None else None
    if existing is not None:
        edit = _append_code(text, target, existing, code)
    else:
        end = len(text.rstrip())
        edit = TextEdit((target, end), (target, end), f"  # flare-ls: disable={code}")
    return Fix(f"Disable {code} on this line" if target == line else f"Disable {code} in this value", (edit,), False)


def _append_code(text: str, line: int, directive: re.Match[str], code: str) -> TextEdit:
    """Add ``code`` to the rule list of ``directive``, right after its last rule."""
    end = directive.end(1)
    while end > directive.start(1) and text[end - 1].isspace():
        end -= 1
    return TextEdit((line, end), (line, end), f",{code}")


def parse(lines: list[str], roots: Iterable[YNode | None] = ()) -> Suppressions:
    """The suppression comments in ``lines`` (lines inside block scalars skipped). ``roots``: the parsed
    documents, which tell where multi-line values are (:func:`scalar_owners`)."""
    items: list[Suppression] = []
    malformed: list[Malformed] = []
    block_parent: int | None = None  # after a ``|``/``>`` indicator: the parent's column
    block_indent: int | None = None  # inside a block scalar: its content's indentation
    pending: list[Suppression] = []  # disable-next-line comments waiting for their line
    for number, line in enumerate(lines):
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        blank = not stripped.strip()
        if block_indent is not None:
            if blank or indent >= block_indent:
                continue
            block_indent = None
        elif block_parent is not None and not blank:
            if indent > block_parent:
                block_indent, block_parent = indent, None
                continue
            block_parent = None
        if blank:
            continue
        hash_at = comment_start(line)
        own_line = hash_at is not None and not line[:hash_at].strip()
        if not own_line:
            for sup in pending:
                sup.target = number
            pending = []
            block_parent = _block_parent(line if hash_at is None else line[:hash_at].rstrip())
        if hash_at is None or "flare-ls:" not in line:
            continue
        found = _directives(line, number, hash_at, own_line, malformed)
        items += found
        pending += [s for s in found if s.scope == "next-line"]
    return Suppressions(items, malformed, scalar_owners(roots)[0] if items else {})


def comment_start(line: str) -> int | None:
    """The column of the ``#`` that starts the line's comment, if any (quotes on the line are skipped)."""
    if "#" not in line:
        return None
    quote = ""
    prev = " "
    i, n = 0, len(line)
    while i < n:
        ch = line[i]
        if quote == "'":
            if ch == "'":
                if i + 1 < n and line[i + 1] == "'":
                    i += 2
                    continue
                quote = ""
        elif quote == '"':
            if ch == "\\":
                i += 2
                continue
            if ch == '"':
                quote = ""
        elif ch == "#":
            if prev in " \t":
                return i
        elif ch in "'\"" and prev in " \t[{,":
            quote = ch
        prev = ch
        i += 1
    return None


def _block_parent(content: str) -> int | None:
    """When ``content`` ends with a block scalar indicator, the column its text must be indented past."""
    if not _INDICATOR_AT_END.search(content):
        return None
    match = _BLOCK_SCALAR.match(content)
    if match is None:
        return None
    if match.group("key") is not None:
        return len(match.group("indent")) + len(match.group("dashes"))
    if match.group("dashes"):
        return len(match.group("indent")) + len(match.group("dashes").rstrip()) - 1
    return -1


def _directives(line: str, number: int, hash_at: int, own_line: bool, malformed: list[Malformed]) -> list[Suppression]:
    matches = [m for m in _DIRECTIVE.finditer(line, hash_at) if m.start() == hash_at or line[m.start() - 1] in " \t"]
    found: list[Suppression] = []
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(line)
        keyword, equals, listed = match.group(1), match.group(2), match.group(3)
        scope = SCOPES.get(keyword)
        if scope is None or not equals or not listed:
            malformed.append(Malformed(number, match.start(), match.end(), keyword))
            continue
        base = match.start(3)
        codes = tuple(Code(c.group(), base + c.start(), base + c.end()) for c in _CODE_RE.finditer(listed))
        target = number if scope == "line" else None
        found.append(Suppression(scope, number, target, codes, match.start(), end, own_line))
    return found


def _finding(message: str, line: int, start: int, end: int, fix: Fix | None) -> Finding:
    return Finding(UNUSED_SUPPRESSION, message, (line, start), (line, end), UNUSED_SUPPRESSION.severity, fix)


def _unknown(text: str, known: dict[str, RuleInfo]) -> str:
    message = f"`{text}` names no rule, so it silences nothing"
    close = rank(text, known)
    if close:
        message += f"; did you mean `{close[0][0]}`?"
    return message + " (`flare-ls rules` lists them)"


def _unused(text: str, info: RuleInfo, sup: Suppression) -> str:
    rule = f"{info.code} [{info.name}]"
    if sup.scope == "file":
        return f"`{text}` silences nothing: this file has no {rule} finding"
    if sup.scope == "next-line":
        if sup.target is None:
            return f"`{text}` silences nothing: no line follows this comment"
        return f"`{text}` silences nothing: line {sup.target + 1} has no {rule} finding"
    hint = "; on a comment line of its own, use `disable-next-line=` for the line below" if sup.own_line else ""
    return f"`{text}` silences nothing: this line has no {rule} finding{hint}"


def _remove_code(sup: Suppression, code: Code) -> TextEdit:
    """Delete one rule from the list, with the comma on one side of it."""
    index = sup.codes.index(code)
    if index > 0:
        return TextEdit((sup.line, sup.codes[index - 1].end), (sup.line, code.end), "")
    return TextEdit((sup.line, code.start), (sup.line, sup.codes[1].start), "")


def _remove_directive(lines: list[str], sup: Suppression) -> TextEdit:
    """Delete the directive: its line when the line holds nothing else, else the comment text and the
    whitespace before it (or, when another directive follows, up to that one). A reason written after
    the rules (``# flare-ls: disable=FL308 (ticket OPS-12)``) is the author's and stays, as a comment."""
    number, line = sup.line, lines[sup.line]
    if sup.codes and line[sup.codes[-1].end : sup.end].strip():
        return TextEdit((number, sup.start), (number, sup.codes[-1].end), "#")
    rest = line[sup.end :].strip()
    if sup.own_line and sup.start == len(line) - len(line.lstrip()) and not rest:
        if number + 1 < len(lines):
            return TextEdit((number, 0), (number + 1, 0), "")
        if number > 0:
            return TextEdit((number - 1, len(lines[number - 1].rstrip("\r"))), (number, len(line)), "")
        return TextEdit((number, 0), (number, len(line)), "")
    if not rest:
        return TextEdit((number, len(line[: sup.start].rstrip())), (number, len(line)), "")
    return TextEdit((number, sup.start), (number, sup.end), "")
