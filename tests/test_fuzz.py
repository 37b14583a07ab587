"""Property-based fuzzing of the analysis core and of every fix it offers, seeded from the corpus.

Each example takes a real manifest, damages it (hostile characters, line breaks of every kind,
broken indentation, duplicated or dropped lines) and checks that ``analyze`` returns findings inside
the text, never an exception or an FL900, and that every fix holds: its result reads as well as the
text did and its finding is gone.

Bounded in the default suite (``FLARE_LS_FUZZ_EXAMPLES``, 200 by default, derandomised so CI is
reproducible); a long run (random each time) is documented in docs/design.md:

    FLARE_LS_FUZZ_EXAMPLES=20000 python -m pytest -q tests/test_fuzz.py
"""

from __future__ import annotations

import os
from dataclasses import replace

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from flare_ls.analyze import analyze, fix_holds
from flare_ls.parsing.yamltree import split_lines
from golden import CORPUS, EXAMPLES

SEEDS = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.yaml"))] + [
    p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.rglob("*.yaml"))
]
HOSTILE = [
    "\t", "\x85", "\u2028", "\u2029", "\ud800", "\udfff", "\x00", "\x07", "\r", "\r\n", "\n", "#", ": ", "- ",
    "'", '"', "[", "{", "]", "}", "*x", "&x ", "!!python/object ", "%", "@", "`", "\\", "é", "\U0001f600",
    "${VAR}", "{{ x }}", "<<: *x", "\ufeff", "---\n", "...\n", "? ", "|", ">-",
]  # fmt: skip

EXAMPLES_RUN = int(os.environ.get("FLARE_LS_FUZZ_EXAMPLES", "200"))
FUZZ = settings(
    max_examples=EXAMPLES_RUN,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize="FLARE_LS_FUZZ_EXAMPLES" not in os.environ,
)


@st.composite
def damaged(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 4))):
        lines = split_lines(text)
        line = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["insert", "insert", "duplicate", "drop", "indent", "dedent"]))
        current = lines[line]
        if kind == "insert":
            column = draw(st.integers(0, len(current)))
            lines[line] = current[:column] + draw(st.sampled_from(HOSTILE)) + current[column:]
        elif kind == "duplicate":
            lines.insert(line, current)
        elif kind == "drop" and len(lines) > 1:
            del lines[line]
        elif kind == "indent":
            lines[line] = " " * draw(st.integers(1, 4)) + current
        else:
            lines[line] = current[draw(st.integers(1, 4)) :]
        text = "\n".join(lines)
    return text


def _inside(pos: tuple[int, int], lines: list[str]) -> bool:
    return 0 <= pos[0] < len(lines) and 0 <= pos[1] <= len(lines[pos[0]])


@FUZZ
@given(text=damaged())
# Found by this test: a key written twice beside an empty section, where indenting the last alone
# left the first behind (FL105's fix).
@example(
    text="version: v1\nname: wf\ntype: workflow\nworkflow:\n  schedule:\n  cron: '* * * * *'\n"
    "  cron: '* * * * *'\n  dag:\n    - name: a\n      spec:\n        stack: flare:7.0\n"
)
# A forbidden character after non-ASCII text: libyaml counts its position in bytes.
@example(text="\x85version: v1\nname: x\ntype: workflow\ntags\x00:\n  - a\n")
# Found by the long run: FL105's indent of a whole block around tab-indented lines that recovery
# re-indented; they were left behind at their old width.
@example(
    text="version: v1\nname: wf\ntype: workflow\nworkflow:\ndag:\n    - name: a\n      spec:\n"
    "        stack: flare:7.0\n        compute: runnable-default\n        stackSpec:\n          job:\n"
    "            inputs:\n              - name: i\n\t\t\t\t\t\t\t\tdataset: dataos://a:b/c\n"
    "                format: avro\n"
)
def test_damaged_manifests_give_findings_inside_the_text_and_fixes_that_hold(text: str) -> None:
    lines = split_lines(text.removeprefix("\ufeff"))
    findings = analyze(text)
    crashed = [f.message for f in findings if f.code == "FL900"]
    assert not crashed, crashed
    for finding in findings:
        assert _inside(finding.start, lines) and _inside(finding.end, lines), finding
        assert finding.start <= finding.end, finding
    before = analyze(text)
    for finding in findings:
        if finding.fix is not None:
            # A structural fix that would bring a new finding is withheld by fix_holds, not broken: what
            # must hold for it too is that its result reads and its finding is gone.
            judged = replace(finding, fix=replace(finding.fix, structural=False))
            assert fix_holds(text, judged, before=before), (finding.code, finding.message, finding.fix)
