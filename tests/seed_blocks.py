"""The YAML examples of the specification (``shared/seed/streaming-jobs.md``), in order."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "streaming-jobs.md"
NAMES = (
    "01-once-kafka-to-lakehouse.yaml",
    "02-available-now.yaml",
    "03-processing-time.yaml",
    "04-continuous-kafka.yaml",
    "05-kafka-cast-steps-fragment.yaml",
    "06-kafka-lakehouse-insights.yaml",
)
_FENCE = re.compile(r"^( *)```yaml[^\n]*\n(.*?)^\1```", re.M | re.S)


def seed_blocks() -> list[str]:
    text = SEED.read_text(encoding="utf-8")
    return [textwrap.dedent(body) for _, body in _FENCE.findall(text)]
