"""Reports for CI: the findings of a ``--check`` run rendered in machine-readable formats.

Pure: results in, one string out; no I/O, no colour. ``render(fmt, results, tool_version=...)`` for each
format in :data:`FORMATS`:

- ``json``: a list of ruff-shaped objects (1-based ``location``/``end_location``, ``fix`` or null);
- ``json-lines``: the same objects, one per line;
- ``concise``: ``path:line:col: CODE [name] message``, one line per finding, no summary;
- ``github``: GitHub Actions workflow commands (``::error file=...::message``), one per finding;
- ``sarif``: a SARIF 2.1.0 log with one run, every rule, and fixes as replacements;
- ``junit``: JUnit XML, one test suite and one test case per file, a ``failure`` per finding;
- ``gitlab``: a GitLab Code Quality report (a JSON array of issues with stable fingerprints).

Rows and columns are 1-based everywhere. Columns count code points, except in SARIF, whose columns
count UTF-16 code units (``columnKind: utf16CodeUnits``, SARIF's default); they are converted using the
file's text. Paths are printed as given: a relative path stays relative.
"""

from __future__ import annotations

import hashlib
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote

from . import analyze as _analyze  # noqa: F401  (importing registers the rules)
from . import files as _files  # noqa: F401  (registers FL003, unreadable-file)
from . import rule_docs
from .findings import Finding, RuleInfo, Severity
from .parsing.yamltree import split_lines
from .rules.base import RULES

FORMATS = ("json", "json-lines", "concise", "github", "sarif", "junit", "gitlab")

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
INFORMATION_URI = "https://github.com/flare-ls/flare-ls"
SRCROOT = "%SRCROOT%"

_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice", Severity.HINT: "notice"}
_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note", Severity.HINT: "note"}
#: Characters XML 1.0 cannot carry, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass
class FileResult:
    """One checked file: its path as given, its text (None when it could not be read), its findings."""

    path: Path
    text: str | None
    findings: list[Finding] = field(default_factory=list)
    #: How long the file took to check, for reports that say (JUnit's ``time``).
    seconds: float = 0.0


def render(fmt: str, results: list[FileResult], *, tool_version: str) -> str:
    """The report of ``results`` in format ``fmt`` (one of :data:`FORMATS`); ends with a newline unless empty."""
    try:
        renderer = _RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"unknown report format {fmt!r}; expected one of {', '.join(FORMATS)}") from None
    return renderer(results, tool_version)


# -- json, json-lines, concise ------------------------------------------------------------------------


def json_finding(path: Path, f: Finding) -> dict[str, Any]:
    """One finding in the shape of ruff's JSON output (1-based rows and columns)."""

    def loc(pos: tuple[int, int]) -> dict[str, int]:
        return {"row": pos[0] + 1, "column": pos[1] + 1}

    fix = None
    if f.fix is not None:
        fix = {
            "message": f.fix.message,
            "applicability": f.fix.applicability,
            "edits": [{"content": e.text, "location": loc(e.start), "end_location": loc(e.end)} for e in f.fix.edits],
        }
    return {
        "code": f.code,
        "name": f.rule.name,
        "message": f.message,
        "severity": f.severity.label,
        "filename": str(path),
        "location": loc(f.start),
        "end_location": loc(f.end),
        "fix": fix,
        "url": f.rule.url,
    }


def _json(results: list[FileResult], tool_version: str) -> str:
    return json.dumps([json_finding(r.path, f) for r in results for f in r.findings], indent=2) + "\n"


def _json_lines(results: list[FileResult], tool_version: str) -> str:
    return "".join(json.dumps(json_finding(r.path, f)) + "\n" for r in results for f in r.findings)


def concise_line(path: Path, f: Finding) -> str:
    """``path:line:col: CODE [name] message`` (1-based), the line of ``--format concise`` and of the
    plain text output."""
    return f"{path}:{f.start[0] + 1}:{f.start[1] + 1}: {f.code} [{f.rule.name}] {f.message}\n"


def _concise(results: list[FileResult], tool_version: str) -> str:
    return "".join(concise_line(r.path, f) for r in results for f in r.findings)


# -- github -------------------------------------------------------------------------------------------


def _github_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(value: str) -> str:
    return _github_data(value).replace(":", "%3A").replace(",", "%2C")


def _github(results: list[FileResult], tool_version: str) -> str:
    """GitHub Actions workflow commands, escaped as the runner unescapes them (toolkit's command.ts)."""
    lines = []
    for r in results:
        for f in r.findings:
            props = (
                ("file", r.path.as_posix()),
                ("line", str(f.start[0] + 1)),
                ("col", str(f.start[1] + 1)),
                ("endLine", str(f.end[0] + 1)),
                ("endColumn", str(f.end[1] + 1)),
                ("title", f"{f.code} {f.rule.name}"),
            )
            joined = ",".join(f"{key}={_github_property(value)}" for key, value in props)
            lines.append(f"::{_GITHUB_LEVEL[f.severity]} {joined}::{_github_data(f.message)}\n")
    return "".join(lines)


# -- sarif --------------------------------------------------------------------------------------------


def utf16_column(line: str | None, column: int) -> int:
    """A code-point column of ``line`` as a UTF-16 code-unit column (characters past U+FFFF take two)."""
    if line is None:
        return column
    return column + sum(1 for ch in line[:column] if ord(ch) > 0xFFFF)


def _artifact_location(path: Path) -> dict[str, str]:
    if path.is_absolute():
        return {"uri": path.as_uri()}
    return {"uri": quote(path.as_posix(), safe="/"), "uriBaseId": SRCROOT}


def _sarif_rule(info: RuleInfo) -> dict[str, Any]:
    """A rule as GitHub code scanning wants it: a full description and help from its page (GH2012)."""
    page = rule_docs.page(info)
    return {
        "id": info.code,
        "name": info.name,
        "shortDescription": {"text": info.summary},
        "fullDescription": {"text": rule_docs.description(info)},
        "help": {"text": page, "markdown": page},
        "helpUri": info.url,
        "defaultConfiguration": {"level": _SARIF_LEVEL[info.severity]},
    }


def _sarif(results: list[FileResult], tool_version: str) -> str:
    rules = sorted(RULES.values(), key=lambda info: info.code)
    # Findings from worker processes carry copies of their rule: look rules up by code.
    index = {info.code: i for i, info in enumerate(rules)}
    for r in results:
        for f in r.findings:
            if f.code not in index:
                index[f.code] = len(rules)
                rules.append(f.rule)
    sarif_results = []
    for r in results:
        lines = split_lines(r.text) if r.text is not None else []

        def region(start: tuple[int, int], end: tuple[int, int], lines: list[str] = lines) -> dict[str, int]:
            def column(pos: tuple[int, int]) -> int:
                return utf16_column(lines[pos[0]] if pos[0] < len(lines) else None, pos[1]) + 1

            return {
                "startLine": start[0] + 1,
                "startColumn": column(start),
                "endLine": end[0] + 1,
                "endColumn": column(end),
            }

        location = _artifact_location(r.path)
        for f in r.findings:
            result: dict[str, Any] = {
                "ruleId": f.code,
                "ruleIndex": index[f.code],
                "level": _SARIF_LEVEL[f.severity],
                "message": {"text": f.message},
                "locations": [{"physicalLocation": {"artifactLocation": location, "region": region(f.start, f.end)}}],
            }
            if f.fix is not None:
                replacements = [
                    {"deletedRegion": region(e.start, e.end), "insertedContent": {"text": e.text}} for e in f.fix.edits
                ]
                result["fixes"] = [
                    {
                        "description": {"text": f.fix.message},
                        "artifactChanges": [{"artifactLocation": location, "replacements": replacements}],
                        "properties": {"applicability": f.fix.applicability},
                    }
                ]
            sarif_results.append(result)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "flare-ls",
                        "version": tool_version,
                        "informationUri": INFORMATION_URI,
                        "rules": [_sarif_rule(info) for info in rules],
                    }
                },
                "columnKind": "utf16CodeUnits",
                "results": sarif_results,
            }
        ],
    }
    return json.dumps(log, indent=2) + "\n"


# -- junit --------------------------------------------------------------------------------------------


def _xml_text(value: str) -> str:
    """``value`` without the control characters XML 1.0 cannot represent (they become U+FFFD)."""
    return _NOT_XML.sub("\ufffd", value)


def _junit(results: list[FileResult], tool_version: str) -> str:
    """One suite and one case per file; a file with findings fails with one ``failure`` per finding.

    ``tests`` counts files and ``failures`` counts files with findings (failed test cases), as JUnit
    readers expect; the number of findings is the number of ``failure`` elements.
    """
    failed = sum(1 for r in results if r.findings)
    total = sum(r.seconds for r in results)
    timestamp = datetime.now(timezone.utc).replace(microsecond=0, tzinfo=None).isoformat()
    root = ET.Element(
        "testsuites",
        name="flare-ls",
        tests=str(len(results)),
        failures=str(failed),
        errors="0",
        time=f"{total:.3f}",
    )
    # The run's timestamp is on each suite: junit-10.xsd (Jenkins) allows it there, not on <testsuites>.
    for r in results:
        name = _xml_text(str(r.path))
        suite = ET.SubElement(
            root,
            "testsuite",
            name=name,
            tests="1",
            failures="1" if r.findings else "0",
            errors="0",
            skipped="0",
            time=f"{r.seconds:.3f}",
            timestamp=timestamp,
        )
        case = ET.SubElement(suite, "testcase", name=name, classname="flare-ls", time=f"{r.seconds:.3f}")
        for f in r.findings:
            failure = ET.SubElement(
                case, "failure", message=_xml_text(f"{f.code} {f.message}"), type=f"{f.code} {f.rule.name}"
            )
            failure.text = _xml_text(f"{r.path}:{f.start[0] + 1}:{f.start[1] + 1}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


# -- gitlab -------------------------------------------------------------------------------------------

#: GitLab Code Quality severities: info, minor, major, critical, blocker.
_GITLAB_SEVERITY = {Severity.HINT: "info", Severity.INFO: "info", Severity.WARNING: "minor", Severity.ERROR: "major"}


def _gitlab(results: list[FileResult], tool_version: str) -> str:
    """A GitLab Code Quality report: a JSON array of issues, each with a fingerprint that stays the same
    while the finding does (rule, file, message and the text of its line, not its line number, so that
    an edit above it does not make it "new")."""
    issues = []
    for r in results:
        lines = split_lines(r.text) if r.text is not None else []
        path = r.path.as_posix()
        for f in r.findings:
            line_text = lines[f.start[0]].strip() if f.start[0] < len(lines) else ""
            key = "\0".join((f.code, path, f.message, line_text))
            issues.append(
                {
                    "description": f"{f.code} [{f.rule.name}] {f.message}",
                    "check_name": f.code,
                    "fingerprint": hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest(),
                    "severity": _GITLAB_SEVERITY[f.severity],
                    "location": {
                        "path": path,
                        "positions": {
                            "begin": {"line": f.start[0] + 1, "column": f.start[1] + 1},
                            "end": {"line": f.end[0] + 1, "column": f.end[1] + 1},
                        },
                    },
                }
            )
    return json.dumps(issues, indent=2) + "\n"


_RENDERERS: dict[str, Callable[[list[FileResult], str], str]] = {
    "json": _json,
    "json-lines": _json_lines,
    "concise": _concise,
    "github": _github,
    "sarif": _sarif,
    "junit": _junit,
    "gitlab": _gitlab,
}
