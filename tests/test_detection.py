"""Which documents are Flare workflows: misshapen ones are analysed, other YAML stays silent.

The fixtures show the findings; these tests show what detection decides and that the analysis goes on
below a misshapen part (a typo inside the job is still found).
"""

from __future__ import annotations

import pytest

from flare_ls.analyze import analyze
from flare_ls.fixes import apply_edits
from flare_ls.parsing.yamltree import YMap, parse
from flare_ls.views import build_view
from golden import FIXTURES


def _view(text: str):
    root = parse(text).documents[0].root
    assert isinstance(root, YMap)
    return build_view(root)


JOB_BODY = """\
stackSpec:
  job:
    inputs:
      - name: city
        dataset: dataos://thirdparty01:none/city?acl=r
        format: csv
    outputs:
      - name: city
        dataset: dataos://lakehouse:retail/city?acl=rw
        format: iceberg
        options:
          saveMode: overwrit
"""


def _indented(text: str, spaces: int) -> str:
    return "".join(" " * spaces + line if line.strip() else line for line in text.splitlines(keepends=True))


ENVELOPE = "version: v1\nname: city-ingest\ntype: workflow\nworkflow:\n  dag:\n    - name: city-ingest-job\n"
SHAPES = {
    "spec empty, its keys beside it": ENVELOPE
    + "      spec:\n      stack: flare:7.0\n      compute: runnable-default\n"
    + _indented(JOB_BODY, 6),
    "spec absent, its keys at the job's level": ENVELOPE
    + "      stack: flare:7.0\n      compute: runnable-default\n"
    + _indented(JOB_BODY, 6),
    "stackspec in lower case": ENVELOPE
    + "      spec:\n        stack: flare:7.0\n        compute: runnable-default\n"
    + _indented(JOB_BODY.replace("stackSpec", "stackspec"), 8),
    "a fragment starting at dag": "dag:\n  - name: city-ingest-job\n    spec:\n      stack: flare:7.0\n"
    + "      compute: runnable-default\n"
    + _indented(JOB_BODY, 6),
    "a workflow without its envelope": "workflow:\n  dag:\n    - name: city-ingest-job\n      spec:\n"
    + "        stack: flare:7.0\n        compute: runnable-default\n"
    + _indented(JOB_BODY, 8),
}


@pytest.mark.parametrize("text", SHAPES.values(), ids=SHAPES.keys())
def test_misshapen_workflows_are_analysed_below_the_mistake(text) -> None:
    view = _view(text)
    assert view.flare and len(view.jobs) == 1
    job = view.jobs[0]
    assert job.section is not None and [i.text("name") for i in job.inputs] == ["city"]
    typos = [f for f in analyze(text) if f.code == "FL102"]
    assert [f.message for f in typos] == ["`saveMode` does not accept `overwrit`; did you mean `overwrite`?"]


def test_a_declared_workflow_with_a_job_of_unknown_stack_is_analysed() -> None:
    text = ENVELOPE + "      spec:\n        compute: runnable-default\n" + _indented(JOB_BODY, 8)
    view = _view(text)
    assert view.flare and not view.jobs
    assert "`workflow.dag[].spec` is missing the required key `stack`" in {f.message for f in analyze(text)}


@pytest.mark.parametrize(
    "name",
    ["not-flare-other-stacks", "not-flare-dag-fragment", "not-flare-kubernetes", "not-flare-github-workflow"],
)
def test_other_yaml_is_not_a_flare_workflow(name) -> None:
    text = (FIXTURES / "clean" / f"{name}.yaml").read_text(encoding="utf-8")
    assert not _view(text).flare
    assert analyze(text) == []


def test_an_undeclared_document_needs_a_flare_job() -> None:
    """``type: workflow`` is what lets a job of unknown stack in; without it only a Flare stack does."""
    text = "workflow:\n  dag:\n    - name: a\n      spec:\n        compute: runnable-default\n"
    assert not _view(text).flare


def test_indenting_the_keys_beside_an_empty_spec_gives_the_well_formed_job() -> None:
    broken = SHAPES["spec empty, its keys beside it"]
    [finding] = [f for f in analyze(broken) if f.code == "FL105"]
    assert finding.fix is not None and finding.fix.safe
    well_formed = ENVELOPE + "      spec:\n        stack: flare:7.0\n        compute: runnable-default\n"
    assert apply_edits(broken, finding.fix.edits) == well_formed + _indented(JOB_BODY, 8)


def test_indentation_follows_the_document_and_spares_blank_lines_and_block_scalars() -> None:
    broken = (
        "version: v1\nname: wf\ntype: workflow\nworkflow:\n    dag:\n        - name: a\n"
        "          spec:  # to be filled\n          stack: flare:7.0\n          compute: runnable-default\n"
        "          stackSpec:\n              job:\n                  steps:\n                      - sequence:\n"
        "                            - name: v\n                              sql: |\n"
        "                                SELECT 1\n\n                                  AS x\n"
        "        - name: b\n          file: b.yaml\n"
    )
    [finding] = [f for f in analyze(broken) if f.code == "FL105"]
    assert finding.fix is not None
    fixed = apply_edits(broken, finding.fix.edits)
    assert "              stackSpec:\n                  job:\n" in fixed
    assert "SELECT 1\n\n" in fixed and "        - name: b\n          file: b.yaml\n" in fixed
    assert not [f for f in analyze(fixed) if f.code in ("FL001", "FL105")]
    sql = [n for n in _view(fixed).jobs[0].sequence][0].text("sql")
    assert sql == "SELECT 1\n\n  AS x\n"
