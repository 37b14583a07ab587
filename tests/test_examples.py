"""The bundled examples are the specification's own, byte for byte (modulo the trailing newline)."""

from __future__ import annotations

from golden import EXAMPLES
from seed_blocks import NAMES, seed_blocks


def test_bundled_examples_are_the_seed_examples() -> None:
    blocks = seed_blocks()
    assert len(blocks) == len(NAMES) == 6
    for name, block in zip(NAMES, blocks, strict=True):
        bundled = (EXAMPLES / "seed" / name).read_text(encoding="utf-8")
        assert bundled == block.rstrip() + "\n", name
