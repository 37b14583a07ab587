"""The editor settings as pydantic models (see ``settings.py``): imported only once a client sends
settings, since building them costs more than a tenth of a second of start-up."""

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


def validate(raw: object) -> tuple[Settings | None, list[str]]:
    """The settings in ``raw`` and what was wrong with them, in words (None when they are invalid)."""
    try:
        settings = Settings.model_validate(raw)
    except ValidationError as exc:
        problems = [f"{'.'.join(str(p) for p in e['loc']) or 'settings'}: {e['msg']}" for e in exc.errors()]
        return None, problems + ["using the default settings"]
    unknown = _unknown_rules(settings)
    return settings, [f"unknown rule {name!r} (ignored)" for name in unknown]
