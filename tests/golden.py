"""Golden files: a manifest's findings rendered as text, one finding per line (plus its fix).

Used by the fixture, example and corpus tests, and run as a script to regenerate the expected files
after a deliberate change (then review the diff line by line):

    python tests/golden.py            # report which expected files are stale
    python tests/golden.py --update   # rewrite them

Workspace cases (``tests/workspaces/<rule>/<case>/``: several manifests and an ``expected.out``) are
checked the same way, with :func:`render_workspace`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "server"))

from flare_ls.analyze import analyze  # noqa: E402
from flare_ls.files import read_manifest  # noqa: E402
from flare_ls.fileview import ProjectFiles  # noqa: E402
from flare_ls.findings import Finding  # noqa: E402

SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
FIXTURES = ROOT / "tests" / "fixtures"
EXAMPLES = ROOT / "examples"
EXPECTED_CORPUS = ROOT / "tests" / "corpus"
REFERENCES = FIXTURES / "missing-referenced-file"
WORKSPACES = ROOT / "tests" / "workspaces"


def _pos(pos: tuple[int, int]) -> str:
    return f"{pos[0] + 1}:{pos[1] + 1}"


def render(findings: list[Finding]) -> str:
    """``line:col-line:col CODE [name] severity: message`` (1-based), and an indented line per fix."""
    out: list[str] = []
    for f in findings:
        out.append(f"{_pos(f.start)}-{_pos(f.end)} {f.code} [{f.rule.name}] {f.severity.label}: {f.message}")
        if f.fix is not None:
            edits = "; ".join(f"{_pos(e.start)}-{_pos(e.end)} {e.text!r}" for e in f.fix.edits)
            out.append(f"    fix ({f.fix.applicability}) {f.fix.message}: {edits}")
    return "".join(line + "\n" for line in out)


def render_file(path: Path) -> str:
    text, problem = read_manifest(path)
    if problem is not None:
        return render([problem])
    assert text is not None
    # Only FL505's own fixtures are read with the files beside them: every other fixture is about its
    # text alone, and a path it mentions in passing is not there to be judged.
    files = ProjectFiles(path, root=REFERENCES) if REFERENCES in path.parents else None
    return render(analyze(text, files=files))


def render_workspace(case: Path) -> str:
    """The findings of the rule a case folder is for (``tests/workspaces/<rule name>/<case>/``; selected,
    so that FL503, off by default, runs too), per file: a ``== name.yaml`` line, then its findings as
    :func:`render` writes them. Files are named relative to the folder, so messages naming another file
    read the same on every machine."""
    from flare_ls.analyze import Config
    from flare_ls.workspace.check import analyze_workspace

    files = {p.name: p.read_text(encoding="utf-8") for p in sorted(case.glob("*.yaml"))}
    only = Config(select=frozenset({case.parent.name}))
    found = analyze_workspace(files, lambda _file: only)
    return "".join(f"== {name}\n" + render(found[name]) for name in sorted(found))


def workspace_cases() -> list[Path]:
    return sorted({manifest.parent for manifest in WORKSPACES.glob("*/*/*.yaml")})


def pairs() -> Iterator[tuple[Path, Path]]:
    """(manifest, expected output) for every golden file the tests check."""
    for manifest in sorted(FIXTURES.rglob("*.yaml")):
        yield manifest, manifest.with_suffix(".out")
    for manifest in sorted(EXAMPLES.rglob("*.yaml")):
        yield manifest, manifest.with_suffix(".out")
    for manifest in sorted(CORPUS.glob("*.yaml")):
        yield manifest, EXPECTED_CORPUS / (manifest.stem + ".out")


def refresh(expected: Path, actual: str, update: bool) -> bool:
    """Whether ``expected`` is stale (does not hold ``actual``); with ``update``, rewrite it and say so."""
    if expected.exists() and expected.read_text(encoding="utf-8") == actual:
        return False
    print(f"{'updated' if update else 'stale'}: {expected.relative_to(ROOT)}")
    if update:
        expected.parent.mkdir(parents=True, exist_ok=True)
        expected.write_text(actual, encoding="utf-8")
    return True


def main(argv: list[str]) -> int:
    update = "--update" in argv
    stale = sum(refresh(expected, render_file(manifest), update) for manifest, expected in pairs())
    stale += sum(refresh(case / "expected.out", render_workspace(case), update) for case in workspace_cases())
    print(f"{stale} golden file(s) {'rewritten' if update else 'stale'}")
    return 1 if stale and not update else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
