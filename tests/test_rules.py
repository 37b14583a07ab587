"""The rule registry and its fixtures: every rule is exercised, every fixture folder names a rule."""

from __future__ import annotations

import pytest

from flare_ls.analyze import analyze
from flare_ls.files import UNREADABLE
from flare_ls.fileview import ProjectFiles
from flare_ls.findings import Severity
from flare_ls.rules.base import RULES, declare
from flare_ls.rules.schema import INTERNAL_ERROR
from golden import FIXTURES, REFERENCES, WORKSPACES

# Folders that are not one rule's: manifests that must stay clean, and position edge cases.
SPECIAL = {"clean", "positions", "functions", "actions", "connectors"}
# Rules no YAML text can trigger: they are tested where they arise (files, crash isolation).
NOT_FROM_TEXT = {UNREADABLE.code, INTERNAL_ERROR.code}
BY_NAME = {info.name: info for info in RULES.values()}


def test_rule_ids_and_names_are_unique_and_well_formed() -> None:
    assert len({i.name for i in RULES.values()}) == len(RULES)
    for code, info in RULES.items():
        assert code == info.code and code.startswith("FL") and len(code) == 5 and code[2:].isdigit()
        assert info.name == info.name.lower() and " " not in info.name


def test_registering_a_rule_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="registered twice"):
        declare("FL102", "another-name", Severity.ERROR, "clash")
    with pytest.raises(ValueError, match="registered twice"):
        declare("FL999", "invalid-value", Severity.ERROR, "clash")


def test_every_fixture_folder_names_a_rule() -> None:
    folders = {p.name for p in FIXTURES.iterdir() if p.is_dir()}
    assert folders - SPECIAL <= set(BY_NAME), folders - SPECIAL - set(BY_NAME)


def test_every_rule_has_fixtures() -> None:
    """A per-file rule's in ``tests/fixtures/<name>/``, a workspace rule's in ``tests/workspaces/<name>/``."""
    folders = {p.name for p in FIXTURES.iterdir() if p.is_dir()} | {p.name for p in WORKSPACES.iterdir() if p.is_dir()}
    missing = {i.name for i in RULES.values() if i.code not in NOT_FROM_TEXT} - folders
    assert not missing, f"rules without fixtures: {sorted(missing)}"


RULE_FIXTURES = sorted(p for p in FIXTURES.glob("*/*.yaml") if p.parent.name not in SPECIAL)


@pytest.mark.parametrize("path", RULE_FIXTURES, ids=[f"{p.parent.name}/{p.stem}" for p in RULE_FIXTURES])
def test_rule_fixture_triggers_its_rule_unless_marked_ok(path) -> None:
    """``*-ok`` and ``*-accepted`` fixtures show what the rule must not flag; the others must trigger it."""
    # FL505's fixtures are judged with the files beside them, as the golden files are.
    files = ProjectFiles(path, root=REFERENCES) if REFERENCES in path.parents else None
    codes = {f.code for f in analyze(path.read_text(encoding="utf-8"), files=files)}
    rule = BY_NAME[path.parent.name].code
    if path.stem.endswith(("-ok", "-accepted")):
        assert rule not in codes
    else:
        assert rule in codes


CLEAN = sorted((FIXTURES / "clean").glob("*.yaml"))


@pytest.mark.parametrize("path", CLEAN, ids=[p.stem for p in CLEAN])
def test_clean_fixtures_have_no_findings(path) -> None:
    assert analyze(path.read_text(encoding="utf-8")) == []


def test_a_crashing_rule_becomes_a_finding(monkeypatch) -> None:
    from flare_ls.rules import base

    def explode(job, ctx):
        raise RuntimeError("boom")

    monkeypatch.setattr(base, "CHECKS", base.CHECKS + [base.Check(RULES["FL201"], "job", explode)])
    monkeypatch.setattr("flare_ls.analyze.CHECKS", base.CHECKS)
    text = (FIXTURES / "clean" / "batch-csv-to-iceberg.yaml").read_text(encoding="utf-8")
    findings = analyze(text)
    assert [f.code for f in findings] == [INTERNAL_ERROR.code]
    assert "FL201 crashed" in findings[0].message and "RuntimeError: boom" in findings[0].message


TWO_JOBS = """\
version: v1
name: two-jobs
type: workflow
workflow:
  dag:
    - name: first-job
      spec:
        stack: flare:7.0
        compute: runnable-default
        stackSpec:
          job:
            inputs:
              - name: a
                dataset: dataos://lakehouse:retail/a
            outputs:
              - name: a
                dataset: dataos://lakehouse:retail/a_copy?acl=rw
    - name: second-job
      spec:
        stack: flare:7.0
        compute: runnable-default
        stackSpec:
          job:
            inputs:
              - name: b
                dataset: dataos://lakehouse:retail/b
            outputs:
              - name: b
                dataset: dataos://lakehouse:retail/b_copy?acl=rw
"""


def test_a_rule_crashing_on_one_job_still_reports_the_others_once(monkeypatch) -> None:
    from flare_ls.rules import base

    def second_explodes(job, ctx):
        if job.name.value == "second-job":
            raise RuntimeError("boom")
        ctx.report(RULES["FL201"], job.name, "seen")

    monkeypatch.setattr(base, "CHECKS", [base.Check(RULES["FL201"], "job", second_explodes)])
    monkeypatch.setattr("flare_ls.analyze.CHECKS", base.CHECKS)
    findings = analyze(TWO_JOBS)
    assert [(f.code, f.start[0]) for f in findings] == [("FL201", 5), (INTERNAL_ERROR.code, 17)]
