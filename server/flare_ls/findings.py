"""What the analyzer returns: findings, each with an exact range and an optional fix."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from .parsing.yamltree import Pos

DOCS_BASE = "https://github.com/flare-ls/flare-ls/blob/main/docs/rules/"


class Severity(enum.IntEnum):
    """Ordered so that ``max()`` gives the worst. Values match LSP's DiagnosticSeverity reversed."""

    HINT = 1
    INFO = 2
    WARNING = 3
    ERROR = 4

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class TextEdit:
    """Replace the text between ``start`` and ``end`` (zero-based, code-point columns) with ``text``."""

    start: Pos
    end: Pos
    text: str


@dataclass(frozen=True)
class Fix:
    """A mechanical repair. ``safe`` fixes keep what the author meant; unsafe ones need a look.
    ``structural`` fixes move, remove or rewrite whole entries (:mod:`flare_ls.restructure`): since
    they touch far more than the finding's own range, they hold only if they bring no new finding."""

    message: str
    edits: tuple[TextEdit, ...]
    safe: bool
    structural: bool = False

    @property
    def applicability(self) -> str:
        return "safe" if self.safe else "unsafe"


@dataclass(frozen=True)
class RuleInfo:
    """The stable identity of a rule: id, readable name, default severity and a one-line summary."""

    code: str
    name: str
    severity: Severity
    summary: str
    #: The rule reasons about what a job lacks or how its parts relate (a missing key, a view no step
    #: defines), so it cannot be trusted on a job that error recovery had to cut lines from.
    relational: bool = False
    #: Reported unless configured otherwise; a rule that is off by default (it would be noisy in most
    #: repositories) runs only when ``select`` (or ``--select``/``--extend-select``) names it.
    default_enabled: bool = True
    #: The rule judges several manifests together (:mod:`flare_ls.rules.workspace`): per-file analysis
    #: never reports it, so it cannot say whether a suppression of it in one file was used.
    workspace: bool = False
    #: What its checks read besides what the schema walk gives them, which decides what an analysis of
    #: a later version may reuse: "job" (only the dag job it is run on: its findings are kept per job
    #: and computed again only for a job that changed), "document" (anything in the document: run
    #: every time, the safe default), or "workspace" (also the files beside the manifest).
    reads: str = "document"

    @property
    def url(self) -> str:
        return f"{DOCS_BASE}{self.code}.md"


@dataclass(frozen=True)
class Finding:
    rule: RuleInfo
    message: str
    start: Pos
    end: Pos
    severity: Severity
    fix: Fix | None = None
    #: Path into the manifest (keys and list indexes) of the node the finding is about.
    path: tuple[str | int, ...] = ()
    #: LSP-style tags: "deprecated" (legacy layout) or "unnecessary" (has no effect).
    tags: tuple[str, ...] = field(default=())

    @property
    def code(self) -> str:
        return self.rule.code

    def sort_key(self) -> tuple[Pos, str]:
        return (self.start, self.rule.code)
