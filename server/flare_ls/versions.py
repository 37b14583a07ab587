"""One document's successive versions, each analysed from the previous one.

An editor sends a new version of a manifest at every keystroke, and a keystroke changes one value of one
job. :func:`analyze_version` does what :func:`analyze.analyze` does, but given the previous version it
parses again only the block the edit falls in (``parsing/incremental.py``) and analyses again only the
jobs whose subtree changed (``analyze.Reuse``); the rest is the previous version's, moved by the lines the
edit added or removed. The findings are those a whole analysis of the text gives
(``tests/test_incremental.py`` proves it on random edits).

A version's tree is changed in place to become the next version's: a version can be built on once
(:meth:`Version.take`); building on it again, or on one whose successor failed halfway, analyses the whole
text.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from .analyze import Config, Memo, Reuse, analyze_parsed
from .findings import Finding
from .parsing.incremental import line_edit, lines_edit, reparse
from .parsing.yamltree import ParsedText, YNode, parse, split_lines
from .references import FileView


@dataclass
class Version:
    """One version of a text, analysed: its lines and tree (without a byte-order mark), its findings, and
    what the next version's analysis reuses."""

    text: str
    lines: list[str]
    parsed: ParsedText
    findings: list[Finding]
    config: Config | None
    memo: Memo
    #: How it was read: "whole" (parsed and analysed from scratch), "spliced" (one block parsed again) or
    #: "same" (the text of the previous version, analysed again).
    how: str = "whole"
    #: The dag jobs analysed again (the others' results were reused): what tests and benchmarks count.
    computed: int = 0
    #: Read as a job file (``analyze(..., job_file=True)``).
    job_file: bool = False
    #: The previous version's block this one's splice replaced: in no tree any more, for the caller to
    #: release (``yamltree.release_node``) once nothing reads the previous version.
    dropped: YNode | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    _taken: bool = field(default=False, repr=False, compare=False)

    @property
    def body(self) -> str:
        return self.text[1:] if self.text.startswith("\ufeff") else self.text

    @property
    def taken(self) -> bool:
        """Whether the tree was claimed for a next version (it may be changed already)."""
        return self._taken

    def take(self) -> bool:
        """Claim this version's tree for building the next one on: True once, False ever after (the
        tree may then be changed already). Another thread's analysis of a newer version may claim it too;
        the lock makes one of them win."""
        with self._lock:
            if self._taken:
                return False
            self._taken = True
            return True


@dataclass
class Prepared:
    """A version's text read for its analysis, before the analysis: its lines, and its tree when it
    was built on the previous version's (None: the text is to be parsed whole)."""

    text: str
    job_file: bool
    lines: list[str]
    parsed: ParsedText | None
    reuse: Reuse
    how: str
    dropped: YNode | None = None

    @property
    def cheap(self) -> bool:
        """Built on the previous version's tree: what is left to do is in proportion to the edit (the
        jobs it touched), not to the text."""
        return self.parsed is not None


def prepare_version(
    text: str,
    previous: Version | None = None,
    job_file: bool = False,
    *,
    claimed: bool = False,
    lines: list[str] | None = None,
    max_lines: int | None = None,
) -> Prepared:
    """The first part of :func:`analyze_version`: the text's lines, and the block the edit falls in
    parsed again and spliced into ``previous``'s tree (changed in place) when that can be done, with
    a block of at most ``max_lines`` lines when given (else ``previous`` is left as it was, and may be
    prepared again without the bound, ``claimed``)."""
    bom = text.startswith("\ufeff")
    body = text[1:] if bom else text
    if (
        previous is not None
        and previous.text.startswith("\ufeff") == bom
        and previous.job_file == job_file
        and (claimed or previous.take())
    ):
        # The caller's lines compare without reading the texts (``lines_edit``); when they are all the
        # same, the texts may still differ in their line endings.
        edit = lines_edit(previous.lines, lines) if lines is not None else None
        if edit is None:
            edit = line_edit(previous.body, previous.lines, body)
        if edit is None:
            return Prepared(
                text, job_file, previous.lines, previous.parsed, Reuse(previous.memo, unchanged=True), "same"
            )
        splice = reparse(previous.parsed, previous.lines, edit, max_lines)
        if splice is not None:
            return Prepared(
                text, job_file, edit.lines, splice.parsed, Reuse(previous.memo, splice), "spliced", splice.old
            )
        lines = edit.lines
    return Prepared(text, job_file, lines if lines is not None else split_lines(body), None, Reuse(), "whole")


def finish_version(prepared: Prepared, config: Config | None = None, files: FileView | None = None) -> Version:
    """The second part of :func:`analyze_version`: the text parsed whole if it was not built on the
    previous version, and analysed (only the jobs the edit touched, when it was)."""
    text, lines, reuse = prepared.text, prepared.lines, prepared.reuse
    bom = text.startswith("\ufeff")
    body = text[1:] if bom else text
    parsed = prepared.parsed if prepared.parsed is not None else parse(body, lines)
    job_file = prepared.job_file
    findings = analyze_parsed(body, lines, parsed, config, bom, files, job_file=job_file, reuse=reuse)
    computed = len(reuse.computed)
    return Version(
        text, lines, parsed, findings, config, reuse.memo, prepared.how, computed, job_file, prepared.dropped
    )


def analyze_version(
    text: str,
    config: Config | None = None,
    files: FileView | None = None,
    previous: Version | None = None,
    job_file: bool = False,
    *,
    claimed: bool = False,
    lines: list[str] | None = None,
) -> Version:
    """The analysis of ``text`` (which may start with a byte-order mark), built on ``previous`` when it
    can be: the findings are :func:`analyze.analyze`'s for the same arguments. ``job_file``: a workflow
    names this text as a dag job's ``file:`` (a version read otherwise is not built on). ``claimed``:
    the caller has taken ``previous`` already (:meth:`Version.take`). ``lines``: the lines of the text
    after any byte-order mark, when the caller has them split (compared with ``previous``'s to find
    what the edit changed, and used when the text is parsed whole).
    In two parts, :func:`prepare_version` and :func:`finish_version`, for a caller that does the second
    elsewhere when the first could not build on the previous version (the language server: in a
    thread, since a whole analysis of a big manifest takes a while)."""
    return finish_version(prepare_version(text, previous, job_file, claimed=claimed, lines=lines), config, files)
