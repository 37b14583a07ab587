"""The rule registry and the context rules report through.

A rule is one small function registered with :func:`rule`; rules that the parser or the schema walk
produce are only declared (:func:`declare`), and may get extra checks with :func:`checks`. The
registry refuses a second rule with the same id or name, so ids stay stable and unique.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from ..findings import Finding, Fix, RuleInfo, Severity
from ..parsing.scalarmap import Locator
from ..parsing.yamltree import Pos, YNode, YScalar

if TYPE_CHECKING:
    from ..references import FileView
    from ..views import DocumentView

Target = Literal["value", "key", "entry"]


#: What a rule's checks read (:attr:`RuleInfo.reads`).
Reads = Literal["job", "document", "workspace"]


@dataclass(frozen=True)
class Check:
    """A function run over every Flare job ("job") or every document ("document"). ``reads``: what it
    reads (:attr:`RuleInfo.reads`); a job check that reads only its job is run again only for the jobs
    an edit changed."""

    info: RuleInfo
    scope: str
    run: Callable[..., None]
    reads: Reads = "document"


#: Every rule, by id; a rule may be produced by the parser, the schema walk, or checks.
RULES: dict[str, RuleInfo] = {}
CHECKS: list[Check] = []
_NAMES: set[str] = set()
#: What job checks that read only their job (``reads="job"``) may read of the rest of their document:
#: each function gives one such fact of a document's view (the workflow's name, its schedule), as plain
#: values. An analysis reuses a job's findings only while these facts are what they were.
JOB_CONTEXT: list[Callable[[DocumentView], object]] = []


def job_context(fact: Callable[[DocumentView], object]) -> Callable[[DocumentView], object]:
    """Register a fact of the document that a job-local check reads (see :data:`JOB_CONTEXT`)."""
    JOB_CONTEXT.append(fact)
    return fact


def declare(
    code: str,
    name: str,
    severity: Severity,
    summary: str,
    *,
    relational: bool = False,
    default_enabled: bool = True,
    workspace: bool = False,
    reads: Reads = "document",
) -> RuleInfo:
    """Declare a rule; refuses an id or a name that is already taken. ``relational``: the rule judges
    what a job lacks or how its parts relate (see :attr:`RuleInfo.relational`); ``default_enabled``
    False: it runs only when selected; ``workspace``: it judges several manifests together; ``reads``:
    what its checks read (see :attr:`RuleInfo.reads`)."""
    if code in RULES or name in _NAMES:
        raise ValueError(f"flare-ls: rule {code} [{name}] is registered twice")
    info = RuleInfo(code, name, severity, summary, relational, default_enabled, workspace, reads)
    RULES[code] = info
    _NAMES.add(name)
    return info


def checks(
    info: RuleInfo, *, scope: str = "job", reads: Reads = "document"
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Attach ``run(view, ctx)`` to an already declared rule; ``reads``: what this check reads (the
    rule's other checks may read more)."""

    def register(run: Callable[..., None]) -> Callable[..., None]:
        CHECKS.append(Check(info, scope, run, reads))
        return run

    return register


def rule(
    code: str,
    name: str,
    severity: Severity,
    summary: str,
    *,
    scope: str = "job",
    relational: bool = False,
    reads: Reads = "document",
) -> Callable[[Callable[..., None]], RuleInfo]:
    """Declare a rule and register its check; the decorated name becomes the rule's :class:`RuleInfo`
    (so a check reports with ``ctx.report(its_own_name, ...)``). ``reads``: what the check reads
    besides its job or document (:attr:`RuleInfo.reads`); "document" unless it is known to read less."""

    def register(run: Callable[..., None]) -> RuleInfo:
        info = declare(code, name, severity, summary, relational=relational, reads=reads)
        CHECKS.append(Check(info, scope, run, reads))
        return info

    return register


class Context:
    """Collects findings for one document and turns nodes into ranges."""

    def __init__(self, lines: list[str], eol: str = "\n", files: FileView | None = None) -> None:
        self.lines = lines
        #: The files beside the manifest, when the caller can show them (rules that judge referenced
        #: paths stay silent without).
        self.files = files
        #: The line break the text uses: what a fix that writes new lines ends them with.
        self.eol = eol
        self.findings: list[Finding] = []
        self._locate: Locator | None = None

    @property
    def locate(self) -> Locator:
        """Positions inside scalars' values (SQL in a ``sql:`` value), each scalar mapped once."""
        if self._locate is None:
            self._locate = Locator(self.lines)
        return self._locate

    def report(
        self,
        info: RuleInfo,
        node: YNode,
        message: str,
        *,
        target: Target = "value",
        fix: Fix | None = None,
        severity: Severity | None = None,
        tags: tuple[str, ...] = (),
    ) -> None:
        start, end = span(node, target)
        self.findings.append(Finding(info, message, start, end, severity or info.severity, fix, node.path, tags))

    def report_in(
        self,
        info: RuleInfo,
        node: YScalar,
        start: int,
        end: int,
        message: str,
        *,
        fix: Fix | None = None,
        tags: tuple[str, ...] = (),
    ) -> None:
        """Report on ``node.value[start:end]`` (a name inside the SQL of a scalar), at its exact source
        characters (the whole scalar when they cannot be mapped)."""
        first, last = self.locate.span(node, start, end)
        self.findings.append(Finding(info, message, first, last, info.severity, fix, node.path, tags))


def span(node: YNode, target: Target = "value") -> tuple[Pos, Pos]:
    """The range of a node: the value itself, its key, or the whole ``key: value`` entry."""
    if target == "value":
        return node.start, node.end
    key = node.key_node
    if key is None:
        return node.start, node.end
    if target == "key":
        return key.start, key.end
    return key.start, max(node.end, key.end)
