"""The SQL facts the rules read: reads, operations, binary Kafka columns, syntax errors, placeholders,
and the cache that keeps an unchanged query from being parsed again."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flare_ls import sql
from flare_ls.analyze import analyze
from flare_ls.sql import analyze_sql, incremental_keys, mask_placeholders


def test_placeholders_are_masked_in_place() -> None:
    text = "SELECT '${RUN}' AS r FROM ${TABLE} WHERE d = $|start| AND e = {{ day }} AND f = ${{ENV}}"
    masked, spans = mask_placeholders(text)
    assert len(masked) == len(text)
    assert [text[s:e] for s, e in spans] == ["${RUN}", "${TABLE}", "$|start|", "{{ day }}", "${{ENV}}"]
    assert "$" not in masked and "{" not in masked and "|" not in masked
    facts = analyze_sql(text)
    assert facts.parsed and facts.error is None
    assert facts.reads == ()  # the table named by a placeholder is not a view to check


def test_reads_skip_ctes_catalog_tables_functions_and_written_tables() -> None:
    facts = analyze_sql(
        "WITH recent AS (SELECT * FROM orders) "
        "INSERT INTO target SELECT * FROM recent JOIN `customer list` c ON true "
        "JOIN lakehouse.retail.regions g ON true CROSS JOIN range(3) "
        "LATERAL VIEW explode(array(1)) e AS v"
    )
    assert [(r.name, r.start, r.end) for r in facts.reads] == [("orders", 30, 36), ("customer list", 84, 97)]


def test_operations_locate_the_clause_keywords() -> None:
    text = (
        "SELECT DISTINCT a, count(DISTINCT b), row_number() OVER (PARTITION BY a ORDER BY b) AS n, now() AS t "
        "FROM s JOIN u ON s.a = u.a GROUP BY a ORDER BY a LIMIT 5"
    )
    facts = analyze_sql(text)
    found = [(o.kind, text[o.start : o.end]) for o in facts.operations]
    assert found == [
        ("distinct", "DISTINCT"),
        ("aggregate", "count"),
        ("distinct-aggregate", "DISTINCT"),
        ("window", "OVER"),
        ("current-time", "now"),
        ("join", "JOIN"),
        ("aggregate", "GROUP BY"),
        ("order", "ORDER BY"),  # the ORDER BY inside OVER (...) belongs to the window
        ("limit", "LIMIT"),
    ]


def test_time_window_function_parses_and_named_window_clause_still_parses() -> None:
    time_window = analyze_sql("SELECT window(ts, '1 minute') AS w, count(*) FROM s GROUP BY window(ts, '1 minute')")
    assert time_window.parsed and [o.kind for o in time_window.operations] == ["aggregate", "aggregate"]
    named = analyze_sql("SELECT a, sum(b) OVER w FROM s WINDOW w AS (PARTITION BY a)")
    assert named.parsed and named.error is None


def test_binary_columns_only_outside_casts_and_in_the_select_list() -> None:
    text = (
        "SELECT key, k.value AS v, CAST(value AS STRING) AS s, from_json(CAST(value AS STRING), 'a INT') AS j, "
        "upper(key) AS u FROM kafka k WHERE value IS NOT NULL"
    )
    uses = analyze_sql(text).binary_columns
    assert [(u.name, text[u.start : u.end], u.bare, u.sources) for u in uses] == [
        ("key", "key", True, (("kafka", "k"),)),
        ("value", "k.value", False, (("kafka", "k"),)),
        ("key", "key", False, (("kafka", "k"),)),
    ]


@pytest.mark.parametrize(
    ("text", "message", "marked"),
    [
        (
            "SELECT a FROM t JOIN u ON t.id = u.id WHERE",
            "SQL syntax error at the end of the query: it stops after `WHERE`, before it is complete",
            "WHERE",
        ),
        ("SELECT a FROM t WHERE x = (1", "SQL syntax error at the end of the query: a `)` is missing", "1"),
        ("SELECT a FROM t WHERE x = = 1", "SQL syntax error at or near `=`: an operand is missing before `=`", "="),
        ("SELECT id,, name FROM t", "SQL syntax error at or near `,`: an item is missing before this comma", ","),
        ("SELECT * FROM t,", "SQL syntax error at the end of the query: a list ends with a comma", ","),
        ("SELECT a FROM t GROUP a", "SQL syntax error at or near `a`", "a"),
        ("SELECT a.x b.y FROM a", "SQL syntax error at or near `.`", "."),
        ("SELEC * FRM t", "SQL syntax error at or near `SELEC`; did you mean `SELECT`?", "SELEC"),
        ("SELECT 'open FROM t", "SQL syntax error at or near `'`: the string is never closed", "'"),
        ("SELECT CAST(a AS STRNG) FROM t", "SQL syntax error at or near `STRNG`", "STRNG"),
        (
            "SELECT date '2021-02-29' FROM t",
            "SQL syntax error: The value of the typed literal \"DATE\" is invalid: '2021-02-29'",
            "date '2021-02-29'",
        ),
    ],
)
def test_syntax_errors_are_explained_at_their_token(text: str, message: str, marked: str) -> None:
    facts = analyze_sql(text)
    assert not facts.parsed and facts.error is not None
    assert facts.error.message == message
    assert text[facts.error.start : facts.error.end] == marked


def test_incremental_keys_with_spaces() -> None:
    assert incremental_keys("a = '$|start|' AND b < $| end |") == [("start", 5, 13), ("end", 23, 31)]


MANIFEST = """\
version: v1
name: cache-check
type: workflow
workflow:
  dag:
    - name: cache-check-job
      spec:
        stack: flare:7.0
        compute: runnable-default
        stackSpec:
          job:
            inputs:
              - name: orders
                dataset: dataos://lakehouse:retail/orders
            steps:
              - sequence:
                  - name: first
                    sql: SELECT * FROM orders WHERE a = 1
                  - name: second
                    sql: SELECT * FROM first WHERE b = 2
            outputs:
              - name: second
                dataset: dataos://lakehouse:retail/second?acl=rw
"""


def test_an_edit_reparses_only_the_query_it_changed() -> None:
    analyze(MANIFEST)  # warm: both queries parsed
    before = sql._analyze_masked.cache_info()
    analyze(MANIFEST.replace("description", "x"))  # nothing in SQL changed
    unchanged = sql._analyze_masked.cache_info()
    assert unchanged.misses == before.misses and unchanged.hits > before.hits
    analyze(MANIFEST.replace("b = 2", "b = 3"))  # one query changed
    after = sql._analyze_masked.cache_info()
    assert after.misses == unchanged.misses + 1


def test_input_queries_are_trino_and_read_catalog_tables() -> None:
    text = MANIFEST.replace(
        "                dataset: dataos://lakehouse:retail/orders\n",
        '                query: SELECT "order id" FROM icebase.retail.orders CROSS JOIN unnest(ARRAY[1]) AS t(x)\n',
    )
    codes = {f.code for f in analyze(text)}
    assert "FL401" not in codes and "FL402" not in codes
    broken = text.replace("CROSS JOIN unnest(ARRAY[1]) AS t(x)", "WHERE")
    assert any(f.code == "FL401" and "Trino" in f.message for f in analyze(broken))


def test_passes_through_names_the_tables_a_star_passes_on() -> None:
    assert analyze_sql("SELECT *, CAST(value AS STRING) AS v FROM kafka").passes_through == ("kafka",)
    assert analyze_sql("SELECT k.*, d.name FROM kafka k JOIN devices d ON true").passes_through == ("kafka",)
    assert analyze_sql("SELECT * FROM a UNION ALL SELECT * FROM b").passes_through == ("a", "b")
    assert analyze_sql("SELECT a FROM kafka").passes_through == ()


@pytest.mark.parametrize(
    "text",
    [
        # Outside ANSI mode a keyword may be a name: each of these parses in Spark (and fails later,
        # at analysis, on a column or table it cannot find), so none is a syntax error.
        "SELECT id, name, FROM input",
        "SELECT * FROM",
        "SELECT a FROM t WHERE",
        "SELECT CASE END",
        "SELECT max() AS m FROM t",
        # Spark's own constructs that sqlglot does not read.
        "SELECT a FROM t GROUP BY GROUPING SETS ((a), ())",
        "SELECT a FROM t LIMIT ALL",
        "FROM t SELECT a",
    ],
)
def test_what_spark_parses_is_no_syntax_error(text: str) -> None:
    assert analyze_sql(text).error is None


def test_a_condition_is_judged_as_an_expression() -> None:
    from flare_ls.sql import CONDITION

    assert analyze_sql("day < '2024-01-01' AND region = 'eu'", CONDITION).error is None
    error = analyze_sql("day < AND region = 'eu'", CONDITION).error
    assert error is not None and error.message == "SQL syntax error at or near `=`"  # `day < AND` aliased `region`


SQL_ALPHABET = st.sampled_from(
    [
        "SELECT",
        "FROM",
        "WHERE",
        "GROUP",
        "BY",
        "AS",
        "JOIN",
        "ON",
        "(",
        ")",
        ",",
        "'",
        "`",
        "a",
        "t",
        "1",
        "=",
        "*",
        ".",
        "CAST",
        "INTERVAL",
        "'1 day'",
        "--",
        "/*",
        "*/",
        "\n",
        " ",
        ";",
        "é",
        "->",
        "[",
        "]",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(SQL_ALPHABET, max_size=40).map(" ".join))
def test_spark_grammar_gives_a_verdict_on_any_text(text: str) -> None:
    from flare_ls.sql import grammar

    verdict = grammar.verdict(text)
    assert verdict is None or verdict is False or isinstance(verdict, grammar.SyntaxProblem)
    if isinstance(verdict, grammar.SyntaxProblem):
        assert 0 <= verdict.start <= verdict.end <= len(text)


def test_spark_grammar_gives_up_on_deep_nesting_rather_than_crash() -> None:
    from flare_ls.sql import grammar

    deep = "SELECT " + "(" * 5000 + "1" + ")" * 5000
    assert grammar.verdict(deep) is False  # too deep to decide: sqlglot's verdict stands
