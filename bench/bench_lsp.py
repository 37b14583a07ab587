"""Time flare-ls as a language server, from the client side, beside yaml-language-server with our schema.

    python bench/bench_lsp.py [--quick] [--edits N] [--typing N] [--baseline OTHER/server]
                              [--yls PATH] [--no-yls] [--flare-ls CMD]

Drives each server over stdio with a small raw JSON-RPC client, on generated 100-, 2,000- and 20,000-line
manifests that have findings, and prints p50/p95/p99 in milliseconds of: didChange -> publishDiagnostics for
one keystroke in the middle of a job (sent as an incremental change), the same with the diagnostics pulled
(``textDocument/diagnostic`` after each change, as VS Code asks for them; flare-ls alone, in a column of
its own), a burst of ten keystrokes sent in one write -> the diagnostics of the last, completion and hover
sent right after a keystroke and when idle; then each server's start-up (from starting the process to its
answer to ``initialize``, and to the first diagnostics of the 100-line manifest opened at once after it),
flare-ls's resident memory (and, with its test hooks, its garbage-collector pauses) over many keystrokes
on the 20,000-line manifest, the memory of each server with 100 manifests open, and the performance goals.
yaml-language-server runs twice: as shipped, and from a private copy with its fixed 200 ms validation
delay patched to 0. A benchmark, not a test: it prints figures and always exits 0.
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

from bench_analyze import HEADER, JOB

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "schemas" / "flare-workflow.schema.json"
EDITOR_CACHE = Path(os.environ.get("FLARE_LS_EDITOR_CACHE") or Path.home() / ".cache" / "flare-ls-editors")
YLS_BIN = Path("node_modules") / "yaml-language-server" / "bin" / "yaml-language-server"
YLS_CANDIDATES = (
    ROOT / "bench" / "node_modules" / ".yls" / YLS_BIN,
    ROOT / "bench" / YLS_BIN,
    EDITOR_CACHE / "yaml-language-server" / YLS_BIN,  # scripts/setup-editor-tests.sh installs it there
)
#: The line of yaml-language-server's settings that delays every validation; no setting reaches it.
YLS_DELAY = ("out/server/src/yamlSettings.js", "this.validationDelayMs = 200;", "this.validationDelayMs = 0;")
TIMEOUT = 30.0  # seconds for any one answer or notification
WARMUP = 4  # unmeasured edits or requests before each measurement (an even number of edits)
OPEN_COPIES = 100
BURST = 10
KEY, VALUE = "triggerMode", "ProcessingTime"
SIZES = {"100": 100, "2,000": 2000, "20,000": 20000}
Memory = tuple[float | None, float | None, float | None]  # MB idle, MB with the copies open, ms to diagnose them
#: The test hooks of flare-ls (``lsp/testhooks.py``): a request that reports counters and collector pauses.
HOOKS_ENV = "FLARE_LS_TEST_HOOKS"
STATS = "flare-ls/test/stats"

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


def manifest(lines: int) -> str:
    """``bench_analyze.generated`` with findings: every fourth job has an unknown key (FL101) and every
    fourth another a value its key does not accept (FL102), as a manifest being written has."""
    parts, n, count = [HEADER], 0, HEADER.count("\n")
    while count < lines:
        job = JOB.format(n=n)
        if n % 4 == 1:
            job = job.replace("showPreviewLines: 20", "showPreviewLine: 20")
        elif n % 4 == 3:
            job = job.replace("saveMode: append", "saveMode: apend")
        parts.append(job)
        count += job.count("\n")
        n += 1
    return "".join(parts)


#: A client that pulls diagnostics (textDocument/diagnostic after each change), as VS Code does: flare-ls
#: then publishes nothing, and answers each pull.
PULL_CAPABILITIES = {
    **CAPABILITIES,
    "textDocument": {**CAPABILITIES["textDocument"], "diagnostic": {"dynamicRegistration": False}},
}


class BenchError(Exception):
    """A measurement could not finish: a timeout, an error answer or a server that went away."""


class LspClient:
    """A language server subprocess and the client end of its JSON-RPC stream.

    A reader thread parses the server's messages: answers go to the waiting request, server-to-client
    requests are answered at once, notifications are queued with the time they arrived.
    """

    def __init__(
        self,
        name: str,
        argv: list[str],
        settings: dict[str, Any],
        env: dict[str, str] | None = None,
        capabilities: dict[str, Any] | None = None,
    ):
        self.name, self.settings = name, settings
        self.capabilities = capabilities or CAPABILITIES
        self.stderr = tempfile.TemporaryFile()
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr, env=env)
        self.configured = threading.Event()
        self.notifications: queue.Queue[tuple[float, dict[str, Any]] | None] = queue.Queue()
        self.unversioned = 0  # publishDiagnostics received without a version
        self.intermediate = 0  # publications of a burst's earlier versions
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
    def _write(self, data: bytes) -> None:
        with self._write_lock:
            try:
                assert self.proc.stdin is not None
                self.proc.stdin.write(data)
                self.proc.stdin.flush()
            except (BrokenPipeError, ValueError) as exc:
                raise BenchError(f"{self.name}: cannot write to the server ({exc})") from exc

    @staticmethod
    def _frame(message: dict[str, Any]) -> bytes:
        body = json.dumps(message).encode()
        return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)

    def _send(self, message: dict[str, Any]) -> None:
        self._write(self._frame(message))

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

    def notify_together(self, method: str, every: list[Any]) -> None:
        """Several notifications in one write, as an editor's buffered output arrives when typing is fast."""
        self._write(b"".join(self._frame({"jsonrpc": "2.0", "method": method, "params": p}) for p in every))

    def request(self, method: str, params: Any, timeout: float = TIMEOUT) -> tuple[float, Any]:
        """Send a request and block until its answer: (round trip in ms, result)."""
        box = self.request_soon(method, params)
        return self.answer(box, method, timeout)

    def request_soon(self, method: str, params: Any) -> tuple[int, float, queue.Queue[Any]]:
        """Send a request without waiting: what :meth:`answer` waits on."""
        rid = next(self._ids)
        box: queue.Queue[tuple[float, dict[str, Any]] | None] = queue.Queue(maxsize=1)
        with self._lock:
            if self.gone:
                raise BenchError(f"{self.name}: the server has exited (waiting for {method})")
            self._pending[rid] = box
        start = time.perf_counter()
        self._send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        return rid, start, box

    def answer(
        self, sent: tuple[int, float, queue.Queue[Any]], method: str, timeout: float = TIMEOUT
    ) -> tuple[float, Any]:
        rid, start, box = sent
        try:
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
            params = item[1].get("params") or {}
            # An unversioned publication cannot be judged (flare-ls sends one for a closed file's workspace
            # findings; yaml-language-server never sends a version).
            if item[1].get("method") == "textDocument/publishDiagnostics" and params.get("version") is not None:
                self._stale(params, None)

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

    def wait_diagnostics(
        self,
        uris: set[str],
        version: int,
        current: Callable[[dict[str, Any]], bool] = lambda params: True,
        earlier: set[int] | None = None,
    ) -> tuple[float, dict[str, Any]]:
        """The next publishDiagnostics for one of ``uris`` that carries ``version``; a publication without
        a version counts when ``current(params)`` says it shows the awaited text. Publications of the
        versions in ``earlier`` are counted in it (a burst's intermediate versions), any other is stale."""

        def accept(message: dict[str, Any]) -> bool:
            params = message.get("params") or {}
            if message.get("method") != "textDocument/publishDiagnostics" or params.get("uri") not in uris:
                return False
            if params.get("version") is None:
                self.unversioned += 1
                return current(params)
            if params["version"] == version:
                return True
            if earlier is not None and params["version"] in earlier:
                earlier.discard(params["version"])
                self.intermediate += 1
                return False
            self._stale(params, version)
            return False

        return self.wait_notification(accept, f"publishDiagnostics of version {version} for {min(uris)}")

    def _stale(self, params: dict[str, Any], awaited: int | None) -> None:
        name = str(params.get("uri", "")).rsplit("/", 1)[-1]
        when = "when none was awaited" if awaited is None else f"while version {awaited} was awaited"
        self.stale.append(f"{name} version {params.get('version')} {when}")

    def initialize(self, root: Path, configuration_wait: float) -> tuple[float, dict[str, Any]]:
        """Initialise; then give the server up to ``configuration_wait`` seconds to ask for its settings.
        Returns the ms from the process's start to the answer, and the answer."""
        _, result = self.request(
            "initialize",
            {
                "processId": os.getpid(),
                "clientInfo": {"name": "flare-ls bench_lsp.py"},
                "rootUri": root.as_uri(),
                "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
                "capabilities": self.capabilities,
            },
            timeout=60,
        )
        answered = (time.perf_counter() - self.started) * 1000
        self.notify("initialized", {})
        self.configured.wait(configuration_wait)
        return answered, result or {}

    def stats(self, reset: bool = False) -> dict[str, Any] | None:
        """flare-ls's counters and collector pauses (``lsp/testhooks.py``); None from a server without them."""
        try:
            _, result = self.request(STATS, {"reset": reset}, timeout=10)
        except BenchError:
            return None
        return result if isinstance(result, dict) else None

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
            self.request("shutdown", None, timeout=10)
            self.notify("exit", None)
        except BenchError as exc:
            how = f"shutdown failed ({exc}); "
        try:
            code = self.proc.wait(10)
            how += f"exited with {code}"
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            how += "did not exit within 10 s of `exit`: killed"
        self._reader.join(5)
        return how

    def stderr_lines(self) -> list[str]:
        self.stderr.seek(0)
        return self.stderr.read().decode("utf-8", errors="replace").splitlines()


@dataclass
class Doc:
    """An open document whose edits change the ``triggerMode`` value of the job in its middle, one
    character at a time: the findings change with every edit (the value is valid only when whole)."""

    uri: str
    text: str
    line: int = 0  # the line of the edited value
    key_col: int = 0
    value: str = VALUE  # the value as it is now
    version: int = 1

    def __post_init__(self) -> None:
        lines = [i for i, text in enumerate(self.text.splitlines()) if text.strip() == f"{KEY}: {VALUE}"]
        self.line = lines[len(lines) // 2]
        self.key_col = self.text.splitlines()[self.line].index(KEY)

    @property
    def value_col(self) -> int:
        return self.key_col + len(KEY) + 2

    @property
    def end_col(self) -> int:
        return self.value_col + len(self.value)

    def _edit(self, start: int, end: int, text: str) -> dict[str, Any]:
        self.value = self.value[: start - self.value_col] + text + self.value[end - self.value_col :]
        self.version += 1
        at = {"start": {"line": self.line, "character": start}, "end": {"line": self.line, "character": end}}
        return {
            "textDocument": {"uri": self.uri, "version": self.version},
            "contentChanges": [{"range": at, "text": text}],
        }

    def keystroke(self) -> dict[str, Any]:
        """Delete the value's last character, or type it back."""
        if self.value == VALUE:
            return self._edit(self.end_col - 1, self.end_col, "")
        return self._edit(self.end_col, self.end_col, VALUE[len(self.value)])

    def burst(self) -> list[dict[str, Any]]:
        """Ten keystrokes: type ten letters after the whole value, or delete the ten typed before."""
        if self.value == VALUE:
            return [self._edit(self.end_col, self.end_col, letter) for letter in "abcdefghij"[:BURST]]
        return [self._edit(self.end_col - 1, self.end_col, "") for _ in range(BURST)]

    def shows_current(self, params: dict[str, Any]) -> bool:
        """Whether unversioned diagnostics show the current value: a diagnostic ending where the value
        ends when it is not whole, none on its line when it is."""
        on_line = [d for d in params.get("diagnostics", []) if d["range"]["start"]["line"] == self.line]
        if self.value == VALUE:
            return not on_line
        return any(d["range"]["end"]["character"] == self.end_col for d in on_line)


@dataclass
class Results:
    """What one server measured: samples per row label, figures and remarks."""

    name: str
    samples: dict[str, list[float]] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    rss: Memory = (None, None, None)
    #: RSS (MB) after keystrokes on the 20,000-line manifest: [(keystrokes so far, MB)].
    typing: list[tuple[int, float]] = field(default_factory=list)
    gc: dict[str, Any] | None = None

    def measure(self, label: str, run: Callable[[], list[float]]) -> None:
        try:
            self.samples[label] = run()
        except BenchError as exc:
            self.failures[label] = str(exc)
            print(f"  {self.name}: {label}: gave up: {exc}", flush=True)


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


@dataclass
class Server:
    """How to start one server and what to tell it."""

    name: str
    argv: list[str]
    settings: dict[str, Any]  # answers to workspace/configuration, by section
    env: dict[str, str] | None = None
    configuration_wait: float = 2.0  # seconds to let it ask for its settings before opening documents
    flare: bool = True  # flare-ls (versioned diagnostics, test hooks, the typing measurement)


class Session:
    """One server process kept for all the sizes, so that every server is measured on one size before
    the next size starts (servers measured side by side share the machine's load)."""

    def __init__(self, server: Server, workdir: Path, counts: dict[str, int]) -> None:
        self.server, self.workdir, self.counts = server, workdir, counts
        self.results = Results(server.name)
        self.client: LspClient | None = None

    def start(self) -> None:
        print(f"{self.server.name}: {shlex.join(self.server.argv)}", flush=True)
        self.client = LspClient(self.server.name, self.server.argv, self.server.settings, self.server.env)
        try:
            _, info = self.client.initialize(self.workdir, self.server.configuration_wait)
        except BenchError as exc:
            self.fail(exc)
            return
        if not self.client.configured.is_set():
            self.results.notes.append(
                f"did not ask for workspace/configuration within {self.server.configuration_wait:g} s"
            )
        sync = (info.get("capabilities") or {}).get("textDocumentSync")
        kind = sync.get("change") if isinstance(sync, dict) else sync
        if kind != 2:
            self.results.notes.append(f"textDocumentSync change kind is {kind!r}, not 2 (incremental)")

    def fail(self, exc: BenchError) -> None:
        self.results.failures["server"] = str(exc)
        print(f"  gave up on {self.server.name}: {exc}", flush=True)
        if self.client is not None:
            self.end()

    @property
    def alive(self) -> bool:
        return self.client is not None and "server" not in self.results.failures

    def size(self, label: str, path: Path, typing: int) -> None:
        """Open one manifest, time keystrokes, bursts, completions and hovers on it, then close it (the
        20,000-line one stays open for the typing measurement when ``typing``)."""
        if not self.alive:
            return
        assert self.client is not None
        client, results, count = self.client, self.results, self.counts[label]
        doc = Doc(path.as_uri(), path.read_text(encoding="utf-8"))
        try:
            opened, found = open_doc(client, doc)
        except BenchError as exc:
            self.fail(exc)
            return
        results.notes.append(f"{label} lines: didOpen -> diagnostics {opened:.0f} ms ({found} diagnostics)")
        seen: dict[bool, set[int]] = {False: set(), True: set()}
        results.measure(f"didChange->diagnostics, {label} lines", lambda: keystrokes(client, doc, count, seen))
        if seen[True] or seen[False]:
            results.notes.append(
                f"{label} lines: {sorted(seen[False])} diagnostics with the value whole, {sorted(seen[True])} without"
            )
        before = client.intermediate
        bursts = max(2, count // 4)
        bursts += bursts % 2  # bursts alternately type and delete: an even number leaves the value whole
        results.measure(f"burst of {BURST}->diagnostics, {label} lines", lambda: burst(client, doc, bursts))
        if self.server.flare and f"burst of {BURST}->diagnostics, {label} lines" in results.samples:
            results.notes.append(
                f"{label} lines: {client.intermediate - before} publications of earlier versions in "
                f"{bursts + WARMUP // 2} bursts of {BURST}"
            )
        at = {"textDocument": {"uri": doc.uri}}
        value = {**at, "position": {"line": doc.line, "character": doc.value_col}, "context": {"triggerKind": 1}}
        key = {**at, "position": {"line": doc.line, "character": doc.key_col + 3}}
        answers: dict[str, Any] = {}
        for method, params, name in (
            ("textDocument/completion", value, "completion"),
            ("textDocument/hover", key, "hover"),
        ):
            results.measure(
                f"{name} after a keystroke, {label} lines",
                lambda method=method, params=params: after_keystroke(client, doc, method, params, count, answers),
            )
            results.measure(
                f"{name} (idle), {label} lines",
                lambda method=method, params=params: requests(client, method, params, count, answers),
            )
        if "textDocument/completion" in answers:
            items = completion_size(answers["textDocument/completion"])
            results.notes.append(f"{label} lines: completion after `{KEY}: ` offers {items} items")
        if "textDocument/hover" in answers:
            results.notes.append(
                f"{label} lines: hover on `{KEY}` shows {hover_text(answers['textDocument/hover'])[:60]!r}"
            )
        if typing and self.server.flare:
            self.type_along(doc, typing)
        try:
            client.notify("textDocument/didClose", {"textDocument": {"uri": doc.uri}})
        except BenchError as exc:
            self.fail(exc)

    def type_along(self, doc: Doc, count: int) -> None:
        """RSS over ``count`` keystrokes, each awaited, as an author types; collector pauses meanwhile."""
        assert self.client is not None
        client = self.client
        before = client.stats(reset=True) or {}
        every = max(1, count // 6)
        try:
            for n in range(1, count + 1):
                client.drain()
                client.notify("textDocument/didChange", doc.keystroke())
                client.wait_diagnostics({doc.uri}, doc.version, doc.shows_current)
                if n == 1 or n % every == 0 or n == count:
                    rss = client.rss_mb()
                    if rss is not None:
                        self.results.typing.append((n, rss))
        except BenchError as exc:
            self.results.failures["typing"] = str(exc)
            print(f"  {self.server.name}: typing: gave up: {exc}", flush=True)
        after = client.stats()
        if after is not None:  # counts since the typing started (the collector's pauses were reset then)
            for count in ("analyses", "published", "unchanged"):
                after[count] = after.get(count, 0) - before.get(count, 0)
        self.results.gc = after

    def end(self) -> None:
        if self.client is None:
            return
        client, self.client = self.client, None
        report_end(self.results, client, client.close())


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


def keystrokes(client: LspClient, doc: Doc, edits: int, seen: dict[bool, set[int]]) -> list[float]:
    samples = []
    for i in range(WARMUP + edits):
        client.drain()
        change = doc.keystroke()
        start = time.perf_counter()
        client.notify("textDocument/didChange", change)
        arrived, params = client.wait_diagnostics({doc.uri}, doc.version, doc.shows_current)
        seen[doc.value != VALUE].add(len(params.get("diagnostics", [])))
        if i >= WARMUP:
            samples.append((arrived - start) * 1000)
    return samples


def pull_keystrokes(client: LspClient, doc: Doc, edits: int) -> list[float]:
    """didChange, then textDocument/diagnostic at once -> its answer, which must show the new value."""
    samples = []
    for i in range(WARMUP + edits):
        change = doc.keystroke()
        start = time.perf_counter()
        client.notify("textDocument/didChange", change)
        _, report = client.request("textDocument/diagnostic", {"textDocument": {"uri": doc.uri}})
        elapsed = (time.perf_counter() - start) * 1000
        items = report.get("items") if isinstance(report, dict) else None
        if items is None or not doc.shows_current({"diagnostics": items}):
            raise BenchError(f"the pull after version {doc.version} does not show it")
        if i >= WARMUP:
            samples.append(elapsed)
    return samples


def pulled(server: Server, workdir: Path, paths: dict[str, Path], counts: dict[str, int]) -> Results:
    """flare-ls driven as VS Code drives it, pulling each version's diagnostics: its own process and
    column, after the others (a pull client is not pushed to)."""
    results = Results(f"{server.name} (pull)")
    client = LspClient(results.name, server.argv, server.settings, server.env, PULL_CAPABILITIES)
    try:
        client.initialize(workdir, server.configuration_wait)
        for label, path in paths.items():
            doc = Doc(path.as_uri(), path.read_text(encoding="utf-8"))
            client.notify(
                "textDocument/didOpen",
                {"textDocument": {"uri": doc.uri, "languageId": "yaml", "version": doc.version, "text": doc.text}},
            )
            client.request("textDocument/diagnostic", {"textDocument": {"uri": doc.uri}})
            results.measure(
                f"didChange->pulled diagnostics, {label} lines",
                lambda doc=doc, label=label: pull_keystrokes(client, doc, counts[label]),
            )
            client.notify("textDocument/didClose", {"textDocument": {"uri": doc.uri}})
    except BenchError as exc:
        results.failures["server"] = str(exc)
        print(f"  gave up on {results.name}: {exc}", flush=True)
    finally:
        client.close()
    return results


def burst(client: LspClient, doc: Doc, bursts: int) -> list[float]:
    """Ten keystrokes in one write -> the diagnostics of the last one."""
    samples = []
    for i in range(WARMUP // 2 + bursts):
        client.drain()
        changes = doc.burst()
        earlier = {c["textDocument"]["version"] for c in changes[:-1]}
        start = time.perf_counter()
        client.notify_together("textDocument/didChange", changes)
        arrived, _ = client.wait_diagnostics({doc.uri}, doc.version, doc.shows_current, earlier)
        if i >= WARMUP // 2:
            samples.append((arrived - start) * 1000)
    return samples


def after_keystroke(
    client: LspClient, doc: Doc, method: str, params: dict[str, Any], count: int, answers: dict[str, Any]
) -> list[float]:
    """A keystroke and, at once, the request: the request's round trip (then the keystroke's diagnostics
    are awaited, so that each sample starts alike)."""
    samples = []
    for i in range(WARMUP + count):
        client.drain()
        client.notify("textDocument/didChange", doc.keystroke())
        elapsed, answers[method] = client.answer(client.request_soon(method, params), method)
        client.wait_diagnostics({doc.uri}, doc.version, doc.shows_current)
        if i >= WARMUP:
            samples.append(elapsed)
    return samples


def requests(
    client: LspClient, method: str, params: dict[str, Any], count: int, answers: dict[str, Any]
) -> list[float]:
    samples = []
    for i in range(WARMUP + count):
        elapsed, answers[method] = client.request(method, params)
        if i >= WARMUP:
            samples.append(elapsed)
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


#: The rows of the start-up measurement.
ANSWERED, DIAGNOSED = "start-up: initialize answered", "start-up: first diagnostics, 100 lines"


def startup(server: Server, workdir: Path, path: Path) -> dict[str, float]:
    """ms from starting the process to its answer to ``initialize`` and to the first diagnostics (a
    publication with findings) of ``path``, opened as an editor opens it: ``initialized``, then
    ``didOpen`` at once, the server asking for its settings meanwhile."""
    uri, text = path.as_uri(), path.read_text(encoding="utf-8")

    def diagnosed(message: dict[str, Any]) -> bool:
        params = message.get("params") or {}
        return (
            message.get("method") == "textDocument/publishDiagnostics"
            and params.get("uri") == uri
            and bool(params.get("diagnostics"))
        )

    client = LspClient(server.name, server.argv, server.settings, server.env)
    try:
        answered, _ = client.initialize(workdir, 0)
        document = {"uri": uri, "languageId": "yaml", "version": 1, "text": text}
        client.notify("textDocument/didOpen", {"textDocument": document})
        arrived, _ = client.wait_notification(diagnosed, f"the first diagnostics of {path.name}")
        return {ANSWERED: answered, DIAGNOSED: (arrived - client.started) * 1000}
    finally:
        client.close()


def measure_memory(server: Server, workdir: Path, text: str) -> Memory:
    """RSS of a fresh server when idle and with 100 copies of the 100-line manifest open."""
    idle = full = opened = None
    client = LspClient(server.name, server.argv, server.settings, server.env)
    try:
        client.initialize(workdir, server.configuration_wait)
        idle = client.rss_mb()
        uris = sorted((workdir / "copies" / f"copy-{i:03}.yaml").as_uri() for i in range(OPEN_COPIES))
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
            f"{client.unversioned} publishDiagnostics without `version` (the first showing the awaited text counted)"
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


def find_yls(given: str | None) -> Path | None:
    if given:
        path = Path(given)
    else:
        found = [p for p in YLS_CANDIDATES if p.exists()]
        on_path = shutil.which("yaml-language-server")
        if found:
            path = found[0]
        elif on_path:
            path = Path(on_path).resolve()
        else:
            return None
    return path if path.exists() and shutil.which("node") else None


def without_delay(yls: Path, tmp: Path) -> tuple[list[str], dict[str, str]] | None:
    """A private copy of yaml-language-server with its validation delay set to 0 (the installed one is
    left alone): the package is copied, one line patched, and its dependencies found beside the
    installed package through NODE_PATH. None when the line is not where this version keeps it."""
    package = yls.resolve().parent.parent
    copy = tmp / "yls-no-delay" / "yaml-language-server"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("lib"))  # lib/ holds builds bin/ never loads
    path, old, new = YLS_DELAY
    settings = copy / path
    text = settings.read_text(encoding="utf-8") if settings.exists() else ""
    if old not in text:
        return None
    settings.write_text(text.replace(old, new), encoding="utf-8")
    env = {**os.environ, "NODE_PATH": str(package.parent)}
    return [str(shutil.which("node")), str(copy / "bin" / "yaml-language-server"), "--stdio"], env


def cell(results: Results, label: str) -> str:
    if label in results.samples:
        s = results.samples[label]
        return f"{statistics.median(s):.1f} / {percentile(s, 0.95):.1f} / {percentile(s, 0.99):.1f}"
    return "failed" if label in results.failures or "server" in results.failures else "-"


def p50(results: Results | None, label: str) -> float | None:
    if results is None or label not in results.samples:
        return None
    return statistics.median(results.samples[label])


def verdict(ok: bool | None) -> str:
    return "not measured" if ok is None else "met" if ok else "NOT met"


def report(every: list[Results], labels: list[str], counts: dict[str, int], typing: int) -> None:
    flare = every[0]
    nodelay = next((r for r in every if r.name.endswith("(no delay)")), None)
    width = 44
    print()
    print(
        f"{'p50 / p95 / p99 in ms':<{width}}"
        + "".join(f"{r.name:>26}" for r in every)
        + ("   yls-no-delay/flare-ls" if nodelay else "")
    )
    for label in labels:
        ratio = ""
        ours, theirs = p50(flare, label), p50(nodelay, label)
        if ours and theirs:
            ratio = f"{theirs / ours:>10.1f}x"
        print(f"{label:<{width}}" + "".join(f"{cell(r, label):>26}" for r in every) + ratio)
    print(
        "(samples per row: "
        + ", ".join(f"{n} on {size} lines" for size, n in counts.items())
        + f", after {WARMUP} unmeasured; bursts: a quarter of that)"
    )
    print()
    for results in every:
        idle, full, opened = results.rss
        if full is not None:
            print(
                f"{results.name} RSS with {OPEN_COPIES} manifests open: {full:.0f} MB (idle after initialize: "
                f"{idle:.0f} MB; all diagnosed {opened:.0f} ms after the first didOpen)"
            )
    for results in every:
        if results.typing:
            first, last = results.typing[0][1], results.typing[-1][1]
            steps = ", ".join(f"{n}: {mb:.0f}" for n, mb in results.typing)
            print(
                f"{results.name} RSS over {typing} keystrokes on 20,000 lines: {first:.0f} -> {last:.0f} MB "
                f"({last / first:.2f}x; MB after n keystrokes: {steps})"
            )
        if results.gc:
            print(f"{results.name} during those keystrokes: {describe_stats(results.gc)}")
    for results in every:
        if results.notes:
            print(f"\n{results.name} notes:")
            for note in results.notes:
                print(f"  - {note}")
    print()
    shipped = next((r for r in every if r.name == "yaml-language-server"), None)
    for line in goals(flare, nodelay, shipped, typing):
        print(f"goal: {line}")


def describe_stats(stats: dict[str, Any]) -> str:
    parts = [f"{stats.get('analyses', '?')} analyses, {stats.get('published', '?')} publications"]
    if "unchanged" in stats:
        parts.append(f"{stats['unchanged']} unchanged ones not sent")
    for generation, figures in sorted((stats.get("gc") or {}).items()):
        parts.append(
            f"gen-{generation} collections: {figures['count']}, longest {figures['max_ms']:.0f} ms, "
            f"total {figures['total_ms']:.0f} ms"
        )
    return "; ".join(parts)


def goals(flare: Results, nodelay: Results | None, yls: Results | None, typing: int) -> list[str]:
    lines = []

    def figures(label: str) -> tuple[float, float] | None:
        s = flare.samples.get(label)
        return (statistics.median(s), percentile(s, 0.95)) if s else None

    small = figures("didChange->diagnostics, 100 lines")
    title = "keystroke->diagnostics p50 <= 15 ms, p95 <= 40 ms (100 lines)"
    lines.append(
        f"{title}: "
        + (
            f"{verdict(small[0] <= 15 and small[1] <= 40)} ({small[0]:.1f} / {small[1]:.1f})"
            if small
            else verdict(None)
        )
    )
    mid = figures("didChange->diagnostics, 2,000 lines")
    title = "keystroke->diagnostics p50 <= 3 ms, p95 <= 10 ms (2,000 lines)"
    lines.append(
        f"{title}: "
        + (f"{verdict(mid[0] <= 3 and mid[1] <= 10)} ({mid[0]:.1f} / {mid[1]:.1f})" if mid else verdict(None))
    )
    big = figures("didChange->diagnostics, 20,000 lines")
    title = "keystroke->diagnostics p50 <= 10 ms (20,000 lines)"
    lines.append(f"{title}: " + (f"{verdict(big[0] <= 10)} ({big[0]:.1f})" if big else verdict(None)))
    completion = [percentile(s, 0.95) for label, s in flare.samples.items() if label.startswith("completion")]
    title = "completion p95 <= 20 ms (every row)"
    lines.append(
        f"{title}: "
        + (f"{verdict(max(completion) <= 20)} (worst {max(completion):.1f})" if completion else verdict(None))
    )
    title = ">= 10x yaml-language-server without its delay, didChange->diagnostics p50, every size"
    ratios = []
    for size in SIZES:
        ours, theirs = (
            p50(flare, f"didChange->diagnostics, {size} lines"),
            p50(nodelay, f"didChange->diagnostics, {size} lines"),
        )
        if ours and theirs:
            ratios.append((size, theirs / ours))
    text = ", ".join(f"{size} {ratio:.1f}x" for size, ratio in ratios)
    lines.append(
        f"{title}: "
        + (
            f"{verdict(len(ratios) == len(SIZES) and min(r for _, r in ratios) >= 10)} ({text})"
            if ratios
            else verdict(None)
        )
    )
    title = f"RSS after {typing} keystrokes on 20,000 lines <= 1.2x the RSS after the first"
    if flare.typing and flare.typing[-1][0] == typing:
        first, last = flare.typing[0][1], flare.typing[-1][1]
        lines.append(f"{title}: {verdict(last <= 1.2 * first)} ({last / first:.2f}x)")
    else:
        lines.append(f"{title}: {verdict(None)}")
    for label in (ANSWERED, DIAGNOSED):
        ours, theirs, shipped = p50(flare, label), p50(nodelay, label), p50(yls, label)
        title = f"{label} (from spawn) no slower than yaml-language-server without its delay"
        lines.append(
            f"{title}: "
            + (
                f"{verdict(ours <= theirs)} ({ours:.0f} vs {theirs:.0f} ms; as shipped {shipped or 0:.0f} ms)"
                if ours and theirs
                else verdict(None)
            )
        )
    rss = flare.rss[1]
    lines.append(
        f"RSS <= 80 MB with {OPEN_COPIES} manifests open: {verdict(None if rss is None else rss <= 80)}"
        + ("" if rss is None else f" ({rss:.0f} MB)")
    )
    return lines


def flare_server(name: str, source: Path, command: str | None) -> Server:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(source), env.get("PYTHONPATH")]))
    env[HOOKS_ENV] = "1"
    # Compiled modules as an installed package has them (a developer's PYTHONDONTWRITEBYTECODE would make
    # every start compile the sources again), kept out of the source tree.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "flare-ls-bench-pycache")
    argv = shlex.split(command) if command else [sys.executable, "-m", "flare_ls"]
    return Server(name, argv, {"flare-ls": {}}, env)


def yls_settings() -> dict[str, Any]:
    return {
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer samples: a run of a few minutes")
    parser.add_argument("--edits", type=int, help="edits and requests per row on 100 and 2,000 lines (200; quick 20)")
    parser.add_argument("--typing", type=int, help="keystrokes of the memory measurement (600; quick 100)")
    parser.add_argument("--baseline", type=Path, help="another copy's server/ directory, run as a second flare-ls")
    parser.add_argument("--yls", help="path to yaml-language-server/bin/yaml-language-server")
    parser.add_argument("--no-yls", action="store_true", help="flare-ls alone")
    parser.add_argument("--flare-ls", help="command that starts flare-ls (default: this Python's -m flare_ls)")
    args = parser.parse_args()
    edits = args.edits or (20 if args.quick else 200)
    edits = max(2, edits + edits % 2)  # even, so that each document ends as it began
    big = max(2, (edits // 2) + (edits // 2) % 2)
    counts = {"100": edits, "2,000": edits, "20,000": big}
    typing = args.typing or (100 if args.quick else 600)
    with tempfile.TemporaryDirectory(prefix="flare-bench-") as tmp:
        workdir = Path(tmp) / "workspace"
        (workdir / "copies").mkdir(parents=True)
        paths = {}
        for label, lines in SIZES.items():
            paths[label] = workdir / f"manifest-{lines}.yaml"
            paths[label].write_text(manifest(lines), encoding="utf-8")
        servers = [flare_server("flare-ls", ROOT / "server", args.flare_ls)]
        if args.baseline:
            servers.append(flare_server("flare-ls baseline", args.baseline.resolve(), None))
        yls = None if args.no_yls else find_yls(args.yls)
        if yls is None and not args.no_yls:
            print("yaml-language-server is not installed (see bench/README.md): flare-ls figures alone")
        elif yls is not None:
            node = str(shutil.which("node"))
            servers.append(
                Server("yaml-language-server", [node, str(yls), "--stdio"], yls_settings(), None, TIMEOUT, False)
            )
            patched = without_delay(yls, Path(tmp))
            if patched is None:
                print("yaml-language-server: its validation delay is not where 1.25 keeps it; not patched")
            else:
                argv, env = patched
                servers.append(Server("yaml-ls (no delay)", argv, yls_settings(), env, TIMEOUT, False))
        for server in servers:
            try:
                startup(server, workdir, paths["100"])  # compiles flare-ls's modules once, outside the figures
            except BenchError as exc:
                print(f"  {server.name}: start-up: gave up: {exc}", flush=True)
        sessions = [Session(server, workdir, counts) for server in servers]
        for _ in range(3 if args.quick else 7):  # servers alternately, so that they share the machine's load
            for session in sessions:
                try:
                    for label, sample in startup(session.server, workdir, paths["100"]).items():
                        session.results.samples.setdefault(label, []).append(sample)
                except BenchError as exc:
                    session.results.failures[ANSWERED] = session.results.failures[DIAGNOSED] = str(exc)
                    print(f"  {session.server.name}: start-up: gave up: {exc}", flush=True)
        for session in sessions:
            session.start()
        for label in SIZES:
            for session in sessions:
                try:
                    session.size(label, paths[label], typing if label == "20,000" else 0)
                except Exception as exc:  # noqa: BLE001 - a bug in one measurement must not lose the run
                    session.fail(BenchError(f"{label} lines: {type(exc).__name__}: {exc}"))
        for session in sessions:
            session.end()
            session.results.rss = measure_memory(session.server, workdir, paths["100"].read_text(encoding="utf-8"))
        every = [s.results for s in sessions]
        every.append(pulled(servers[0], workdir, paths, counts))
        labels = [ANSWERED, DIAGNOSED] + [
            f"{kind}, {size} lines"
            for size in SIZES
            for kind in (
                "didChange->diagnostics",
                "didChange->pulled diagnostics",
                f"burst of {BURST}->diagnostics",
                "completion after a keystroke",
                "hover after a keystroke",
                "completion (idle)",
                "hover (idle)",
            )
        ]
        report(every, labels, counts, typing)


if __name__ == "__main__":
    main()
