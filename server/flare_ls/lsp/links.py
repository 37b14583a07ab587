"""Document links on the paths a manifest refers to (``file:``, ``sqlFile``, ``Ref://``), and the
targets go-to-definition jumps to from them (``navigation.py``)."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from ..parsing.yamltree import Pos, YMap
from ..references import Reference, references
from ..views import build_view
from .server import FlareServer, guarded, tree_of


def register(server: FlareServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_LINK, types.DocumentLinkOptions(resolve_provider=False))
    @guarded(None)
    async def document_link(ls: FlareServer, params: types.DocumentLinkParams) -> list[types.DocumentLink] | None:
        uri = params.text_document.uri
        current = ls.text_of(uri)
        if current is None:
            return None
        found = await linked(ls, uri)
        convert = ls.converter(uri, current[0])
        return [
            types.DocumentLink(range=convert.range_to_client(ref.node.start, ref.node.end), target=target)
            for ref, target in found
        ]


async def linked(ls: FlareServer, uri: str) -> list[tuple[Reference, str]]:
    """Each path of the document whose target is a file of the project, with that file's URI: a path
    that names nothing (FL505 says so) or is not judged (a placeholder, outside the project) has no link."""
    files = ls.files_for(uri)
    if files is None:
        return []
    current = await ls.current(uri)
    parsed = tree_of(*current) if current is not None else None
    if parsed is None:
        return []
    found: list[tuple[Reference, str]] = []
    for document in parsed.documents:
        if not isinstance(document.root, YMap):
            continue
        view = build_view(document.root)
        if not view.flare:
            continue
        for ref in references(view):
            if ref.checkable and files.exists(ref.normalized):
                found.append((ref, Path(files.directory, ref.normalized).as_uri()))
    return found


async def target_at(ls: FlareServer, uri: str, pos: Pos) -> str | None:
    """The URI of the file named by the path under ``pos``, if it is one."""
    for ref, target in await linked(ls, uri):
        if ref.node.start <= pos <= ref.node.end:
            return target
    return None
