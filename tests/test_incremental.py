"""Incremental parsing and analysis: a tree spliced after an edit is the tree a whole parse of the new
text gives, and an analysis built on the previous version's finds what a whole analysis finds.

Trees are compared by :func:`shape`, which holds every node's class, span, flow style, scalar value,
style and tag, every mapping's keys (with their spans) in order, and the parent and key of every node,
plus each document's index, first line, duplicate keys and whether it shares nodes. The property tests
edit the corpus manifests, the fixtures and a generated manifest at random, one edit or several in a
row on the same tree (``FLARE_LS_FUZZ_EXAMPLES`` sets how many examples; 200 by default, half of it for
the analysis; a long run: ``FLARE_LS_FUZZ_EXAMPLES=2000 python -m pytest --timeout=0 tests/test_incremental.py``).
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flare_ls.analyze import Config, analyze
from flare_ls.parsing.incremental import line_edit, lines_edit, reparse
from flare_ls.parsing.yamltree import ParsedText, YMap, YNode, YScalar, YSeq, parse, release_node, split_lines
from flare_ls.versions import analyze_version
from flare_ls.workspace import index_parsed, index_text
from golden import CORPUS

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from bench_analyze import generated  # noqa: E402

EXAMPLES = int(os.environ.get("FLARE_LS_FUZZ_EXAMPLES", "200"))


def _texts() -> list[str]:
    paths = sorted(CORPUS.glob("*.yaml")) + sorted((ROOT / "tests" / "fixtures").rglob("*.yaml"))
    texts = [path.read_bytes().decode("utf-8", errors="replace").lstrip("\ufeff") for path in paths]
    return [*texts, generated(150).replace("\n", "\r\n")]


def _combined(texts: list[str]) -> str:
    """One workflow whose dag holds the jobs of all ``texts`` that parse and write their jobs at the
    usual place (``  dag:``, items at four spaces): most manifests have one job, and what is kept per
    job shows only with several."""
    jobs = []
    for text in texts:
        lines = text.split("\n")
        if "  dag:" not in lines or parse(text).errors:
            continue
        for line in lines[lines.index("  dag:") + 1 :]:
            if line.strip() and not line.startswith("    ") and not line.lstrip().startswith("#"):
                break
            jobs.append(line)
    return "version: v1\nname: combined\ntype: workflow\nworkflow:\n  dag:\n" + "\n".join(jobs) + "\n"


def _with_mistakes(lines: int) -> str:
    """A generated manifest with findings in every job (a value's case, a local checkpoint)."""
    text = generated(lines).replace("triggerMode: ProcessingTime", "triggerMode: processingTime")
    return text.replace("checkpointLocation: dataos://lakehouse:stream/", "checkpointLocation: /tmp/")


TEXTS = _texts()
#: Manifests with many jobs, drawn as often as all the others.
SEVERAL_JOBS = [_combined(TEXTS[i::7]) for i in range(7)] + [_with_mistakes(300)]
ANY_TEXT = st.one_of(st.sampled_from(TEXTS), st.sampled_from(SEVERAL_JOBS))


def shape(parsed: ParsedText) -> list[object]:
    """Everything a tree says, as plain data (see the module docstring)."""
    out: list[object] = [("errors", [(e.message, e.start, e.end) for e in parsed.errors])]
    for document in parsed.documents:
        duplicates = [(r.start, r.end, r.value, f.start, f.end) for r, f in document.duplicates]
        out.append(("document", document.index, document.start_line, document.shares, duplicates))
        stack: list[tuple[YNode, object, object]] = [(document.root, None, None)] if document.root else []
        seen: set[int] = set()
        while stack:
            node, parent, key = stack.pop()
            if id(node) in seen:
                out.append(("again", node.start))
                continue
            seen.add(id(node))
            links = (node.parent is parent, node.key == key) if parent is not None else (node.parent, node.key)
            out.append((type(node).__name__, node.start, node.end, links))
            if isinstance(node, YScalar):
                out.append((node.value, node.style, node.tag))
            elif isinstance(node, YMap):
                out.append(
                    ("flow", node.flow, [(name, k.start, k.end, k.value) for name, (k, _) in node.entries.items()])
                )
                for name, (k, value) in reversed(node.entries.items()):
                    stack.append((value, node, name))
                    out.append(("key-parent", k.parent is node))
            elif isinstance(node, YSeq):
                out.append(("flow", node.flow, len(node.items)))
                stack += [(item, node, i) for i, item in reversed(list(enumerate(node.items)))]
    return out


def _spliced(
    text: str, lines: list[str], parsed: ParsedText, new: str, by_lines: bool = False
) -> tuple[list[str], ParsedText, bool]:
    """The new text's lines and tree by :func:`reparse` when it applies, else by a whole parse; and
    whether it applied. Checks the line splice and the tree on the way. ``by_lines``: the edit is found
    by comparing the lines (as the language server does), not the texts."""
    new_lines = split_lines(new)
    edit = lines_edit(lines, new_lines) if by_lines else line_edit(text, lines, new)
    if edit is None:
        assert new_lines == lines if by_lines else new == text
        return lines, parsed, False
    assert edit.lines == new_lines
    if by_lines:  # the lines around the edit are the same, and it starts and ends at a changed line
        assert lines[: edit.start] == new_lines[: edit.start]
        assert lines[edit.old_end :] == new_lines[edit.new_end :]
        assert edit.start == edit.old_end or edit.start == edit.new_end or lines[edit.start] != new_lines[edit.start]
    splice = reparse(parsed, lines, edit)
    whole = parse(new, new_lines)
    if splice is None:
        return new_lines, whole, False
    assert shape(splice.parsed) == shape(whole)
    assert not whole.errors
    return new_lines, splice.parsed, True


# What an author types: mostly letters and spaces, and every character that means something to YAML.
_TYPED = st.lists(
    st.sampled_from(list("abcxyz019 _.:-#'\"|>[]{},&*!?%@`\t\n") + ["  ", ": ", "- ", "\n  ", "\r\n"]),
    max_size=6,
).map("".join)


@st.composite
def _edit(draw: st.DrawFn, text: str) -> str:
    """One edit of ``text``: characters typed or deleted somewhere, or a line copied, removed or
    re-indented."""
    lines = text.split("\n")
    kind = draw(st.sampled_from(["type", "type", "value", "value", "delete", "line", "indent"]))
    values = [i for i, line in enumerate(lines) if ": " in line]
    if kind == "value" and values:  # what an author types most: a letter in a value
        at = draw(st.sampled_from(values))
        line = lines[at]
        column = draw(st.integers(line.index(": ") + 2, len(line)))
        typed = draw(st.sampled_from(["", "x", "7", " ", "_", "-", "X"]))
        lines[at] = line[:column] + typed + line[column + (typed == "" or draw(st.booleans())) :]
        return "\n".join(lines)
    if kind in ("line", "indent") and len(lines) > 1:
        at = draw(st.integers(0, len(lines) - 1))
        if kind == "indent":
            lines[at] = " " * draw(st.integers(0, 4)) + lines[at].lstrip(" ")[: draw(st.integers(0, 200))]
        elif draw(st.booleans()):
            lines.insert(at, lines[draw(st.integers(0, len(lines) - 1))])
        else:
            del lines[at]
        return "\n".join(lines)
    start = draw(st.integers(0, len(text)))
    end = min(len(text), start + draw(st.integers(0, 8 if kind == "delete" else 2)))
    return text[:start] + (draw(_TYPED) if kind == "type" else "") + text[end:]


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_a_spliced_tree_is_the_tree_of_the_new_text(data: st.DataObject) -> None:
    text = data.draw(ANY_TEXT)
    lines = split_lines(text)
    parsed = parse(text, lines)
    by_lines = data.draw(st.booleans())
    for _ in range(data.draw(st.integers(1, 4))):  # several edits in a row on the same spliced tree
        new = data.draw(_edit(text))
        lines, parsed, _ = _spliced(text, lines, parsed, new, by_lines)
        text = new


def test_editing_a_value_parses_only_its_block() -> None:
    text = generated(2000)
    lines = split_lines(text)
    at = text.index("triggerMode: ProcessingTime", len(text) // 2) + len("triggerMode: Processing")
    new = text[:at] + "X" + text[at:]
    edit = line_edit(text, lines, new)
    assert edit is not None
    splice = reparse(parse(text, lines), lines, edit)
    assert splice is not None
    assert isinstance(splice.new, YMap) and list(splice.new.entries)[1] == "triggerMode"
    assert splice.last - splice.first == 3 and splice.delta == 0
    assert shape(splice.parsed) == shape(parse(new))


@pytest.mark.parametrize(
    "before,after",
    [
        # A value of the root: the block would be the whole document.
        ("a: 1\nb:\n  c: 2\n", "a: 12\nb:\n  c: 2\n"),
        # An anchor anywhere: nodes may be shared.
        ("a: &k\n  x: 1\nb:\n  y: 2\n  z: 3\n", "a: &k\n  x: 1\nb:\n  y: 22\n  z: 3\n"),
        # A line dedented out of its block, to the root's level.
        ("a:\n  b:\n    x: 1\n    y: 2\n", "a:\n  b:\n    x: 1\ny: 2\n"),
        # A document marker typed inside a block.
        ("a:\n  b:\n    x: 1\n    y: 2\n", "a:\n  b:\n    x: 1\n---\n    y: 2\n"),
        # A tab.
        ("a:\n  b:\n    x: 1\n    y: 2\n", "a:\n  b:\n    x: 1\n    y:\t2\n"),
    ],
)
def test_what_is_not_spliced_is_parsed_whole(before: str, after: str) -> None:
    lines = split_lines(before)
    edit = line_edit(before, lines, after)
    assert edit is not None
    assert reparse(parse(before, lines), lines, edit) is None


def test_lines_moved_by_an_edit_move_every_later_node() -> None:
    text = "a:\n  b:\n    x: 1\n    y: 2\nc:\n  d: 1\n---\ne: 2\n"
    new = text.replace("    x: 1\n", "    x: 1\n    w: 0\n\n")
    lines = split_lines(text)
    edit = line_edit(text, lines, new)
    assert edit is not None and edit.delta == 2
    splice = reparse(parse(text, lines), lines, edit)
    assert splice is not None and splice.delta == 2
    assert shape(splice.parsed) == shape(parse(new))
    assert splice.parsed.documents[1].start_line == 8


# -- incremental analysis ------------------------------------------------------------------------------

#: Configurations the analysis is run with: findings kept per job depend on them.
_CONFIGS = [None, Config(default_stack="flare:4.0", computes=frozenset({"runnable-x"}))]


# Half as many examples: each analyses its text whole and incrementally, several times.
@settings(max_examples=max(1, EXAMPLES // 2), deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_an_analysis_built_on_the_previous_version_finds_what_a_whole_analysis_finds(data: st.DataObject) -> None:
    text = data.draw(ANY_TEXT)
    config = data.draw(st.sampled_from(_CONFIGS))
    by_lines = data.draw(st.booleans())  # the lines given, as the language server gives them
    version = analyze_version(text, config)
    for _ in range(data.draw(st.integers(1, 4))):
        text = data.draw(_edit(text))
        lines = split_lines(text.removeprefix("\ufeff")) if by_lines else None
        version = analyze_version(text, config, previous=version, lines=lines)
        assert version.findings == analyze(text, config=config)


def test_an_edit_in_one_job_analyses_only_that_job_again() -> None:
    text = _with_mistakes(600)
    version = analyze_version(text)
    assert version.how == "whole" and version.computed == len(text.split("- name: stream-job-")) - 1
    at = text.index("showPreviewLines: 20", len(text) // 2) + len("showPreviewLines: 2")
    for new in (text[:at] + "5" + text[at:], text):
        version = analyze_version(new, previous=version)
        assert (version.how, version.computed) == ("spliced", 1)
        assert version.findings == analyze(new)


def test_jobs_after_lines_added_or_removed_are_moved_not_analysed_again() -> None:
    text = _with_mistakes(600)
    version = analyze_version(text)
    at = text.index("            logLevel: INFO\n", len(text) // 3)
    new = text[:at] + "            # a comment\n\n" + text[at:]
    version = analyze_version(new, previous=version)
    assert (version.how, version.computed) == ("spliced", 1)
    assert version.findings == analyze(new)
    version = analyze_version(text, previous=version)
    assert (version.how, version.computed) == ("spliced", 1)
    assert version.findings == analyze(text)


def test_what_job_checks_read_of_the_workflow_analyses_every_job_again() -> None:
    text = _with_mistakes(300).replace("checkpointLocation: /tmp/checkpoint", "# checkpointLocation: a")
    version = analyze_version(text)
    new = text.replace("name: generated-streaming-workflow", "name: renamed-workflow", 1)
    version = analyze_version(new, previous=version)
    assert version.computed == len(version.memo.jobs)  # FL202's fix names the workflow
    assert version.findings == analyze(new)
    assert any("renamed-workflow" in e.text for f in version.findings if f.fix for e in f.fix.edits)


def test_a_version_is_built_on_once() -> None:
    text = _with_mistakes(300)
    first = analyze_version(text)
    at = text.index("showPreviewLines: 20") + len("showPreviewLines: 2")
    new = text[:at] + "5" + text[at:]
    assert analyze_version(new, previous=first).how == "spliced"
    again = analyze_version(new, previous=first)  # its tree is the next version's now
    assert again.how == "whole" and again.findings == analyze(new)


def test_the_same_text_again_reuses_everything() -> None:
    text = _with_mistakes(300)
    version = analyze_version(text, previous=analyze_version(text))
    assert (version.how, version.computed) == ("same", 0)
    assert version.findings == analyze(text)


def test_what_the_next_version_keeps_is_what_its_jobs_are() -> None:
    """Typing on a line of a dag job itself parses that job again as a new node: what the previous
    version kept for the old node goes, instead of one more entry at every keystroke."""
    text = _with_mistakes(600)
    version = analyze_version(text)
    jobs = len(version.memo.jobs)
    at = text.index("title: Stream job", len(text) // 2) + len("title: Stream job")
    for n in range(20):
        new = text[:at] + "x" + text[at:] if n % 2 == 0 else text
        version = analyze_version(new, previous=version)
        assert version.how == "spliced" and version.dropped is not None
        assert version.dropped.parent is not None  # the caller releases it (yamltree.release_node)
    sizes = {len(part) for part in (version.memo.views, version.memo.facts, version.memo.walks, version.memo.jobs)}
    assert sizes == {jobs}


# Half as many examples, like the analysis's: each indexes its text whole and from the previous version.
@settings(max_examples=max(1, EXAMPLES // 2), deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_an_index_entry_built_on_the_previous_version_is_the_whole_text_s(data: st.DataObject) -> None:
    """The language server indexes every analysed version of an open document, reusing the entries of
    the dag jobs the edit left alone (moved by the lines added above them), kept among the analysis's
    per-job facts: what it gets is what indexing the text afresh gives, whether or not every version
    was indexed."""
    text = data.draw(ANY_TEXT)
    version = analyze_version(text)
    for _ in range(data.draw(st.integers(1, 5))):
        text = data.draw(_edit(text))
        version = analyze_version(text, previous=version)
        if data.draw(st.booleans()):
            entry = index_parsed("m.yaml", version.parsed, known=dict(version.memo.views), facts=version.memo.facts)
            assert entry == index_text("m.yaml", text)


def test_an_index_entry_reuses_the_jobs_an_edit_left_alone() -> None:
    """Jobs above a line typed are the previous version's entries; the job holding it is read again;
    the jobs below are the previous entries moved one line down."""
    text = _with_mistakes(300)
    version = analyze_version(text)
    first = index_parsed("m.yaml", version.parsed, known=dict(version.memo.views), facts=version.memo.facts)
    at = text.index("            logLevel: INFO\n", len(text) // 2)
    line = text.count("\n", 0, at)
    new = text[:at] + "            # a comment\n" + text[at:]
    version = analyze_version(new, previous=version)
    assert version.how == "spliced"
    second = index_parsed("m.yaml", version.parsed, known=dict(version.memo.views), facts=version.memo.facts)
    assert second == index_text("m.yaml", new)
    (before,), (after,) = first.workflows, second.workflows
    edited = max(i for i, job in enumerate(before.jobs) if job.place.start[0] < line)
    assert all(after.jobs[i] is before.jobs[i] for i in range(edited))
    assert after.jobs[edited] is not before.jobs[edited]
    for old, moved in zip(before.jobs[edited + 1 :], after.jobs[edited + 1 :], strict=True):
        assert moved.place.start == (old.place.start[0] + 1, old.place.start[1])
    # Indexed again without an edit: every entry is the one held.
    third = index_parsed("m.yaml", version.parsed, known=dict(version.memo.views), facts=version.memo.facts)
    assert all(a is b for a, b in zip(third.workflows[0].jobs, after.jobs, strict=True))


def test_a_bounded_splice_leaves_the_tree_for_an_unbounded_one() -> None:
    """The language server splices on its message loop only blocks of a few lines; a bigger one leaves
    the previous tree as it was, so the analysis's thread can splice it without the bound."""
    text = _with_mistakes(300)
    at = text.index("            logLevel: INFO\n", len(text) // 2)
    new = text[:at] + "            logLevel: WARN\n" + text[at + len("            logLevel: INFO\n") :]
    lines = split_lines(text)
    parsed = parse(text, lines)
    before = shape(parsed)
    edit = line_edit(text, lines, new)
    assert edit is not None
    assert reparse(parsed, lines, edit, max_lines=2) is None
    assert shape(parsed) == before
    spliced = reparse(parsed, lines, edit)
    assert spliced is not None and shape(spliced.parsed) == shape(parse(new))


def test_an_edit_s_analysis_leaves_no_reference_cycle() -> None:
    """What an analysis built on the previous version leaves behind is freed when dropped, without the
    cyclic collector: the language server makes a version per keystroke, and its collector's full
    collections are rare (a cycle holding the previous version's memo grew its memory by 1.7 MB per 100
    keystrokes on a 20,000-line manifest)."""
    text = _with_mistakes(300)
    at = text.index("showPreviewLines: 20", len(text) // 2) + len("showPreviewLines: 2")
    version = analyze_version(text)
    gc.collect()
    gc.disable()
    try:
        for n in range(10):
            version = analyze_version(text[:at] + "5" + text[at:] if n % 2 == 0 else text, previous=version)
            assert version.how == "spliced" and version.dropped is not None
            release_node(version.dropped)  # as the server does (FlareServer._store)
            version.dropped = None
        assert gc.collect() == 0
    finally:
        gc.enable()
