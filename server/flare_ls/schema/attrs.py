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

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

#: The four trigger modes, in the order the specification presents them.
TRIGGER_MODES: tuple[str, ...] = ("Once", "AvailableNow", "ProcessingTime", "Continuous")


@dataclass(frozen=True)
class Legacy:
    """Marks an attribute of the flare:1.0-4.0 layout that current stacks replaced.

    ``replacement`` names what a current (flare:6.0/7.0) manifest writes instead, in Markdown.
    """

    replacement: str
    note: str = ""


@dataclass(frozen=True)
class AttrDoc:
    """The documentation of one attribute, in our own words.

    Instances are callable so that pydantic's JSON Schema generator can let them decorate the
    field's schema (``markdownDescription``, ``enumDescriptions``, ``deprecated``).
    """

    description: str
    #: Allowed (or, when ``closed`` is false, well-known) values, each with one line of documentation.
    values: dict[str, str] = field(default_factory=dict)
    #: Flare's own default, as the author would write it; None when there is none or it is unknown.
    default: str | None = None
    #: Trigger modes the attribute applies to; empty means "not specific to a trigger mode".
    trigger_modes: tuple[str, ...] = ()
    #: Extra remarks an author should know (each a sentence).
    notes: tuple[str, ...] = ()
    #: Set when the attribute belongs to the legacy flare:1.0-4.0 layout.
    legacy: Legacy | None = None
    #: Values are compared ignoring case (``format: ICEBERG`` is ``iceberg``).
    case_insensitive: bool = False
    #: True: a value outside ``values`` is an error. False: ``values`` are only suggestions.
    closed: bool = True
    #: Example values for completion and hover, as the author would write them.
    examples: tuple[str, ...] = ()
    #: The rule that judges this attribute's value (its grammar is more than a list of values), so
    #: the schema walk leaves the value alone.
    checked_by: str | None = None

    def markdown(self, key: str) -> str:
        """Hover text for ``key``: rendered from this object alone."""
        parts = [f"**`{key}`**", "", self.description]
        if self.legacy is not None:
            parts += ["", f"*Legacy (flare:1.0-4.0 layout).* Use {self.legacy.replacement} instead."]
            if self.legacy.note:
                parts.append(self.legacy.note)
        if self.values:
            parts += ["", "Allowed values:" if self.closed else "Known values:"]
            parts += [f"- `{value}`: {doc}" for value, doc in self.values.items()]
        if self.default is not None:
            parts += ["", f"Default: `{self.default}`"]
        if self.trigger_modes:
            parts += ["", "Trigger modes: " + ", ".join(f"`{m}`" for m in self.trigger_modes)]
        if self.notes:
            parts += [""] + [f"- {note}" for note in self.notes]
        if self.examples:
            parts += ["", "Examples: " + ", ".join(f"`{e}`" for e in self.examples)]
        return "\n".join(parts)

    def __call__(self, schema: dict[str, Any]) -> None:
        schema["description"] = self.description
        schema["markdownDescription"] = self.description
        if self.values:
            if self.closed and not self.case_insensitive:
                schema["enumDescriptions"] = list(self.values.values())
                schema["markdownEnumDescriptions"] = list(self.values.values())
            else:
                schema.setdefault("examples", list(self.values))
        elif self.examples:
            schema.setdefault("examples", list(self.examples))
        if self.default is not None:
            schema["x-flare-default"] = self.default
        if self.trigger_modes:
            schema["x-flare-trigger-modes"] = list(self.trigger_modes)
        if self.legacy is not None:
            schema["deprecated"] = True
        # Optional fields default to None in Python; that is "absent", not a YAML null to offer.
        if schema.get("default", 0) is None:
            del schema["default"]


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
) -> Any:
    """Declare a documented attribute.

    ``required`` means the manifest fails without it; an attribute the docs call mandatory but real
    manifests routinely omit is not required (say so in ``notes``). ``default`` is Flare's default as
    text, documentation only: the Python default of an optional attribute is always None (absent).
    """
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
    )
    return Field(
        _NO_DEFAULT if required else None,
        alias=alias,
        description=description,
        json_schema_extra=doc,
        deprecated=True if legacy is not None else None,
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
