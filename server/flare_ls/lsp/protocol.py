"""pygls's protocol with the gaps that would leave a client waiting, or the server growing, closed.

- After ``shutdown`` pygls drops every message but ``exit`` without a word, so a request would wait
  forever; here it is answered with InvalidRequest, as the LSP specification asks.
- pygls keeps the future of every notification whose handler is one of its own generators (didOpen,
  didChange, didClose, ...) in ``_request_futures`` and never removes it: about one future per
  notification for the life of the session. Here a future is removed when it is done.
- Diagnostics are published as JSON data converted once per finding (``FlareServer._as_data``),
  not as lsprotocol objects that pygls would unstructure field by field at every publication.
- The workspace pygls makes at ``initialize`` holds our documents (``documents.py``), which apply an
  incremental change to the lines it spans instead of rewriting the whole text.
"""

from __future__ import annotations

import logging
from collections.abc import Generator
from concurrent.futures import Future
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidRequest
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.json_rpc import RPCRequest
from pygls.protocol.language_server import lsp_method

from .documents import FlareWorkspace

log = logging.getLogger(__name__)


class FlareProtocol(LanguageServerProtocol):
    def handle_message(self, message: Any) -> None:
        if self._shutdown and isinstance(message, RPCRequest) and message.method != types.EXIT:
            error = JsonRpcInvalidRequest(f"{message.method!r} after shutdown: the server only accepts exit now")
            self._send_response(message.id, error=error.to_response_error())
            return
        super().handle_message(message)

    def notify_data(self, method: str, params: dict[str, Any]) -> None:
        """Send a notification whose params are JSON data already: ``json`` serialises it in C, where
        pygls would unstructure lsprotocol objects field by field first."""
        self._send_data({"jsonrpc": self.VERSION, "method": method, "params": params})

    def unstructure(self, value: Any) -> dict[str, Any]:
        """An lsprotocol object as the JSON data pygls would send for it."""
        data: dict[str, Any] = self._converter.unstructure(value)
        return data

    def _execute_handler(self, msg_id: Any, handler: Any, callback: Any, args: Any = None, kwargs: Any = None) -> None:
        super()._execute_handler(msg_id, handler, callback, args, kwargs)
        future = self._request_futures.get(msg_id)
        if future is not None:
            future.add_done_callback(lambda done: self._forget_future(msg_id, done))

    def _forget_future(self, msg_id: Any, future: Future[Any]) -> None:
        if self._request_futures.get(msg_id) is future:
            del self._request_futures[msg_id]

    @lsp_method(types.INITIALIZE)
    def lsp_initialize(self, params: types.InitializeParams) -> Generator[Any, Any, types.InitializeResult]:
        """pygls's initialize, with its workspace swapped for ours before any document can arrive."""
        steps = super().lsp_initialize(params)
        try:
            step = next(steps)  # the workspace is made; pygls now runs the server's own handler
        except StopIteration as done:
            self._use_our_workspace()
            return done.value
        self._use_our_workspace()
        while True:
            answer = yield step
            try:
                step = steps.send(answer)
            except StopIteration as done:
                return done.value

    def _use_our_workspace(self) -> None:
        self._workspace = FlareWorkspace.replacing(self.workspace, self._server._text_document_sync_kind)
