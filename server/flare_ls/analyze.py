"""The analysis core's entry point: text in, findings (with fixes) out.

Pure and editor-agnostic: no I/O, no LSP types. The CLI and the language server both call
:func:`analyze` and nothing else, so they report the same findings for the same text.
"""

from __future__ import annotations

import re
import traceback
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from . import suppressions
from .findings import Finding, RuleInfo, Severity, TextEdit
from .fixes import apply_edits
from .parsing.recovery import Repairs
from .parsing.yamltree import LINE_BREAK, ParsedText, Pos, YDocument, YMap, YNode, YScalar, parse, split_lines
from .references import FileView
from .restructure.duplicates import remove_earlier
from .restructure.legacy import migrate_job
from .restructure.tabs import replace_tabs
from .rules import paths, schema, sql, streaming, structure, workspace  # noqa: F401  (importing registers the rules)
from .rules.base import CHECKS, Context
from .rules.schema import DUPLICATE_KEY, INTERNAL_ERROR, LEGACY_LAYOUT, SYNTAX, SchemaWalk
from .schema.attrdoc import CURRENT_STACK, LEGACY_LAYOUT_UNTIL
from .schema.shapes import root_shape
from .views import DocumentView, JobView, build_view, stack_version

ROOT_SHAPE = root_shape()
_LOOKS_LIKE_FLARE = re.compile(r"^\s*(?:stack:\s*['\"]?(?:\$\{)?flare\b|(?i:stackspec):|flare:\s*$)", re.M)


@dataclass(frozen=True)
class Config:
    """Which rules report and how loudly. ``select`` None means every rule that is on by default
    (:attr:`RuleInfo.default_enabled`); else the codes or rule names it holds."""

    select: frozenset[str] | None = None
    ignore: frozenset[str] = frozenset()
    severity: tuple[tuple[str, Severity], ...] = ()
    #: The stack version assumed for jobs whose ``stack`` is a bare ``flare`` (``flare:7.0``).
    default_stack: str | None = None
    #: Compute names the project's workflows may use besides ``runnable-default`` (``computes``).
    computes: frozenset[str] = frozenset()

    def wants(self, finding: Finding) -> bool:
        return self.wants_rule(finding.rule)

    def wants_rule(self, rule: RuleInfo) -> bool:
        keys = (rule.code, rule.name)
        if any(k in self.ignore for k in keys):
            return False
        if self.select is None:
            return rule.default_enabled
        return any(k in self.select for k in keys)

    def adjust(self, finding: Finding) -> Finding:
        for key, level in self.severity:
            if key in (finding.rule.code, finding.rule.name):
                return replace(finding, severity=level)
        return finding


DEFAULT_CONFIG = Config()
#: ``# flare-ls: disable=FL102,FL207`` at the end of a line silences those rules on that line;
#: ``disable-next-line=`` and ``disable-file=`` are the other scopes (see :mod:`.suppressions`).
SUPPRESSION = suppressions.SUPPRESSION


def analyze(
    text: str, uri: str | None = None, config: Config | None = None, files: FileView | None = None
) -> list[Finding]:
    """Every finding in ``text``, sorted by position.

    ``uri`` is for messages only. Documents that are not Flare workflows are skipped; a syntax error is
    reported when the text looks like a Flare manifest (so other YAML in a repository stays quiet).
    ``files`` shows the files beside the manifest, for the rules about paths it refers to (FL505);
    without it they are silent, so ``analyze`` itself never touches the filesystem.
    """
    bom = text.startswith("\ufeff")
    if bom:
        text = text[1:]
    lines = split_lines(text)
    return analyze_parsed(text, lines, parse(text, lines), config, bom, files)


def analyze_parsed(
    text: str,
    lines: list[str],
    parsed: ParsedText,
    config: Config | None = None,
    bom: bool = False,
    files: FileView | None = None,
) -> list[Finding]:
    """:func:`analyze` for a text already parsed (the language server parses once per version and
    shares the tree between diagnostics, hover and completion)."""
    findings: list[Finding] = []
    flare_seen = False
    line_break = LINE_BREAK.search(text)
    eol = line_break.group() if line_break is not None else "\n"
    for document in parsed.documents:
        root = document.root
        if not isinstance(root, YMap):
            continue
        view = build_view(root)
        if not view.flare:  # not a Flare workflow: someone else's YAML
            continue
        flare_seen = True
        if config is not None and config.default_stack is not None:
            for job in view.jobs:
                job.assumed_stack = config.default_stack
        if config is not None and config.computes:
            for job in view.jobs:
                job.computes = config.computes
        found = _analyze_document(document, root, view, lines, eol, files)
        for job in view.jobs:
            # The memo is per analysis, and its queries point back at their job: a cycle that would keep
            # the job's nodes for the collector's oldest generation, which the language server leaves
            # alone while an author types (lsp/memory.py).
            job.memo.clear()
        findings += found if parsed.repairs is None else _trusted(found, root, view, parsed.repairs)
    if parsed.errors and (flare_seen or looks_like_flare_text(text)):
        for error in parsed.errors:
            fix = None
            if error.reindented and parsed.repairs is not None:
                fix = replace_tabs(lines, error, parsed.repairs, parsed.documents)
            findings.append(Finding(SYNTAX, error.message, error.start, error.end, SYNTAX.severity, fix))
    roots = [document.root for document in parsed.documents]
    findings = _configured(findings, lines, config or DEFAULT_CONFIG, text, flare_seen, parsed.error is None, roots)
    if bom:
        findings = [_shift_first_line(f) for f in findings]
    findings.sort(key=Finding.sort_key)
    # A node reached through several aliases or merge keys is judged at each, but said once: at its anchor.
    return list(dict.fromkeys(findings))


#: Rules whose findings on a re-indented line would judge where recovery guessed the line belongs.
_PLACEMENT_RULES = frozenset({"FL101", "FL104", "FL105"})


def _trusted(findings: list[Finding], root: YMap, view: DocumentView, repairs: Repairs) -> list[Finding]:
    """The findings of a document read through error recovery that do not depend on its repairs.

    - Nothing is said about lines that were blanked (there is nothing there), and a relational rule
      (what a job lacks, how its parts relate) stays silent on a job that lost a key or a list item
      to a blanked line: the author may well have written what it would call missing.
    - On a re-indented line the content is the author's but its place is recovery's guess: findings
      about placement are dropped.
    - No fix touches a repaired line, or spans one (a block indented around a re-indented tab line would
      leave that line behind); elsewhere fixes stay, since every other line is the author's.
    """
    lossy = repairs.lossy
    # A job's lines run to the next job: a blanked line after its last key may have been its own.
    starts = [item.start[0] for item in view.dag]
    scopes = [(start, end - 1) for start, end in zip(starts, [*starts[1:], 1 << 30], strict=True)]
    kept: list[Finding] = []
    for finding in findings:
        first, last = finding.start[0], finding.end[0]
        if lossy and any(first <= line <= last for line in lossy):
            continue
        if lossy and finding.rule.relational:
            low, high = next(((a, b) for a, b in scopes if a <= first <= b), (root.start[0], 1 << 30))
            if any(low <= line <= high for line in lossy):
                continue
        if finding.code in _PLACEMENT_RULES and any(line in repairs.indents for line in (first, last)):
            continue
        fix = finding.fix
        if fix is not None and fix.edits and _spans_repair(fix.edits, repairs.lines):
            finding = replace(finding, fix=None)
        kept.append(finding)
    return kept


def _spans_repair(edits: tuple[TextEdit, ...], repaired: Iterable[int]) -> bool:
    """Whether the lines from the first edit's to the last edit's hold a repaired line."""
    first = min(edit.start[0] for edit in edits)
    last = max(edit.end[0] for edit in edits)
    return any(first <= line <= last for line in repaired)


def _configured(
    findings: list[Finding],
    lines: list[str],
    config: Config,
    text: str = "",
    flare_seen: bool = False,
    complete: bool = False,
    roots: Iterable[YNode | None] = (),
) -> list[Finding]:
    """Drop findings the settings or a ``# flare-ls: disable...`` comment silence, and report (FL004)
    the suppressions that silence nothing. Suppressions are only looked for when the text mentions
    ``flare-ls:``; whether one was used is only judged when the whole text parsed, a Flare document
    was seen, and no rule crashed (otherwise findings it would silence may be missing)."""
    kept = [f for f in findings if f.rule is INTERNAL_ERROR or config.wants(f)]
    if "flare-ls:" in text:
        table = suppressions.parse(lines, roots)
        kept = table.apply(kept)
        if flare_seen or any(f.rule is SYNTAX for f in findings):
            judge = flare_seen and complete and not any(f.rule is INTERNAL_ERROR for f in findings)
            problems = table.problems(lines, config.wants_rule, judge_use=judge)
            kept += table.apply(f for f in problems if config.wants(f))
    return [config.adjust(f) for f in kept] if config.severity else kept


def looks_like_flare_text(text: str) -> bool:
    """A cheap guess, for text that cannot be parsed or decoded: does it mention a Flare stack?"""
    return _LOOKS_LIKE_FLARE.search(text) is not None


def _analyze_document(
    document: YDocument, root: YMap, view: DocumentView, lines: list[str], eol: str, files: FileView | None = None
) -> list[Finding]:
    ctx = Context(lines, eol, files)
    # Every occurrence of each repeated key, by mapping: one fix removes all but the last.
    occurrences: dict[tuple[int, str], list[YScalar]] = {}
    for repeated, first in document.duplicates:
        found = occurrences.setdefault((id(repeated.parent), repeated.value), [])
        found += [key for key in (first, repeated) if key not in found]
    for repeated, first in document.duplicates:
        mapping = repeated.parent
        kept = mapping.entries[repeated.value][0] if isinstance(mapping, YMap) else None
        earlier = [key for key in occurrences[(id(mapping), repeated.value)] if key is not kept]
        ctx.report(
            DUPLICATE_KEY,
            repeated,
            f"key `{repeated.value}` is already set on line {first.start[0] + 1}; most YAML loaders keep "
            "only the last value and strict ones reject the file",
            fix=remove_earlier(
                lines,
                kept,
                earlier,
                f"Keep the last `{repeated.value}` (line {kept.start[0] + 1}), "
                "as YAML loaders do, and remove the others",
            )
            if kept is not None and repeated.value != "<<"
            else None,
        )
    walk = SchemaWalk(ctx, ROOT_SHAPE)
    _guarded(ctx, root, walk.walk, (root, ROOT_SHAPE, ()))
    if walk.legacy:
        _report_legacy(ctx, walk, view)
    if walk.versioned:
        _guarded(ctx, root, schema.report_stacks, (ctx, walk, view), "FL110")
    for check in CHECKS:
        if check.scope == "document":
            _guarded(ctx, root, check.run, (view, ctx), check.info.code)
        else:
            run, before = check.run, len(ctx.findings)
            try:  # the common case in one protected block: no crash, no call per job to _guarded
                for job in view.jobs:
                    run(job, ctx)
            except Exception:  # noqa: BLE001 - start over, job by job and each isolated, to report it
                del ctx.findings[before:]
                for job in view.jobs:
                    _guarded(ctx, job.item, run, (job, ctx), check.info.code)
    return ctx.findings


def _guarded(
    ctx: Context, where: YMap, run: Callable[..., None], args: tuple[object, ...], code: str = "schema"
) -> None:
    """Run one rule; a crash becomes a finding instead of taking the whole analysis down."""
    try:
        run(*args)
    except Exception as exc:  # noqa: BLE001 - isolating rule crashes is the point
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        ctx.report(
            INTERNAL_ERROR,
            schema.anchor_of(where),
            f"flare-ls rule {code} crashed on this document ({type(exc).__name__}: {exc} at "
            f"{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}); please report it",
        )


def _report_legacy(ctx: Context, walk: SchemaWalk, view: DocumentView) -> None:
    """FL106, once per dag job that writes the flare:1.0-4.0 layout on a stack whose documented layout is
    the current one: at its ``flare:`` section if it has one, else at its first legacy key.

    A job on flare:1.0-4.0 is correct as written and gets nothing; a job whose stack names no version is
    held to the current stack, unless the project's ``default-stack`` says otherwise (``job.version``).
    """
    for job in view.jobs:
        version = job.version
        if version is not None and version <= LEGACY_LAYOUT_UNTIL:
            continue
        where = job.item.path
        found = [
            (key, legacy)
            for key, legacy in walk.legacy
            if key.parent is not None and key.parent.path[: len(where)] == where
        ]
        if _writes_only_jdbc_query(job):
            found = [(key, legacy) for key, legacy in found if not legacy.current_use]
        if not found:
            continue
        key, legacy = next(((k, m) for k, m in found if k.value == "flare"), found[0])
        others = [f"`{name}`" for name in dict.fromkeys(k.value for k, _ in found) if name != key.value][:4]
        also = f" (and {', '.join(others)})" if others else ""
        use = f"use {legacy.replacement} instead"
        stack = job.stack.value.strip() if job.stack is not None else None
        if version is not None:
            assumed = f" ({job.assumed_stack} by `default-stack`)" if stack_version(stack) is None else ""
            said = f"not to the layout of `{stack}`{assumed}; {use}"
        else:
            unnamed = f"`stack: {stack}` names no version" if stack else "the job names no `stack`"
            said = (
                f"and {unnamed}, so flare-ls holds the job to {CURRENT_STACK}; {use}, or set `default-stack` to "
                "the older stack it runs on"
            )
        ctx.report(
            LEGACY_LAYOUT,
            key,
            f"`{key.value}`{also} belongs to the flare:1.0-4.0 layout, {said} (docs/rules/FL106.md lists each "
            "replacement)",
            tags=("deprecated",),
            fix=migrate_job(ctx.lines, ctx.eol, job, [k for k, _ in found]),
        )


def _writes_only_jdbc_query(job: JobView) -> bool:
    """Every ``sink`` of the job runs a ``JDBCQuery``: the one use of ``sink`` and ``depot`` current docs
    still make (an SQL statement per row, which ``outputs`` cannot express)."""
    if not job.sinks:
        return False
    for sink in job.sinks:
        kind = sink.text("outputType")
        if kind is None or kind.strip().lower() != "jdbcquery":
            return False
    return True


def _shift_first_line(finding: Finding) -> Finding:
    """Columns on the first line move right by one when the text started with a byte-order mark."""

    def shift(pos: Pos) -> Pos:
        return (pos[0], pos[1] + 1) if pos[0] == 0 else pos

    fix = finding.fix
    if fix is not None:
        fix = replace(fix, edits=tuple(TextEdit(shift(e.start), shift(e.end), e.text) for e in fix.edits))
    return replace(finding, start=shift(finding.start), end=shift(finding.end), fix=fix)


def fix_holds(text: str, finding: Finding, config: Config | None = None, before: list[Finding] | None = None) -> bool:
    """Whether ``finding``'s fix does what it says on ``text``: the result reads as YAML at least as
    well as the text did (no new syntax error), and the finding is gone; a structural fix must also
    bring no new finding.

    Fixes are computed from positions without re-reading the result; this is the check that they
    are only offered (by ``--fix`` and the editor's quick fixes) when they hold. It costs an analysis
    of the fixed text, so it is made when a fix is about to be used, not for every finding."""
    if finding.fix is None:
        return False
    if before is None:
        before = analyze(text, config=config)
    after = analyze(apply_edits(text, finding.fix.edits), config=config)
    if sum(f.rule is SYNTAX for f in after) > sum(f.rule is SYNTAX for f in before):
        return False
    moved = (finding.code, finding.message, _through_edits(finding.start, finding.fix.edits))
    if any((f.code, f.message, f.start) == moved for f in after):
        return False
    if finding.fix.structural:
        # A structural fix rewrites lines far from its finding (a key cut here and pasted there): any
        # finding it brings, counted per rule since positions and paths move, means it did not hold.
        left = Counter(f.code for f in before)
        left[finding.code] -= 1
        return not Counter(f.code for f in after) - left
    return True


def _through_edits(pos: Pos, edits: tuple[TextEdit, ...]) -> Pos:
    """Where ``pos`` is once ``edits`` are applied (a position inside an edit goes to its start)."""
    line, column = pos
    line_delta = 0
    column_delta = 0  # on ``line``, from the edits that end on it before ``pos``
    for edit in sorted(edits, key=lambda e: e.start):
        if pos < edit.start:
            break
        start_column = edit.start[1] + (column_delta if edit.start[0] == line else 0)
        if pos < edit.end:
            return (edit.start[0] + line_delta, start_column)
        inserted = edit.text.split("\n")
        end_column = start_column + len(inserted[0]) if len(inserted) == 1 else len(inserted[-1])
        if edit.end[0] == line:
            column_delta = end_column - edit.end[1]
        line_delta += (len(inserted) - 1) - (edit.end[0] - edit.start[0])
    return (line + line_delta, column + column_delta)


def holding_fixes(
    text: str, findings: list[Finding], config: Config | None = None, before: list[Finding] | None = None
) -> list[Finding]:
    """``findings`` with every fix that does not hold (:func:`fix_holds`) taken off its finding.
    ``before``: the findings of ``text`` under ``config`` when the caller has them."""
    if before is None:
        before = analyze(text, config=config)
    return [f if f.fix is None or fix_holds(text, f, config, before) else replace(f, fix=None) for f in findings]
