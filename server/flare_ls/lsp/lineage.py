"""The lineage view of the editor: the request ``flare/lineage``.

A client (the VS Code extension's *Flare: Show lineage*) sends ``{"textDocument": {"uri"},
"position"}`` (``TextDocumentPositionParams``; ``position`` may be left out) and gets the picture of
the flow the document takes part in::

    {"html": the self-contained page (lineage.render.html_page), the node at the position marked,
     "model": the JSON model of docs/lineage.md (version 1),
     "selected": the id of the job, input, step or output at the position, or null,
     "files": [{"file": the name the model's locations use, "uri": its URI}, ...],
     "version": the document version drawn, "message": why the picture is empty or partial, or null}

The picture is the document's current text (not the file on disk) with every manifest of the workspace
index in the same flow (``lineage.flow``: datasets written by one and read by another, dag jobs run by
``file:``), at their editor text when open, so a workflow across files shows as one. Files are named
as the workspace index names them (relative to the workspace folder).

A custom request, not ``workspace/executeCommand``: the client asks again at every cursor move and
edit, a query with typed parameters and a result, which a command is not (its ``arguments`` are an
untyped list, and vscode-languageclient registers every server command as an editor command of its
own, which this is not meant to be). Other clients can send it too (Neovim: ``vim.lsp.buf_request``).

It never answers an error: a document that is not open, not a Flare workflow, or broken YAML gets an
empty (or partial) picture saying so, and a failure inside is logged and answered the same way.
"""

from __future__ import annotations

import asyncio
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types

from ..lineage.flow import flow_of
from ..lineage.graph import Graph, build_graph, node_at
from ..lineage.render import html_page
from ..parsing.yamltree import parse
from ..views import is_placeholder
from ..workspace import index_text
from .server import FlareServer, guarded
from .workspace import file_path

METHOD = "flare/lineage"
#: The most files drawn for one flow, nearest first: a picture of more is too big to read.
MAX_FILES = 40
#: How long a request waits for the workspace's first index before drawing the document alone.
INDEX_WAIT_SECONDS = 5.0


@dataclass
class _LastGraph:
    """The graph of the last request, kept while the same texts are drawn: following the cursor asks
    again at every move, and only the selection changes."""

    manifests: tuple[tuple[str, str], ...] = ()
    graph: Graph = field(default_factory=Graph)


def register(server: FlareServer) -> None:
    last = _LastGraph()
    failed = _answer(Graph(), "Flare lineage", None, [], None, "flare-ls could not draw the lineage; its log says why")

    @server.feature(METHOD)
    @guarded(failed)
    async def lineage(ls: FlareServer, params: Any) -> dict[str, Any]:
        return await _lineage(ls, params, last)


async def _lineage(ls: FlareServer, params: Any, last: _LastGraph) -> dict[str, Any]:
    uri = _field(_field(params, "textDocument"), "uri")
    if not isinstance(uri, str) or not uri:
        return _answer(Graph(), "Flare lineage", None, [], None, "no document given (textDocument.uri)")
    name = _name(uri)
    current = ls.text_of(uri)
    if current is None:
        return _answer(Graph(), f"Flare lineage: {name}", None, [], None, f"{name} is not open in flare-ls")
    #: What the picture lacks, each a clause of the message.
    notes: list[str] = []

    manifests = ls.manifests
    if not manifests.ready.is_set():
        try:
            await asyncio.wait_for(manifests.ready.wait(), INDEX_WAIT_SECONDS)
        except TimeoutError:
            notes.append("the workspace is still being indexed: other files are drawn when it is done")
    current = ls.text_of(uri)  # the document may have changed while the index was built
    if current is None:
        return _answer(Graph(), f"Flare lineage: {name}", None, [], None, f"{name} is not open in flare-ls")
    text, version = current
    path = file_path(uri)
    key = manifests.key_of(path) if path is not None else None
    label = key if key is not None else str(path) if path is not None else uri

    def resolve(file: str, target: str) -> str | None:
        """The indexed manifest a dag job's ``file:`` path names, read from its manifest's directory."""
        base = path if file == label else manifests.paths.get(file)
        relative = target.replace("\\", "/")
        if base is None or is_placeholder(relative) or "$" in relative or posixpath.isabs(relative):
            return None
        found = manifests.key_of(Path(posixpath.normpath((base.parent / relative).as_posix())))
        return found if found is not None and found in manifests.texts else None

    flow = flow_of(manifests.index, index_text(label, text), resolve, MAX_FILES)
    if flow.left_out:
        notes.append(f"{flow.left_out} more files take part in this flow; the {MAX_FILES} nearest are drawn")
    drawn = tuple(sorted((file, text if file == label else manifests.texts[file]) for file in flow.files))
    if drawn != last.manifests:
        last.manifests, last.graph = drawn, build_graph(drawn)
    graph = last.graph

    analysed = ls.ready(uri, text)
    problem = (analysed.parsed if analysed is not None else parse(text)).error
    if problem is not None:
        where = f"line {problem.start[0] + 1}: {problem.message}"
        notes.insert(0, f"{name} is not valid YAML ({where}), the picture shows what could be read")
    elif not any(node.locations[0].file == label for node in graph.of_kind("job")):
        notes.insert(0, f"{name} holds no Flare job")

    selected = None
    position = _position(_field(params, "position"))
    if position is not None:
        pos = ls.converter(uri, text).from_client(position)
        node = node_at(graph, label, pos)
        selected = node.id if node is not None else None

    files = [{"file": file, "uri": uri if file == label else manifests.uri_of(file)} for file, _ in drawn]
    others = [file for file, _ in drawn if file != label]
    title = f"Flare lineage: {label}"
    if others:
        title += f" with {', '.join(others)}" if len(others) <= 3 else f" and {len(others)} files of its flow"
    return _answer(graph, title, selected, files, version, "; ".join(notes) or None)


def _answer(
    graph: Graph,
    title: str,
    selected: str | None,
    files: list[dict[str, str]],
    version: int | None,
    message: str | None,
) -> dict[str, Any]:
    return {
        "html": html_page(graph, title, selected=selected, note=message, ids=True),
        "model": graph.to_json(),
        "selected": selected,
        "files": files,
        "version": version,
        "message": message,
    }


def _field(value: Any, name: str) -> Any:
    """A field of the request's params as pygls hands them over (named tuples for a method it does not
    know), or None when the client sent something else."""
    if isinstance(value, dict):
        return value.get(name)
    return getattr(value, name, None) if hasattr(value, "_fields") else None


def _position(value: Any) -> types.Position | None:
    line, character = _field(value, "line"), _field(value, "character")
    if not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in (line, character)):
        return None
    return types.Position(line=line, character=character)


def _name(uri: str) -> str:
    path = file_path(uri)
    return path.name if path is not None else uri
