"""``flare-ls format [PATH...]``: the project's style written into the files, or, with ``--check`` and
``--diff``, what would change. Exit codes as ``ruff format``'s: 0 nothing to do (or done), 1 a file
would be reformatted (``--check``, ``--diff``), 2 a file that could not be read, formatted or written,
or a bad configuration.

Files are found as ``flare-ls check`` finds them (``include``/``exclude``, ``.gitignore``); a file found
by walking a directory is formatted only when it is a Flare workflow (other YAML in the repository is
not flare-ls's to restyle), a file named on the command line always. Files are written as ``--fix``
writes them (``files.write_in_place``: the same inode, mode and links; a read-only file or one
changed meanwhile is refused), in their encoding, with their byte-order mark.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE


def run_format(args: argparse.Namespace) -> int:
    from .. import config
    from ..config import ConfigError
    from . import Walk

    stdin = "-" in args.paths or (args.stdin_filename is not None and not args.paths)
    paths = [Path(p) for p in args.paths if p != "-"] or ([] if stdin else [Path(".")])
    report = _Report(check=args.check, diff=args.diff, quiet=args.quiet, stdin=stdin)
    try:
        if stdin:
            _format_stdin(Path(args.stdin_filename or "-"), args.config, report)
        walk = Walk(force_exclude=args.force_exclude, respect_gitignore=args.respect_gitignore)
        for path, named in walk.files(paths, args.config) if paths else []:
            project = config.load_file(args.config) if args.config is not None else config.load_for(path)
            _format_file(path, named, project, args.max_file_size, report)
    except ConfigError as exc:
        sys.stderr.write(f"flare-ls: error: {exc.message}\n")
        return EXIT_USAGE
    return report.finish()


class _Report:
    """What a run did, said as ruff says it, and its exit code."""

    def __init__(self, *, check: bool, diff: bool, quiet: bool, stdin: bool = False) -> None:
        self.check, self.diff, self.quiet, self.stdin = check, diff, quiet, stdin
        self.changed = self.unchanged = self.errors = 0

    def error(self, path: Path, message: str) -> None:
        self.errors += 1
        sys.stderr.write(f"flare-ls: error: {path}: {message}\n")

    def finish(self) -> int:
        writes_stdout = self.stdin and not (self.check or self.diff)  # the formatted text is the output
        if not self.quiet and not writes_stdout and (self.changed or self.unchanged):
            done = "would be reformatted" if self.check or self.diff else "reformatted"
            left = "already formatted" if self.check or self.diff else "left unchanged"
            parts = [f"{_files(self.changed)} {done}"] if self.changed else []
            parts += [f"{_files(self.unchanged)} {left}"] if self.unchanged or not self.changed else []
            (sys.stderr if self.diff or self.stdin else sys.stdout).write(", ".join(parts) + "\n")
        if self.errors:
            return EXIT_USAGE
        return EXIT_FINDINGS if self.changed and (self.check or self.diff) else EXIT_CLEAN


def _files(count: int) -> str:
    return f"{count} file{'s' if count != 1 else ''}"


def _format_file(path: Path, named: bool, project: object, size_limit: int | None, report: _Report) -> None:
    from ..config import ProjectConfig
    from ..files import NotWritten, UnreadableFile, decode, encoding_of, read_regular_file, write_in_place
    from ..fixing import FileFix, unified_diff
    from ..formatting import format_text

    assert isinstance(project, ProjectConfig)
    try:
        content = read_regular_file(path, size_limit or project.max_file_size)
    except UnreadableFile as exc:
        report.error(path, f"cannot read the file: {exc.reason}")
        return
    bom, encoding = encoding_of(content.data)
    text, problem = decode(content.data)
    if text is None:
        assert problem is not None
        report.error(path, problem.message)
        return
    if not named and not _is_flare(text):
        return
    formatted = format_text(text, project.format_style)
    if formatted.refused is not None:
        report.error(path, f"cannot format the file: {formatted.refused}")
        return
    if not formatted.changed:
        report.unchanged += 1
        return
    report.changed += 1
    if report.check:
        sys.stdout.write(f"Would reformat: {path}\n")
    elif report.diff:
        sys.stdout.write(unified_diff(FileFix(path, text, formatted.text)))
    else:
        try:
            write_in_place(path, bom + formatted.text.encode(encoding), expected=content.status)
        except (NotWritten, UnicodeEncodeError) as exc:
            report.changed -= 1
            report.error(path, f"cannot write the file: {getattr(exc, 'reason', exc)}")


def _format_stdin(name: Path, config_file: Path | None, report: _Report) -> None:
    """Standard input, configured as ``name``: the formatted text on standard output (the input as it
    came when it cannot be formatted), or with --check/--diff what would change."""
    from .. import config
    from ..files import decode, read_limited
    from ..fixing import FileFix, unified_diff
    from ..formatting import format_text

    project = config.load_file(config_file) if config_file is not None else config.load_for(name.resolve())
    data = read_limited(sys.stdin.buffer, project.max_file_size)
    text, problem = decode(data)
    if text is None:
        assert problem is not None
        if not (report.check or report.diff):
            sys.stdout.buffer.write(data)
        report.error(name, problem.message)
        return
    formatted = format_text(text, project.format_style)
    if formatted.refused is not None:
        report.error(name, f"cannot format the file: {formatted.refused}")
    elif formatted.changed:
        report.changed += 1
    else:
        report.unchanged += 1
    if report.check:
        if formatted.changed:
            sys.stdout.write(f"Would reformat: {name}\n")
    elif report.diff:
        sys.stdout.write(unified_diff(FileFix(name, text, formatted.text)))
    else:
        sys.stdout.write(formatted.text)
        sys.stdout.flush()


def _is_flare(text: str) -> bool:
    """Whether a document of ``text`` is a Flare workflow (as ``check`` decides), or, when the text
    does not parse, looks like one (then formatting it says why it cannot be formatted)."""
    from ..analyze import looks_like_flare_text
    from ..parsing.yamltree import YMap, parse
    from ..views import build_view

    parsed = parse(text)
    if parsed.errors:
        return looks_like_flare_text(text)
    return any(isinstance(d.root, YMap) and build_view(d.root).flare for d in parsed.documents)
