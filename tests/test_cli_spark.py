"""``flare-ls check --spark-sql``: FL401 takes Spark's own parser's verdict on Spark SQL, in CI only.

The tests that need Spark's parser (pyspark 3.5 and a Java runtime: ``pip install -e '.[test]'`` and
``bash scripts/setup-editor-tests.sh``) run the command in this process, so that the module starts one
JVM (``sql.spark.shared_parser``, which the command reuses); they are skipped, saying why, without it.
The paths without pyspark or Java, and the language server's imports, run everywhere.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from flare_ls import cli, sql
from flare_ls.sql import analyze_sql
from flare_ls.sql import spark as spark_sql
from flare_ls.sql.cache import FactsStore
from golden import ROOT

UNAVAILABLE = spark_sql.unavailable_reason()
needs_spark = pytest.mark.skipif(
    UNAVAILABLE is not None,
    reason=f"Spark's parser cannot run here: {UNAVAILABLE} "
    "(pip install -e '.[test]' brings pyspark; bash scripts/setup-editor-tests.sh a Java runtime)",
)

JUDGED_BY = "(Spark SQL, judged by Spark 3.5's parser)"
#: Spark stops at the second comma (sqlglot would read the empty item as nothing and parse the query).
SPARK_REJECTS = "SELECT id,, name FROM city"
#: Spark reads a trailing WHERE as the table's alias (WHERE is not reserved; sqlglot wants a condition).
SPARK_ACCEPTS = "SELECT * FROM city WHERE"


def manifest(sql_text: str, *, delete_where: str | None = None) -> str:
    """A clean manifest whose one step runs ``sql_text`` (on line 19, from column 26), and optionally
    an action with a ``deleteWhere`` condition (on line 29, from column 30)."""
    action = (
        f"""            actions:
              - name: delete_from_dataset
                input: city
                deleteWhere: {delete_where}
"""
        if delete_where is not None
        else ""
    )
    return f"""version: v1
name: city-ingest
type: workflow
workflow:
  dag:
    - name: city-ingest-job
      spec:
        stack: flare:7.0
        compute: runnable-default
        stackSpec:
          job:
            inputs:
              - name: city
                dataset: dataos://lakehouse:retail/city?acl=rw
                format: iceberg
            steps:
              - sequence:
                  - name: cities
                    sql: {sql_text}
            outputs:
              - name: cities
                dataset: dataos://lakehouse:retail/cities?acl=rw
                format: iceberg
                options:
                  saveMode: overwrite
{action}"""


@pytest.fixture(autouse=True)
def _keep_cli_options(monkeypatch) -> None:
    """``cli.main`` leaves its run's options in globals of ``flare_ls.cli`` (for forked workers to see):
    put them back after each test, or ``--no-cache`` here would turn the cache off for later tests."""
    for name in ("_NO_CACHE", "_MAX_FILE_SIZE", "_RULES"):
        monkeypatch.setattr(cli, name, getattr(cli, name))


@pytest.fixture(scope="module")
def spark_parser() -> Iterator[spark_sql.SparkParser]:
    """The process's Spark parser, started once for the module (every ``--spark-sql`` run here reuses
    it) and stopped after it, rather than keeping a JVM for the rest of the session."""
    parser = spark_sql.shared_parser()
    yield parser
    parser.close()
    spark_sql._SHARED = None


def check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[dict[str, object]]]:
    """``flare-ls check ARGS --format json``, in this process: the exit code and the findings."""
    code = cli.main(["check", *args, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def write(tmp_path: Path, text: str, name: str = "job.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@needs_spark
def test_spark_sql_reports_sparks_own_message_at_the_offending_token(spark_parser, tmp_path, capsys) -> None:
    path = write(tmp_path, manifest(SPARK_REJECTS))
    code, findings = check(capsys, str(path), "--no-cache")
    assert code == 1 and [f["message"] for f in findings] == [
        "SQL syntax error at or near `,`: an item is missing before this comma (Spark SQL)"
    ]

    code, findings = check(capsys, str(path), "--no-cache", "--spark-sql")
    assert code == 1
    assert [(f["code"], f["message"], f["location"], f["end_location"]) for f in findings] == [
        (
            "FL401",
            f"[PARSE_SYNTAX_ERROR] Syntax error at or near ',' {JUDGED_BY}",
            {"row": 19, "column": 36},
            {"row": 19, "column": 37},
        )
    ]
    assert sql.SPARK_JUDGE is None  # the judge serves its run only


@needs_spark
def test_spark_sql_says_nothing_where_spark_parses(spark_parser, tmp_path, capsys) -> None:
    assert analyze_sql(SPARK_ACCEPTS).error is None  # flare-ls's own verdict agrees
    path = write(tmp_path, manifest(SPARK_ACCEPTS))
    code, findings = check(capsys, str(path), "--no-cache", "--spark-sql")
    # No syntax error; what remains is FL410's: Spark took the trailing WHERE for the table's alias.
    assert code == 1 and [f["code"] for f in findings] == ["FL410"]


@needs_spark
def test_an_action_condition_is_judged_as_an_expression(spark_parser, tmp_path, capsys) -> None:
    # `city_id > 10` is no statement: judged as one, Spark would reject it.
    good = write(tmp_path, manifest("SELECT * FROM city", delete_where="city_id > 10"), "good.yaml")
    bad = write(tmp_path, manifest("SELECT * FROM city", delete_where="city_id > > 10"), "bad.yaml")
    code, findings = check(capsys, str(good), str(bad), "--no-cache", "--spark-sql")
    assert code == 1
    assert [(Path(str(f["filename"])).name, f["code"], f["message"], f["location"]) for f in findings] == [
        (
            "bad.yaml",
            "FL401",
            f"[PARSE_SYNTAX_ERROR] Syntax error at or near '>' {JUDGED_BY}",
            {"row": 29, "column": 40},
        )
    ]


@needs_spark
def test_spark_verdicts_stay_out_of_the_sql_facts_cache(spark_parser, tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("FLARE_LS_CACHE_DIR", str(tmp_path / "cache"))
    path = write(tmp_path, manifest(SPARK_REJECTS))
    assert check(capsys, str(path), "--spark-sql")[0] == 1

    # The cache holds flare-ls's own facts, and a run without --spark-sql gives its own verdict from it.
    facts = FactsStore(tmp_path / "cache").get((SPARK_REJECTS, "spark"))
    assert facts is not None and facts.error is not None and not facts.error.message.startswith("[PARSE")
    code, findings = check(capsys, str(path))
    assert code == 1 and [f["message"] for f in findings] == [
        "SQL syntax error at or near `,`: an item is missing before this comma (Spark SQL)"
    ]


@needs_spark
def test_a_spark_run_checks_its_files_in_one_process(spark_parser, tmp_path, capsys, monkeypatch) -> None:
    # Enough files for a process pool, were it not --spark-sql: a forked worker cannot use the JVM.
    monkeypatch.setattr(cli, "PARALLEL_FROM", 2)

    def no_pool(*_: object) -> None:
        raise AssertionError("--spark-sql started worker processes")

    monkeypatch.setattr("multiprocessing.get_context", no_pool)
    paths = [str(write(tmp_path, manifest(SPARK_REJECTS), f"job{i}.yaml")) for i in range(3)]
    code, findings = check(capsys, *paths, "--no-cache", "--spark-sql", "--jobs", "2")
    assert code == 1
    assert [f["code"] for f in findings] == ["FL401"] * 3


def test_without_pyspark_the_run_stops_with_one_line(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "pyspark", None)  # `import pyspark` raises ImportError
    monkeypatch.setattr(spark_sql, "_SHARED", None)  # as in a process that has not started Spark
    path = write(tmp_path, manifest(SPARK_REJECTS))
    assert cli.main(["check", str(path), "--no-cache", "--spark-sql"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        "flare-ls: --spark-sql needs pyspark 3.5 and a Java runtime: "
        "pyspark is not installed (install flare-ls[spark])\n"
    )
    assert sql.SPARK_JUDGE is None


def test_without_java_the_command_exits_2_with_one_line_and_no_traceback(tmp_path) -> None:
    path = write(tmp_path, manifest(SPARK_REJECTS))
    env = {k: v for k, v in os.environ.items() if k != "JAVA_HOME"}
    env.update(PATH=str(tmp_path), PYTHONPATH=str(ROOT / "server"), FLARE_LS_NO_CACHE="1")
    done = subprocess.run(
        [sys.executable, "-m", "flare_ls", "check", str(path), "--spark-sql"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("flare-ls: --spark-sql needs pyspark 3.5 and a Java runtime: ")
    if UNAVAILABLE is None or UNAVAILABLE.startswith("no Java runtime"):  # pyspark is here: Java is what lacks
        assert "no Java runtime" in lines[0]


# Imports the language server, serves a manifest whose SQL has a syntax error, and says which of the
# Spark modules were loaded.
SERVER_PROBE = """
import sys
from flare_ls.cli import serve  # noqa: F401  (what `flare-ls server` runs)
from flare_ls.lsp.server import create_server
from flare_ls.analyze import analyze
create_server()
assert [f.code for f in analyze(sys.stdin.read())] == ["FL401"]
print(sorted(m for m in sys.modules if m == "pyspark" or m == "py4j" or m == "flare_ls.sql.spark"))
"""


def test_the_language_server_never_loads_spark() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SERVER_PROBE],
        input=manifest(SPARK_REJECTS),
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT / "server")),
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "[]\n"


@pytest.mark.parametrize(
    ("text", "offset", "token"),
    [
        ("SELECT id,, name FROM t", 10, ","),
        ("SELECT a FROM t WHERE x = 1 12", 28, "12"),
        ("SELECT a FROM t WHERE x <=> y", 24, "<=>"),
        ("SELECT 'it''s' x", 7, "'it'"),
        ("SELECT `odd name` FROM t", 7, "`odd name`"),
        ("SELECT 'never closed", 7, "'never closed"),
        ("SELECT a >", 10, ""),
    ],
)
def test_a_spark_problem_spans_the_token_spark_stopped_at(text: str, offset: int, token: str) -> None:
    problem = spark_sql.problem_of(text, spark_sql.SparkVerdict(False, "[PARSE_SYNTAX_ERROR] Syntax error.", offset))
    assert problem is not None
    assert (text[problem.start : problem.end], problem.message) == (token, "[PARSE_SYNTAX_ERROR] Syntax error")
    assert spark_sql.problem_of(text, spark_sql.SparkVerdict(True)) is None
