"""Fixing text and files: idempotent, complete for safe fixes, and byte-preserving outside the edits."""

from __future__ import annotations

import codecs
import errno
import os
import stat
from pathlib import Path

import pytest

from flare_ls.analyze import Config, analyze
from flare_ls.fixing import FileFix, fix_file, fix_text, unified_diff
from flare_ls.parsing.yamltree import parse
from golden import CORPUS, FIXTURES

SOURCES = sorted(CORPUS.glob("*.yaml")) + sorted(FIXTURES.glob("*/*.yaml"))
BASE = (FIXTURES / "invalid-value" / "trigger-continous.yaml").read_text(encoding="utf-8")
TYPO = "triggerMode: Continous"
FIXED = "triggerMode: Continuous"


def test_there_are_sources() -> None:
    assert len(list(CORPUS.glob("*.yaml"))) >= 78 and len(SOURCES) > 100


@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe"])
@pytest.mark.parametrize("path", SOURCES, ids=[f"{p.parent.name}/{p.stem}" for p in SOURCES])
def test_fixing_is_idempotent_keeps_yaml_and_leaves_no_safe_fix(path, unsafe) -> None:
    text = path.read_bytes().decode("utf-8")
    fixed, count = fix_text(text, unsafe=unsafe)
    assert (count == 0) == (fixed == text)
    again, more = fix_text(fixed, unsafe=unsafe)
    assert more == 0 and again == fixed
    if parse(text).error is None:
        assert parse(fixed).error is None, "fixing broke the YAML"
    assert not [f for f in analyze(fixed) if f.fix is not None and f.fix.safe]


def test_fix_text_counts_and_repeats_rounds() -> None:
    text = BASE.replace("saveMode: append", "saveMode: apend")
    fixed, count = fix_text(text)
    assert count == 2 and FIXED in fixed and "saveMode: append" in fixed
    # FL102's fix makes the trigger `Continuous`, whose Iceberg sink is FL208 (no fix): nothing more.
    assert {f.code for f in analyze(fixed)} == {"FL208"}


def test_fix_text_respects_the_config() -> None:
    fixed, count = fix_text(BASE, config=Config(ignore=frozenset({"FL102"})))
    assert (fixed, count) == (BASE, 0)


def test_unsafe_fixes_only_when_asked() -> None:
    text = BASE.replace("              checkpointLocation: dataos://lakehouse:checkpoints/orders?acl=rw\n", "")
    unsafe = [f for f in analyze(text) if f.fix is not None and not f.fix.safe]
    assert unsafe, "the fixture needs an unsafe fix"
    safe_only, _ = fix_text(text)
    assert "checkpointLocation" not in safe_only
    with_unsafe, _ = fix_text(text, unsafe=True)
    assert "checkpointLocation" in with_unsafe


def test_overlapping_fixes_wait_for_the_next_round() -> None:
    text = BASE.replace("triggerMode: Continous\n", "triggerMode: Continous  # flare-ls: disable=FL306,FL207\n")
    fixed, count = fix_text(text)
    assert count == 2  # the typo, then the comment removed whole (both FL004 fixes are the same edit)
    assert "triggerMode: Continuous\n" in fixed


def _bytes_around(original: bytes, fixed: bytes, old: bytes, new: bytes) -> None:
    """``fixed`` is ``original`` with the one occurrence of ``old`` replaced by ``new``, byte for byte."""
    assert original.count(old) == 1
    at = original.index(old)
    assert fixed[:at] == original[:at]
    assert fixed[at : at + len(new)] == new
    assert fixed[at + len(new) :] == original[at + len(old) :]


CASES = {
    "crlf": (BASE.replace("\n", "\r\n"), "utf-8", b""),
    "utf8-bom": (BASE, "utf-8", codecs.BOM_UTF8),
    "utf16-le": (BASE, "utf-16-le", codecs.BOM_UTF16_LE),
    "utf16-be": (BASE.replace("\n", "\r\n"), "utf-16-be", codecs.BOM_UTF16_BE),
    "utf32-le": (BASE, "utf-32-le", codecs.BOM_UTF32_LE),
    "comments-and-trailing-spaces": (
        "# a header comment   \n"
        + BASE.replace("version: v1\n", "version: v1   \n")
        .replace("  title: Orders stream\n", "  title: Orders stream  # shown in the UI \t\n")
        .replace("explain: true\n", "explain: true\n\n   \n            # kept\n")
        .rstrip("\n"),
        "utf-8",
        b"",
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_fix_file_preserves_every_byte_outside_the_edit(tmp_path, name) -> None:
    text, encoding, bom = CASES[name]
    original = bom + text.encode(encoding)
    path = tmp_path / "manifest.yaml"
    path.write_bytes(original)
    result = fix_file(path)
    assert result.error is None and result.count == 1 and result.changed
    assert result.encoding == encoding and result.bom == bom
    _bytes_around(original, path.read_bytes(), TYPO.encode(encoding), FIXED.encode(encoding))


def test_fix_file_does_not_write_when_asked_not_to_or_when_nothing_changes(tmp_path) -> None:
    path = tmp_path / "manifest.yaml"
    path.write_text(BASE, encoding="utf-8")
    before = path.stat().st_mtime_ns
    dry = fix_file(path, write=False)
    assert dry.changed and dry.count == 1 and path.read_text(encoding="utf-8") == BASE
    clean = tmp_path / "clean.yaml"
    clean.write_text(BASE.replace(TYPO, "triggerMode: ProcessingTime"), encoding="utf-8")
    os.utime(clean, ns=(before - 10**9, before - 10**9))
    result = fix_file(clean)
    assert not result.changed and result.count == 0
    assert clean.stat().st_mtime_ns == before - 10**9


@pytest.mark.skipif(os.name != "posix", reason="permission bits")
def test_the_file_is_rewritten_in_place_keeping_its_mode_and_leaving_no_temporary_file(tmp_path) -> None:
    path = tmp_path / "manifest.yaml"
    path.write_text(BASE, encoding="utf-8")
    os.chmod(path, 0o640)
    inode = path.stat().st_ino
    result = fix_file(path)
    assert result.error is None and result.count == 1
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert path.stat().st_ino == inode  # the same file, its content replaced
    assert FIXED in path.read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["manifest.yaml"]


@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
def test_a_symbolic_link_is_followed(tmp_path) -> None:
    target = tmp_path / "real.yaml"
    target.write_text(BASE, encoding="utf-8")
    link = tmp_path / "link.yaml"
    link.symlink_to(target)
    fix_file(link)
    assert link.is_symlink() and FIXED in target.read_text(encoding="utf-8")


def test_an_undecodable_file_is_reported_and_not_written(tmp_path) -> None:
    path = tmp_path / "latin1.yaml"
    data = BASE.replace("reads order events", "reads caf\u00e9 events").encode("latin-1")
    path.write_bytes(data)
    result = fix_file(path)
    assert result.error is not None and "not valid UTF-8" in result.error and result.error.startswith("4:")
    assert result.fixed is None and not result.changed and result.count == 0
    assert path.read_bytes() == data
    assert unified_diff(result) == ""


def test_an_unreadable_file_is_reported(tmp_path) -> None:
    result = fix_file(tmp_path / "missing.yaml")
    assert result.error is not None and result.error.startswith("cannot read the file")


def test_a_write_failing_half_way_is_reported_and_the_original_put_back(tmp_path, monkeypatch) -> None:
    path = tmp_path / "manifest.yaml"
    path.write_text(BASE, encoding="utf-8")
    real_write, calls = os.write, []

    def disk_full_after_ten_bytes(fd, data):
        calls.append(len(data))
        if len(calls) == 1:  # the fixed text: ten bytes land, then the disk is full
            real_write(fd, bytes(data[:10]))
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr("flare_ls.files.os.write", disk_full_after_ten_bytes)
    result = fix_file(path)
    assert result.error == "cannot write the file: No space left on device" and result.not_written
    assert result.count == 1 and result.fixed is not None and FIXED in result.fixed
    assert path.read_text(encoding="utf-8") == BASE
    assert sorted(p.name for p in tmp_path.iterdir()) == ["manifest.yaml"]


def test_unified_diff(tmp_path) -> None:
    path = tmp_path / "manifest.yaml"
    path.write_text(BASE.rstrip("\n"), encoding="utf-8")
    diff = unified_diff(fix_file(path, write=False))
    name = path.as_posix().lstrip("/")
    assert diff.startswith(f"--- a/{name}\n+++ b/{name}\n@@ ")
    assert f"-              {TYPO}\n+              {FIXED}\n" in diff
    relative = FileFix(path=Path("dir/x.yaml"), original="a\nb", fixed="a\nc", count=1)
    assert unified_diff(relative) == (
        "--- a/dir/x.yaml\n+++ b/dir/x.yaml\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n"
        "+c\n\\ No newline at end of file\n"
    )


def test_a_round_skips_overlaps_and_anything_starting_where_text_is_inserted() -> None:
    from flare_ls.findings import Finding, Fix, TextEdit
    from flare_ls.fixing import choose_fixes
    from flare_ls.suppressions import UNUSED_SUPPRESSION as RULE

    def finding(*spans: tuple[int, int], safe: bool = True) -> Finding:
        edits = tuple(TextEdit((0, a), (0, b), "x") for a, b in spans)
        return Finding(RULE, "m", (0, 0), (0, 0), RULE.severity, Fix("f", edits, safe))

    findings = [
        finding((6, 6)),  # an insertion at 6
        finding((0, 2)),
        finding((1, 3)),  # overlaps the previous one
        finding((2, 4)),  # touches it: fine
        finding((4, 6)),  # ends where the insertion is: fine
        finding((6, 8)),  # starts where text is inserted: next round
        finding((6, 6)),  # a second insertion there: next round
        finding((8, 9), safe=False),
        finding((9, 10), (12, 12)),
        finding((11, 12)),  # inside the span of the previous fix
    ]
    chosen = choose_fixes(findings, unsafe=False)
    assert [[(e.start[1], e.end[1]) for e in edits] for edits in chosen] == [
        [(0, 2)],
        [(2, 4)],
        [(4, 6)],
        [(6, 6)],
        [(9, 10), (12, 12)],
    ]
    assert len(choose_fixes(findings, unsafe=True)) == 6
