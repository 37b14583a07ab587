"""How an attribute of the Flare manifest is declared and documented.

Every field of the schema model (``model.py``) is declared with :func:`attr`, which returns a pydantic
``Field`` whose ``json_schema_extra`` is an :class:`AttrDoc`. The same object therefore feeds three
consumers without being copied:

* the analyzer, which compiles the pydantic models into shapes (``shapes.py``) and reads the docs for
  allowed values, legacy markers and trigger modes;
* hover and completion (the LSP server), which render ``AttrDoc.markdown()``;
* the JSON Schema export, because pydantic calls the ``AttrDoc`` to decorate the field's schema.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from .attrdoc import (  # noqa: F401  (re-exported: the contract lives here)
    CURRENT_STACK,
    LEGACY_LAYOUT_UNTIL,
    STACKS,
    TRIGGER_MODES,
    AttrDoc,
    Legacy,
    stacks_from,
)

_NO_DEFAULT: Any = ...


def attr(
    description: str,
    *,
    required: bool = False,
    alias: str | None = None,
    values: dict[str, str] | None = None,
    default: str | None = None,
    trigger_modes: tuple[str, ...] = (),
    notes: tuple[str, ...] = (),
    legacy: Legacy | None = None,
    case_insensitive: bool = False,
    closed: bool = True,
    examples: tuple[str, ...] = (),
    checked_by: str | None = None,
    stacks: tuple[str, ...] = (),
    value_stacks: dict[str, tuple[str, ...]] | None = None,
    stacks_why: str = "",
    unlisted: tuple[str, ...] = (),
    doubtful: dict[str, str] | None = None,
) -> Any:
    """Declare a documented attribute.

    ``required`` means the manifest fails without it; an attribute the docs call mandatory but real
    manifests routinely omit is not required (say so in ``notes``). ``default`` is Flare's default as
    text, documentation only: the Python default of an optional attribute is always None (absent).
    ``stacks`` are the stack versions the attribute exists in (empty: all), ``value_stacks`` those of
    single values; ``unlisted`` values are accepted though Flare's docs do not list them, ``doubtful`` ones
    are listed by the docs but contradicted elsewhere (with why). All three name values of ``values``.
    """
    for value in (*unlisted, *(doubtful or {}), *(value_stacks or {})):
        if value not in (values or {}):
            raise ValueError(f"flare-ls schema: {value!r} is annotated but not among the values")
    doc = AttrDoc(
        description=description,
        values=dict(values or {}),
        default=default,
        trigger_modes=trigger_modes,
        notes=notes,
        legacy=legacy,
        case_insensitive=case_insensitive,
        closed=closed,
        examples=examples,
        checked_by=checked_by,
        stacks=stacks,
        value_stacks=dict(value_stacks or {}),
        stacks_why=stacks_why,
        unlisted=unlisted,
        doubtful=dict(doubtful or {}),
    )
    return Field(
        _NO_DEFAULT if required else None,
        alias=alias,
        description=description,
        json_schema_extra=doc,
        # A key current docs still use (``current_use``) is never called deprecated, not even to JSON Schema tools.
        deprecated=True if legacy is not None and not legacy.current_use else None,
    )


class Section(BaseModel):
    """A mapping of the manifest whose keys are all known: any other key is reported."""

    # defer_build: flare-ls reads the fields, not pydantic's validators; building those at import cost ~30 ms.
    model_config = ConfigDict(extra="forbid", populate_by_name=True, defer_build=True)


class OpenSection(BaseModel):
    """A mapping with documented keys that also passes other keys through (Spark options, envs).

    Unknown keys are allowed; only near-misses of documented keys (``checkpointlocation``) are reported.
    """

    model_config = ConfigDict(extra="allow", populate_by_name=True, defer_build=True)


class SparkOptions(Section):
    """Options a Spark data source reads (``options`` of an input of one format): the keys are known, and
    Spark matches them ignoring case (``inferschema`` is ``inferSchema``). A key starting with one of
    ``option_prefixes`` is passed on unchecked (``kafka.`` to the Kafka client)."""

    option_prefixes: ClassVar[tuple[str, ...]] = ()
    options_fold_case: ClassVar[bool] = True


class OpenSparkOptions(OpenSection):
    """Options of a data source that also passes unknown keys on (JDBC drivers, connectors with many
    settings): documented keys are checked, and keys of other formats reported."""

    option_prefixes: ClassVar[tuple[str, ...]] = ()
    options_fold_case: ClassVar[bool] = True
