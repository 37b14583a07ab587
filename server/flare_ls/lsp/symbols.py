"""Outline: workflow -> dag jobs -> inputs, steps and outputs."""

from __future__ import annotations

from lsprotocol import types

from ..parsing.yamltree import YMap, YNode, parse
from ..views import build_view, mapping_items
from .convert import Converter
from .server import FlareServer, guarded

Kind = types.SymbolKind


def register(server: FlareServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    @guarded([])
    def document_symbol(ls: FlareServer, params: types.DocumentSymbolParams) -> list[types.DocumentSymbol]:
        current = ls.text_of(params.text_document.uri)
        if current is None:
            return []
        text, _ = current
        convert = ls.converter(params.text_document.uri, text)
        out = []
        parsed = ls.parsed(params.text_document.uri, text) or parse(text)
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
