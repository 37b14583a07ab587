"""The JSON Schema (``schemas/flare-workflow.schema.json``) as a YAML author meets it: in
yaml-language-server (Red Hat's YAML extension), given the schema, on the same manifests flare-ls checks.

- Every value flare-ls calls invalid (FL102) in the fixtures, yaml-language-server reports on the same
  line too: the schema enforces the closed value sets, functions and actions included (in manifests
  whose structure is sound: see ``STRUCTURAL``).
- The whole workflows in which flare-ls finds no error (fixtures, examples and the shared corpus of
  real manifests) get no schema error from yaml-language-server: the schema is no stricter than flare-ls.

Needs yaml-language-server from ``bash scripts/setup-editor-tests.sh`` (npm, into
``$FLARE_LS_EDITOR_CACHE``) and node; without them the test is skipped, unless ``CI`` is set: then it fails.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.lsp.client import LanguageClient

from flare_ls.analyze import analyze
from flare_ls.findings import Severity
from flare_ls.parsing.yamltree import YMap, parse
from flare_ls.views import build_view
from golden import CORPUS, EXAMPLES, FIXTURES, ROOT

CACHE = Path(os.environ.get("FLARE_LS_EDITOR_CACHE") or Path.home() / ".cache" / "flare-ls-editors")
YLS = CACHE / "yaml-language-server" / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"
SCHEMA = ROOT / "schemas" / "flare-workflow.schema.json"
#: yaml-language-server waits 200 ms after a change before it validates; a whole batch takes a few seconds.
WAIT = 60.0


def _is_workflow(text: str) -> bool:
    """Whether ``text`` is a whole Flare workflow: what the schema describes. Other YAML (a fragment, a
    Kubernetes object) is left alone by flare-ls, and by the schema only when it is not mapped to it."""
    parsed = parse(text)
    return parsed.error is None and any(isinstance(d.root, YMap) and build_view(d.root).flare for d in parsed.documents)


def _is_job_file(text: str) -> bool:
    parsed = parse(text)
    return any(isinstance(d.root, YMap) and build_view(d.root).job_file for d in parsed.documents)


#: Findings that say the structure is not where it belongs (a syntax error, a misplaced key or section):
#: flare-ls reads such a manifest as the author meant it, the schema as it is written, so their verdicts
#: on the values inside cannot be compared.
STRUCTURAL = {"FL001", "FL103", "FL105"}


def _manifests() -> tuple[list[Path], list[Path]]:
    """(manifests with an invalid value and a sound structure, whole workflows in which flare-ls finds
    no error): from the fixtures, the examples and the shared corpus of real manifests."""
    invalid, clean = [], []
    for path in sorted([*FIXTURES.rglob("*.yaml"), *EXAMPLES.rglob("*.yaml"), *CORPUS.glob("*.y*ml")]):
        text = path.read_text(encoding="utf-8", errors="replace")
        if _is_job_file(text):
            continue  # a dag job kept alone: the schema describes workflows, not what `file:` names
        findings = analyze(text)
        codes = {f.code for f in findings}
        if "FL102" in codes and not codes & STRUCTURAL:
            invalid.append(path)
        elif not any(f.severity is Severity.ERROR for f in findings) and _is_workflow(text):
            # An error silenced with `# flare-ls: disable=...` is still there for a schema.
            if "flare-ls: disable" not in text:
                clean.append(path)
    return invalid, clean


async def _schema_diagnostics(paths: list[Path]) -> dict[Path, list[types.Diagnostic]]:
    """What yaml-language-server, given the schema, publishes for each file (its own YAML syntax
    checks included)."""
    published: dict[str, list[types.Diagnostic]] = {}
    every = asyncio.Event()
    wanted = {path.as_uri(): path for path in paths}
    settings = {
        "yaml": {
            "validate": True,
            "hover": False,
            "completion": False,
            "schemas": {SCHEMA.as_uri(): ["*.yaml"]},
            "schemaStore": {"enable": False},
        }
    }
    client = LanguageClient("flare-ls-schema-test", "1")

    @client.feature(types.WORKSPACE_CONFIGURATION)
    def configuration(_: LanguageClient, params: types.ConfigurationParams) -> list[object]:
        return [settings.get(item.section or "") for item in params.items]

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def publish(_: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
        published[params.uri] = list(params.diagnostics)
        if set(wanted) <= set(published):
            every.set()

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(_: LanguageClient, params: types.RegistrationParams) -> None:
        return None

    await client.start_io("node", str(YLS), "--stdio")
    try:
        capabilities = types.ClientCapabilities(
            workspace=types.WorkspaceClientCapabilities(configuration=True, did_change_configuration=None)
        )
        await client.initialize_async(
            types.InitializeParams(capabilities=capabilities, process_id=os.getpid(), root_uri=ROOT.as_uri())
        )
        client.initialized(types.InitializedParams())
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=settings))
        for uri, path in wanted.items():
            item = types.TextDocumentItem(uri=uri, language_id="yaml", version=1, text=path.read_text("utf-8"))
            client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=item))
        await asyncio.wait_for(every.wait(), WAIT)
        await client.shutdown_async(None)
        client.exit(None)
    finally:
        await client.stop()
    return {path: published[uri] for uri, path in wanted.items()}


@pytest.fixture(scope="module")
def diagnostics() -> tuple[dict[Path, list[types.Diagnostic]], list[Path], list[Path]]:
    missing = [what for what, ok in (("node", shutil.which("node")), (str(YLS), YLS.is_file())) if not ok]
    if missing:
        reason = f"the schema test needs {', '.join(missing)}: run `bash scripts/setup-editor-tests.sh`"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set and {reason}", pytrace=False)
        pytest.skip(reason)
    invalid, clean = _manifests()
    assert invalid and clean
    return asyncio.run(_schema_diagnostics([*invalid, *clean])), invalid, clean


def _schema_lines(found: list[types.Diagnostic]) -> set[int]:
    return {d.range.start.line for d in found if d.severity == types.DiagnosticSeverity.Error}


def test_every_invalid_value_flare_ls_finds_is_a_schema_error_on_its_line(diagnostics) -> None:
    published, invalid, _ = diagnostics
    missed = []
    for path in invalid:
        text = path.read_text(encoding="utf-8")
        lines = _schema_lines(published[path])
        for finding in analyze(text):
            if finding.code == "FL102" and finding.start[0] not in lines:
                missed.append(f"{path.name}:{finding.start[0] + 1}: {finding.message}")
    print(f"{len(invalid)} manifests with an invalid value")
    assert missed == [], "\n".join(missed)


def test_what_flare_ls_finds_no_error_in_the_schema_accepts(diagnostics) -> None:
    published, _, clean = diagnostics
    wrong = {
        path.name: [f"{d.range.start.line + 1}: {d.message}" for d in published[path] if d.severity == 1]
        for path in clean
        if _schema_lines(published[path])
    }
    print(f"{len(clean)} manifests without an error")
    assert wrong == {}
