"""Rules that judge several manifests together (FL5xx): shared checkpoints, datasets overwritten by two
workflows, datasets nothing writes, dependencies on another workflow's job.

Each is a function over the :class:`~flare_ls.workspace.WorkspaceIndex` that yields ``(place,
message)`` pairs; :func:`flare_ls.workspace.check.workspace_findings` turns them into findings in the
files they belong to, and isolates a crash. Per-file analysis never runs them.

What the rules leave alone, so that every finding is real: addresses and locations with a placeholder
(``${DEPOT}``: what they become is unknown here); findings within one job (FL501 is about two
streaming queries; one job's job-level and output-level checkpoints are its own business); local
checkpoint paths (``/tmp/cp``, ``file:``: each job's driver has its own disk, and FL210 already says
such a checkpoint is lost); and two manifests of one workflow (its name in its DataOS workspace: a
workflow rewritten for another stack version replaces the other when applied, see
:attr:`WorkflowEntry.key`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from ..findings import RuleInfo, Severity
from ..workspace.index import Checkpoint, DatasetUse, JobEntry, Place, WorkflowEntry, WorkspaceIndex
from .base import declare

Report = tuple[Place, str]


@dataclass(frozen=True)
class WorkspaceCheck:
    info: RuleInfo
    run: Callable[[WorkspaceIndex], Iterator[Report]]


WORKSPACE_CHECKS: list[WorkspaceCheck] = []


def workspace_rule(
    code: str, name: str, severity: Severity, summary: str, *, default_enabled: bool = True
) -> Callable[[Callable[[WorkspaceIndex], Iterator[Report]]], RuleInfo]:
    """Declare a workspace rule and register its check (the decorated name becomes its RuleInfo)."""

    def register(run: Callable[[WorkspaceIndex], Iterator[Report]]) -> RuleInfo:
        info = declare(code, name, severity, summary, default_enabled=default_enabled, workspace=True)
        WORKSPACE_CHECKS.append(WorkspaceCheck(info, run))
        return info

    return register


def _job_label(workflow: WorkflowEntry, job: JobEntry) -> str:
    name = f"`{job.name}`" if job.name else "an unnamed job"
    return f"job {name} of workflow {workflow.label}"


def _others(uses: list[tuple[WorkflowEntry, JobEntry, Place]], here: Place) -> str:
    """The other uses, each as ``job `x` of workflow `w` (file:line)``; at most three, then a count."""
    others = [f"{_job_label(w, j)} ({p.label})" for w, j, p in uses if p != here]
    shown = ", ".join(others[:3])
    return shown + (f" and {len(others) - 3} more" if len(others) > 3 else "")


@workspace_rule(
    "FL501",
    "shared-checkpoint",
    Severity.ERROR,
    "one `checkpointLocation` used by the streaming queries of two jobs",
)
def shared_checkpoint(index: WorkspaceIndex) -> Iterator[Report]:
    by_location: dict[str, list[tuple[WorkflowEntry, JobEntry, Checkpoint]]] = defaultdict(list)
    for workflow, job in index.jobs():
        for checkpoint in job.checkpoints:
            if not checkpoint.placeholder and _shared_storage(checkpoint.location):
                by_location[checkpoint.location].append((workflow, job, checkpoint))
    for location, place, others in _shared(by_location, lambda w, j: (w.key, j.name)):
        yield (
            place,
            f"checkpoint location `{location}` is also used by {others}; two streaming queries writing "
            "one checkpoint corrupt each other's progress, give each its own",
        )


def _shared(
    groups: Mapping[str, Sequence[tuple[WorkflowEntry, JobEntry, Checkpoint | DatasetUse]]],
    owner: Callable[[WorkflowEntry, JobEntry], object],
) -> Iterator[tuple[str, Place, str]]:
    """For each group used by two owners or more: each use's place, with the uses of the other owners
    said as :func:`_others` says them."""
    for key, uses in groups.items():
        if len({owner(w, j) for w, j, _ in uses}) < 2:
            continue
        for workflow, job, use in uses:
            others = [(w, j, u.place) for w, j, u in uses if owner(w, j) != owner(workflow, job)]
            yield key, use.place, _others(others, use.place)


def _shared_storage(location: str) -> bool:
    """A location in storage every job reaches (``dataos://``, ``s3a://``, ``abfss://``), not a path on
    the driver's own disk."""
    scheme, sep, _ = location.partition("://")
    return bool(sep) and scheme.lower() != "file"


@workspace_rule(
    "FL502",
    "dataset-overwritten-twice",
    Severity.WARNING,
    "one dataset written with `saveMode: overwrite` by two workflows",
)
def dataset_overwritten_twice(index: WorkspaceIndex) -> Iterator[Report]:
    by_address: dict[str, list[tuple[WorkflowEntry, JobEntry, DatasetUse]]] = defaultdict(list)
    for workflow, job in index.jobs():
        for output in job.outputs:
            if output.overwrites and not output.placeholder:
                by_address[output.address].append((workflow, job, output))
    for address, place, others in _shared(by_address, lambda w, _j: w.key):
        yield (
            place,
            f"dataset `{address}` is also overwritten by {others}; whichever runs last replaces what the other wrote",
        )


@workspace_rule(
    "FL503",
    "dataset-never-written",
    Severity.INFO,
    "an input reading a dataset of a depot the workspace writes to that no manifest writes",
    default_enabled=False,
)
def dataset_never_written(index: WorkspaceIndex) -> Iterator[Report]:
    written: set[str] = set()
    written_depots: set[str] = set()
    for _workflow, job in index.jobs():
        for output in job.outputs:
            if output.placeholder:
                continue
            written.add(output.address)
            if output.depot is not None:
                written_depots.add(output.depot)
    for _workflow, job in index.jobs():
        for use in job.inputs:
            if use.placeholder or use.depot is None or use.depot not in written_depots:
                continue
            if use.address not in written:
                yield (
                    use.place,
                    f"no manifest checked writes dataset `{use.address}`, though some write to depot "
                    f"`{use.depot}`; check the address, or that the workflow writing it is checked too",
                )


@workspace_rule(
    "FL504",
    "dependency-in-other-workflow",
    Severity.ERROR,
    "a dag job's `dependencies` naming a job of another workflow",
)
def dependency_in_other_workflow(index: WorkspaceIndex) -> Iterator[Report]:
    defined: dict[str, list[tuple[WorkflowEntry, JobEntry]]] = defaultdict(list)
    for workflow, job in index.jobs():
        if job.name:
            defined[job.name].append((workflow, job))
    for workflow in index.workflows():
        own = {job.name for job in workflow.jobs}
        for job in workflow.jobs:
            for dep in job.dependencies:
                if dep.name in own:
                    continue
                elsewhere = [(w, j) for w, j in defined.get(dep.name, []) if w.key != workflow.key]
                if not elsewhere:
                    continue
                where = _others([(w, j, j.place) for w, j in elsewhere], dep.place)
                yield (
                    dep.place,
                    f"dependency `{dep.name}` is a job of another workflow: {where}; a dag job can only wait "
                    "for jobs of its own workflow (run the workflows in order, or move the job into this dag)",
                )
