"""Every fix flare-ls offers, applied to the text it was computed for.

A fix must repair what it says (its finding is gone afterwards), keep the document valid YAML (or, in
a text with syntax errors, add none), touch
nothing outside its edits, and, when marked safe, bring no new finding on the lines it edits.
"""

from __future__ import annotations

import pytest

from flare_ls.analyze import analyze
from flare_ls.findings import TextEdit
from flare_ls.fixes import apply_edits
from golden import CORPUS, FIXTURES

SOURCES = sorted(FIXTURES.glob("*/*.yaml")) + sorted(CORPUS.glob("*.yaml"))


def _fixable():
    for path in SOURCES:
        text = path.read_bytes().decode("utf-8")
        for finding in analyze(text):
            if finding.fix is not None:
                yield pytest.param(
                    text, finding, id=f"{path.parent.name}/{path.stem}:{finding.code}:{finding.start[0] + 1}"
                )


FIXABLE = list(_fixable())


def test_there_are_fixes_to_check() -> None:
    assert len(FIXABLE) >= 25


@pytest.mark.parametrize("text,finding", FIXABLE)
def test_fix_repairs_its_finding(text, finding) -> None:
    assert finding.fix is not None
    fixed = apply_edits(text, finding.fix.edits)
    after = analyze(fixed)
    # In a text with syntax errors (read through error recovery) a fix must add none.
    syntax_before = sum(f.code == "FL001" for f in analyze(text))
    assert sum(f.code == "FL001" for f in after) <= syntax_before, "the fix broke the YAML"
    same = [f for f in after if f.code == finding.code and f.start == finding.start and f.message == finding.message]
    assert not same, "the finding is still there after its fix"
    if finding.fix.safe:
        # A safe fix may unmask findings elsewhere (a valid trigger mode lets the trigger rules see it),
        # but must not create one where it edited.
        before = {(f.code, f.message) for f in analyze(text)}
        lines = {line for e in finding.fix.edits for line in range(e.start[0], e.start[0] + e.text.count("\n") + 1)}
        new = {(f.code, f.message) for f in after if f.start[0] in lines} - before
        assert not new, f"a safe fix brought new findings where it edited: {new}"


@pytest.mark.parametrize("text,finding", FIXABLE)
def test_fix_touches_only_its_range(text, finding) -> None:
    """Outside the edited ranges every character is unchanged (same prefix and suffix)."""
    for edit in finding.fix.edits:
        fixed = apply_edits(text, (edit,))
        marker = apply_edits(text, (TextEdit(edit.start, edit.end, "\x00"),))
        prefix, suffix = marker.split("\x00")
        assert fixed.startswith(prefix) and fixed.endswith(suffix)
        assert fixed[len(prefix) : len(fixed) - len(suffix)] == edit.text


def test_apply_edits_with_crlf_and_several_edits() -> None:
    text = "a: 1\r\nb: 2\r\nc: 3\r\n"
    edits = [TextEdit((0, 3), (0, 4), "10"), TextEdit((2, 0), (2, 1), "d")]
    assert apply_edits(text, edits) == "a: 10\r\nb: 2\r\nd: 3\r\n"
