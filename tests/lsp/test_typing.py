"""Typing, end to end: edits that arrive together are analysed once, hover and completion right after an
edit do not wait for its analysis, unchanged diagnostics are not sent again (and their fixes are still
offered), incremental changes give the text a full sync gives, and old versions are not kept.

The server runs with its test hooks (``lsp/testhooks.py``): it counts its analyses and publications, can
hold the analysis of a big document, and says what text it holds.
"""

from __future__ import annotations

import contextlib
import inspect
import random
from collections.abc import Iterator

import attrs
import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from flare_ls.lsp.server import BIG_TEXT
from flare_ls.parsing.yamltree import YMap, parse, walk
from golden import EXAMPLES

from .conftest import (
    HOOKS,
    SCRATCH,
    diagnostics,
    hook,
    lines_of,
    offset,
    open_document,
    pulls,
    server_config,
    stats,
    units,
    until,
    uri_for,
)

KAFKA = (EXAMPLES / "seed" / "06-kafka-lakehouse-insights.yaml").read_text(encoding="utf-8")
TYPO_LINE = 21  # `              triggerMode: Continous`
JOB = """\
    - name: job-{n}
      spec:
        stack: flare:6.0
        compute: runnable-default
        stackSpec:
          job:
            explain: true
            logLevel: INFO
            inputs:
              - name: orders_{n}
                dataset: dataos://icebase:retail/orders_{n}
                format: iceberg
            steps:
              - sequence:
                  - name: totals_{n}
                    sql: SELECT count(*) AS n FROM orders_{n}
            outputs:
              - name: totals_{n}
                dataset: dataos://icebase:retail/totals_{n}?acl=rw
                format: iceberg
                options:
                  saveMode: overwrite
"""


def manifest(size: int) -> str:
    """A workflow of at least ``size`` characters, with one finding (an unknown key) in its first job."""
    parts = ["version: v1\nname: typing\ntype: workflow\nworkflow:\n  dag:\n"]
    n = 0
    while sum(map(len, parts)) < size:
        job = JOB.format(n=n)
        parts.append(job.replace("explain: true", "explian: true") if n == 0 else job)
        n += 1
    return "".join(parts)


@contextlib.contextmanager
def together(client: LanguageClient) -> Iterator[None]:
    """Whatever the client sends inside is written at once, as one read of the server's input."""
    protocol = client.protocol
    writer, held = protocol.writer, []

    class Holder:
        def write(self, data: bytes) -> None:
            held.append(data)

        def close(self) -> None:
            pass

    protocol.writer = Holder()  # type: ignore[assignment]
    try:
        yield
    finally:
        protocol.writer = writer
        assert writer is not None
        written = writer.write(b"".join(held))
        if inspect.isawaitable(written):
            import asyncio

            asyncio.ensure_future(written)


def change(client: LanguageClient, uri: str, version: int, start: tuple[int, int], end: tuple[int, int], text: str):
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(start=types.Position(*start), end=types.Position(*end)), text=text
                )
            ],
        )
    )


def published_versions(client: LanguageClient, uri: str) -> list[int | None]:
    return [p.version for p in client.published if p.uri == uri]  # type: ignore[attr-defined]


# -- edits that arrive together ------------------------------------------------------------------------


async def test_edits_that_arrive_together_are_analysed_once(hooked: LanguageClient) -> None:
    client = hooked
    uri = uri_for("together.yaml")
    open_document(client, uri, KAFKA)
    await diagnostics(client, uri, 1)
    before = await stats(client)
    column = KAFKA.splitlines()[TYPO_LINE].index("Continous") + len("Continous")
    with together(client):
        for n, letter in enumerate("abcdefghij"):
            change(client, uri, 2 + n, (TYPO_LINE, column + n), (TYPO_LINE, column + n), letter)
    found = await diagnostics(client, uri, 11)
    after = await stats(client)
    assert after["analyses"] - before["analyses"] == 1
    assert any("Continousabcdefghij" in d.message for d in found)
    if not pulls(client):
        assert published_versions(client, uri) == [1, 11]


async def test_a_keystroke_in_a_big_document_is_analysed_in_proportion_to_the_edit(hooked: LanguageClient) -> None:
    """A big document is opened in a thread (a whole analysis takes a while); a keystroke built on the
    previous version costs what it touched and is analysed at once, without a thread; an edit that
    cannot be spliced (a document marker) goes to the thread again. Each gives the whole analysis's
    findings."""
    client = hooked
    uri = uri_for("big-keystroke.yaml")
    text = manifest(BIG_TEXT + 1000)
    open_document(client, uri, text)
    await diagnostics(client, uri, 1)
    before = await stats(client)
    line = next(i for i, t in enumerate(lines_of(text)) if t.strip() == "logLevel: INFO" and i > 200)
    end = len(lines_of(text)[line])
    change(client, uri, 2, (line, end - 4), (line, end), "INFOO")
    found = await diagnostics(client, uri, 2)
    assert sorted(d.code for d in found) == ["FL101", "FL102"]
    after = await stats(client)
    assert (after["analyses"], after["threaded"]) == (before["analyses"] + 1, before["threaded"])
    change(client, uri, 3, (line, 0), (line, 0), "---\n")
    await diagnostics(client, uri, 3)
    assert (await stats(client))["threaded"] == before["threaded"] + 1


# -- requests right after an edit ----------------------------------------------------------------------


async def test_hover_and_completion_right_after_an_edit_do_not_wait_for_its_analysis(hooked: LanguageClient) -> None:
    client = hooked
    uri = uri_for("big.yaml")
    text = manifest(BIG_TEXT + 1000)
    open_document(client, uri, text)
    await diagnostics(client, uri, 1)
    lines = text.splitlines()
    line = next(i for i, t in enumerate(lines) if t.strip() == "logLevel: INFO" and i > len(lines) // 2)
    key = lines[line].index("logLevel")
    await hook(client, "hold", hold=True)
    try:
        before = await hook(client, "stats")
        # The key becomes `showPreviewLines` and its value 20: hover must describe the new key.
        change(client, uri, 2, (line, key), (line, len(lines[line])), "showPreviewLines: 20")
        hover = await client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line, key + 2)
            )
        )
        assert hover is not None and "showPreviewLines" in hover.contents.value  # type: ignore[union-attr]
        trigger = next(i for i, t in enumerate(lines) if t.strip().startswith("saveMode:") and i > line)
        at = lines[trigger].index(":") + 2
        completion = await client.text_document_completion_async(
            types.CompletionParams(
                text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(trigger, at)
            )
        )
        assert completion is not None and "append" in [item.label for item in completion.items]
        held = await hook(client, "stats")
        assert held["analyses"] == before["analyses"]  # the edit's analysis has not run: nothing waited for it
        assert 2 not in published_versions(client, uri)
    finally:
        await hook(client, "hold", hold=False)
    if pulls(client):
        assert [d.code for d in await diagnostics(client, uri, 2)] == ["FL101"]
    else:  # the one finding is where it was, untouched: analysed, not sent again
        after = await stats(client)
        assert (after["analyses"], after["unchanged"]) == (before["analyses"] + 1, before["unchanged"] + 1)


async def test_hover_right_after_an_edit_explains_the_findings_shown_there(hooked: LanguageClient) -> None:
    """Before the newest analysis, the finding under the cursor is the previous one carried through the
    edit (the editor shows it there), and an edit elsewhere on the line does not hide it."""
    client = hooked
    uri = uri_for("big-explain.yaml")
    text = manifest(BIG_TEXT + 1000)
    open_document(client, uri, text)
    await diagnostics(client, uri, 1)
    line = next(i for i, t in enumerate(text.splitlines()) if "explian" in t)
    await hook(client, "hold", hold=True)
    try:
        change(client, uri, 2, (0, 0), (0, 0), "# a comment on a line of its own\n")
        column = text.splitlines()[line].index("explian")
        hover = await client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line + 1, column + 2)
            )
        )
        assert hover is not None and "FL101" in hover.contents.value  # type: ignore[union-attr]
        assert hover.range is not None and hover.range.start.line == line + 1
    finally:
        await hook(client, "hold", hold=False)
    await diagnostics(client, uri, 2)


# -- unchanged diagnostics -------------------------------------------------------------------------------


async def test_unchanged_diagnostics_are_not_published_again_and_their_fixes_still_apply(
    hooked: LanguageClient,
) -> None:
    client = hooked
    if pulls(client):
        pytest.skip("nothing is pushed to a pull client")
    uri = uri_for("unchanged.yaml")
    open_document(client, uri, KAFKA)
    first = await diagnostics(client, uri, 1)
    last = len(KAFKA.splitlines())
    # An edit below every finding: same diagnostics at the same places, not sent again.
    change(client, uri, 2, (last, 0), (last, 0), "# the end\n")
    before = await stats(client)
    assert published_versions(client, uri) == [1] and before["unchanged"] == 1
    # A line above every finding moves them all: sent again.
    change(client, uri, 3, (0, 0), (0, 0), "# the start\n")
    moved = await diagnostics(client, uri, 3)
    assert [(d.code, d.range.start.line) for d in moved] == [(d.code, d.range.start.line + 1) for d in first]
    # An edit on the typo's line, after it: the typo's range is on that line, so it is sent again.
    typo = next(d for d in moved if d.code == "FL102")
    end = typo.range.end.character
    change(client, uri, 4, (typo.range.start.line, end), (typo.range.start.line, end), "  # almost")
    again = await diagnostics(client, uri, 4)
    assert [d.range for d in again] == [d.range for d in moved]
    # Another edit below everything, then the quick fix of the diagnostic as the client holds it.
    change(client, uri, 5, (last + 2, 0), (last + 2, 0), "# really the end\n")
    after = await stats(client)
    assert published_versions(client, uri) == [1, 3, 4] and after["unchanged"] == 2
    held = next(d for d in again if d.code == "FL102")
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=held.range,
            context=types.CodeActionContext(diagnostics=[held]),
        )
    )
    fixes = [a for a in actions or [] if isinstance(a, types.CodeAction) and a.is_preferred]
    assert [a.title for a in fixes] == ["Change to `Continuous`"]


# -- incremental sync ------------------------------------------------------------------------------------

PIECES = ["x", "😀", "é", "\n", "ab\ncd", "", "\u2028", "naïve 😀\n", "\r\n", "\r", "\t"]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
async def test_incremental_changes_give_the_text_a_full_sync_gives(hooked: LanguageClient, newline: str) -> None:
    """Random edits with non-ASCII text, line separators libyaml and str.splitlines break at, and line
    endings of every kind (mixing them takes the slow path), sent as ranges in the client's units: the
    server holds the text a full sync would have sent, and reports the same diagnostics for it."""
    client = hooked
    rng = random.Random(17)
    text = KAFKA.replace("\n", newline).replace("kafka", "kåfka😀\u2028", 3)
    uri, full = uri_for(f"incremental-{len(newline)}.yaml"), uri_for(f"full-{len(newline)}.yaml")
    open_document(client, uri, text)
    for version in range(2, 62):
        lines = lines_of(text)
        first = rng.randrange(len(lines))
        last = min(len(lines) - 1, first + rng.choice([0, 0, 0, 1, 2]))
        a = rng.randrange(len(lines[first]) + 1)
        b = rng.randrange(len(lines[last]) + 1) if last > first else rng.randrange(a, len(lines[first]) + 1)
        piece = rng.choice(PIECES)
        start = types.Position(first, units(client, lines[first][:a]))
        end = types.Position(last, units(client, lines[last][:b]))
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[
                    types.TextDocumentContentChangePartial(range=types.Range(start=start, end=end), text=piece)
                ],
            )
        )
        text = text[: offset(text, first, a)] + piece + text[offset(text, last, b) :]
        assert await hook(client, "text", uri=uri) == text, f"after edit {version - 1}: {piece!r}"
    open_document(client, full, text)
    assert [(d.code, d.range, d.message) for d in await diagnostics(client, uri, 61)] == [
        (d.code, d.range, d.message) for d in await diagnostics(client, full, 1)
    ]


async def test_diagnostics_kept_from_the_last_publication_count_the_line_as_it_is_now(hooked: LanguageClient) -> None:
    """A finding left alone by an edit is not converted again while its line is the same; an edit on
    its line after it, or before it (with characters two UTF-16 units wide), gives the columns a fresh
    document of the same text gets."""
    client = hooked
    uri = uri_for("converted.yaml")
    text = KAFKA
    open_document(client, uri, text)
    await diagnostics(client, uri, 1)
    line = lines_of(text)[TYPO_LINE]
    column = line.index("Continous")
    edits = [
        ((TYPO_LINE, len(line)), (TYPO_LINE, len(line)), "  # 😀 after"),  # after the finding
        ((TYPO_LINE, column - 1), (TYPO_LINE, column - 1), "😀"),  # before it: it moves
        ((TYPO_LINE + 3, 0), (TYPO_LINE + 3, 0), "# é\n"),  # below it: it stays
    ]
    for version, (start, end, piece) in enumerate(edits, start=2):
        lines = lines_of(text)
        change(
            client,
            uri,
            version,
            (start[0], units(client, lines[start[0]][: start[1]])),
            (end[0], units(client, lines[end[0]][: end[1]])),
            piece,
        )
        text = text[: offset(text, *start)] + piece + text[offset(text, *end) :]
        await stats(client)
        if pulls(client):
            shown = await diagnostics(client, uri, version)
        else:
            shown = [p for p in client.published if p.uri == uri][-1].diagnostics  # type: ignore[attr-defined]
        fresh = uri_for(f"converted-fresh-{version}.yaml")
        open_document(client, fresh, text)
        assert [(d.code, d.range) for d in shown] == [(d.code, d.range) for d in await diagnostics(client, fresh, 1)]


# -- memory ----------------------------------------------------------------------------------------------


async def test_typing_keeps_one_tree_per_document(hooked: LanguageClient) -> None:
    """After many keystrokes, the tree nodes alive are those of the newest version: each version's tree
    is released when the next replaces it, not left for a full collection."""
    client = hooked
    uri = uri_for("memory.yaml")
    text = manifest(BIG_TEXT // 2)
    open_document(client, uri, text)
    await diagnostics(client, uri, 1)
    line = next(i for i, t in enumerate(text.splitlines()) if "explian" in t)
    column = text.splitlines()[line].index("explian") + len("explian")
    for version in range(2, 32):
        typed = version % 2 == 0
        end = column + (0 if typed else 1)
        change(client, uri, version, (line, column), (line, end), "x" if typed else "")
        await diagnostics(client, uri, version)
    jobs = sum(
        1
        for node in walk(*(d.root for d in parse(text).documents))
        if isinstance(node, YMap) and "stackSpec" in node.entries
    )
    assert jobs > 1 and (await stats(client, key="stackSpec"))["maps"] == jobs


async def test_published_versions_are_awaited_like_before(hooked: LanguageClient) -> None:
    """A changed finding is published for the version that changed it (the ordinary path)."""
    client = hooked
    uri = uri_for("ordinary.yaml")
    open_document(client, uri, KAFKA)
    await diagnostics(client, uri, 1)
    column = KAFKA.splitlines()[TYPO_LINE].index("Continous")
    change(client, uri, 2, (TYPO_LINE, column), (TYPO_LINE, column + len("Continous")), "Continuous")
    found = await diagnostics(client, uri, 2)
    assert "FL102" not in [d.code for d in found]
    if not pulls(client):
        await until(client, lambda published: True if published_versions(client, uri) == [1, 2] else None)


# -- start-up --------------------------------------------------------------------------------------------


@pytest_lsp.fixture(config=server_config(HOOKS))
async def uninitialized(lsp_client: LanguageClient):
    yield
    await lsp_client.shutdown_session()


async def test_initialize_is_answered_before_sql_and_settings_are_loaded(uninitialized: LanguageClient) -> None:
    """sqlglot is loaded once initialized has come and the documents opened with it are diagnosed
    (settled: here, none), the pydantic models of the settings only when a client sends settings:
    neither delays the answer, nor sqlglot the first diagnostics."""
    client = uninitialized
    vscode = pytest_lsp.client_capabilities("visual-studio-code")
    # Without workspace/configuration: the settings a didChangeConfiguration carries are the settings.
    capabilities = attrs.evolve(vscode, workspace=attrs.evolve(vscode.workspace, configuration=False))
    client.capabilities = capabilities  # what pytest-lsp's initialize_session would record
    await client.initialize_async(types.InitializeParams(capabilities=capabilities, root_uri=SCRATCH.as_uri()))
    assert (await hook(client, "stats"))["loaded"] == {"pydantic": False, "sqlglot": False}
    client.initialized(types.InitializedParams())
    assert (await stats(client))["loaded"] == {"pydantic": False, "sqlglot": True}
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"flare-ls": {"rules": {"ignore": ["FL306"]}}})
    )
    assert (await stats(client))["loaded"]["pydantic"]
