"""Batch mode on a large repository: `flare-ls check` over generated 1,000-manifest trees, beside the floor.

    python bench/bench_check.py [--files N] [--runs N] [--baseline OTHER/server]

The floor is a bare libyaml parse (PyYAML's ``CSafeLoader``, ``compose_all``) of the same files in one
Python process: what any tool that reads them pays. Each figure is that of a whole process (interpreter,
imports, walk, report), wall and CPU (user + system, workers included), the median of ``--runs`` runs
(default 5) taken in turn with the floor's, so that a machine whose load drifts moves both alike; the
ratios are the medians of each run over the floor's run beside it. Rows:

- 1,000 copies of the shared corpus, with the SQL facts kept between runs (``sql/cache.py``) warm;
- the same with ``--no-cache``: every distinct query parsed once per process (the corpus repeats);
- 1,000 manifests whose SQL is all different (``unique_tree``), ``--no-cache``: a query parsed per query;
- the unique tree and the cached copies with ``--jobs 1`` too (one process, no pool);
- one manifest with SQL, no cache (a pre-commit hook on one file: start-up dominates), and one without SQL.

``--baseline`` runs another flare-ls (the ``server/`` directory of another checkout, e.g. a ``git
worktree`` of an older commit) beside this one, run for run: before and after figures from one run.
The first line says how many processes' worth of CPU the machine gave at the end (two on two idle
cores): the pool of worker processes can only help when it is more than one.
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
    """One case, run by each flare-ls (this tree's, and the baseline's when given) and by the floor, in turn."""

    def __init__(self, label: str, arguments: list[str], floor: list[str], envs: list[dict[str, str]]) -> None:
        self.label, self.arguments, self.floor, self.envs = label, arguments, floor, envs
        self.runs: list[list[tuple[float, float]]] = [[] for _ in envs]
        self.floors: list[tuple[float, float]] = []

    def measure(self) -> None:
        for env, runs in zip(self.envs, self.runs, strict=True):
            runs.append(run([*FLARE_LS, *self.arguments], env))
        self.floors.append(run(self.floor, self.envs[0]))

    def warm_up(self) -> None:
        for env in self.envs:  # writes bytecode, fills the SQL facts cache, warms the page cache
            run([*FLARE_LS, *self.arguments], env)

    def ratio(self, index: int = 0) -> float:
        """The median of each run's wall time over the floor's run beside it: robust to a drifting load."""
        return statistics.median(w / fw for (w, _), (fw, _) in zip(self.runs[index], self.floors, strict=True))

    def line(self) -> str:
        text = f"{self.label:<34}"
        for runs in self.runs:
            wall, cpu = median(runs)
            ratio_cpu = statistics.median(c / fc for (_, c), (_, fc) in zip(runs, self.floors, strict=True))
            text += f" {wall:>6.2f} {cpu:>6.2f} {self.ratio(self.runs.index(runs)):>5.1f}x {ratio_cpu:>5.1f}x"
        floor_wall, floor_cpu = median(self.floors)
        return text + f" {floor_wall:>6.3f} {floor_cpu:>6.3f}"


def median(runs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)


def capacity() -> float:
    """How many processes' worth of CPU this machine gives right now: the time of two equal pieces of
    pure Python work done one after the other, over the time of the two done by two processes at once
    (2.0 on two idle cores; about 1.0 when other work takes the rest)."""
    work = [sys.executable, "-c", "sum(range(30_000_000))"]
    start = time.perf_counter()
    for _ in range(2):
        subprocess.run(work, check=True)
    serial = time.perf_counter() - start
    start = time.perf_counter()
    processes = [subprocess.Popen(work) for _ in range(2)]
    for process in processes:
        process.wait()
    return serial / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--baseline", type=Path, help="another flare-ls's server/ directory, run beside this one")
    options = parser.parse_args()
    files, runs = options.files, options.runs
    cores = os.cpu_count() or 1
    # As an installed package runs: with its bytecode written (an unset PYTHONDONTWRITEBYTECODE).
    base = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    sources = [ROOT / "server"] + ([options.baseline.resolve()] if options.baseline else [])
    with tempfile.TemporaryDirectory(prefix="flare-ls-bench-") as tmp:
        copies = make_tree(Path(tmp) / "copies", files)
        unique, queries, distinct = unique_tree(Path(tmp) / "unique", files)
        # A manifest with step SQL, as a pre-commit hook meets it.
        one = ROOT / "examples" / "seed" / "06-kafka-lakehouse-insights.yaml"
        lists = {}
        for name, paths in (("copies", copies), ("unique", unique), ("one", [one]), ("plain", [copies[0]])):
            lists[name] = Path(tmp) / f"{name}.list"
            lists[name].write_text("\n".join(map(str, paths)))

        def envs(cached: bool) -> list[dict[str, str]]:
            """The environment of each flare-ls: its sources, and its own SQL facts cache when ``cached``."""
            made = []
            for n, source in enumerate(sources):
                env = dict(base, PYTHONPATH=os.pathsep.join(filter(None, [str(source), base.get("PYTHONPATH")])))
                if cached:
                    env["FLARE_LS_CACHE_DIR"] = str(Path(tmp) / f"cache-{n}")
                made.append(env)
            return made

        def floor(name: str) -> list[str]:
            return [sys.executable, "-c", FLOOR, str(lists[name])]

        copies_dir, unique_dir = str(Path(tmp) / "copies"), str(Path(tmp) / "unique")
        rows = [
            Row("copies, SQL facts cached", [copies_dir], floor("copies"), envs(True)),
            Row("copies, --no-cache", ["--no-cache", copies_dir], floor("copies"), envs(False)),
            Row("unique SQL, --no-cache", ["--no-cache", unique_dir], floor("unique"), envs(False)),
            Row("  the same, --jobs 1", ["--no-cache", "--jobs", "1", unique_dir], floor("unique"), envs(False)),
            Row("copies, cached, --jobs 1", ["--jobs", "1", copies_dir], floor("copies"), envs(True)),
            Row("one file with SQL, --no-cache", ["--no-cache", str(one)], floor("one"), envs(False)),
            Row("one file without SQL", [str(copies[0])], floor("plain"), envs(True)),
        ]
        for row in rows:
            row.warm_up()
        for _ in range(runs):
            for row in rows:
                row.measure()
        spare = capacity()
        print(
            f"{files} manifests ({queries} queries, {distinct} distinct in the unique-SQL tree), {cores} cores "
            f"giving {spare:.1f} processes' worth of CPU now; median of {runs} runs; seconds, and x the floor\n"
        )
        if options.baseline:
            print(f"baseline: {options.baseline.resolve()}\n")
        heads = ["this tree"] + (["baseline"] if options.baseline else [])
        print(f"{'flare-ls check':<34}" + "".join(f" {h[:27]:<27}" for h in heads) + " floor (libyaml)")
        print(f"{'':<34}" + f" {'wall':>6} {'cpu':>6} {'wall':>6} {'cpu':>6}" * len(heads) + f" {'wall':>6} {'cpu':>6}")
        for row in rows:
            print(row.line())
        cjs = shutil.which("check-jsonschema")
        if cjs:
            seconds = run([cjs, "--schemafile", str(SCHEMA), *map(str, copies)], base)[0]
            print(f"{'check-jsonschema (our schema), copies':<34} {seconds:>6.2f}")
        print()
        unique_ratio = rows[2].ratio()
        print(
            f"goal: unique SQL, no cache, within 1.5x the floor's wall: {unique_ratio:.2f}x -> "
            f"{'met' if unique_ratio <= 1.5 else 'NOT met'}"
        )
        best = min(median(rows[0].runs[0])[0], median(rows[4].runs[0])[0])
        print(f"goal: {files} manifests <= 2 s: {best:.2f} s -> {'met' if best <= 2 else 'NOT met'}")
        if cjs:
            ratio = seconds / best
            print(f"goal: >= 5x check-jsonschema's throughput: {ratio:.1f}x -> {'met' if ratio >= 5 else 'NOT met'}")
        else:
            print("goal: >= 5x check-jsonschema: not measured (pip install check-jsonschema)")
        single = median(rows[5].runs[0])[0] * 1000
        verdict = "met" if single <= 150 else "NOT met"
        print(f"goal: one file with SQL, no cache, <= 150 ms: {single:.0f} ms -> {verdict}")


if __name__ == "__main__":
    main()
