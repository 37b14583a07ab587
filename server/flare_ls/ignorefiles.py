"""``.gitignore`` and ``.ignore`` files, read the way git (and ruff, through ripgrep's ``ignore`` crate)
reads them when a directory is walked.

Each directory's ``.gitignore`` and ``.ignore`` speak for the paths below it, in git's syntax
(``pathspec``'s ``GitIgnoreSpec``, which follows git's rules, negation and ``dir/`` patterns included);
the repository's ``.git/info/exclude`` speaks for the whole repository. For one path, the deepest
directory with a pattern that matches it decides; within a directory ``.ignore`` wins over
``.gitignore``, which wins over ``info/exclude``; within one file the last matching pattern wins.
Files above the walked directory count up to the repository's root (the nearest directory with a
``.git``); outside a repository, only the walked tree's own files count. An ignored directory is not
entered, so nothing below it can be brought back (as in git).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from . import files

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

#: Read in this order, the later winning: ``.ignore`` is for tools, above what git ignores.
IGNORE_FILES = (".gitignore", ".ignore")
#: An ignore file is a few KB; anything past this is not read.
MAX_IGNORE_FILE_SIZE = 1 << 20


def _spec(path: Path) -> GitIgnoreSpec | None:
    """The patterns of one ignore file, or None when there is no (readable) file."""
    try:
        data = files.read_regular_file(path, MAX_IGNORE_FILE_SIZE).data
    except files.UnreadableFile:
        return None
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(data.decode("utf-8", errors="replace").splitlines())


class IgnoreFiles:
    """The ignore files that govern a walk of ``top``; each directory's files are read once."""

    def __init__(self, top: Path) -> None:
        top = Path(os.path.abspath(top))
        self.boundary = next((d for d in (top, *top.parents) if (d / ".git").exists()), top)
        self._specs: dict[Path, list[GitIgnoreSpec]] = {}

    def _directory_specs(self, directory: Path) -> list[GitIgnoreSpec]:
        """The directory's own ignore files, the one that wins first."""
        specs = self._specs.get(directory)
        if specs is None:
            names = [directory / name for name in reversed(IGNORE_FILES)]
            if directory == self.boundary:
                names.append(directory / ".git" / "info" / "exclude")
            specs = [spec for spec in map(_spec, names) if spec is not None]
            self._specs[directory] = specs
        return specs

    def ignored(self, path: Path, is_dir: bool) -> bool:
        """Whether ``path`` (below the walked directory) is ignored."""
        path = Path(os.path.abspath(path))
        for directory in path.parents:
            if directory != self.boundary and self.boundary not in directory.parents:
                break
            specs = self._directory_specs(directory)
            if specs:
                relative = path.relative_to(directory).as_posix() + ("/" if is_dir else "")
                for spec in specs:
                    include = spec.check_file(relative).include
                    if include is not None:
                        return bool(include)
            if directory == self.boundary:
                break
        return False
