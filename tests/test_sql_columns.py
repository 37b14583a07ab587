"""Column names in a query's text (sql/columns.py): the result's columns as Spark names them, and the
``alias.column`` references whose alias is a plain view of the same SELECT; and FL409 over a job."""

from __future__ import annotations

import pytest

from flare_ls.analyze import analyze
from flare_ls.sql import analyze_sql


def _result(text: str) -> list[tuple[str, str | tuple[str, ...]]] | None:
    columns = analyze_sql(text).result_columns
    if columns is None:
        return None
    return [(c.kind, c.views if c.kind == "star" else c.name) for c in columns]


def _refs(text: str) -> list[tuple[str, str, str]]:
    """(view, qualifier, the characters the reference is reported at)."""
    return [(r.view, r.qualifier, text[r.start : r.end]) for r in analyze_sql(text).column_refs]


def test_result_columns_are_named_as_spark_names_them() -> None:
    text = "SELECT o.id, amount AS total, CAST(value AS STRING), t.s.field, upper(name), 'lit', (qty) FROM o"
    assert _result(text) == [
        ("named", "id"),
        ("named", "total"),
        ("named", "value"),  # an unaliased cast keeps its column's name
        ("named", "field"),  # a struct field is named by its last part
        ("unnamed", ""),  # Spark names it `upper(name)`
        ("named", "lit"),
        ("named", "qty"),
    ]


def test_stars_name_the_views_they_expand() -> None:
    assert _result("SELECT *, CAST(value AS STRING) AS v FROM kafka") == [("star", ("kafka",)), ("named", "v")]
    assert _result("SELECT * FROM a JOIN b ON a.id = b.id") == [("star", ("a", "b"))]
    assert _result("SELECT y.*, x.id FROM a x JOIN b y ON true") == [("star", ("b",)), ("named", "id")]


def test_a_union_is_named_after_its_first_select() -> None:
    assert _result("SELECT a, b AS c FROM t UNION ALL SELECT x, y FROM u") == [("named", "a"), ("named", "c")]
    assert _result("(SELECT a FROM t) UNION SELECT b FROM u UNION SELECT c FROM v") == [("named", "a")]


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * FROM (SELECT 1 AS a) s",  # a subquery
        "SELECT * FROM (SELECT 1 AS a) JOIN t ON true",  # an unaliased subquery still adds columns
        "WITH c AS (SELECT a FROM t) SELECT * FROM c",  # a CTE
        "SELECT s.* FROM t",  # a struct column's fields
        "SELECT * FROM lakehouse.retail.t",  # a catalog table
        "SELECT * FROM t LATERAL VIEW explode(items) e AS item",
        "SELECT * FROM t AS x(a, b)",  # column aliases
        "SELECT explode(items) FROM t",  # a generator names its own columns (`col`)
        "SELECT json_tuple(j, 'a', 'b') FROM t",
        "SELECT *",
        "CACHE TABLE c AS SELECT a FROM t",
        "SELECT a FROM t; SELECT b FROM u",
    ],
)
def test_result_columns_are_unknown_when_the_text_cannot_tell_them(text: str) -> None:
    assert _result(text) is None


def test_an_aliased_generator_is_named_by_its_aliases() -> None:
    assert _result("SELECT explode(m) AS (k, v), posexplode(a) AS p FROM t") == [
        ("named", "k"),
        ("named", "v"),
        ("named", "p"),
    ]


def test_a_placeholder_naming_a_result_column_leaves_the_result_unknown() -> None:
    assert _result("SELECT ${COLUMNS} FROM t") is None
    assert _result("SELECT a AS {{ name }} FROM t") is None
    assert _result("SELECT upper(${COLUMN}) AS a FROM t") == [("named", "a")]


def test_references_are_qualified_columns_of_plain_views_in_their_own_select() -> None:
    text = (
        "SELECT o.amout, o.`total sum`, o.address.city, c.name, amount, s.x "
        "FROM orders o JOIN customers c ON o.cid = c.id JOIN (SELECT 1 AS x) s ON true"
    )
    assert _refs(text) == [
        ("orders", "o", "amout"),
        ("orders", "o", "total sum"),  # inside its backquotes
        ("orders", "o", "address"),  # a struct field: only the column is checked
        ("customers", "c", "name"),
        ("orders", "o", "cid"),
        ("customers", "c", "id"),
    ]
    ref = analyze_sql(text).column_refs[1]
    assert ref.quoted and ref.views == ("orders", "customers")


@pytest.mark.parametrize(
    "text",
    [
        "WITH c AS (SELECT a FROM t) SELECT c.a FROM c",  # a CTE
        "SELECT s.a FROM (SELECT a FROM t) s",  # a subquery
        "SELECT 1 FROM u WHERE EXISTS (SELECT 1 FROM v WHERE v.id = u.id)",  # `u.id`: an outer reference
        "SELECT transform(items, o -> o.price + 1) FROM orders o",  # a lambda variable
        "SELECT a FROM t UNION SELECT b FROM u ORDER BY t.a",  # a UNION's ORDER BY
        "SELECT r.a FROM lakehouse.retail.t r",  # a catalog table
        "SELECT p.a FROM t p PIVOT (sum(x) FOR y IN (1, 2))",
        "SELECT o.${COLUMN} FROM orders o",  # filled in later
    ],
)
def test_references_through_anything_but_a_plain_view_are_left_out(text: str) -> None:
    assert [ref for ref in _refs(text) if ref[0] != "v"] == []  # `v.id` is the one kept


# -- FL409 over a job: what makes a view's columns known ---------------------------------------------
JOB = """\
version: v1
name: columns
type: workflow
workflow:
  dag:
    - name: columns-job
      spec:
        stack: flare:7.0
        compute: runnable-default
        stackSpec:
          job:
            inputs:
              - name: events
                dataset: dataos://kafkadepot:none/events?acl=rw
                format: kafkajson
                isStream: false
{input_extra}            steps:
              - sequence:
                  - name: first
                    sql: {first}
{step_extra}                  - name: second
                    sql: {second}
            outputs:
              - name: second
                dataset: dataos://lakehouse:retail/second?acl=rw
                format: Iceberg
"""


def _unknown_columns(first: str, second: str, input_extra: str = "", step_extra: str = "") -> list[str]:
    text = JOB.format(first=first, second=second, input_extra=input_extra, step_extra=step_extra)
    return [f.message for f in analyze(text) if f.code == "FL409"]


def test_kafka_headers_are_listed_with_include_headers_and_never_reported() -> None:
    (message,) = _unknown_columns("SELECT e.headers, e.vaule FROM events e", "SELECT * FROM first")
    assert "did you mean `value`?" in message and "`headers`" not in message
    options = "                options:\n                  includeHeaders: true\n"
    (message,) = _unknown_columns("SELECT e.headers, e.vaule FROM events e", "SELECT * FROM first", options)
    assert message.endswith("`timestampType`, `headers`)")


def test_a_kafka_input_that_declares_a_schema_has_unknown_columns() -> None:
    assert _unknown_columns("SELECT e.vaule FROM events e", "SELECT * FROM first")
    schema = "                schemaPath: dataos://thirdparty01:schemas/events.avsc\n"
    assert _unknown_columns("SELECT e.vaule FROM events e", "SELECT * FROM first", schema) == []


def test_a_step_with_functions_has_unknown_columns() -> None:
    second = "SELECT f.value_text FROM first f"
    assert _unknown_columns("SELECT e.key, CAST(e.value AS STRING) AS text FROM events e", second)
    functions = "                    functions:\n                      - name: rename_all\n"
    functions += "                        columns:\n                          text: value_text\n"
    assert _unknown_columns("SELECT e.key, CAST(e.value AS STRING) AS text FROM events e", second, "", functions) == []


def test_a_backquoted_reference_may_read_an_unaliased_expressions_name() -> None:
    first = "SELECT upper(e.topic), e.key FROM events e"
    assert _unknown_columns(first, "SELECT f.`upper(topic)` FROM first f") == []  # Spark's name for it
    (message,) = _unknown_columns(first, "SELECT f.upper FROM first f")
    assert message == ("`f.upper` is not a column of step `first` (its columns: `key`, expressions without an alias)")
