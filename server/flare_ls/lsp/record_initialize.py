"""The answer to ``initialize`` that ``startup.py`` writes before the server loads, recorded from the server.

    python -m flare_ls.lsp.record_initialize           # rewrite server/flare_ls/lsp/initialize.json
    python -m flare_ls.lsp.record_initialize --check   # exit 1 when it is stale (the tests run this)

A real server (``create_server``) answers initialize for a client that offers nothing, and once for each
part of a client's capabilities that pygls reads, to record what that part changes. Then every client of
:data:`PROBES` is answered both ways, by the server and by ``startup.initialize_result`` on the
recording, and a difference stops the recording: the answer now depends on the client in a way
``startup.py`` does not compute, and must be taught it before it can answer early again.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

from . import startup

#: Clients whose answers the early one must equal: each part of the capabilities that pygls reads
#: (``pygls.capabilities.ServerCapabilitiesBuilder``), given and refused, and all at once.
PROBES: list[dict[str, Any]] = [
    {},
    {"general": {}},
    {"general": {"positionEncodings": []}},
    {"general": {"positionEncodings": ["utf-8"]}},
    {"general": {"positionEncodings": ["utf-32", "utf-8"]}},
    {"general": {"positionEncodings": ["utf-7", "utf-16"]}},
    {"general": {"positionEncodings": ["utf-7"]}},
    {"textDocument": {"synchronization": {"willSave": True}}},
    {"textDocument": {"synchronization": {"willSave": False, "willSaveWaitUntil": True}}},
    {"textDocument": {"synchronization": {"willSaveWaitUntil": False, "didSave": True}}},
    {"textDocument": {"rename": {"prepareSupport": True}}},
    {"textDocument": {"rename": {"prepareSupport": False}}},
    {"workspace": {"fileOperations": {name: True for name in ("willCreate", "didCreate", "willRename")}}},
    {"workspace": {"fileOperations": {name: True for name in ("didRename", "willDelete", "didDelete")}}},
    {"notebookDocument": {"synchronization": {"dynamicRegistration": True}}},
    {
        "general": {"positionEncodings": ["utf-8", "utf-16"]},
        "textDocument": {
            "synchronization": {"willSave": True, "willSaveWaitUntil": True},
            "rename": {"prepareSupport": True},
            "diagnostic": {},
        },
        "workspace": {
            "workspaceFolders": True,
            "configuration": True,
            "fileOperations": {
                name: True for name in ("willCreate", "didCreate", "willRename", "didRename", "willDelete", "didDelete")
            },
        },
        "notebookDocument": {"synchronization": {}},
        "window": {"workDoneProgress": True},
    },
]


def initialize_request(capabilities: dict[str, Any], **params: Any) -> dict[str, Any]:
    return {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {"processId": None, "capabilities": capabilities, **params},
    }


def server_answer(request: dict[str, Any]) -> bytes:
    """The bytes a fresh server writes in answer to ``request``, its first message, as pygls answers it
    (its first frame: an answer; what follows, a log message, is not wanted here)."""
    from .server import create_server
    from .transport import dispatch

    written: list[bytes] = []

    class Capture:
        def write(self, data: bytes) -> None:
            written.append(data)

        def close(self) -> None:
            pass

    server = create_server()
    server.protocol.set_writer(Capture())
    dispatch(server.protocol, json.dumps(request).encode("utf-8"))
    answers = [w for w in written if b'"method"' not in w.split(b"\r\n\r\n", 1)[1][:200]]
    if not answers:
        raise RuntimeError(f"the server did not answer {request['method']}")
    return answers[0]


def body(frame: bytes) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(frame.split(b"\r\n\r\n", 1)[1])
    return data


def record() -> dict[str, Any]:
    """What ``initialize.json`` holds, from the server; raises ValueError when a probe's early answer
    would not be the server's."""
    result = body(server_answer(initialize_request({})))["result"]
    del result["serverInfo"]["version"]  # the package's, at run time
    renamed = body(server_answer(initialize_request({"textDocument": {"rename": {"prepareSupport": True}}})))
    both = {"willSave": True, "willSaveWaitUntil": True}
    saved = body(server_answer(initialize_request({"textDocument": {"synchronization": both}})))
    sync = saved["result"]["capabilities"].get("textDocumentSync") or {}
    recorded = {
        "_": "Written by `python -m flare_ls.lsp.record_initialize` from the server; read by startup.py.",
        "result": result,
        "withClient": {
            "renameProvider": renamed["result"]["capabilities"].get("renameProvider"),
            "willSave": sync.get("willSave", False),
            "willSaveWaitUntil": sync.get("willSaveWaitUntil", False),
        },
    }
    for capabilities in PROBES:
        request = initialize_request(capabilities)
        early = startup.early_answer(request, recorded)
        server = body(server_answer(request))
        found = startup.differences(early, server) if early is not None else ["no early answer"]
        if found:
            raise ValueError(
                f"for a client with the capabilities {json.dumps(capabilities)}, the early answer to initialize "
                f"would not be the server's ({'; '.join(found[:5])}): teach flare_ls/lsp/startup.py"
            )
    return recorded


def render() -> str:
    return json.dumps(record(), indent=2) + "\n"


def main(argv: list[str]) -> int:
    logging.getLogger("pygls").setLevel(logging.ERROR)  # the probes' unknown encodings are on purpose
    path = Path(startup.RECORDED)
    try:
        text = render()
    except ValueError as exc:
        print(f"flare-ls: {exc}", file=sys.stderr)
        return 1
    if "--check" in argv:
        if (path.read_text(encoding="utf-8") if path.exists() else "") != text:
            print(f"{path} is stale: run `python -m flare_ls.lsp.record_initialize`", file=sys.stderr)
            return 1
        return 0
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
