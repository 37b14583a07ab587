"""The flare-ls language server: documents, settings, and when analysis runs.

Analysis is fast (well under a millisecond for a 100-line manifest), so a document under
:data:`BIG_TEXT` characters is analysed on the server's event loop; a bigger one in a thread
(``worker.py``), so the loop keeps answering while it runs, and a newer version stops the older one.
An edit schedules one analysis of its document unless one is already scheduled, and that analysis
reads the document as it is when it runs. Several edits that arrive together are analysed once; a
result is always for the newest text, so nothing stale is ever published; and there is no fixed delay
when the author pauses. An analysis that fails publishes one FL900 finding instead, so the previous
version's findings never stay on screen.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
import os
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer

from .. import __version__, sql
from ..analyze import Config
from ..config import ConfigError, ConfigLoader
from ..fileview import ProjectFiles, project_files
from ..findings import Finding, Fix, Severity, TextEdit
from ..names import Name, names
from ..parsing.yamltree import ParsedText, Pos, split_lines
from ..references import FileView
from ..rules.schema import INTERNAL_ERROR
from ..versions import Version, analyze_version
from . import transport
from .convert import Converter, diagnostic
from .memory import Trimmer
from .protocol import FlareProtocol
from .settings import Settings, parse_settings
from .worker import Superseded, Worker
from .workspace import WorkspaceManifests, file_path

log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])
PARENT_POLL_SECONDS = 2.0
#: Documents of at least this many characters are analysed off the message loop (about 1,500 lines).
BIG_TEXT = 64 * 1024


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
    #: What the analysis of the next version builds on (``versions.py``); its tree is this one's until
    #: then, changed in place after.
    state: Version | None = None


@dataclass(frozen=True)
class OpenDocument:
    """One version of an open document, as a request handler needs it."""

    uri: str
    text: str
    version: int | None
    convert: Converter


class FlareServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "flare-ls",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            protocol_cls=FlareProtocol,
        )
        self.settings = Settings()
        self.config: Config = self.settings.config()
        self.analyses: dict[str, Analysis] = {}
        #: Bumped when the settings change: results computed before are no longer current.
        self.generation = 0
        #: Set once the client's settings are in (or known not to be coming): a pulled diagnostic
        #: waits for it, since not every client can be asked to pull again afterwards.
        self.settings_ready = asyncio.Event()
        self.scheduled: set[str] = set()
        self.worker = Worker()
        #: Project configuration files (flare-ls.toml, ...), found as ``flare-ls --check`` finds them.
        self.project_configs = ConfigLoader()
        #: Problems with project configuration files already shown to the user (each is shown once).
        self.config_problems: set[str] = set()
        self.trimmer = Trimmer()
        #: The workspace folders' manifests, indexed for the rules across files (``workspace.py``).
        self.manifests = WorkspaceManifests(self)

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
    def text_of(self, uri: str) -> tuple[str, int | None] | None:
        doc = self.workspace.text_documents.get(uri)
        if doc is None:
            return None
        return doc.source, doc.version

    def open_document(self, uri: str) -> OpenDocument | None:
        """The document's current text and version with its position converter; None when it is not open."""
        current = self.text_of(uri)
        if current is None:
            return None
        text, version = current
        return OpenDocument(uri, text, version, self.converter(uri, text))

    def _analysis_of(self, uri: str, text: str, *, compute: bool) -> Analysis | None:
        """The analysis of exactly ``text`` (computed now when ``compute``, else only if already done);
        None when the text starts with a byte-order mark: the analysis parsed it without, so its lines
        and columns differ."""
        analysis = self.analysis(uri) if compute else self.analyses.get(uri)
        if analysis is None or analysis.text != text or text.startswith("\ufeff"):
            return None
        return analysis

    def findings_if_analysed(self, uri: str, text: str) -> list[Finding]:
        """The findings of exactly ``text`` when its analysis is already done (a hover never waits for
        one); else none."""
        analysis = self._analysis_of(uri, text, compute=False)
        return analysis.findings if analysis is not None else []

    def converter(self, uri: str, text: str) -> Converter:
        """Positions for ``text``, on the lines its analysis already split when there is one."""
        analysis = self._analysis_of(uri, text, compute=False)
        return Converter(analysis.lines if analysis is not None else split_lines(text), self.encoding)

    def parsed(self, uri: str, text: str) -> ParsedText | None:
        """The parse of the document's current version, shared with diagnostics."""
        analysis = self._analysis_of(uri, text, compute=True)
        return analysis.parsed if analysis is not None else None

    def names(self, uri: str, text: str, lines: list[str]) -> list[Name]:
        """The names of the document's current version, computed once per version."""
        analysis = self._analysis_of(uri, text, compute=True)
        if analysis is None:
            return names(text, None, lines)
        if analysis.names is None:
            analysis.names = names(text, analysis.parsed, lines)
        return analysis.names

    def at(self, uri: str, position: types.Position) -> tuple[str, Converter, Pos] | None:
        """The text of an open document, its converter, and a client position in core terms."""
        current = self.text_of(uri)
        if current is None:
            return None
        text, _ = current
        convert = self.converter(uri, text)
        return text, convert, convert.from_client(position)

    def analysis(self, uri: str) -> Analysis | None:
        """The findings for the document's current version (analysed now if not yet)."""
        current = self.text_of(uri)
        if current is None:
            return None
        text, version = current
        config = self.config_for(uri)
        cached = self._cached(uri, text, version, config)
        if cached is not None:
            return cached
        result = _compute(
            text, version, config, self.files_for(uri), self.analyses.get(uri), self.manifests.names_job_file(uri)
        )
        self.analyses[uri] = result
        return result

    def _cached(self, uri: str, text: str, version: int | None, config: Config) -> Analysis | None:
        """The analysis already done of exactly this version, text and configuration, if any."""
        cached = self.analyses.get(uri)
        if (
            cached is not None
            and cached.version == version
            and cached.text == text
            and cached.config == config
            and cached.job_file == self.manifests.names_job_file(uri)
        ):
            return cached
        return None

    async def current_analysis(self, uri: str) -> Analysis | None:
        """:meth:`analysis`, in a thread for a big document; raises :class:`Superseded` when a newer
        version stopped it (the caller asking for that version gets the result)."""
        current = self.text_of(uri)
        if current is None or len(current[0]) < BIG_TEXT:
            return self.analysis(uri)
        text, version = current
        config = self.config_for(uri)
        cached = self._cached(uri, text, version, config)
        if cached is not None:
            return cached
        token = (version, id(text), config)
        files, job_file = self.files_for(uri), self.manifests.names_job_file(uri)
        previous = self.analyses.get(uri)
        result = await self.worker.run(
            uri, token, lambda: _compute(text, version, config, files, previous, job_file), prepare=sql.load
        )
        if self.text_of(uri) != (text, version):
            raise Superseded()
        self.analyses[uri] = result
        return result

    def files_for(self, uri: str) -> ProjectFiles | None:
        """The files beside a ``file:`` document, for the rules about paths it refers to (FL505),
        document links and go-to-definition; None for any other scheme (an ``untitled:`` buffer)."""
        path = file_path(uri)
        return project_files(path) if path is not None else None

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
        return project.config_for(path, self.settings.overrides())

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
        asyncio.ensure_future(self._publish(uri))

    async def _publish(self, uri: str) -> None:
        self.scheduled.discard(uri)
        current = self.text_of(uri)
        try:
            result = await self.current_analysis(uri)
            if result is None:
                return
            version = result.version
            convert = self.converter(uri, result.text)
            diagnostics = [diagnostic(f, convert, version) for f in self.with_workspace(uri, result)]
        except Superseded:
            return  # a newer version is being analysed, and will be published
        except Exception as exc:  # noqa: BLE001 - a failing analysis must not take the server down
            self.log_error(f"analysis of {uri}", exc)
            if current is None or self.text_of(uri) != current:
                return
            version = current[1]
            diagnostics = [self.failure(exc, version)]
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=version)
        )

    def with_workspace(self, uri: str, result: Analysis) -> list[Finding]:
        """The document's own findings and its workspace findings (FL501-FL504), in order."""
        across = self.manifests.findings_for(uri, result.text)
        return sorted([*result.findings, *across], key=Finding.sort_key) if across else result.findings

    def failure(self, exc: BaseException, version: int | None) -> types.Diagnostic:
        """An FL900 diagnostic saying the analysis failed (published in place of its findings)."""
        message = f"flare-ls failed on this document ({type(exc).__name__}: {exc}); please report it"
        finding = Finding(INTERNAL_ERROR, message, (0, 0), (0, 0), Severity.ERROR)
        return diagnostic(finding, Converter([""], self.encoding), version)

    def forget(self, uri: str) -> None:
        """Drop what the server holds for a closed document (pygls has removed it already)."""
        self.analyses.pop(uri, None)
        self.worker.stop(uri)
        self.project_configs.retain(filter(None, map(file_path, self.workspace.text_documents)))
        self.trimmer.soon()
        if not self.pulls_diagnostics:
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def reanalyse_all(self) -> None:
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
        if settings == self.settings:
            return False
        self.settings = settings
        self.config = settings.config()
        self.generation += 1
        return True

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

        async def main() -> None:
            await transport.serve(transport.FrameReader(transport.stdin_chunks(fd)), self.protocol, stop)

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


def _compute(
    text: str,
    version: int | None,
    config: Config,
    files: FileView | None = None,
    previous: Analysis | None = None,
    job_file: bool = False,
) -> Analysis:
    """The analysis of one version of a document (the text may start with a byte-order mark), built on
    the previous version's when there is one: only what the edit changed is parsed and analysed again.
    ``job_file``: a workflow of the workspace names it as a dag job's ``file:``."""
    if "analysis" in INJECTED_FAULTS:
        raise RuntimeError("fault injected into the analysis")
    state = analyze_version(text, config, files, previous.state if previous is not None else None, job_file)
    return Analysis(version, text, state.lines, state.parsed, state.findings, config, job_file=job_file, state=state)


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
    from . import actions, completion, diagnostics, formatting, hover, lineage, links, navigation, ranges, symbols, sync

    server = FlareServer()
    modules = (sync, diagnostics, completion, hover, actions, symbols, navigation, links, formatting, ranges, lineage)
    for module in modules:
        module.register(server)
    return server
