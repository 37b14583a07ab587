"""Time flare-ls as a language server, from the client side, beside yaml-language-server with our schema.

    python bench/bench_lsp.py [--edits N] [--yls PATH] [--flare-ls CMD]

Drives each server over stdio with a small raw JSON-RPC client and prints p50/p95 in milliseconds of
didChange -> publishDiagnostics (a keystroke that types or deletes one character of a value, sent as an
incremental change), completion at a value and hover on a key, on generated 100- and 2,000-line manifests;
then the resident memory of each server with 100 manifests open, and the performance goals.
A benchmark, not a test: it prints figures and always exits 0.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import queue
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench_analyze import generated

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "schemas" / "flare-workflow.schema.json"
YLS_CANDIDATES = (
    ROOT / "bench" / "node_modules" / ".yls" / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server",
    ROOT / "bench" / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server",
)
TIMEOUT = 10.0  # seconds for any one answer or notification
WARMUP = 4  # unmeasured edits or requests before each measurement (an even number of edits)
OPEN_COPIES = 100
KEY, VALUE = "triggerMode", "ProcessingTime"
Memory = tuple[float | None, float | None, float | None]  # MB idle, MB with the copies open, ms to diagnose them

CAPABILITIES = {
    "general": {"positionEncodings": ["utf-16"]},
    "workspace": {
        "configuration": True,
        "workspaceFolders": True,
        "didChangeConfiguration": {"dynamicRegistration": True},
    },
    "textDocument": {
        "synchronization": {"dynamicRegistration": True, "didSave": True},
        "publishDiagnostics": {"versionSupport": True, "relatedInformation": True, "codeDescriptionSupport": True},
        "completion": {
            "dynamicRegistration": True,
            "contextSupport": True,
            "completionItem": {
                "snippetSupport": True,
                "documentationFormat": ["markdown", "plaintext"],
                "insertReplaceSupport": True,
                "labelDetailsSupport": True,
            },
        },
        "hover": {"dynamicRegistration": True, "contentFormat": ["markdown", "plaintext"]},
    },
    "window": {"workDoneProgress": True},
}


class BenchError(Exception):
    """A measurement could not finish: a timeout, an error answer or a server that went away."""


class LspClient:
    """A language server subprocess and the client end of its JSON-RPC stream.

    A reader thread parses the server's messages: answers go to the waiting request, server-to-client
    requests are answered at once, notifications are queued with the time they arrived.
    """

    def __init__(self, name: str, argv: list[str], settings: dict[str, Any], env: dict[str, str] | None = None):
        self.name, self.settings = name, settings
        self.stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr, env=env)
        self.configured = threading.Event()
        self.notifications: queue.Queue[tuple[float, dict[str, Any]] | None] = queue.Queue()
        self.unversioned = 0  # publishDiagnostics received without a version
        self.stale: list[str] = []  # publishDiagnostics for an older version, or arriving when none was awaited
        self.error_messages: list[str] = []  # window/showMessage and logMessage of type Error
        self.gone = False
        self._ids = itertools.count(1)
        self._pending: dict[int, queue.Queue[tuple[float, dict[str, Any]] | None]] = {}
        self._lock = threading.Lock()  # guards _pending and gone
        self._write_lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, name=f"{name}-reader", daemon=True)
        self._reader.start()

    # -- the wire
    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps(message).encode()
        with self._write_lock:
            try:
                assert self.proc.stdin is not None
                self.proc.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
                self.proc.stdin.flush()
            except (BrokenPipeError, ValueError) as exc:
                raise BenchError(f"{self.name}: cannot write to the server ({exc})") from exc

    def _read(self) -> None:
        stream = self.proc.stdout
        assert stream is not None
        try:
            while True:
                length = -1
                while True:
                    line = stream.readline()
                    if not line:
                        return
                    line = line.strip()
                    if not line:
                        break
                    key, _, value = line.partition(b":")
                    if key.strip().lower() == b"content-length":
                        length = int(value)
                body = stream.read(length)
                if length < 0 or len(body) < length:
                    return
                self._dispatch(time.perf_counter(), json.loads(body))
        finally:
            with self._lock:
                self.gone = True
                for box in self._pending.values():
                    box.put(None)
            self.notifications.put(None)

    def _dispatch(self, arrived: float, message: dict[str, Any]) -> None:
        if "method" in message and "id" in message:
            self._answer(message)
        elif "method" in message:
            params = message.get("params") or {}
            if message["method"] in ("window/showMessage", "window/logMessage") and params.get("type") == 1:
                self.error_messages.append(str(params.get("message")))
            self.notifications.put((arrived, message))
        else:
            with self._lock:
                box = self._pending.get(message.get("id"))  # type: ignore[arg-type]
            if box is not None:
                box.put((arrived, message))

    def _answer(self, request: dict[str, Any]) -> None:
        method, params = request["method"], request.get("params") or {}
        result: Any = None  # client/registerCapability, window/workDoneProgress/create, ...
        if method == "workspace/configuration":
            result = [self.settings.get(item.get("section")) for item in params.get("items", [])]
        elif method == "workspace/applyEdit":
            result = {"applied": False}
        try:
            self._send({"jsonrpc": "2.0", "id": request["id"], "result": result})
        except BenchError:
            return
        if method == "workspace/configuration":
            self.configured.set()

    # -- the protocol
    def notify(self, method: str, params: Any) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method: str, params: Any, timeout: float = TIMEOUT) -> tuple[float, Any]:
        """Send a request and block until its answer: (round trip in ms, result)."""
        rid = next(self._ids)
        box: queue.Queue[tuple[float, dict[str, Any]] | None] = queue.Queue(maxsize=1)
        with self._lock:
            if self.gone:
                raise BenchError(f"{self.name}: the server has exited (waiting for {method})")
            self._pending[rid] = box
        start = time.perf_counter()
        try:
            self._send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
            item = box.get(timeout=timeout)
        except queue.Empty:
            self.notify("$/cancelRequest", {"id": rid})
            raise BenchError(f"{self.name}: no answer to {method} within {timeout:g} s") from None
        finally:
            with self._lock:
                self._pending.pop(rid, None)
        if item is None:
            raise BenchError(f"{self.name}: the server exited while answering {method}")
        arrived, answer = item
        if "error" in answer:
            raise BenchError(f"{self.name}: {method} failed: {answer['error']}")
        return (arrived - start) * 1000, answer.get("result")

    def drain(self) -> None:
        """Drop the notifications that arrived so far (a late publication must not pass for the next one)."""
        while True:
            try:
                item = self.notifications.get_nowait()
            except queue.Empty:
                return
            if item is None:
                self.notifications.put(None)
                return
            if item[1].get("method") == "textDocument/publishDiagnostics":
                self._stale(item[1].get("params") or {}, None)

    def wait_notification(self, accept: Callable[[dict[str, Any]], bool], what: str) -> tuple[float, Any]:
        """Block until a notification that ``accept`` takes: (arrival time, params)."""
        deadline = time.perf_counter() + TIMEOUT
        while True:
            try:
                item = self.notifications.get(timeout=max(0.0, deadline - time.perf_counter()))
            except queue.Empty:
                raise BenchError(f"{self.name}: waited {TIMEOUT:g} s for {what}") from None
            if item is None:
                self.notifications.put(None)
                raise BenchError(f"{self.name}: the server exited while we waited for {what}")
            arrived, message = item
            if accept(message):
                return arrived, message.get("params")

    def wait_diagnostics(self, uris: set[str], version: int) -> tuple[float, dict[str, Any]]:
        """The next publishDiagnostics for one of ``uris`` that carries ``version``, or no version at all."""

        def accept(message: dict[str, Any]) -> bool:
            params = message.get("params") or {}
            if message.get("method") != "textDocument/publishDiagnostics" or params.get("uri") not in uris:
                return False
            if params.get("version") is None:
                self.unversioned += 1
                return True
            if params["version"] == version:
                return True
            self._stale(params, version)
            return False

        return self.wait_notification(accept, f"publishDiagnostics of version {version} for {min(uris)}")

    def _stale(self, params: dict[str, Any], awaited: int | None) -> None:
        name = str(params.get("uri", "")).rsplit("/", 1)[-1]
        when = "when none was awaited" if awaited is None else f"while version {awaited} was awaited"
        self.stale.append(f"{name} version {params.get('version')} {when}")

    def initialize(self, root: Path, configuration_wait: float) -> dict[str, Any]:
        """Initialise; then give the server up to ``configuration_wait`` seconds to ask for its settings."""
        _, result = self.request(
            "initialize",
            {
                "processId": os.getpid(),
                "clientInfo": {"name": "flare-ls bench_lsp.py"},
                "rootUri": root.as_uri(),
                "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
                "capabilities": CAPABILITIES,
            },
            timeout=30,
        )
        self.notify("initialized", {})
        self.configured.wait(configuration_wait)
        return result or {}

    def rss_mb(self) -> float | None:
        try:
            status = Path(f"/proc/{self.proc.pid}/status").read_text()
        except OSError:
            return None
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return None

    def close(self) -> str:
        """Shut the server down and say how it ended."""
        how = ""
        try:
            self.request("shutdown", None, timeout=5)
            self.notify("exit", None)
        except BenchError as exc:
            how = f"shutdown failed ({exc}); "
        try:
            code = self.proc.wait(5)
            how += f"exited with {code}"
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            how += "did not exit within 5 s of `exit`: killed"
        self._reader.join(5)
        return how

    def stderr_lines(self) -> list[str]:
        self.stderr.seek(0)
        return self.stderr.read().decode("utf-8", errors="replace").splitlines()


@dataclass
class Doc:
    """An open document whose edits toggle the last character of one ``triggerMode`` value."""

    uri: str
    text: str
    line: int = 0  # the line of the edited value
    key_col: int = 0
    value_end: int = 0  # the column after the value when it is whole
    version: int = 1
    typo: bool = False

    def __post_init__(self) -> None:
        lines = [i for i, text in enumerate(self.text.splitlines()) if text.strip() == f"{KEY}: {VALUE}"]
        self.line = lines[len(lines) // 2]  # the one in the middle of the file
        line_text = self.text.splitlines()[self.line]
        self.key_col = line_text.index(KEY)
        self.value_end = self.key_col + len(f"{KEY}: {VALUE}")

    def keystroke(self) -> dict[str, Any]:
        """The next edit: delete the value's last character, or type it back."""
        at = {"line": self.line, "character": self.value_end - 1}
        if self.typo:
            change = {"range": {"start": at, "end": at}, "text": VALUE[-1]}
        else:
            change = {"range": {"start": at, "end": {"line": self.line, "character": self.value_end}}, "text": ""}
        self.typo = not self.typo
        self.version += 1
        return {"textDocument": {"uri": self.uri, "version": self.version}, "contentChanges": [change]}


@dataclass
class Results:
    """What one server measured: samples per row label, figures and remarks."""

    name: str
    samples: dict[str, list[float]] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    rss: Memory = (None, None, None)

    def measure(self, label: str, run: Callable[[], list[float]]) -> None:
        try:
            self.samples[label] = run()
        except BenchError as exc:
            self.failures[label] = str(exc)
            print(f"  {label}: gave up: {exc}", flush=True)


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def open_doc(client: LspClient, doc: Doc) -> tuple[float, int]:
    """didOpen -> first diagnostics: (ms, number of diagnostics)."""
    client.drain()
    start = time.perf_counter()
    client.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": doc.uri, "languageId": "yaml", "version": doc.version, "text": doc.text}},
    )
    arrived, params = client.wait_diagnostics({doc.uri}, doc.version)
    return (arrived - start) * 1000, len(params.get("diagnostics", []))


def keystrokes(client: LspClient, doc: Doc, edits: int, counts: dict[bool, set[int]]) -> list[float]:
    samples = []
    for i in range(WARMUP + edits):
        client.drain()
        change = doc.keystroke()
        start = time.perf_counter()
        client.notify("textDocument/didChange", change)
        arrived, params = client.wait_diagnostics({doc.uri}, doc.version)
        counts[doc.typo].add(len(params.get("diagnostics", [])))
        if i >= WARMUP:
            samples.append((arrived - start) * 1000)
    return samples


def requests(client: LspClient, method: str, params: dict[str, Any], count: int, seen: list[Any]) -> list[float]:
    samples = []
    for i in range(WARMUP + count):
        elapsed, result = client.request(method, params)
        if i >= WARMUP:
            samples.append(elapsed)
    seen.append(result)
    return samples


def completion_size(result: Any) -> int:
    if isinstance(result, dict):
        result = result.get("items")
    return len(result) if isinstance(result, list) else 0


def hover_text(result: Any) -> str:
    contents = (result or {}).get("contents") if isinstance(result, dict) else None
    if isinstance(contents, dict):
        contents = contents.get("value")
    elif isinstance(contents, list):
        contents = " ".join(c.get("value", "") if isinstance(c, dict) else str(c) for c in contents)
    return " ".join(str(contents or "").split())


@dataclass
class Server:
    """How to start one server and what to tell it."""

    name: str
    argv: list[str]
    settings: dict[str, Any]  # answers to workspace/configuration, by section
    env: dict[str, str] | None = None
    configuration_wait: float = 2.0  # seconds to let it ask for its settings before opening documents


def run_server(server: Server, workdir: Path, files: dict[str, str], edits: int) -> Results:
    results = Results(server.name)
    print(f"{server.name}: {shlex.join(server.argv)}", flush=True)
    client = LspClient(server.name, server.argv, server.settings, server.env)
    try:
        info = client.initialize(workdir, server.configuration_wait)
        if not client.configured.is_set():
            results.notes.append(f"did not ask for workspace/configuration within {server.configuration_wait:g} s")
        sync = (info.get("capabilities") or {}).get("textDocumentSync")
        kind = sync.get("change") if isinstance(sync, dict) else sync
        if kind != 2:
            results.notes.append(f"textDocumentSync change kind is {kind!r}, not 2 (incremental)")
        for label, text in files.items():
            path = workdir / f"manifest-{label.replace(',', '')}.yaml"
            path.write_text(text, encoding="utf-8")
            bench_file(client, results, label, Doc(path.as_uri(), text), edits)
    except BenchError as exc:
        results.failures["server"] = str(exc)
        print(f"  gave up on {server.name}: {exc}", flush=True)
    finally:
        report_end(results, client, client.close())
    results.rss = measure_memory(server, workdir, files["100"])
    return results


def bench_file(client: LspClient, results: Results, label: str, doc: Doc, edits: int) -> None:
    """Open one document, then time keystrokes, completions and hovers on it."""
    opened, found = open_doc(client, doc)
    results.notes.append(f"{label} lines: didOpen -> diagnostics {opened:.1f} ms ({found} diagnostics)")
    counts: dict[bool, set[int]] = {False: set(), True: set()}
    results.measure(f"didChange->diagnostics, {label} lines", lambda: keystrokes(client, doc, edits, counts))
    if counts[True] or counts[False]:
        results.notes.append(
            f"{label} lines: diagnostics with the value whole {sorted(counts[False])}, "
            f"with the typo {sorted(counts[True])}"
        )
    at = {"textDocument": {"uri": doc.uri}}
    value = {**at, "position": {"line": doc.line, "character": doc.key_col + len(KEY) + 2}}
    seen: list[Any] = []
    results.measure(
        f"completion, {label} lines",
        lambda: requests(client, "textDocument/completion", {**value, "context": {"triggerKind": 1}}, edits, seen),
    )
    if seen:
        results.notes.append(f"{label} lines: completion after `{KEY}: ` offers {completion_size(seen[-1])} items")
    key = {**at, "position": {"line": doc.line, "character": doc.key_col + 3}}
    results.measure(f"hover, {label} lines", lambda: requests(client, "textDocument/hover", key, edits, seen))
    if len(seen) == 2:
        results.notes.append(f"{label} lines: hover on `{KEY}` shows {hover_text(seen[-1])[:70]!r}")


def measure_memory(server: Server, workdir: Path, text: str) -> Memory:
    """RSS of a fresh server when idle and with 100 copies of the 100-line manifest open."""
    idle = full = opened = None
    client = LspClient(server.name, server.argv, server.settings, server.env)
    try:
        client.initialize(workdir, server.configuration_wait)
        idle = client.rss_mb()
        uris = sorted((workdir / f"copy-{i:03}.yaml").as_uri() for i in range(OPEN_COPIES))
        client.drain()
        start = time.perf_counter()
        for uri in uris:
            document = {"uri": uri, "languageId": "yaml", "version": 1, "text": text}
            client.notify("textDocument/didOpen", {"textDocument": document})
        waiting = set(uris)
        while waiting:
            arrived, params = client.wait_diagnostics(waiting, 1)
            waiting.discard(params["uri"])
        opened = (arrived - start) * 1000
        full = client.rss_mb()
    except BenchError as exc:
        print(f"  {server.name} memory: gave up: {exc}", flush=True)
    finally:
        client.close()
    return idle, full, opened


def report_end(results: Results, client: LspClient, ended: str) -> None:
    if not ended.endswith("exited with 0"):
        results.notes.append(f"server {ended}")
    if client.unversioned:
        results.notes.append(
            f"{client.unversioned} publishDiagnostics without `version` (took the next one for the uri after a change)"
        )
    if client.stale:
        results.notes.append(
            f"{len(client.stale)} publishDiagnostics not for the awaited version: " + "; ".join(client.stale[:3])
        )
    for message in client.error_messages[:5]:
        results.notes.append(f"error message from the server: {message[:200]}")
    lines = [line for line in client.stderr_lines() if line.strip()]
    if lines:
        results.notes.append(f"{len(lines)} lines on stderr; the last: " + " | ".join(lines[-3:])[:400])


def find_yls(given: str | None) -> list[str] | None:
    if given:
        path = Path(given)
    else:
        found = [p for p in YLS_CANDIDATES if p.exists()]
        on_path = shutil.which("yaml-language-server")
        if found:
            path = found[0]
        elif on_path:
            path = Path(on_path)
        else:
            return None
    node = shutil.which("node")
    if not path.exists() or node is None:
        return None
    return [node, str(path), "--stdio"]


def cell(results: Results | None, label: str) -> str:
    if results is None:
        return "-"
    if label in results.samples:
        samples = results.samples[label]
        return f"{statistics.median(samples):.1f} / {percentile(samples, 0.95):.1f}"
    return "failed" if label in results.failures or "server" in results.failures else "-"


def p50(results: Results | None, label: str) -> float | None:
    if results is None or label not in results.samples:
        return None
    return statistics.median(results.samples[label])


def verdict(ok: bool | None) -> str:
    return "not measured" if ok is None else "met" if ok else "NOT met"


def report(flare: Results, yls: Results | None, labels: list[str], edits: int) -> None:
    print()
    print(f"{'measurement':<36}{'flare-ls p50/p95 ms':>22}{'yaml-ls p50/p95 ms':>22}{'ratio (p50)':>14}")
    ratios: dict[str, float] = {}
    for label in labels:
        ours, theirs = p50(flare, label), p50(yls, label)
        ratio = ""
        if ours and theirs:
            ratios[label] = theirs / ours
            ratio = f"{theirs / ours:.1f}x"
        print(f"{label:<36}{cell(flare, label):>22}{cell(yls, label):>22}{ratio:>14}")
    print(f"({edits} edits or requests per row, after {WARMUP} unmeasured ones)")
    print()
    idle, full, opened = flare.rss
    if full is not None:
        print(
            f"flare-ls RSS with {OPEN_COPIES} manifests open: {full:.0f} MB (idle after initialize: {idle:.0f} MB; "
            f"all {OPEN_COPIES} diagnosed {opened:.0f} ms after the first didOpen)"
        )
    else:
        print(f"flare-ls RSS with {OPEN_COPIES} manifests open: not measured")
    if yls is not None and yls.rss[1] is not None:
        idle, full, opened = yls.rss
        print(
            f"yaml-language-server RSS with {OPEN_COPIES} manifests open: {full:.0f} MB (idle {idle:.0f} MB; "
            f"all diagnosed in {opened:.0f} ms)"
        )
    for results in (flare, yls):
        if results is not None and results.notes:
            print(f"\n{results.name} notes:")
            for note in results.notes:
                print(f"  - {note}")
    print()
    for line in goals(flare, ratios, labels):
        print(f"goal: {line}")


def goals(flare: Results, ratios: dict[str, float], labels: list[str]) -> list[str]:
    lines = []
    keystroke = "keystroke->diagnostics p50 <= 15 ms, p95 <= 40 ms (100 lines)"
    samples = flare.samples.get("didChange->diagnostics, 100 lines")
    if samples:
        mid, high = statistics.median(samples), percentile(samples, 0.95)
        lines.append(f"{keystroke}: {verdict(mid <= 15 and high <= 40)} ({mid:.1f} / {high:.1f})")
    else:
        lines.append(f"{keystroke}: {verdict(None)}")
    completion = {
        label.split(", ")[1]: percentile(flare.samples[label], 0.95)
        for label in labels
        if label.startswith("completion") and label in flare.samples
    }
    figures = ", ".join(f"{size} {value:.1f}" for size, value in completion.items())
    ok = max(completion.values()) <= 20 if len(completion) == 2 else None
    lines.append(f"completion p95 <= 20 ms: {verdict(ok)} ({figures or 'no figures'})")
    # The goal compares didChange -> diagnostics (the wording); hover and completion ratios are
    # printed in the table for information only.
    keystrokes = {label: ratio for label, ratio in ratios.items() if label.startswith("didChange")}
    title = ">= 10x faster than yaml-language-server, didChange->diagnostics (p50)"
    if keystrokes:
        figures = ", ".join(f"{label.split(', ')[1]} {ratio:.1f}x" for label, ratio in keystrokes.items())
        lines.append(f"{title}: {verdict(min(keystrokes.values()) >= 10)} ({figures})")
    else:
        lines.append(f"{title}: {verdict(None)}")
    rss = flare.rss[1]
    figure = "" if rss is None else f" ({rss:.0f} MB)"
    lines.append(
        f"flare-ls RSS <= 80 MB, {OPEN_COPIES} manifests open: {verdict(None if rss is None else rss <= 80)}{figure}"
    )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=200, help="edits and requests per measurement (default 200)")
    parser.add_argument("--yls", help="path to yaml-language-server/bin/yaml-language-server")
    parser.add_argument(
        "--flare-ls", help="command that starts flare-ls (default: this Python's -m flare_ls from server/)"
    )
    args = parser.parse_args()
    edits = max(2, args.edits + args.edits % 2)  # even, so that each document ends as it began
    files = {"100": generated(100), "2,000": generated(2000)}
    labels = [f"{kind}, {size} lines" for kind in ("didChange->diagnostics", "completion", "hover") for size in files]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "server"), env.get("PYTHONPATH")]))
    flare_argv = shlex.split(args.flare_ls) if args.flare_ls else [sys.executable, "-m", "flare_ls"]
    yls_argv = find_yls(args.yls)
    with tempfile.TemporaryDirectory(prefix="flare-bench-") as tmp:
        workdir = Path(tmp)
        flare = run_server(Server("flare-ls", flare_argv, {"flare-ls": {}}, env), workdir, files, edits)
        yls = None
        if yls_argv is None:
            print("yaml-language-server is not installed (see bench/README.md): flare-ls figures alone")
        else:
            settings = {
                "yaml": {
                    "validate": True,
                    "hover": True,
                    "completion": True,
                    "schemas": {SCHEMA.as_uri(): ["*.yaml"]},
                    "schemaStore": {"enable": False},
                },
                "http": {"proxy": "", "proxyStrictSSL": False},
                "[yaml]": {},
                "editor": {"tabSize": 2, "detectIndentation": False},
            }
            yls = run_server(Server("yaml-language-server", yls_argv, settings, None, TIMEOUT), workdir, files, edits)
            if not yls.samples:
                print("yaml-language-server failed: flare-ls figures alone")
                yls = None
        report(flare, yls, labels, edits)


if __name__ == "__main__":
    main()
