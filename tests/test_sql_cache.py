"""SQL facts kept on disk between runs of `flare-ls --check`: a re-run over unchanged SQL never loads
sqlglot, a stale or broken cache is ignored, and --no-cache touches nothing."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from flare_ls import cli, sql
from flare_ls.sql.cache import FactsStore
from golden import EXAMPLES

SEED = EXAMPLES / "seed" / "06-kafka-lakehouse-insights.yaml"
#: The seed manifest with a window function in its step: SQL that only sqlglot reads (the common
#: queries never load it, ``sql/quick.py``), so whether sqlglot was loaded says whether SQL was parsed.
_HOME = tempfile.mkdtemp(prefix="flare-ls-cache-test-")
atexit.register(shutil.rmtree, _HOME, True)
MANIFEST = Path(_HOME) / "kafka.yaml"
MANIFEST.write_text(
    SEED.read_text(encoding="utf-8").replace(
        "CAST(value AS STRING) AS value_string",
        "CAST(value AS STRING) AS value_string, row_number() OVER (ORDER BY key) AS n",
    ),
    encoding="utf-8",
)

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
    assert loaded and list(tmp_path.glob("sql-facts-*.json"))
    loaded, second = _probe(tmp_path)
    assert not loaded
    assert second == first  # the same findings from the kept facts


def test_a_broken_cache_file_is_ignored_and_replaced(tmp_path: Path) -> None:
    _probe(tmp_path)
    (kept,) = tmp_path.glob("sql-facts-*.json")
    kept.write_bytes(b"not json")
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
    # collect() is called here without main(), which sets the run's options: an earlier test's
    # `--no-cache` run in this process must not carry over.
    monkeypatch.setattr(cli, "_NO_CACHE", False)
    results = cli.collect(files, jobs=2)
    assert len(results) == 6
    sql.STORE = None
    kept = FactsStore(cache)
    assert sum(1 for text, _ in kept._load() if "/* " in text) == 6  # one query per file, each saved


# -- a cache directory that came from elsewhere is data, never code --------------------------------
def _fingerprinted_names(cache: Path) -> list[str]:
    """The file name this version reads, and the name of the pickle earlier versions read."""
    from flare_ls.sql.cache import _fingerprint

    return [FactsStore(cache).name, f"sql-facts-{_fingerprint()}.pickle"]


class _Payload:
    """Unpickling this creates a directory: proof that the cache ran code."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.mkdir, (str(self.marker),))


def test_a_planted_pickle_is_never_executed_and_the_run_still_works(tmp_path: Path) -> None:
    import pickle

    cache, marker = tmp_path / "cache", tmp_path / "code-ran"
    cache.mkdir(mode=0o700)
    for name in _fingerprinted_names(cache):
        (cache / name).write_bytes(pickle.dumps({("SELECT 1", "spark"): _Payload(marker)}))
    loaded, output = _probe(cache)
    assert not marker.exists()
    assert loaded and output == _probe(tmp_path / "fresh")[1]
    assert not _probe(cache)[0]  # the planted file was replaced by a good one


def test_a_symbolic_link_in_the_cache_is_replaced_not_written_through(tmp_path: Path) -> None:
    cache, victim = tmp_path / "cache", tmp_path / "victim.txt"
    cache.mkdir(mode=0o700)
    victim.write_text("precious", encoding="utf-8")
    for name in _fingerprinted_names(cache):
        (cache / name).symlink_to(victim)
    _probe(cache)
    assert victim.read_text(encoding="utf-8") == "precious"
    written = cache / FactsStore(cache).name
    assert not written.is_symlink() and written.is_file()
    assert not _probe(cache)[0]


def test_a_symbolically_linked_or_shared_cache_directory_is_not_used(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir(mode=0o700)
    link = tmp_path / "link"
    link.symlink_to(real)
    assert _probe(link)[0] and not list(real.iterdir())
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)  # anyone could plant a file here
    assert _probe(shared)[0] and not list(shared.iterdir())


def test_the_cache_directory_and_file_are_private(tmp_path: Path) -> None:
    cache = tmp_path / "new" / "flare-ls"
    _probe(cache)
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    (kept,) = cache.glob("sql-facts-*.json")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600


def test_facts_survive_the_json_round_trip() -> None:
    from flare_ls.sql.cache import decode_facts, encode_facts

    queries = [
        "SELECT key, value FROM kafka_in k JOIN other o ON k.id = o.id ORDER BY 1 LIMIT 3",
        "SELECT count(DISTINCT a), * FROM t GROUP BY b",
        "SELECT *, upper(o.name), o.`total sum` AS t FROM orders o UNION SELECT 1, 2, 3",
        "SELECT * FROM (SELECT 1 AS a) s",
        "SELECT FROM WHERE",
        "SELECT id, name, FROM input",
        "",
    ]
    for query in queries:
        facts = sql._analyze_masked(query, "spark")
        assert decode_facts(json.loads(json.dumps(encode_facts(facts))), len(query)) == facts
    every = [sql._analyze_masked(q, "spark") for q in queries]
    assert any(f.binary_columns for f in every) and any(f.column_refs for f in every)
    assert any(f.keyword_name for f in every)
    kinds = {c.kind for f in every for c in f.result_columns or ()}
    assert kinds == {"named", "unnamed", "star"} and any(f.parsed and f.result_columns is None for f in every)


def _document(facts: dict) -> dict:
    return {"format": "flare-ls-sql-facts", "version": 2, "entries": [["SELECT a FROM t", "spark", facts]]}


GOOD = {
    "parsed": True,
    "error": None,
    "reads": [["t", 14, 15]],
    "operations": [],
    "binary_columns": [],
    "passes_through": [],
    "result_columns": [["named", "a", [], 7, 8]],
    "column_refs": [],
    "keyword_name": None,
}


@pytest.mark.parametrize(
    "document",
    [
        [],
        {"format": "flare-ls-sql-facts", "version": 1, "entries": []},  # the layout before column facts
        _document({**GOOD, "reads": [["t", 14, 99]]}),  # an offset past the query's end
        _document({**GOOD, "reads": [["t", -1, 15]]}),
        _document({**GOOD, "reads": [["t", True, 15]]}),  # a bool is not an offset
        _document({**GOOD, "reads": [["t", 14]]}),
        _document({**GOOD, "parsed": 1}),
        _document({**GOOD, "extra": 1}),
        _document({**GOOD, "passes_through": [None]}),
        _document({**GOOD, "error": ["m", 0, 1, 2]}),
        _document({**GOOD, "result_columns": [["named", "a", [], 7, 99]]}),
        _document({**GOOD, "result_columns": [["column", "a", [], 7, 8]]}),  # not a kind of result column
        _document({**GOOD, "result_columns": [[["named"], "a", [], 7, 8]]}),
        _document({**GOOD, "result_columns": [["star", "", ["t", 1], 7, 8]]}),
        _document({**GOOD, "result_columns": "a"}),
        _document({**GOOD, "column_refs": [["t", "t", "a", 7, 8, False]]}),
        _document({**GOOD, "column_refs": [["t", "t", "a", 7, 8, 0, ["t"]]]}),
        _document({**GOOD, "column_refs": [["t", None, "a", 7, 8, False, ["t"]]]}),
        _document({**GOOD, "column_refs": [["t", "t", "a", 9, 8, False, ["t"]]]}),
        _document({k: v for k, v in GOOD.items() if k != "column_refs"}),  # a file of the layout before
        _document({**GOOD, "keyword_name": ["FROM", 7, 99]}),
        _document({**GOOD, "keyword_name": "FROM"}),
        {"format": "flare-ls-sql-facts", "version": 2, "entries": [[1, "spark", GOOD]]},
    ],
    ids=lambda d: json.dumps(d)[-60:],
)
def test_a_malformed_entry_is_refused(document) -> None:
    from flare_ls.sql.cache import Malformed, decode_document

    assert decode_document(_document(GOOD))  # the unchanged entry is fine
    with pytest.raises(Malformed):
        decode_document(document)


@pytest.mark.parametrize(
    "content",
    [b"[" * 100_000 + b"]" * 100_000, b"\xff\xfe", json.dumps(_document({**GOOD, "reads": 7})).encode()],
    ids=["deeply-nested", "not-utf8", "wrong-type"],
)
def test_a_hostile_cache_file_is_ignored_without_a_crash(tmp_path: Path, content: bytes) -> None:
    store = FactsStore(tmp_path)
    (tmp_path / store.name).write_bytes(content)
    assert store.get(("SELECT a FROM t", "spark")) is None
    store.put(("SELECT 1", "spark"), sql._analyze_masked("SELECT 1", "spark"))
    store.save()
    assert FactsStore(tmp_path).get(("SELECT 1", "spark")) is not None
