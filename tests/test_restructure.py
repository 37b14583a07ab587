"""Structural fixes (server/flare_ls/restructure/): every one offered on the fixtures and the shared
corpus, applied. The result must parse, the finding must be gone, no rule may report more than before,
and the data must be what the fix promises: a moved key's value unchanged at its new place, a
duplicate key's kept value what PyYAML loaded, a re-indented file what recovery read.
"""

from __future__ import annotations

from collections import Counter

import pytest
import yaml

from flare_ls.analyze import analyze, fix_holds
from flare_ls.cli import main
from flare_ls.fixes import apply_edits
from flare_ls.fixing import fix_text
from golden import CORPUS, FIXTURES

SOURCES = sorted(FIXTURES.glob("*/*.yaml")) + sorted(CORPUS.glob("*.yaml"))
STRUCTURAL = ("FL001", "FL002", "FL105", "FL106")


def _structural():
    for path in SOURCES:
        text = path.read_bytes().decode("utf-8")
        for finding in analyze(text):
            fix = finding.fix
            if fix is not None and finding.code in STRUCTURAL and (fix.structural or finding.code == "FL001"):
                yield pytest.param(
                    text, finding, id=f"{path.parent.name}/{path.stem}:{finding.code}:{finding.start[0] + 1}"
                )


STRUCTURAL_FIXES = list(_structural())


def test_each_kind_of_structural_fix_is_offered() -> None:
    offered = Counter(finding.code for _, finding in (p.values for p in STRUCTURAL_FIXES))
    assert offered["FL001"] >= 10 and offered["FL002"] >= 2 and offered["FL105"] >= 8 and offered["FL106"] >= 10


def _load(text: str) -> object:
    return yaml.safe_load(text)


@pytest.mark.parametrize("text,finding", STRUCTURAL_FIXES)
def test_structural_fix_that_holds_parses_removes_its_finding_and_adds_none(text, finding) -> None:
    if not fix_holds(text, finding):
        # Not offered (the editor and --fix ask fix_holds): only a move that would bring a finding.
        assert finding.code == "FL105"
        return
    before = analyze(text)
    fixed = apply_edits(text, finding.fix.edits)
    after = analyze(fixed)
    syntax = [sum(f.code == "FL001" for f in findings) for findings in (before, after)]
    if finding.code == "FL001":
        assert syntax[1] < syntax[0], "the tab error is still there"
    else:
        assert syntax[1] <= syntax[0], "the fix broke the YAML"
        assert not [f for f in after if (f.code, f.message) == (finding.code, finding.message)]
    if finding.fix.structural:
        left = Counter(f.code for f in before)
        left[finding.code] -= 1
        assert not Counter(f.code for f in after) - left, "the fix brought a new finding"
    if finding.code == "FL002" and not any(f.code == "FL001" for f in before):
        assert _load(fixed) == _load(text), "PyYAML must read the same data: the kept value is the last"


def _at(data: object, path: tuple[str | int, ...]) -> object:
    for part in path:
        data = data[part]  # type: ignore[index]
    return data


@pytest.mark.parametrize(
    "name,moved,old,new",
    [
        ("move-merges-into-existing-section", "showPreviewLines", ("streaming",), ()),
        ("show-preview-lines-in-streaming", "showPreviewLines", ("streaming",), ()),
        (
            "move-creates-missing-section",
            "partitionSpec",
            ("outputs", 0, "options"),
            ("outputs", 0, "options", "iceberg"),
        ),
        ("driver-on-jdbc-input", "driver", ("inputs", 0), ("inputs", 0, "options")),
    ],
)
def test_a_moved_key_keeps_its_value_and_everything_else_stays(name, moved, old, new) -> None:
    text = (FIXTURES / "misplaced-key" / f"{name}.yaml").read_text(encoding="utf-8")
    (finding,) = [f for f in analyze(text) if f.code == "FL105"]
    fixed = apply_edits(text, finding.fix.edits)
    job = ("workflow", "dag", 0, "spec", "stackSpec", "job")
    before, after = _load(text), _load(fixed)
    value = _at(before, job + old).pop(moved)
    assert _at(after, job + new)[moved] == value
    _at(after, job + new).pop(moved)
    if new and new[-1] not in _at(before, job + new[:-1]):  # a section the fix created
        _at(after, job + new[:-1]).pop(new[-1])
    assert after == before
    assert not [f for f in analyze(fixed) if f.code == "FL105"]


def test_comments_on_moved_lines_and_non_ascii_text_are_kept() -> None:
    text = (FIXTURES / "misplaced-key" / "move-merges-into-existing-section.yaml").read_text(encoding="utf-8")
    fixed, count = fix_text(text, unsafe=True)
    assert count == 1
    assert (
        "            # rows printed to the driver log: crème brûlée 🍮\n            showPreviewLines: 20  # é 🍮\n"
        in fixed
    )
    assert sorted(fixed.splitlines()) == sorted(
        line.replace("              # rows", "            # rows").replace(
            "              showPreview", "            showPreview"
        )
        for line in text.splitlines()
    )


def test_a_move_that_would_bring_a_finding_is_not_offered() -> None:
    """`triggerDuration` in an output's `extraOptions` belongs in `job.streaming`; creating that section
    would make the job read as streaming without a stream input (FL203): --fix leaves it."""
    text = (FIXTURES / "connectors" / "unknown-option.yaml").read_text(encoding="utf-8")
    (finding,) = [f for f in analyze(text) if f.code == "FL105" and "triggerDuration" in f.message]
    assert finding.fix is not None and not fix_holds(text, finding)
    fixed, _ = fix_text(text, unsafe=True)
    assert "streaming:" not in fixed


def test_a_duplicate_key_keeps_the_last_value_as_loaders_do() -> None:
    text = (FIXTURES / "duplicate-key" / "remove-earlier-occurrence.yaml").read_text(encoding="utf-8")
    fixed, _ = fix_text(text, unsafe=True)
    assert "startingOffsets" not in fixed and "crème brûlée 🍮" not in fixed
    assert "                options:   # kept: 🍮\n                  failOnDataLoss: false\n" in fixed
    assert _load(fixed) == _load(text)


def test_three_occurrences_leave_the_last() -> None:
    text = (FIXTURES / "duplicate-key" / "repeated-format.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "                format: json\n", "                format: json\n                format: parquet\n"
    )
    findings = [f for f in analyze(text) if f.code == "FL002"]
    assert len(findings) == 2 and findings[0].fix == findings[1].fix
    fixed = apply_edits(text, findings[0].fix.edits)
    assert fixed.count("format: ") == 2 and "format: parquet" in fixed and _load(fixed) == _load(text)


def test_tabs_become_spaces_only_in_indentation() -> None:
    text = (FIXTURES / "yaml-syntax" / "fix-tabs-in-indentation.yaml").read_text(encoding="utf-8")
    fixed, count = fix_text(text, unsafe=True)
    assert count == 2 and not [f for f in analyze(fixed) if f.code == "FL001"]
    assert "                dataset: dataos://thirdparty01:none/city?acl=r  # 🍮\n" in fixed
    sql = _load(fixed)["workflow"]["dag"][0]["spec"]["stackSpec"]["job"]["steps"][0]["sequence"][0]["sql"]
    assert sql == "SELECT *  -- 🍮\n\tFROM city\n"  # the tab after the block's indentation is the SQL's


def test_a_legacy_job_is_migrated_to_stackspec() -> None:
    text = (FIXTURES / "legacy-layout" / "migrate-flare-section-and-sinks.yaml").read_text(encoding="utf-8")
    fixed, count = fix_text(text, unsafe=True)
    assert count == 1 and not [f for f in analyze(fixed) if f.code == "FL106"]
    job = _load(fixed)["workflow"]["dag"][0]["spec"]["stackSpec"]["job"]
    assert job["outputs"] == [
        {
            "name": "cities",
            "dataset": "dataos://lakehouse:retail/city?acl=rw",
            "format": "Iceberg",
            "options": {"saveMode": "overwrite"},
        }
    ]
    assert "sink" not in job["steps"][0]
    assert "        # the body: crème brûlée 🍮\n        stackSpec:\n" in fixed
    assert "                  # write mode: crème brûlée 🍮\n                  saveMode: overwrite\n" in fixed


def test_legacy_content_without_a_current_equivalent_gets_no_migration() -> None:
    text = (FIXTURES / "legacy-layout" / "jobs-on-two-stacks.yaml").read_text(encoding="utf-8")
    (finding,) = [f for f in analyze(text) if f.code == "FL106"]
    assert "inputType" in finding.message and finding.fix is None


def test_the_fix_hint_counts_only_structural_fixes_that_hold(tmp_path, capsys) -> None:
    # After --fix --unsafe-fixes, whatever is left has no fix that --fix would apply: a structural fix
    # that does not hold (a move that would bring a finding) is neither applied nor counted.
    # connectors/unknown-option.yaml holds a move that would bring a finding.
    paths = [FIXTURES / "connectors" / "unknown-option.yaml", *(FIXTURES / "legacy-layout").glob("*.yaml")]
    for path in paths:
        (tmp_path / f"{path.parent.name}-{path.name}").write_bytes(path.read_bytes())
    main(["check", str(tmp_path), "--fix", "--unsafe-fixes", "--no-cache", "--exit-zero", "-q"])
    capsys.readouterr()
    main(["check", str(tmp_path), "--unsafe-fixes", "--no-cache", "--exit-zero"])
    out = capsys.readouterr().out
    assert "Found" in out and "fixable" not in out and "fixes available" not in out, out[-400:]
