"""Settings, typed and validated once: a bad setting is reported to the user and its default used.

They come from ``initializationOptions`` and from ``workspace/configuration`` (section ``flare-ls``):

    {"rules": {"select": ["FL1", ...] | null, "ignore": ["FL306", "long-job-name"],
               "severity": {"FL306": "error", "literal-credential": "info"}}}

Rules are named by id or by name; an id prefix (``FL2``) selects a whole area.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from ..analyze import Config
from ..findings import Severity
from ..rules.base import RULES

Level = Literal["error", "warning", "info", "hint"]


class RuleSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    #: Rules to run (ids, names or id prefixes); None: all.
    select: list[str] | None = None
    #: Rules never reported.
    ignore: list[str] = []
    #: Severity overrides per rule.
    severity: dict[str, Level] = {}


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rules: RuleSettings = RuleSettings()

    def config(self) -> Config:
        def expand(names: list[str]) -> frozenset[str]:
            out: set[str] = set()
            for name in names:
                matches = [code for code in RULES if code.startswith(name)] if name.startswith("FL") else []
                out.update(matches or [name])
            return frozenset(out)

        return Config(
            select=expand(self.rules.select) if self.rules.select is not None else None,
            ignore=expand(self.rules.ignore),
            severity=tuple((key, Severity[level.upper()]) for key, level in self.rules.severity.items()),
        )


def _unknown_rules(settings: Settings) -> list[str]:
    known = set(RULES) | {info.name for info in RULES.values()}
    named = list(settings.rules.select or []) + settings.rules.ignore + list(settings.rules.severity)
    return [n for n in named if n not in known and not (n.startswith("FL") and any(c.startswith(n) for c in RULES))]


def parse_settings(raw: object) -> tuple[Settings, list[str]]:
    """The settings in ``raw`` (defaults where absent) and what was wrong with them, in words."""
    if raw is None or raw == {}:
        return Settings(), []
    if isinstance(raw, dict) and "flare-ls" in raw and len(raw) == 1:
        raw = raw["flare-ls"]  # initializationOptions may nest the section
    try:
        settings = Settings.model_validate(raw)
    except ValidationError as exc:
        problems = [f"{'.'.join(str(p) for p in e['loc']) or 'settings'}: {e['msg']}" for e in exc.errors()]
        return Settings(), problems + ["using the default settings"]
    unknown = _unknown_rules(settings)
    return settings, [f"unknown rule {name!r} (ignored)" for name in unknown]
