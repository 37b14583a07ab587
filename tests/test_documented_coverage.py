"""The schema model covers the attributes the DataOS documentation gives a Flare workflow.

Each row of ``tests/data/documented-attributes.csv`` is one documented attribute; a row without a
``gap`` must be declared by the model at its path, with its type, values and stack versions, and a row
with a ``gap`` must still be a gap, so the table never says less than the model knows
(``docs/coverage.md``). ``python scripts/documented_attributes.py --coverage`` prints the figures.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from flare_ls.schema.shapes import root_shape

_SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "documented_attributes.py"
_spec = importlib.util.spec_from_file_location("documented_attributes", _SCRIPT)
assert _spec is not None and _spec.loader is not None
documented = importlib.util.module_from_spec(_spec)
sys.modules["documented_attributes"] = documented
_spec.loader.exec_module(documented)

ROWS = documented.read_table()
COVERED = [row for row in ROWS if not row.gap]
GAPS = [row for row in ROWS if row.gap]


def _judge(row):
    return documented.judge(root_shape(), row)


@pytest.mark.parametrize("row", COVERED, ids=[row.path for row in COVERED])
def test_documented_attribute_is_modelled(row):
    verdict = _judge(row)
    assert verdict.covered, f"line {row.line}: {row.path} ({row.page}): " + "; ".join(verdict.problems)


def test_every_marked_gap_is_still_a_gap():
    """The table never lies: a row marked as a gap that the model now covers must lose its marker.
    (Today no row is marked: every documented attribute is modelled.)"""
    covered_now = [
        f"line {row.line}: {row.path} is modelled now: remove its gap marker ({row.gap!r}) from the table"
        for row in GAPS
        if _judge(row).covered
    ]
    assert covered_now == []


def test_table_is_well_formed():
    paths = [row.path for row in ROWS]
    assert len(paths) == len(set(paths)), sorted({p for p in paths if paths.count(p) > 1})
    for row in ROWS:
        assert row.segments, row.path
        assert row.page.startswith(("docs/", "deprecated/")) and row.page.endswith((".md", ".yml", ".yaml")), row
        for wanted in row.type.split("|"):
            # Every type the table names is one the judge knows (an unknown one raises).
            documented._accepts(root_shape(), wanted.strip())
        if row.versions:
            assert documented.expand_versions(row.versions), row
        assert row.area in documented.AREAS, row


def test_every_documented_function_has_a_row():
    """The functions page has 41 sections; each is a row of its own (``functions[name=...]``)."""
    functions = [row for row in ROWS if row.is_function]
    assert len(functions) == 41
    assert all(not row.gap for row in functions)


# The judge itself: a row the model does not cover is said so, with why.

_JOB = "workflow.dag[].spec.stackSpec.job"


def _row(path, type_="str", values="", versions=""):
    return documented.Row(path, type_, tuple(values.split("|")) if values else (), versions, "docs/x.md", "", "", 0)


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (_row(f"{_JOB}.inputs[].nosuchkey"), "has no key `nosuchkey`"),
        (_row(f"{_JOB}.inputs[].options.nosuchoption"), "has no key `nosuchoption`"),
        (_row(f"{_JOB}.explain", "int"), "does not accept a `int`"),
        (_row(f"{_JOB}.inputs", "map"), "does not accept a `map`"),
        (_row(f"{_JOB}.streaming.triggerMode", values="Once|OneTimeish"), "`OneTimeish`"),
        (_row(f"{_JOB}.steps[].sequence[].functions[name=no_such_function]", "map"), "no item with name"),
        (_row(f"{_JOB}.steps[].sequence[].functions[name=hash].nosuchparam"), "has no key `nosuchparam`"),
        (_row(f"{_JOB}.actions[name=remove_orphans].options.useCaching", "bool"), "has no key `useCaching`"),
        (_row(f"{_JOB}.explain.deeper"), "has no key `deeper`"),
    ],
    ids=lambda value: value.path if isinstance(value, documented.Row) else "",
)
def test_judge_reports_what_is_missing(row, problem):
    verdict = _judge(row)
    assert not verdict.covered
    assert problem in "; ".join(verdict.problems)


def test_judge_follows_tags_selectors_and_case_rules():
    for row in (
        _row(f"{_JOB}.steps[].sequence[].functions[name=hash].algo", values="SHA-256"),
        _row(f"{_JOB}.actions[name=expire_snapshots].options.retainLast", "int"),
        _row(f"{_JOB}.actions[].name", values="remove_orphans"),
        _row(f"{_JOB}.inputs[format=csv].options.header", "bool"),
        # format compares values ignoring case, as the model says.
        _row(f"{_JOB}.inputs[].format", values="ICEBERG|Csv"),
    ):
        assert _judge(row).covered, (row.path, _judge(row).problems)


def test_path_syntax():
    segments = documented.parse_path("a.b[].c[name=hash].`write.format.default`")
    assert [s.key for s in segments] == ["a", "b", "c", "write.format.default"]
    assert segments[1].item and segments[1].selector is None
    assert segments[2].selector == ("name", "hash")
    for bad in ("a..b", "a.b[name=]", "a.", "a.b[x]"):
        with pytest.raises(ValueError):
            documented.parse_path(bad)


def test_coverage_report_counts_every_row():
    verdicts = [_judge(row) for row in ROWS]
    lines = list(documented.coverage_lines(verdicts))
    covered = sum(v.covered for v in verdicts)
    assert lines[0].startswith(f"documented attributes modelled at their place: {covered} of {len(ROWS)} ")
    assert covered == len(COVERED)
