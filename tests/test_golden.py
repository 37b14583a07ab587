"""Every manifest with an expected-findings file beside it: rule fixtures, bundled examples, corpus.

The expected files are written by ``python tests/golden.py --update`` and reviewed by hand.
"""

from __future__ import annotations

import pytest

from golden import CORPUS, ROOT, pairs, render_file

PAIRS = list(pairs())


def test_every_corpus_manifest_has_expectations() -> None:
    corpus = sorted(p.name for p in CORPUS.glob("*.yaml"))
    assert len(corpus) == 78, "the shared corpus holds 78 manifests"
    checked = {m.name for m, _ in PAIRS if m.parent == CORPUS}
    assert checked == set(corpus)


@pytest.mark.parametrize("manifest,expected", PAIRS, ids=[str(m.relative_to(m.parents[1])) for m, _ in PAIRS])
def test_findings_match_expected(manifest, expected) -> None:
    assert expected.exists(), f"no expected findings: run `python tests/golden.py --update` and review {expected}"
    assert render_file(manifest) == expected.read_text(encoding="utf-8"), (
        f"findings for {manifest.relative_to(manifest.parents[1])} changed; if deliberate, run "
        f"`python tests/golden.py --update` and review the diff of {expected.relative_to(ROOT)}"
    )
