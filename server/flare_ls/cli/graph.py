"""``flare-ls graph [PATH...] --format mermaid|dot|json|html``: the lineage of the workflows in the
files given (``lineage.graph.build_graph``), rendered by ``lineage.render``. Files are found as ``check``
finds them (``include``/``exclude``, ``.gitignore``); YAML that is not a Flare workflow adds nothing.

Exit codes: 0 drawn (also when no Flare job was found: the picture says so), 2 a file that cannot be
read or decoded (named, or found in a directory and looking like a Flare manifest, as ``check``
reports them), a bad configuration, or a usage error; what could be read is still drawn, so one
broken file does not hide the others.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import EXIT_CLEAN, EXIT_USAGE


def run_graph(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from ..config import ConfigError
    from ..files import read_manifest
    from ..lineage.graph import build_graph
    from ..lineage.render import FORMATS, render
    from . import Walk, _size_limit, looks_like_flare

    if args.format not in FORMATS:
        parser.error(f"--format must be one of {', '.join(FORMATS)}, not {args.format!r}")
    paths = [Path(p) for p in args.paths] or [Path(".")]
    manifests: list[tuple[str, str]] = []
    given: set[Path] = set()
    failed = False
    try:
        walk = Walk(force_exclude=args.force_exclude, respect_gitignore=args.respect_gitignore)
        for path, named in walk.files(paths, args.config):
            text, problem = read_manifest(path, _size_limit(path, args.config))
            if text is None:
                assert problem is not None
                # As `check` does: a file found in a directory counts only when it could be a Flare
                # manifest; other YAML in a repository is not flare-ls's business, broken or not.
                if named or looks_like_flare(path):
                    sys.stderr.write(f"flare-ls: error: {path}: {problem.message}\n")
                    failed = True
                continue
            manifests.append((path.as_posix(), text))
            given.add(Path(os.path.realpath(path)))
        manifests += _job_files(manifests, given)
    except ConfigError as exc:
        sys.stderr.write(f"flare-ls: error: {exc.message}\n")
        return EXIT_USAGE
    title = "Flare lineage: " + ", ".join(p.as_posix() for p in paths)
    output = render(build_graph(manifests), args.format, title=title)
    try:
        if args.output_file is not None:
            args.output_file.write_text(output, encoding="utf-8")
        else:
            sys.stdout.write(output)
    except BrokenPipeError:
        return EXIT_CLEAN
    except OSError as exc:
        sys.stderr.write(f"flare-ls: error: cannot write {args.output_file}: {exc.strerror or exc}\n")
        return EXIT_USAGE
    return EXIT_USAGE if failed else EXIT_CLEAN


def _job_files(manifests: list[tuple[str, str]], given: set[Path]) -> list[tuple[str, str]]:
    """The job files the drawn workflows name with ``file:`` and the paths do not include: a workflow is
    drawn with its jobs wherever they are kept. Each is named as the workflow's path leads to it, so
    that the lineage core finds it by that name."""
    from ..files import read_manifest
    from . import job_files_named

    found: list[tuple[str, str]] = []
    for file, text in manifests:
        for target, real in job_files_named(Path(file), text):
            if real in given:
                continue
            given.add(real)
            beside = os.path.normpath(os.path.join(os.path.dirname(file), target))
            key = beside if os.path.realpath(beside) == str(real) else os.path.relpath(real)
            body, _ = read_manifest(real)
            if body is not None:
                found.append((Path(key).as_posix(), body))
    return found
