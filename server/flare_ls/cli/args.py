"""The command line of ``flare-ls``: which command runs, with which options.

Commands: ``check [PATH...]`` (also ``--check``, the older spelling), ``server``, ``rules``, ``rule ID``,
``schema``, ``version``, ``help``, ``graph [PATH...]`` (``cli/graph.py``) and ``format [PATH...]``
(``cli/format.py``; its ``--check`` is its own). The command is the first argument that is not an option or an
option's value, so options go before or after it, and before, between or after the paths
(``flare-ls --format json check a.yaml --fix``): pre-commit appends file names after the hook's
``args``. With ``--check`` every argument that is not an option is a path.

argparse rather than click or typer: it is in the standard library (no dependency, and nothing more to
import on a cold check, where click adds about 20 ms and typer pulls in rich), its
``parse_intermixed_args`` takes options anywhere among the paths, which is what ruff's command line
does and what pre-commit needs, and the existing options and their help stay as they were.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from .. import __version__
from . import EXIT_CLEAN, EXIT_FINDINGS, EXIT_INTERNAL, EXIT_USAGE, FORMATS

COMMANDS = ("check", "format", "graph", "server", "rules", "rule", "schema", "version", "help")

HINT = """\
flare-ls: a linter and language server for DataOS Flare workflow manifests.

  flare-ls check [PATH...]   check YAML files and directories (default: the current directory)
  flare-ls format [PATH...]  format Flare manifests in the project's style (--check, --diff)
  flare-ls graph [PATH...]   draw the lineage of workflows (--format mermaid, dot, json or html)
  flare-ls server            serve the Language Server Protocol on standard input/output
  flare-ls rules             list the rules (`flare-ls rule ID` prints one rule's page)
  flare-ls schema            print the JSON Schema of a manifest
  flare-ls help [COMMAND]    every option

An editor starts `flare-ls server` (or `flare-ls` with a pipe as standard input) itself.
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"flare-ls: error: {message}\n")


def _size(text: str) -> int:
    from ..config import parse_size

    try:
        return parse_size(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _rules(text: str) -> list[str]:
    """A comma-separated list of rule ids, names or id prefixes (``FL1,long-job-name``)."""
    from ..config import is_known_rule

    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if not is_known_rule(name)]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown rule{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))} "
            "(`flare-ls rules` lists them)"
        )
    return names


def _add_check_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files and directories to check (directories: their *.yaml and *.yml files); default: `.`; "
        "`-`: standard input",
    )
    parser.add_argument("--check", action="store_true", help="the same as `flare-ls check` (the older spelling)")
    out = parser.add_argument_group("output")
    out.add_argument(
        "--output-format",
        "--format",
        dest="format",
        default="text",
        metavar="FORMAT",
        help="text (or full), " + ", ".join(FORMATS[1:]) + " (default: text)",
    )
    out.add_argument("-o", "--output-file", type=Path, metavar="FILE", help="write the report to FILE, not stdout")
    out.add_argument(
        "--statistics", action="store_true", help="print how many findings each rule has, not the findings"
    )
    out.add_argument("-q", "--quiet", action="store_true", help="print the findings, but no summary")
    out.add_argument("-s", "--silent", action="store_true", help="print nothing (the exit code still says)")
    out.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour and source excerpts in text output (default: on a terminal, or when FORCE_COLOR is set "
        "and NO_COLOR is not)",
    )
    rules = parser.add_argument_group("rules (ids, names or id prefixes, comma-separated)")
    rules.add_argument(
        "--select", type=_rules, action="extend", metavar="RULES", help="only these rules (instead of the config's)"
    )
    rules.add_argument(
        "--extend-select", type=_rules, action="extend", default=[], metavar="RULES", help="these rules as well"
    )
    rules.add_argument("--ignore", type=_rules, action="extend", default=[], metavar="RULES", help="not these rules")
    exits = parser.add_argument_group("exit code")
    exits.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    exits.add_argument(
        "--fail-on",
        choices=("error", "warning", "info", "hint"),
        default="warning",
        help="the lowest severity that makes the exit code 1 (default: warning)",
    )
    fixes = parser.add_argument_group("fixes")
    fixes.add_argument("--fix", action="store_true", help="apply the safe fixes to the files, then report the rest")
    fixes.add_argument("--unsafe-fixes", action="store_true", help="with --fix or --diff: the unsafe fixes too")
    fixes.add_argument("--diff", action="store_true", help="print the fixes as a unified diff; write nothing")
    fixes.add_argument("--show-fixes", action="store_true", help="with --fix: list the findings fixed, per file")
    files = parser.add_argument_group("files")
    files.add_argument(
        "--stdin-filename", metavar="PATH", help="check standard input, reported (and configured) as PATH"
    )
    files.add_argument(
        "--force-exclude",
        action="store_true",
        help="apply the configuration's `exclude` to the paths given too (pre-commit names every file)",
    )
    files.add_argument(
        "--no-respect-gitignore",
        dest="respect_gitignore",
        action="store_false",
        help="walk into what .gitignore and .ignore files ignore",
    )
    files.add_argument(
        "--max-file-size",
        type=_size,
        metavar="SIZE",
        help="the largest file read, e.g. 5242880, 512KB or 10MB (default: max-file-size of the configuration, "
        "else 5MB); larger files are reported (FL003)",
    )
    files.add_argument(
        "--config", type=Path, metavar="FILE", help="use this configuration file instead of discovering one"
    )
    files.add_argument(
        "--show-settings", type=Path, metavar="PATH", help="print the settings that apply to PATH and exit"
    )
    run = parser.add_argument_group("running")
    run.add_argument("-w", "--watch", action="store_true", help="check again whenever a file changes (Ctrl-C stops)")
    run.add_argument(
        "--jobs", type=int, default=0, metavar="N", help="processes for large trees (default: one per core)"
    )
    run.add_argument(
        "--no-cache",
        action="store_true",
        help="neither read nor write the SQL facts kept between runs (also: FLARE_LS_NO_CACHE=1)",
    )
    run.add_argument(
        "--spark-sql",
        action="store_true",
        help="FL401 takes the verdict of Spark 3.5's own SQL parser on Spark SQL instead of flare-ls's "
        "(needs the flare-ls[spark] extra and Java; starts a JVM, a few seconds; checks in one process)",
    )


def _add_server_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("language server")
    serve = group.add_mutually_exclusive_group()
    serve.add_argument("--stdio", action="store_true", help="serve LSP over standard input/output (the default)")
    serve.add_argument("--tcp", action="store_true", help="serve LSP over TCP on --host:--port")
    serve.add_argument("--ws", action="store_true", help="serve LSP over WebSocket on --host:--port")
    group.add_argument("--host", default="127.0.0.1", help="address for --tcp/--ws (default: 127.0.0.1)")
    group.add_argument("--port", type=int, default=2087, help="port for --tcp/--ws (default: 2087)")


FORMAT_EPILOG = "Exit codes: 0 formatted, 1 would reformat (--check, --diff), 2 a file not formatted or a usage error."


def _add_format_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files and directories (directories: their Flare manifests); default: `.`; `-`: standard input",
    )
    parser.add_argument("--check", action="store_true", help="write nothing; list the files that would change")
    parser.add_argument("--diff", action="store_true", help="write nothing; print what would change as a diff")
    parser.add_argument("-q", "--quiet", action="store_true", help="no summary line")
    parser.add_argument("--stdin-filename", metavar="PATH", help="format standard input, configured as PATH")
    parser.add_argument("--force-exclude", action="store_true", help="apply `exclude` to the paths given too")
    parser.add_argument(
        "--no-respect-gitignore", dest="respect_gitignore", action="store_false", help="walk into ignored files"
    )
    parser.add_argument("--max-file-size", type=_size, metavar="SIZE", help="the largest file read (default: 5MB)")
    parser.add_argument("--config", type=Path, metavar="FILE", help="use this configuration file")


GRAPH_EPILOG = "Exit codes: 0 drawn, 2 a file that cannot be read (the rest is still drawn) or a usage error."


def _add_graph_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="files and directories (directories: their manifests); default: `.`"
    )
    parser.add_argument(
        "--format",
        "--output-format",
        dest="format",
        default="mermaid",
        metavar="FORMAT",
        help="mermaid, dot, json (the stable model) or html (a self-contained page) (default: mermaid)",
    )
    parser.add_argument("-o", "--output-file", type=Path, metavar="FILE", help="write the picture to FILE, not stdout")
    parser.add_argument("--force-exclude", action="store_true", help="apply `exclude` to the paths given too")
    parser.add_argument(
        "--no-respect-gitignore", dest="respect_gitignore", action="store_false", help="walk into ignored files"
    )
    parser.add_argument("--config", type=Path, metavar="FILE", help="use this configuration file")


EPILOG = "Exit codes: 0 clean, 1 findings, 2 usage error or a file --fix could not write, 3 internal error."


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of ``command`` (None: ``flare-ls`` without one, which takes every check and server
    option for the older spellings ``flare-ls --check ...`` and ``flare-ls --stdio``)."""
    if command is None:
        parser = _Parser(
            prog="flare-ls",
            description="Language server and linter for DataOS Flare workflow manifests.\n\n"
            "commands:\n  check [PATH...]  check files and directories (`flare-ls check --help`)\n"
            "  format [PATH...] format manifests (`flare-ls format --help`)\n"
            "  graph [PATH...]  draw the lineage of workflows (`flare-ls graph --help`)\n"
            "  server           serve LSP\n  rules, rule ID   the rules, one rule's page\n"
            "  schema           print the JSON Schema of a manifest\n  version, help",
            epilog=EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        parser.add_argument("--version", action="version", version=f"flare-ls {__version__}")
        _add_check_options(parser)
        _add_server_options(parser)
        return parser
    parser = _Parser(prog=f"flare-ls {command}", epilog=EPILOG if command == "check" else None)
    if command == "check":
        parser.description = "Check Flare workflow manifests (YAML that is not one is skipped)."
        _add_check_options(parser)
    elif command == "format":
        parser.description = "Format Flare workflow manifests in the project's style (docs/formatting.md)."
        parser.epilog = FORMAT_EPILOG
        _add_format_options(parser)
    elif command == "graph":
        parser.description = "Draw the lineage of Flare workflows: datasets, inputs, steps, outputs, dependencies."
        parser.epilog = GRAPH_EPILOG
        _add_graph_options(parser)
    elif command == "server":
        parser.description = "Serve the Language Server Protocol (on standard input/output by default)."
        _add_server_options(parser)
    elif command == "rules":
        parser.description = "List the rules."
        parser.add_argument("--output-format", "--format", dest="format", choices=("text", "json"), default="text")
    elif command == "rule":
        parser.description = "Print one rule's page."
        parser.add_argument("rule", metavar="ID", help="a rule id (FL102) or name (invalid-value)")
    elif command == "schema":
        parser.description = "Print the JSON Schema of a Flare workflow manifest (what schemas/ holds)."
    elif command == "help":
        parser.add_argument("topic", nargs="?", choices=COMMANDS, metavar="COMMAND")
    return parser


def _long_options() -> dict[str, bool]:
    """Every option, and whether it takes a value: the parser without a command has every option of
    ``check`` and ``server``, and the other commands' options are among them (``rules --format``)."""
    return {option: action.nargs != 0 for action in build_parser()._actions for option in action.option_strings}


def split_command(argv: list[str]) -> tuple[str | None, list[str]]:
    """The command and the other arguments: the first argument that is neither an option nor an
    option's value, when it names a command (and ``--check`` is not given, which makes every such
    argument a path; ``check`` and ``format`` are commands anyway)."""
    options = _long_options()
    legacy = "--check" in argv[: argv.index("--")] if "--" in argv else "--check" in argv
    i = 0
    while i < len(argv):
        token = argv[i]
        if token == "--":
            break
        if token.startswith("-") and token != "-":
            name = token.split("=", 1)[0]
            if name not in options and name.startswith("--"):
                matches = [o for o in options if o.startswith(name)]
                name = matches[0] if len(matches) == 1 else name
            if "=" not in token and options.get(name, False) and (name.startswith("--") or len(token) == 2):
                i += 1
            i += 1
            continue
        if token in ("check", "format") or (token in COMMANDS and not legacy):
            return token, argv[:i] + argv[i + 1 :]
        break
    return None, argv


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command, rest = split_command(argv)
    parser = build_parser(command)
    args = parser.parse_intermixed_args(rest)
    if command == "check":
        return _check(args, parser)
    if command == "format":
        from .format import run_format

        return run_format(args)
    if command == "graph":
        from .graph import run_graph

        return run_graph(args, parser)
    if command == "server":
        from . import serve

        return serve(args)
    if command in ("rules", "rule"):
        from ..rule_docs import list_rules, show_rule

        return show_rule(args.rule) if command == "rule" else list_rules(args.format)
    if command == "schema":
        from ..schema.export import render

        sys.stdout.write(render())
        return EXIT_CLEAN
    if command == "version":
        sys.stdout.write(f"flare-ls {__version__}\n")
        return EXIT_CLEAN
    if command == "help":
        build_parser(args.topic if args.topic != "help" else None).print_help()
        return EXIT_CLEAN
    return _no_command(args, parser)


def _no_command(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    serving = args.stdio or args.tcp or args.ws
    if args.check or args.stdin_filename is not None:
        if serving:
            parser.print_usage(sys.stderr)
            sys.stderr.write("flare-ls: error: --check runs in batch; it does not combine with --stdio/--tcp/--ws\n")
            return EXIT_USAGE
        return _check(args, parser)
    if args.show_settings is not None:
        return _check(args, parser)
    if args.paths:
        parser.error(
            f"{args.paths[0]!r} is not a command ({', '.join(COMMANDS)}); to check files: `flare-ls check PATH...`"
        )
    given = [
        action.option_strings[-1]
        for action in parser._actions
        if action.option_strings
        and action.dest not in ("stdio", "tcp", "ws", "host", "port", "help", "version")
        and getattr(args, action.dest) != action.default
    ]
    if given:
        parser.error(f"{', '.join(given)}: check options; use `flare-ls check [PATH...] {' '.join(given)}`")
    if serving or not sys.stdin.isatty():
        from . import serve

        return serve(args)
    sys.stderr.write(HINT)
    return EXIT_USAGE


def _check(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from .. import cli
    from ..config import ConfigError, expand_rules
    from ..findings import Severity

    fmt = "text" if args.format == "full" else args.format
    if fmt not in FORMATS:
        parser.error(f"--format must be one of {', '.join(FORMATS)}, not {args.format!r}")
    if args.show_settings is not None:
        from ..config import show_settings

        try:
            sys.stdout.write(show_settings(args.show_settings, args.config))
        except ConfigError as exc:
            sys.stderr.write(f"flare-ls: error: {exc.message}\n")
            return EXIT_USAGE
        return EXIT_CLEAN
    stdin = "-" in args.paths or (args.stdin_filename is not None and not args.paths)
    paths = [Path(p) for p in args.paths if p != "-"] or ([] if stdin else [Path(".")])
    if stdin and args.watch:
        parser.error("--watch cannot watch standard input")
    cli._NO_CACHE = args.no_cache
    cli._MAX_FILE_SIZE = args.max_file_size
    cli._RULES = cli.RuleChoice(
        select=expand_rules(args.select) if args.select is not None else None,
        extend_select=expand_rules(args.extend_select),
        ignore=expand_rules(args.ignore),
    )
    walk = cli.Walk(force_exclude=args.force_exclude, respect_gitignore=args.respect_gitignore)
    output = cli.Output(
        statistics=args.statistics, quiet=args.quiet, silent=args.silent, unsafe_fixes=args.unsafe_fixes
    )

    def once() -> int:
        out: TextIO = sys.stderr if stdin and args.fix and not args.diff else sys.stdout
        try:
            if args.output_file is not None:
                out = open(args.output_file, "w", encoding="utf-8")  # noqa: SIM115 - closed below
            fixed = cli.Fixed()
            if (args.fix or args.diff) and paths:
                fixed = cli.apply_fixes(
                    paths,
                    args.config,
                    unsafe=args.unsafe_fixes,
                    write=not args.diff,
                    walk=walk,
                    show=args.show_fixes,
                    quiet=args.quiet or args.silent,
                )
                if args.diff:
                    return EXIT_FINDINGS if fixed.changed and not args.exit_zero else EXIT_CLEAN
            results = None
            if stdin:
                name = Path(args.stdin_filename or "-")
                fix = args.fix and not args.diff
                results = [cli.check_stdin(name, args.config, fix=fix, unsafe=args.unsafe_fixes)]
                results += cli.collect(paths, args.jobs, args.config, walk) if paths else []
            code = cli.run_check(
                paths,
                fmt,
                args.color,
                out,
                fail_on=Severity[args.fail_on.upper()],
                exit_zero=args.exit_zero,
                jobs=args.jobs,
                config_file=args.config,
                results=results,
                output=replace(output, fixed=fixed.codes) if args.show_fixes else output,
                walk=walk,
            )
            # A file --fix could not write is an error the user must act on, whatever was found.
            return EXIT_USAGE if fixed.not_written and code != EXIT_INTERNAL else code
        except ConfigError as exc:
            sys.stderr.write(f"flare-ls: error: {exc.message}\n")
            return EXIT_USAGE
        except BrokenPipeError:  # `flare-ls check . | head` is fine
            return EXIT_FINDINGS
        except OSError as exc:
            sys.stderr.write(f"flare-ls: error: {exc}\n")
            return EXIT_USAGE
        except Exception as exc:  # noqa: BLE001 - documented exit code instead of a traceback
            sys.stderr.write(f"flare-ls: internal error: {type(exc).__name__}: {exc}\n")
            return EXIT_INTERNAL
        finally:
            if out not in (sys.stdout, sys.stderr):
                out.close()

    def run() -> int:
        if args.watch:
            from .watch import watch

            return watch(once, paths, walk, args.config)
        return once()

    if not args.spark_sql:
        return run()
    from ..sql.spark import SPARK_LINE, SparkUnavailable

    try:
        with cli.spark_sql_syntax():
            return run()
    except SparkUnavailable as exc:
        reason = (str(exc).strip().splitlines() or ["Spark's parser did not start"])[0]
        sys.stderr.write(f"flare-ls: --spark-sql needs pyspark {SPARK_LINE} and a Java runtime: {reason}\n")
        return EXIT_USAGE
