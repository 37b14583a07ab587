"""Names across YAML and SQL (the core of definition, references and rename), in every scalar style."""

from __future__ import annotations

import pytest

from flare_ls.names import name_at, names, related, rename_problem
from flare_ls.parsing.yamltree import split_lines

HEAD = """\
version: v1
name: names
type: workflow
workflow:
  dag:
    - name: names-job
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
                  - name: totals
"""
TAIL = """\
            outputs:
              - name: totals
                dataset: dataos://lakehouse:retail/totals?acl=rw
"""

STYLES = {
    "literal": "                    sql: |\n                      SELECT 'é😀' AS x, o.* FROM orders o\n",
    "folded": "                    sql: >-\n                      SELECT o.*\n                      FROM orders o\n",
    "plain": "                    sql: SELECT o.*\n                      FROM orders o\n",
    "single": "                    sql: 'SELECT ''it''''s'' AS x FROM orders o'\n",
    "double": '                    sql: "SELECT\\t\\"x\\" AS x FROM `orders` o"\n',
}


@pytest.mark.parametrize("style", STYLES)
def test_a_view_read_in_sql_is_found_at_its_exact_characters(style: str) -> None:
    text = HEAD + STYLES[style] + TAIL
    lines = split_lines(text)
    every = names(text)
    (read,) = [n for n in every if n.in_sql]
    assert read.text == "orders" and read.editable
    (line, start), (end_line, end) = read.start, read.end
    assert line == end_line and lines[line][start:end] == "orders"
    # From the read, the definition and every use (the output's name is another view, `totals`).
    definitions, uses = related(every, read)
    assert [(d.text, d.start[0]) for d in definitions] == [("orders", 12)]
    assert uses == [read]
    assert name_at(every, (line, start + 2)) is read


def test_a_name_written_with_an_escape_is_found_but_not_editable() -> None:
    text = HEAD + '                    sql: "SELECT * FROM ord\\x65rs"\n' + TAIL
    (read,) = [n for n in names(text) if n.in_sql]
    assert read.text == "orders" and not read.editable


def test_names_in_sql_follow_spark_case_rules_and_skip_ctes() -> None:
    sql = "                    sql: WITH o AS (SELECT * FROM ORDERS) SELECT * FROM o JOIN Orders USING (id)\n"
    every = names(HEAD + sql + TAIL)
    reads = [n.text for n in every if n.in_sql]
    assert reads == ["ORDERS", "Orders"]
    orders = next(n for n in every if n.defines and n.text == "orders")
    _, uses = related(every, orders)
    assert [u.text for u in uses] == ["ORDERS", "Orders"]


@pytest.mark.parametrize(
    ("new", "problem"),
    [("sales_orders", None), ("_x1", None), ("1st", "not a plain Spark view name"), ("a-b", "not a plain")],
)
def test_rename_checks_the_new_view_name(new: str, problem: str | None) -> None:
    every = names(HEAD + STYLES["plain"] + TAIL)
    orders = next(n for n in every if n.defines and n.text == "orders")
    found = rename_problem(orders, new)
    assert (found is None) if problem is None else (found is not None and problem in found)


def test_rename_checks_a_new_dag_job_name() -> None:
    every = names(HEAD + STYLES["plain"] + TAIL)
    job = next(n for n in every if n.kind == "job")
    assert rename_problem(job, "daily-load") is None
    assert "not a valid dag job name" in (rename_problem(job, "Daily_Load") or "")


def _corpus() -> list:
    from golden import CORPUS, EXAMPLES

    return sorted(CORPUS.glob("*.yaml")) + sorted(EXAMPLES.rglob("*.yaml"))


@pytest.mark.parametrize("path", _corpus(), ids=lambda p: p.stem)
def test_every_name_in_real_manifests_covers_its_own_text(path) -> None:
    text = path.read_bytes().decode("utf-8", errors="replace")
    lines = split_lines(text)
    for name in names(text, lines=lines):
        (line, start), (end_line, end) = name.start, name.end
        if name.in_sql and name.editable:
            assert line == end_line and lines[line][start:end] == name.text, (name, lines[line])
        elif not name.in_sql and name.node.style is None:
            assert lines[line][start:end] == name.text or line != end_line, (name, lines[line])


def test_names_of_two_workflows_in_one_file_are_kept_apart() -> None:
    second = (HEAD + STYLES["plain"] + TAIL).replace("name: names\n", "name: other\n", 1)
    every = names(HEAD + STYLES["plain"] + TAIL + "---\n" + second)
    first_orders = next(n for n in every if n.defines and n.text == "orders")
    definitions, uses = related(every, first_orders)
    assert definitions == [first_orders]
    assert [u.start[0] for u in uses] == [n.start[0] for n in every if n.in_sql][:1]
    first_job = next(n for n in every if n.kind == "job")
    assert related(every, first_job)[0] == [first_job]
