"""How long the workspace index takes to build, and the workspace rules to run over it.

    python bench/bench_index.py [--manifests N] [--repeat R]

Builds the index (``flare_ls.workspace``) of N manifests (default 1,000): the shared corpus copied
round-robin, each copy a file of its own name with its workflow and job names and its datasets and
checkpoints made its own (so the copies do not all share one checkpoint, as a real repository would
not), and prints the best of R builds, per manifest too, then the time of the workspace rules over
that index and a one-file re-index (what an edit costs). A benchmark, not a test: it prints figures
and always exits 0.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "server"))

from flare_ls.workspace import WorkspaceIndex  # noqa: E402
from flare_ls.workspace.check import workspace_findings  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
_OWN = re.compile(r"(^\s*-?\s*name:\s*|dataset:\s*\S+?|checkpointLocation:\s*\S+?)([\w-]+)(\?|\s*$)", re.M)


def copies(count: int) -> dict[str, str]:
    """``count`` manifests: corpus texts, each copy's names and addresses suffixed with its number."""
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(CORPUS.glob("*.yaml"))]
    if not texts:
        sys.exit(f"no manifests in {CORPUS}")
    out: dict[str, str] = {}
    for n in range(count):
        text = _OWN.sub(lambda m, n=n: f"{m.group(1)}{m.group(2)}-{n}{m.group(3)}", texts[n % len(texts)])
        out[f"copies/{n:04d}.yaml"] = text
    return out


def best(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifests", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    files = copies(args.manifests)
    index = WorkspaceIndex.from_texts(files)
    built = best(lambda: WorkspaceIndex.from_texts(files), args.repeat)
    jobs = sum(1 for _ in index.jobs())
    rules = best(lambda: workspace_findings(index), args.repeat)
    first = next(iter(files))
    one = best(lambda: index.update(first, files[first]), args.repeat * 10)
    found = sum(len(f) for f in workspace_findings(index).values())
    lines = sum(t.count("\n") for t in files.values())
    print(
        f"index of {len(files)} manifests ({lines} lines, {jobs} dag jobs): {built * 1000:.0f} ms, "
        f"{built * 1e6 / len(files):.0f} us per manifest (best of {args.repeat})"
    )
    print(f"workspace rules over it: {rules * 1000:.1f} ms ({found} findings before settings)")
    print(f"re-indexing one manifest after an edit: {one * 1000:.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
