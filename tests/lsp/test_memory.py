"""What the server keeps about a document is gone once the document is closed.

In-process: the server class is driven through its own dispatcher with a writer that records what it
sends, so the objects that hold per-document state can be looked at afterwards.
"""

from __future__ import annotations

import asyncio
import gc
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from flare_ls.analyze import analyze_parsed
from flare_ls.lsp import memory, transport
from flare_ls.lsp.server import FlareServer, create_server
from flare_ls.parsing.yamltree import YMap, parse, release, split_lines

MANIFEST = """\
version: v1
name: wf-{n}
type: workflow
workflow:
  dag:
    - name: job-{n}
      spec:
        stack: flare:6.0
        stackSpec:
          job:
            inputs:
              - name: orders_{n}
                dataset: dataos://icebase:retail/orders_{n}
                format: iceberg
            steps:
              - sequence:
                  - name: totals
                    sql: SELECT {n} AS n, count(*) FROM orders_{n}
            outputs:
              - name: totals
                dataset: dataos://icebase:retail/totals_{n}?acl=rw
                format: iceberg
"""


class Recorder:
    """A writer for the server's protocol that keeps every message it sends."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []
        self.arrived = asyncio.Event()

    def write(self, data: bytes) -> None:
        self.messages.append(json.loads(data.split(b"\r\n\r\n", 1)[1]))
        self.arrived.set()

    def close(self) -> None:
        pass

    async def until(self, wanted: Any) -> None:
        while not any(wanted(m) for m in self.messages):
            self.arrived.clear()
            await self.arrived.wait()


def _published(uri: str, *, empty: bool) -> Any:
    def wanted(message: dict[str, Any]) -> bool:
        params = message.get("params") or {}
        return (
            message.get("method") == "textDocument/publishDiagnostics"
            and params.get("uri") == uri
            and (not params["diagnostics"]) == empty
        )

    return wanted


async def _open_and_close(server: FlareServer, recorder: Recorder, folder: Path, count: int) -> None:
    def send(**message: Any) -> None:
        transport.dispatch(server.protocol, json.dumps({"jsonrpc": "2.0", **message}).encode())

    send(id=0, method="initialize", params={"processId": None, "capabilities": {}})
    await recorder.until(lambda m: m.get("id") == 0)
    send(method="initialized", params={})
    for n in range(count):
        # Each document distinct, in a folder of its own, with a finding (the dataset has no acl).
        uri = (folder / f"f{n}" / f"wf{n}.yaml").as_uri()
        item = {"uri": uri, "languageId": "yaml", "version": 1, "text": MANIFEST.format(n=n)}
        send(method="textDocument/didOpen", params={"textDocument": item})
        await recorder.until(_published(uri, empty=False))
        send(method="textDocument/didClose", params={"textDocument": {"uri": uri}})
        await recorder.until(_published(uri, empty=True))
        recorder.messages.clear()


def test_closing_documents_leaves_no_state_behind(tmp_path: Path) -> None:
    server = create_server()
    recorder = Recorder()
    server.protocol.set_writer(recorder)
    asyncio.run(_open_and_close(server, recorder, tmp_path, 60))
    assert not server.workspace.text_documents
    assert not server.analyses
    assert not server.scheduled
    assert not server.worker.jobs
    assert not server.protocol._request_futures
    # Project configuration discovery is cached per folder: only for folders of open documents.
    assert not server.project_configs._dirs
    assert not server.project_configs._files


def test_an_analysis_leaves_no_cycles_once_its_tree_is_released() -> None:
    """With the collector off, nothing of an analysis stays alive once its tree is released: the server
    leaves full collections to pauses in the typing (lsp/memory.py), so a cycle would hold the job's
    nodes until then. (Its per-job memos held their queries, which held their job.)"""
    text = "".join(MANIFEST.format(n=n) if n == 0 else MANIFEST.format(n=n).split("  dag:\n", 1)[1] for n in range(5))
    gc.collect()
    gc.disable()
    try:
        lines = split_lines(text)
        parsed = parse(text, lines)
        assert len(analyze_parsed(text, lines, parsed)) > 0
        jobs = sum(1 for o in gc.get_objects() if type(o) is YMap and "stackSpec" in o.entries)
        release(parsed)
        del parsed
        left = Counter(type(o).__name__ for o in gc.get_objects())
    finally:
        gc.enable()
    assert jobs == 5
    assert (left["JobView"], left["Query"]) == (0, 0)
    assert sum(1 for o in gc.get_objects() if type(o) is YMap and "stackSpec" in o.entries) == 0


async def test_full_collections_wait_for_a_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    """The oldest generation is collected once the server is idle after analysing, never while an
    analysis is scheduled or running."""
    monkeypatch.setattr(memory, "IDLE_SECONDS", 0)
    busy = [True]
    collector = memory.IdleCollector(lambda: busy[0])
    collector.soon()
    for _ in range(5):
        await asyncio.sleep(0)
    assert collector.collections == 0  # busy: put off again
    busy[0] = False
    for _ in range(5):
        await asyncio.sleep(0)
    assert collector.collections == 1
