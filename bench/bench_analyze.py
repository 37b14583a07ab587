"""Time the analyzer against the bare C-backed YAML parse of the same text.

    python bench/bench_analyze.py [--repeat N]

Prints milliseconds per file (best of N runs) for the seed examples, the shared corpus and generated
100- and 2,000-line manifests, beside ``yaml.compose`` with libyaml (the bare parse), and the
performance goals: a 100-line manifest in <= 5 ms, a 2,000-line one in <= 2x the bare parse, and the
2,000-line one with a syntax error in its middle (read through error recovery) in <= 3x the time of
the same manifest without it.
A benchmark, not a test: it prints figures and always exits 0.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "server"))

import yaml  # noqa: E402

from flare_ls.analyze import analyze  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
JOB = """\
    - name: stream-job-{n}
      title: Stream job {n}
      description: reads a stream and writes it to the lakehouse
      spec:
        tags:
          - Connect
        stack: flare:7.0
        compute: runnable-default
        stackSpec:
          driver:
            coreLimit: 2000m
            cores: 1
            memory: 1000m
          executor:
            coreLimit: 2000m
            cores: 1
            instances: 1
            memory: 2000m
          job:
            explain: true
            showPreviewLines: 20
            streaming:
              forEachBatchMode: true
              triggerMode: ProcessingTime
              triggerDuration: 600 seconds
              checkpointLocation: dataos://lakehouse:stream/checkpoint_{n}?acl=rw
            inputs:
              - name: input_{n}
                dataset: dataos://kafkadepot:none/topic-{n}?acl=rw
                format: kafkajson
                isStream: true
                options:
                  startingOffsets: earliest
            logLevel: INFO
            outputs:
              - name: final_{n}
                dataset: dataos://lakehouse:stream/table_{n}?acl=rw
                format: Iceberg
                options:
                  saveMode: append
            steps:
              - sequence:
                  - name: final_{n}
                    sql: |
                      SELECT *, CAST(value AS STRING) AS value_string
                      FROM input_{n}
"""
HEADER = """\
version: v1
name: generated-streaming-workflow
type: workflow
tags:
  - bench
description: generated for the benchmark
workflow:
  title: Generated
  dag:
"""


#: Syntax errors put in the middle of the generated manifest: (label, line it replaces, broken line).
BROKEN_LINES = (
    ("a tab-indented line", "                format: kafkajson", "\t\t\t\t\t\t\t\tformat: kafkajson"),
    ("an unclosed quote", "                format: kafkajson", '                format: "kafkajson'),
    ("a key without its colon", "            logLevel: INFO", "            logLevel INFO"),
    ("a merge conflict", "            logLevel: INFO", "<<<<<<< HEAD\n            logLevel: INFO\n=======\n>>>>>>> b"),
)


def broken(text: str, line: str, replacement: str) -> str:
    """``text`` with the occurrence of ``line`` nearest its middle replaced."""
    middle = text.find(line, len(text) // 2)
    return text[:middle] + replacement + text[middle + len(line) :]


def generated(lines: int) -> str:
    text, n = HEADER, 0
    while text.count("\n") < lines:
        text += JOB.format(n=n)
        n += 1
    return text


def best_ms(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def bare_parse(text: str) -> None:
    try:
        list(yaml.compose_all(text, Loader=yaml.CSafeLoader))
    except yaml.YAMLError:
        pass


def row(label: str, text: str, repeat: int) -> tuple[float, float]:
    analysis = best_ms(lambda: analyze(text), repeat)
    parse = best_ms(lambda: bare_parse(text), repeat)
    print(f"{label:<58} {text.count(chr(10)):>6} {analysis:>9.2f} {parse:>9.2f} {analysis / parse:>6.2f}x")
    return analysis, parse


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    repeat = parser.parse_args().repeat
    analyze("version: v1\n")  # import and compile the schema outside the timings
    print(f"{'file':<58} {'lines':>6} {'analyze':>9} {'parse':>9} {'ratio':>7}   (ms, best of {repeat})")
    for path in sorted((ROOT / "examples").rglob("*.yaml")):
        row(str(path.relative_to(ROOT)), path.read_text(encoding="utf-8"), repeat)
    corpus = []
    for path in sorted(CORPUS.glob("*.yaml")):
        text = path.read_bytes().decode("utf-8", errors="replace")
        corpus.append(row("corpus/" + path.name, text, repeat))
    if corpus:
        print(
            f"{'corpus: median per file':<58} {'':>6} {statistics.median(a for a, _ in corpus):>9.2f} "
            f"{statistics.median(p for _, p in corpus):>9.2f}"
        )
    small, _ = row("generated 100-line manifest", generated(100), repeat)
    large, parse = row("generated 2,000-line manifest", generated(2000), repeat)
    recovered = []
    for label, line, replacement in BROKEN_LINES:
        text = broken(generated(2000), line, replacement)
        analysis = best_ms(lambda text=text: analyze(text), repeat)
        recovered.append((label, analysis))
        print(
            f"{'  with ' + label:<58} {text.count(chr(10)):>6} {analysis:>9.2f} {'':>9} {analysis / large:>6.2f}x clean"
        )
    print()
    print(f"goal: 100-line manifest <= 5 ms: {small:.2f} ms -> {'met' if small <= 5 else 'NOT met'}")
    verdict = "met" if large <= 2 * parse else "NOT met"
    print(f"goal: 2,000-line manifest <= 2x bare parse: {large / parse:.2f}x -> {verdict}")
    worst_label, worst = max(recovered, key=lambda r: r[1])
    verdict = "met" if worst <= 3 * large else "NOT met"
    print(f"goal: with a syntax error <= 3x without: worst {worst / large:.2f}x ({worst_label}) -> {verdict}")


if __name__ == "__main__":
    main()
