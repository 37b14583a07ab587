"""Job files: a dag job kept in a file of its own, which a workflow's ``file:`` names.

It is checked as that job of its workflow: by its shape alone (a Flare ``stack`` beside a ``stackSpec``)
or, when its shape does not show it, because a checked workflow names it; the workspace rules and the
lineage see its content as the job's. The per-file goldens are in tests/fixtures (``job-file-*``), the
workspace one in tests/workspaces/shared-checkpoint/job-file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flare_ls.analyze import analyze
from flare_ls.cli import main
from flare_ls.lineage.graph import build_graph
from flare_ls.workspace import WorkspaceIndex

CASE = Path(__file__).parent / "workspaces" / "shared-checkpoint" / "job-file"
#: A workflow whose first job is kept in `stream-job.yaml`, and that job file.
WORKFLOW = (CASE / "workflow.yaml").read_text(encoding="utf-8").replace("stream-job.yaml", "jobs/stream.yml")
SPEC = (CASE / "stream-job.yaml").read_text(encoding="utf-8")
#: The job file with its `stack` left out: its shape alone no longer says what it is.
NO_STACK = SPEC.replace("stack: flare:7.0\n", "")
TYPO = Path(__file__).parent / "fixtures" / "invalid-value" / "job-file-trigger-continous.yaml"


def _codes(text: str, job_file: bool = False) -> list[str]:
    return [f.code for f in analyze(text, job_file=job_file)]


def test_a_job_file_is_checked_as_a_dag_job_spec() -> None:
    assert _codes(SPEC) == []  # a sound job: not one key taken for a workflow's
    findings = analyze(TYPO.read_text(encoding="utf-8"))
    assert [(f.code, f.start) for f in findings] == [("FL102", (7, 19))]


@pytest.mark.parametrize(
    "text",
    [
        "stack: flare:7.0\ncompute: runnable-default\n",  # a stack alone: too little to claim the file
        "stackSpec:\n  job: {}\n",  # a stackSpec alone
        "stack: toolbox\nstackSpec:\n  job: {}\n",  # another stack
        "type: workflow\nstack: flare:7.0\nstackSpec:\n  job: {}\n",  # a workflow's envelope: not a job file
    ],
)
def test_other_yaml_is_not_taken_for_a_job_file(text: str) -> None:
    assert _codes(text) == []


def test_a_file_a_workflow_names_is_checked_whatever_its_shape() -> None:
    assert _codes(NO_STACK) == []  # alone, it could be anyone's YAML
    # As a dag entry without a stack is: what it lacks is said, and without a stack the job rules wait.
    findings = analyze(NO_STACK, job_file=True)
    assert [f.code for f in findings] == ["FL104"]
    assert findings[0].message == "this job file (one dag job of a workflow) is missing the required key `stack`"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()  # the project's root: paths are read inside it only
    (tmp_path / "jobs").mkdir()
    (tmp_path / "wf.yaml").write_text(WORKFLOW, encoding="utf-8")
    (tmp_path / "jobs" / "stream.yml").write_text(NO_STACK, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _check(capsys: pytest.CaptureFixture[str], *paths: str) -> list[tuple[str, str, int]]:
    main(["check", *paths, "--output-format", "json", "--no-cache", "--exit-zero"])
    return sorted((f["filename"], f["code"], f["location"]["row"]) for f in json.loads(capsys.readouterr().out))


def test_checking_a_workflow_checks_the_job_files_it_names(project: Path, capsys) -> None:
    expected = [("jobs/stream.yml", "FL104", 2)]  # at its first key, after the comment
    assert _check(capsys, "wf.yaml") == expected
    # Walked too (as a directory is): one result for the file, read as the job it is.
    assert _check(capsys, ".") == expected
    assert _check(capsys, "wf.yaml", "jobs/stream.yml") == expected
    # Alone, nothing names it: it is someone else's YAML.
    assert _check(capsys, "jobs/stream.yml") == []


def test_the_workspace_index_reads_a_job_file_as_its_workflow_s_job() -> None:
    index = WorkspaceIndex.from_texts({"wf.yaml": WORKFLOW, "jobs/stream.yml": SPEC})
    assert index.job_files() == {"jobs/stream.yml"}
    ingest = {job.name: job for _, job in index.jobs()}["ingest-stream"]
    assert ingest.flare and [o.address for o in ingest.outputs] == ["dataos://lakehouse:raw/clicks"]
    assert [(c.place.file, c.place.start[0]) for c in ingest.checkpoints] == [("jobs/stream.yml", 8)]
    index.remove("jobs/stream.yml")
    assert index.job_files() == set() and not {job.name: job for _, job in index.jobs()}["ingest-stream"].flare


def test_the_lineage_draws_a_job_file_as_the_job_that_names_it() -> None:
    graph = build_graph([("wf.yaml", WORKFLOW), ("jobs/stream.yml", SPEC)])
    jobs = {node.label: node for node in graph.of_kind("job")}
    assert set(jobs) == {"ingest-stream", "enrich-stream"}  # not drawn a second time on its own
    assert [(loc.file, loc.line) for loc in jobs["ingest-stream"].locations] == [("wf.yaml", 6)]
    (output,) = [n for n in graph.of_kind("output") if n.job == jobs["ingest-stream"].id]
    assert [(loc.file, loc.line) for loc in output.locations] == [("jobs/stream.yml", 16)]
    edges = {(graph.nodes[e.source].label, graph.nodes[e.target].label, e.kind) for e in graph.edges}
    assert ("clicks", "dataos://lakehouse:raw/clicks", "writes") in edges
    assert jobs["ingest-stream"].streaming == "ProcessingTime"


def test_a_job_file_drawn_alone_is_named_after_its_file() -> None:
    graph = build_graph([("jobs/stream.yml", SPEC)])
    assert [node.label for node in graph.of_kind("job")] == ["stream"]


def test_graph_follows_the_job_files_a_workflow_names(project: Path, capsys) -> None:
    (project / "jobs" / "stream.yml").write_text(SPEC, encoding="utf-8")
    assert main(["graph", "wf.yaml", "--format", "json"]) == 0
    model = json.loads(capsys.readouterr().out)
    files = {loc["file"] for node in model["nodes"] for loc in node.get("locations", [])}
    assert files == {"wf.yaml", "jobs/stream.yml"}
