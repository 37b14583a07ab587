"""The server builds each version's analysis on the previous one's (``versions.py``): what it publishes
after incremental changes is what ``--check`` finds in the text, whichever way the version was read."""

from __future__ import annotations

import sys
from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient

from flare_ls.analyze import analyze
from flare_ls.lsp.server import _finish, _prepare
from flare_ls.parsing.yamltree import split_lines

from .conftest import diagnostics, open_document, pulls, stats, uri_for

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent / "bench"))
from bench_analyze import generated  # noqa: E402

#: A manifest of several jobs with findings in each (a value's case, a local checkpoint).
TEXT = (
    generated(250)
    .replace("triggerMode: ProcessingTime", "triggerMode: processingTime")
    .replace("checkpointLocation: dataos://lakehouse:stream/", "checkpointLocation: /tmp/")
)


def _edits(text: str) -> list[tuple[tuple[int, int, int, int], str]]:
    """Edits as an editor sends them, ranges in the text as it is before each: a letter typed in a
    value, a line added, a line removed (line count moves every later job), a job's stack broken and
    mended (its findings change), a syntax error and its repair (a whole parse each time)."""
    lines = split_lines(text)
    value = next(i for i, line in enumerate(lines) if "showPreviewLines: 20" in line and i > len(lines) // 2)
    column = lines[value].index("20") + 2
    stack = next(i for i, line in enumerate(lines) if "stack: flare:7.0" in line and i > len(lines) // 3)
    return [
        ((value, column, value, column), "0"),
        ((value, 0, value, 0), "            # typed above\n"),
        ((value, 0, value + 1, 0), ""),
        ((stack + 1, len(lines[stack]) - 3, stack + 1, len(lines[stack])), "9.9"),
        ((stack + 1, len(lines[stack]) - 3, stack + 1, len(lines[stack])), "7.0"),
        ((value, column, value, column), ": x: y"),
        ((value, column, value, column + 6), ""),
    ]


def _apply(text: str, edit: tuple[tuple[int, int, int, int], str]) -> str:
    (start_line, start_col, end_line, end_col), new = edit
    lines = text.split("\n")
    start = sum(len(line) + 1 for line in lines[:start_line]) + start_col
    end = sum(len(line) + 1 for line in lines[:end_line]) + end_col
    return text[:start] + new + text[end:]


async def test_published_diagnostics_after_incremental_changes_are_the_whole_analysis(hooked: LanguageClient) -> None:
    """After each edit, the diagnostics the client shows (pulled, or the last pushed: unchanged ones are
    not pushed again) are what ``--check`` finds in the text."""
    client = hooked
    uri = uri_for("several-jobs.yaml")
    text = TEXT
    open_document(client, uri, text)
    await diagnostics(client, uri, 1)
    for version, edit in enumerate(_edits(text), start=2):
        (a, b, c, d), new = edit
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[
                    types.TextDocumentContentChangePartial(
                        range=types.Range(start=types.Position(a, b), end=types.Position(c, d)), text=new
                    )
                ],
            )
        )
        text = _apply(text, edit)
        await stats(client)  # the server is done with the edit
        if pulls(client):
            got = await diagnostics(client, uri, version)
        else:
            got = [p for p in client.published if p.uri == uri][-1].diagnostics  # type: ignore[attr-defined]
        expected = analyze(text, uri)
        assert [(x.code, x.range.start.line, x.range.start.character, x.message) for x in got] == [
            (f.code, f.start[0], f.start[1], f.message) for f in expected
        ]


def test_each_version_is_analysed_from_the_previous_one() -> None:
    from flare_ls.analyze import Config

    config = Config()
    analysis = _finish(_prepare(TEXT, split_lines(TEXT), None, False), 1, 1, config)
    assert analysis.state is not None and analysis.state.how == "whole"
    text = TEXT
    hows = []
    for version, edit in enumerate(_edits(TEXT), start=2):
        text = _apply(text, edit)
        assert analysis.state is not None and analysis.state.take()  # as the server claims it
        analysis = _finish(_prepare(text, split_lines(text), analysis.state, False), version, version, config)
        assert analysis.findings == analyze(text)
        assert analysis.state is not None
        hows.append(analysis.state.how)
    assert hows == ["spliced"] * 5 + ["whole", "whole"]
