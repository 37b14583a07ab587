"""The workspace side of the server: every manifest of the workspace folders, not only the open ones.

At ``initialized`` the manifests of the workspace folders are found as ``flare-ls check`` finds them
(``include``/``exclude``, ``.gitignore``, ``max-file-size``) and indexed (``flare_ls.workspace``) in
threads, with ``$/progress`` when the client shows it, so requests are answered meanwhile. The index
then follows the editor: an open document's text replaces the file's on disk (read from the parse of its
analysis when that is done, so an edit costs no second parse), a closed one is read back, and watched
files (``workspace/didChangeWatchedFiles``) update it. The workspace rules (FL501-FL504) run
over it, with each file's settings and suppressions, and their findings join each file's own.

When an edit changes another file's workspace findings, that file's diagnostics are published again
(push clients) or the client is asked to pull again (``workspace/diagnostic/refresh``). A push client
is sent, for a file that is not open, its workspace findings only: the rest needs the file analysed,
which the editor does when it is opened, and analysing every closed file on every change would cost far
more than the index does. A pull client gets every manifest's full diagnostics from
``workspace/diagnostic``.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.uris import to_fs_path

from ..analyze import Config, analyze, looks_like_flare_text
from ..config import CONFIG_NAMES, ConfigError, ConfigLoader
from ..files import DEFAULT_MAX_FILE_SIZE, read_manifest
from ..findings import Finding
from ..parsing.yamltree import split_lines
from ..workspace import ManifestIndex, WorkspaceIndex, index_parsed, index_text
from .convert import Converter, diagnostic

if TYPE_CHECKING:
    from .server import Analysis, FlareServer

#: Files read and indexed per thread hop: small enough to report progress and let requests through.
CHUNK = 64
#: What the server asks the client to watch: manifests and the project configuration files.
WATCHED_GLOBS = ("**/*.{yaml,yml}", "**/{" + ",".join(CONFIG_NAMES) + "}")
_progress_tokens = itertools.count(1)


def folder_paths(ls: FlareServer) -> list[Path]:
    """The workspace folders on disk (``workspaceFolders``, else ``rootUri``), without duplicates."""
    uris = [folder.uri for folder in ls.workspace.folders.values()]
    if not uris and ls.workspace.root_uri:
        uris = [ls.workspace.root_uri]
    out: list[Path] = []
    for uri in uris:
        path = file_path(uri)
        if path is not None and path.is_dir() and path not in out:
            out.append(path)
    return out


def discover(folders: list[Path]) -> tuple[list[Path], list[str]]:
    """The manifests the CLI's check would walk in ``folders``, and the configuration problems met
    (a folder whose configuration is broken is skipped, as the check stops on it)."""
    loader = ConfigLoader()
    found: list[Path] = []
    problems: list[str] = []
    for folder in folders:
        try:
            found += [path for path, _ in loader.iter_files([folder])]
        except ConfigError as exc:
            problems.append(exc.message)
    return found, problems


def read_flare(path: Path, loader: ConfigLoader) -> str | None:
    """The text of a Flare manifest on disk within its size limit, else None (gone, too big, other YAML)."""
    try:
        limit = loader.load_for(path).max_file_size
    except ConfigError:
        limit = DEFAULT_MAX_FILE_SIZE
    text, _ = read_manifest(path, limit)
    return text if text is not None and looks_like_flare_text(text) else None


def _read_and_index(items: list[tuple[str, Path]]) -> list[tuple[str, Path, str, ManifestIndex]]:
    loader = ConfigLoader()
    out = []
    for key, path in items:
        text = read_flare(path, loader)
        if text is not None:
            out.append((key, path, text, index_text(key, text)))
    return out


def _analyse_closed(items: list[tuple[str, str, str, Config, bool]]) -> dict[str, list[Finding]]:
    return {key: analyze(text, uri=uri, config=config, job_file=job_file) for key, uri, text, config, job_file in items}


class WorkspaceManifests:
    """The index of the workspace's manifests, their texts (the editor's for open documents), and the
    workspace findings of each, kept current as documents and files change."""

    def __init__(self, ls: FlareServer) -> None:
        self.ls = ls
        self.index = WorkspaceIndex()
        #: file key -> the text indexed (the open document's, else the file on disk)
        self.texts: dict[str, str] = {}
        self.paths: dict[str, Path] = {}
        self.roots: list[Path] = []
        #: Set when the first index is built (or there is nothing to build): workspace/diagnostic waits.
        self.ready = asyncio.Event()
        #: The workspace findings by file key, settings and suppressions applied (files without: absent).
        self.found: dict[str, list[Finding]] = {}
        #: Bumped when any file's workspace findings change (part of pulled reports' result ids).
        self.revision = 0
        self.dirty = False
        self.recheck_scheduled = False
        #: Files whose workspace findings changed and whose diagnostics are not yet sent again.
        self.pending: set[str] = set()
        #: Files edited since the last recheck: their own publish or pull already carries the change.
        self.touched: set[str] = set()
        self.builds = 0
        #: The files workflows name as job files when the rules last ran (see :meth:`settle`).
        self.job_files: set[str] = set()
        #: Closed files' own findings, by key: (text, config, findings), for workspace/diagnostic.
        self.closed_findings: dict[str, tuple[str, Config, list[Finding]]] = {}

    # -- names ------------------------------------------------------------------------------------
    def key_of(self, path: Path) -> str | None:
        """How the index and messages name a file: relative to the workspace folder when there is one
        (as ``flare-ls check`` run there names it), absolute with several; None outside them."""
        for root in self.roots:
            if path.is_relative_to(root):
                return path.relative_to(root).as_posix() if len(self.roots) == 1 else str(path)
        return None

    def uri_of(self, key: str) -> str:
        """The URI of an indexed file: the open document's own spelling when it is open."""
        path = self.paths[key]
        for uri in self.ls.workspace.text_documents:
            if file_path(uri) == path:
                return uri
        return path.as_uri()

    def is_open(self, key: str) -> bool:
        path = self.paths.get(key)
        return path is not None and any(file_path(uri) == path for uri in self.ls.workspace.text_documents)

    def names_job_file(self, uri: str) -> bool:
        """Whether an indexed workflow's dag job names this document with ``file:`` (it holds that job)."""
        path = file_path(uri)
        key = self.key_of(path) if path is not None else None
        return key is not None and key in self.index.job_files()

    def config_of(self, key: str) -> Config:
        return self.ls.config_for(self.uri_of(key))

    # -- building ---------------------------------------------------------------------------------
    async def build(self) -> None:
        """Find and index the workspace's manifests off the event loop; the newest build wins."""
        self.builds += 1
        serial = self.builds
        await self.ls.warmed.wait()  # no thread before sqlglot is loaded (FlareServer.warm_up)
        progress = await self._progress_begin()
        try:
            roots = folder_paths(self.ls)
            files, problems = await asyncio.to_thread(discover, roots)
            for problem in problems:
                self.ls.config_problem(problem, "the workspace folder is not indexed")
            self.roots = roots
            keyed = [(key, path) for path in files if (key := self.key_of(path)) is not None]
            entries: list[tuple[str, Path, str, ManifestIndex]] = []
            for start in range(0, len(keyed), CHUNK):
                entries += await asyncio.to_thread(_read_and_index, keyed[start : start + CHUNK])
                if progress is not None and keyed:
                    done = min(start + CHUNK, len(keyed))
                    self.ls.work_done_progress.report(
                        progress,
                        types.WorkDoneProgressReport(
                            message=f"{done}/{len(keyed)} files", percentage=done * 100 // len(keyed)
                        ),
                    )
            if serial != self.builds:
                return  # a newer build (a configuration changed meanwhile) replaces this one
            self._install(entries)
        finally:
            if progress is not None:
                self.ls.work_done_progress.end(progress, types.WorkDoneProgressEnd(message="indexed"))
            if serial == self.builds:
                self.ready.set()

    async def _progress_begin(self) -> str | None:
        window = self.ls.client_capabilities.window
        if window is None or not window.work_done_progress:
            return None
        token = f"flare-ls/index/{next(_progress_tokens)}"
        try:
            await self.ls.work_done_progress.create_async(token)
        except Exception as exc:  # noqa: BLE001 - a client that refuses the token gets no progress
            self.ls.log_error("window/workDoneProgress/create", exc)
            return None
        self.ls.work_done_progress.begin(
            token, types.WorkDoneProgressBegin(title="flare-ls: indexing the workspace", percentage=0)
        )
        return token

    def _install(self, entries: list[tuple[str, Path, str, ManifestIndex]]) -> None:
        """Take a new index: the files read, with the open documents' texts over them."""
        before = set(self.found)
        self.index = WorkspaceIndex()
        self.texts = {}
        self.paths = {}
        self.closed_findings.clear()
        for key, path, text, entry in entries:
            self.paths[key] = path
            self.texts[key] = text
            self.index.add(entry)
        for uri in list(self.ls.workspace.text_documents):
            self._take_open(uri)
        self.touched.clear()
        self.found = {}
        self.dirty = True
        self.settle()
        self.pending |= before | set(self.texts)
        self._notify_soon()

    # -- following the editor and the disk --------------------------------------------------------
    def _take_open(self, uri: str) -> str | None:
        """Index an open document's current text; its key, or None when it is not in the workspace."""
        path = file_path(uri)
        current = self.ls.text_of(uri)
        key = self.key_of(path) if path is not None else None
        if key is None or current is None:
            return None
        self.paths[key] = path  # type: ignore[assignment]
        self.texts[key] = current[0]
        analysis = self.ls.ready(uri, current[0])
        if analysis is not None:
            self.index.add(index_parsed(key, analysis.parsed))
        else:
            self.index.update(key, current[0])
        return key

    def analysed(self, uri: str, analysis: Analysis) -> None:
        """An open document's version is analysed: its text replaces the file's, indexed from the
        analysis's parse. (Not at didChange: a burst of edits would parse the text once per edit, on
        the message loop, before the analysis could even start.)"""
        if not self.ready.is_set():
            return  # the build takes the open documents' texts when it is done
        path = file_path(uri)
        key = self.key_of(path) if path is not None else None
        if key is None or path is None or self.texts.get(key) is analysis.text:
            return
        self.paths[key] = path
        self.texts[key] = analysis.text
        state = analysis.state
        entry = index_parsed(
            key,
            analysis.parsed,
            analysis.text.startswith("\ufeff"),
            known=dict(state.memo.views) if state is not None else None,
            facts=state.memo.facts if state is not None else None,
        )
        if self.index.add_same(entry):
            return  # a keystroke that changed nothing the index holds: the workspace findings stand
        self.index.add(entry)
        self.touched.add(key)
        self._mark_dirty()

    def closed(self, uri: str) -> None:
        """didClose: the file on disk is what the workspace holds again."""
        path = file_path(uri)
        key = self.key_of(path) if path is not None and self.ready.is_set() else None
        if key is None or path is None:
            return
        self._reread(key, path)
        self.pending.add(key)  # closing cleared its diagnostics: its workspace findings are sent again
        self._mark_dirty()

    def _reread(self, key: str, path: Path) -> None:
        text = read_flare(path, self.ls.project_configs)
        self.closed_findings.pop(key, None)
        if text is None:
            self.texts.pop(key, None)
            self.paths.pop(key, None)
            self.index.remove(key)
            return
        self.paths[key] = path
        self.texts[key] = text
        self.index.update(key, text)

    def files_changed(self, changes: Iterable[types.FileEvent]) -> None:
        """workspace/didChangeWatchedFiles: manifests re-read (unless open, the editor's text wins); a
        configuration file changed: everything found, indexed and checked again."""
        config_changed = False
        for change in changes:
            path = file_path(change.uri)
            if path is None:
                continue
            if path.name in CONFIG_NAMES:
                config_changed = True
                continue
            key = self.key_of(path)
            if key is None or not self.ready.is_set() or self.is_open(key):
                continue
            if change.type == types.FileChangeType.Deleted:
                self.texts.pop(key, None)
                self.paths.pop(key, None)
                self.closed_findings.pop(key, None)
                self.index.remove(key)
            else:
                self._reread(key, path)
            self.pending.add(key)
            self._mark_dirty()
        if config_changed:
            self.ls.project_configs.clear()
            self.ls.reanalyse_all()
            self.ready.clear()  # workspace/diagnostic answers from the new index, not the old one
            asyncio.ensure_future(self.build())

    # -- findings ---------------------------------------------------------------------------------
    def _mark_dirty(self) -> None:
        self.dirty = True
        self._notify_soon()

    def _notify_soon(self) -> None:
        if not self.recheck_scheduled:
            self.recheck_scheduled = True
            asyncio.get_running_loop().call_soon(self._recheck)

    def _recheck(self) -> None:
        self.recheck_scheduled = False
        try:
            self.settle()
            keys, self.pending = self.pending - self.touched, set()
            self.touched.clear()
            self._notify(keys)
        except Exception as exc:  # noqa: BLE001 - a failing recheck must not take the server down
            self.ls.log_error("workspace check", exc)

    def settle(self) -> None:
        """Run the workspace rules again if anything changed since they last ran."""
        if not self.dirty:
            return
        self.dirty = False
        from ..workspace.check import analyze_workspace

        new = analyze_workspace(self.texts, self.config_of, self.index)
        changed = {key for key in new.keys() | self.found.keys() if new.get(key) != self.found.get(key)}
        # A file a workflow starts or stops naming with ``file:`` is read otherwise (as that dag job).
        job_files = self.index.job_files()
        for key in job_files ^ self.job_files:
            changed.add(key)
            self.closed_findings.pop(key, None)
        self.job_files = set(job_files)
        self.found = new
        if changed:
            self.revision += 1
            self.pending |= changed

    def findings_for(self, uri: str, text: str) -> list[Finding]:
        """The workspace findings of the document at ``uri`` when ``text`` is what the index holds for it
        (findings for another version would sit at the wrong places)."""
        path = file_path(uri)
        key = self.key_of(path) if path is not None else None
        if key is None or self.texts.get(key) != text:
            return []
        self.settle()
        return self.found.get(key, [])

    def _notify(self, keys: set[str]) -> None:
        if not keys:
            return
        if self.ls.pulls_diagnostics:
            caps = self.ls.client_capabilities.workspace
            if caps and caps.diagnostics and caps.diagnostics.refresh_support:
                self.ls.workspace_diagnostic_refresh(None)
            return
        for key in sorted(keys):
            if self.is_open(key):
                self.ls.schedule(self.uri_of(key))
                continue
            text = self.texts.get(key, "")
            convert = Converter(split_lines(text), self.ls.encoding)
            items = [diagnostic(f, convert) for f in self.found.get(key, [])]
            uri = self.paths[key].as_uri() if key in self.paths else _uri_of_key(self.roots, key)
            self.ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=items))

    # -- workspace/diagnostic ---------------------------------------------------------------------
    async def closed_report(
        self, keys: list[str], previous: dict[str, str]
    ) -> list[types.WorkspaceDocumentDiagnosticReport]:
        """Full or unchanged reports for closed files: their own findings (analysed in a thread, kept
        while the text and settings hold) and their workspace findings."""
        ids = {key: self._result_id(key) for key in keys}
        todo = []
        for key in keys:
            uri = self.paths[key].as_uri()
            config = self.config_of(key)
            cached = self.closed_findings.get(key)
            if previous.get(uri) == ids[key]:
                continue
            if cached is None or cached[0] != self.texts[key] or cached[1] != config:
                todo.append((key, uri, self.texts[key], config, key in self.index.job_files()))
        for start in range(0, len(todo), CHUNK):
            chunk = todo[start : start + CHUNK]
            self.ls.warm_up()  # before a thread analyses (FlareServer.warm_up)
            done = await asyncio.to_thread(_analyse_closed, chunk)
            for key, _, text, config, _ in chunk:
                self.closed_findings[key] = (text, config, done[key])
        reports: list[types.WorkspaceDocumentDiagnosticReport] = []
        for key in keys:
            if key not in self.paths or key not in self.texts:
                continue  # removed while the others were analysed
            uri = self.paths[key].as_uri()
            if previous.get(uri) == ids[key]:
                reports.append(
                    types.WorkspaceUnchangedDocumentDiagnosticReport(uri=uri, version=None, result_id=ids[key])
                )
                continue
            cached = self.closed_findings.get(key)
            own = cached[2] if cached is not None and cached[0] == self.texts[key] else []
            convert = Converter(split_lines(self.texts[key]), self.ls.encoding)
            every = sorted([*own, *self.found.get(key, [])], key=Finding.sort_key)
            items = [diagnostic(f, convert) for f in every]
            reports.append(
                types.WorkspaceFullDocumentDiagnosticReport(uri=uri, version=None, items=items, result_id=ids[key])
            )
        return reports

    def _result_id(self, key: str) -> str:
        digest = hashlib.blake2b(self.texts.get(key, "").encode("utf-8", "surrogatepass"), digest_size=8)
        return f"{self.ls.generation}:{self.revision}:{digest.hexdigest()}"


def _uri_of_key(roots: list[Path], key: str) -> str:
    path = Path(key)
    return (path if path.is_absolute() or not roots else roots[0] / path).as_uri()


def file_path(uri: str) -> Path | None:
    """The filesystem path of a ``file:`` URI (None for any other scheme, e.g. ``untitled:``)."""
    if not uri.startswith("file:"):
        return None
    path = to_fs_path(uri)
    return Path(path) if path else None
