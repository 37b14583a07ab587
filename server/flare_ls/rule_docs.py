"""``flare-ls rules`` (the list) and ``flare-ls rule ID`` (one rule's page)."""

from __future__ import annotations

import functools
import json
import sys

from .analyze import analyze  # noqa: F401  (importing registers every rule)
from .files import UNREADABLE  # noqa: F401  (registers FL003)
from .findings import Finding, RuleInfo
from .rules.base import RULES
from .shipped import shipped


def find(key: str) -> RuleInfo | None:
    """A rule by id (any case) or name."""
    upper = key.upper()
    return RULES.get(upper) or next((info for info in RULES.values() if info.name == key), None)


@functools.cache
def page(info: RuleInfo) -> str:
    """The rule's page (read once: hover shows its first paragraph for every finding under the cursor)."""
    path = shipped("rules", f"{info.code}.md")
    if path is not None:
        return path.read_text(encoding="utf-8")
    return f"# {info.code} {info.name}\n\nSeverity: {info.severity.label}\n\n{info.summary}\n\nDocs: {info.url}\n"


def description(info: RuleInfo) -> str:
    """What the rule finds, in a paragraph: the first one of its page after the title and the table
    (its summary when the page is not there)."""
    paragraph: list[str] = []
    for line in page(info).splitlines()[1:]:
        text = line.strip()
        if text.startswith("|") or text.startswith("#"):
            if paragraph:
                break
            continue
        if not text:
            if paragraph:
                break
            continue
        paragraph.append(text)
    return " ".join(paragraph) or info.summary


def show_rule(key: str) -> int:
    """``flare-ls rule ID``: the page of a rule (by id, any case, or name); 2 when there is no such rule."""
    info = find(key)
    if info is None:
        sys.stderr.write(f"flare-ls: no rule {key!r}; `flare-ls rules` lists them\n")
        return 2
    sys.stdout.write(page(info))
    return 0


def list_rules(fmt: str) -> int:
    """``flare-ls rules [--format text|json]``: every rule, by id."""
    ordered = sorted(RULES.values(), key=lambda i: i.code)
    if fmt == "json":
        rows = [
            {"code": i.code, "name": i.name, "severity": i.severity.label, "summary": i.summary, "url": i.url}
            for i in ordered
        ]
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
    else:
        width = max(len(i.name) for i in ordered)
        for i in ordered:
            sys.stdout.write(f"{i.code}  {i.name:<{width}}  {i.severity.label:<7}  {i.summary}\n")
    return 0


def explain(findings: list[Finding]) -> str | None:
    """Markdown that says what each rule behind ``findings`` finds (its page's first paragraph) and
    links its whole page: shown on hover over a finding, beside the finding's own message."""
    seen: list[RuleInfo] = []
    for finding in findings:
        if finding.rule not in seen:
            seen.append(finding.rule)
    if not seen:
        return None
    return "\n\n".join(
        f"**{info.code} {info.name}** ({info.severity.label}): {description(info)} [Rule page]({info.url})"
        for info in seen
    )
