"""FL505: a path the manifest refers to (``file:``, ``sqlFile``, ``Ref://``) that names no file."""

from __future__ import annotations

import posixpath
import re

from ..findings import Fix, Severity, TextEdit
from ..references import Reference, references
from ..suggest import best
from ..views import DocumentView
from .base import Context, rule

#: A file name that reads the same plain, in single and in double quotes.
_PLAIN_NAME = re.compile(r"[A-Za-z0-9_.+-]+")
#: What the message calls the file, by what refers to it.
_WHAT = {
    "file": "the job manifest",
    "sqlFile": "the SQL file",
    "include": "the included file",
    "steps file": "the steps file",
}


@rule(
    "FL505",
    "missing-referenced-file",
    Severity.ERROR,
    "a `file:`, `sqlFile` or `Ref://` path that names no file in the project",
    scope="document",
)
def missing_referenced_file(doc: DocumentView, ctx: Context) -> None:
    files = ctx.files
    if files is None:  # plain ``analyze(text)``: nothing is known of the files beside the manifest
        return
    for ref in references(doc):
        if not ref.checkable:
            continue
        path = ref.normalized
        found = files.exists(path)
        if found is None or found:
            continue
        directory, name = posixpath.split(path)
        if files.listdir(path):
            problem = "is a directory, not a file"
        else:
            problem = "does not exist"
        suggestion, unique = best(name, files.listdir(directory))
        hint = f"; did you mean `{suggestion}`?" if suggestion else ""
        ctx.report(
            missing_referenced_file,
            ref.node,
            f"{_WHAT[ref.kind]} `{ref.path}` {problem} "
            f"(paths are read from this manifest's directory, then from the project's root){hint}",
            fix=_rename(ctx.lines, ref, name, suggestion) if suggestion and unique else None,
        )


def _rename(lines: list[str], ref: Reference, name: str, suggestion: str) -> Fix | None:
    """Replace the last name of the path with ``suggestion``, in place: only when the name is written
    as it reads at the end of a one-line value and the suggestion needs no quoting or escaping, so
    the edit touches exactly those characters."""
    node = ref.node
    if not _PLAIN_NAME.fullmatch(suggestion):
        return None
    written = ref.path.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    if written != name or node.start[0] != node.end[0] or node.style not in (None, "'", '"'):
        return None
    # Trailing quote (if any) and trailing spaces inside the quotes are not part of the path.
    end_col = node.end[1] - (1 if node.style else 0)
    if node.style:
        end_col -= len(node.value) - len(node.value.rstrip())
    start_col = end_col - len(name)
    if start_col < node.start[1] or lines[node.start[0]][start_col:end_col] != name:
        return None
    edit = TextEdit((node.start[0], start_col), (node.end[0], end_col), suggestion)
    # Unsafe: the file exists under the suggested name, but only the author knows it is the one meant.
    return Fix(f"Change the file name to `{suggestion}`", (edit,), safe=False)
