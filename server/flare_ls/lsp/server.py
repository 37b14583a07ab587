"""The flare-ls language server: documents, settings, and when analysis runs.

Analysis is fast (well under a millisecond for a 100-line manifest), so a document under
:data:`BIG_TEXT` characters is analysed on the server's event loop, and so is a bigger one's version
built on the previous version (it costs what the edit touched); a bigger one parsed whole is analysed
in a thread (``worker.py``), so the loop keeps answering while it runs, and a newer version stops the
older one.
An edit schedules one analysis of its document unless one is already scheduled, and that analysis
reads the document as it is when it runs: it runs once the message loop has read every message already
received, so several edits that arrive together are analysed once. A result is always for the newest
text, so nothing stale is ever published; and there is no fixed delay when the author pauses. An
analysis that fails publishes one FL900 finding instead, so the previous version's findings never stay
on screen. Diagnostics equal to those last published, at places no edit since has moved, are not sent
again.

Each version's analysis is built on the previous one's (``versions.analyze_version``): the edit's block
is parsed again and spliced into the previous tree, which changes in place, and only the jobs it touched
are analysed again. The previous analysis is claimed for that on the message loop, so a request answered
meanwhile knows whether its tree is still its text's (``Analysis.intact``).

What a newer analysis no longer holds is released (``yamltree.release``): the whole previous tree when
the text was parsed whole, else the block the edit replaced. A tree's parent links make cycles that
only a full collection would otherwise find, and the server's collector settings
(``memory.tune_collector``) make full collections rare, so without it every version of a big document
stayed in memory until one ran.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import json
import logging
import os
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from lsprotocol import types
from pygls.exceptions import JsonRpcContentModified, JsonRpcException
from pygls.lsp.server import LanguageServer

from .. import __version__, sql
from ..analyze import Config
from ..config import ConfigError, ConfigLoader
from ..fileview import ProjectFiles, project_files
from ..findings import Finding, Fix, Severity, TextEdit
from ..names import Name, names
from ..parsing.yamltree import ParsedText, Pos, release, release_node, split_lines
from ..references import FileView
from ..rules.schema import INTERNAL_ERROR
from ..versions import Prepared, Version, finish_version, prepare_version
from . import startup, transport
from .convert import Converter, diagnostic
from .documents import Document, Edit
from .memory import IdleCollector, Trimmer, tune_collector
from .protocol import FlareProtocol
from .settings import config_of, overrides_of, parse_settings, same
from .testhooks import Counters
from .worker import Superseded, Worker
from .workspace import WorkspaceManifests, file_path

if TYPE_CHECKING:
    from .settings_model import Settings

log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])
PARENT_POLL_SECONDS = 2.0
#: Documents of at least this many characters are analysed off the message loop (about 1,500 lines).
BIG_TEXT = 64 * 1024
#: The largest block a big document's edit is spliced with on the message loop (a few milliseconds of
#: parsing); a bigger one is parsed in the analysis's thread.
LOOP_SPLICE_LINES = 1000
#: How long a scheduled analysis lets the message loop read what the client has already sent (an
#: editor writes each keystroke on its own; a burst arrives as several reads).
INPUT_WAIT_SECONDS = 0.05
INPUT_POLL_SECONDS = 0.0005
#: How long sqlglot's loading waits for the first documents' diagnostics at most, and how often it looks
#: (:meth:`FlareServer.warm_up_soon`).
WARM_UP_WAIT_SECONDS = 1.0
WARM_UP_POLL_SECONDS = 0.002


@dataclass
class Analysis:
    """One version of one document: its lines, its parse and its findings, computed once."""

    version: int | None
    text: str
    lines: list[str]
    parsed: ParsedText
    findings: list[Finding]
    #: The settings it was analysed with (a changed project configuration file makes it stale).
    config: Config | None = None
    #: Read as a dag job a workflow names with ``file:`` (that changes as the workspace does).
    job_file: bool = False
    #: The views and jobs it defines and uses (``names.names``), computed at the first request that
    #: needs them (hover, highlight, navigation), not on every keystroke.
    names: list[Name] | None = None
    #: Whether each fix offered holds (``analyze.fix_holds``), judged at the first code action asking.
    holds: dict[Fix, bool] = field(default_factory=dict)
    #: The edits of "fix all" (one round of ``--fix``), computed at the first code action asking.
    fix_all: tuple[TextEdit, ...] | None = None
    #: The document's revision (changes applied, ``Document.revision``) the text is of.
    revision: int = -1
    #: What the analysis of the next version builds on (``versions.py``); its tree is this one's until
    #: then, changed in place after (see :meth:`FlareServer.earlier`).
    state: Version | None = None

    @property
    def intact(self) -> bool:
        """Whether its tree is still its text's: no analysis of a later version has claimed it to change
        in place (claims are made on the message loop, so a request there can trust the answer while it
        runs)."""
        return self.state is None or not self.state.taken


#: A finding's diagnostic as JSON text, with what it was made of: the finding and the texts of its first
#: and last lines (the columns the client counts depend on them); kept by :data:`_Place`, which is cheap
#: to hash where a finding's fields are not.
_Converted = tuple[Finding, str | None, str | None, str]
_Place = tuple[Pos, Pos, str, str]


@dataclass
class Published:
    """What the client was last sent for a document: at which revision, the findings its diagnostics
    were made of (their positions tell whether edits since have moved them), and each diagnostic as
    JSON text by what it was made of, for the next publication to reuse."""

    revision: int
    findings: list[Finding]
    data: dict[_Place, _Converted]


class FlareServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "flare-ls",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            protocol_cls=FlareProtocol,
        )
        #: The client's settings (None: the defaults, none sent yet).
        self.settings: Settings | None = None
        self.config: Config = config_of(None)
        self.analyses: dict[str, Analysis] = {}
        #: Bumped when the settings change: results computed before are no longer current.
        self.generation = 0
        #: Set once the client's settings are in (or known not to be coming): a pulled diagnostic
        #: waits for it, since not every client can be asked to pull again afterwards.
        self.settings_ready = asyncio.Event()
        #: Set once :meth:`warm_up` has run.
        self.warmed = asyncio.Event()
        #: The warm-up waiting for the first documents' diagnostics (:meth:`warm_up_soon`), once asked for.
        self.warming: asyncio.Future[None] | None = None
        self.scheduled: set[str] = set()
        self.publishing: set[asyncio.Future[None]] = set()
        #: Whether bytes the client sent are not yet read (set by the transport that knows; stdio does).
        self.input_pending: Callable[[], bool] = lambda: False
        self.worker = Worker()
        #: Project configuration files (flare-ls.toml, ...), found as ``flare-ls --check`` finds them.
        self.project_configs = ConfigLoader()
        #: Each open ``file:`` document's view of the files beside it (its project root is found once:
        #: found again when the settings or a configuration file change, as ``project_configs`` is).
        self.file_views: dict[str, ProjectFiles | None] = {}
        #: Problems with project configuration files already shown to the user (each is shown once).
        self.config_problems: set[str] = set()
        self.trimmer = Trimmer()
        self.collector = IdleCollector(lambda: bool(self.publishing or self.worker.jobs or self.scheduled))
        #: What each open document's client was last sent (push clients): an unchanged result is not
        #: sent, and the findings an edit left alone are not converted and serialised again.
        self.published: dict[str, Published] = {}
        #: What each open document's diagnostics were last pulled as (pull clients), by what they were
        #: made of, for the next pull to reuse (see :func:`as_data`).
        self.pulled: dict[str, dict[_Place, _Converted]] = {}
        #: Counts for the end-to-end tests and the benchmark (``testhooks.py``).
        self.counters = Counters()
        #: The workspace folders' manifests, indexed for the rules across files (``workspace.py``).
        self.manifests = WorkspaceManifests(self)

    @property
    def wire(self) -> FlareProtocol:
        """The protocol, as ours (``protocol.py``)."""
        protocol = self.protocol
        assert isinstance(protocol, FlareProtocol)
        return protocol

    # -- client facts -----------------------------------------------------------------------------
    @property
    def encoding(self) -> str:
        return str(self.workspace.position_encoding or types.PositionEncodingKind.Utf16)

    @property
    def pulls_diagnostics(self) -> bool:
        """A client that asks for diagnostics (textDocument/diagnostic) is not also pushed them."""
        caps = self.client_capabilities.text_document
        return caps is not None and caps.diagnostic is not None

    @property
    def snippets(self) -> bool:
        caps = self.client_capabilities.text_document
        item = caps.completion.completion_item if caps and caps.completion else None
        return bool(item and item.snippet_support)

    # -- documents --------------------------------------------------------------------------------
    def document(self, uri: str) -> Document | None:
        doc = self.workspace.text_documents.get(uri)
        return doc if isinstance(doc, Document) else None

    def text_of(self, uri: str) -> tuple[str, int | None] | None:
        doc = self.workspace.text_documents.get(uri)
        if doc is None:
            return None
        return doc.source, doc.version

    def ready(self, uri: str, text: str) -> Analysis | None:
        """The analysis of exactly ``text`` if it is done (never computed here); None when the text
        starts with a byte-order mark: the analysis parsed it without, so its lines and columns differ."""
        analysis = self.analyses.get(uri)
        if analysis is None or analysis.text != text or text.startswith("\ufeff") or not analysis.intact:
            return None
        return analysis

    def lines_of(self, uri: str, text: str) -> list[str]:
        """The lines of ``text``: its analysis's, else the open document's (split once per revision,
        not per request), else split now."""
        analysis = self.ready(uri, text)
        if analysis is not None:
            return analysis.lines
        doc = self.document(uri)
        if doc is not None and doc.source is text:
            return doc.snapshot()[1]
        return split_lines(text)

    def converter(self, uri: str, text: str) -> Converter:
        """Positions for ``text``, on the lines its analysis or its document already split."""
        return Converter(self.lines_of(uri, text), self.encoding)

    def edits_since(self, uri: str, analysis: Analysis) -> list[Edit] | None:
        """The changes made to the open document since ``analysis``'s text, when all are known and the
        text has no byte-order mark (whose analysis counts its first line's columns without it)."""
        doc = self.document(uri)
        if doc is None or analysis.revision < 0 or analysis.text.startswith("\ufeff"):
            return None
        return doc.edits_since(analysis.revision)

    @staticmethod
    def names_of(analysis: Analysis) -> list[Name]:
        """The names of an analysed version, computed at the first request that needs them."""
        if analysis.names is None:
            analysis.names = names(analysis.text, analysis.parsed, analysis.lines)
        return analysis.names

    def earlier(self, uri: str) -> tuple[Analysis, list[Edit]] | None:
        """The last analysis of the document, of a version before the current one, and the edits made
        since (None when there is none, or the edits are not all known). Its findings and lines are its
        own; its tree is only while it is :attr:`Analysis.intact`."""
        analysis = self.analyses.get(uri)
        if analysis is None:
            return None
        edits = self.edits_since(uri, analysis)
        return None if edits is None else (analysis, edits)

    def at(self, uri: str, position: types.Position) -> tuple[str, Converter, Pos] | None:
        """The text of an open document, its converter, and a client position in core terms."""
        current = self.text_of(uri)
        if current is None:
            return None
        text, _ = current
        convert = self.converter(uri, text)
        return text, convert, convert.from_client(position)

    def _claim(self, uri: str) -> Version | None:
        """The document's last analysis, claimed for the next one to build on (``versions.Version.take``),
        if nothing has claimed it yet. Claimed here, on the message loop, so that a request answered
        meanwhile knows the tree may be changing (:attr:`Analysis.intact`)."""
        previous = self.analyses.get(uri)
        state = previous.state if previous is not None else None
        return state if state is not None and state.take() else None

    def _finish(
        self, prepared: Prepared, version: int | None, revision: int, config: Config, files: FileView | None
    ) -> Analysis:
        result = _finish(prepared, version, revision, config, files)
        self.counters.analyses += 1
        return result

    def _store(self, uri: str, result: Analysis) -> None:
        """Keep ``result`` as the document's analysis; release what it no longer holds of the one it
        replaces (see the module docstring) and index the new text's workspace facts from its parse."""
        previous = self.analyses.get(uri)
        self.analyses[uri] = result
        if previous is not None and previous is not result:
            if _shares(previous, result):
                previous.names = None  # the tree is the new version's now, changed in place
            else:
                _release(previous)
        state = result.state
        if state is not None and state.dropped is not None:
            release_node(state.dropped)  # the block the edit replaced: in no tree any more
            state.dropped = None
        self.manifests.analysed(uri, result)
        self.collector.soon()

    def _cached(self, uri: str, text: str, version: int | None, config: Config, job_file: bool) -> Analysis | None:
        """The analysis already done of exactly this version, text and configuration, if any."""
        cached = self.analyses.get(uri)
        if (
            cached is not None
            and cached.version == version
            and cached.text == text
            and cached.config == config
            and cached.job_file == job_file
            and cached.intact
        ):
            return cached
        return None

    async def current_analysis(self, uri: str) -> Analysis | None:
        """The analysis of the document's current version, done now if not yet: on the message loop
        when it is cheap (a small document, or an edit spliced into the previous version's tree), else
        in a thread (``worker.py``); raises :class:`Superseded` when a newer version stopped it (the
        caller asking for that version gets the result)."""
        doc = self.document(uri)
        if doc is None:
            return None
        text, lines = doc.snapshot()
        version, revision = doc.version, doc.revision
        config, job_file = self.config_for(uri), self.manifests.names_job_file(uri)
        cached = self._cached(uri, text, version, config, job_file)
        if cached is not None:
            return cached
        files = self.files_for(uri)
        token = (version, id(text), config, job_file)
        # Claimed only by the request that starts the job: one that joins it must not claim again.
        base = None if self.worker.running(uri, token) else self._claim(uri)
        small = len(text) < BIG_TEXT
        # On the loop, a big document's splice tries only blocks that parse in a moment.
        prepared = _prepare(text, lines, base, job_file, None if small else LOOP_SPLICE_LINES)
        if small or (prepared.cheap and not self.counters.holding):
            self.worker.stop(uri)  # an older version's job, if any: its result is not wanted
            result = self._finish(prepared, version, revision, config, files)
            self._store(uri, result)
            return result

        def compute() -> Analysis:
            self.counters.wait_if_held()
            self.counters.threaded += 1
            again = prepared
            if base is not None and not again.cheap:  # the tree is untouched: the bigger blocks now
                again = _prepare(text, lines, base, job_file)
            return self._finish(again, version, revision, config, files)

        result = await self.worker.run(uri, token, compute, prepare=sql.load)
        if self.document(uri) is not doc or doc.revision != revision:
            raise Superseded()
        self._store(uri, result)
        return result

    async def current(self, uri: str) -> tuple[str, Analysis | None] | None:
        """For a request that needs the analysis: the open document's text and that text's analysis
        (for its tree, see :func:`tree_of`). A small document is analysed now; a big one's analysis is
        joined in its thread, never started a second time. Raises ContentModified when an edit arrives
        meanwhile: the request was about a text that is gone, and editors drop such answers."""
        current = self.text_of(uri)
        if current is None:
            return None
        text = current[0]
        try:
            analysis = await self.current_analysis(uri)
        except Superseded:
            analysis = None
        now = self.text_of(uri)
        if now is None or now[0] is not text:
            raise JsonRpcContentModified(f"{uri} changed while the request was answered")
        return text, analysis if analysis is not None and analysis.text == text else None

    def files_for(self, uri: str) -> ProjectFiles | None:
        """The files beside a ``file:`` document, for the rules about paths it refers to (FL505),
        document links and go-to-definition; None for any other scheme (an ``untitled:`` buffer)."""
        if uri not in self.file_views:
            path = file_path(uri)
            self.file_views[uri] = project_files(path) if path is not None else None
        return self.file_views[uri]

    def config_for(self, uri: str) -> Config:
        """The settings for one document: for a ``file:`` URI, its project configuration file (found as
        ``flare-ls --check`` finds it) with the editor settings on top; else the editor settings alone.
        A broken configuration file is shown to the user once, and the editor settings used."""
        path = file_path(uri)
        if path is None:
            return self.config
        try:
            project = self.project_configs.load_for(path)
        except ConfigError as exc:
            self.config_problem(exc.message, "using the default settings")
            return self.config
        if project.source is None:
            return self.config
        return project.config_for(path, overrides_of(self.settings))

    def config_problem(self, problem: str, consequence: str) -> None:
        """Show a problem with a project configuration file, once however often it is met."""
        if problem not in self.config_problems:
            self.config_problems.add(problem)
            self.window_show_message(
                types.ShowMessageParams(type=types.MessageType.Warning, message=f"flare-ls: {problem} ({consequence})")
            )

    def schedule(self, uri: str) -> None:
        """Analyse ``uri`` soon, once, however many edits arrive before it runs."""
        if self.pulls_diagnostics or uri in self.scheduled:
            return
        self.scheduled.add(uri)
        task = asyncio.ensure_future(self._publish(uri))
        self.publishing.add(task)  # held: the loop keeps only a weak reference to a task
        task.add_done_callback(self.publishing.discard)

    async def read_sent_input(self) -> None:
        """Wait until the message loop has read what the client already sent (at most a moment): edits
        that arrived together are then analysed once, as one version."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + INPUT_WAIT_SECONDS
        while self.input_pending() and loop.time() < deadline:
            await asyncio.sleep(INPUT_POLL_SECONDS)

    async def _publish(self, uri: str) -> None:
        await self.read_sent_input()
        self.scheduled.discard(uri)  # only now: the edits read meanwhile join this analysis
        current = self.text_of(uri)
        try:
            result = await self.current_analysis(uri)
            if result is None:
                return
            findings = self.with_workspace(uri, result)
            if self._unchanged(uri, result, findings):
                self.counters.unchanged += 1
                return
            last = self.published.get(uri)
            texts, converted = as_data(findings, self.converter(uri, result.text), last.data if last else {}, self.wire)
            self.published[uri] = Published(result.revision, findings, converted)
        except Superseded:
            return  # a newer version is being analysed, and will be published
        except Exception as exc:  # noqa: BLE001 - a failing analysis must not take the server down
            self.log_error(f"analysis of {uri}", exc)
            if current is None or self.text_of(uri) != current:
                return
            self.published.pop(uri, None)
            self.counters.published += 1
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=[self.failure(exc)], version=current[1])
            )
            return
        self.counters.published += 1
        self.wire.publish_diagnostics_json(uri, result.version, texts)

    def _unchanged(self, uri: str, result: Analysis, findings: list[Finding]) -> bool:
        """Whether the client shows the diagnostics of ``findings`` already: the findings equal those
        last sent, and no edit since has touched or moved any of them (editors carry diagnostics
        through edits, so a range an edit moved may sit elsewhere on the client's side; an edit after a
        finding on its line leaves its columns as the client counts them). The version a publication
        carries is optional in LSP; clients keep the last diagnostics until new ones come."""
        last = self.published.get(uri)
        if last is None or last.findings != findings:
            return False
        doc = self.document(uri)
        if doc is None or result.revision != doc.revision or result.text.startswith("\ufeff"):
            return False
        edits = doc.edits_since(last.revision)
        if edits is None or not all(_kept(f.start, f.end, edits) for f in last.findings):
            return False
        last.revision = result.revision
        return True

    def with_workspace(self, uri: str, result: Analysis) -> list[Finding]:
        """The document's own findings and its workspace findings (FL501-FL504), in order."""
        across = self.manifests.findings_for(uri, result.text)
        return sorted([*result.findings, *across], key=Finding.sort_key) if across else result.findings

    def failure(self, exc: BaseException) -> types.Diagnostic:
        """An FL900 diagnostic saying the analysis failed (published in place of its findings)."""
        message = f"flare-ls failed on this document ({type(exc).__name__}: {exc}); please report it"
        finding = Finding(INTERNAL_ERROR, message, (0, 0), (0, 0), Severity.ERROR)
        return diagnostic(finding, Converter([""], self.encoding))

    def forget(self, uri: str) -> None:
        """Drop what the server holds for a closed document (pygls has removed it already)."""
        self.worker.stop(uri)  # first: its result is not wanted, and it may be changing the tree
        closed = self.analyses.pop(uri, None)
        if closed is not None:
            _release(closed)
        self.published.pop(uri, None)
        self.pulled.pop(uri, None)
        self.file_views.pop(uri, None)
        self.project_configs.retain(filter(None, map(file_path, self.workspace.text_documents)))
        self.trimmer.soon()
        if not self.pulls_diagnostics:
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def reanalyse_all(self) -> None:
        self.file_views.clear()  # a configuration file made or removed moves a project's root
        for dropped in self.analyses.values():
            if dropped.intact:  # else an analysis running in a thread is changing the tree for its result
                _release(dropped)
        self.analyses.clear()
        if self.pulls_diagnostics:
            refresh = self.client_capabilities.workspace
            if refresh and refresh.diagnostics and refresh.diagnostics.refresh_support:
                self.workspace_diagnostic_refresh(None)
            return
        for uri in list(self.workspace.text_documents):
            self.schedule(uri)

    # -- settings ---------------------------------------------------------------------------------
    def apply_settings(self, raw: object) -> bool:
        """Take new settings; True when they differ from the current ones."""
        settings, problems = parse_settings(raw)
        for problem in problems:
            self.window_show_message(
                types.ShowMessageParams(type=types.MessageType.Warning, message=f"flare-ls settings: {problem}")
            )
        if same(settings, self.settings):
            return False
        self.settings = settings
        self.config = config_of(settings)
        self.generation += 1
        return True

    def warm_up_soon(self) -> None:
        """Tune the collector now, and load sqlglot once the documents opened with ``initialized`` are
        diagnosed (:meth:`_warm_up_when_idle`)."""
        if self.warming is None:
            # Before any document is read: the collector's freeze would keep a tree it froze out of
            # every collection for good.
            tune_collector()
            self.warming = asyncio.ensure_future(self._warm_up_when_idle())

    async def _warm_up_when_idle(self) -> None:
        """:meth:`warm_up` when no message is waiting and no analysis is pending, or after a second at
        most. An editor opens its documents right after ``initialized``, and their first diagnostics
        do not need sqlglot (the quick path reads common SQL without it): they come 100-150 ms sooner
        when it waits. Nothing starts a thread that may import it before this has run
        (``WorkspaceManifests.build`` waits for :attr:`warmed`; others call :meth:`warm_up`)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + WARM_UP_WAIT_SECONDS
        await asyncio.sleep(0)  # what was read with initialized is dispatched first
        while (self.input_pending() or self.scheduled or self.publishing) and loop.time() < deadline:
            await asyncio.sleep(WARM_UP_POLL_SECONDS)
        self.warm_up()

    def warm_up(self) -> None:
        """Load what analyses need that initialize does not: sqlglot and its dialects (about 70 ms,
        else paid by the first query the quick path cannot read). Once, on the message loop and before
        any thread that may analyse starts: sqlglot's modules import each other, and two threads
        importing them at once can deadlock (CPython detects it and fails the import). Loaded after
        the collector's freeze, sqlglot's objects are scanned by full collections, which the server
        runs only when the typing pauses (``memory.IdleCollector``)."""
        if self.warmed.is_set():
            return
        self.warmed.set()
        try:
            sql.load()
        except Exception as exc:  # noqa: BLE001 - the first analysis with SQL imports it then
            self.log_error("loading sqlglot", exc)

    # -- robustness -------------------------------------------------------------------------------
    def log_error(self, what: str, exc: BaseException) -> None:
        detail = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)[-3:])
        message = f"flare-ls: {what} failed: {type(exc).__name__}: {exc}\n{detail}"
        log.error(message)
        try:
            self.window_log_message(types.LogMessageParams(type=types.MessageType.Error, message=message))
        except Exception:  # noqa: BLE001 - the transport itself may be gone
            pass

    # -- transport --------------------------------------------------------------------------------
    def start_io(self, stdin: Any = None, stdout: Any = None) -> None:
        """Serve on standard input and output with our frame reader (``transport.py``)."""
        import sys

        from pygls.io_ import StdoutWriter

        self._stop_event = stop = threading.Event()
        self.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))
        fd = (stdin or sys.stdin.buffer).fileno()
        # What was read before the server loaded, and the answer to initialize already sent (startup.py).
        prelude = startup.take(fd)
        if prelude is not None:
            self.wire.answered_early = prelude.answer

        async def main() -> None:
            chunks = transport.stdin_chunks(fd, prelude.read if prelude is not None else b"")
            frames = transport.FrameReader(chunks)
            self.input_pending = lambda: bool(frames.buffer) or chunks.pending()
            await transport.serve(frames, self.protocol, stop)

        try:
            asyncio.run(main())
        except BrokenPipeError:
            log.error("the connection to the client is lost")
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            self.shutdown()

    def start_tcp(self, host: str, port: int) -> None:
        """Serve one client at a time on ``host:port`` with our frame reader."""
        self._stop_event = stop = threading.Event()

        async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            self.protocol.set_writer(writer)
            frames = transport.FrameReader(lambda: reader.read(transport.CHUNK))
            await transport.serve(frames, self.protocol, stop)
            self.shutdown()

        async def main() -> None:
            self._server = await asyncio.start_server(connection, host, port)
            async with self._server:
                await self._server.serve_forever()

        try:
            asyncio.run(main())
        except asyncio.CancelledError:
            pass

    def start_ws(self, host: str, port: int) -> None:
        """Serve LSP over WebSocket on ``host:port`` (the ``ws`` extra): each message goes through the
        same dispatch as stdio's and TCP's, so a client that sends invalid params or bad JSON is answered
        there too (pygls's own WebSocket loop logs such a message and answers nothing)."""
        try:
            from websockets.asyncio.server import ServerConnection, serve
            from websockets.exceptions import ConnectionClosed
        except ImportError:
            log.error("flare-ls: serving over WebSocket needs the ws extra: pip install 'flare-ls[ws]'")
            sys.exit(1)
        from pygls.io_ import WebSocketWriter

        self._stop_event = stop = threading.Event()

        async def connection(websocket: ServerConnection) -> None:
            self.protocol.set_writer(WebSocketWriter(websocket), include_headers=False)
            while not stop.is_set():
                try:
                    data = await websocket.recv(decode=False)
                except ConnectionClosed:
                    break
                transport.dispatch(self.protocol, data if isinstance(data, bytes) else data.encode("utf-8"))
            await websocket.close()
            self.shutdown()

        async def main() -> None:
            self._server = await serve(connection, host, port, max_size=transport.MAX_BODY_BYTES)
            async with self._server:
                await self._server.serve_forever()

        try:
            asyncio.run(main())
        except asyncio.CancelledError:
            pass

    async def watch_parent(self, pid: int) -> None:
        """End the server when the editor that started it is gone (it may never send exit)."""
        while True:
            await asyncio.sleep(PARENT_POLL_SECONDS)
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                log.warning("flare-ls: parent process %s is gone, exiting", pid)
                os._exit(0)
            except PermissionError:
                pass  # alive, owned by someone else


def _prepare(
    text: str, lines: list[str], base: Version | None, job_file: bool, max_lines: int | None = None
) -> Prepared:
    """One version of a document read for its analysis, given its lines (the text may start with a
    byte-order mark), built on ``base``, the previous version's state claimed for it, when there is one
    and the edit allows (``versions.prepare_version``, with blocks of at most ``max_lines``).
    ``job_file``: a workflow of the workspace names it as a dag job's ``file:``."""
    if text.startswith("\ufeff"):
        lines = [lines[0][1:], *lines[1:]]
    return prepare_version(text, base, job_file, claimed=True, lines=lines, max_lines=max_lines)


def _finish(
    prepared: Prepared, version: int | None, revision: int, config: Config, files: FileView | None = None
) -> Analysis:
    """The analysis of a version read by :func:`_prepare`: only what the edit changed is parsed and
    analysed again when it was built on the previous version."""
    if "analysis" in INJECTED_FAULTS:
        raise RuntimeError("fault injected into the analysis")
    state = finish_version(prepared, config, files)
    return Analysis(
        version,
        prepared.text,
        state.lines,
        state.parsed,
        state.findings,
        config,
        job_file=prepared.job_file,
        revision=revision,
        state=state,
    )


def as_data(
    findings: list[Finding], convert: Converter, last: dict[_Place, _Converted], wire: FlareProtocol
) -> tuple[list[str], dict[_Place, _Converted]]:
    """The findings' diagnostics as JSON texts, in order, and what they were made of, for the next
    publication: a text is taken from ``last`` (the previous publication's) while its finding and the
    finding's lines are the same (a big manifest's hundreds of diagnostics cost milliseconds to
    convert and serialise, at every keystroke)."""
    lines = convert.lines
    texts: list[str] = []
    now: dict[_Place, _Converted] = {}
    for finding in findings:
        start, end = finding.start[0], finding.end[0]
        first = lines[start] if start < len(lines) else None
        final = lines[end] if end < len(lines) else None
        place = (finding.start, finding.end, finding.rule.code, finding.message)
        held = last.get(place)
        if held is not None and (held[0] is finding or held[0] == finding) and held[1] == first and held[2] == final:
            text = held[3]
        else:
            text = json.dumps(wire.unstructure(diagnostic(finding, convert)))
        now[place] = (finding, first, final, text)
        texts.append(text)
    return texts, now


def _kept(start: Pos, end: Pos, edits: list[Edit]) -> bool:
    """Whether a diagnostic at ``start``-``end`` sits where it did, in the client's units, after
    ``edits``: each is after it, or on lines before it and adding or removing none. (An edit before
    it on its first line may leave its columns in code points and change them in UTF-16.)"""
    for edit in edits:
        if end < edit.start:
            continue
        if edit.end[0] < start[0] and edit.new_end[0] == edit.end[0]:
            continue
        return False
    return True


def tree_of(text: str, analysis: Analysis | None) -> ParsedText | None:
    """The analysis's tree, when its positions are the text's (not after a byte-order mark, which the
    parse did not see)."""
    return analysis.parsed if analysis is not None and not text.startswith("\ufeff") else None


def _shares(old: Analysis, new: Analysis) -> bool:
    """Whether the new analysis holds the old one's tree (its roots): that tree must not be released."""
    roots = {id(document.root) for document in new.parsed.documents}
    return old is new or any(id(document.root) in roots for document in old.parsed.documents)


def _release(analysis: Analysis) -> None:
    """Break the cycles of an analysis nothing will read again (see the module docstring)."""
    analysis.names = None
    release(analysis.parsed)


#: Handler names to fail on purpose (comma-separated), so the end-to-end tests can prove that a failing
#: handler is logged and answered empty (``analysis`` makes every analysis fail, which publishes FL900).
#: Test-only: nothing sets it in normal use.
INJECTED_FAULTS = frozenset(filter(None, os.environ.get("FLARE_LS_INJECT_FAULT", "").split(",")))


def guarded(default: Any) -> Callable[[F], F]:
    """A handler that fails logs the failure to the client and answers ``default``."""

    def decorate(handler: F) -> F:
        if inspect.iscoroutinefunction(handler):

            @functools.wraps(handler)
            async def async_wrapper(ls: FlareServer, params: Any) -> Any:
                try:
                    if handler.__name__ in INJECTED_FAULTS:
                        raise RuntimeError(f"fault injected into {handler.__name__}")
                    return await handler(ls, params)
                except JsonRpcException:
                    raise  # a deliberate error answer (an invalid rename), not a failure
                except Exception as exc:  # noqa: BLE001 - isolating handler failures is the point
                    ls.log_error(handler.__name__, exc)
                    return default

            return async_wrapper  # type: ignore[return-value]

        @functools.wraps(handler)
        def wrapper(ls: FlareServer, params: Any) -> Any:
            try:
                if handler.__name__ in INJECTED_FAULTS:
                    raise RuntimeError(f"fault injected into {handler.__name__}")
                return handler(ls, params)
            except JsonRpcException:
                raise  # a deliberate error answer (an invalid rename), not a failure
            except Exception as exc:  # noqa: BLE001 - isolating handler failures is the point
                ls.log_error(handler.__name__, exc)
                return default

        return wrapper  # type: ignore[return-value]

    return decorate


def create_server() -> FlareServer:
    from . import (
        actions,
        completion,
        diagnostics,
        formatting,
        hover,
        lineage,
        links,
        navigation,
        ranges,
        symbols,
        sync,
        testhooks,
    )

    server = FlareServer()
    modules = (
        sync,
        diagnostics,
        completion,
        hover,
        actions,
        symbols,
        navigation,
        links,
        formatting,
        ranges,
        lineage,
        testhooks,
    )
    for module in modules:
        module.register(server)
    return server
