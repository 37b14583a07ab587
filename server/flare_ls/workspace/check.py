"""The workspace pass: the workspace rules over an index, with each file's settings and suppressions.

:func:`analyze_workspace` is the entry point: ``{file: text}`` in, ``{file: findings}`` out (only the
files with findings), pure like :func:`flare_ls.analyze.analyze`. It reports only the workspace rules'
findings; a caller adds them to each file's own (the CLI after its per-file pass).
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Mapping

from ..analyze import DEFAULT_CONFIG, Config
from ..findings import Finding, Severity
from ..rules.schema import INTERNAL_ERROR
from ..rules.workspace import WORKSPACE_CHECKS
from .index import WorkspaceIndex


def workspace_findings(index: WorkspaceIndex) -> dict[str, list[Finding]]:
    """Every workspace rule's findings, by file, before settings and suppressions. A rule that crashes
    becomes one FL900 finding in the first file of the index instead of a traceback."""
    out: dict[str, list[Finding]] = {}
    for check in WORKSPACE_CHECKS:
        info = check.info
        try:
            found = list(check.run(index))
        except Exception as exc:  # noqa: BLE001 - isolating rule crashes is the point
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            first = next(iter(sorted(index.manifests)), None)
            if first is not None:
                message = (
                    f"flare-ls rule {info.code} crashed on the workspace ({type(exc).__name__}: {exc} at "
                    f"{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}); please report it"
                )
                out.setdefault(first, []).append(Finding(INTERNAL_ERROR, message, (0, 0), (0, 0), Severity.ERROR))
            continue
        for place, message in found:
            finding = Finding(info, message, place.start, place.end, info.severity, None, place.yaml_path)
            out.setdefault(place.file, []).append(finding)
    for findings in out.values():
        findings.sort(key=Finding.sort_key)
    return out


def analyze_workspace(
    files: Mapping[str, str],
    config_for: Callable[[str], Config] | None = None,
    index: WorkspaceIndex | None = None,
) -> dict[str, list[Finding]]:
    """The workspace rules' findings in ``files`` (``{file: text}``), by file, each file's
    ``config_for(file)`` (select, ignore, severity) and ``# flare-ls: disable`` comments applied.
    ``index``: the index of these files when the caller has it (else it is built here)."""
    if index is None:
        index = WorkspaceIndex.from_texts(files)
    out: dict[str, list[Finding]] = {}
    for file, findings in workspace_findings(index).items():
        config = config_for(file) if config_for is not None else DEFAULT_CONFIG
        kept = _settled(files.get(file, ""), findings, config)
        if kept:
            out[file] = kept
    return out


def _settled(text: str, findings: list[Finding], config: Config) -> list[Finding]:
    """What the settings and the file's suppression comments leave of its workspace findings."""
    from .. import suppressions
    from ..parsing.yamltree import parse, split_lines

    kept = [f for f in findings if f.rule is INTERNAL_ERROR or config.wants(f)]
    if kept and "flare-ls:" in text:
        if text.startswith("\ufeff"):
            text = text[1:]  # positions after a BOM: the suppressions' lines are the same
        lines = split_lines(text)
        roots = [document.root for document in parse(text, lines).documents]
        kept = suppressions.parse(lines, roots).apply(kept)
    return [config.adjust(f) for f in kept] if config.severity else kept
