"""``flare/lineage``, the lineage view's request, end to end: a workspace on disk where a workflow spans two
files (tests/graph/workflow/: one writes the orders the other reads), a manifest that only reads what the
first reads (not the same flow), and one whose dag runs another by ``file:``. The picture is of the
open document's current text with the manifests of its flow; the node at the position (in the client's
position units, after non-BMP text on the same line) is the one marked; a broken, foreign or unknown
document, or params that make no sense, get an empty picture that says why, never an error."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from pytest_lsp import LanguageClient

from .conftest import CLIENTS, ROOT, initialize_in, open_document, server_config, units

METHOD = "flare/lineage"
WORKFLOW = ROOT / "tests" / "graph" / "workflow"
#: Reads the CRM's orders, as ingest.yaml does, and writes elsewhere: two readers are not one flow.
ELSEWHERE = """\
version: v1
name: crm-audit
type: workflow
workflow:
  dag:
    - name: audit-orders
      spec:
        stack: flare:6.0
        compute: runnable-default
        stackSpec:
          job:
            inputs:
              - name: crm_orders
                dataset: dataos://crm:public/orders?acl=r
            steps:
              - sequence:
                  - name: audited
                    sql: SELECT * FROM crm_orders
            outputs:
              - name: audited
                dataset: dataos://lakehouse:audit/orders?acl=rw
                format: Iceberg
"""
#: A dag whose first job runs the workflow in jobs/publish.yaml by `file:`.
RUNNER = """\
version: v1
name: nightly
type: workflow
workflow:
  dag:
    - name: publish
      file: jobs/publish.yaml
"""
PUBLISH = (
    ELSEWHERE.replace("crm-audit", "publish")
    .replace("audit-orders", "publish-orders")
    .replace("dataos://lakehouse:audit/orders", "dataos://lakehouse:public/orders")
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    for name in ("ingest.yaml", "report.yaml"):
        shutil.copy(WORKFLOW / name, tmp_path / name)
    (tmp_path / "audit.yaml").write_text(ELSEWHERE, encoding="utf-8")
    (tmp_path / "nightly.yaml").write_text(RUNNER, encoding="utf-8")
    (tmp_path / "jobs").mkdir()
    (tmp_path / "jobs" / "publish.yaml").write_text(PUBLISH, encoding="utf-8")
    return tmp_path


@pytest_lsp.fixture(config=server_config(), params=CLIENTS)
async def client(lsp_client: LanguageClient, request, project: Path):
    await initialize_in(lsp_client, request.param, project)
    yield
    await lsp_client.shutdown_session()


async def lineage(client: LanguageClient, params: Any) -> dict[str, Any]:
    """The answer to ``flare/lineage`` as plain data (pygls hands an unknown method's result over as
    named tuples)."""
    return _plain(await client.protocol.send_request_async(METHOD, params))


def _plain(value: Any) -> Any:
    if hasattr(value, "_asdict"):
        return {key: _plain(item) for key, item in value._asdict().items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def at(uri: str, line: int, character: int) -> dict[str, Any]:
    return {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}


def jobs(answer: dict[str, Any]) -> dict[str, str]:
    """The jobs drawn: label -> the file its model location names."""
    return {n["label"]: n["locations"][0]["file"] for n in answer["model"]["nodes"] if n["kind"] == "job"}


def line_of(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.splitlines()) if needle in line)


async def test_a_workflow_across_files_is_one_picture_of_the_open_text(client: LanguageClient, project: Path) -> None:
    # The editor's text, not the disk's: a job renamed and not saved.
    text = (project / "ingest.yaml").read_text(encoding="utf-8").replace("clean-orders", "tidy-orders")
    uri = (project / "ingest.yaml").as_uri()
    open_document(client, uri, text)
    answer = await lineage(client, at(uri, line_of(text, "- name: crm_orders"), 4))

    assert jobs(answer) == {"land-orders": "ingest.yaml", "tidy-orders": "ingest.yaml", "daily-sales": "report.yaml"}
    assert answer["files"] == [
        {"file": "ingest.yaml", "uri": uri},
        {"file": "report.yaml", "uri": (project / "report.yaml").as_uri()},
    ]
    assert answer["message"] is None and answer["version"] == 1
    selected = "job:ingest.yaml/land-orders/input/0"
    assert answer["selected"] == selected
    assert f'class="node input selected" data-node="{selected}"' in answer["html"]
    assert answer["html"].count(" selected") == 1
    # The dataset one file writes and the other reads is one node, joined to both jobs.
    clean = "dataset:dataos://lakehouse:sales/orders_clean"
    assert {(e["source"], e["target"]) for e in answer["model"]["edges"] if clean in (e["source"], e["target"])} == {
        ("job:ingest.yaml/tidy-orders/output/0", clean),
        (clean, "job:report.yaml/daily-sales/input/1"),
    }


async def test_the_flow_is_the_same_from_either_end(client: LanguageClient, project: Path) -> None:
    uri = (project / "report.yaml").as_uri()
    text = (project / "report.yaml").read_text(encoding="utf-8")
    open_document(client, uri, text)
    answer = await lineage(client, at(uri, 0, 0))
    assert jobs(answer) == {"land-orders": "ingest.yaml", "clean-orders": "ingest.yaml", "daily-sales": "report.yaml"}
    assert answer["selected"] is None and " selected" not in answer["html"]  # the header is in no job


async def test_a_dag_job_run_by_file_brings_its_workflow(client: LanguageClient, project: Path) -> None:
    uri = (project / "nightly.yaml").as_uri()
    open_document(client, uri, RUNNER)
    answer = await lineage(client, at(uri, 5, 0))
    assert jobs(answer) == {"publish-orders": "jobs/publish.yaml"}
    assert answer["message"] == "nightly.yaml holds no Flare job"  # its only job is another file's


async def test_the_selection_follows_the_position_in_client_units(client: LanguageClient, project: Path) -> None:
    # Inputs as a flow sequence on one line, after non-BMP names: the end of the first input is at a
    # different character in UTF-16, UTF-8 and code points.
    text = (project / "ingest.yaml").read_text(encoding="utf-8")
    one_line = "            inputs: [{name: o_😀😀, dataset: dataos://crm:public/orders}, {name: p, dataset: x}]"
    lines = text.splitlines()
    start = line_of(text, "- name: crm_orders") - 1
    assert lines[start].strip() == "inputs:"
    lines[start : start + 3] = [one_line]
    text = "\n".join(lines) + "\n"
    uri = (project / "ingest.yaml").as_uri()
    open_document(client, uri, text)
    row = line_of(text, "inputs: [")
    first_end = units(client, one_line[: one_line.index("}")])
    second = units(client, one_line[: one_line.index("{name: p")])
    expected = {
        (row, first_end): "job:ingest.yaml/land-orders/input/0",
        (row, second): "job:ingest.yaml/land-orders/input/1",
        (line_of(text, "- name: deduplicated"), 0): "job:ingest.yaml/clean-orders/step/1",
        (line_of(text, "compute: runnable-default"), 12): "job:ingest.yaml/land-orders",
        (line_of(text, "FROM valid GROUP BY"), 30): "job:ingest.yaml/clean-orders/step/1",
        (line_of(text, "saveMode: overwrite"), 10): "job:ingest.yaml/land-orders/output/0",
        (2, 3): None,  # `type: workflow`: in no job
    }
    got = {}
    for (line, character), _ in expected.items():
        answer = await lineage(client, at(uri, line, character))
        got[(line, character)] = answer["selected"]
        if answer["selected"] is not None:
            assert f'selected" data-node="{answer["selected"]}"' in answer["html"]
    assert got == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("version: v1\nname: [broken\nworkflow:\n  dag: {\n", "broken.yaml is not valid YAML (line 2: unclosed `[`"),
        ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n", "broken.yaml holds no Flare job"),
        ("\x00\x01 not yaml at all ]]:", "broken.yaml is not valid YAML"),
    ],
    ids=["broken-yaml", "not-flare", "binary"],
)
async def test_a_document_with_no_picture_gets_an_empty_one_that_says_why(
    client: LanguageClient, project: Path, text: str, message: str
) -> None:
    uri = (project / "broken.yaml").as_uri()
    open_document(client, uri, text)
    answer = await lineage(client, at(uri, 1, 3))
    assert answer["model"]["nodes"] == [] and answer["selected"] is None, answer["model"]
    assert answer["message"].startswith(message), answer["message"]
    assert "no Flare job in the files given" in answer["html"]
    assert message.split(" (")[0] in answer["html"]  # the page says it too


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (at("file:///nowhere/never-opened.yaml", 0, 0), "never-opened.yaml is not open in flare-ls"),
        ({"textDocument": {"uri": 42}}, "no document given (textDocument.uri)"),
        ({"position": {"line": 1, "character": 1}}, "no document given (textDocument.uri)"),
        ([1, 2, 3], "no document given (textDocument.uri)"),
        (None, "no document given (textDocument.uri)"),
    ],
    ids=["not-open", "uri-not-a-string", "no-document", "a-list", "no-params"],
)
async def test_params_that_make_no_sense_get_an_empty_picture(
    client: LanguageClient, params: Any, message: str
) -> None:
    answer = await lineage(client, params)
    assert answer["message"] == message and answer["model"]["nodes"] == []


async def test_a_position_that_makes_no_sense_selects_nothing(client: LanguageClient, project: Path) -> None:
    uri = (project / "ingest.yaml").as_uri()
    open_document(client, uri, (project / "ingest.yaml").read_text(encoding="utf-8"))
    for position in ({"line": -1, "character": 0}, {"line": "7"}, "here", {"line": 10_000, "character": 10_000}):
        answer = await lineage(client, {"textDocument": {"uri": uri}, "position": position})
        assert answer["selected"] is None and len(jobs(answer)) == 3, position


@pytest_lsp.fixture(config=server_config({**os.environ, "FLARE_LS_INJECT_FAULT": "lineage"}))
async def faulty(lsp_client: LanguageClient, project: Path):
    await initialize_in(lsp_client, "visual-studio-code", project)
    yield
    await lsp_client.shutdown_session()


async def test_a_failure_inside_is_logged_and_answered_with_a_picture(faulty: LanguageClient, project: Path) -> None:
    uri = (project / "ingest.yaml").as_uri()
    open_document(faulty, uri, (project / "ingest.yaml").read_text(encoding="utf-8"))
    answer = await lineage(faulty, at(uri, 7, 0))
    assert answer["message"] == "flare-ls could not draw the lineage; its log says why"
    assert "<svg" in answer["html"] and answer["model"]["nodes"] == []
    assert any("lineage failed: RuntimeError: fault injected" in m.message for m in faulty.log_messages)
