"""Project configuration files in the editor: the real server finds them as ``flare-ls --check`` does."""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from flare_ls.analyze import analyze
from flare_ls.config import load_for
from golden import EXAMPLES

from .conftest import CLIENTS, diagnostics, initialize, initialize_in, open_document, server_config

KAFKA = (EXAMPLES / "seed" / "06-kafka-lakehouse-insights.yaml").read_text(encoding="utf-8")
LSP_SEVERITY = {4: types.DiagnosticSeverity.Error, 3: types.DiagnosticSeverity.Warning}
LSP_SEVERITY |= {2: types.DiagnosticSeverity.Information, 1: types.DiagnosticSeverity.Hint}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A repository with a configuration file and a manifest (ASCII: columns are the same in every
    encoding)."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "flare-ls.toml").write_text(
        'ignore = ["FL306"]\nseverity = {FL102 = "info"}\n[per-file-ignores]\n"jobs/**" = ["query-compute"]\n',
        encoding="utf-8",
    )
    manifest = tmp_path / "jobs" / "kafka.yaml"
    manifest.parent.mkdir()
    manifest.write_text(KAFKA, encoding="utf-8")
    return tmp_path


def summary(items: list[types.Diagnostic]) -> list[tuple[object, ...]]:
    return sorted((d.code, d.severity, d.range.start.line, d.range.start.character, d.message) for d in items)


def expected(path: Path) -> list[tuple[object, ...]]:
    """What ``flare-ls --check`` reports for the file: the core with the file's project configuration."""
    text = path.read_text(encoding="utf-8")
    findings = analyze(text, uri=path.as_uri(), config=load_for(path).config_for(path))
    return sorted((f.code, LSP_SEVERITY[int(f.severity)], f.start[0], f.start[1], f.message) for f in findings)


@pytest_lsp.fixture(config=server_config(), params=CLIENTS)
async def client(lsp_client: LanguageClient, request, project: Path):
    await initialize_in(lsp_client, request.param, project)
    yield
    await lsp_client.shutdown_session()


async def test_diagnostics_follow_the_project_configuration(client: LanguageClient, project: Path) -> None:
    path = project / "jobs" / "kafka.yaml"
    uri = path.as_uri()
    open_document(client, uri, KAFKA)
    got = summary(await diagnostics(client, uri, 1))
    assert got == expected(path)
    codes = {code: severity for code, severity, *_ in got}
    assert "FL306" not in codes and "FL308" not in codes  # ignored, and ignored under jobs/
    assert codes["FL102"] == types.DiagnosticSeverity.Information
    assert not client.messages


async def test_a_document_outside_the_project_uses_the_editor_settings(client: LanguageClient, tmp_path) -> None:
    other = tmp_path.parent / f"{tmp_path.name}-outside" / "kafka.yaml"
    (other.parent / ".git").mkdir(parents=True)
    open_document(client, other.as_uri(), KAFKA)
    assert "FL306" in {d.code for d in await diagnostics(client, other.as_uri(), 1)}
    untitled = "untitled:Untitled-1"  # not a file: the editor settings alone
    open_document(client, untitled, KAFKA)
    assert "FL306" in {d.code for d in await diagnostics(client, untitled, 1)}


async def test_a_bad_configuration_file_is_shown_once(client: LanguageClient, project: Path) -> None:
    (project / "flare-ls.toml").write_text('ignore = ["FL306"]\nignor = 1\n', encoding="utf-8")
    first, second = project / "jobs" / "kafka.yaml", project / "jobs" / "copy.yaml"
    second.write_text(KAFKA, encoding="utf-8")
    for path in (first, second):
        open_document(client, path.as_uri(), KAFKA)
        # The defaults are used for the file: FL306 (ignored by the broken file) is reported.
        assert "FL306" in {d.code for d in await diagnostics(client, path.as_uri(), 1)}
    warnings = [m for m in client.messages if m.type == types.MessageType.Warning]
    assert len(warnings) == 1
    assert str(project / "flare-ls.toml") in warnings[0].message and "ignor: unknown key" in warnings[0].message


@pytest_lsp.fixture(config=server_config())
async def overriding(lsp_client: LanguageClient, project: Path):
    # The editor's ignore list (even empty) replaces the project's; its severity wins for its rules.
    lsp_client.set_configuration({"rules": {"ignore": [], "severity": {"FL306": "error"}}}, section="flare-ls")
    await initialize(
        lsp_client,
        types.InitializeParams(capabilities=pytest_lsp.client_capabilities("neovim@v0.11.0"), process_id=None),
    )
    yield
    await lsp_client.shutdown_session()


async def test_editor_settings_apply_on_top(overriding: LanguageClient, project: Path) -> None:
    path = project / "jobs" / "kafka.yaml"
    open_document(overriding, path.as_uri(), KAFKA)
    codes = {d.code: d.severity for d in await diagnostics(overriding, path.as_uri(), 1)}
    assert codes["FL306"] == types.DiagnosticSeverity.Error  # the project ignored it; the editor did not
    assert codes["FL102"] == types.DiagnosticSeverity.Information  # the project's severity still applies
    assert "FL308" not in codes  # and its per-file ignores
