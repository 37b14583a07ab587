"""pygls's protocol with the gaps that would leave a client waiting, or the server growing, closed.

- After ``shutdown`` pygls drops every message but ``exit`` without a word, so a request would wait
  forever; here it is answered with InvalidRequest, as the LSP specification asks.
- pygls keeps the future of every notification whose handler is one of its own generators (didOpen,
  didChange, didClose, ...) in ``_request_futures`` and never removes it: about one future per
  notification for the life of the session. Here a future is removed when it is done.
- Diagnostics are published, and pulled, as JSON text serialised once per finding (``server.as_data``,
  :class:`JsonResult`), not as lsprotocol objects that pygls would unstructure and serialise field by
  field at every publication.
- The workspace pygls makes at ``initialize`` holds our documents (``documents.py``), which apply an
  incremental change to the lines it spans instead of rewriting the whole text.
- When ``initialize`` was answered before the server loaded (``startup.py``), pygls's own answer to it
  is not sent again: it is compared with the one sent, and a difference is reported.
"""

from __future__ import annotations

import asyncio
import contextvars
import inspect
import json
import logging
from collections.abc import Generator
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInternalError, JsonRpcInvalidRequest
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

from . import startup
from .documents import FlareWorkspace

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JsonResult:
    """A request's result already serialised (JSON text): a handler returns it, and it is sent as it is,
    where pygls would unstructure an lsprotocol result field by field and serialise it whole."""

    text: str


class FlareProtocol(LanguageServerProtocol):
    #: The answer to initialize sent before the server loaded (``startup.py``), until pygls answers it.
    answered_early: dict[str, Any] | None = None

    def _closed(self) -> bool:
        """Whether the output has been closed (by ``exit``): a request still running then, as a hover
        sent with shutdown and exit in one write, has no one to answer, and is dropped quietly where
        writing raised and logged a traceback."""
        stream = getattr(self.writer, "_stdout", None)  # pygls's StdoutWriter
        return bool(getattr(stream, "closed", False))

    def _send_data(self, data: Any) -> None:
        if self._closed():
            log.debug("not sent, the output is closed: %.200s", data)
            return
        early = self.answered_early
        if early is not None and _answers(data, early["id"]):
            self.answered_early = None
            try:
                self._compare_early(early, json.loads(json.dumps(data, default=self._serialize_message)))
            except Exception:  # noqa: BLE001 - never an error answer: the request has its answer
                log.exception("could not compare the answer to initialize with the one sent early")
            return
        super()._send_data(data)

    def _compare_early(self, sent: dict[str, Any], server: dict[str, Any]) -> None:
        """Report how pygls's answer to the initialize answered early differs from the answer sent."""
        found = startup.differences(sent, server)
        if not found:
            return
        problem = f"{startup.MISMATCH}: {'; '.join(found[:5])} (please report it)"
        log.error(problem)
        message = f"flare-ls: {problem}"
        try:
            self.notify(types.WINDOW_LOG_MESSAGE, types.LogMessageParams(type=types.MessageType.Error, message=message))
        except Exception:  # noqa: BLE001 - a report must not end the session
            log.exception("could not send the report to the client")

    def handle_message(self, message: Any) -> None:
        """pygls's dispatch (``JsonRPCProtocol.handle_message``), with its checks against the runtime
        protocols ``RPCRequest`` and the like made as those checks are made, by the attributes present:
        ``isinstance`` with a protocol class costs about 0.1 ms a message, a twentieth of a keystroke
        on a small manifest. A request after shutdown is refused with an error, where pygls drops it."""
        request = _is_request(message)
        if self._shutdown and request and message.method != types.EXIT:
            error = JsonRpcInvalidRequest(f"{message.method!r} after shutdown: the server only accepts exit now")
            self._send_response(message.id, error=error.to_response_error())
            return
        if message.jsonrpc != self.VERSION:
            log.warning('Unknown message "%s"', message)
            return
        if self._shutdown and getattr(message, "method", "") != types.EXIT:
            log.warning("Server shutting down. No more requests!")
            return
        context = contextvars.copy_context()  # each handler runs in its own context, as in pygls
        if request:
            context.run(self._handle_request, message.id, message.method, message.params)
        elif _has(message, ("method", "jsonrpc", "params")):
            context.run(self._handle_notification, message.method, message.params)
        elif _has(message, ("id", "jsonrpc", "result")):
            context.run(self._handle_response, message.id, message.result)
        else:
            context.run(self._handle_response, message.id, None, message.error)

    def publish_diagnostics_json(self, uri: str, version: int | None, diagnostics: list[str]) -> None:
        """Publish diagnostics each serialised already (JSON text, kept per finding while it stands),
        where pygls would unstructure lsprotocol objects field by field and serialise them all again."""
        body = (
            f'{{"jsonrpc":"{self.VERSION}","method":"{types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS}",'
            f'"params":{{"uri":{json.dumps(uri)},"diagnostics":[{",".join(diagnostics)}]'
            + (f',"version":{int(version)}' if version is not None else "")
            + "}}"
        )
        self._send_json(body)

    def _send_response(self, msg_id: Any, result: Any = None, error: Any = None) -> None:
        if error is None and isinstance(result, JsonResult):
            self._result_types.pop(msg_id, None)
            self._send_json(f'{{"jsonrpc":"{self.VERSION}","id":{json.dumps(msg_id)},"result":{result.text}}}')
            return
        super()._send_response(msg_id, result, error)

    def _send_json(self, body: str) -> None:
        """Write one message already serialised, framed as pygls's ``_send_data`` frames its own."""
        if self.writer is None:
            log.error("unable to send data: no transport")
            return
        if self._closed():
            log.debug("not sent, the output is closed: %.200s", body)
            return
        data = body.encode(self.CHARSET)
        header = f"Content-Length: {len(data)}\r\nContent-Type: {self.CONTENT_TYPE}; charset={self.CHARSET}\r\n\r\n"
        try:
            written = self.writer.write(header.encode("ascii") + data)
            if inspect.isawaitable(written):
                asyncio.ensure_future(written)
        except BrokenPipeError:
            log.exception("could not send: the client's end is closed")
            raise
        except Exception as error:  # noqa: BLE001 - as pygls's: reported, the session goes on
            log.exception("could not send")
            self._server._report_server_error(error, JsonRpcInternalError)

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


def _answers(data: Any, request_id: int | str) -> bool:
    """Whether ``data``, a message being sent, answers the request ``request_id`` (an answer has no
    method; the type matters: the request ``1`` is not the request ``"1"``)."""
    answer_id = data.get("id") if isinstance(data, dict) else getattr(data, "id", None)
    method = data.get("method") if isinstance(data, dict) else getattr(data, "method", None)
    return method is None and type(answer_id) is type(request_id) and answer_id == request_id


def _has(message: Any, names: tuple[str, ...]) -> bool:
    return all(hasattr(message, name) for name in names)


def _is_request(message: Any) -> bool:
    """What ``isinstance(message, pygls.protocol.json_rpc.RPCRequest)`` says."""
    return _has(message, ("id", "method", "jsonrpc", "params"))
