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
from typing import Any

from . import suppressions
from .findings import Finding, RuleInfo, Severity, TextEdit
from .fixes import apply_edits
from .parsing.incremental import Splice
from .parsing.recovery import Repairs
from .parsing.yamltree import LINE_BREAK, ParsedText, Pos, YDocument, YMap, YNode, YScalar, parse, split_lines
from .references import FileView
from .restructure.duplicates import remove_earlier
from .restructure.legacy import migrate_job
from .restructure.tabs import replace_tabs
from .rules import paths, schema, sql, streaming, structure, workspace  # noqa: F401  (importing registers the rules)
from .rules.base import CHECKS, JOB_CONTEXT, Check, Context
from .rules.schema import DUPLICATE_KEY, INTERNAL_ERROR, LEGACY_LAYOUT, SYNTAX, SchemaWalk
from .schema.attrdoc import CURRENT_STACK, LEGACY_LAYOUT_UNTIL, AttrDoc, Legacy
from .schema.shapes import MapShape, Shape, job_file_shapes, root_shape
from .views import DocumentView, JobView, build_view, stack_version

ROOT_SHAPE = root_shape()
#: A job file's top level (see ``views.DocumentView.job_file``): a dag entry, or the spec alone.
JOB_ENTRY_SHAPE, JOB_SPEC_SHAPE = job_file_shapes(ROOT_SHAPE)
#: A key or value the schema walk met that exists only in some stack versions (``SchemaWalk.versioned``).
Versioned = tuple[YScalar, AttrDoc, str | None]
#: What the schema walk found in one dag job: findings, legacy keys, and what only some stacks have.
Walked = tuple[list[Finding], list[tuple[YScalar, Legacy]], list[Versioned]]
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


class Memo:
    """What one analysis found per dag job, for the analysis of the next version of the text: the job's
    view, what the schema walk found in it (findings, legacy keys, keys and values of some stacks), and
    the rest of what is found in it alone: FL106, FL110 and the job checks that read only their job
    (``Check.reads``). Positions are those of the text it analysed. Findings of the document as a whole
    (document checks, job checks that read more than their job, FL002, suppressions) are not kept:
    they are computed every time."""

    def __init__(self, key: object = None) -> None:
        #: What the findings depend on besides the jobs' subtrees: the configuration and line break.
        self.key = key
        self.views: dict[YMap, JobView | None] = {}
        #: The document rules' summaries of each job (``views.job_fact``).
        self.facts: dict[YMap, dict[str, Any]] = {}
        self.walks: dict[YNode, Walked] = {}
        #: The rest of what is found per job (``_job_findings``).
        self.jobs: dict[YMap, list[Finding]] = {}
        #: What job checks read of each document besides their job (``rules.base.JOB_CONTEXT``).
        self.contexts: dict[YMap, object] = {}
        #: The jobs whose kept findings (``walks``, ``jobs``) all stay within the job's lines, fixes
        #: included: only those can be reused. Judged once, when they are found: a job the edit left
        #: alone keeps its findings and its lines, or moves both alike.
        self.walks_inside: set[YNode] = set()
        self.jobs_inside: set[YNode] = set()


#: A message or fix title that names a line ("already set on line 12"): such a finding is not moved
#: with its job when lines are added or removed above it, but computed again.
_NAMES_A_LINE = re.compile(r"\bline \d")


def _within(node: YNode, top: YNode) -> bool:
    """Whether ``node`` is ``top`` or below it (a dag job is a few parents below its document's root)."""
    at: YNode | None = node
    while at is not None:
        if at is top:
            return True
        at = at.parent
    return False


class Reuse:
    """An analysis's link to the previous version's (:class:`Memo`): the results of every dag job
    whose subtree the edit left alone are used again, moved by the lines the edit added or removed,
    and only the rest is computed; ``memo`` keeps this analysis's for the next.

    ``splice`` says how the tree changed (``parsing/incremental.py``): a job among its ancestors
    changed, a job under its new node is new (no memo knows it), every other job is the same object
    with the same subtree. ``unchanged``: the tree is the previous one, as it was. Without either,
    nothing is reused (a whole parse makes every node new anyway)."""

    def __init__(self, previous: Memo | None = None, splice: Splice | None = None, *, unchanged: bool = False) -> None:
        self.previous = previous if splice is not None or unchanged else None
        self.splice = splice
        self.memo = Memo()
        self._dirty: set[int] = set()
        self._moved: dict[YNode, bool] = {}
        #: How many dag jobs had a part computed rather than reused (what tests and benchmarks count).
        self.computed: set[int] = set()

    def start(self, key: object, trusted: bool) -> None:
        """Begin an analysis whose findings depend on ``key``; ``trusted``: the tree was read without
        error recovery (a repaired tree is never reused)."""
        if self.previous is not None and (self.previous.key != key or not trusted):
            self.previous = None
        self.memo = Memo(key)
        if self.splice is not None:
            self._dirty = {id(node) for node in self.splice.ancestors}
        if self.previous is not None:
            dirty = self._dirty
            replaced = self.splice.old if self.splice is not None else None
            ancestors: list[Any] = self.splice.ancestors if self.splice is not None else []
            previous = self.previous
            if replaced is None or any(node in previous.views for node in ancestors):
                # The edit is inside one job (or changed nothing): only the jobs among its ancestors
                # are dropped, not every job looked at.
                self.memo.views, self.memo.facts = dict(previous.views), dict(previous.facts)
                for node in ancestors:
                    self.memo.views.pop(node, None)
                    self.memo.facts.pop(node, None)
            else:

                def current(item: YNode) -> bool:
                    # Not an ancestor of the edit, and not in the block it replaced (a job whose own
                    # lines were parsed again is a new node: its old entries would stay, one per keystroke).
                    return id(item) not in dirty and not _within(item, replaced)

                self.memo.views = {item: v for item, v in previous.views.items() if current(item)}
                self.memo.facts = {item: f for item, f in previous.facts.items() if current(item)}

    def views(self) -> tuple[dict[YMap, JobView | None], dict[YMap, dict[str, Any]]]:
        """The jobs' views and facts (``views.job_fact``) known to be current, to which ``build_view``
        and the rules add the ones they make."""
        return self.memo.views, self.memo.facts

    def _reused(self, item: YNode, findings: list[Finding], inside: bool) -> list[Finding] | None:
        """``findings`` of the previous version for ``item``, where they are in this one; None when
        they cannot be reused. ``inside``: they all stay within the job's lines (:func:`_inside`)."""
        if id(item) in self._dirty:
            return None
        splice = self.splice
        if splice is None or not findings:  # the common case: a job with nothing to say
            return findings
        # A fix that reaches outside its job (a key moved to the workflow's level) was written from
        # lines the edit may have changed: found again.
        if not inside:
            return None
        first, last = splice.first, splice.last
        moved = self._moved.get(item)
        if moved is None:  # the tree is the new version's: a job after the block starts past it
            moved = self._moved[item] = splice.delta != 0 and item.start[0] > splice.first
        shift = splice.delta if moved else 0
        low, high = item.start[0] - shift, item.end[0] - shift + 1
        # Every finding is within the job's lines then: only a job whose lines meet the block's can
        # have one the edit touched.
        if low <= last and high >= first and any(_touches(f, first, last) for f in findings):
            return None
        if not moved:
            return findings
        if any(_NAMES_A_LINE.search(f.message) or (f.fix and _NAMES_A_LINE.search(f.fix.message)) for f in findings):
            return None
        return [_moved(f, splice) for f in findings]

    def walker(self, ctx: Context, walk: SchemaWalk) -> Callable[[YNode, Shape, tuple[str, ...], AttrDoc | None], None]:
        """The schema walk's ``each_job``: a job's previous results when they hold, else a walk of it."""
        store = self.memo.walks
        prior = self.previous.walks if self.previous is not None else {}

        inside, inside_before = self.memo.walks_inside, self.previous.walks_inside if self.previous else set()

        def each_job(item: YNode, shape: Shape, spath: tuple[str, ...], doc: AttrDoc | None) -> None:
            found = store.get(item)
            if found is None and (before := prior.get(item)) is not None:
                reused = self._reused(item, before[0], item in inside_before)
                if reused is not None:
                    found = store[item] = (reused, before[1], before[2])
                    inside.add(item)
            if found is not None:
                findings, legacy, versioned = found
                if findings:
                    ctx.findings += findings
                if legacy:
                    walk.legacy += legacy
                if versioned:
                    walk.versioned += versioned
                return
            self.computed.add(id(item))
            counts = len(ctx.findings), len(walk.legacy), len(walk.versioned)
            walk.walk(item, shape, spath, doc)
            store[item] = (ctx.findings[counts[0] :], walk.legacy[counts[1] :], walk.versioned[counts[2] :])
            if _inside(store[item][0], item):
                inside.add(item)

        return each_job

    def walked(self, item: YNode) -> Walked | None:
        """What the schema walk found in ``item`` in this analysis (None if it did not reach it)."""
        return self.memo.walks.get(item)

    def job(self, item: YMap) -> list[Finding] | None:
        """What :func:`_job_findings` found in ``item`` in the previous version, where it is in this one;
        None when it must be found again."""
        previous = self.previous
        if previous is None or (before := previous.jobs.get(item)) is None:
            return None
        found = self._reused(item, before, item in previous.jobs_inside)
        if found is not None:
            self.memo.jobs[item] = found
            self.memo.jobs_inside.add(item)
        return found

    def context(self, root: YMap, facts: object) -> bool:
        """Record what a document's job checks read outside their jobs (``JOB_CONTEXT``); whether it is
        what it was in the previous version."""
        self.memo.contexts[root] = facts
        return self.previous is not None and root in self.previous.contexts and self.previous.contexts[root] == facts

    def keep(self, item: YMap, findings: list[Finding]) -> None:
        self.computed.add(id(item))
        self.memo.jobs[item] = findings
        if _inside(findings, item):
            self.memo.jobs_inside.add(item)


def _inside(findings: list[Finding], item: YNode) -> bool:
    """Whether ``findings`` and their fixes' edits stay within the lines of ``item``, a dag job (whose
    lines run on to the next job's)."""
    low, high = item.start[0], item.end[0] + 1
    return not any(_outside(f, low, high) for f in findings)


def _touches(finding: Finding, first: int, last: int) -> bool:
    """Whether the finding's range or its fix's edits reach the lines ``first`` to ``last``."""
    if finding.start[0] <= last and finding.end[0] >= first:
        return True
    fix = finding.fix
    return fix is not None and any(e.start[0] <= last and e.end[0] >= first for e in fix.edits)


def _outside(finding: Finding, low: int, high: int) -> bool:
    """Whether the finding or its fix's edits reach outside the lines ``low`` to ``high``."""
    if finding.start[0] < low or finding.end[0] > high:
        return True
    fix = finding.fix
    return fix is not None and any(e.start[0] < low or e.end[0] > high for e in fix.edits)


def _moved(finding: Finding, splice: Splice) -> Finding:
    """The finding, and its fix, where the lines the splice added or removed moved them."""
    moved = splice.moved
    fix = finding.fix
    if fix is not None:
        fix = replace(fix, edits=tuple(TextEdit(moved(e.start), moved(e.end), e.text) for e in fix.edits))
    return replace(finding, start=moved(finding.start), end=moved(finding.end), fix=fix)


#: ``# flare-ls: disable=FL102,FL207`` at the end of a line silences those rules on that line;
#: ``disable-next-line=`` and ``disable-file=`` are the other scopes (see :mod:`.suppressions`).
SUPPRESSION = suppressions.SUPPRESSION


def analyze(
    text: str,
    uri: str | None = None,
    config: Config | None = None,
    files: FileView | None = None,
    job_file: bool = False,
) -> list[Finding]:
    """Every finding in ``text``, sorted by position.

    ``uri`` is for messages only. Documents that are not Flare workflows are skipped; a syntax error is
    reported when the text looks like a Flare manifest (so other YAML in a repository stays quiet).
    ``files`` shows the files beside the manifest, for the rules about paths it refers to (FL505);
    without it they are silent, so ``analyze`` itself never touches the filesystem. ``job_file``: a
    workflow's ``file:`` names this text, so it is read as that dag job (a job file whose shape shows
    what it is is read so anyway, see ``views.looks_like_job_file``).
    """
    bom = text.startswith("\ufeff")
    if bom:
        text = text[1:]
    lines = split_lines(text)
    return analyze_parsed(text, lines, parse(text, lines), config, bom, files, job_file=job_file)


def analyze_parsed(
    text: str,
    lines: list[str],
    parsed: ParsedText,
    config: Config | None = None,
    bom: bool = False,
    files: FileView | None = None,
    job_file: bool = False,
    reuse: Reuse | None = None,
) -> list[Finding]:
    """:func:`analyze` for a text already parsed (the language server parses once per version and
    shares the tree between diagnostics, hover and completion). ``reuse``: what the analysis of the
    previous version found per job, and how the tree changed since (:class:`Reuse`); it keeps this
    analysis's for the next."""
    findings: list[Finding] = []
    flare_seen = False
    line_break = LINE_BREAK.search(text)
    eol = line_break.group() if line_break is not None else "\n"
    if reuse is not None:
        reuse.start((config, eol), parsed.repairs is None)
    for document in parsed.documents:
        root = document.root
        if not isinstance(root, YMap):
            continue
        if reuse is not None:
            view = build_view(root, *reuse.views(), job_file=job_file)
        else:
            view = build_view(root, job_file=job_file)
        if not view.flare:  # not a Flare workflow: someone else's YAML
            continue
        flare_seen = True
        if config is not None and config.default_stack is not None:
            for job in view.jobs:
                job.assumed_stack = config.default_stack
        if config is not None and config.computes:
            for job in view.jobs:
                job.computes = config.computes
        found = _analyze_document(document, root, view, lines, eol, files, reuse)
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
    return _distinct(findings)


def _distinct(findings: list[Finding]) -> list[Finding]:
    """Sorted ``findings`` without repeats, each kept where it first came. Equal findings sort
    together (same start, same rule), so each is compared only with its group: hashing every finding
    hashed its fix field by field, a twentieth of a keystroke in a 20,000-line manifest."""
    kept: list[Finding] = []
    group = 0  # where the current group of findings with the same start and rule begins in ``kept``
    for finding in findings:
        if kept and finding.start == kept[-1].start and finding.rule.code == kept[-1].rule.code:
            if finding in kept[group:]:
                continue
        else:
            group = len(kept)
        kept.append(finding)
    return kept


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
    ends = [*starts[1:], 1 << 30] if starts else []  # no dag (a job file without its entry): no scope
    scopes = [(start, end - 1) for start, end in zip(starts, ends, strict=True)]
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
    wanted: dict[int, bool] = {}  # by rule: a big manifest's hundreds of findings are of a few rules

    def wants(rule: RuleInfo) -> bool:
        found = wanted.get(id(rule))
        if found is None:
            found = wanted[id(rule)] = rule is INTERNAL_ERROR or config.wants_rule(rule)
        return found

    kept = [f for f in findings if wants(f.rule)]
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
    document: YDocument,
    root: YMap,
    view: DocumentView,
    lines: list[str],
    eol: str,
    files: FileView | None = None,
    reuse: Reuse | None = None,
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
    shape = _document_shape(view, root)
    walk = SchemaWalk(ctx, shape)
    # Per job, reusing what the previous version found in the jobs an edit left alone; only where no
    # node is shared between places, so that what is found in a job's subtree is the job's alone (a job
    # file is one job: read whole).
    per_job = reuse is not None and not document.shares and not view.job_file
    # What job checks read of the document besides their job: jobs are found again when it changed.
    context = tuple(fact(view) for fact in JOB_CONTEXT) if per_job else None
    if reuse is not None and per_job:
        walk.each_job = reuse.walker(ctx, walk)
    _guarded(ctx, root, walk.walk, (root, shape, ()))
    # The walker holds the walk, and through the reuse the previous version's memo: a cycle, which the
    # collector would free only in its rare full collections (the language server makes one per keystroke).
    walk.each_job = None
    if not per_job:
        if walk.legacy:
            _report_legacy(ctx, walk.legacy, view.jobs)
        if walk.versioned:
            _guarded(ctx, root, schema.report_stacks, (ctx, walk.versioned, view.jobs), "FL110")
    for check in CHECKS:
        if check.scope == "document":
            _guarded(ctx, root, check.run, (view, ctx), check.info.code)
        elif not per_job or check.reads != "job":
            _run_job_check(ctx, check, view.jobs)
    if reuse is not None and per_job:
        same = reuse.context(root, context)
        for job in view.jobs:
            reused = reuse.job(job.item) if same else None
            if reused is None:
                start = len(ctx.findings)
                _job_findings(ctx, root, job, reuse.walked(job.item))
                reuse.keep(job.item, ctx.findings[start:])
            else:
                ctx.findings += reused
    return ctx.findings


def _document_shape(view: DocumentView, root: YMap) -> MapShape:
    """What the document's top level is: a workflow, or for a job file the dag entry (whose ``name`` the
    workflow gives) or the job's spec."""
    if not view.job_file:
        return ROOT_SHAPE
    return JOB_ENTRY_SHAPE if "spec" in root.entries else JOB_SPEC_SHAPE


def _run_job_check(ctx: Context, check: Check, jobs: list[JobView]) -> None:
    """One job check over ``jobs``, each job's crash a finding of its own."""
    run, before = check.run, len(ctx.findings)
    try:  # the common case in one protected block: no crash, no call per job to _guarded
        for job in jobs:
            run(job, ctx)
    except Exception:  # noqa: BLE001 - start over, job by job and each isolated, to report it
        del ctx.findings[before:]
        for job in jobs:
            _guarded(ctx, job.item, run, (job, ctx), check.info.code)


#: The job checks that read only their job (``Check.reads``), in their order.
_JOB_LOCAL = [check for check in CHECKS if check.scope == "job" and check.reads == "job"]


def _job_findings(ctx: Context, root: YMap, job: JobView, walked: Walked | None) -> None:
    """What is found in one job besides its schema walk: FL106 and FL110 from what the walk met in it,
    and the checks that read only their job (what :class:`Reuse` keeps per job)."""
    if walked is not None:
        if walked[1]:
            _report_legacy(ctx, walked[1], [job])
        if walked[2]:
            _guarded(ctx, root, schema.report_stacks, (ctx, walked[2], [job]), "FL110")
    for check in _JOB_LOCAL:
        _run_job_check(ctx, check, [job])


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


def _report_legacy(ctx: Context, met: list[tuple[YScalar, Legacy]], jobs: list[JobView]) -> None:
    """FL106, once per dag job that writes the flare:1.0-4.0 layout on a stack whose documented layout is
    the current one: at its ``flare:`` section if it has one, else at its first legacy key.

    A job on flare:1.0-4.0 is correct as written and gets nothing; a job whose stack names no version is
    held to the current stack, unless the project's ``default-stack`` says otherwise (``job.version``).
    """
    for job in jobs:
        version = job.version
        if version is not None and version <= LEGACY_LAYOUT_UNTIL:
            continue
        where = job.item.path
        found = [
            (key, marker) for key, marker in met if key.parent is not None and key.parent.path[: len(where)] == where
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
