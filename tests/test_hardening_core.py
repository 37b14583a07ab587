"""The analysis core against the hostile inputs of the "Hardening" issue, each from its minimal
reproducer in ``shared/reproducers/hardening`` (see its README)."""

from __future__ import annotations

from pathlib import Path

import pytest

from flare_ls.analyze import analyze, fix_holds
from flare_ls.fixes import apply_edits
from flare_ls.fixing import fix_text
from flare_ls.parsing.yamltree import parse, split_lines
from golden import SHARED

REPRODUCERS = SHARED / "reproducers" / "hardening"


def _text(name: str) -> str:
    return (REPRODUCERS / name).read_bytes().decode("utf-8")


def _codes(text: str) -> list[tuple[str, int, int]]:
    return [(f.code, f.start[0], f.start[1]) for f in analyze(text)]


def test_line_separator_in_a_value_is_not_a_line_break() -> None:
    """U+2028 counts as a line break for libyaml, not for editors, LSP or YAML 1.2: the typo is on
    line 11 (0-based 10), and the safe fix writes there, not into the checkpoint line."""
    text = _text("ls2028.orig")
    assert ("FL102", 10, 27) in _codes(text)
    fixed, applied = fix_text(text)
    assert applied >= 1
    assert split_lines(fixed)[10] == "              triggerMode: Continuous"
    assert split_lines(fixed)[11] == split_lines(text)[11]
    # The value keeps its character.
    assert parse(text).documents[0].root.text("description") == "a\u2028b"


@pytest.mark.parametrize("character", ["\x85", "\u2028", "\u2029"])
def test_nel_ls_ps_keep_every_later_position(character) -> None:
    text = f"# {character} in a comment\n" + _text("ls2028.orig").replace("\u2028", character)
    assert ("FL102", 11, 27) in _codes(text)


def test_nel_near_the_end_is_no_crash() -> None:
    findings = analyze(_text("min_fl900_nel.yaml"))
    assert not [f for f in findings if f.code == "FL900"]
    assert [f.code for f in findings if f.code == "FL001"] == ["FL001"]


def test_cr_line_endings_and_a_nul_byte() -> None:
    """The NUL is on line 3 (CR-only line endings), column 7: said there, and the rest is read."""
    findings = analyze(_text("cr_nul.yaml"))
    syntax = [f for f in findings if f.code == "FL001"]
    assert [(f.start, f.end) for f in syntax] == [((2, 6), (2, 7))]
    assert "U+0000 (NUL)" in syntax[0].message


def test_lone_surrogate_from_a_client_is_analysed() -> None:
    text = _text("ls2028.orig").replace("a\u2028b", "a\ud800b")
    assert ("FL102", 10, 27) in _codes(text)


def test_lone_surrogate_before_a_finding_on_its_line() -> None:
    text = _text("ls2028.orig").replace("triggerMode: Continous", "triggerMode: Continous  # \ud800")
    text = text.replace("triggerMode: Continous", "triggerMode: \udc00Continous", 1)
    finding = next(f for f in analyze(text) if f.code in ("FL102", "FL108"))
    assert finding.start == (10, 27)


def test_merge_keys_give_the_merged_keys() -> None:
    text = (
        "version: v1\nname: wf\ntype: workflow\nworkflow:\n  dag:\n    - name: a\n      spec: &base\n"
        "        stack: flare:7.0\n        compute: runnable-default\n        stackSpec:\n          job:\n"
        "            inputs: [{name: i, dataset: 'dataos://icebase:r/a', format: iceberg}]\n"
        "            outputs: [{name: i, dataset: 'dataos://icebase:r/b?acl=rw', format: iceberg}]\n"
        "    - name: b\n      spec:\n        <<: *base\n        compute: runnable-default\n"
    )
    assert [f for f in analyze(text) if f.code == "FL104"] == []


def test_findings_reached_through_aliases_are_said_once() -> None:
    text = (
        "version: v1\nname: wf\ntype: workflow\nworkflow:\n  dag:\n    - name: a\n      spec: &spec\n"
        "        stack: flare:7.0\n        compute: runnable-default\n        stackSpec:\n          job:\n"
        "            inputs: [{name: i, dataset: 'dataos://icebase:r/a', fromat: iceberg}]\n"
        "            outputs: [{name: i, dataset: 'dataos://icebase:r/b?acl=rw', format: iceberg}]\n"
        "    - name: b\n      spec: *spec\n    - name: c\n      spec: *spec\n"
    )
    assert [f.code for f in analyze(text) if f.code == "FL101"] == ["FL101"]


def test_repeated_findings_are_dropped_even_when_not_next_to_each_other() -> None:
    # Findings at one place by one rule sort together in the order they were found; a repeat may come
    # after a different finding of that group.
    from flare_ls.analyze import _distinct
    from flare_ls.findings import Finding, Severity
    from flare_ls.rules.base import RULES

    rule = RULES["FL101"]
    first = Finding(rule, "unknown key `fromat`", (3, 4), (3, 10), Severity.ERROR)
    other = Finding(rule, "unknown key `fromat` (2)", (3, 4), (3, 10), Severity.ERROR)
    later = Finding(rule, "unknown key `x`", (5, 0), (5, 1), Severity.ERROR)
    again = Finding(rule, "unknown key `fromat`", (3, 4), (3, 10), Severity.ERROR)
    assert _distinct([first, other, again, later, later]) == [first, other, later]


def _fix_of(text: str, code: str):
    return next(f for f in analyze(text) if f.code == code and f.fix is not None)


def test_fl203_fix_keeps_a_space_after_the_colon() -> None:
    text = _text("fl203.orig")
    finding = _fix_of(text, "FL203")
    fixed = apply_edits(text, finding.fix.edits)
    assert "                isStream: true\n" in fixed
    assert fix_holds(text, finding)


def test_fl202_fix_quotes_a_checkpoint_with_a_comment_character() -> None:
    text = _text("fl202.orig")
    finding = _fix_of(text, "FL202")
    fixed = apply_edits(text, finding.fix.edits)
    assert 'checkpointLocation: "dataos://' in fixed
    assert fix_holds(text, finding)
    location = parse(fixed).documents[0].root.get("workflow").get("dag").items[0]
    streaming = location.get("spec").get("stackSpec").get("job").get("streaming")
    assert streaming.text("checkpointLocation").endswith("job #1?acl=rw")


def test_fl402_fix_quotes_a_view_name_for_spark_and_settles() -> None:
    text = _text("nonidem.orig")
    finding = _fix_of(text, "FL402")
    assert finding.fix.edits[0].text == "`c,ity_connect`"
    assert fix_holds(text, finding)
    once, _ = fix_text(text, unsafe=True)
    twice, applied = fix_text(once, unsafe=True)
    assert twice == once and applied == 0


def test_fl004_fix_keeps_the_reason() -> None:
    text = _text("fl004.yaml")
    fixed, applied = fix_text(text)
    assert applied == 2
    assert "compute: runnable-default  # (ticket OPS-12: keep until the Q3 migration)" in fixed
    assert "          # reason: vendor key required by ops" in fixed
    assert "flare-ls:" not in fixed


def test_a_fix_that_would_not_hold_is_recognised() -> None:
    """The check ``--fix`` and the editor rely on: a fix whose result no longer parses does not hold."""
    text = _text("fl203.orig")
    finding = _fix_of(text, "FL203")
    broken = type(finding.fix)(finding.fix.message, (type(finding.fix.edits[0])((17, 25), (17, 25), "true"),), False)
    assert not fix_holds(text, type(finding)(**{**finding.__dict__, "fix": broken}))


def test_reproducers_folder_is_there() -> None:
    assert isinstance(REPRODUCERS, Path) and len(list(REPRODUCERS.iterdir())) >= 8


def test_a_forbidden_character_after_non_ascii_text_is_said_where_it_is() -> None:
    """libyaml counts a reader error's position in UTF-8 bytes; the finding is in characters."""
    text = (
        "# caf\u00e9 \U0001f600 \u2028\nversion: v1\ntags\x00: [a]\nworkflow:\n  dag:\n    - spec: {stack: flare:7.0}\n"
    )
    syntax = [(f.start, f.end) for f in analyze(text) if f.code == "FL001"]
    assert syntax == [((2, 4), (2, 5))]
