"""What a JSON-RPC frame is on the wire: a header block holding ``Content-Length: N``, then N bytes.

Only the standard library: the answer to ``initialize`` sent before pygls loads (``startup.py``) reads
its frame with these, as the message loop's reader (``transport.FrameReader``) does.
"""

from __future__ import annotations

import re

#: A header block longer than this is not one.
MAX_HEADER_BYTES = 8 * 1024
CHUNK = 64 * 1024
HEADER = re.compile(rb"content-length:", re.IGNORECASE)
#: A whole Content-Length line, as found where a body was expected (see ``transport.py``'s docstring).
NEXT_FRAME = re.compile(rb"content-length:[ \t]*\d+\r\n", re.IGNORECASE)
_LENGTH = re.compile(rb"[ \t]*(\d{1,20})[ \t]*")


def content_length(headers: bytes) -> int | None:
    """The length a header block gives (its first Content-Length line), None when it gives none usable."""
    for line in headers.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            match = _LENGTH.fullmatch(value)
            return int(match.group(1)) if match else None
    return None
