"""Settings, typed and validated once: a bad setting is reported to the user and its default used.

They come from ``initializationOptions`` and from ``workspace/configuration`` (section ``flare-ls``):

    {"rules": {"select": ["FL1", ...] | null, "ignore": ["FL306", "long-job-name"],
               "severity": {"FL306": "error", "literal-credential": "info"}}}

Rules are named by id or by name; an id prefix (``FL2``) selects a whole area.

For a document that is a file, these apply on top of the project's configuration file
(:mod:`flare_ls.config`): each of ``select`` and ``ignore`` that the editor sets replaces the project's,
and ``severity`` entries win rule by rule (docs/configuration.md).

Until a client sends settings the defaults hold, as None: the pydantic models that validate settings
(``settings_model.py``) are imported only then, off the path to answering ``initialize``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..analyze import Config
from ..config import Overrides, rules_config

if TYPE_CHECKING:
    from .settings_model import Settings


def config_of(settings: Settings | None) -> Config:
    """The Config for a document with no project configuration (editor settings over the defaults)."""
    return settings.config() if settings is not None else rules_config(None, [], {})


def overrides_of(settings: Settings | None) -> Overrides:
    """What the settings change in a project's configuration: the keys the client actually set."""
    if settings is not None:
        return settings.overrides()
    config = config_of(None)
    return Overrides(select=config.select, select_set=False, ignore=None, severity=config.severity)


def same(a: Settings | None, b: Settings | None) -> bool:
    """Whether two settings configure the same (which keys were given matters too)."""
    return (config_of(a), overrides_of(a)) == (config_of(b), overrides_of(b))


def parse_settings(raw: object) -> tuple[Settings | None, list[str]]:
    """The settings in ``raw`` (None for the defaults) and what was wrong with them, in words."""
    if raw is None or raw == {}:
        return None, []
    if isinstance(raw, dict) and "flare-ls" in raw and len(raw) == 1:
        raw = raw["flare-ls"]  # initializationOptions may nest the section
    from .settings_model import validate

    return validate(raw)
