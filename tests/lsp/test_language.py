"""Completion, hover, code actions, outline and navigation, end to end on the seed's manifests."""

from __future__ import annotations

from lsprotocol import types
from pytest_lsp import LanguageClient

from flare_ls.findings import TextEdit
from flare_ls.fixes import apply_edits
from golden import EXAMPLES, FIXTURES

from .conftest import diagnostics, open_document, units, uri_for

KAFKA = (EXAMPLES / "seed" / "06-kafka-lakehouse-insights.yaml").read_text(encoding="utf-8")
PROCESSING = (EXAMPLES / "seed" / "03-processing-time.yaml").read_text(encoding="utf-8")


def doc(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


async def complete(client: LanguageClient, uri: str, line: int, character: int) -> list[types.CompletionItem]:
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=doc(uri), position=types.Position(line, character))
    )
    if result is None:
        return []
    return list(result.items if isinstance(result, types.CompletionList) else result)


def apply(text: str, edits: list[types.TextEdit]) -> str:
    """Apply client edits to an ASCII text (client units are code points there)."""
    core = [
        TextEdit((e.range.start.line, e.range.start.character), (e.range.end.line, e.range.end.character), e.new_text)
        for e in edits
    ]
    return apply_edits(text, core)


async def test_trigger_mode_values_with_their_docs_while_the_value_is_empty(client: LanguageClient) -> None:
    # Without the keys that rule some modes out (forEachBatchMode, triggerDuration), all four are offered.
    text = (
        PROCESSING.replace("triggerMode: ProcessingTime", "triggerMode: ")
        .replace("forEachBatchMode: true", "# forEachBatchMode")
        .replace("triggerDuration: 600 seconds", "# triggerDuration")
    )
    uri = uri_for("complete-value.yaml")
    open_document(client, uri, text)
    items = await complete(client, uri, 21, len("              triggerMode: "))
    assert [i.label for i in sorted(items, key=lambda i: i.sort_text or "")] == [
        "ProcessingTime",
        "Once",
        "AvailableNow",
        "Continuous",
    ]
    once = next(i for i in items if i.label == "Once")
    assert isinstance(once.documentation, types.MarkupContent) and "cron" in once.documentation.value.lower()


async def test_keys_on_an_empty_line_under_streaming_leave_out_present_ones(client: LanguageClient) -> None:
    text = PROCESSING.replace("              forEachBatchMode: true\n", "              \n")
    uri = uri_for("complete-keys.yaml")
    open_document(client, uri, text)
    labels = {i.label for i in await complete(client, uri, 20, 14)}
    assert {"forEachBatchMode", "outputMode", "extraOptions"} <= labels
    assert not {"triggerMode", "triggerDuration", "checkpointLocation"} & labels
    assert "batchMode" not in labels  # beside `triggerMode: ProcessingTime`, FL batch-mode-with-trigger


async def test_completion_in_a_document_that_does_not_parse(client: LanguageClient) -> None:
    text = PROCESSING.replace("            explain: true\n", "            expl\n")  # a key half typed
    uri = uri_for("complete-broken.yaml")
    open_document(client, uri, text)
    found = await diagnostics(client, uri, 1)
    assert any(d.code == "FL001" for d in found), "the half-typed document must not parse"
    items = await complete(client, uri, 17, 16)
    explain = next(i for i in items if i.label == "explain")
    assert explain.text_edit is not None and explain.text_edit.range.start.character == 12
    required = [i for i in items if (i.sort_text or "").startswith("0")]
    assert all("required" in (i.detail or "") or i.kind == types.CompletionItemKind.Snippet for i in required)


async def test_snippets_references_and_dependencies(client: LanguageClient) -> None:
    text = PROCESSING.replace(
        "            streaming:\n              forEachBatchMode: true\n              triggerMode: ProcessingTime\n"
        "              triggerDuration: 600 seconds\n"
        "              checkpointLocation: dataos://lakehouse:stream/${CHECKPOINT_DATASET}\n",
        "            \n",
    )
    uri = uri_for("complete-snippet.yaml")
    open_document(client, uri, text)
    items = await complete(client, uri, 19, 12)
    snippet = next(i for i in items if i.label == "streaming (section)")
    assert snippet.insert_text_format == types.InsertTextFormat.Snippet
    assert snippet.text_edit.new_text.startswith("streaming:\n              triggerMode: ${1|ProcessingTime")
    named = text.replace(
        "              - name: finalDf\n                dataset: dataos://${LAKEHOUSE",
        "              - name: \n                dataset: dataos://${LAKEHOUSE",
    )
    uri2 = uri_for("complete-ref.yaml")
    open_document(client, uri2, named)
    refs = [i for i in await complete(client, uri2, 28, 22) if i.kind == types.CompletionItemKind.Reference]
    assert {i.label for i in refs} == {"input", "finalDf"}
    deps = named.replace("      title: Resource", "      dependencies:\n        - \n      title: Resource")
    uri3 = uri_for("complete-deps.yaml")
    open_document(client, uri3, deps)
    # The only job of the dag: a job cannot be its own dependency, so there is nothing to offer.
    assert [i.label for i in await complete(client, uri3, 9, 10)] == []


async def test_hover_on_keys_and_values(client: LanguageClient) -> None:
    uri = uri_for("hover.yaml")
    open_document(client, uri, PROCESSING)
    key = await client.text_document_hover_async(
        types.HoverParams(text_document=doc(uri), position=types.Position(21, 18))
    )
    assert key is not None and key.contents.value.startswith("**`triggerMode`**")
    assert "Trigger modes" in key.contents.value and "`Continuous`" in key.contents.value
    assert key.range == types.Range(start=types.Position(21, 14), end=types.Position(21, 25))
    value = await client.text_document_hover_async(
        types.HoverParams(text_document=doc(uri), position=types.Position(21, 30))
    )
    assert value is not None and value.contents.value.startswith("**`triggerMode: ProcessingTime`**")
    nothing = await client.text_document_hover_async(
        types.HoverParams(text_document=doc(uri), position=types.Position(4, 4))
    )
    assert nothing is None


async def test_hover_on_a_finding_says_what_its_rule_finds_and_links_its_page(client: LanguageClient) -> None:
    uri = uri_for("hover-finding.yaml")
    # Non-ASCII text before the finding on its line: the hover's range is in the client's units.
    text = KAFKA.replace("triggerMode: Continous", "triggerMode: Continous  # é😀", 1)
    open_document(client, uri, text)
    await diagnostics(client, uri, 1)
    line = next(i for i, row in enumerate(text.splitlines()) if "Continous" in row)
    column = text.splitlines()[line].index("Continous") + 2
    shown = await client.text_document_hover_async(
        types.HoverParams(text_document=doc(uri), position=types.Position(line, column))
    )
    assert shown is not None
    attribute, rule = shown.contents.value.split("\n\n---\n\n")
    assert attribute.startswith("**`triggerMode")
    assert rule.startswith("**FL102 invalid-value** (error): ")
    assert "[Rule page](https://github.com/flare-ls/flare-ls/blob/main/docs/rules/FL102.md)" in rule


async def test_quick_fixes_fix_all_and_disable(client: LanguageClient) -> None:
    uri = uri_for("actions.yaml")
    open_document(client, uri, KAFKA)
    found = await diagnostics(client, uri, 1)
    typo = next(d for d in found if d.code == "FL102")
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=doc(uri), range=typo.range, context=types.CodeActionContext(diagnostics=[typo])
        )
    )
    titles = [a.title for a in actions]
    assert titles == ["Change to `Continuous`", "Disable FL102 on this line", "Fix all safe flare-ls findings"]
    assert [a.kind for a in actions] == [types.CodeActionKind.QuickFix] * 2 + [types.CodeActionKind.SourceFixAll]
    assert actions[0].is_preferred and list(actions[0].diagnostics) == [typo]
    fixed = apply(KAFKA, actions[0].edit.changes[uri])
    assert "triggerMode: Continuous\n" in fixed and len(fixed) == len(KAFKA) + 1
    disabled = apply(KAFKA, actions[1].edit.changes[uri])
    assert "triggerMode: Continous  # flare-ls: disable=FL102\n" in disabled
    everything = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=doc(uri),
            range=types.Range(start=types.Position(0, 0), end=types.Position(0, 0)),
            context=types.CodeActionContext(diagnostics=[], only=[types.CodeActionKind.SourceFixAll]),
        )
    )
    (fix_all,) = everything
    assert fix_all.kind == types.CodeActionKind.SourceFixAll
    assert apply(KAFKA, fix_all.edit.changes[uri]) == fixed  # the only safe fix here is the typo


async def test_an_unknown_column_after_an_emoji_is_found_and_fixed_in_the_clients_units(client: LanguageClient) -> None:
    text = (FIXTURES / "unknown-column" / "non-ascii-before-the-column.yaml").read_text(encoding="utf-8")
    uri = uri_for("menu.yaml")
    open_document(client, uri, text)
    (column,) = [d for d in await diagnostics(client, uri, 1) if d.code == "FL409"]
    line = text.splitlines()[20]
    assert "🍮" in line  # before the column, on its line: two UTF-16 units, four UTF-8 bytes
    start = units(client, line[: line.index("d.prise") + 2])
    assert column.range == types.Range(start=types.Position(20, start), end=types.Position(20, start + 5))
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=doc(uri), range=column.range, context=types.CodeActionContext(diagnostics=[column])
        )
    )
    fix = next(a for a in actions if a.title == "Read column `price` (check the result)")  # an unsafe fix
    assert [(e.range, e.new_text) for e in fix.edit.changes[uri]] == [(column.range, "price")]


async def test_a_fix_that_does_not_hold_is_not_offered(client: LanguageClient) -> None:
    """A fix whose result would not parse (here: one a client changed in the diagnostic's data) is not
    offered; the finding's own fix, which holds, is."""
    uri = uri_for("holds.yaml")
    open_document(client, uri, KAFKA)
    typo = next(d for d in await diagnostics(client, uri, 1) if d.code == "FL102")
    line, column = typo.range.start.line, typo.range.start.character
    broken = {**typo.data, "fix": {**typo.data["fix"], "edits": [[line, column, line, column + 3, "[: {"]]}}
    tampered = types.Diagnostic(range=typo.range, message=typo.message, code=typo.code, source=typo.source, data=broken)
    for diag, offered in ((tampered, False), (typo, True)):
        actions = await client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=doc(uri),
                range=typo.range,
                context=types.CodeActionContext(diagnostics=[diag], only=[types.CodeActionKind.QuickFix]),
            )
        )
        assert ("Change to `Continuous`" in [a.title for a in actions]) is offered


async def test_missing_checkpoint_quick_fix_inserts_it_in_streaming(client: LanguageClient) -> None:
    text = PROCESSING.replace("              checkpointLocation: dataos://lakehouse:stream/${CHECKPOINT_DATASET}\n", "")
    uri = uri_for("checkpoint.yaml")
    open_document(client, uri, text)
    missing = next(d for d in await diagnostics(client, uri, 1) if d.code == "FL202")
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=doc(uri), range=missing.range, context=types.CodeActionContext(diagnostics=[missing])
        )
    )
    fixed = apply(text, actions[0].edit.changes[uri])
    assert (
        "              triggerDuration: 600 seconds\n              checkpointLocation: dataos://lakehouse:checkpoints/"
        in fixed
    )


async def test_outline_definition_and_references(client: LanguageClient) -> None:
    uri = uri_for("outline.yaml")
    open_document(client, uri, PROCESSING)
    symbols = await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=doc(uri)))
    (workflow,) = symbols
    assert workflow.name == "resource-metadata-lakehouse-sink-01"
    (job,) = workflow.children
    assert job.name == "resource-metadata-lakehouse-sink" and job.detail == "flare:6.0"
    assert [(c.name, c.detail) for c in job.children] == [
        ("input", "input"),
        ("finalDf", "step"),
        ("finalDf", "output"),
    ]
    # The output's name (zero-based line 32) goes to the step that makes the view (line 39).
    where = await client.text_document_definition_async(
        types.DefinitionParams(text_document=doc(uri), position=types.Position(32, 24))
    )
    assert [loc.range.start.line for loc in where] == [39]
    uses = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=doc(uri),
            position=types.Position(39, 28),
            context=types.ReferenceContext(include_declaration=False),
        )
    )
    assert [loc.range.start.line for loc in uses] == [32]
    job_name = await client.text_document_definition_async(
        types.DefinitionParams(text_document=doc(uri), position=types.Position(4, 4))
    )
    assert job_name is None
