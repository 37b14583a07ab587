"""What ``flare-ls check`` prints for people: findings (with a code frame on a terminal), ``--statistics``,
the fixes ``--show-fixes`` lists, the summary and ruff's one-line hint about ``--fix``."""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from ..analyze import fix_holds
from ..findings import Finding, Severity
from ..parsing.yamltree import split_lines
from ..report import concise_line
from ..rules.base import RULES

Result = tuple[Path, "str | None", list[Finding]]

_COLORS = {
    Severity.ERROR: "\033[31m",
    Severity.WARNING: "\033[33m",
    Severity.INFO: "\033[36m",
    Severity.HINT: "\033[2m",
}
_BOLD, _RESET = "\033[1m", "\033[0m"


def use_color(color: str, out: TextIO) -> bool:
    """``--color always|never`` decides; with ``auto``, ``FORCE_COLOR`` (set and not empty) forces colour,
    else ``NO_COLOR`` turns it off, else colour when writing to a terminal."""
    if color != "auto":
        return color == "always"
    if os.environ.get("FORCE_COLOR"):
        return True
    return "NO_COLOR" not in os.environ and out.isatty()


def _plural(n: int, word: str, suffix: str = "s") -> str:
    return f"{n} {word}{suffix if n != 1 else ''}"


def write_findings(results: list[Result], out: TextIO, fancy: bool) -> None:
    for path, text, findings in results:
        lines = split_lines(text) if text is not None else []
        for f in findings:
            if fancy:
                color = _COLORS[f.severity]
                where = f"{_BOLD}{path}:{f.start[0] + 1}:{f.start[1] + 1}:{_RESET}"
                out.write(f"{where} {color}{f.code}{_RESET} [{f.rule.name}] {f.message}\n")
                if f.start[0] < len(lines):
                    out.write(_excerpt(lines[f.start[0]], f, color))
            else:
                out.write(concise_line(path, f))


def _excerpt(line: str, finding: Finding, color: str) -> str:
    """The source line and a caret underline of the finding's first line."""
    start = finding.start[1]
    end = finding.end[1] if finding.end[0] == finding.start[0] else len(line.rstrip())
    width = max(1, end - start)
    # Tabs would shift the carets: show them as single spaces on both lines.
    shown = line.replace("\t", " ")
    return f"  | {shown}\n  | {' ' * start}{color}{'^' * width}{_RESET}\n"


def _fixable(f: Finding, unsafe: bool) -> bool:
    return f.fix is not None and bool(f.fix.edits) and (f.fix.safe or unsafe)


def summary(results: list[Result], unsafe: bool) -> str:
    """``Found N findings (...) in X of Y files.`` (or ``All checked: ...``) and the ``--fix`` hint."""
    every = [f for _, _, fs in results for f in fs]
    files = _plural(len(results), "file")
    if not every:
        return f"All checked: no findings in {files}.\n"
    # A structural fix (a key moved, a job migrated) is offered only where it holds, as --fix and the
    # editor judge it; the hint counts what --fix would apply. The others hold by construction.
    every = [
        replace(f, fix=None) if f.fix is not None and f.fix.structural and text and not fix_holds(text, f) else f
        for _, text, fs in results
        for f in fs
    ]
    count = Counter(f.severity for f in every)
    parts = [_plural(n, s.label) for s, n in sorted(count.items(), reverse=True)]
    with_findings = sum(1 for _, _, fs in results if fs)
    return f"Found {_plural(len(every), 'finding')} ({', '.join(parts)}) in {with_findings} of {files}.\n" + fix_hint(
        every, unsafe
    )


def fix_hint(findings: list[Finding], unsafe: bool) -> str:
    """ruff's hint, word for word: ``[*] N fixable with `--fix` (M unsafe fixes available with
    `--fix --unsafe-fixes`).``, or ``No fixes available (...)`` when only unsafe fixes are; nothing
    when no finding has a fix."""
    fixable = sum(_fixable(f, unsafe) for f in findings)
    hidden = sum(1 for f in findings if f.fix is not None and f.fix.edits and not _fixable(f, unsafe))
    extra = f"{_plural(hidden, 'unsafe fix', 'es')} available with `--fix --unsafe-fixes`" if hidden else ""
    if fixable:
        return f"[*] {fixable} fixable with `--fix`" + (f" ({extra})" if extra else "") + ".\n"
    return f"No fixes available ({extra}).\n" if extra else ""


def statistics(results: list[Result], fmt: str, unsafe: bool) -> str:
    """``--statistics``: one line per rule, most frequent first, as ruff prints them
    (``count<TAB>code<TAB>[*] name``, ``[*]`` when its findings can be fixed with ``--fix``), or a JSON list
    (``code``, ``name``, ``count``, ``fixable``) with ``--format json``."""
    every = [f for _, _, fs in results for f in fs]
    count = Counter(f.code for f in every)
    fixable = {f.code for f in every if _fixable(f, unsafe)}
    names = {f.code: f.rule.name for f in every}
    rows = sorted(count.items(), key=lambda item: (-item[1], item[0]))
    if fmt in ("json", "json-lines"):
        data = [{"code": c, "name": names[c], "count": n, "fixable": c in fixable} for c, n in rows]
        if fmt == "json-lines":
            return "".join(json.dumps(row) + "\n" for row in data)
        return json.dumps(data, indent=2) + "\n"
    if not rows:
        return ""
    width = max(len(str(n)) for _, n in rows)
    code_width = max(len(c) for c, _ in rows)
    return "".join(f"{n:>{width}}\t{c:<{code_width}}\t{'[*]' if c in fixable else '[ ]'} {names[c]}\n" for c, n in rows)


def fixed_report(fixed: dict[Path, Counter[str]]) -> str:
    """``--show-fixes``: ``Fixed N findings:`` and, per file, how many of each rule's findings."""
    total = sum(sum(c.values()) for c in fixed.values())
    if not total:
        return ""
    out = [f"Fixed {_plural(total, 'finding')}:\n"]
    for path, codes in fixed.items():
        if not codes:
            continue
        out.append(f"- {path}:\n")
        for code, n in sorted(codes.items()):
            name = RULES[code].name if code in RULES else code
            out.append(f"    {n} × {code} ({name})\n")
    return "".join(out)
