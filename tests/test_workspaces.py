"""The workspace index and the cross-manifest rules (FL501-FL504).

Golden cases: ``tests/workspaces/<rule name>/<case>/`` holds several manifests and ``expected.out``,
written by ``python tests/golden.py --update`` and reviewed by hand.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flare_ls.analyze import Config, analyze
from flare_ls.cli import RuleChoice, main
from flare_ls.rules import workspace as workspace_rules
from flare_ls.rules.base import RULES
from flare_ls.workspace import WorkspaceIndex, index_text, normalise_address, normalise_location
from flare_ls.workspace.check import analyze_workspace
from golden import ROOT, WORKSPACES, render_workspace, workspace_cases

CASES = workspace_cases()
TWO_FILES = WORKSPACES / "shared-checkpoint" / "two-files"


@pytest.mark.parametrize("case", CASES, ids=[str(c.relative_to(WORKSPACES)) for c in CASES])
def test_workspace_findings_match_expected(case: Path) -> None:
    expected = case / "expected.out"
    assert expected.exists(), f"no expected findings: run `python tests/golden.py --update` and review {expected}"
    assert render_workspace(case) == expected.read_text(encoding="utf-8"), (
        f"findings for {case.relative_to(ROOT)} changed; if deliberate, run `python tests/golden.py --update` "
        f"and review the diff of {expected.relative_to(ROOT)}"
    )


def test_every_workspace_rule_has_a_case_that_finds_and_one_that_stays_quiet() -> None:
    for check in workspace_rules.WORKSPACE_CHECKS:
        cases = [c for c in CASES if c.parent.name == check.info.name]
        outputs = [(c / "expected.out").read_text(encoding="utf-8") for c in cases]
        assert any(check.info.code in out for out in outputs), check.info.code
        assert any(c.name.startswith("ok") and out == "" for c, out in zip(cases, outputs, strict=True)) or (
            check.info.code == "FL503"  # its one case also holds the inputs it must leave alone
        ), check.info.code


def test_addresses_and_locations_are_normalised() -> None:
    assert normalise_address(" dataos://lakehouse:retail/city?acl=rw ") == "dataos://lakehouse:retail/city"
    assert normalise_location("dataos://lakehouse:sys//cp/one/?acl=rw") == "dataos://lakehouse:sys/cp/one"
    assert normalise_location("/tmp/cp/") == "/tmp/cp"
    assert normalise_location("/") == "/"
    assert normalise_address("dataos://Lakehouse:Retail/City") == "dataos://Lakehouse:Retail/City"  # case kept


MANIFEST = """\
\ufeffname: wf-x
type: workflow
workspace: sandbox
workflow:
  dag:
    - name: load
      file: jobs/load.yaml
    - name: transform
      dependencies: [load]
      spec:
        stack: flare:4.0
        stackSpec:
          job:
            inputs:
              - name: raw
                dataset: dataos://lakehouse:raw/orders?acl=r
            outputs:
              - name: out01
                depot: dataos://icebase:retail?acl=rw
            steps:
              - sqlFile: sql/transform.sql
                sequence:
                  - name: orders
                    sql: SELECT * FROM raw
                sink:
                  - sequenceName: orders
                    datasetName: orders_clean
                    outputName: out01
                    outputType: Iceberg
                    outputOptions:
                      saveMode: overwrite
---
kind: ConfigMap
"""


def test_the_index_reads_jobs_datasets_dependencies_and_files() -> None:
    entry = index_text("wf.yaml", MANIFEST)
    (workflow,) = entry.workflows  # the ConfigMap is someone else's YAML
    assert (workflow.name, workflow.workspace, workflow.place.start) == ("wf-x", "sandbox", (0, 7))  # after the BOM
    load, transform = workflow.jobs
    assert (load.name, load.flare, [f.target for f in load.files]) == ("load", False, ["jobs/load.yaml"])
    assert [d.name for d in transform.dependencies] == ["load"]
    assert [(i.name, i.address) for i in transform.inputs] == [("raw", "dataos://lakehouse:raw/orders")]
    (output,) = transform.outputs  # a legacy sink: its output's depot and its datasetName
    assert (output.address, output.save_mode, output.overwrites) == (
        "dataos://icebase:retail/orders_clean",
        "overwrite",
        True,
    )
    assert [(f.key, f.target) for f in transform.files] == [("sqlFile", "sql/transform.sql")]


def test_the_index_is_updated_file_by_file() -> None:
    files = {p.name: p.read_text(encoding="utf-8") for p in TWO_FILES.glob("*.yaml")}
    index = WorkspaceIndex.from_texts(files)
    assert analyze_workspace(files, index=index).keys() == {"a.yaml", "b.yaml"}
    index.update("b.yaml", files["b.yaml"].replace("checkpoints/orders/", "checkpoints/orders-b"))
    assert analyze_workspace(files, index=index) == {}
    index.remove("b.yaml")
    assert [w.file for w in index.workflows()] == ["a.yaml"]


def test_dataset_never_written_is_off_unless_selected() -> None:
    case = WORKSPACES / "dataset-never-written" / "read-unwritten"
    files = {p.name: p.read_text(encoding="utf-8") for p in case.glob("*.yaml")}
    assert not RULES["FL503"].default_enabled
    assert analyze_workspace(files) == {}
    selected = analyze_workspace(files, lambda _f: Config(select=frozenset({"FL503"})))
    assert [f.code for f in selected["consumer.yaml"]] == ["FL503"]


def test_settings_and_suppressions_apply_to_workspace_findings() -> None:
    files = {p.name: p.read_text(encoding="utf-8") for p in TWO_FILES.glob("*.yaml")}
    ignoring = analyze_workspace(
        files, lambda f: Config(ignore=frozenset({"shared-checkpoint"})) if f == "a.yaml" else Config()
    )
    assert ignoring.keys() == {"b.yaml"}
    lines = files["a.yaml"].splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if "checkpointLocation" in line)
    lines[at] = lines[at].rstrip("\n") + "  # flare-ls: disable=FL501\n"
    files["a.yaml"] = "".join(lines)
    assert analyze_workspace(files).keys() == {"b.yaml"}
    # The per-file pass cannot know whether the suppression is used, so it does not call it unused (FL004).
    assert [f.code for f in analyze(files["a.yaml"]) if f.code == "FL004"] == []


def test_a_crashing_workspace_rule_is_a_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(_index: WorkspaceIndex):
        raise RuntimeError("boom")
        yield  # pragma: no cover

    check = workspace_rules.WorkspaceCheck(RULES["FL502"], broken)
    monkeypatch.setattr("flare_ls.workspace.check.WORKSPACE_CHECKS", [check])
    files = {p.name: p.read_text(encoding="utf-8") for p in TWO_FILES.glob("*.yaml")}
    found = analyze_workspace(files)
    assert [(f.code, "FL502 crashed" in f.message) for f in found["a.yaml"]] == [("FL900", True)]


def test_check_reports_workspace_findings_in_each_file(capsys: pytest.CaptureFixture[str], monkeypatch) -> None:
    monkeypatch.chdir(TWO_FILES)
    assert main(["check", "a.yaml", "b.yaml", "--output-format", "json", "--no-cache"]) == 1
    found = json.loads(capsys.readouterr().out)
    shared = sorted((f["filename"], f["location"]["row"]) for f in found if f["code"] == "FL501")
    assert shared == [("a.yaml", 15), ("b.yaml", 15)]
    assert main(["check", "a.yaml", "b.yaml", "--select", "FL5", "--ignore", "FL501", "-q", "--no-cache"]) == 0


def test_check_runs_an_off_by_default_rule_with_extend_select(capsys: pytest.CaptureFixture[str], monkeypatch) -> None:
    monkeypatch.chdir(WORKSPACES / "dataset-never-written" / "read-unwritten")
    main(["check", ".", "-q", "--no-cache", "--exit-zero"])
    assert "FL503" not in capsys.readouterr().out
    main(["check", ".", "-q", "--no-cache", "--exit-zero", "--extend-select", "FL503"])
    out = capsys.readouterr().out
    assert "consumer.yaml:17:26: FL503" in out
    # The rules on by default stay on beside it.
    config = RuleChoice(extend_select=frozenset({"FL503"})).apply(Config())
    assert config.wants_rule(RULES["FL503"]) and config.wants_rule(RULES["FL501"])
    assert config.wants_rule(RULES["FL102"])
