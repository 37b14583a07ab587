"""The ``flare-ls`` command.

``flare-ls --check PATH...``: the analyzer's findings in batch, for CI and pre-commit. Exit codes: 0
nothing to report, 1 findings (errors or warnings), 2 usage error (or a file ``--fix`` could not
write), 3 internal error. Info-level findings are printed but do not fail the run.

``flare-ls`` (or ``--stdio``, ``--tcp``, ``--ws``): the language server. The LSP stack is imported only
then, so ``--check`` starts without it.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from . import __version__
from .analyze import Config, analyze, looks_like_flare_text
from .files import FileTooLarge, read_limited, read_manifest, sniff_text
from .findings import Finding, Severity

if TYPE_CHECKING:
    from .sqlcache import FactsStore
from .parsing.yamltree import split_lines
from .report import FORMATS as REPORT_FORMATS
from .report import FileResult, concise_line, render
from .rules.schema import INTERNAL_ERROR

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"flare-ls: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="flare-ls",
        description="Language server and linter for DataOS Flare workflow manifests. "
        "Also: `flare-ls rules` lists the rules, `flare-ls rule ID` prints one rule's page.",
        epilog="Exit codes: 0 clean, 1 findings, 2 usage error or a file --fix could not write, 3 internal error.",
    )
    parser.add_argument("--version", action="version", version=f"flare-ls {__version__}")
    parser.add_argument(
        "--check",
        nargs="*",
        metavar="PATH",
        type=Path,
        help="check files and directories (recursing into *.yaml and *.yml) and exit",
    )
    parser.add_argument("--format", default="text", help="output format: " + ", ".join(FORMATS) + " (default: text)")
    parser.add_argument("--output-file", type=Path, metavar="FILE", help="write the report to FILE instead of stdout")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    parser.add_argument(
        "--fail-on",
        choices=("error", "warning", "info", "hint"),
        default="warning",
        help="the lowest severity that makes the exit code 1 (default: warning)",
    )
    parser.add_argument(
        "--stdin-filename", metavar="PATH", help="check standard input, reported (and configured) as PATH"
    )
    parser.add_argument(
        "--jobs", type=int, default=0, metavar="N", help="processes for large trees (default: one per core)"
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="neither read nor write the SQL facts kept between runs (also: FLARE_LS_NO_CACHE=1)",
    )
    parser.add_argument(
        "--config", type=Path, metavar="FILE", help="use this configuration file instead of discovering one"
    )
    parser.add_argument(
        "--show-settings", type=Path, metavar="PATH", help="print the settings that apply to PATH and exit"
    )
    parser.add_argument(
        "--max-file-size",
        type=_size,
        metavar="SIZE",
        help="the largest file read, e.g. 5242880, 512KB or 10MB (default: max-file-size of the configuration, "
        "else 5MB); larger files are reported (FL003)",
    )
    parser.add_argument("--fix", action="store_true", help="apply the safe fixes to the files, then report the rest")
    parser.add_argument("--unsafe-fixes", action="store_true", help="with --fix or --diff: the unsafe fixes too")
    parser.add_argument("--diff", action="store_true", help="print the fixes as a unified diff; write nothing")
    serve = parser.add_mutually_exclusive_group()
    serve.add_argument("--stdio", action="store_true", help="serve LSP over standard input/output (the default)")
    serve.add_argument("--tcp", action="store_true", help="serve LSP over TCP on --host:--port")
    serve.add_argument("--ws", action="store_true", help="serve LSP over WebSocket on --host:--port")
    parser.add_argument("--host", default="127.0.0.1", help="address for --tcp/--ws (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=2087, help="port for --tcp/--ws (default: 2087)")
    parser.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour and source excerpts in text output (default: when writing to a terminal)",
    )
    return parser


def _size(text: str) -> int:
    from .config import parse_size

    try:
        return parse_size(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


FORMATS = ("text", *REPORT_FORMATS)
#: Below this many files, starting worker processes costs more than it saves.
PARALLEL_FROM = 200


def _config_for(path: Path, config_file: Path | None) -> Config:
    """The project configuration for ``path`` (discovered, or the ``--config`` file)."""
    from . import config

    project = config.load_file(config_file) if config_file is not None else config.load_for(path)
    return project.config_for(path)


#: ``--max-file-size`` of the current run, over every configuration's (a global, like ``_NO_CACHE``).
_MAX_FILE_SIZE: int | None = None


def _size_limit(path: Path, config_file: Path | None) -> int:
    """The largest file read for ``path``: ``--max-file-size``, else its configuration's ``max-file-size``."""
    if _MAX_FILE_SIZE is not None:
        return _MAX_FILE_SIZE
    from . import config

    project = config.load_file(config_file) if config_file is not None else config.load_for(path)
    return project.max_file_size


def _check_one(item: tuple[Path, bool, Path | None]) -> tuple[Path, str | None, list[Finding]] | None:
    """Read and analyse one file; None when it is not worth reporting (undecodable non-Flare YAML)."""
    path, named, config_file = item
    text, problem = read_manifest(path, _size_limit(path, config_file))
    if problem is not None:
        # A file found in a directory is reported only when it could be a Flare manifest: other
        # YAML in a repository is not flare-ls's business, broken or not.
        if named or looks_like_flare(path):
            return (path, None, [problem])
        return None
    assert text is not None
    try:
        findings = analyze(
            text, uri=path.as_uri() if path.is_absolute() else None, config=_config_for(path, config_file)
        )
    except Exception as exc:  # noqa: BLE001 - one broken file must not stop the others
        message = f"flare-ls failed on this file ({type(exc).__name__}: {exc}); please report it"
        findings = [Finding(INTERNAL_ERROR, message, (0, 0), (0, 0), Severity.ERROR)]
    return (path, text, findings)


def collect(
    paths: list[Path], jobs: int = 0, config_file: Path | None = None
) -> list[tuple[Path, str | None, list[Finding]]]:
    """Every file's findings, in walking order; in parallel across cores for large trees. Each file is
    checked with its project configuration, whose include/exclude also decide what is walked.
    Raises config.ConfigError for a bad configuration file."""
    from . import config

    project = config.load_file(config_file) if config_file is not None else None
    items = [(path, named, config_file) for path, named in config.iter_files(paths, project)]
    workers = jobs or (os.cpu_count() or 1)
    from . import sql

    previous, store = sql.STORE, _facts_store()
    try:
        done = _check_all(items, workers, store)
    finally:
        sql.STORE = previous  # the store serves this run only (in-process callers, tests)
    return [result for result in done if result is not None]


def _check_all(
    items: list[tuple[Path, bool, Path | None]], workers: int, store: FactsStore | None
) -> list[tuple[Path, str | None, list[Finding]] | None]:
    if workers > 1 and len(items) >= PARALLEL_FROM:
        import multiprocessing

        context = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
        pool = context.Pool(workers, initializer=_worker_start, initargs=(store is not None,))
        try:
            done = pool.map(_check_one, items, chunksize=max(1, len(items) // (workers * 8)))
            # Let the workers exit on their own (not terminated, as leaving a `with` block does), so
            # that each saves the SQL facts it added.
            pool.close()
            pool.join()
        finally:
            pool.terminate()
        return done
    done = [_check_one(item) for item in items]
    if store is not None:
        store.save()
    return done


#: ``--no-cache`` of the current run (a global, so that forked workers see it too).
_NO_CACHE = False


def _facts_store() -> FactsStore | None:
    """The SQL facts kept between runs (``sqlcache``), unless ``FLARE_LS_NO_CACHE`` is set."""
    from . import sql

    if _NO_CACHE or os.environ.get("FLARE_LS_NO_CACHE"):
        sql.STORE = None
        return None
    if sql.STORE is None:
        from .sqlcache import FactsStore, default_dir

        sql.STORE = FactsStore(default_dir())
    return sql.STORE


def _worker_start(cached: bool) -> None:
    """A worker process of the pool: it saves the SQL facts it added when the pool shuts it down."""
    from multiprocessing.util import Finalize

    if cached:
        store = _facts_store()
        if store is not None:
            Finalize(None, store.save, exitpriority=10)


def run_check(
    paths: list[Path],
    fmt: str,
    color: str,
    out: TextIO,
    *,
    fail_on: Severity = Severity.WARNING,
    exit_zero: bool = False,
    jobs: int = 0,
    config_file: Path | None = None,
    results: list[tuple[Path, str | None, list[Finding]]] | None = None,
) -> int:
    if results is None:
        results = collect(paths, jobs, config_file)
    if fmt != "text":
        out.write(render(fmt, [FileResult(p, t, fs) for p, t, fs in results], tool_version=__version__))
    else:
        fancy = color == "always" or (color == "auto" and out.isatty() and "NO_COLOR" not in os.environ)
        _write_text(results, out, fancy)
    return exit_code(results, fail_on, exit_zero)


def exit_code(results: list[tuple[Path, str | None, list[Finding]]], fail_on: Severity, exit_zero: bool) -> int:
    every = [f for _, _, fs in results for f in fs]
    # Compared by code, not identity: findings from worker processes carry copies of the rule.
    if any(f.rule.code == INTERNAL_ERROR.code for f in every):
        return EXIT_INTERNAL
    if not exit_zero and any(f.severity >= fail_on for f in every):
        return EXIT_FINDINGS
    return EXIT_CLEAN


def looks_like_flare(path: Path) -> bool:
    """A guess from the start of the file, for one that could not be read whole or decoded."""
    start = sniff_text(path)
    return True if start is None else looks_like_flare_text(start)  # unreadable: say so rather than guess


_COLORS = {
    Severity.ERROR: "\033[31m",
    Severity.WARNING: "\033[33m",
    Severity.INFO: "\033[36m",
    Severity.HINT: "\033[2m",
}
_BOLD, _RESET = "\033[1m", "\033[0m"


def _write_text(results: list[tuple[Path, str | None, list[Finding]]], out: TextIO, fancy: bool) -> None:
    count = {s: 0 for s in Severity}
    files = 0
    for path, text, findings in results:
        if findings:
            files += 1
        lines = split_lines(text) if text is not None else []
        for f in findings:
            count[f.severity] += 1
            if fancy:
                color = _COLORS[f.severity]
                where = f"{_BOLD}{path}:{f.start[0] + 1}:{f.start[1] + 1}:{_RESET}"
                out.write(f"{where} {color}{f.code}{_RESET} [{f.rule.name}] {f.message}\n")
                if f.start[0] < len(lines):
                    out.write(_excerpt(lines[f.start[0]], f, color))
            else:
                out.write(concise_line(path, f))
    total = sum(count.values())
    if total == 0:
        out.write(f"All checked: no findings in {len(results)} file{'s' if len(results) != 1 else ''}.\n")
        return
    parts = [f"{n} {s.label}{'s' if n != 1 else ''}" for s, n in sorted(count.items(), reverse=True) if n]
    fixable = sum(1 for _, _, fs in results for f in fs if f.fix is not None)
    out.write(
        f"Found {total} finding{'s' if total != 1 else ''} ({', '.join(parts)}) in {files} of "
        f"{len(results)} file{'s' if len(results) != 1 else ''}; {fixable} with a fix.\n"
    )


def _excerpt(line: str, finding: Finding, color: str) -> str:
    """The source line and a caret underline of the finding's first line."""
    start = finding.start[1]
    end = finding.end[1] if finding.end[0] == finding.start[0] else len(line.rstrip())
    width = max(1, end - start)
    # Tabs would shift the carets: show them as single spaces on both lines.
    shown = line.replace("\t", " ")
    return f"  | {shown}\n  | {' ' * start}{color}{'^' * width}{_RESET}\n"


def _tune_garbage_collector() -> None:
    """Keep collector pauses out of keystroke latency.

    Analysing a 2,000-line manifest allocates tens of thousands of short-lived nodes; with Python's
    default thresholds that triggers full collections that rescan every long-lived object (the
    compiled schema, pygls, pydantic) and took 60-80 ms every sixth keystroke. Freezing what exists after
    start-up takes those objects out of every scan, and a larger first threshold lets a whole analysis
    finish between collections.
    """
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def serve(args: argparse.Namespace) -> int:
    import logging

    from .lsp.server import create_server

    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="flare-ls: %(message)s")
    server = create_server()
    # Load sqlglot and its Spark dialect now rather than on the first manifest with SQL (a 60-70 ms
    # pause there), and before the collector freezes what exists, so its many objects are frozen too.
    from .sql import analyze_sql

    analyze_sql("SELECT 1")
    _tune_garbage_collector()
    try:
        if args.tcp:
            server.start_tcp(args.host, args.port)
        elif args.ws:
            server.start_ws(args.host, args.port)
        else:
            server.start_io()
    except SystemExit:
        pass
    # The protocol: exit after shutdown ends with 0, exit without it (or a lost client) with 1.
    return EXIT_CLEAN if getattr(server.protocol, "_shutdown", False) else 1


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in ("rules", "rule"):
        from .rule_docs import rules_command

        return rules_command(argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.format not in FORMATS:
        parser.error(f"--format must be one of {', '.join(FORMATS)}, not {args.format!r}")
    from .config import ConfigError

    if args.show_settings is not None:
        from .config import show_settings

        try:
            sys.stdout.write(show_settings(args.show_settings, args.config))
        except ConfigError as exc:
            sys.stderr.write(f"flare-ls: error: {exc.message}\n")
            return EXIT_USAGE
        return EXIT_CLEAN
    checking = args.check is not None or args.stdin_filename is not None
    if not checking:
        return serve(args)
    global _NO_CACHE, _MAX_FILE_SIZE
    _NO_CACHE = args.no_cache
    _MAX_FILE_SIZE = args.max_file_size
    if args.stdio or args.tcp or args.ws:
        parser.print_usage(sys.stderr)
        sys.stderr.write("flare-ls: error: --check runs in batch; it does not combine with --stdio/--tcp/--ws\n")
        return EXIT_USAGE
    if args.check is not None and not args.check and args.stdin_filename is None:
        parser.error("--check needs at least one PATH (or --stdin-filename to read standard input)")
    out: TextIO = sys.stdout
    try:
        if args.output_file is not None:
            out = open(args.output_file, "w", encoding="utf-8")  # noqa: SIM115 - closed below
        not_written = 0
        if args.fix or args.diff:
            changed, not_written = apply_fixes(
                list(args.check or []), args.config, unsafe=args.unsafe_fixes, write=not args.diff
            )
            if args.diff:
                return EXIT_FINDINGS if changed and not args.exit_zero else EXIT_CLEAN
        results = None
        if args.stdin_filename is not None:
            results = [_check_stdin(Path(args.stdin_filename), args.config)]
        code = run_check(
            list(args.check or []),
            args.format,
            args.color,
            out,
            fail_on=Severity[args.fail_on.upper()],
            exit_zero=args.exit_zero,
            jobs=args.jobs,
            config_file=args.config,
            results=results,
        )
        # A file --fix could not write is an error the user must act on, whatever was found.
        return EXIT_USAGE if not_written and code != EXIT_INTERNAL else code
    except ConfigError as exc:
        sys.stderr.write(f"flare-ls: error: {exc.message}\n")
        return EXIT_USAGE
    except BrokenPipeError:  # `flare-ls --check . | head` is fine
        return EXIT_FINDINGS
    except OSError as exc:
        sys.stderr.write(f"flare-ls: error: {exc}\n")
        return EXIT_USAGE
    except Exception as exc:  # noqa: BLE001 - documented exit code instead of a traceback
        sys.stderr.write(f"flare-ls: internal error: {type(exc).__name__}: {exc}\n")
        return EXIT_INTERNAL
    finally:
        if out is not sys.stdout:
            out.close()


def apply_fixes(paths: list[Path], config_file: Path | None, *, unsafe: bool, write: bool) -> tuple[int, int]:
    """Fix every file (or, without ``write``, print the diff): the number of files that change, and of
    files with fixes that could not be written (each said on standard error). A file that cannot be
    read is left to the check that follows, which reports it (FL003)."""
    from . import config
    from .fixing import fix_file, unified_diff

    project = config.load_file(config_file) if config_file is not None else None
    changed = fixes = not_written = 0
    for path, _named in config.iter_files(paths, project):
        limit = _size_limit(path, config_file)
        result = fix_file(path, unsafe=unsafe, write=write, config=_config_for(path, config_file), limit=limit)
        if result.not_written:
            not_written += 1
            sys.stderr.write(f"flare-ls: error: {path}: {result.error}; its fixes were not applied\n")
            continue
        if result.error is not None or not result.changed:
            continue
        changed += 1
        fixes += result.count
        if not write:
            sys.stdout.write(unified_diff(result))
    if write and changed:
        sys.stderr.write(f"flare-ls: applied {fixes} fix{'es' if fixes != 1 else ''} in {changed} file(s)\n")
    if not_written:
        sys.stderr.write(f"flare-ls: error: {not_written} file(s) could not be fixed (see above)\n")
    return changed, not_written


def _check_stdin(path: Path, config_file: Path | None) -> tuple[Path, str | None, list[Finding]]:
    from .files import decode, unreadable

    try:
        data = read_limited(sys.stdin.buffer, _size_limit(path.resolve(), config_file))
    except FileTooLarge as exc:
        return (path, None, [unreadable(exc.reason)])
    text, problem = decode(data)
    if problem is not None:
        return (path, None, [problem])
    assert text is not None
    uri = path.resolve().as_uri()
    return (path, text, analyze(text, uri=uri, config=_config_for(path.resolve(), config_file)))
