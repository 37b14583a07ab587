"""Spark's own SQL parser, for the verdicts that only Spark can give with certainty.

flare-ls judges step SQL with sqlglot plus the checks of :mod:`flare_ls.sql.strict`, which agree with
Spark on every real query we know of. A team that wants Spark's own verdict in CI runs
``flare-ls check --spark-sql``; the oracle tests (``tests/test_sql_oracle.py``) use the same parser to
measure where flare-ls and Spark disagree. Either way this module is the bridge: it starts a JVM with
pyspark's gateway and calls ``SparkSqlParser.parsePlan`` (what ``spark.sql`` parses with) on each text,
with no Spark session and no data. The editor path never imports it: a JVM is seconds to start.

Needs ``pyspark`` (the ``flare-ls[spark]`` extra, Spark 3.5 as Flare runs it) and a Java runtime.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import subprocess
import threading
from dataclasses import dataclass
from typing import Any

from . import SqlProblem

#: The Spark line Flare 7 runs, and so the one whose parser is the judge.
SPARK_LINE = "3.5"


class SparkUnavailable(Exception):
    """Spark's parser cannot be started here: the message says what is missing."""


@dataclass(frozen=True)
class SparkVerdict:
    """Whether Spark parses a text; when it does not, its message and the offending character."""

    parsed: bool
    message: str = ""
    #: Offset into the text of the token Spark stopped at (its line and position, made an offset).
    offset: int = 0


_POSITION = re.compile(r"\s*\(line \d+, pos \d+\)\s*$")


def unavailable_reason() -> str | None:
    """Why Spark's parser cannot run here, or None when it can (without starting it)."""
    try:
        import pyspark
    except ImportError:
        return "pyspark is not installed (install flare-ls[spark])"
    if not pyspark.__version__.startswith(SPARK_LINE + "."):
        return f"pyspark {pyspark.__version__} is installed; Flare runs Spark {SPARK_LINE}"
    java_home = os.environ.get("JAVA_HOME")
    if not (java_home and os.path.isfile(os.path.join(java_home, "bin", "java"))) and shutil.which("java") is None:
        return "no Java runtime: install one (e.g. Debian's openjdk-17-jre-headless) or set JAVA_HOME"
    return None


class SparkParser:
    """One JVM running Spark's SQL parser; ``verdict(text)`` is thread-safe. Close it when done."""

    def __init__(self) -> None:
        reason = unavailable_reason()
        if reason is not None:
            raise SparkUnavailable(reason)
        from pyspark.java_gateway import launch_gateway

        # The JVM logs to its own stdout and stderr; a parser has nothing to say there.
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        try:
            self._gateway: Any = launch_gateway(
                popen_kwargs={"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
            )
        except Exception as exc:  # noqa: BLE001 - pyspark raises bare Exceptions when Java fails
            raise SparkUnavailable(f"the Spark JVM did not start: {exc}") from exc
        self._parser = self._gateway.jvm.org.apache.spark.sql.execution.SparkSqlParser()
        self._lock = threading.Lock()

    def verdict(self, text: str, *, expression: bool = False) -> SparkVerdict:
        """Spark's verdict on a statement, or on a condition (``expression``: an action's ``deleteWhere``)."""
        from py4j.protocol import Py4JJavaError

        with self._lock:
            try:
                if expression:
                    self._parser.parseExpression(text)
                else:
                    self._parser.parsePlan(text)
            except Py4JJavaError as exc:
                return _verdict_of(text, exc.java_exception)
        return SparkVerdict(True)

    def close(self) -> None:
        try:
            self._gateway.shutdown()
        except Exception:  # noqa: BLE001 - a JVM already gone is closed
            pass

    def __enter__(self) -> SparkParser:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


_SHARED: SparkParser | None = None
_SHARED_LOCK = threading.Lock()


def shared_parser() -> SparkParser:
    """The process's one SparkParser, started on first use and closed when the process exits: a JVM
    takes seconds to start, so a ``--watch`` session (or a test module) starts it once.
    Raises SparkUnavailable."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            _SHARED = SparkParser()
            atexit.register(_SHARED.close)
        return _SHARED


class SparkJudge:
    """Spark's verdicts as FL401's problems (a ``flare_ls.sql.SyntaxJudge``), for ``flare-ls check
    --spark-sql``. Each text is judged once per judge: the same query in many manifests costs one call
    into the JVM (about 1.5 ms each)."""

    label = f"Spark SQL, judged by Spark {SPARK_LINE}'s parser"

    def __init__(self, parser: SparkParser) -> None:
        self._parser = parser
        self._judged: dict[tuple[str, bool], SqlProblem | None] = {}

    def problem(self, text: str, *, expression: bool) -> SqlProblem | None:
        key = (text, expression)
        if key not in self._judged:
            self._judged[key] = problem_of(text, self._parser.verdict(text, expression=expression))
        return self._judged[key]


def problem_of(text: str, verdict: SparkVerdict) -> SqlProblem | None:
    """Spark's verdict as a problem at the token it stopped at (None when it parsed); its message is
    Spark's own, with error class (``[PARSE_SYNTAX_ERROR] Syntax error at or near ','``)."""
    if verdict.parsed:
        return None
    start = min(max(verdict.offset, 0), len(text))
    return SqlProblem(verdict.message.rstrip("."), start, _token_end(text, start))


#: One Spark SQL token from where it starts: a word or number, a quoted string or identifier (to its
#: closing quote, or the end of the text when it has none), an operator of two or three characters, or
#: any other single character.
_TOKEN = re.compile(
    r"""[A-Za-z0-9_]+|'(?:[^'\\]|\\.)*'?|"(?:[^"\\]|\\.)*"?|`[^`]*`?|<=>|[<>!=]=|<>|\|\||<<|>>|->|::|.""", re.S
)


def _token_end(text: str, start: int) -> int:
    """Where the token that starts at ``start`` ends; ``start`` itself at the end of the text (Spark
    stopped at the end of the input: nothing to underline but the place)."""
    match = _TOKEN.match(text, start)
    return match.end() if match is not None else start


def _verdict_of(text: str, error: Any) -> SparkVerdict:
    raw = str(error.getMessage() or "")
    first = next((line for line in raw.splitlines() if line.strip()), "Spark cannot parse this")
    message = _POSITION.sub("", first).strip()
    offset = len(text)
    line, position = _option(error, "line"), _option(error, "startPosition")
    if line is not None and position is not None:
        lines = text.split("\n")
        if 1 <= line <= len(lines):
            offset = sum(len(part) + 1 for part in lines[: line - 1]) + min(position, len(lines[line - 1]))
    return SparkVerdict(False, message, offset)


def _option(error: Any, name: str) -> int | None:
    """A Scala ``Option[Int]`` of a ParseException's, as None or an int."""
    try:
        value = getattr(error, name)()
        return int(value.get()) if value.isDefined() else None
    except Exception:  # noqa: BLE001 - not a ParseException (e.g. an analysis error): no position
        return None
