"""Names that parts of a manifest give and use: views (inputs and steps) and dag jobs.

A view is defined by an input's or a step's ``name`` and used by the SQL that reads it, an output's
``name``, a sink's or a command's ``sequenceName`` and an action's ``input``; it is scoped to its dag
job. An input's incremental ``context`` names the view its incremental SQL reads. A dag job is defined
by its ``name`` and used by other jobs' ``dependencies``. Spark resolves view names without case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .parsing.scalarmap import Locator
from .parsing.yamltree import ParsedText, Pos, YMap, YScalar, YSeq, parse, split_lines
from .queries import job_queries, view_role
from .views import build_view, mapping_items, named, streams


@dataclass(frozen=True)
class Name:
    #: The scalar holding the name: the name itself, or the SQL text a view name is read in.
    node: YScalar
    kind: str  # "view" or "job"
    #: (document, dag job) it lives in: a view is scoped to its job, a job (job -1) to its document
    #: (a file may hold several workflows).
    scope: tuple[int, int]
    defines: bool
    #: The name as written (for a name in SQL, the identifier, not the whole query).
    text: str
    start: Pos
    end: Pos
    #: Whether the range holds exactly ``text``, so that a rename can replace it (False for a name
    #: written with an escape sequence, or folded over a line).
    editable: bool = True
    #: True for a name read inside SQL.
    in_sql: bool = False

    @property
    def key(self) -> tuple[str, tuple[int, int], str]:
        folded = self.text.lower() if self.kind == "view" else self.text
        return (self.kind, self.scope, folded)


def _plain(node: YScalar, kind: str, scope: tuple[int, int], defines: bool) -> Name:
    # A quoted or multi-line name cannot be replaced without re-quoting: renames re-quote it whole.
    return Name(node, kind, scope, defines, node.value, node.start, node.end)


def names(text: str, parsed: ParsedText | None = None, lines: list[str] | None = None) -> list[Name]:
    """Every name defined or used in the parseable documents of ``text`` (``parsed``: its parse, when
    the caller has it already)."""
    found: list[Name] = []
    lines = lines if lines is not None else split_lines(text)
    locate = Locator(lines)
    for document in (parsed if parsed is not None else parse(text, lines)).documents:
        if not isinstance(document.root, YMap):
            continue
        view = build_view(document.root)
        dag = (document.index, -1)
        for item in view.dag:
            if (node := named(item, "name")) is not None:
                found.append(_plain(node, "job", dag, True))
            deps = item.get("dependencies")
            for dep in deps.items if isinstance(deps, YSeq) else [deps] if deps is not None else []:
                if isinstance(dep, YScalar) and dep.value:
                    found.append(_plain(dep, "job", dag, False))
        for index, job in enumerate(view.jobs):
            scope = (document.index, index)
            for item in job.inputs + job.sequence:
                if (node := named(item, "name")) is not None:
                    found.append(_plain(node, "view", scope, True))
                incremental = item.get("incremental")
                if isinstance(incremental, YMap) and (node := named(incremental, "context")) is not None:
                    found.append(_plain(node, "view", scope, True))
            uses = [(o, "name") for o in job.outputs] + [(s, "sequenceName") for s in job.sinks]
            for step in job.sequence:
                uses += [(c, "sequenceName") for c in mapping_items(step.get("commands"))]
            if job.job is not None:
                uses += [(a, "input") for a in mapping_items(job.job.get("actions"))]
            for item, key in uses:
                if (node := named(item, key)) is not None:
                    found.append(_plain(node, "view", scope, False))
            for query in job_queries(job):
                if not query.reads_views:
                    continue
                for read in query.facts.reads:
                    start, end = locate.span(query.node, read.start, read.end)
                    editable = locate.editable(query.node, read.start, read.end) is not None
                    found.append(Name(query.node, "view", scope, False, read.name, start, end, editable, True))
    return found


def _contains(name: Name, pos: Pos) -> bool:
    return name.start <= pos <= name.end


def name_at(all_names: list[Name], pos: Pos) -> Name | None:
    # Names in SQL are ranges inside a bigger scalar: look at them first.
    return next((n for n in all_names if n.in_sql and _contains(n, pos)), None) or next(
        (n for n in all_names if not n.in_sql and _contains(n, pos)), None
    )


def related(all_names: list[Name], name: Name) -> tuple[list[Name], list[Name]]:
    """(definitions, uses) sharing ``name``'s identity."""
    same = [n for n in all_names if n.key == name.key]
    return [n for n in same if n.defines], [n for n in same if not n.defines]


VIEW_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*$")
JOB_NAME = re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?$")


def rename_problem(name: Name, new: str) -> str | None:
    """Why ``new`` cannot replace ``name`` (None when it can)."""
    if name.kind == "view" and not VIEW_NAME.match(new):
        return f"`{new}` is not a plain Spark view name (letters, digits and `_`, not starting with a digit)"
    if name.kind == "job" and not JOB_NAME.match(new):
        return f"`{new}` is not a valid dag job name (lower-case letters, digits and `-`)"
    return None


def describe(definition: Name, line: int | None = None) -> str:
    """Markdown for a view, shown when hovering its name in SQL: what the input reads (dataset,
    format, whether it streams), or which step computes it. ``line`` (zero-based): where the definition
    is now, when the text has changed since its names were read."""
    item = definition.node.parent
    if not isinstance(item, YMap):
        return f"view `{definition.text}`"
    role, line = view_role(definition.node), (definition.start[0] if line is None else line) + 1
    if role == "context":
        return f"**incremental context** `{definition.text}` (line {line}): the rows of this run's increment"
    if role == "input":
        reads = "yes (`isStream: true`)" if streams(item) else "no (batch read)"
        rows = [f"**input** `{definition.text}` (line {line})", ""]
        if (dataset := item.text("dataset")) is not None:
            rows.append(f"- dataset: `{dataset}`")
        if (query := item.text("query")) is not None:
            rows.append(f"- query: `{' '.join(query.split())[:80]}`")
        rows.append(f"- format: `{item.text('format') or 'not set (iceberg by default)'}`")
        rows.append(f"- streams: {reads}")
        return "\n".join(rows)
    sql = item.text("sql")
    rows = [f"**step** `{definition.text}` (line {line})"]
    if sql:
        rows += ["", "```sql", sql.strip()[:600], "```"]
    return "\n".join(rows)
