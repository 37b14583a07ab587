"""The workspace: what several manifests say together.

:mod:`.index` reads each manifest once into plain, picklable facts (its workflows and dag jobs, the
datasets they read and write, their checkpoints, dependencies and referenced files), per file, so that
one file's change updates one entry. :mod:`.check` runs the workspace rules (``rules/workspace.py``)
over an index and applies each file's settings and suppressions to what they report. Pure like
:func:`flare_ls.analyze.analyze`: texts in, findings out, no I/O.

``check`` is not imported here: it needs :mod:`flare_ls.analyze`, which imports the workspace rules,
which import this package.
"""

from .index import (
    Checkpoint,
    DatasetUse,
    Dependency,
    FileRef,
    JobEntry,
    ManifestIndex,
    Place,
    Step,
    WorkflowEntry,
    WorkspaceIndex,
    index_parsed,
    index_text,
    normalise_address,
    normalise_location,
)

__all__ = [
    "Checkpoint",
    "DatasetUse",
    "Dependency",
    "FileRef",
    "JobEntry",
    "ManifestIndex",
    "Place",
    "Step",
    "WorkflowEntry",
    "WorkspaceIndex",
    "index_parsed",
    "index_text",
    "normalise_address",
    "normalise_location",
]
