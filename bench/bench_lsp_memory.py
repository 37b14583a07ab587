"""Resident memory of the language server over many open/change/close cycles, beside an older copy.

    python bench/bench_lsp_memory.py [--cycles N] [--source PATH/server]

Each cycle opens a generated 100-line manifest under a new URI, changes one character of it, waits for
the diagnostics of the changed version, closes it and waits for the empty publication. RSS (``VmRSS``)
is read after the first 100 cycles (the start: caches are warm) and after the last. ``--source`` names
another copy's ``server`` directory (``git worktree add /tmp/wt-base 002dc0f`` gives the code before the
hardening) run the same way, for comparison. A benchmark, not a test: it prints figures and exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from bench_analyze import generated

ROOT = Path(__file__).resolve().parent.parent
WARM_CYCLES = 100


class Client:
    def __init__(self, source: Path) -> None:
        env = {**os.environ, "PYTHONPATH": str(source)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "flare_ls"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env
        )
        self.published: dict[str, int | None] = {}
        self.responses: dict[int, Any] = {}
        self.changed = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        out = self.process.stdout
        assert out is not None
        while True:
            length = 0
            while (line := out.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if not line:
                return
            message = json.loads(out.read(length))
            with self.changed:
                if message.get("method") == "textDocument/publishDiagnostics":
                    params = message["params"]
                    self.published[params["uri"]] = params.get("version") if params["diagnostics"] else -1
                elif "id" in message and "method" not in message:
                    self.responses[message["id"]] = message
                self.changed.notify_all()

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        stdin = self.process.stdin
        assert stdin is not None
        stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        stdin.flush()

    def wait(self, done: Any) -> None:
        with self.changed:
            if not self.changed.wait_for(done, timeout=30):
                raise TimeoutError("the server did not answer")

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")


def measure(source: Path, cycles: int) -> tuple[float, float, float]:
    """RSS (MB) after the warm-up and after ``cycles``, and the seconds the cycles took."""
    client = Client(source)
    client.send({"id": 0, "method": "initialize", "params": {"processId": None, "capabilities": {}}})
    client.wait(lambda: 0 in client.responses)
    client.send({"method": "initialized", "params": {}})
    text = generated(100)
    line = text.splitlines().index(next(x for x in text.splitlines() if "name:" in x))
    start_rss = 0.0
    started = time.perf_counter()
    for n in range(cycles):
        if n == WARM_CYCLES:
            start_rss, started = client.rss_mb(), time.perf_counter()
        uri = f"file:///tmp/bench-memory/{n}.yaml"
        document = {"uri": uri, "languageId": "yaml", "version": 1, "text": text}
        client.send({"method": "textDocument/didOpen", "params": {"textDocument": document}})
        at = {"line": line, "character": 0}
        change = {"range": {"start": at, "end": at}, "text": " "}
        params = {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [change]}
        client.send({"method": "textDocument/didChange", "params": params})
        client.wait(lambda uri=uri: client.published.get(uri) == 2)
        client.send({"method": "textDocument/didClose", "params": {"textDocument": {"uri": uri}}})
        client.wait(lambda uri=uri: client.published.get(uri) == -1)
        del client.published[uri]
    end_rss, seconds = client.rss_mb(), time.perf_counter() - started
    client.send({"id": 1, "method": "shutdown"})
    client.wait(lambda: 1 in client.responses)
    client.send({"method": "exit"})
    client.process.wait(10)
    return start_rss, end_rss, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=16_000)
    parser.add_argument("--source", type=Path, help="another copy's server directory, for comparison")
    args = parser.parse_args()
    sources = [("this copy", ROOT / "server")] + ([("--source", args.source.resolve())] if args.source else [])
    cycles = max(args.cycles, WARM_CYCLES + 1)
    print(f"{cycles} open/change/close cycles of a 100-line manifest; RSS after {WARM_CYCLES} and at the end")
    print(f"{'server':<40} {'start MB':>9} {'end MB':>9} {'growth':>9} {'cycles/s':>9}")
    for name, source in sources:
        start, end, seconds = measure(source, cycles)
        label = f"{name} ({source})"[:40]
        print(f"{label:<40} {start:9.1f} {end:9.1f} {end - start:9.1f} {(cycles - WARM_CYCLES) / seconds:9.0f}")


if __name__ == "__main__":
    main()
