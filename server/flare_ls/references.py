"""Paths a manifest refers to: a dag job's ``file:``, a step's ``sqlFile``, ``Ref://`` includes.

Pure: finding the references reads only the tree. Whether their targets exist is asked of a
:class:`FileView` that the caller supplies (the CLI and the language server build one with
:func:`flare_ls.fileview.project_files`); the analysis core never touches the filesystem itself.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from .parsing.yamltree import YMap, YNode, YScalar, YSeq
from .views import DocumentView, JobView, is_placeholder, job_fact, value_of

#: An include that the DataOS CLI replaces with the content of the file it names, written where a
#: data-product repository keeps inputs or steps in files of their own (``- Ref://inputs/orders.yaml``).
REF_PREFIX = "Ref://"
#: The lists of a job whose items may be ``Ref://`` includes instead of mappings.
INCLUDE_LISTS = ("inputs", "steps")

#: A scheme (``dataos://``, ``s3a://``) or an absolute or home path: nothing in the project to check.
_NOT_IN_PROJECT = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:|/|\\|~)")


class FileView(Protocol):
    """What the analysis may know of the files beside a manifest; paths are relative to the manifest's
    directory, with ``/`` between names."""

    def exists(self, path: str) -> bool | None:
        """Whether ``path`` is a regular file; None when the view may not look there (outside the
        project), so nothing is said about it."""

    def listdir(self, directory: str) -> list[str]:
        """The names in ``directory`` ("" for the manifest's own), or none when it cannot be listed."""


@dataclass(frozen=True)
class Reference:
    """One path in a manifest: the scalar that holds it, the path itself, and what refers to it."""

    node: YScalar
    #: The path as written, without a ``Ref://`` prefix.
    path: str
    #: ``file``, ``sqlFile``, ``include`` (``Ref://``) or ``steps file`` (a flare:1.0 steps path).
    kind: str

    @property
    def checkable(self) -> bool:
        """A relative path with no placeholder in it: something a :class:`FileView` can judge."""
        path = self.path
        return bool(path) and not is_placeholder(path) and "$" not in path and not _NOT_IN_PROJECT.match(path)

    @property
    def normalized(self) -> str:
        """The path with ``./`` and ``a/../`` folded away (``..`` above the manifest's directory stays)."""
        return posixpath.normpath(self.path.replace("\\", "/"))


def is_include(node: YNode) -> bool:
    """A scalar list item that is a ``Ref://`` include."""
    return isinstance(node, YScalar) and node.value.strip().startswith(REF_PREFIX)


def references(view: DocumentView) -> list[Reference]:
    """Every path the document's dag jobs refer to, in document order."""
    found: list[Reference] = []
    jobs = {job.item: job for job in view.jobs}
    for item in view.dag:
        # Kept per dag job for the next version (``job_fact``): a keystroke reads only its own job's.
        job = jobs.pop(item, None)
        found += job_fact(view, item, "references", functools.partial(_references_of, job=job))
    for job in jobs.values():  # a job file without its dag entry: the document is the job
        found += _job_paths(job)
    found.sort(key=lambda r: r.node.start)
    return list(dict.fromkeys(found))


def _references_of(item: YMap, *, job: JobView | None) -> list[Reference]:
    """The paths one dag job refers to (``job``: its view, when it is a Flare job)."""
    return [*_file_keys(item), *(_job_paths(job) if job is not None else ())]


def _file_keys(item: YMap) -> Iterator[Reference]:
    """``file:`` on the dag job itself (the retry guide's place) or in its ``spec`` (the reference's)."""
    spec = value_of(item, "spec")
    for holder in (item, spec):
        if isinstance(holder, YMap):
            node = holder.get("file")
            if isinstance(node, YScalar) and node.kind == "str":
                yield Reference(node, node.value.strip(), "file")


def _job_paths(job: JobView) -> Iterator[Reference]:
    for step in job.sequence:
        node = step.get("sqlFile")
        if isinstance(node, YScalar) and node.kind == "str":
            yield Reference(node, node.value.strip(), "sqlFile")
    if job.job is None:
        return
    for key in INCLUDE_LISTS:
        listed = job.job.get(key)
        if not isinstance(listed, YSeq):
            continue
        for entry in listed.items:
            if not isinstance(entry, YScalar) or entry.kind != "str":
                continue
            value = entry.value.strip()
            if value.startswith(REF_PREFIX):
                yield Reference(entry, value[len(REF_PREFIX) :], "include")
            elif key == "steps":
                yield Reference(entry, value, "steps file")
