"""The analysis in two threads at once (the language server analyses big documents in a thread while
small ones are analysed on its event loop) finds what it finds alone."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from flare_ls.analyze import analyze
from flare_ls.parsing import scalarmap
from flare_ls.parsing.yamltree import YMap, YScalar, parse, split_lines
from golden import CORPUS, FIXTURES

ROUNDS = 6


def _manifests() -> list[str]:
    paths = sorted(CORPUS.glob("*.yaml")) + sorted(FIXTURES.rglob("*.yaml"))
    return [p.read_text(encoding="utf-8") for p in paths]


def _findings(text: str) -> list[tuple[object, ...]]:
    return [(f.code, f.start, f.end, f.message, f.fix) for f in analyze(text)]


@pytest.fixture
def contended() -> Iterator[None]:
    """Threads switching as often as they can, and a scalar-map cache cleared at nearly every entry."""
    interval = sys.getswitchinterval()
    bound = scalarmap._MAPS_BOUND
    sys.setswitchinterval(1e-6)
    scalarmap._MAPS_BOUND = 2
    try:
        yield
    finally:
        sys.setswitchinterval(interval)
        scalarmap._MAPS_BOUND = bound
        scalarmap._MAPS.clear()


def test_two_threads_find_what_one_finds(contended: None) -> None:
    texts = _manifests()
    expected = [_findings(t) for t in texts]
    assert sum(map(len, expected)) > 100
    halves = [list(range(0, len(texts), 2)), list(range(1, len(texts), 2))]
    wrong: list[tuple[int, int]] = []
    failures: list[BaseException] = []

    def work(indexes: list[int]) -> None:
        try:
            for round_ in range(ROUNDS):
                for i in indexes:
                    if _findings(texts[i]) != expected[i]:
                        wrong.append((round_, i))
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(half,)) for half in halves]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    assert not wrong, [(r, Path(str(i))) for r, i in wrong[:5]]


def test_the_scalar_map_cache_is_bounded_in_characters() -> None:
    """Few entries may be big (the SQL scalars of a 64 KiB manifest): the cache is bounded in both."""
    scalarmap._MAPS.clear()
    big = "x" * (scalarmap._MAPS_CHARS_BOUND // 8)
    for n in range(40):
        text = f"sql: '{n} {big}'\n"
        lines = split_lines(text)
        scalarmap._cached_map(parse_root(text, lines), lines)
    kept = sum(len(key[4]) for key in scalarmap._MAPS)  # type: ignore[arg-type]
    assert kept <= scalarmap._MAPS_CHARS_BOUND
    scalarmap._MAPS.clear()


def parse_root(text: str, lines: list[str]) -> YScalar:
    root = parse(text, lines).documents[0].root
    assert isinstance(root, YMap)
    value = root.entries["sql"][1]
    assert isinstance(value, YScalar)
    return value
