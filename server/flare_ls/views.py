"""Typed handles on the parts of a manifest that rules reason about.

The schema walk checks each key in isolation; rules that relate keys to each other (a trigger mode and
``forEachBatchMode``, an output and the step that produces it) work on these views instead of digging
through the tree themselves.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from .parsing.yamltree import YMap, YNode, YScalar, YSeq

# Case-insensitive so that `Flare:7.0` is still recognised (and its casing reported, FL107).
_STACK = re.compile(r"^flare(?::(\d+)(?:\.(\d+))?)?$", re.I)
PLACEHOLDER = re.compile(r"\$\{|\{\{|^<[^<>]*>$")
T = TypeVar("T")


def is_placeholder(text: str) -> bool:
    """True for values substituted before Flare sees them: ``${VAR}``, ``{{ name }}``, ``<name>``."""
    if "$" not in text and "{" not in text and "<" not in text:
        return False
    return bool(PLACEHOLDER.search(text))


def stack_version(stack: str | None) -> tuple[int, int] | None:
    """``flare:6.0`` -> (6, 0); bare ``flare`` and non-Flare stacks -> None."""
    if stack is None:
        return None
    match = _STACK.match(stack.strip())
    if match is None or match.group(1) is None:
        return None
    return int(match.group(1)), int(match.group(2) or 0)


def is_flare_stack(stack: str | None) -> bool:
    return stack is not None and _STACK.match(stack.strip()) is not None


def named(item: YMap, key: str = "name") -> YScalar | None:
    """The scalar that names something (``name``) or refers to a name (``sequenceName``, ``input``):
    None when it is absent, null or empty."""
    node = item.scalar(key)
    return node if node is not None and node.kind != "null" and node.value else None


def streams(item: YMap) -> bool:
    """An input that says ``isStream: true``."""
    flag = item.scalar("isStream")
    return flag is not None and flag.as_bool is True


def mapping_items(node: YNode | None) -> list[YMap]:
    """The mapping items of a list node (anything else in the list is the schema walk's business)."""
    if isinstance(node, YSeq):
        return [item for item in node.items if isinstance(item, YMap)]
    return []


@dataclass
class JobView:
    """One dag job whose spec runs a Flare stack."""

    item: YMap  # the dag entry
    name: YScalar | None
    #: The mapping that holds ``stack``, ``compute`` and ``stackSpec``: the job's ``spec``, or the dag
    #: entry itself when they sit beside an empty ``spec`` (FL105 says to indent them).
    spec: YMap
    #: ``spec.stack``, or a ``stack`` written at the job's level.
    stack: YScalar | None
    #: The Flare body: ``spec.stackSpec`` or the legacy ``spec.flare`` (or a key spelt like them in
    #: another case, such as ``stackspec``, which FL101 reports).
    section: YMap | None
    #: ``stackSpec`` or ``flare`` as the model spells them, whatever the case in the document.
    section_key: str | None
    job: YMap | None
    streaming: YMap | None
    inputs: list[YMap] = field(default_factory=list)
    outputs: list[YMap] = field(default_factory=list)
    #: Every ``steps[].sequence[]`` item, in order.
    sequence: list[YMap] = field(default_factory=list)
    #: Every legacy ``steps[].sink[]`` item.
    sinks: list[YMap] = field(default_factory=list)
    #: Some steps or inputs live in other files (a path or a ``Ref://`` include listed in ``steps`` or
    #: ``inputs``): their views are unknown here.
    steps_elsewhere: bool = False
    #: The project's ``default-stack``: the version a bare ``stack: flare`` stands for.
    assumed_stack: str | None = None
    #: The project's ``computes``: compute names its teams created, known besides the default ones.
    computes: frozenset[str] = frozenset()
    #: What several rules derive from the job's SQL (its queries, its streaming steps), computed once
    #: per analysis by the first rule that asks (see ``queries.memo``).
    memo: dict[str, Any] = field(default_factory=dict)

    @property
    def version(self) -> tuple[int, int] | None:
        version = stack_version(self.stack.value if self.stack is not None else None)
        if version is None and self.assumed_stack is not None and self.stack is not None:
            if self.stack.value.strip().lower() == "flare":
                return stack_version(self.assumed_stack)
        return version

    @property
    def is_streaming(self) -> bool:
        """A job reads a stream when one of its inputs says ``isStream: true``."""
        return any(self.stream_inputs)

    @property
    def stream_inputs(self) -> list[YMap]:
        return [i for i in self.inputs if streams(i)]


@dataclass
class DocumentView:
    root: YMap
    workflow: YMap | None
    dag: list[YMap]
    jobs: list[JobView]
    #: The document is a Flare workflow: it has Flare jobs, or it declares a workflow (``type: workflow``
    #: with a ``dag``) not every job of which runs another stack. Only such documents are analysed.
    flare: bool = False
    #: The ``dag`` sits at the top level, without the workflow envelope around it.
    fragment: bool = False
    #: Small facts of each dag job that document rules read (its name, its dependencies), computed once
    #: per job and kept while its subtree is unchanged (see :func:`job_fact`).
    facts: dict[YMap, dict[str, Any]] = field(default_factory=dict)
    #: The document is one dag job kept in a file of its own, which a workflow's ``file:`` names: the
    #: job's spec (``stack``, ``compute``, ``stackSpec``) at the top level, or the dag entry
    #: (``spec:`` and the keys beside it, the ``name`` coming from the workflow).
    job_file: bool = False


def job_fact(doc: DocumentView, item: YMap, key: str, compute: Callable[[YMap], T]) -> T:
    """``compute(item)``, once per dag job ``item`` and fact ``key``: a document rule's summary of one
    job, which the next version's analysis reuses for every job its edit left alone. It may hold the
    job's nodes (they move with the tree), never positions, and must depend on nothing but ``item``."""
    facts = doc.facts.get(item)
    if facts is None:
        facts = doc.facts[item] = {}
    if key not in facts:
        facts[key] = compute(item)
    found: T = facts[key]
    return found


def entry(mapping: YMap, key: str) -> tuple[YScalar, YNode] | None:
    """``mapping[key]`` as (key node, value), or else the one key spelt like it in another case
    (``stackspec``, ``Spec``): FL101 says how such a key is spelt, and the analysis reads what it
    evidently means instead of going blind below it."""
    found = mapping.entries.get(key)
    if found is not None:
        return found
    lowered = key.lower()
    variants = [pair for name, pair in mapping.entries.items() if name.lower() == lowered]
    return variants[0] if len(variants) == 1 else None


def value_of(mapping: YMap, key: str) -> YNode | None:
    """The value of ``key`` (or of its one case variant, see :func:`entry`)."""
    found = entry(mapping, key)
    return found[1] if found is not None else None


def is_empty(node: YNode | None) -> bool:
    """A key written with no value (``spec:``), or with an explicit null."""
    return isinstance(node, YScalar) and node.kind == "null"


def build_view(
    root: YMap,
    known: dict[YMap, JobView | None] | None = None,
    facts: dict[YMap, dict[str, Any]] | None = None,
    job_file: bool = False,
) -> DocumentView:
    """The views of one document. ``known``: the view of each dag job whose subtree is unchanged since
    it was built (None for a job that is not Flare's), reused as it is; the views built are added.
    ``facts``: the jobs' facts known likewise (:func:`job_fact`). ``job_file``: a workflow's ``file:``
    names this document, so it is read as one dag job whatever it holds; without it, a document is
    read as a job file when its shape says so (see :func:`looks_like_job_file`)."""
    if job_file or looks_like_job_file(root):
        job = _job_view(root)
        entries = [root] if "spec" in root.entries else []  # the dag entry, when the file holds one
        return DocumentView(root, None, entries, [job] if job else [], flare=True, job_file=True)
    workflow = value_of(root, "workflow")
    workflow = workflow if isinstance(workflow, YMap) else None
    fragment = workflow is None and isinstance(value_of(root, "dag"), YSeq)
    holder = root if fragment else workflow
    dag = mapping_items(value_of(holder, "dag")) if holder is not None else []
    if known is None:
        jobs = [job for item in dag if (job := _job_view(item)) is not None]
    else:
        jobs = []
        for item in dag:
            job = known[item] if item in known else known.setdefault(item, _job_view(item))
            if job is not None:
                jobs.append(job)
    flare = bool(jobs) or (workflow is not None and _declares_workflow(root) and not all(map(_other_stack, dag)))
    return DocumentView(root, workflow, dag, jobs, flare, fragment, facts if facts is not None else {})


def looks_like_job_file(root: YMap) -> bool:
    """A document that is plainly one Flare dag job written alone: no workflow or dag around it, and a
    Flare ``stack`` beside a ``stackSpec`` (or legacy ``flare``) mapping, at the top level or in a
    top-level ``spec``. Both are needed: either word alone is too common in other YAML to claim it."""
    if any(entry(root, key) is not None for key in ("workflow", "dag", "type")):
        return False
    spec = value_of(root, "spec")
    holder = spec if isinstance(spec, YMap) else root
    stack = value_of(holder, "stack")
    if not isinstance(stack, YScalar) or not (is_flare_stack(stack.value) or is_placeholder(stack.value)):
        return False
    return any(isinstance(value_of(holder, key), YMap) for key in ("stackSpec", "flare"))


def _declares_workflow(root: YMap) -> bool:
    kind = value_of(root, "type")
    return isinstance(kind, YScalar) and kind.value.strip().lower() == "workflow"


def _stack_near(item: YMap) -> YScalar | None:
    """A dag job's ``stack``: in its ``spec``, or beside it at the job's own level."""
    spec = value_of(item, "spec")
    stack = value_of(spec, "stack") if isinstance(spec, YMap) else None
    if stack is None:
        stack = value_of(item, "stack")
    return stack if isinstance(stack, YScalar) and stack.kind != "null" else None


def _other_stack(item: YMap) -> bool:
    """The job says it runs a stack other than Flare (``toolbox``, ``scanner:2.0``, ``soda+python``)."""
    stack = _stack_near(item)
    return stack is not None and not is_flare_stack(stack.value) and not is_placeholder(stack.value)


def _job_view(item: YMap) -> JobView | None:
    spec = value_of(item, "spec")
    if isinstance(spec, YMap):
        holder = spec
    elif spec is None or is_empty(spec):
        holder = item  # `stack`, `compute` and `stackSpec` dedented beside an empty (or absent) `spec`
    else:
        return None
    stack = _stack_near(item)
    section_key = next((k for k in ("stackSpec", "flare") if entry(holder, k) is not None), None)
    flare_stack = is_flare_stack(stack.value if stack is not None else None)
    if not flare_stack and (section_key != "flare" or holder is item):
        return None
    section = value_of(holder, section_key) if section_key else None
    if is_empty(section) and isinstance(value_of(holder, "job"), YMap):
        section = holder  # `job` dedented beside an empty `stackSpec:` (FL105 says to indent it)
    section = section if isinstance(section, YMap) else None
    job = value_of(section, "job") if section is not None else None
    job = job if isinstance(job, YMap) else None
    view = JobView(item, item.scalar("name"), holder, stack, section, section_key, job, None)
    if job is not None:
        streaming = job.get("streaming")
        view.streaming = streaming if isinstance(streaming, YMap) else None
        view.inputs = mapping_items(job.get("inputs"))
        view.outputs = mapping_items(job.get("outputs"))
        steps = job.get("steps")
        inputs = job.get("inputs")
        view.steps_elsewhere = any(
            isinstance(listed, YSeq) and any(isinstance(s, YScalar) for s in listed.items) for listed in (steps, inputs)
        )
        for step in mapping_items(steps):
            view.sequence += mapping_items(step.get("sequence"))
            view.sinks += mapping_items(step.get("sink"))
    return view


def is_flare_document(root: YNode | None) -> bool:
    """A workflow with at least one dag job on a Flare stack (or with a legacy ``flare`` section), or a
    declared workflow whose jobs do not all run other stacks (see :class:`DocumentView`)."""
    if not isinstance(root, YMap):
        return False
    return build_view(root).flare
