"""Folding and selection ranges from the positioned tree."""

from __future__ import annotations

from flare_ls.ranges import Fold, folding_ranges, selection_ranges

TEXT = """\
# a workflow
# read and written
version: v1
workflow:
  dag:
    - name: crème-brûlée-🍮
      spec:
        stack: flare:7.0
        sql: |
          SELECT 1
          # not a comment: SQL text
          FROM t
  title: x
"""


def test_blocks_lists_block_scalars_and_comment_runs_fold() -> None:
    folds = {fold.start_line: fold for fold in folding_ranges(TEXT)}
    assert folds[0] == Fold(0, 12, 1, 18, "comment")
    assert (folds[3].end_line, folds[4].end_line, folds[5].end_line, folds[6].end_line) == (12, 11, 11, 11)
    assert folds[8] == Fold(8, 14, 11, 16, "region")  # the block scalar, from its key line
    assert 10 not in folds  # a `#` line inside the SQL is SQL
    assert 2 in folds and folds[2].end_line == 12  # the document's root mapping


def test_selection_grows_from_the_word_to_the_document() -> None:
    line = TEXT.splitlines()[5]
    column = line.index("brûlée") + 2
    (chain,) = selection_ranges(TEXT, [(5, column)])
    assert chain[0] == ((5, line.index("crème")), (5, line.index("🍮")))  # the word (names have hyphens)
    assert chain[1] == ((5, line.index("crème")), (5, len(line)))  # the scalar
    assert chain[2] == ((5, 6), (5, len(line)))  # name: value
    assert chain[3][0] == (5, 6) and chain[3][1][0] == 11  # the item's mapping
    assert chain[-1] == ((0, 0), (13, 0))  # the document
    for inner, outer in zip(chain, chain[1:], strict=False):
        assert outer[0] <= inner[0] and inner[1] <= outer[1] and inner != outer


def test_broken_text_gives_ranges_without_failing() -> None:
    broken = TEXT.replace("stack: flare:7.0", "stack: 'flare:7.0")
    assert folding_ranges(broken)
    assert selection_ranges(broken, [(7, 12), (99, 0)])[1] == [((0, 0), (13, 0))]
