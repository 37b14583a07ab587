"""Mistakes put into real manifests that are broken or old are found all the same.

Every corpus manifest with a YAML syntax error or a legacy layout (a ``flare:`` section, ``inputType``,
``sink``) gets, one at a time, a key typo (``format`` spelt ``fromat``), a misspelt trigger mode
(``Continous``) and a dropped ``checkpointLocation``; each must be reported where it was made, beside
the file's syntax errors rather than hidden by them.
"""

from __future__ import annotations

import re

import pytest

from flare_ls.analyze import analyze
from flare_ls.parsing.yamltree import split_lines
from golden import CORPUS

_LEGACY = re.compile(r"^\s*(?:flare:\s*$|inputType:|-?\s*sink:)", re.M)


def _broken_or_old(text: str) -> bool:
    return bool(_LEGACY.search(text)) or any(f.code == "FL001" for f in analyze(text))


SOURCES = [p for p in sorted(CORPUS.glob("*.yaml")) if _broken_or_old(p.read_text(encoding="utf-8"))]


def _key_typo(lines: list[str]) -> tuple[list[str], int, str] | None:
    for number, line in enumerate(lines):
        if re.match(r"^\s*(?:- )?format:\s*\S", line):
            return [*lines[:number], line.replace("format:", "fromat:", 1), *lines[number + 1 :]], number, "FL101"
    return None


def _trigger_typo(lines: list[str]) -> tuple[list[str], int, str] | None:
    for number, line in enumerate(lines):
        match = re.match(r"^(\s*)triggerMode:\s*\S", line)
        if match:
            return [*lines[:number], f"{match.group(1)}triggerMode: Continous", *lines[number + 1 :]], number, "FL102"
    for number, line in enumerate(lines):
        match = re.match(r"^(\s*)streaming:\s*$", line)
        if match:
            indent = match.group(1) + "  "
            injected = f"{indent}triggerMode: Continous"
            return [*lines[: number + 1], injected, *lines[number + 1 :]], number + 1, "FL102"
    return None


def _dropped_checkpoint(lines: list[str]) -> tuple[list[str], int, str] | None:
    streams = any(re.match(r"^\s*isStream:\s*true\s*$", line) for line in lines)
    for number, line in enumerate(lines):
        if streams and re.match(r"^\s*checkpointLocation:", line):
            # The finding is said at the job's streaming section (or its job): anywhere in the file.
            return [*lines[:number], *lines[number + 1 :]], -1, "FL202"
    return None


INJECTIONS = {"key-typo": _key_typo, "trigger-typo": _trigger_typo, "dropped-checkpoint": _dropped_checkpoint}


def _cases():
    for path in SOURCES:
        lines = split_lines(path.read_text(encoding="utf-8"))
        for name, inject in INJECTIONS.items():
            made = inject(lines)
            if made is not None:
                yield pytest.param(path, *made, id=f"{path.stem}:{name}")


CASES = list(_cases())


def test_the_corpus_has_broken_and_old_manifests_to_inject_into() -> None:
    assert len(SOURCES) >= 35
    assert sum(1 for p in SOURCES if any(f.code == "FL001" for f in analyze(p.read_text(encoding="utf-8")))) >= 10
    assert len(CASES) >= 40


@pytest.mark.parametrize("path,lines,line,code", CASES)
def test_injected_mistake_is_found(path, lines, line, code) -> None:
    before = analyze(path.read_text(encoding="utf-8"))
    after = analyze("\n".join(lines))
    if line >= 0:
        assert any(f.code == code and f.start[0] == line for f in after), (
            f"{code} not reported on line {line + 1}: " + "; ".join(f"{f.code}@{f.start[0] + 1}" for f in after)
        )
    else:
        assert sum(f.code == code for f in after) > sum(f.code == code for f in before)
    # The file's own syntax errors are still said beside the injected mistake.
    assert sum(f.code == "FL001" for f in after) >= sum(f.code == "FL001" for f in before)
