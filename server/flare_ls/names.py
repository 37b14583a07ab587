"""Names that parts of a manifest give and use: views (inputs and steps) and dag jobs.

A view is defined by an input's or a step's ``name`` and used by an output's ``name``, a sink's or a
command's ``sequenceName`` and an action's ``input``; it is scoped to its dag job. A dag job is defined
by its ``name`` and used by other jobs' ``dependencies``. Spark resolves view names without case.
"""

from __future__ import annotations

from dataclasses import dataclass

from .views import build_view, mapping_items
from .yamltree import ParsedText, Pos, YMap, YNode, YScalar, YSeq, parse


@dataclass(frozen=True)
class Name:
    node: YScalar
    kind: str  # "view" or "job"
    scope: int  # the dag job it lives in (views), -1 for jobs
    defines: bool

    @property
    def key(self) -> tuple[str, int, str]:
        folded = self.node.value.lower() if self.kind == "view" else self.node.value
        return (self.kind, self.scope, folded)


def _scalar(item: YMap, key: str) -> YScalar | None:
    node = item.scalar(key)
    return node if node is not None and node.kind != "null" and node.value else None


def names(text: str, parsed: ParsedText | None = None) -> list[Name]:
    """Every name defined or used in the parseable documents of ``text`` (``parsed``: its parse, when
    the caller has it already)."""
    found: list[Name] = []
    for document in (parsed if parsed is not None else parse(text)).documents:
        if not isinstance(document.root, YMap):
            continue
        view = build_view(document.root)
        for item in view.dag:
            if (node := _scalar(item, "name")) is not None:
                found.append(Name(node, "job", -1, True))
            deps = item.get("dependencies")
            for dep in deps.items if isinstance(deps, YSeq) else [deps] if deps is not None else []:
                if isinstance(dep, YScalar) and dep.value:
                    found.append(Name(dep, "job", -1, False))
        for scope, job in enumerate(view.jobs):
            for item in job.inputs + job.sequence:
                if (node := _scalar(item, "name")) is not None:
                    found.append(Name(node, "view", scope, True))
            uses = [(o, "name") for o in job.outputs] + [(s, "sequenceName") for s in job.sinks]
            for step in job.sequence:
                uses += [(c, "sequenceName") for c in mapping_items(step.get("commands"))]
            if job.job is not None:
                uses += [(a, "input") for a in mapping_items(job.job.get("actions"))]
            for item, key in uses:
                if (node := _scalar(item, key)) is not None:
                    found.append(Name(node, "view", scope, False))
    return found


def _contains(node: YNode, pos: Pos) -> bool:
    return node.start <= pos <= node.end


def name_at(all_names: list[Name], pos: Pos) -> Name | None:
    return next((n for n in all_names if _contains(n.node, pos)), None)


def related(all_names: list[Name], name: Name) -> tuple[list[Name], list[Name]]:
    """(definitions, uses) sharing ``name``'s identity."""
    same = [n for n in all_names if n.key == name.key]
    return [n for n in same if n.defines], [n for n in same if not n.defines]
