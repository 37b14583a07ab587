"""The lineage of Flare workflows: which datasets each job reads, through which inputs, steps and
outputs, into which datasets, and which jobs wait for which.

Pure: ``build_graph([(file, text), ...])`` reads manifest texts into a :class:`Graph` (no I/O; the file
names are only labels), and ``graph.to_json()`` is the stable model the renderers (``lineage.render``)
and other tools read; ``node_at(graph, file, pos)`` is the job, input, step or output written at a
position (what an editor's cursor is on). A dataset is one node however many files name it: its
``dataos://`` address without the query string (``?acl=rw`` picks a credential, not a dataset).

Edges, each with a ``kind``:

- ``reads``: dataset -> input (the input's ``dataset``);
- ``feeds``: input or step -> step (a table the step's SQL reads, resolved to the job's views as Spark
  resolves them: the last view of that name defined before the step), view -> output (the view an
  output's ``name``, or a legacy sink's ``sequenceName``, writes);
- ``writes``: output -> dataset (its ``dataset``, or a legacy ``depot`` joined with the sink's
  ``datasetName``);
- ``depends``: job -> job (the first runs before the second: the second lists it in ``dependencies``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from ..parsing.yamltree import Pos, YMap, YScalar, YSeq, parse, split_lines
from ..queries import job_queries
from ..views import DocumentView, JobView, build_view, named
from ..workspace.index import resolve_among

#: The version of the JSON model; raised when a field changes meaning or goes away (added fields do not).
MODEL_VERSION = 1

KINDS = ("dataset", "job", "input", "step", "output")


@dataclass(frozen=True)
class Location:
    """Where a node is written: the file as given and a 1-based line."""

    file: str
    line: int


@dataclass
class Node:
    id: str
    kind: str  # one of KINDS
    label: str
    #: The job a node belongs to (the id of its ``job`` node); None for jobs and datasets.
    job: str | None = None
    locations: list[Location] = field(default_factory=list)
    #: For a job: its workflow's name, and for a streaming job the trigger mode (``Once``, or
    #: ``streaming`` when it reads a stream without saying how it is triggered).
    workflow: str | None = None
    streaming: str | None = None
    #: For a step: every table its SQL reads, as written (views of the job and tables outside it).
    reads: list[str] = field(default_factory=list)
    #: For a job, input, step or output: the range of the mapping it is read from, in the file of its
    #: first location (zero-based lines, code-point columns). A list item's range starts at the start of
    #: its line, so that a cursor on its ``- `` is in it. Not part of the JSON model; datasets have none.
    span: tuple[Pos, Pos] | None = None


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    kind: str  # reads, feeds, writes, depends


@dataclass
class Graph:
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    # Indexes, so that a repository of thousands of manifests costs linear time.
    _edge_set: set[Edge] = field(default_factory=set, repr=False)
    _children: dict[str, list[Node]] = field(default_factory=dict, repr=False)

    def add(self, node: Node) -> Node:
        """The node with ``node.id``: ``node`` itself when it is new, else the one known, with
        ``node``'s locations added (a dataset named by several files)."""
        known = self.nodes.get(node.id)
        if known is None:
            self.nodes[node.id] = node
            if node.job is not None:
                self._children.setdefault(node.job, []).append(node)
            return node
        for location in node.locations:
            if location not in known.locations:
                known.locations.append(location)
        return known

    def link(self, source: str, target: str, kind: str) -> None:
        edge = Edge(source, target, kind)
        if edge not in self._edge_set:
            self._edge_set.add(edge)
            self.edges.append(edge)

    def of_kind(self, kind: str) -> list[Node]:
        return [node for node in self.nodes.values() if node.kind == kind]

    def children(self, job: str) -> list[Node]:
        """The inputs, steps and outputs of a job, in the order they are written."""
        return list(self._children.get(job, ()))

    def to_json(self) -> dict[str, Any]:
        """The stable model (docs/lineage.md): plain data, in the order the files were given."""

        def node_data(node: Node) -> dict[str, Any]:
            data: dict[str, Any] = {"id": node.id, "kind": node.kind, "label": node.label}
            if node.job is not None:
                data["job"] = node.job
            if node.kind == "job":
                data["workflow"] = node.workflow
                data["streaming"] = node.streaming
            if node.kind == "step":
                data["reads"] = node.reads
            data["locations"] = [{"file": loc.file, "line": loc.line} for loc in node.locations]
            return data

        return {
            "version": MODEL_VERSION,
            "nodes": [node_data(node) for node in self.nodes.values()],
            "edges": [{"source": e.source, "target": e.target, "kind": e.kind} for e in self.edges],
        }


def dataset_key(address: str) -> str:
    """The dataset an address names: ``dataos://lakehouse:stream/t?acl=rw`` -> ``dataos://lakehouse:stream/t``."""
    return address.strip().split("?", 1)[0].rstrip("/") or address.strip()


def build_graph(manifests: Iterable[tuple[str, str]]) -> Graph:
    """The lineage of ``(file, text)`` manifests. Text that is not a Flare workflow adds nothing; text
    that does not parse adds what error recovery could read. A job file (a dag job a workflow's
    ``file:`` names) given too is drawn as that job of its workflow; one no workflow names, alone."""
    graph = Graph()
    documents: list[tuple[_Manifest, int, YMap, DocumentView]] = []
    for file, text in manifests:
        lines = split_lines(text)
        parsed = parse(text, lines)
        for document in parsed.documents:
            if isinstance(document.root, YMap) and (view := build_view(document.root)).flare:
                documents.append((_Manifest(file, lines), document.index, document.root, view))
    job_files = {m.file: (view.jobs[0], m) for m, _, _, view in documents if view.job_file and view.jobs}
    drawn: set[str] = set()
    for manifest, index, root, view in documents:
        if not view.job_file:
            drawn |= _add_document(graph, manifest, index, root, view, job_files)
    for manifest, index, root, view in documents:
        if view.job_file and manifest.file not in drawn:
            _add_document(graph, manifest, index, root, view, {})
    return graph


def node_at(graph: Graph, file: str, pos: Pos) -> Node | None:
    """The innermost job, input, step or output of ``file`` whose range holds ``pos``; None when the
    position is outside every job (the workflow's header, another stack's job, a blank line between)."""
    best: Node | None = None
    for node in graph.nodes.values():
        if node.span is None or node.locations[0].file != file:
            continue
        start, end = node.span
        if start <= pos <= end and (best is None or _inside(node.span, best.span)):
            best = node
    return best


def _inside(span: tuple[Pos, Pos], other: tuple[Pos, Pos] | None) -> bool:
    """Whether ``span`` lies within ``other`` (an input within its job), so it is the more precise answer."""
    return other is None or (other[0] <= span[0] and span[1] <= other[1])


@dataclass(frozen=True)
class _Manifest:
    """The manifest being read: its file name (a label) and its lines, for the ranges of nodes."""

    file: str
    lines: list[str]

    def span(self, item: YMap) -> tuple[Pos, Pos]:
        line, column = item.start
        before = self.lines[line][:column] if line < len(self.lines) else ""
        # Only indentation and list markers before the mapping: its line is its own, from column 0.
        if not before.replace("-", " ").strip():
            column = 0
        return (line, column), item.end


def _line(node: YScalar | YMap | None, fallback: YMap) -> int:
    return (node if node is not None else fallback).start[0] + 1


def _add_document(
    graph: Graph,
    manifest: _Manifest,
    index: int,
    root: YMap,
    view: DocumentView,
    job_files: dict[str, tuple[JobView, _Manifest]],
) -> set[str]:
    """Draw one workflow (or a job file alone); returns the job files it drew as its jobs."""
    file = manifest.file
    workflow = root.text("name")
    prefix = f"{file}#{index}" if index else file
    # (the dag entry, the job's view, the manifest that holds the job's body) in dag order
    jobs: list[tuple[YMap, JobView, _Manifest]] = []
    flare = {id(job.item): job for job in view.jobs}
    for item in view.dag or [job.item for job in view.jobs]:
        if id(item) in flare:
            jobs.append((item, flare[id(item)], manifest))
        elif (held := _job_file_of(item, file, job_files)) is not None:
            jobs.append((item, *job_files[held]))
    job_ids: dict[str, str] = {}
    for position, (item, job, holder) in enumerate(jobs):
        name_node = named(item)
        fallback = PurePath(file).stem if view.job_file else f"job {position + 1}"
        name = name_node.value if name_node is not None and name_node.value else fallback
        job_id = f"job:{prefix}/{name}"
        job_ids.setdefault(name, job_id)
        node = Node(job_id, "job", name, locations=[Location(file, _line(name_node, item))], workflow=workflow)
        node.streaming = _trigger(job)
        node.span = manifest.span(item)
        graph.add(node)
        _add_job(graph, holder, job_id, job)
    # Dependencies between the dag's Flare jobs (a job of another stack is not drawn, nor its edges).
    for item, _, _ in jobs:
        own = item.text("name")
        deps = item.get("dependencies")
        names = deps.items if isinstance(deps, YSeq) else [deps] if deps is not None else []
        for dep in names:
            if isinstance(dep, YScalar) and dep.value in job_ids and own in job_ids and dep.value != own:
                graph.link(job_ids[dep.value], job_ids[own], "depends")
    return {holder.file for _, _, holder in jobs if holder is not manifest}


def _job_file_of(item: YMap, file: str, job_files: Mapping[str, object]) -> str | None:
    """The job file among ``job_files`` that the dag entry names with ``file:`` (beside or in its spec)."""
    spec = item.get("spec")
    for holder in (item, spec if isinstance(spec, YMap) else None):
        target = holder.text("file") if holder is not None else None
        if target and (found := resolve_among(job_files, file, target.strip())) is not None:
            return found
    return None


def _trigger(job: JobView) -> str | None:
    mode = job.streaming.text("triggerMode") if job.streaming is not None else None
    if mode:
        return mode
    return "streaming" if job.is_streaming else None


def _item_node(
    graph: Graph, manifest: _Manifest, job_id: str, kind: str, position: int, item: YMap
) -> tuple[YScalar | None, Node]:
    """The node of a job's input, step or output (labelled by its ``name``, else by its place), drawn."""
    name_node = named(item)
    label = name_node.value if name_node is not None else f"{kind} {position + 1}"
    location = Location(manifest.file, _line(name_node, item))
    node = Node(f"{job_id}/{kind}/{position}", kind, label, job_id, [location], span=manifest.span(item))
    return name_node, graph.add(node)


def _add_job(graph: Graph, manifest: _Manifest, job_id: str, job: JobView) -> None:
    file = manifest.file
    # Every view of the job (input or step) in definition order, by lower-cased name: Spark resolves
    # views without case, and a later view of the same name replaces the earlier one.
    defined: list[tuple[int, str, str]] = []  # (step index, -1 for inputs; folded name; node id)
    for position, item in enumerate(job.inputs):
        name_node, node = _item_node(graph, manifest, job_id, "input", position, item)
        if name_node is not None:
            defined.append((-1, name_node.value.lower(), node.id))
        address = item.text("dataset")
        if address and address.strip():
            dataset = _dataset(graph, file, address, item)
            graph.link(dataset.id, node.id, "reads")
    for index, step in enumerate(job.sequence):
        name_node, node = _item_node(graph, manifest, job_id, "step", index, step)
        if name_node is not None:
            defined.append((index, name_node.value.lower(), node.id))
    steps = {query.step: query for query in job_queries(job) if query.kind == "step"}
    for index in range(len(job.sequence)):
        query = steps.get(index)
        if query is None:
            continue
        step_id = f"{job_id}/step/{index}"
        visible = {name: view_id for step, name, view_id in defined if step < index}
        for read in query.facts.reads:
            if read.name not in graph.nodes[step_id].reads:
                graph.nodes[step_id].reads.append(read.name)
            source = visible.get(read.name.lower())
            if source is not None:
                graph.link(source, step_id, "feeds")
    views = {name: view_id for _, name, view_id in defined}  # every view, the last of each name
    outputs: dict[str, tuple[Node, YMap]] = {}  # by name: the node and the output's mapping
    for position, item in enumerate(job.outputs):
        name_node, node = _item_node(graph, manifest, job_id, "output", position, item)
        if name_node is not None:
            outputs.setdefault(name_node.value, (node, item))
            source = views.get(name_node.value.lower())
            if source is not None and not job.sinks:
                graph.link(source, node.id, "feeds")
        address = item.text("dataset")
        if address and address.strip():
            graph.link(node.id, _dataset(graph, file, address, item).id, "writes")
    # The flare:1.0-4.0 layout: a sink writes a view into an output declared with a `depot`.
    for sink in job.sinks:
        found = outputs.get(sink.text("outputName") or "")
        if found is None:
            continue
        output, output_item = found
        source = views.get((sink.text("sequenceName") or "").lower())
        if source is not None:
            graph.link(source, output.id, "feeds")
        depot, dataset_name = output_item.text("depot"), sink.text("datasetName")
        if depot and dataset_name and not output_item.text("dataset"):
            address = f"{dataset_key(depot)}/{dataset_name.strip()}"
            graph.link(output.id, _dataset(graph, file, address, sink).id, "writes")


def _dataset(graph: Graph, file: str, address: str, item: YMap) -> Node:
    key = dataset_key(address)
    node = item.get("dataset") or item.get("datasetName")
    line = node.start[0] + 1 if node is not None else item.start[0] + 1
    return graph.add(Node(f"dataset:{key}", "dataset", key, locations=[Location(file, line)]))
