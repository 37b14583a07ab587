"""How often flare-ls and Spark's own parser agree on "parses / does not parse", before and after.

    python bench/sql_oracle.py [--mutations N] [--seed S]

Judges every Spark SQL text of the corpus, the seed, the examples and the fixtures, and N seeded
mutations of them (``tests/sql_oracle.py``), three ways: Spark 3.5's ``SparkSqlParser`` (the truth),
sqlglot alone (flare-ls 0.2's verdict) and flare-ls now (Spark's grammar in ``sql/grammar.py``, sqlglot
for what it does not model). Prints a confusion matrix for each, and the cost per query of the
grammar check beside sqlglot's parse. Needs pyspark and a Java runtime. A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "server"))
sys.path.insert(0, str(ROOT / "tests"))

import sql_oracle  # noqa: E402

from flare_ls import sql  # noqa: E402
from flare_ls.sql import grammar  # noqa: E402
from flare_ls.sql.spark import SparkParser, unavailable_reason  # noqa: E402


def sqlglot_parses(query: sql_oracle.SqlText) -> bool:
    """flare-ls 0.2's verdict: sqlglot's Spark dialect alone."""
    try:
        sql._parsed_facts(query.text, sql._dialect("spark"))
    except Exception:  # noqa: BLE001 - any failure is "does not parse"
        return False
    return True


def matrix(title: str, truth: list[bool], verdicts: list[bool]) -> None:
    both_ok = sum(t and v for t, v in zip(truth, verdicts, strict=True))
    both_bad = sum(not t and not v for t, v in zip(truth, verdicts, strict=True))
    false_error = sum(t and not v for t, v in zip(truth, verdicts, strict=True))
    missed = sum(not t and v for t, v in zip(truth, verdicts, strict=True))
    total = len(truth)
    print(f"  {title}: agreement {(both_ok + both_bad) / total:.2%} of {total}")
    print(f"    {'':<26}{'Spark parses':>14}{'Spark rejects':>15}")
    print(f"    {'flare-ls: parses':<26}{both_ok:>14}{missed:>15}")
    print(f"    {'flare-ls: syntax error':<26}{false_error:>14}{both_bad:>15}")


def per_query_us(function, texts: list[str], repeat: int = 5) -> float:  # type: ignore[no-untyped-def]
    best = []
    for text in texts:
        runs = []
        for _ in range(repeat):
            start = time.perf_counter()
            function(text)
            runs.append(time.perf_counter() - start)
        best.append(min(runs))
    return statistics.mean(best) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mutations", type=int, default=sql_oracle.MUTATIONS)
    parser.add_argument("--seed", type=int, default=sql_oracle.SEED)
    args = parser.parse_args()
    reason = unavailable_reason()
    if reason is not None:
        print(f"Spark's parser cannot run here: {reason}")
        return
    real = sql_oracle.real_queries()
    groups = {
        "real queries": real,
        "mutations": sql_oracle.mutations(real, args.mutations, args.seed),
    }
    with SparkParser() as spark:
        for name, queries in groups.items():
            truth = [spark.verdict(q.text, expression=q.kind == "expression").parsed for q in queries]
            print(f"{name} ({len(queries)}):")
            matrix("sqlglot alone (0.2)", truth, [sqlglot_parses(q) for q in queries])
            matrix("flare-ls now", truth, [sql_oracle.flare_ls_parses(q) for q in queries])
            parsed = [q for t, q in zip(truth, queries, strict=True) if t]
            named = sum(sql_oracle.keyword_name(q) is not None for q in parsed)
            print(f"    of the {len(parsed)} Spark parses, FL410 (a clause keyword read as a name) flags {named}")
    texts = [q.text for q in real if q.kind == "statement"]
    sqlglot_us = per_query_us(lambda t: sqlglot_parses(sql_oracle.SqlText(t, "statement", "")), texts)
    grammar_us = per_query_us(grammar.verdict, texts)
    print(
        f"cost per real query (mean of best of 5): sqlglot parse {sqlglot_us:.0f} us, "
        f"Spark grammar check {grammar_us:.0f} us (+{grammar_us / sqlglot_us:.0%})"
    )


if __name__ == "__main__":
    main()
