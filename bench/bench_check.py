"""Batch mode on a large repository: `flare-ls check` over generated 1,000-manifest trees, beside the floor.

    python bench/bench_check.py [--files N] [--runs N]

The floor is a bare libyaml parse (PyYAML's ``CSafeLoader``, ``compose_all``) of the same files in one
Python process: what any tool that reads them pays. Each figure is that of a whole process (interpreter,
imports, walk, report), wall and CPU (user + system, workers included), the median of ``--runs`` runs
(default 5) taken in turn with the floor's, so that a machine whose load drifts moves both alike. Rows:

- 1,000 copies of the shared corpus, with the SQL facts kept between runs (``sql/cache.py``) warm;
- the same with ``--no-cache``: every distinct query parsed once per process (the corpus repeats);
- 1,000 manifests whose SQL is all different (``unique_tree``), ``--no-cache``: a query parsed per query;
- each of the three with ``--jobs 1`` too (one process, no pool);
- one manifest with SQL, no cache (a pre-commit hook on one file: start-up dominates), and one without SQL.

Then check-jsonschema with flare-ls's exported JSON Schema if installed (``pip install check-jsonschema``).
Goals: 1,000 manifests with unique SQL and no cache within 1.5x the floor's wall time; the corpus copies in
<= 2 s; >= 5x check-jsonschema's throughput; one file with SQL, no cache, in <= 150 ms.
A benchmark, not a test: it prints figures and always exits 0.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
SCHEMA = ROOT / "schemas" / "flare-workflow.schema.json"
FLARE_LS = [sys.executable, "-m", "flare_ls", "check", "--quiet"]
#: The floor: one process that reads and composes every file named in the file it is given.
FLOOR = """
import sys, yaml
for path in open(sys.argv[1]).read().splitlines():
    try:
        for _ in yaml.compose_all(open(path, "rb").read().decode("utf-8", errors="replace"), Loader=yaml.CSafeLoader):
            pass
    except yaml.YAMLError:
        pass
"""

sys.path.insert(0, str(ROOT / "server"))


def _folder(target: Path, n: int) -> Path:
    folder = target / f"team-{n // 200:02}" / f"pipelines-{n // 50:03}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def make_tree(target: Path, files: int) -> list[Path]:
    """``files`` manifests copied round-robin from the corpus into nested folders (50 per folder)."""
    sources = sorted(CORPUS.glob("*.yaml"))
    made = []
    for n in range(files):
        path = _folder(target, n) / f"{n:04}-{sources[n % len(sources)].name}"
        shutil.copyfile(sources[n % len(sources)], path)
        made.append(path)
    return made


def unique_tree(target: Path, files: int) -> tuple[list[Path], int, int]:
    """Like :func:`make_tree`, but no two queries alike: in copy ``n`` every view (input and step) is
    renamed ``<name><nnnn>`` wherever the name is written (its definition and the SQL that reads it), and a
    query that reads no view (``select 1``) starts with a comment ``/* copy n */``. The findings stay
    those of the original, at shifted columns. Returns the paths, the queries and the distinct ones."""
    from flare_ls.parsing.scalarmap import scalar_map
    from flare_ls.parsing.yamltree import LINE_BREAK, YMap, parse, split_lines
    from flare_ls.queries import job_queries, job_views
    from flare_ls.views import build_view

    def jobs(text: str) -> list:
        return [
            job
            for document in parse(text).documents
            if isinstance(document.root, YMap)
            for job in build_view(document.root).jobs
        ]

    sources = sorted(CORPUS.glob("*.yaml"))
    originals = [source.read_bytes().decode("utf-8", errors="replace") for source in sources]
    names = [
        {
            view.node.value
            for job in jobs(text)
            for view in job_views(job)
            if view.node is not None and re.fullmatch(r"[A-Za-z_]\w*", view.node.value)
        }
        for text in originals
    ]
    made, queries = [], []
    for n in range(files):
        text = originals[n % len(sources)]
        renamed = sorted(names[n % len(sources)], key=len, reverse=True)
        for name in renamed:
            text = re.sub(rf"(?<![\w-]){re.escape(name)}(?![\w-])", f"{name}{n:04}", text)
        lines = split_lines(text)
        line_starts = [0] + [match.end() for match in LINE_BREAK.finditer(text)]
        inserts = []
        for job in jobs(text):
            for query in job_queries(job):
                if any(re.search(rf"(?<![\w-]){re.escape(name)}{n:04}(?![\w-])", query.node.value) for name in renamed):
                    continue
                mapped = scalar_map(query.node, lines)
                first = len(query.node.value) - len(query.node.value.lstrip())
                if mapped is not None and mapped.verbatim(first, first + 1):
                    line, col = mapped.pos(first)
                    inserts.append(line_starts[line] + col)
        for offset in sorted(set(inserts), reverse=True):
            text = text[:offset] + f"/* copy {n} */ " + text[offset:]
        queries += [query.node.value for job in jobs(text) for query in job_queries(job)]
        path = _folder(target, n) / f"{n:04}-{sources[n % len(sources)].name}"
        path.write_bytes(text.encode("utf-8"))
        made.append(path)
    return made, len(queries), len(set(queries))


def run(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, its reaped children included) of one run of ``command``."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, _, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = 0  # reaped above
    return wall, usage.ru_utime + usage.ru_stime


class Row:
    def __init__(self, label: str, command: list[str], floor: list[str] | None, env: dict[str, str]) -> None:
        self.label, self.command, self.floor, self.env = label, command, floor, env
        self.runs: list[tuple[float, float]] = []
        self.floors: list[tuple[float, float]] = []

    def measure(self) -> None:
        self.runs.append(run(self.command, self.env))
        if self.floor is not None:
            self.floors.append(run(self.floor, self.env))

    @staticmethod
    def median(runs: list[tuple[float, float]]) -> tuple[float, float]:
        return statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)

    def line(self) -> str:
        wall, cpu = self.median(self.runs)
        text = f"{self.label:<52} {wall:>7.3f} {cpu:>7.3f}"
        if self.floors:
            floor_wall, floor_cpu = self.median(self.floors)
            # The ratio of each run to the floor's run beside it, then the median: robust to drift.
            ratio_wall = statistics.median(w / fw for (w, _), (fw, _) in zip(self.runs, self.floors, strict=True))
            ratio_cpu = statistics.median(c / fc for (_, c), (_, fc) in zip(self.runs, self.floors, strict=True))
            text += f" {floor_wall:>7.3f} {floor_cpu:>7.3f} {ratio_wall:>6.2f}x {ratio_cpu:>6.2f}x"
        return text


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    files, runs = options.files, options.runs
    cores = os.cpu_count() or 1
    # As an installed package runs: with its bytecode written (an unset PYTHONDONTWRITEBYTECODE).
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "server"), env.get("PYTHONPATH")]))
    with tempfile.TemporaryDirectory(prefix="flare-ls-bench-") as tmp:
        copies = make_tree(Path(tmp) / "copies", files)
        unique, queries, distinct = unique_tree(Path(tmp) / "unique", files)
        # A manifest with step SQL (and sqlglot to load without the cache), as a pre-commit hook meets it.
        one = ROOT / "examples" / "seed" / "06-kafka-lakehouse-insights.yaml"
        lists = {}
        for name, paths in (("copies", copies), ("unique", unique), ("one", [one]), ("plain", [copies[0]])):
            lists[name] = Path(tmp) / f"{name}.list"
            lists[name].write_text("\n".join(map(str, paths)))
        warm = dict(env, FLARE_LS_CACHE_DIR=str(Path(tmp) / "cache"))

        def floor(name: str) -> list[str]:
            return [sys.executable, "-c", FLOOR, str(lists[name])]

        copies_dir, unique_dir = str(Path(tmp) / "copies"), str(Path(tmp) / "unique")
        rows = [
            Row("corpus copies, SQL facts cached", [*FLARE_LS, copies_dir], floor("copies"), warm),
            Row("corpus copies, --no-cache", [*FLARE_LS, "--no-cache", copies_dir], floor("copies"), env),
            Row("unique SQL, --no-cache", [*FLARE_LS, "--no-cache", unique_dir], floor("unique"), env),
            Row("  the same, --jobs 1", [*FLARE_LS, "--no-cache", "--jobs", "1", unique_dir], floor("unique"), env),
            Row("corpus copies, cached, --jobs 1", [*FLARE_LS, "--jobs", "1", copies_dir], floor("copies"), warm),
            Row("one file with SQL, --no-cache", [*FLARE_LS, "--no-cache", str(one)], floor("one"), env),
            Row("one file without SQL", [*FLARE_LS, str(copies[0])], floor("plain"), warm),
        ]
        for row in rows:  # unmeasured: writes bytecode, fills the cache, warms the page cache
            run(row.command, row.env)
        for _ in range(runs):
            for row in rows:
                row.measure()
        print(
            f"{files} manifests ({queries} queries, {distinct} distinct in the unique-SQL tree), {cores} cores, "
            f"median of {runs} runs, seconds\n"
        )
        print(f"{'flare-ls check':<52} {'wall':>7} {'cpu':>7} {'floor':>7} {'cpu':>7} {'wall':>7} {'cpu':>7}")
        for row in rows:
            print(row.line())
        cjs = shutil.which("check-jsonschema")
        if cjs:
            seconds = run([cjs, "--schemafile", str(SCHEMA), *map(str, copies)], env)[0]
            print(f"{'check-jsonschema --schemafile (our schema), copies':<52} {seconds:>7.3f}")
        print()
        unique_ratio = statistics.median(w / fw for (w, _), (fw, _) in zip(rows[2].runs, rows[2].floors, strict=True))
        print(
            f"goal: unique SQL, no cache, within 1.5x the floor's wall: {unique_ratio:.2f}x -> "
            f"{'met' if unique_ratio <= 1.5 else 'NOT met'}"
        )
        best = min(Row.median(rows[0].runs)[0], Row.median(rows[4].runs)[0])
        print(f"goal: {files} manifests <= 2 s: {best:.2f} s -> {'met' if best <= 2 else 'NOT met'}")
        if cjs:
            ratio = seconds / best
            print(f"goal: >= 5x check-jsonschema's throughput: {ratio:.1f}x -> {'met' if ratio >= 5 else 'NOT met'}")
        else:
            print("goal: >= 5x check-jsonschema: not measured (pip install check-jsonschema)")
        single = Row.median(rows[5].runs)[0] * 1000
        verdict = "met" if single <= 150 else "NOT met"
        print(f"goal: one file with SQL, no cache, <= 150 ms: {single:.0f} ms -> {verdict}")


if __name__ == "__main__":
    main()
