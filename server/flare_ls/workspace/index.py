"""The workspace index: per manifest, its workflows, dag jobs, datasets, checkpoints and references.

Built from the positioned tree and the job views the per-file analysis uses (``parsing.yamltree``,
``views.build_view``), so it sees exactly the documents and jobs the linter does: only Flare workflows
(``DocumentView.flare``), keys spelt in another case read as the key they mean. What it keeps are plain
frozen dataclasses of strings and positions, with no tree nodes, so an entry is cheap to keep for a
whole repository and can be returned by a worker process.

Positions are the analysis's: zero-based lines, code-point columns (the adapters convert them).
"""

from __future__ import annotations

import os
import re
from collections.abc import Container, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import PurePath
from typing import Any

from ..parsing.yamltree import ParsedText, Pos, YMap, YNode, YScalar, YSeq, parse, split_lines
from ..views import DocumentView, JobView, build_view, is_placeholder, named, value_of

YamlPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Place:
    """Where something is written: the file, its range and its path into the manifest."""

    file: str
    start: Pos
    end: Pos
    yaml_path: YamlPath = ()

    @property
    def label(self) -> str:
        """``file:line`` (one-based), as messages name another place."""
        return f"{self.file}:{self.start[0] + 1}"


@dataclass(frozen=True)
class DatasetUse:
    """An input's or output's dataset. ``address`` is normalised (:func:`normalise_address`);
    ``written`` is the text as the manifest has it."""

    name: str | None
    address: str
    written: str
    place: Place
    #: An output's ``saveMode`` as written (``overwrite``, ``append``, ``Overwrite``); None for inputs
    #: and outputs that do not say.
    save_mode: str | None = None

    @property
    def placeholder(self) -> bool:
        """The address is substituted before Flare sees it (``${DEPOT}``): unknown here."""
        return is_placeholder(self.written)

    @property
    def overwrites(self) -> bool:
        return self.save_mode is not None and self.save_mode.strip().lower() == "overwrite"

    @property
    def depot(self) -> str | None:
        """``lakehouse`` of ``dataos://lakehouse:retail/city``; None for other addresses."""
        match = _DATAOS.match(self.address)
        return match.group(1) if match is not None else None


@dataclass(frozen=True)
class Checkpoint:
    """A streaming query's ``checkpointLocation``: the job's (``streaming.checkpointLocation``) or an
    output's own (``checkpointLocation`` or ``options.checkpointLocation`` on the output)."""

    location: str
    written: str
    place: Place

    @property
    def placeholder(self) -> bool:
        return is_placeholder(self.written)


@dataclass(frozen=True)
class Dependency:
    """One name in a dag job's ``dependencies``."""

    name: str
    place: Place


@dataclass(frozen=True)
class FileRef:
    """A path the manifest refers to: a dag job's ``file:`` or a step's ``sqlFile``."""

    key: str
    target: str
    place: Place


@dataclass(frozen=True)
class Step:
    """One step of a job's ``sequence`` (its ``name``; None when it has none)."""

    name: str | None
    place: Place


@dataclass(frozen=True)
class JobEntry:
    """One dag job. ``flare``: it runs a Flare stack (the others only have a name and dependencies)."""

    name: str | None
    place: Place
    flare: bool
    inputs: tuple[DatasetUse, ...] = ()
    outputs: tuple[DatasetUse, ...] = ()
    checkpoints: tuple[Checkpoint, ...] = ()
    dependencies: tuple[Dependency, ...] = ()
    files: tuple[FileRef, ...] = ()
    steps: tuple[Step, ...] = ()


@dataclass(frozen=True)
class WorkflowEntry:
    """One Flare workflow: a YAML document of a manifest. ``name`` is the resource's ``name`` (None for
    a ``dag`` fragment without its envelope); ``document`` its index in the file's YAML stream."""

    name: str | None
    file: str
    document: int
    place: Place
    jobs: tuple[JobEntry, ...]
    #: The DataOS workspace the manifest names (``workspace:``), else ``public``, where DataOS puts it.
    workspace: str = "public"

    @property
    def key(self) -> tuple[str, ...]:
        """What tells workflows apart: a DataOS resource is its name in its workspace, so two manifests
        of one name (a workflow rewritten for another stack version) are one workflow, which applying
        either replaces; a ``dag`` fragment without a name is its file and document."""
        if self.name:
            return ("workflow", self.workspace, self.name)
        return ("fragment", self.file, str(self.document))

    @property
    def label(self) -> str:
        return f"`{self.name}`" if self.name else f"the dag of {self.file}"


@dataclass(frozen=True)
class ManifestIndex:
    """What one file holds; ``workflows`` is empty for a file with no Flare workflow."""

    file: str
    workflows: tuple[WorkflowEntry, ...] = ()
    #: For a job file (a dag job a workflow's ``file:`` names): the job it holds, without the name and
    #: dependencies its workflow's entry gives it.
    job: JobEntry | None = None


@dataclass
class WorkspaceIndex:
    """Every manifest's entry, by file; :meth:`update` replaces one file's entry."""

    manifests: dict[str, ManifestIndex] = field(default_factory=dict)
    #: :meth:`job_files`, computed when first asked after a change.
    _job_files: set[str] | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def from_texts(cls, files: Mapping[str, str]) -> WorkspaceIndex:
        return cls({file: index_text(file, text) for file, text in files.items()})

    def update(self, file: str, text: str) -> ManifestIndex:
        entry = self.manifests[file] = index_text(file, text)
        self._job_files = None
        return entry

    def add(self, entry: ManifestIndex) -> None:
        self.manifests[entry.file] = entry
        self._job_files = None

    def add_same(self, entry: ManifestIndex) -> bool:
        """Hold ``entry`` if it equals the file's entry held now (nothing derived from the index
        changes), and say whether it did. Held even so: the next version's entry is built from the
        same job entries (:func:`index_parsed` with ``facts``), and comparing the same objects is
        immediate, where equal copies are compared field by field, for every job of the file."""
        held = self.manifests.get(entry.file)
        if held is None or held != entry:
            return False
        self.manifests[entry.file] = entry
        return True

    def remove(self, file: str) -> None:
        self.manifests.pop(file, None)
        self._job_files = None

    def workflows(self) -> Iterator[WorkflowEntry]:
        for file in sorted(self.manifests):
            yield from self.manifests[file].workflows

    def jobs(self) -> Iterator[tuple[WorkflowEntry, JobEntry]]:
        """Every dag job of every workflow; a job kept in a job file (``file:``) with what that file holds."""
        for workflow in self.workflows():
            for job in workflow.jobs:
                yield workflow, self._with_job_file(workflow, job)

    def _with_job_file(self, workflow: WorkflowEntry, job: JobEntry) -> JobEntry:
        if job.flare:
            return job
        held = next(
            (found for ref in job.files if ref.key == "file" and (found := self.job_file(workflow.file, ref))), None
        )
        if held is None:
            return job
        return replace(
            held, name=job.name, place=job.place, dependencies=job.dependencies, files=job.files + held.files
        )

    def job_file(self, manifest: str, ref: FileRef) -> JobEntry | None:
        """The job in the indexed job file ``ref`` names (see :meth:`resolve`)."""
        key = self.resolve(manifest, ref.target)
        return self.manifests[key].job if key is not None else None

    def resolve(self, manifest: str, target: str) -> str | None:
        """The indexed file a path in ``manifest`` names (see :func:`resolve_among`)."""
        return resolve_among(self.manifests, manifest, target)

    def job_files(self) -> set[str]:
        """The indexed files that a workflow's dag job names with ``file:``: each holds that job."""
        if self._job_files is None:
            self._job_files = {
                key
                for workflow in self.workflows()
                for job in workflow.jobs
                for ref in job.files
                if ref.key == "file" and (key := self.resolve(workflow.file, ref.target)) is not None
            }
        return self._job_files


def resolve_among(files: Container[str], manifest: str, target: str) -> str | None:
    """Which of ``files`` (paths as given, relative or absolute) a path written in ``manifest`` names:
    read from the manifest's directory, then from each directory above it (the DataOS docs write
    ``file:`` from the repository's root). None for an absolute path, a placeholder, or no such file."""
    if not target or os.path.isabs(target) or is_placeholder(target):
        return None
    for directory in PurePath(manifest).parents:
        key = os.path.normpath(os.path.join(directory, target))
        if key in files:
            return key
    return None


_DATAOS = re.compile(r"^dataos://([^:/?#]+)(?::|$)", re.I)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def normalise_address(text: str) -> str:
    """A dataset address as the rules compare it: surrounding space and the query string (``?acl=rw``)
    taken off, trailing slashes too; case is kept as written (depots and collections are names, and
    flare-ls does not know how each depot folds case)."""
    return normalise_location(text)


def normalise_location(text: str) -> str:
    """A checkpoint location or address: trimmed, without query string or fragment, repeated slashes
    in its path made one, without trailing slashes (``dataos://lakehouse:sys//cp/?acl=rw`` and
    ``dataos://lakehouse:sys/cp`` are one place)."""
    text = text.strip()
    text = re.split(r"[?#]", text, maxsplit=1)[0]
    scheme = _SCHEME.match(text)
    head, rest = (scheme.group(), text[scheme.end() :]) if scheme is not None else ("", text)
    rest = re.sub(r"/{2,}", "/", rest)
    if len(rest) > 1:
        rest = rest.rstrip("/")
    return head + rest


def index_text(file: str, text: str) -> ManifestIndex:
    """The index entry of one manifest's text (``file`` names it in places and messages)."""
    shift = text.startswith("\ufeff")  # the analysis reports first-line columns after a BOM one further
    if shift:
        text = text[1:]
    return index_parsed(file, parse(text, split_lines(text)), shift)


def index_parsed(
    file: str,
    parsed: ParsedText,
    shift: bool = False,
    *,
    known: dict[YMap, JobView | None] | None = None,
    facts: dict[YMap, dict[str, Any]] | None = None,
) -> ManifestIndex:
    """:func:`index_text` for a text already parsed (after its BOM, ``shift``: there was one), as the
    analysis parsed it: ``flare-ls check`` indexes each file from the tree its analysis read, the language
    server an open document from its analysis's parse. ``known``: the jobs' views the analysis built
    (``views.build_view``); ``facts``: its per-job facts (``analyze.Memo.facts``), where each dag job's
    entry is kept for the next version: the language server indexes every version of an open document,
    and the analysis of a version built on the previous one keeps the facts of every job the edit left
    alone (so an entry is read again only for the jobs the edit touched)."""
    reader = _Reader(file, shift, facts)
    workflows: list[WorkflowEntry] = []
    job: JobEntry | None = None
    for document in parsed.documents:
        root = document.root
        if not isinstance(root, YMap):
            continue
        view = build_view(root, known)
        reader.reusable = facts is not None and not shift and not document.shares
        if not view.flare:
            continue
        if view.job_file:
            if view.jobs and job is None:
                job = reader.job(view.jobs[0].item, view.jobs[0])
            continue
        workflows.append(reader.workflow(view, root, document.index))
    return ManifestIndex(file, tuple(workflows), job)


#: The key of a dag job's index entry among its facts: (what it was read as, its first line, the entry).
ENTRY_FACT = "index-entry"


def _moved(entry: JobEntry, delta: int) -> JobEntry:
    """The entry of the same job ``delta`` lines further down."""

    def place(p: Place) -> Place:
        return Place(p.file, (p.start[0] + delta, p.start[1]), (p.end[0] + delta, p.end[1]), p.yaml_path)

    return JobEntry(
        entry.name,
        place(entry.place),
        entry.flare,
        tuple(replace(use, place=place(use.place)) for use in entry.inputs),
        tuple(replace(use, place=place(use.place)) for use in entry.outputs),
        tuple(replace(c, place=place(c.place)) for c in entry.checkpoints),
        tuple(replace(d, place=place(d.place)) for d in entry.dependencies),
        tuple(replace(f, place=place(f.place)) for f in entry.files),
        tuple(replace(step, place=place(step.place)) for step in entry.steps),
    )


def _path(node: YNode, parents: dict[int, tuple[str | int, ...]] | None) -> tuple[str | int, ...]:
    """``node.path``, with its parent's path taken from (and kept in) ``parents``."""
    parent = node.parent
    if parents is None or parent is None or node.key is None:
        return node.path
    held = parents.get(id(parent))
    if held is None:
        held = parents[id(parent)] = parent.path
    return (*held, node.key)


class _Reader:
    """Turns one file's views into entries."""

    def __init__(self, file: str, shift: bool, facts: dict[YMap, dict[str, Any]] | None = None) -> None:
        self.file = file
        self.shift = shift
        self.facts = facts
        #: Whether the document's job entries may come from (and go to) ``facts``.
        self.reusable = False

    def place(self, node: YNode) -> Place:
        start, end = node.start, node.end
        if self.shift:
            start = (start[0], start[1] + 1) if start[0] == 0 else start
            end = (end[0], end[1] + 1) if end[0] == 0 else end
        return Place(self.file, start, end, node.path)

    def workflow(self, view: DocumentView, root: YMap, document: int) -> WorkflowEntry:
        name = named(root)
        flare_jobs = {id(job.item): job for job in view.jobs}
        # The dag's jobs share their parent: its path is found once, not once per job (``YNode.path``
        # climbs to the root, and this runs for every job at every keystroke).
        parents: dict[int, tuple[str | int, ...]] = {}
        jobs = tuple(self.job(item, flare_jobs.get(id(item)), parents) for item in view.dag)
        workspace = named(root, "workspace")
        return WorkflowEntry(
            name.value if name is not None else None,
            self.file,
            document,
            self.place(name or root),
            jobs,
            workspace.value.strip() if workspace is not None else "public",
        )

    def job(
        self, item: YMap, view: JobView | None, parents: dict[int, tuple[str | int, ...]] | None = None
    ) -> JobEntry:
        if not self.reusable or self.facts is None:
            return self._job(item, view)
        # An entry is a function of the job's subtree (unchanged while the analysis keeps its facts),
        # of where the job hangs and of the file; it moves with the job's first line.
        read_as = (self.file, _path(item, parents), item.start[1], view is not None)
        first = item.start[0]
        facts = self.facts.setdefault(item, {})
        held = facts.get(ENTRY_FACT)
        if held is None or held[0] != read_as:
            entry = self._job(item, view)
        elif held[1] == first:
            return held[2]
        else:
            entry = _moved(held[2], first - held[1])
        facts[ENTRY_FACT] = (read_as, first, entry)
        return entry

    def _job(self, item: YMap, view: JobView | None) -> JobEntry:
        name = named(item)
        deps = value_of(item, "dependencies")
        dep_nodes: Iterable[YNode] = deps.items if isinstance(deps, YSeq) else [deps] if deps is not None else []
        dependencies = tuple(
            Dependency(node.value, self.place(node))
            for node in dep_nodes
            if isinstance(node, YScalar) and node.kind != "null" and node.value
        )
        entry = JobEntry(
            name.value if name is not None else None,
            self.place(name or item),
            view is not None,
            dependencies=dependencies,
            files=tuple(sorted(self.files(item), key=lambda ref: ref.place.start)),
        )
        if view is None:
            return entry
        inputs = tuple(use for i in view.inputs if (use := self.dataset(i, "dataset")) is not None)
        outputs = [use for o in view.outputs if (use := self.output(o)) is not None]
        outputs += [use for s in view.sinks if (use := self.sink(s, view)) is not None]
        return JobEntry(
            entry.name,
            entry.place,
            True,
            inputs,
            tuple(outputs),
            tuple(self.checkpoints(view)),
            dependencies,
            entry.files,
            tuple(Step(step.text("name"), self.place(step)) for step in view.sequence),
        )

    def dataset(self, item: YMap, key: str, save_mode: str | None = None) -> DatasetUse | None:
        node = value_of(item, key)
        if not isinstance(node, YScalar) or node.kind == "null" or not node.value.strip():
            return None
        name = named(item)
        address = normalise_address(node.value)
        return DatasetUse(name.value if name else None, address, node.value, self.place(node), save_mode)

    def output(self, item: YMap) -> DatasetUse | None:
        """An output of the current layout: ``dataset`` and ``options.saveMode``."""
        options = value_of(item, "options")
        mode = value_of(options, "saveMode") if isinstance(options, YMap) else None
        if mode is None:
            mode = value_of(item, "saveMode")
        return self.dataset(item, "dataset", mode.value if isinstance(mode, YScalar) else None)

    def sink(self, sink: YMap, view: JobView) -> DatasetUse | None:
        """A legacy ``sink``: its output's ``depot`` and its ``datasetName`` make the address
        (``dataos://icebase:retail`` + ``city`` -> ``dataos://icebase:retail/city``)."""
        output_name = sink.text("outputName")
        dataset = sink.scalar("datasetName")
        if output_name is None or dataset is None or not dataset.value.strip():
            return None
        depot = next((o.scalar("depot") for o in view.outputs if o.text("name") == output_name), None)
        if depot is None or not depot.value.strip():
            return None
        options = value_of(sink, "outputOptions")
        mode = value_of(options, "saveMode") if isinstance(options, YMap) else None
        written = f"{normalise_address(depot.value)}/{dataset.value.strip()}"
        return DatasetUse(
            sink.text("sequenceName"),
            normalise_address(written),
            written,
            self.place(dataset),
            mode.value if isinstance(mode, YScalar) else None,
        )

    def checkpoints(self, view: JobView) -> Iterator[Checkpoint]:
        holders: list[YMap] = [view.streaming] if view.streaming is not None else []
        for output in view.outputs:
            holders.append(output)
            options = value_of(output, "options")
            if isinstance(options, YMap):
                holders.append(options)
        for holder in holders:
            node = value_of(holder, "checkpointLocation")
            if isinstance(node, YScalar) and node.kind != "null" and node.value.strip():
                yield Checkpoint(normalise_location(node.value), node.value, self.place(node))

    def files(self, item: YMap) -> Iterator[FileRef]:
        """Every ``file`` and ``sqlFile`` scalar under the dag job (a ``file:`` mapping, as legacy
        ``outputOptions.file`` is, is not a path)."""
        stack: list[YNode] = [item]
        seen: set[int] = set()  # an alias may lead back into its own anchor
        while stack:
            node = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            if isinstance(node, YMap):
                for key, (_, value) in node.entries.items():
                    if key in ("file", "sqlFile") and isinstance(value, YScalar):
                        if value.kind != "null" and value.value.strip():
                            yield FileRef(key, value.value.strip(), self.place(value))
                    else:
                        stack.append(value)
            elif isinstance(node, YSeq):
                stack.extend(node.items)
