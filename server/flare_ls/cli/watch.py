"""``flare-ls check --watch``: check, then check again whenever a file to check changes, appears or goes.

Polling, not an operating-system notification API: it needs no dependency, behaves the same on every
system and in containers, and a stat of each checked file twice a second costs little next to a check.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from . import EXIT_CLEAN, Walk

#: Seconds between two looks at the files.
INTERVAL = 0.5


def snapshot(paths: list[Path], walk: Walk, config_file: Path | None) -> dict[Path, tuple[int, int]] | str:
    """Each file to check with its modification time and size (a configuration error, as text)."""
    from .. import config

    config.clear_cache()  # a configuration file added since the last look counts
    try:
        found = walk.files(paths, config_file)
    except config.ConfigError as exc:
        return exc.message
    stamps: dict[Path, tuple[int, int]] = {}
    for path, _named in found:
        try:
            status = os.stat(path)
        except OSError:
            continue
        stamps[path] = (status.st_mtime_ns, status.st_size)
    return stamps


def watch(check: Callable[[], int], paths: list[Path], walk: Walk, config_file: Path | None) -> int:
    """Run ``check`` now and after every change, until interrupted (Ctrl-C: exit code 0)."""
    out = sys.stdout
    try:
        out.write("Starting flare-ls in watch mode...\n")
        while True:
            seen = snapshot(paths, walk, config_file)
            check()
            out.flush()
            sys.stderr.flush()
            while snapshot(paths, walk, config_file) == seen:
                time.sleep(INTERVAL)
            if out.isatty():
                out.write("\033[2J\033[H")  # a fresh screen for each round, as ruff's watch mode
            out.write("File change detected...\n")
    except KeyboardInterrupt:
        return EXIT_CLEAN
