"""SQL facts kept on disk between runs of `flare-ls --check`: a re-run over unchanged SQL never loads
sqlglot, a stale or broken cache is ignored, and --no-cache touches nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from flare_ls import cli, sql
from flare_ls.sqlcache import FactsStore
from golden import EXAMPLES

MANIFEST = EXAMPLES / "seed" / "06-kafka-lakehouse-insights.yaml"

# Runs --check in a fresh process and says whether sqlglot was loaded, and what the check printed.
PROBE = """
import io, sys
from flare_ls import cli
out = io.StringIO()
code = cli.run_check([__import__('pathlib').Path(sys.argv[1])], "concise", "never", out)
print("sqlglot" in sys.modules, code)
print(out.getvalue(), end="")
"""


def _probe(cache: Path, *extra: str) -> tuple[bool, str]:
    env = dict(os.environ, FLARE_LS_CACHE_DIR=str(cache), **dict(e.split("=", 1) for e in extra))
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(MANIFEST)], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr
    first, _, rest = done.stdout.partition("\n")
    return first.startswith("True"), rest


def test_a_rerun_reads_the_facts_and_never_loads_sqlglot(tmp_path: Path) -> None:
    loaded, first = _probe(tmp_path)
    assert loaded and list(tmp_path.glob("sql-facts-*.pickle"))
    loaded, second = _probe(tmp_path)
    assert not loaded
    assert second == first  # the same findings from the kept facts


def test_a_broken_cache_file_is_ignored_and_replaced(tmp_path: Path) -> None:
    _probe(tmp_path)
    (kept,) = tmp_path.glob("sql-facts-*.pickle")
    kept.write_bytes(b"not a pickle")
    loaded, output = _probe(tmp_path)
    assert loaded and output == _probe(tmp_path / "fresh")[1]
    assert not _probe(tmp_path)[0]  # rewritten: good again


def test_no_cache_reads_and_writes_nothing(tmp_path: Path) -> None:
    loaded, _ = _probe(tmp_path, "FLARE_LS_NO_CACHE=1")
    assert loaded and not list(tmp_path.iterdir())
    code = subprocess.run(
        [sys.executable, "-m", "flare_ls", "--no-cache", "--check", str(MANIFEST)],
        capture_output=True,
        env=dict(os.environ, FLARE_LS_CACHE_DIR=str(tmp_path)),
        timeout=60,
    ).returncode
    assert code == 1 and not list(tmp_path.iterdir())


def test_parallel_workers_save_what_they_parsed(tmp_path: Path, monkeypatch) -> None:
    files = []
    for n in range(6):
        path = tmp_path / f"m{n}.yaml"
        path.write_text(MANIFEST.read_text(encoding="utf-8").replace("FROM", f"FROM /* {n} */"), encoding="utf-8")
        files.append(path)
    cache = tmp_path / "cache"
    monkeypatch.setenv("FLARE_LS_CACHE_DIR", str(cache))
    monkeypatch.setattr(cli, "PARALLEL_FROM", 2)
    monkeypatch.setattr(sql, "STORE", None)
    results = cli.collect(files, jobs=2)
    assert len(results) == 6
    sql.STORE = None
    kept = FactsStore(cache)
    assert sum(1 for text, _ in kept._load() if "/* " in text) == 6  # one query per file, each saved
