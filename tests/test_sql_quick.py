"""The quick path (``sql/quick.py``) gives sqlglot's facts, or stands aside.

Wherever it reads a text, its facts (and so the verdict, the tables read, the operations, the columns)
must equal those of the full path: our grammar's verdict with sqlglot's tree (``sql._full_facts``). Held
against every real query (``tests/sql_oracle.py``), their mutations and random queries in the shape
manifests write (``tests/sql_generated.py``). A longer run, other queries:
``FLARE_LS_QUICK_EXAMPLES=100000 FLARE_LS_QUICK_SEED=7 python -m pytest -q tests/test_sql_quick.py``.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sql_generated
import sql_oracle

from flare_ls import sql
from flare_ls.sql import probe, quick, sqlglot_names

EXAMPLES = int(os.environ.get("FLARE_LS_QUICK_EXAMPLES", "4000"))
SEED = int(os.environ.get("FLARE_LS_QUICK_SEED", "20261203"))
ROOT = Path(__file__).resolve().parent.parent


def _mismatches(texts: list[tuple[str, bool]]) -> tuple[int, list[str]]:
    taken, wrong = 0, []
    for text, expression in texts:
        if not text.strip():
            continue
        facts = quick.facts(text, expression=expression)
        if facts is None:
            continue
        taken += 1
        full = sql._full_facts(text, sql.CONDITION if expression else "spark")
        if facts != full:
            fields = [f for f in facts.__dataclass_fields__ if getattr(facts, f) != getattr(full, f)]
            wrong.append(f"{text!r}: {', '.join(fields)} differ")
    return taken, wrong


def test_the_table_was_probed_from_the_installed_sqlglot() -> None:
    import sqlglot

    assert sqlglot_names.VERSION == sqlglot.__version__, "run `python -m flare_ls.sql.probe`"
    assert sqlglot_names.SOURCE == probe.fingerprint(), (
        "sql/sqlglot_names.py is stale: run `python -m flare_ls.sql.probe`"
    )


def test_real_queries_get_sqlglots_facts() -> None:
    real = sql_oracle.real_queries()
    taken, wrong = _mismatches([(q.text, q.kind == "expression") for q in real])
    assert not wrong, "\n".join(wrong)
    # Most real queries are plain SELECTs: the quick path must take them, or it saves nothing.
    assert taken >= len(real) * 0.6, f"the quick path took only {taken} of {len(real)} real queries"


def test_mutations_get_sqlglots_facts() -> None:
    mutated = sql_oracle.mutations(sql_oracle.real_queries())
    taken, wrong = _mismatches([(q.text, q.kind == "expression") for q in mutated])
    assert not wrong, "\n".join(wrong[:20])
    assert taken > 100


def test_generated_queries_get_sqlglots_facts() -> None:
    taken, wrong = _mismatches(sql_generated.queries(EXAMPLES, SEED))
    assert not wrong, "\n".join(wrong[:20])
    assert taken > EXAMPLES // 10


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * FROM input",
        "SELECT *, CAST(key AS STRING) AS key_string, CAST(value AS STRING) AS value_string FROM kafka",
        "SELECT *, date_format (now(), 'yyyyMMddHHmm') AS version, now() AS ts_city FROM input limit 10",
        "select * from ga_session where date = '__start_'",
        "select to_date(date, 'yyyyMMdd') as Date, visitId, trafficSource.medium as m FROM ga_input",
        "select cast(value as string) data from random_user",
        "SELECT CAST(value AS STRING) AS v, timestamp FROM events WHERE key IS NOT NULL",
        "SELECT o.id, c.name FROM orders o LEFT JOIN customers c ON o.customer_id = c.id WHERE o.total > 10",
        "SELECT order_id FROM sales_orders WHERE order_date >= CURRENT_DATE - INTERVAL '1' DAY",
        "SELECT a, count(DISTINCT b) AS n FROM t GROUP BY a HAVING count(*) > 1 ORDER BY n DESC LIMIT 5",
        "SELECT * FROM city UNION ALL SELECT * FROM deltas",
        "/* copy 17 */ select 1",
    ],
)
def test_common_queries_take_the_quick_path(text: str) -> None:
    facts = quick.facts(text)
    assert facts is not None
    assert facts == sql._full_facts(text, "spark")


@pytest.mark.parametrize(
    "text, expression",
    [
        # Each once gave facts other than sqlglot's; now each stands aside.
        ("SELECT interval 1 day + '2' hour FROM t", False),  # sqlglot adds a second interval
        ("SELECT nullable(date.a) FROM t", False),  # a type's name: sqlglot reads its arguments as types
        ("SELECT a FROM t WHERE b BETWEEN c = d AND e", False),  # Spark takes a comparison as a bound
        ("SELECT string(DISTINCT x) FROM t", False),  # DISTINCT inside a cast
        ("prepare(my_udf())", True),  # sqlglot reads a condition starting with PREPARE as a statement
        ("SELECT array < b FROM t", False),  # sqlglot reads `array<` as a type
        ("SELECT trunc(a, value) FROM t", False),  # sqlglot reads `value` as a unit
        ("SELECT a FROM t GROUP /* x */ BY a", False),  # a comment inside GROUP BY
        ("SELECT a FROM t WHERE x = 1;", False),
        ("WITH c AS (SELECT 1) SELECT * FROM c", False),
        ("SELECT a FROM (SELECT a FROM t)", False),
        ("SELECT row_number() OVER (ORDER BY a) FROM t", False),
    ],
)
def test_texts_it_cannot_follow_are_left_to_sqlglot(text: str, expression: bool) -> None:
    assert quick.facts(text, expression=expression) is None
    assert sql.analyze_sql(text, sql.CONDITION if expression else "spark") == sql._full_facts(
        text, sql.CONDITION if expression else "spark"
    )


def test_another_sqlglot_version_turns_the_quick_path_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sqlglot_names, "VERSION", "0.0.0")
    quick._names.cache_clear()
    try:
        assert quick.facts("SELECT * FROM input") is None
    finally:
        monkeypatch.undo()
        quick._names.cache_clear()
    assert quick.facts("SELECT * FROM input") is not None


def test_a_manifest_of_common_queries_never_loads_sqlglot() -> None:
    # What the quick path saves a `flare-ls check` is mostly sqlglot's import.
    manifest = ROOT / "examples" / "seed" / "06-kafka-lakehouse-insights.yaml"
    code = (
        "import sys; from pathlib import Path; from flare_ls.analyze import analyze;"
        f"analyze(Path({str(manifest)!r}).read_text());"
        "print('sqlglot' in sys.modules)"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT / "server"))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert result.stdout.strip() == "False"
    assert importlib.util.find_spec("sqlglot") is not None
