"""Docs are tests: every rule has a page, its header matches the registry, its examples behave."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from flare_ls.analyze import Config, analyze
from flare_ls.findings import Severity
from flare_ls.references import FileView
from flare_ls.rules.base import RULES
from flare_ls.workspace.check import analyze_workspace
from golden import ROOT

RULES_DIR = ROOT / "docs" / "rules"
NO_EXAMPLE = {"FL003", "FL900"}  # an unreadable file and a crash cannot be shown as YAML
CODES = sorted(RULES)


def _section(page: str, title: str) -> str | None:
    match = re.search(rf"^## {title}\n(.*?)(?=^## |\Z)", page, re.M | re.S)
    if match is None:
        return None
    block = re.search(r"```yaml\n(.*?)^```", match.group(1), re.M | re.S)
    return block.group(1) if block else None


def test_generated_docs_are_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_docs.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


class _FilesOnPage:
    """The files a page says lie beside its examples (``<!-- files beside the examples: a/b.yml -->``), as
    the file view the analysis asks about referenced paths (FL505); a page without that line has none."""

    def __init__(self, page: str) -> None:
        listed = re.search(r"<!-- files beside the examples: (.*?) -->", page)
        self.paths = set(listed.group(1).split()) if listed else set()

    def exists(self, path: str) -> bool | None:
        return path in self.paths

    def listdir(self, directory: str) -> list[str]:
        prefix = f"{directory}/" if directory else ""
        return sorted({p[len(prefix) :].split("/")[0] for p in self.paths if p.startswith(prefix)})


@pytest.mark.parametrize("code", CODES)
def test_rule_page_matches_the_registry(code) -> None:
    info = RULES[code]
    page = (RULES_DIR / f"{code}.md").read_text(encoding="utf-8")
    assert page.startswith(f"# {code} {info.name}\n")
    table = re.search(r"^\| Severity \| Fix \|\n\|---\|---\|\n\| (\w+) \| (.+) \|$", page, re.M)
    assert table is not None, "the page needs the Severity | Fix table"
    assert table.group(1) == info.severity.label
    assert table.group(2).split(":")[0] in ("none", "safe", "unsafe", "safe or unsafe")


def _codes(code: str, text: str, files: FileView) -> set[str]:
    """The rules reporting on an example; a workspace rule's example is a workspace of one file (its
    workflows as YAML documents), with the rule selected (FL503 is off by default)."""
    if not RULES[code].workspace:
        return {f.code for f in analyze(text, files=files)}
    found = analyze_workspace({"example.yaml": text}, lambda _file: Config(select=frozenset({code})))
    return {f.code for findings in found.values() for f in findings}


@pytest.mark.parametrize("code", [c for c in CODES if c not in NO_EXAMPLE])
def test_rule_page_examples_behave_as_described(code) -> None:
    page = (RULES_DIR / f"{code}.md").read_text(encoding="utf-8")
    example, fixed = _section(page, "Example"), _section(page, "Fixed")
    assert example is not None and fixed is not None, "the page needs ## Example and ## Fixed yaml blocks"
    files = _FilesOnPage(page)
    assert code in _codes(code, example, files), "the Example does not trigger the rule"
    assert code not in _codes(code, fixed, files), "the Fixed example still triggers the rule"
    after = analyze(fixed, files=files)
    assert not [f for f in after if f.severity == Severity.ERROR], [f.message for f in after]
