"""Suppression comments: each scope silences exactly its target; unused and unknown ones are FL004."""

from __future__ import annotations

import pytest

from flare_ls.analyze import Config, analyze
from flare_ls.fixes import apply_edits
from flare_ls.parsing.yamltree import parse as parse_yaml
from flare_ls.parsing.yamltree import split_lines
from flare_ls.suppressions import SUPPRESSION, comment_start, disable_fix, parse
from golden import FIXTURES

BASE = (FIXTURES / "invalid-value" / "trigger-continous.yaml").read_text(encoding="utf-8")
TYPO = "              triggerMode: Continous\n"
GOOD = "              triggerMode: ProcessingTime\n"
SAVE = "                  saveMode: append\n"
LONG = ("name: orders-stream-job\n", "name: orders-stream-job-from-the-kafka-topic\n")


def where(text: str, code: str) -> list[int]:
    """1-based lines of the findings of ``code``."""
    return [f.start[0] + 1 for f in analyze(text) if f.code == code]


def two_typos(between: str = "") -> str:
    """The trigger typo on line 16 and a save-mode typo further down."""
    return BASE.replace(TYPO, between + TYPO).replace(SAVE, SAVE.replace("append", "apend"))


def test_the_base_reports_both_typos() -> None:
    text = two_typos()
    assert where(text, "FL102") == [16, 35]
    assert where(text, "FL004") == []


@pytest.mark.parametrize("name", ["FL102", "invalid-value"])
def test_end_of_line_silences_that_line_only(name) -> None:
    text = two_typos().replace("triggerMode: Continous\n", f"triggerMode: Continous  # flare-ls: disable={name}\n")
    assert where(text, "FL102") == [35]
    assert where(text, "FL004") == []


def test_next_line_silences_the_next_line_only() -> None:
    text = two_typos("              # flare-ls: disable-next-line=FL102\n")
    assert where(text, "FL102") == [36]
    assert where(text, "FL004") == []


def test_next_line_comments_stack_and_skip_comment_lines() -> None:
    above = "              # flare-ls: disable-next-line=FL102\n              # a note\n"
    above += "              # flare-ls: disable-next-line=long-job-name\n"
    text = two_typos(above)
    assert where(text, "FL102") == [38]
    assert where(text, "FL004") == [18]  # long-job-name: nothing on line 19


def test_file_scope_silences_the_rule_everywhere_and_nothing_else() -> None:
    text = "# flare-ls: disable-file=invalid-value\n" + two_typos().replace(*LONG)
    assert where(text, "FL102") == []
    assert where(text, "FL306") == [9]
    assert where(text, "FL004") == []
    at_the_end = two_typos() + "# flare-ls: disable-file=FL102,FL306\n"
    assert where(at_the_end, "FL102") == []
    assert where(at_the_end, "FL004") == [36]  # FL306: the job name is short


def test_a_disable_comment_on_its_own_line_covers_only_itself() -> None:
    text = two_typos("              # flare-ls: disable=FL102\n")
    assert where(text, "FL102") == [17, 36]
    [unused] = [f for f in analyze(text) if f.code == "FL004"]
    assert "disable-next-line=" in unused.message


def test_unused_codes_are_reported_at_the_code_with_a_fix_removing_it() -> None:
    text = BASE.replace("triggerMode: Continous\n", "triggerMode: Continous  # flare-ls: disable=FL306, FL102 ,FL207\n")
    unused = [f for f in analyze(text) if f.code == "FL004"]
    assert [text.splitlines()[f.start[0]][f.start[1] : f.end[1]] for f in unused] == ["FL306", "FL207"]
    assert all(f.fix is not None and f.fix.safe for f in unused)
    first = apply_edits(text, unused[0].fix.edits)
    assert "triggerMode: Continous  # flare-ls: disable=FL102 ,FL207\n" in first
    both = apply_edits(text, [e for f in unused for e in f.fix.edits])
    assert "triggerMode: Continous  # flare-ls: disable=FL102\n" in both
    assert where(both, "FL004") == [] and where(both, "FL102") == []


def test_the_only_code_unused_removes_the_comment_and_the_space_before_it() -> None:
    text = BASE.replace(TYPO, "              triggerMode: ProcessingTime   # flare-ls: disable=FL102\n")
    [unused] = [f for f in analyze(text) if f.code == "FL004"]
    assert apply_edits(text, unused.fix.edits) == BASE.replace(TYPO, GOOD)


@pytest.mark.parametrize("scope", ["disable-next-line", "disable-file"])
def test_an_unused_comment_line_is_deleted(scope) -> None:
    text = BASE.replace(TYPO, f"              # flare-ls: {scope}=FL102\n" + GOOD)
    [unused] = [f for f in analyze(text) if f.code == "FL004"]
    assert apply_edits(text, unused.fix.edits) == BASE.replace(TYPO, GOOD)


def test_an_unused_comment_on_the_last_line_without_a_newline() -> None:
    text = BASE + "# flare-ls: disable-file=FL306"
    [unused] = [f for f in analyze(text) if f.code == "FL004"]
    assert apply_edits(text, unused.fix.edits) == BASE.rstrip("\n")


def test_an_unknown_rule_is_reported_with_the_closest_name() -> None:
    text = BASE.replace("triggerMode: Continous\n", "triggerMode: Continous  # flare-ls: disable=invalid-valu\n")
    codes = sorted(f.code for f in analyze(text))
    assert codes == ["FL004", "FL102"]
    [unknown] = [f for f in analyze(text) if f.code == "FL004"]
    assert "names no rule" in unknown.message and "`invalid-value`" in unknown.message


def test_a_malformed_directive_is_reported_without_a_fix() -> None:
    text = BASE.replace("triggerMode: Continous\n", "triggerMode: Continous  # flare-ls: disable-line=FL102\n")
    [bad] = [f for f in analyze(text) if f.code == "FL004"]
    assert bad.fix is None and "not a flare-ls suppression" in bad.message
    assert where(text, "FL102") == [16]


def test_fl004_can_be_silenced_and_its_own_suppression_is_never_unused() -> None:
    text = BASE.replace(TYPO, "              triggerMode: ProcessingTime  # flare-ls: disable=FL102,FL004\n")
    assert analyze(text) == []
    assert where("# flare-ls: disable-file=FL004\n" + BASE, "FL004") == []


def test_settings_silence_fl004_and_rules_turned_off_are_not_judged() -> None:
    text = BASE.replace(TYPO, "              triggerMode: ProcessingTime  # flare-ls: disable=FL102\n")
    assert not [f for f in analyze(text, config=Config(ignore=frozenset({"unused-suppression"})))]
    assert not [f for f in analyze(text, config=Config(ignore=frozenset({"FL102"})))]
    assert not [f for f in analyze(text, config=Config(select=frozenset({"FL306"})))]


def test_comment_like_text_in_scalars_is_not_a_suppression() -> None:
    text = BASE.replace(
        "description: reads order events from kafka into the lakehouse",
        "description: 'see # flare-ls: disable=FL999'",
    ).replace(
        "sql: SELECT CAST(value AS STRING) AS payload FROM orders",
        "sql: |\n                      SELECT 1  # flare-ls: disable=FL102\n"
        "                      # flare-ls: disable-file=FL102\n                      FROM orders",
    )
    assert where(text, "FL102") == [16]
    assert where(text, "FL004") == []


def test_not_judged_when_the_text_does_not_parse_or_is_not_flare() -> None:
    broken = BASE.replace(TYPO, GOOD.rstrip("\n") + "  # flare-ls: disable=FL102\n") + "  - : [\n"
    assert {f.code for f in analyze(broken)} == {"FL001"}
    other = "apiVersion: v1\nkind: ConfigMap  # flare-ls: disable=FL999\n"
    assert analyze(other) == []


def test_a_bom_shifts_the_fl004_columns_on_the_first_line() -> None:
    text = "# flare-ls: disable-file=FL306\n" + BASE
    plain = [f for f in analyze(text) if f.code == "FL004"]
    with_bom = [f for f in analyze("\ufeff" + text) if f.code == "FL004"]
    assert [f.start[1] + 1 for f in plain] == [f.start[1] for f in with_bom]
    assert apply_edits("\ufeff" + text, with_bom[0].fix.edits) == "\ufeff" + BASE


def test_crlf_lines() -> None:
    text = BASE.replace(TYPO, GOOD.rstrip("\n") + "  # flare-ls: disable=FL102\n").replace("\n", "\r\n")
    [unused] = [f for f in analyze(text) if f.code == "FL004"]
    assert apply_edits(text, unused.fix.edits) == BASE.replace(TYPO, GOOD).replace("\n", "\r\n")


@pytest.mark.parametrize(
    "line,column",
    [
        ("# note", 0),
        ("  key: value  # note", 14),
        ("key: a#b", None),
        ("key: 'a # b'", None),
        ("key: 'it''s # quoted' # real", 22),
        ('key: "a \\" # b" # real', 16),
        ("key: it's # plain", 10),
        ("[a, 'b # c'] # d", 13),
    ],
)
def test_comment_start(line, column) -> None:
    assert comment_start(line) == column


def test_the_language_server_regex_still_finds_the_rule_list() -> None:
    line = "triggerMode: Continous  # flare-ls: disable=FL102, long-job-name  because reasons"
    match = SUPPRESSION.search(line)
    assert match is not None and match.group(1) == "FL102, long-job-name"
    assert [c.text for c in parse([line]).items[0].codes] == ["FL102", "long-job-name"]


def test_block_scalar_lines_are_skipped_until_the_indentation_drops() -> None:
    lines = [
        "a: |",
        "  # flare-ls: disable-file=FL102",
        "",
        "  text",
        "b: >-",
        "# flare-ls: disable-file=FL306",
        "- |",
        "  # flare-ls: disable-file=FL101",
        "- key: |",
        "    # flare-ls: disable-file=FL105",
        "  other: 1  # flare-ls: disable=FL207",
    ]
    found = parse(lines).items
    assert [(s.line, [c.text for c in s.codes]) for s in found] == [(5, ["FL306"]), (10, ["FL207"])]


def test_no_suppression_work_without_the_marker(monkeypatch) -> None:
    import flare_ls.suppressions as module

    def boom(lines):
        raise AssertionError("parsed")

    monkeypatch.setattr(module, "parse", boom)
    assert where(BASE, "FL102") == [16]


# -- suppressing a finding inside a multi-line value -------------------------------------------------

SQL_CASES = sorted(p for p in (FIXTURES / "sql-syntax-error").glob("*.yaml") if not p.stem.endswith("-ok"))


def _disabled(text: str, finding_line: int, code: str) -> str:
    lines = split_lines(text)
    roots = [document.root for document in parse_yaml(text).documents]
    return apply_edits(text, list(disable_fix(lines, finding_line, code, roots).edits))


@pytest.mark.parametrize("path", SQL_CASES, ids=lambda p: p.stem)
def test_disabling_a_finding_inside_sql_never_writes_into_the_sql(path) -> None:
    text = path.read_text(encoding="utf-8")
    before = analyze(text)
    for finding in (f for f in before if f.code == "FL401"):
        fixed = _disabled(text, finding.start[0], "FL401")
        after = analyze(fixed)
        assert not any(f.code == "FL401" and f.message == finding.message for f in after), fixed
        assert not any(f.code in ("FL001", "FL004") for f in after), fixed
        assert len(split_lines(fixed)) - len(split_lines(text)) in (0, 1)  # a comment, or a line above the key


def test_a_comment_on_the_key_line_of_a_block_covers_the_whole_block() -> None:
    text = (FIXTURES / "sql-syntax-error" / "literal-block.yaml").read_text(encoding="utf-8")
    finding = next(f for f in analyze(text) if f.code == "FL401")
    fixed = _disabled(text, finding.start[0], "FL401")
    assert finding.start[0] > next(n for n, line in enumerate(split_lines(text)) if "sql: |" in line)
    assert "sql: |  # flare-ls: disable=FL401\n" in fixed
    assert fixed.replace("  # flare-ls: disable=FL401", "") == text  # the SQL keeps every byte


def test_a_plain_multi_line_value_gets_a_comment_above_its_key() -> None:
    text = (FIXTURES / "sql-syntax-error" / "plain-multiline.yaml").read_text(encoding="utf-8")
    finding = next(f for f in analyze(text) if f.code == "FL401")
    fixed = _disabled(text, finding.start[0], "FL401")
    lines = split_lines(fixed)
    at = next(n for n, line in enumerate(lines) if "flare-ls:" in line)
    assert lines[at] == "                    # flare-ls: disable-next-line=FL401"
    assert lines[at + 1].lstrip().startswith("sql: SELECT")
    # A second rule joins the directive already there instead of a second comment.
    again = _disabled(fixed, finding.start[0] + 1, "FL402")
    assert split_lines(again)[at] == "                    # flare-ls: disable-next-line=FL401,FL402"


def test_a_rule_joins_the_suppression_already_on_the_key_line() -> None:
    text = (FIXTURES / "sql-syntax-error" / "literal-block.yaml").read_text(encoding="utf-8")
    text = text.replace("sql: |", "sql: |  # flare-ls: disable=FL404 (kept on purpose)", 1)
    finding = next(f for f in analyze(text) if f.code == "FL401")
    fixed = _disabled(text, finding.start[0], "FL401")
    assert "sql: |  # flare-ls: disable=FL404,FL401 (kept on purpose)" in fixed
