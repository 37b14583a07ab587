"""Findings on the shared corpus of real manifests, by two copies of flare-ls side by side: per rule, in
total, and in the files with a YAML syntax error (what error recovery brings back).

    python bench/compare_corpus.py OTHER/server [THIS/server]

For example, against the first release: ``git worktree add /tmp/v010 v0.1.0`` and
``python bench/compare_corpus.py /tmp/v010/server``. Both copies run as ``flare-ls --check CORPUS
--format json`` (the spelling every version takes), with no SQL cache.
"""

from __future__ import annotations

import collections
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"


def findings(server: str) -> list[dict[str, object]]:
    env = dict(os.environ, PYTHONPATH=server, FLARE_LS_NO_CACHE="1")
    done = subprocess.run(
        [sys.executable, "-m", "flare_ls", "--check", str(CORPUS), "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        cwd="/",
    )
    return json.loads(done.stdout or "[]")


def main() -> int:
    if len(sys.argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    other, this = sys.argv[1], sys.argv[2] if len(sys.argv) == 3 else str(ROOT / "server")
    old, new = findings(other), findings(this)
    by_file: list[dict[str, list[str]]] = []
    for rows in (old, new):
        files: dict[str, list[str]] = collections.defaultdict(list)
        for row in rows:
            files[Path(str(row["filename"])).name].append(str(row["code"]))
        by_file.append(files)
    before, after = by_file
    broken = sorted(f for f in {*before, *after} if "FL001" in before.get(f, []) + after.get(f, []))

    def others(files: dict[str, list[str]]) -> int:
        return sum(len([c for c in files.get(f, []) if c != "FL001"]) for f in broken)

    print(f"{'':<44} {'other':>8} {'this':>8}")
    print(f"{'files with a YAML syntax error (FL001)':<44} {len(broken):>8} {len(broken):>8}")
    print(f"{'  their other findings':<44} {others(before):>8} {others(after):>8}")
    counts = collections.Counter(str(r["code"]) for r in old), collections.Counter(str(r["code"]) for r in new)
    print(f"{'findings':<44} {sum(counts[0].values()):>8} {sum(counts[1].values()):>8}")
    for code in sorted(set(counts[0]) | set(counts[1])):
        if counts[0][code] != counts[1][code]:
            print(f"{'  ' + code:<44} {counts[0][code]:>8} {counts[1][code]:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
