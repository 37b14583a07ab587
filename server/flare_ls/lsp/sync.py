"""Document lifecycle and the session: open, change, close; settings; the parent process."""

from __future__ import annotations

import asyncio

from lsprotocol import types

from .server import FlareServer, guarded
from .workspace import WATCHED_GLOBS

CONFIG_SECTION = "flare-ls"


def register(server: FlareServer) -> None:
    @server.feature(types.INITIALIZE)
    @guarded(None)
    def initialize(ls: FlareServer, params: types.InitializeParams) -> None:
        if params.initialization_options is not None:
            ls.apply_settings(params.initialization_options)

    @server.feature(types.INITIALIZED)
    @guarded(None)
    def initialized(ls: FlareServer, params: types.InitializedParams) -> None:
        ls.warm_up_soon()  # once the documents opened meanwhile are diagnosed; the index waits for it
        if ls.process_id:
            asyncio.ensure_future(ls.watch_parent(ls.process_id))
        caps = ls.client_capabilities.workspace
        if caps is not None and caps.configuration:
            asyncio.ensure_future(_pull_settings(ls))
        else:
            ls.settings_ready.set()
        asyncio.ensure_future(ls.manifests.build())
        watch = caps.did_change_watched_files if caps is not None else None
        if watch is not None and watch.dynamic_registration:
            asyncio.ensure_future(_watch_files(ls))

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    @guarded(None)
    def did_change_configuration(ls: FlareServer, params: types.DidChangeConfigurationParams) -> None:
        caps = ls.client_capabilities.workspace
        if caps is not None and caps.configuration:
            asyncio.ensure_future(_pull_settings(ls))
        elif params.settings is not None and ls.apply_settings(params.settings):
            ls.reanalyse_all()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    @guarded(None)
    def did_open(ls: FlareServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    @guarded(None)
    def did_change(ls: FlareServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    @guarded(None)
    def did_close(ls: FlareServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.forget(params.text_document.uri)
        ls.manifests.closed(params.text_document.uri)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    @guarded(None)
    def did_change_watched_files(ls: FlareServer, params: types.DidChangeWatchedFilesParams) -> None:
        ls.manifests.files_changed(params.changes)


async def _watch_files(ls: FlareServer) -> None:
    """Ask the client to report changes to manifests and configuration files on disk."""
    watchers = [types.FileSystemWatcher(glob_pattern=glob) for glob in WATCHED_GLOBS]
    registration = types.Registration(
        id="flare-ls/watched-files",
        method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
        register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers),
    )
    try:
        await ls.client_register_capability_async(types.RegistrationParams(registrations=[registration]))
    except Exception as exc:  # noqa: BLE001 - a client may refuse: the index then follows open documents only
        ls.log_error("client/registerCapability", exc)


async def _pull_settings(ls: FlareServer) -> None:
    try:
        result = await ls.workspace_configuration_async(
            types.ConfigurationParams(items=[types.ConfigurationItem(section=CONFIG_SECTION)])
        )
    except Exception as exc:  # noqa: BLE001 - a client may answer with an error: keep the settings we have
        ls.log_error("workspace/configuration", exc)
        return
    finally:
        ls.settings_ready.set()
    raw = result[0] if result else None
    # An editor with nothing configured for flare-ls answers null or {}: keep what initializationOptions
    # gave rather than falling back to the defaults.
    if raw in (None, {}):
        return
    if ls.apply_settings(raw):
        ls.reanalyse_all()
