"""Error recovery: the parser reads past YAML syntax errors and keeps the original positions.

The fixtures under ``tests/fixtures/yaml-syntax/recover-*`` show the findings of whole manifests with
each kind of error; these tests pin the parser's side (what is repaired, where errors are said, what
the tree holds) and fuzz it with broken versions of the real manifests of the corpus.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flare_ls.analyze import analyze
from flare_ls.parsing.recovery import MAX_ROUNDS
from flare_ls.parsing.yamltree import YMap, YNode, YSeq, parse, split_lines
from golden import CORPUS


def _value(text: str, *path: str | int) -> YNode | None:
    node: YNode | None = parse(text).documents[0].root
    for part in path:
        if isinstance(node, YMap) and isinstance(part, str):
            node = node.get(part)
        elif isinstance(node, YSeq) and isinstance(part, int):
            node = node.items[part]
        else:
            return None
    return node


def test_text_that_parses_takes_the_fast_path() -> None:
    parsed = parse("a:\n  b: 1\n")
    assert parsed.errors == [] and parsed.repairs is None


def test_tab_indented_line_is_read_at_the_width_that_fits_and_keeps_its_columns() -> None:
    text = "job:\n  inputs:\n    name: a\n\t\tformat: csv\n    isStream: true\n"
    parsed = parse(text)
    assert [(e.start, e.end) for e in parsed.errors] == [((3, 0), (3, 2))]
    job = parsed.documents[0].root.get("job").get("inputs")
    assert set(job.entries) == {"name", "format", "isStream"}
    key, value = job.entries["format"]
    # Columns are the original text's: the tabs count one character each.
    assert (key.start, value.start, value.end) == ((3, 2), (3, 10), (3, 13))


def test_unclosed_quote_is_reported_at_its_opening_quote_not_where_the_parser_gave_up() -> None:
    text = 'a:\n  b: "abc\n  c: 2\n  d: "x"\n  e: 1\n'
    parsed = parse(text)
    assert [e.start for e in parsed.errors] == [(1, 5)]
    assert "unclosed double-quoted string" in parsed.errors[0].message
    root = parsed.documents[0].root.get("a")
    assert root.text("b") == "abc" and root.text("d") == "x" and root.text("e") == "1"
    assert root.scalar("b").end == (1, 9)  # the added quote is not part of the file


@pytest.mark.parametrize("opening,closing", [("[", "]"), ("{", "}")])
def test_unclosed_flow_collection_is_reported_at_its_bracket(opening, closing) -> None:
    value = "1, 2" if opening == "[" else "x: 1"
    parsed = parse(f"a:\n  b: {opening}{value}\n  c: 2\n")
    assert [e.start for e in parsed.errors] == [(1, 5)]
    assert f"no closing `{closing}`" in parsed.errors[0].message
    assert parsed.documents[0].root.get("a").text("c") == "2"


def test_key_without_colon_is_said_and_the_rest_is_read() -> None:
    parsed = parse("a:\n  b: 1\n  trig\n  c: 2\n")
    assert [(e.start, e.end) for e in parsed.errors] == [((2, 2), (2, 6))]
    assert "`trig`" in parsed.errors[0].message
    assert set(parsed.documents[0].root.get("a").entries) == {"b", "c"}
    # A half-typed key holds nothing the tree lacks: relational rules still speak.
    assert parsed.repairs.lossy == set()


def test_a_job_file_read_through_recovery_is_analysed() -> None:
    """A job file has no dag to scope its findings by: a repaired one is judged as one job (the rule
    crashed on it, which the incremental analysis's property test found)."""
    text = "stack: flare:7.0\nc\nstackSpec:\n  job:\n    streaming:\n      triggerMode: Continous\n"
    assert {(f.code, f.start[0]) for f in analyze(text)} >= {("FL001", 1), ("FL102", 5)}


def test_bad_indentation_blanks_the_line_and_stays_quiet_about_the_block_under_it() -> None:
    text = "a:\n  b: 1\n  c: x\n    d:\n      e: 1\n    f: 2\n  g: 3\n"
    parsed = parse(text)
    assert [e.start[0] for e in parsed.errors] == [3]
    assert set(parsed.documents[0].root.get("a").entries) == {"b", "c", "g"}
    assert parsed.repairs.lossy >= {3}


def test_merge_conflict_reads_the_checked_out_side() -> None:
    text = "a:\n<<<<<<< HEAD\n  b: ours\n=======\n  b: theirs\n>>>>>>> branch\n  c: 1\n"
    parsed = parse(text)
    assert [e.start for e in parsed.errors] == [(1, 0)]
    assert "(lines 2-6)" in parsed.errors[0].message
    assert parsed.documents[0].root.get("a").text("b") == "ours"


def test_every_error_is_reported_in_text_order() -> None:
    text = "a:\n\tb: 1\n  c: 'x\n  d: [1\n  e: 2\n"
    parsed = parse(text)
    assert [e.start for e in parsed.errors] == [(1, 0), (2, 5), (3, 5)]
    assert set(parsed.documents[0].root.get("a").entries) == {"b", "c", "d", "e"}


def test_recovery_is_bounded() -> None:
    text = "a:\n" + "".join(f"  k{i}\n  v{i}: 1\n" for i in range(200))
    parsed = parse(text)
    assert 1 <= len(parsed.errors) <= MAX_ROUNDS + 1


def test_later_documents_are_read_past_an_error_in_an_earlier_one() -> None:
    parsed = parse("a: [1\n---\nb: 2\n")
    assert [d.root.get("b").value for d in parsed.documents if isinstance(d.root, YMap) and d.root.get("b")] == ["2"]


# -- fuzzing: broken versions of the real manifests ------------------------------------------------

CORPUS_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.yaml"))]
BREAKAGES = ("tab", "drop-colon", "open-quote", "open-bracket", "dedent", "indent", "conflict", "truncate")


def _break(text: str, kind: str, at: int) -> str:
    lines = split_lines(text)
    line = at % len(lines)
    current = lines[line]
    if kind == "tab":
        lines[line] = "\t" + current.lstrip(" ")
    elif kind == "drop-colon":
        lines[line] = current.replace(":", "", 1)
    elif kind == "open-quote":
        lines[line] = current.replace(": ", ': "', 1)
    elif kind == "open-bracket":
        lines[line] = current.replace(": ", ": [", 1)
    elif kind == "dedent":
        lines[line] = current[1:]
    elif kind == "indent":
        lines[line] = "   " + current
    elif kind == "conflict":
        lines[line:line] = ["<<<<<<< HEAD", current, "=======", ">>>>>>> other"]
    else:
        lines = lines[: line + 1]
        lines[-1] = current[: len(current) // 2]
    return "\n".join(lines)


def _positions(node: YNode | None, seen: set[int]):
    if node is None or id(node) in seen:
        return
    seen.add(id(node))
    yield node.start
    yield node.end
    if isinstance(node, YMap):
        for key, value in node.entries.values():
            yield from _positions(key, seen)
            yield from _positions(value, seen)
    elif isinstance(node, YSeq):
        for item in node.items:
            yield from _positions(item, seen)


def _in_text(pos: tuple[int, int], lines: list[str]) -> bool:
    line, column = pos
    return 0 <= line < len(lines) and 0 <= column <= len(lines[line])


# The default run is bounded; FLARE_LS_FUZZ_EXAMPLES raises it (see docs/design.md, "Error recovery").
FUZZ = settings(
    max_examples=int(os.environ.get("FLARE_LS_FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize="FLARE_LS_FUZZ_EXAMPLES" not in os.environ,
)


@FUZZ
@given(
    source=st.sampled_from(range(len(CORPUS_TEXTS))),
    breaks=st.lists(st.tuples(st.sampled_from(BREAKAGES), st.integers(0, 10_000)), min_size=1, max_size=3),
)
def test_broken_corpus_manifests_are_read_with_positions_in_the_text(source, breaks) -> None:
    text = CORPUS_TEXTS[source]
    for kind, at in breaks:
        text = _break(text, kind, at)
    lines = split_lines(text)
    parsed = parse(text, lines)
    for error in parsed.errors:
        assert _in_text(error.start, lines) and _in_text(error.end, lines), error
    for document in parsed.documents:
        for pos in _positions(document.root, set()):
            assert _in_text(pos, lines), pos
    findings = analyze(text)
    assert not [f for f in findings if f.code == "FL900"], [f.message for f in findings if f.code == "FL900"]
    for finding in findings:
        assert _in_text(finding.start, lines) and _in_text(finding.end, lines), finding
        assert finding.start <= finding.end, finding


# -- the editor features read the recovered tree --------------------------------------------------

BROKEN = (
    "version: v1\nname: wf\ntype: workflow\nworkflow:\n  dag:\n    - name: job\n      spec:\n"
    "        stack: flare:7.0\n        compute: runnable-default\n        stackSpec:\n          job:\n"
    "            streaming: {triggerMode: Once}\n"
    "            inputs:\n              - name: orders\n                dataset: dataos://k:d/o\n"
    "\t\t\t\t\t\t\t\tformat: csv\n"
    "            steps:\n              - sequence:\n                  - name: totals\n"
    "                    sql: SELECT * FROM orders\n"
    "            outputs:\n              - name: totals\n                dataset: 'dataos://l:s/t\n"
)


def test_hover_reads_the_tree_of_a_broken_file() -> None:
    from flare_ls.assist import hover

    line = BROKEN.split("\n").index("            streaming: {triggerMode: Once}")
    found = hover(BROKEN, line, BROKEN.split("\n")[line].index("triggerMode") + 2)
    assert found is not None and "triggerMode" in found[0]


def test_names_are_found_in_a_broken_file() -> None:
    from flare_ls.names import names

    found = {(n.text, n.kind, n.defines) for n in names(BROKEN)}
    # The input defined next to the tab-indented line, its read in the SQL, and the step.
    assert {("orders", "view", True), ("orders", "view", False), ("totals", "view", True)} <= found
