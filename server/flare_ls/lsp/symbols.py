"""Outline: workflow -> dag jobs -> inputs, steps and outputs; and the same across the workspace."""

from __future__ import annotations

from collections.abc import Iterator

from lsprotocol import types

from ..parsing.yamltree import YMap, YNode, parse, split_lines
from ..views import build_view, mapping_items
from ..workspace import ManifestIndex, Place
from .convert import Converter
from .server import FlareServer, guarded, tree_of

Kind = types.SymbolKind
#: At most this many workspace symbols in one answer (a short query in a big repository matches most).
MAX_WORKSPACE_SYMBOLS = 1000


def register(server: FlareServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    @guarded([])
    async def document_symbol(ls: FlareServer, params: types.DocumentSymbolParams) -> list[types.DocumentSymbol]:
        current = await ls.current(params.text_document.uri)
        if current is None:
            return []
        text, analysis = current
        convert = ls.converter(params.text_document.uri, text)
        out = []
        parsed = tree_of(text, analysis) or parse(text)
        for document in parsed.documents:
            root = document.root
            if not isinstance(root, YMap) or not isinstance(root.get("workflow"), YMap):
                continue
            view = build_view(root)
            jobs = {id(j.item): j for j in view.jobs}
            children = []
            for item in view.dag:
                job = jobs.get(id(item))
                parts = []
                if job is not None:
                    parts += [_symbol(convert, i, "input", Kind.Variable) for i in job.inputs]
                    parts += [_symbol(convert, s, "step", Kind.Function) for s in job.sequence]
                    parts += [_symbol(convert, o, "output", Kind.Field) for o in job.outputs]
                    if job.job is not None:
                        parts += [
                            _symbol(convert, a, "action", Kind.Event) for a in mapping_items(job.job.get("actions"))
                        ]
                stack = job.stack.value if job is not None and job.stack is not None else None
                children.append(_symbol(convert, item, "job", Kind.Class, parts, detail=stack))
            children = [c for c in children if c is not None]
            out.append(_symbol(convert, root, "workflow", Kind.Module, children, detail=root.text("type")))
        return [s for s in out if s is not None]

    @server.feature(types.WORKSPACE_SYMBOL)
    @guarded([])
    def workspace_symbol(ls: FlareServer, params: types.WorkspaceSymbolParams) -> list[types.WorkspaceSymbol]:
        """Workflows, jobs, inputs, steps and outputs of every indexed manifest whose name contains the
        query (ignoring case), open documents at their current text."""
        manifests = ls.manifests
        query = params.query.casefold()
        out: list[types.WorkspaceSymbol] = []
        for key in sorted(manifests.index.manifests):
            if key not in manifests.paths:
                continue
            matches = [m for m in _named(manifests.index.manifests[key]) if m[0] and query in m[0].casefold()]
            if not matches:
                continue  # the file's lines are split only for a file with a match
            uri = manifests.uri_of(key)
            convert = Converter(split_lines(manifests.texts.get(key, "")), ls.encoding)
            for name, kind, place, container in matches[: MAX_WORKSPACE_SYMBOLS - len(out)]:
                where = types.Location(uri=uri, range=convert.range_to_client(place.start, place.end))
                out.append(types.WorkspaceSymbol(name=name or "", kind=kind, location=where, container_name=container))
            if len(out) >= MAX_WORKSPACE_SYMBOLS:
                break
        return out


def _named(manifest: ManifestIndex) -> Iterator[tuple[str | None, types.SymbolKind, Place, str | None]]:
    """``(name, kind, place, container)`` of each workflow, job, input, step and output of a manifest."""
    for workflow in manifest.workflows:
        yield workflow.name, Kind.Module, workflow.place, None
        for job in workflow.jobs:
            yield job.name, Kind.Class, job.place, workflow.name
            yield from ((use.name, Kind.Variable, use.place, job.name) for use in job.inputs)
            yield from ((step.name, Kind.Function, step.place, job.name) for step in job.steps)
            yield from ((use.name, Kind.Field, use.place, job.name) for use in job.outputs)


def _symbol(
    convert: Converter,
    item: YNode,
    what: str,
    kind: types.SymbolKind,
    children: list[types.DocumentSymbol | None] | None = None,
    detail: str | None = None,
) -> types.DocumentSymbol | None:
    if not isinstance(item, YMap):
        return None
    name_node = item.scalar("name")
    name = name_node.value if name_node is not None and name_node.value else f"({what})"
    start = item.key_node.start if item.key_node is not None else item.start
    full = convert.range_to_client(start, item.end)
    pick = name_node if name_node is not None else item
    return types.DocumentSymbol(
        name=name,
        detail=detail or what,
        kind=kind,
        range=full,
        selection_range=convert.range_to_client(pick.start, pick.end),
        children=[c for c in (children or []) if c is not None] or None,
    )
