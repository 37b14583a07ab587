"""Which manifests of a workspace take part in one flow of data with a given manifest.

Two manifests are joined when one writes a dataset the other reads (its normalised address, as the
workspace rules compare them), or when a dag job of one runs the other by ``file:``; the flow of a
manifest is every manifest reachable that way, upstream and downstream. Two manifests that only read
the same dataset are not joined: a dataset everybody reads would make the whole repository one flow.
An address with a placeholder (``${DEPOT}``) joins nothing, since what it names is unknown here.

Pure: the workspace index in (``flare_ls.workspace``), file keys out; how a ``file:`` path becomes a
key is the caller's (``resolve``), since only the caller knows where the files are.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from ..workspace import ManifestIndex, WorkspaceIndex


@dataclass(frozen=True)
class Flow:
    """The manifests of one flow, nearest first (the manifest it was asked for first), and how many
    more take part than were kept (``limit``)."""

    files: list[str]
    left_out: int = 0


def flow_of(index: WorkspaceIndex, start: ManifestIndex, resolve: Callable[[str, str], str | None], limit: int) -> Flow:
    """The flow of ``start`` (an entry for its current text, which replaces the index's entry of the same
    file) among the manifests of ``index``, at most ``limit`` files, nearest first. ``resolve(file,
    path)`` is the file key a dag job's ``file:`` path in ``file`` names, or None when that is no
    indexed manifest."""
    manifests = dict(index.manifests)
    manifests[start.file] = start
    writers: dict[str, set[str]] = {}
    readers: dict[str, set[str]] = {}
    runs: dict[str, set[str]] = {}  # file -> the files its dag runs by `file:`, and back
    for file, entry in manifests.items():
        for workflow in entry.workflows:
            for job in workflow.jobs:
                for use in job.outputs:
                    if not use.placeholder:
                        writers.setdefault(use.address, set()).add(file)
                for use in job.inputs:
                    if not use.placeholder:
                        readers.setdefault(use.address, set()).add(file)
                for ref in job.files:
                    target = resolve(file, ref.target) if ref.key == "file" else None
                    if target is not None and target != file:
                        runs.setdefault(file, set()).add(target)
                        runs.setdefault(target, set()).add(file)

    def neighbours(file: str) -> set[str]:
        found = set(runs.get(file, ()))
        entry = manifests.get(file)
        for workflow in entry.workflows if entry is not None else ():
            for job in workflow.jobs:
                for use in job.outputs:
                    found |= readers.get(use.address, set()) if not use.placeholder else set()
                for use in job.inputs:
                    found |= writers.get(use.address, set()) if not use.placeholder else set()
        return found

    seen = {start.file}
    order = [start.file]
    queue = deque(order)
    while queue:
        file = queue.popleft()
        for other in sorted(neighbours(file) - seen):
            seen.add(other)
            order.append(other)
            queue.append(other)
    return Flow(order[:limit], max(len(order) - limit, 0))
