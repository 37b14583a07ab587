"""Time an edit's analysis built on the previous version's against a whole parse and analysis.

    python bench/bench_incremental.py [--edits N] [--repeat N]

For generated 100-, 2,000- and 20,000-line manifests (``bench_analyze.generated``, as ``bench_lsp.py``
builds them), prints in milliseconds: the bare libyaml parse (``yaml.compose_all``, the floor), a whole
parse and analysis (``analyze``, with the SQL facts cached as after any first analysis), the first
analysis of the file (no SQL fact cached: what opening it costs), and ``versions.analyze_version`` built
on the previous version for N edits of each kind (p50 / p95): a keystroke (deleting or typing back the
last letter of a ``triggerMode`` value in the middle job, so the findings change every time) and a line
added or removed above it (every later job moves). The whole analyses run with the garbage collector's
defaults, as ``flare-ls check`` does; the edits with it set as the language server sets it. Then the
goals of issue 17 that the core decides.
A benchmark, not a test: it prints figures and always exits 0.
"""

from __future__ import annotations

import argparse
import gc
import math
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "server"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_analyze import bare_parse, best_ms, generated  # noqa: E402

from flare_ls import sql  # noqa: E402
from flare_ls.analyze import analyze  # noqa: E402
from flare_ls.versions import Version, analyze_version  # noqa: E402

VALUE = "triggerMode: ProcessingTime"
LINE = "            # a line typed above\n"


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def edits(text: str, edits: int, change: Callable[[str, int], str]) -> tuple[list[float], list[float], Version]:
    """Milliseconds of ``analyze_version`` for ``edits`` successive versions ``change(text, i)``, each
    built on the one before (after two unmeasured ones): wall time, and the process's CPU time (on a
    machine shared with other work, what the edit cost without waiting for a core)."""
    version = analyze_version(text)
    samples, cpu = [], []
    for i in range(edits + 2):
        new = change(text, i)
        start, start_cpu = time.perf_counter(), time.process_time()
        version = analyze_version(new, previous=version)
        if i >= 2:
            samples.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
    return samples, cpu, version


def keystroke(text: str) -> Callable[[str, int], str]:
    at = text.index(VALUE, len(text) // 2) + len(VALUE)
    return lambda text, i: text[: at - 1] + text[at:] if i % 2 == 0 else text


def new_line(text: str) -> Callable[[str, int], str]:
    at = text.index("            logLevel: INFO\n", len(text) // 2)
    return lambda text, i: text[:at] + LINE + text[at:] if i % 2 == 0 else text


def cold(text: str) -> None:
    sql._analyze_masked.cache_clear()
    analyze(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=200, help="edits per measurement (default 200)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each whole measurement, best kept (5)")
    args = parser.parse_args()
    analyze(generated(100))  # imports, the compiled schema and sqlglot's start-up outside the timings
    sizes = (100, 2000, 20000)
    texts = {lines: generated(lines) for lines in sizes}
    whole_figures: dict[int, tuple[float, float, float]] = {}
    for lines, text in texts.items():  # with the collector's defaults, as `flare-ls check` runs
        repeat = args.repeat if lines < 20000 else max(2, args.repeat // 2)
        parse = best_ms(lambda text=text: bare_parse(text), repeat)
        whole = best_ms(lambda text=text: analyze(text), repeat)
        first = best_ms(lambda text=text: cold(text), repeat)
        whole_figures[lines] = (parse, whole, first)
    # Edits with the collector as the language server sets it after start-up (cli._tune_garbage_collector):
    # they are what the server runs, and the default thresholds would add full collections of every tree.
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
    print(
        f"{'manifest':<14}{'bare parse':>11}{'whole':>9}{'ratio':>7}{'first':>9}"
        f"{'keystroke p50/p95':>20}{'cpu p50':>8}{'jobs':>5}{'new line p50/p95':>19}{'cpu p50':>8}{'jobs':>5}"
    )
    figures: dict[int, tuple[float, float, list[float], list[float]]] = {}
    for lines, text in texts.items():
        parse, whole, first = whole_figures[lines]
        typed, typed_cpu, after_typing = edits(text, args.edits, keystroke(text))
        added, added_cpu, after_lines = edits(text, args.edits, new_line(text))
        figures[lines] = (parse, whole, typed, added)
        print(
            f"{f'{lines:,} lines':<14}{parse:>11.2f}{whole:>9.2f}{whole / parse:>6.2f}x{first:>9.2f}"
            f"{f'{statistics.median(typed):.2f} / {percentile(typed, 0.95):.2f}':>20}"
            f"{statistics.median(typed_cpu):>8.2f}{after_typing.computed:>5}"
            f"{f'{statistics.median(added):.2f} / {percentile(added, 0.95):.2f}':>19}"
            f"{statistics.median(added_cpu):>8.2f}{after_lines.computed:>5}"
        )
    print(
        f"(ms; whole, first and bare parse best of {args.repeat} ({max(2, args.repeat // 2)} for 20,000 lines); "
        f"edits: {args.edits} per kind, each built on the previous version, wall and CPU time; jobs: dag jobs "
        "analysed again by the last edit)"
    )
    print()
    _, _, typed, _ = figures[2000]
    mid, high = statistics.median(typed), percentile(typed, 0.95)
    print(
        f"goal: keystroke, 2,000 lines, p50 <= 3 ms and p95 <= 10 ms (core only): {mid:.2f} / {high:.2f} -> "
        f"{'met' if mid <= 3 and high <= 10 else 'NOT met'}"
    )
    mid = statistics.median(figures[20000][2])
    print(f"goal: keystroke, 20,000 lines, p50 <= 10 ms (core only): {mid:.2f} -> {'met' if mid <= 10 else 'NOT met'}")
    parse, whole, _, _ = figures[2000]
    print(
        f"goal: whole analysis of 2,000 lines <= 2x the bare parse: {whole / parse:.2f}x -> "
        f"{'met' if whole <= 2 * parse else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
