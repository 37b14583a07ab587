"""Paths to other files in the editor: FL505 on a missing one, document links and go-to-definition on
the ones that exist, in a workspace on disk (positions after non-BMP text on the same line)."""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from .conftest import CLIENTS, diagnostics, initialize_in, open_document, pulls, server_config, units, until

MANIFEST = """\
version: v1
name: wf-refs
type: workflow
workflow:
  dag:
    - name: ingest
      file: jobs/ingest.yml
    - name: transform
      spec:
        stack: flare:6.0
        compute: runnable-default
        stackSpec:
          job:
            inputs:
              - Ref://inputs/orders.yml
            steps:
              - sequence:
                  - {name: totals_😀, sqlFile: sql/total.sql}
                  - {name: out_😀, sqlFile: sql/totals.sql}
            outputs:
              - name: out_😀
                dataset: dataos://icebase:retail/out?acl=rw
                format: iceberg
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    for name in ("jobs/ingest.yml", "inputs/orders.yml", "sql/totals.sql"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("# referenced\n", encoding="utf-8")
    (tmp_path / "wf.yaml").write_text(MANIFEST, encoding="utf-8")
    return tmp_path


@pytest_lsp.fixture(config=server_config(), params=CLIENTS)
async def client(lsp_client: LanguageClient, request, project: Path):
    await initialize_in(lsp_client, request.param, project)
    yield
    await lsp_client.shutdown_session()


def _column(client: LanguageClient, line: str, text: str) -> int:
    """Where ``text`` starts on ``line``, in the client's position units."""
    return units(client, line[: line.index(text)])


async def test_a_missing_file_is_reported_with_its_near_name(client: LanguageClient, project: Path) -> None:
    uri = (project / "wf.yaml").as_uri()
    open_document(client, uri, MANIFEST)
    found = [d for d in await diagnostics(client, uri, 1) if d.code == "FL505"]
    assert len(found) == 1, [d.message for d in found]
    line = MANIFEST.splitlines()[17]
    assert found[0].range.start == types.Position(line=17, character=_column(client, line, "sql/total.sql"))
    assert "did you mean `totals.sql`?" in found[0].message


async def test_existing_paths_are_links_and_definitions(client: LanguageClient, project: Path) -> None:
    uri = (project / "wf.yaml").as_uri()
    open_document(client, uri, MANIFEST)
    links = await client.text_document_document_link_async(
        types.DocumentLinkParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert links is not None
    lines = MANIFEST.splitlines()
    got = sorted((link.range.start.line, link.range.start.character, link.target) for link in links)
    assert got == [
        (6, _column(client, lines[6], "jobs/"), (project / "jobs" / "ingest.yml").as_uri()),
        (14, _column(client, lines[14], "Ref://"), (project / "inputs" / "orders.yml").as_uri()),
        (18, _column(client, lines[18], "sql/totals"), (project / "sql" / "totals.sql").as_uri()),
    ]
    inside = types.Position(line=18, character=_column(client, lines[18], "totals.sql"))
    definition = await client.text_document_definition_async(
        types.DefinitionParams(text_document=types.TextDocumentIdentifier(uri=uri), position=inside)
    )
    assert isinstance(definition, list) and [d.uri for d in definition] == [(project / "sql" / "totals.sql").as_uri()]


async def test_an_untitled_buffer_judges_no_path(client: LanguageClient) -> None:
    uri = "untitled:Untitled-1"
    open_document(client, uri, MANIFEST)
    assert "FL505" not in {d.code for d in await diagnostics(client, uri, 1)}
    links = await client.text_document_document_link_async(
        types.DocumentLinkParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert not links


async def test_a_configuration_file_made_later_moves_the_project_root(client: LanguageClient, project: Path) -> None:
    """The server finds a document's project root once, and again when a configuration file is made:
    paths are read from the manifest's directory, then from the root, so the nearer root that a new
    ``flare-ls.toml`` makes finds the file beside it, and no longer the repository's."""
    team = project / "team"
    (team / "pipelines").mkdir(parents=True)
    (team / "local.sql").write_text("select 1\n", encoding="utf-8")
    text = MANIFEST.replace("sqlFile: sql/total.sql", "sqlFile: local.sql")
    manifest = team / "pipelines" / "wf.yaml"
    manifest.write_text(text, encoding="utf-8")
    uri = manifest.as_uri()
    open_document(client, uri, text)
    missing = sorted(d.message.split("`")[1] for d in await diagnostics(client, uri, 1) if d.code == "FL505")
    assert missing == ["local.sql"]
    config = team / "flare-ls.toml"
    config.write_text("# the team's settings\n", encoding="utf-8")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=config.as_uri(), type=types.FileChangeType.Created)]
        )
    )
    moved = ["inputs/orders.yml", "jobs/ingest.yml", "sql/totals.sql"]

    def fl505(found: list[types.Diagnostic]) -> list[str]:
        return sorted(d.message.split("`")[1] for d in found if d.code == "FL505")

    if pulls(client):
        missing = fl505(await diagnostics(client, uri, 1))
    else:
        missing = await until(
            client,
            lambda published: next(
                (m for p in published if p.uri == uri and (m := fl505(p.diagnostics)) != ["local.sql"]), None
            ),
        )
    assert missing == moved
