"""Diagnostics end to end: the same findings as --check, versions, pull and push, rapid typing."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pygls.uris import to_fs_path as path_of
from pytest_lsp import LanguageClient

from flare_ls.analyze import analyze
from flare_ls.fileview import project_files
from golden import CORPUS, EXAMPLES

from .conftest import diagnostics, open_document, pulls, units, until, uri_for

KAFKA = (EXAMPLES / "seed" / "06-kafka-lakehouse-insights.yaml").read_text(encoding="utf-8")


async def test_seed_kafka_manifest_shows_the_typo_with_its_fix(client: LanguageClient) -> None:
    uri = uri_for("kafka.yaml")
    open_document(client, uri, KAFKA, version=7)
    found = await diagnostics(client, uri, 7)
    typo = next(d for d in found if d.code == "FL102")
    assert typo.range == types.Range(start=types.Position(21, 27), end=types.Position(21, 36))
    assert typo.severity == types.DiagnosticSeverity.Error
    assert typo.source == "flare-ls"
    assert typo.code_description is not None and typo.code_description.href.endswith("docs/rules/FL102.md")
    assert typo.message == "`triggerMode` does not accept `Continous`; did you mean `Continuous`?"
    assert set(typo.data) == {"fix"}  # no version: an unchanged diagnostic is not sent again per version
    assert typo.data["fix"]["edits"] == [[21, 27, 21, 36, "Continuous"]] and typo.data["fix"]["safe"] is True
    assert sorted(d.code for d in found) == ["FL102", "FL105", "FL306", "FL308"]


async def test_tags_mark_legacy_and_unnecessary(client: LanguageClient) -> None:
    legacy = (CORPUS / "011_kafka-read-flare6-oldsection.yaml").read_text(encoding="utf-8")
    uri = uri_for("legacy.yaml")
    open_document(client, uri, legacy)
    found = await diagnostics(client, uri, 1)
    assert [list(d.tags or ()) for d in found if d.code == "FL106"] == [[types.DiagnosticTag.Deprecated]]
    once = KAFKA.replace("triggerMode: Continous", "triggerMode: Once\n              triggerDuration: 5 seconds")
    uri2 = uri_for("once.yaml")
    open_document(client, uri2, once)
    found = await diagnostics(client, uri2, 1)
    assert [list(d.tags or ()) for d in found if d.code == "FL204"] == [[types.DiagnosticTag.Unnecessary]]


async def test_same_findings_as_check_across_the_corpus(client: LanguageClient) -> None:
    """Every corpus manifest: the server's diagnostics are the core's findings, position for position
    (the corpus is ASCII apart from comments, so code points and client units agree)."""
    for number, path in enumerate(sorted(CORPUS.glob("*.yaml"))):
        text = path.read_bytes().decode("utf-8")
        uri = uri_for(path.name)
        open_document(client, uri, text, version=number + 1)
        got = await diagnostics(client, uri, number + 1)
        # The files beside the document's path, as the server and ``flare-ls check`` see them (FL505).
        expected = analyze(text, uri, files=project_files(Path(path_of(uri))))
        assert [(d.code, d.range.start.line, d.range.start.character, d.message) for d in got] == [
            (f.code, f.start[0], f.start[1], f.message) for f in expected
        ], path.name


async def test_rapid_typing_never_publishes_a_stale_result(client: LanguageClient) -> None:
    if pulls(client):
        pytest.skip("pull clients ask for the current version themselves")
    uri = uri_for("typing.yaml")
    open_document(client, uri, KAFKA)
    await diagnostics(client, uri, 1)

    typed = "Continuous"
    line = 21
    for version, cut in enumerate(range(len("Continous"), len(typed) + 1), start=2):
        # Replace the value with ever more of the right word: each edit changes the findings.
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[
                    types.TextDocumentContentChangePartial(
                        range=types.Range(start=types.Position(line, 27), end=types.Position(line, 80)),
                        text=typed[:cut] if version > 2 else "Continou",
                    )
                ],
            )
        )
    last = version
    start = len(client.published)
    await until(client, lambda every: True if any(p.uri == uri and p.version == last for p in every) else None)
    published = [(p.version, [str(d.code) for d in p.diagnostics]) for p in client.published[start:] if p.uri == uri]
    versions = [v for v, _ in published]
    assert versions == sorted(versions), "a result for an older version came after a newer one"
    assert "FL102" not in published[-1][1]  # the final text spells Continuous


async def test_close_clears_pushed_diagnostics(client: LanguageClient) -> None:
    if pulls(client):
        pytest.skip("nothing is pushed to a pull client")
    uri = uri_for("closing.yaml")
    open_document(client, uri, KAFKA)
    assert await diagnostics(client, uri, 1)
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    # The publish for a closed document carries no version.
    cleared = await until(client, lambda every: next((p for p in every if p.uri == uri and p.version is None), None))
    assert list(cleared.diagnostics) == []


async def test_pull_reports_unchanged_for_the_same_version(client: LanguageClient) -> None:
    uri = uri_for("pull.yaml")
    open_document(client, uri, KAFKA)
    params = types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
    first = await client.text_document_diagnostic_async(params)
    assert isinstance(first, types.RelatedFullDocumentDiagnosticReport) and first.result_id
    again = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(
            text_document=types.TextDocumentIdentifier(uri=uri), previous_result_id=first.result_id
        )
    )
    assert isinstance(again, types.RelatedUnchangedDocumentDiagnosticReport)


async def test_typing_a_new_key_keeps_every_other_diagnostic(client: LanguageClient) -> None:
    """A key being typed (no colon yet) breaks the YAML at every keystroke; error recovery keeps the
    file's other findings published beside the syntax error, and its range counts in client units
    (an emoji pasted before the key is two UTF-16 units)."""
    uri = uri_for("half-typed.yaml")
    open_document(client, uri, KAFKA)
    before = sorted(str(d.code) for d in await diagnostics(client, uri, 1))
    assert before == ["FL102", "FL105", "FL306", "FL308"]
    typed = "              \U0001f642checkpoi"
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(start=types.Position(23, 0), end=types.Position(23, 0)), text=typed + "\n"
                )
            ],
        )
    )
    found = await diagnostics(client, uri, 2)
    assert sorted(str(d.code) for d in found) == sorted(before + ["FL001"])
    syntax = next(d for d in found if d.code == "FL001")
    assert syntax.range == types.Range(start=types.Position(23, 14), end=types.Position(23, units(client, typed))), (
        syntax.range
    )
    assert "`\U0001f642checkpoi` is not a `key: value` pair" in syntax.message
