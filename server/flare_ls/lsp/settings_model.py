"""Settings, typed and validated once: a bad setting is reported to the user and its default used.

They come from ``initializationOptions`` and from ``workspace/configuration`` (section ``flare-ls``):

    {"rules": {"select": ["FL1", ...] | null, "ignore": ["FL306", "long-job-name"],
               "severity": {"FL306": "error", "literal-credential": "info"}}}

Rules are named by id or by name; an id prefix (``FL2``) selects a whole area.

For a document that is a file, these apply on top of the project's configuration file
(:mod:`flare_ls.config`): each of ``select`` and ``ignore`` that the editor sets replaces the project's,
and ``severity`` entries win rule by rule (docs/configuration.md).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from ..analyze import Config
from ..config import Overrides, is_known_rule, rules_config

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
        """The Config for a document with no project configuration (editor settings over the defaults)."""
        return rules_config(self.rules.select, self.rules.ignore, dict(self.rules.severity))

    def overrides(self) -> Overrides:
        """What these settings change in a project's configuration: the keys the client actually set."""
        given = self.rules.model_fields_set if "rules" in self.model_fields_set else set()
        config = self.config()
        return Overrides(
            select=config.select,
            select_set="select" in given,
            ignore=config.ignore if "ignore" in given else None,
            severity=config.severity,
        )

    def __eq__(self, other: object) -> bool:
        # Two settings are the same when they configure the same: which keys were given matters too.
        return isinstance(other, Settings) and (self.config(), self.overrides()) == (other.config(), other.overrides())


def _unknown_rules(settings: Settings) -> list[str]:
    named = list(settings.rules.select or []) + settings.rules.ignore + list(settings.rules.severity)
    return [name for name in named if not is_known_rule(name)]


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
