"""The files beside a manifest, as the analysis may see them (:class:`flare_ls.references.FileView`).

The CLI and the language server build one per manifest from its real path. It answers only about the
project the manifest belongs to (the first directory up from it holding ``.git`` or a flare-ls
configuration file; the manifest's own directory when there is none): a path that leads elsewhere,
``../../etc/passwd`` or a symbolic link out of the project, is not looked at. It never opens a file,
only asks whether one is a regular file and lists directory names, so a FIFO or a device by the name
is "not a file" and nothing blocks.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .config import CONFIG_NAMES

#: At most this many names of a directory are read for a did-you-mean (a huge generated directory
#: must not slow the analysis).
MAX_LISTED = 2000


class ProjectFiles:
    """A :class:`~flare_ls.references.FileView` for the manifest at ``manifest`` (an absolute path)."""

    def __init__(self, manifest: Path, root: Path | None = None) -> None:
        self.directory = Path(os.path.realpath(manifest.parent))
        self.root = Path(os.path.realpath(root)) if root is not None else project_root(self.directory)

    def _inside(self, relative: str, base: Path | None = None) -> Path | None:
        """The real path ``relative`` names (from the manifest's directory, or ``base``), when it is
        inside the project."""
        if "\0" in relative or os.path.isabs(relative):
            return None
        target = Path(os.path.realpath((base or self.directory) / relative))
        if target != self.root and self.root not in target.parents:
            return None
        return target

    def exists(self, path: str) -> bool | None:
        """Whether ``path`` is a regular file, read from the manifest's directory or, as the DataOS
        docs write `file:` and `sqlFile` paths (`flare/connect-customer/config_v1.yaml`), from the
        project's root; None when neither reading stays inside the project."""
        found = self._lookup(path)
        return found if isinstance(found, bool) or found is None else True

    def find(self, path: str) -> Path | None:
        """The real path of the regular file ``path`` names (read as :meth:`exists` reads it), else None."""
        found = self._lookup(path)
        return found if isinstance(found, Path) else None

    def _lookup(self, path: str) -> Path | bool | None:
        """The file found, False when there is none, None when a reading leads out of the project."""
        for base in (self.directory, self.root):
            target = self._inside(path, base)
            if target is None:
                # Leads out of the project (a symbolic link, `../..`): not looked at, nothing said.
                return None
            try:
                if stat.S_ISREG(os.stat(target).st_mode):
                    return target
            except (OSError, ValueError):
                pass
        return False

    def listdir(self, directory: str) -> list[str]:
        target = self._inside(directory or ".")
        if target is None:
            return []
        names: list[str] = []
        try:
            with os.scandir(target) as entries:
                for entry in entries:
                    names.append(entry.name)
                    if len(names) >= MAX_LISTED:
                        break
        except (OSError, ValueError):
            return []
        return sorted(names)


def project_root(directory: Path) -> Path:
    """The first directory from ``directory`` up that holds ``.git`` or a configuration file; else
    ``directory`` itself (never the whole filesystem)."""
    for candidate in (directory, *directory.parents):
        try:
            if (candidate / ".git").exists() or any((candidate / name).is_file() for name in CONFIG_NAMES):
                return candidate
        except OSError:
            break
    return directory


def project_files(manifest: Path) -> ProjectFiles | None:
    """The file view for a manifest read from disk; None when its directory cannot be known."""
    try:
        return ProjectFiles(manifest.absolute())
    except (OSError, ValueError):
        return None
