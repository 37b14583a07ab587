"""The ``flare-ls`` command.

``flare-ls check [PATH...]`` (or ``flare-ls --check [PATH...]``): the analyzer's findings in batch, for
CI and pre-commit; no path means ``.``, ``-`` means standard input. Exit codes: 0 nothing to report,
1 findings (errors or warnings, or what ``--fail-on`` says), 2 usage error (or a file ``--fix`` could not
write), 3 internal error.

``flare-ls server`` (or no arguments when standard input is not a terminal; ``--stdio``, ``--tcp``,
``--ws``): the language server. The LSP stack is imported only then, so a check starts without it.
``flare-ls rules`` / ``rule ID`` / ``schema`` print the rules, one rule's page, the JSON Schema. Bare
``flare-ls`` on a terminal prints a short usage hint.

The package: ``args`` reads the command line and runs the command; this module is the batch check
(walking, analysing, fixing, exit codes); ``text`` what it prints for people; ``watch`` ``--watch``.
"""

from __future__ import annotations

import gc
import os
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from .. import __version__
from ..analyze import Config, analyze, analyze_parsed, looks_like_flare_text
from ..files import FileTooLarge, read_limited, read_manifest, sniff_text
from ..fileview import ProjectFiles, project_files
from ..findings import Finding, Severity
from ..report import FORMATS as REPORT_FORMATS
from ..report import FileResult, render
from ..rules.schema import INTERNAL_ERROR
from . import text as _text

if TYPE_CHECKING:
    from argparse import Namespace

    from ..config import ProjectConfig
    from ..sql.cache import FactsStore
    from ..workspace.index import ManifestIndex

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


FORMATS = ("text", *REPORT_FORMATS)
#: Below this many files, starting worker processes costs more than it saves.
PARALLEL_FROM = 200


Result = tuple[Path, "str | None", list[Finding]]
#: A file's result and its entry in the workspace index (None when it is not worth indexing).
Checked = tuple[Path, "str | None", list[Finding], "ManifestIndex | None"]


@dataclass(frozen=True)
class RuleChoice:
    """``--select``, ``--extend-select`` and ``--ignore`` of a run (rule ids, names and id prefixes,
    expanded), over each file's configuration: ``select`` replaces its ``select``, ``extend_select`` adds
    to it, ``ignore`` adds to its ``ignore``."""

    select: frozenset[str] | None = None
    extend_select: frozenset[str] = frozenset()
    ignore: frozenset[str] = frozenset()

    def apply(self, config: Config) -> Config:
        select = self.select if self.select is not None else config.select
        if select is None and self.extend_select:
            # Every rule on by default, plus those named: how a rule that is off by default (FL503)
            # joins the rest without listing them.
            from ..rules.base import RULES

            select = frozenset(code for code, info in RULES.items() if info.default_enabled)
        if select is not None:
            select = select | self.extend_select
        return replace(config, select=select, ignore=config.ignore | self.ignore)


#: The rule choice of the current run (a global, like ``_NO_CACHE``, so that forked workers see it).
_RULES = RuleChoice()


def _config_for(path: Path, config_file: Path | None) -> Config:
    """The configuration for ``path`` (discovered, or the ``--config`` file), with the run's rule choice."""
    return _RULES.apply(_project(path, config_file).config_for(path))


def _project(path: Path, config_file: Path | None) -> ProjectConfig:
    """The project configuration for ``path``: the ``--config`` file, else the one discovered."""
    from .. import config

    memo = _RUN.projects if _RUN is not None else None
    key = (path.parent, config_file)
    if memo is not None and key in memo:
        return memo[key]
    project = config.load_file(config_file) if config_file is not None else config.load_for(path)
    if memo is not None:
        memo[key] = project
    return project


@dataclass
class _Run:
    """What one run of :func:`collect` learns once per directory, rather than once per file (each
    costs a dozen ``stat`` calls up to the project's root, and a tree holds many files per directory):
    the project configuration of its files, and their view of the files around them. A run reads the
    tree as it is when it starts; ``--watch`` starts a new run for every change."""

    projects: dict[tuple[Path, Path | None], ProjectConfig] = field(default_factory=dict)
    files: dict[Path, ProjectFiles | None] = field(default_factory=dict)


#: The current run's memo (a global, like ``_NO_CACHE``, so that forked workers see it); None outside one.
_RUN: _Run | None = None


def _files_of(path: Path) -> ProjectFiles | None:
    """``fileview.project_files(path)``, which depends only on the file's directory."""
    if _RUN is None:
        return project_files(path)
    directory = path.absolute().parent
    if directory not in _RUN.files:
        _RUN.files[directory] = project_files(path)
    return _RUN.files[directory]


#: ``--max-file-size`` of the current run, over every configuration's (a global, like ``_NO_CACHE``).
_MAX_FILE_SIZE: int | None = None


def _size_limit(path: Path, config_file: Path | None) -> int:
    """The largest file read for ``path``: ``--max-file-size``, else its configuration's ``max-file-size``."""
    if _MAX_FILE_SIZE is not None:
        return _MAX_FILE_SIZE
    return _project(path, config_file).max_file_size


def _check_one(item: tuple[Path, bool, Path | None], job_file: bool = False) -> Checked | None:
    """Read and analyse one file; None when it is not worth reporting (undecodable non-Flare YAML).
    ``job_file``: a checked workflow's ``file:`` names it, so it is read as that dag job."""
    path, named, config_file = item
    text, problem = read_manifest(path, _size_limit(path, config_file))
    if problem is not None:
        # A file found in a directory is reported only when it could be a Flare manifest: other
        # YAML in a repository is not flare-ls's business, broken or not.
        if named or looks_like_flare(path):
            return (path, None, [problem], None)
        return None
    assert text is not None
    try:
        findings, entry = _analyze_and_index(path, text, config_file, job_file)
    except Exception as exc:  # noqa: BLE001 - one broken file must not stop the others
        message = f"flare-ls failed on this file ({type(exc).__name__}: {exc}); please report it"
        findings, entry = [Finding(INTERNAL_ERROR, message, (0, 0), (0, 0), Severity.ERROR)], None
    return (path, text, findings, entry)


def _analyze_and_index(
    path: Path, text: str, config_file: Path | None, job_file: bool = False
) -> tuple[list[Finding], ManifestIndex | None]:
    """``analyze(text)`` and the file's workspace index entry, both from one parse (a parse is about
    half of a manifest's analysis, more when it must recover from a syntax error). The entry is made
    here, in the worker, so that the parent neither parses again nor receives trees."""
    from ..parsing.yamltree import parse, release, split_lines
    from ..workspace.index import index_parsed

    bom = text.startswith("\ufeff")
    body = text[1:] if bom else text  # as ``analyze`` reads it
    lines = split_lines(body)
    parsed = parse(body, lines)
    config = _config_for(path, config_file)
    findings = analyze_parsed(body, lines, parsed, config, bom, _files_of(path), job_file=job_file)
    entry = index_parsed(str(path), parsed, bom) if looks_like_flare_text(text) else None
    # Nothing the results hold is part of the tree: its cycles (every node links to its parent) are
    # broken so that it is freed now rather than by the collector's scans of everything alive.
    release(parsed)
    return findings, entry


@dataclass(frozen=True)
class Walk:
    """How paths become files: ``--force-exclude`` (``exclude`` applies to the paths given too) and
    ``--no-respect-gitignore``."""

    force_exclude: bool = False
    respect_gitignore: bool = True

    def files(self, paths: list[Path], config_file: Path | None) -> list[tuple[Path, bool]]:
        """``(path, named)`` for each file to check (``config.iter_files``); raises ConfigError."""
        from .. import config

        project = config.load_file(config_file) if config_file is not None else None
        return list(
            config.iter_files(
                paths, project, force_exclude=self.force_exclude, respect_gitignore=self.respect_gitignore
            )
        )


def collect(paths: list[Path], jobs: int = 0, config_file: Path | None = None, walk: Walk = Walk()) -> list[Result]:
    """Every file's findings, in walking order; in parallel across cores for large trees. Each file is
    checked with its project configuration, whose include/exclude also decide what is walked.
    Raises config.ConfigError for a bad configuration file."""
    global _RUN
    items = [(path, named, config_file) for path, named in walk.files(paths, config_file)]
    workers = jobs or (os.cpu_count() or 1)
    from .. import sql

    previous, store = sql.STORE, _facts_store()
    _RUN = _Run()
    try:
        done = _check_all(items, workers, store)
        checked = _with_job_files([one for one in done if one is not None], config_file)
        return _with_workspace(checked, config_file)
    finally:
        sql.STORE = previous  # the store serves this run only (in-process callers, tests)
        _RUN = None


def _with_job_files(checked: list[Checked], config_file: Path | None) -> list[Checked]:
    """The results with each job file a checked workflow's ``file:`` names checked as that dag job: in
    place of its own result when it was walked (a job file whose shape alone does not show it is one
    was read as someone else's YAML), else added after the workflows. Few files: checked here, in turn."""
    named: dict[Path, Path] = {}  # real path -> the path to report it by
    for path, text, _, entry in checked:
        # The entry the worker made from its own parse names the same files: the text is not parsed
        # again here (that second parse of every file was a quarter of a run's time).
        for _, found in job_files_named(path, text) if entry is None else _files_named(path, entry):
            named.setdefault(found, _shown(found))
    if not named:
        return checked
    walked = {Path(os.path.realpath(path)): index for index, (path, _, _, _) in enumerate(checked)}
    checked = list(checked)
    for real, shown in named.items():
        one = _check_one((shown, True, config_file), job_file=True)
        if one is None:
            continue
        if real in walked:
            checked[walked[real]] = (checked[walked[real]][0], *one[1:])
        else:
            checked.append(one)
    return checked


def job_files_named(path: Path, text: str | None) -> list[tuple[str, Path]]:
    """The job files the workflows of ``path`` (its ``text``) name with a dag job's ``file:``, as
    written and as found (the real path; read as FL505 reads it, inside the project only)."""
    from ..workspace.index import index_text

    if text is None or not looks_like_flare_text(text):
        return []
    return _files_named(path, index_text(str(path), text))


def _files_named(path: Path, entry: ManifestIndex) -> list[tuple[str, Path]]:
    """:func:`job_files_named` from the file's index entry."""
    targets = [
        ref.target for workflow in entry.workflows for job in workflow.jobs for ref in job.files if ref.key == "file"
    ]
    if not targets:
        return []  # the common case: no directory to look at
    files = _files_of(path)
    if files is None:
        return []
    return [(target, found) for target in targets if (found := files.find(target)) is not None]


def _shown(path: Path) -> Path:
    """``path`` relative to the working directory when it is below it, as walked paths are shown."""
    relative = os.path.relpath(path)
    return Path(relative) if not relative.startswith("..") else path


def _with_workspace(checked: list[Checked], config_file: Path | None) -> list[Result]:
    """The results with the workspace rules' findings (``rules/workspace.py``) added to the files they
    belong to, each file's configuration and suppressions applied. The index is made of the entries
    the per-file pass made from its own parse of each Flare file (``_analyze_and_index``)."""
    from ..workspace.check import analyze_workspace
    from ..workspace.index import WorkspaceIndex

    results: list[Result] = [(path, text, findings) for path, text, findings, _ in checked]
    entries = {str(path): entry for path, _, _, entry in checked if entry is not None}
    if not entries:
        return results
    texts = {str(path): text for path, text, _, entry in checked if entry is not None and text is not None}
    paths = {str(path): path for path, _, _ in results}
    found = analyze_workspace(texts, lambda file: _config_for(paths[file], config_file), WorkspaceIndex(entries))
    if not found:
        return results
    return [
        (path, text, sorted([*findings, *found[str(path)]], key=Finding.sort_key)) if str(path) in found else result
        for result in results
        for path, text, findings in [result]
    ]


def _check_all(
    items: list[tuple[Path, bool, Path | None]], workers: int, store: FactsStore | None
) -> list[Checked | None]:
    from .. import sql

    # With --spark-sql the files are checked in this process: its one JVM answers Spark's verdicts, where
    # a JVM per worker would cost seconds and hundreds of MB each (and a forked worker cannot share
    # the parent's connection to it). The JVM answers one query at a time anyway.
    if workers > 1 and len(items) >= PARALLEL_FROM and sql.SPARK_JUDGE is None:
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


@contextmanager
def spark_sql_syntax() -> Iterator[None]:
    """``--spark-sql``: within the block, FL401 takes Spark's own parser's verdict on Spark SQL
    (``sql.SPARK_JUDGE``) instead of sqlglot's; the other SQL rules and the facts cached on disk stay
    sqlglot's. The process's JVM is started once (``sql.spark.shared_parser``), so a ``--watch`` session
    keeps it. Raises ``sql.spark.SparkUnavailable`` when pyspark or Java is missing or the JVM fails."""
    from .. import sql
    from ..sql.spark import SparkJudge, shared_parser

    previous = sql.SPARK_JUDGE
    sql.SPARK_JUDGE = SparkJudge(shared_parser())
    try:
        yield
    finally:
        sql.SPARK_JUDGE = previous


#: ``--no-cache`` of the current run (a global, so that forked workers see it too).
_NO_CACHE = False


def _facts_store() -> FactsStore | None:
    """The SQL facts kept between runs (``sql.cache``), unless ``FLARE_LS_NO_CACHE`` is set."""
    from .. import sql

    if _NO_CACHE or os.environ.get("FLARE_LS_NO_CACHE"):
        sql.STORE = None
        return None
    if sql.STORE is None:
        from ..sql.cache import FactsStore, default_dir

        sql.STORE = FactsStore(default_dir())
    return sql.STORE


def _worker_start(cached: bool) -> None:
    """A worker process of the pool: it saves the SQL facts it added when the pool shuts it down."""
    from multiprocessing.util import Finalize

    # What the worker inherited (the modules, the compiled schema, the configuration) lives as long as
    # it does: kept out of the collector's full scans, which otherwise walk all of it again and again
    # while files are checked (about a tenth of a worker's time).
    gc.freeze()
    if cached:
        store = _facts_store()
        if store is not None:
            Finalize(None, store.save, exitpriority=10)


@dataclass(frozen=True)
class Output:
    """What a check prints besides the findings: ``--statistics`` (instead of the findings),
    ``--quiet`` (no summary or hint), ``--silent`` (nothing), ``--unsafe-fixes`` (for the hint) and the
    fixes ``--show-fixes`` lists."""

    statistics: bool = False
    quiet: bool = False
    silent: bool = False
    unsafe_fixes: bool = False
    fixed: dict[Path, Counter[str]] | None = field(default=None)


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
    results: list[Result] | None = None,
    output: Output = Output(),
    walk: Walk = Walk(),
) -> int:
    if results is None:
        results = collect(paths, jobs, config_file, walk)
    if not output.silent:
        _report(results, fmt, color, out, output)
    return exit_code(results, fail_on, exit_zero)


def _report(results: list[Result], fmt: str, color: str, out: TextIO, output: Output) -> None:
    fixed = _text.fixed_report(output.fixed or {})
    if fmt != "text":
        if output.statistics:
            out.write(_text.statistics(results, fmt, output.unsafe_fixes))
        else:
            out.write(render(fmt, [FileResult(p, t, fs) for p, t, fs in results], tool_version=__version__))
        sys.stderr.write(fixed)  # a machine-readable report stays one document
        return
    if output.statistics:
        out.write(_text.statistics(results, fmt, output.unsafe_fixes))
    else:
        _text.write_findings(results, out, _text.use_color(color, out))
    if not output.quiet:
        out.write(fixed + _text.summary(results, output.unsafe_fixes))


def exit_code(results: list[Result], fail_on: Severity, exit_zero: bool) -> int:
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


def serve(args: Namespace) -> int:
    import logging

    if not (args.tcp or args.ws):  # before the server loads: the editor waits for this answer
        from ..lsp.startup import answer_initialize

        answer_initialize()
    from ..lsp.server import create_server

    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="flare-ls: %(message)s")
    # sqlglot and the collector's settings wait until initialize is answered (FlareServer.warm_up_soon).
    server = create_server()
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
    """Run ``flare-ls`` with ``argv`` (default: the process's arguments); returns the exit code."""
    from .args import main as run

    return run(argv)


@dataclass
class Fixed:
    """What ``apply_fixes`` did: files changed, files with fixes that could not be written, and (with
    ``show``) how many findings of each rule each file's fixes removed."""

    changed: int = 0
    not_written: int = 0
    codes: dict[Path, Counter[str]] = field(default_factory=dict)


def apply_fixes(
    paths: list[Path],
    config_file: Path | None,
    *,
    unsafe: bool,
    write: bool,
    walk: Walk = Walk(),
    show: bool = False,
    quiet: bool = False,
) -> Fixed:
    """Fix every file (or, without ``write``, print the diff); each file with fixes that could not be
    written is said on standard error. A file that cannot be read is left to the check that follows,
    which reports it (FL003)."""
    from ..fixing import fix_file, unified_diff

    done = Fixed()
    fixes = 0
    for path, _named in walk.files(paths, config_file):
        limit = _size_limit(path, config_file)
        config = _config_for(path, config_file)
        result = fix_file(path, unsafe=unsafe, write=write, config=config, limit=limit)
        if result.not_written:
            done.not_written += 1
            sys.stderr.write(f"flare-ls: error: {path}: {result.error}; its fixes were not applied\n")
            continue
        if result.error is not None or not result.changed:
            continue
        done.changed += 1
        fixes += result.count
        if show:
            assert result.original is not None and result.fixed is not None
            before = Counter(f.code for f in analyze(result.original, config=config))
            done.codes[path] = before - Counter(f.code for f in analyze(result.fixed, config=config))
        if not write:
            sys.stdout.write(unified_diff(result))
    if write and done.changed and not quiet:
        sys.stderr.write(f"flare-ls: applied {fixes} fix{'es' if fixes != 1 else ''} in {done.changed} file(s)\n")
    if done.not_written:
        sys.stderr.write(f"flare-ls: error: {done.not_written} file(s) could not be fixed (see above)\n")
    return done


def fix_stdin(text: str, path: Path, config_file: Path | None, *, unsafe: bool) -> str:
    """``flare-ls check --fix -``: the fixed text (written to standard output, as ruff does)."""
    from ..fixing import fix_text

    return fix_text(text, unsafe=unsafe, config=_config_for(path.resolve(), config_file))[0]


def check_stdin(path: Path, config_file: Path | None, *, fix: bool = False, unsafe: bool = False) -> Result:
    """Standard input, checked (and configured) as ``path``. With ``fix``, the fixed text goes to standard
    output (the input as it came when it cannot be read) and the findings left are returned."""
    from ..files import decode, unreadable

    try:
        data = read_limited(sys.stdin.buffer, _size_limit(path.resolve(), config_file))
    except FileTooLarge as exc:
        return (path, None, [unreadable(exc.reason)])
    text, problem = decode(data)
    if problem is not None:
        if fix:
            sys.stdout.buffer.write(data)
        return (path, None, [problem])
    assert text is not None
    if fix:
        text = fix_stdin(text, path, config_file, unsafe=unsafe)
        sys.stdout.write(text)
        sys.stdout.flush()
    uri = path.resolve().as_uri()
    findings = analyze(text, uri=uri, config=_config_for(path.resolve(), config_file), files=project_files(path))
    return (path, text, findings)
