"""Ranked "did you mean" suggestions for misspelt keys and values."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance (a transposition counts once), giving up above ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                best = min(best, previous2[j - 2] + 1)
            current[j] = best
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def rank(word: str, candidates: Iterable[str]) -> list[tuple[str, int]]:
    # Cached: the language server re-analyses after every edit, and a finding's suggestion is the same
    # each time until its word or the candidates change.
    return list(_rank(word, tuple(candidates)))


@lru_cache(maxsize=4096)
def _rank(word: str, candidates: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
    """Candidates close to ``word``, best first, each with its distance (0 = differs only in case).

    Case is ignored when measuring, so ``foreachBatchMode`` finds ``forEachBatchMode`` at 0; a word is
    close when at most a third of its letters (and at least one) must change. When none is, a long
    candidate that the word begins (or that begins the word) is offered.
    """
    lowered = word.lower()
    limit = max(1, len(word) // 3)
    found: list[tuple[int, int, str]] = []
    for order, candidate in enumerate(candidates):
        if candidate == word:
            continue
        distance = edit_distance(lowered, candidate.lower(), limit)
        if distance <= limit:
            found.append((distance, order, candidate))
    if not found and len(word) >= 8:
        # A name cut short or extended (`read-redshift-retail` for `read-redshift-retail-customer`) is
        # far in edits but plain to a reader; such matches come last, with their length difference.
        for order, candidate in enumerate(candidates):
            low = candidate.lower()
            if candidate != word and (low.startswith(lowered) or lowered.startswith(low)) and len(low) >= 8:
                found.append((abs(len(low) - len(lowered)), order, candidate))
    found.sort()
    return tuple((candidate, distance) for distance, _, candidate in found)


def best(word: str, candidates: Iterable[str]) -> tuple[str | None, bool]:
    """The single best suggestion and whether it is unambiguous (no other at the same distance)."""
    ranked = rank(word, candidates)
    if not ranked:
        return None, False
    unique = len(ranked) == 1 or ranked[1][1] > ranked[0][1]
    return ranked[0][0], unique
