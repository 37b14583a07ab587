"""Golden pictures of ``flare-ls graph``: each case's files drawn in every format, checked in under
``tests/graph/expected/<case>.<format>``. Run as a script to see which are stale, or to rewrite them
after a deliberate change (then review the diff, and look at the HTML in a browser):

    python tests/graph_golden.py            # report which expected files are stale
    python tests/graph_golden.py --update   # rewrite them
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "server"))

from flare_ls.cli.args import main as flare_ls  # noqa: E402
from golden import refresh  # noqa: E402

EXPECTED = ROOT / "tests" / "graph" / "expected"
#: Case name -> the paths given to `flare-ls graph`, relative to the repository (as the pictures name them).
CASES = {
    "seed": ["examples/seed"],  # the seed's Kafka and streaming examples
    "workflow": ["tests/graph/workflow"],  # two manifests sharing datasets, with a dag dependency
    "escaping": ["tests/graph/escaping/names.yaml"],  # quotes, markup and non-ASCII in every name
}
SUFFIX = {"mermaid": "mmd", "dot": "dot", "json": "json", "html": "html"}


@contextmanager
def _in_root() -> Iterator[None]:
    previous = Path.cwd()
    os.chdir(ROOT)
    try:
        yield
    finally:
        os.chdir(previous)


def draw(case: str, fmt: str) -> str:
    """What `flare-ls graph PATHS --format FMT` prints for a case, run from the repository's root."""
    with tempfile.TemporaryDirectory() as scratch, _in_root():
        target = Path(scratch) / "picture"
        code = flare_ls(["graph", *CASES[case], "--format", fmt, "-o", str(target)])
        assert code == 0, f"flare-ls graph exited {code} on {case}"
        return target.read_text(encoding="utf-8")


def pairs() -> Iterator[tuple[str, str, Path]]:
    for case in CASES:
        for fmt, suffix in SUFFIX.items():
            yield case, fmt, EXPECTED / f"{case}.{suffix}"


def main(argv: list[str]) -> int:
    update = "--update" in argv
    stale = sum(refresh(expected, draw(case, fmt), update) for case, fmt, expected in pairs())
    print(f"{stale} golden picture(s) {'rewritten' if update else 'stale'}")
    return 1 if stale and not update else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
