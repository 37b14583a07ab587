"""Where a Flare job keeps SQL, and which views each query may read.

A step's ``sql`` reads the job's inputs and the steps before it; an assertion's ``sql`` and an
action's ``deleteWhere`` read the job's views; an input's ``incremental.sql`` (and its keys' ``sql``)
reads the incremental ``context``; an input's ``query`` is Trino SQL run by Minerva against catalog
tables, so only its syntax is checked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar

from .parsing.yamltree import ParsedText, Pos, YMap, YScalar, YSeq
from .sql import CONDITION, SqlFacts, analyze_sql
from .sql import PLACEHOLDER as WHOLE_PLACEHOLDER
from .views import JobView, build_view, is_placeholder, mapping_items, named

T = TypeVar("T")


@dataclass(frozen=True)
class Query:
    #: The job the query belongs to (what it may read depends on it).
    job: JobView = field(compare=False, repr=False)
    node: YScalar
    #: "step", "assertion", "incremental", "incremental-key", "input-query", or "condition" (an
    #: action's ``deleteWhere``, a boolean expression that may read views in a subquery).
    kind: str
    #: The mapping holding the ``sql`` (the step, assertion, incremental section or key, the input).
    owner: YMap
    #: For a step: its index in ``JobView.sequence``.
    step: int = -1
    #: For an incremental query: the input it belongs to.
    input: YMap | None = None

    @property
    def dialect(self) -> str:
        return "trino" if self.kind == "input-query" else "spark"

    @cached_property
    def facts(self) -> SqlFacts:
        # An action's condition is an expression, not a statement: Spark parses it as one.
        return analyze_sql(self.node.value, CONDITION if self.kind == "condition" else self.dialect)

    @property
    def reads_views(self) -> bool:
        """Whether the tables it reads are this job's Spark views (not a catalog's tables)."""
        return self.kind != "input-query"

    @cached_property
    def visible(self) -> dict[str, YScalar]:
        """The views this query may read, by lower-cased name (Spark resolves views without case), each
        with the scalar that defines it: a step reads the inputs and the steps before it, an assertion or
        a condition every input and step, incremental SQL its input's ``context`` (or the input)."""
        views: dict[str, YScalar] = {}
        if self.kind in ("incremental", "incremental-key"):
            incremental = self.input.get("incremental") if self.input is not None else None
            context = incremental.scalar("context") if isinstance(incremental, YMap) else None
            for candidate in (context, named(self.input) if self.input is not None else None):
                if candidate is not None and candidate.value:
                    views.setdefault(candidate.value.lower(), candidate)
            return views
        for view in job_views(self.job):
            if view.node is not None and (self.kind != "step" or view.step < self.step):
                views.setdefault(view.folded, view.node)
        return views


def _sql(item: YMap, key: str = "sql") -> YScalar | None:
    node = item.scalar(key)
    if node is None or node.kind != "str" or not node.value.strip():
        return None
    # A value that is one placeholder (`sql: ${QUERY}`) is filled in before Flare sees it.
    return None if WHOLE_PLACEHOLDER.fullmatch(node.value.strip()) else node


def job_queries(job: JobView) -> list[Query]:
    """Every SQL text of the job, in document order of kind: inputs, steps, assertions (collected once
    per job and analysis: six rules read them)."""
    return memo(job, "queries", _collect)


def memo(job: JobView, key: str, compute: Callable[[JobView], T]) -> T:
    """``compute(job)``, computed once per job and analysis."""
    if key not in job.memo:
        job.memo[key] = compute(job)
    result: T = job.memo[key]
    return result


def _collect(job: JobView) -> list[Query]:
    found: list[Query] = []
    for item in job.inputs:
        if (node := _sql(item, "query")) is not None:
            found.append(Query(job, node, "input-query", item))
        incremental = item.get("incremental")
        if isinstance(incremental, YMap):
            if (node := _sql(incremental)) is not None:
                found.append(Query(job, node, "incremental", incremental, input=item))
            for key in mapping_items(incremental.get("keys")):
                if (node := _sql(key)) is not None:
                    found.append(Query(job, node, "incremental-key", key, input=item))
    for index, step in enumerate(job.sequence):
        if (node := _sql(step)) is not None:
            found.append(Query(job, node, "step", step, step=index))
    if job.job is not None:
        for action in mapping_items(job.job.get("actions")):
            if (node := _sql(action, "deleteWhere")) is not None:
                found.append(Query(job, node, "condition", action))
    holders = [job.job] if job.job is not None else []
    for holder in holders + job.outputs:
        for assertion in mapping_items(holder.get("assertions")):
            if (node := _sql(assertion)) is not None:
                found.append(Query(job, node, "assertion", assertion))
    return found


@dataclass(frozen=True)
class View:
    """An input (``step`` -1) or a step (its index in the sequence) and the name it defines."""

    item: YMap
    node: YScalar | None
    step: int

    @property
    def folded(self) -> str:
        return self.node.value.lower() if self.node is not None else ""


def job_views(job: JobView) -> list[View]:
    """The job's inputs, then its steps, each with its name: computed once per job and analysis."""
    return memo(job, "views", _views)


def _views(job: JobView) -> list[View]:
    views = [View(item, named(item), -1) for item in job.inputs]
    return views + [View(item, named(item), index) for index, item in enumerate(job.sequence)]


def view_role(node: YScalar) -> str:
    """What a name that defines a view belongs to: "context" (an input's incremental ``context``),
    "input" or "step"."""
    if node.key == "context":
        return "context"
    return "input" if "inputs" in node.path else "step"


def names_unknowable(job: JobView) -> bool:
    return memo(job, "unknowable", _names_unknowable)


def _names_unknowable(job: JobView) -> bool:
    """True when the job's views cannot all be known from this file: steps kept in other files, a view
    named by a placeholder filled in later, or a broken list of views (an input without a ``name``,
    ``inputs`` written as a mapping) that other rules already report."""
    if job.steps_elsewhere:
        return True
    if job.job is not None:
        for key in ("inputs", "steps"):
            node = job.job.get(key)
            if node is not None and not isinstance(node, YSeq) and getattr(node, "kind", None) != "null":
                return True
    return any(view.node is None or is_placeholder(view.node.value) for view in job_views(job))


def query_at(parsed: ParsedText, pos: Pos) -> Query | None:
    """The query whose SQL scalar holds ``pos`` (also on the line after a block scalar's last
    line, where an author types the next line of the query before it holds a character)."""
    line = pos[0]
    for document in parsed.documents:
        if not isinstance(document.root, YMap):
            continue
        for job in build_view(document.root).jobs:
            if job.item.start[0] > line or job.item.end[0] + 1 < line:
                continue
            for query in job_queries(job):
                node = query.node
                last = node.end[0] + (1 if node.style in ("|", ">") else 0)
                if node.start <= pos and line <= last:
                    return query
    return None
