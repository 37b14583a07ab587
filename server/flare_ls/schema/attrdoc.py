"""The documentation objects of the schema model, free of pydantic.

They are pickled with the compiled shapes (``shapes.root_shape``), so loading the shapes for a
``--check`` run never has to import pydantic or build the model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

#: The four trigger modes, in the order the specification presents them.
TRIGGER_MODES: tuple[str, ...] = ("Once", "AvailableNow", "ProcessingTime", "Continuous")

#: The stack the documentation targets today.
CURRENT_STACK = "flare:7.0"

#: The last ``flare:<major>.<minor>`` whose documented layout is the legacy one (``spec.flare``, ``sink``,
#: Standalone blocks); from flare:5.0 on the docs write ``stackSpec`` and ``dataset`` outputs.
LEGACY_LAYOUT_UNTIL: tuple[int, int] = (4, 0)


@dataclass(frozen=True)
class Legacy:
    """Marks an attribute of the flare:1.0-4.0 layout, which flare:5.0 and later replaced.

    It is the documented layout of those stacks: a flare:3.0 job that uses it is correct, and FL106
    speaks only when a job on a later (or unversioned) stack does. ``replacement`` names what a current
    (flare:7.0) manifest writes instead, in Markdown. ``current_use`` names a use that current docs still
    make of the key, which is therefore never called deprecated (see ``docs/rules/FL106.md``).
    """

    replacement: str
    note: str = ""
    current_use: str = ""


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
            parts += ["", f"*flare:1.0-4.0 layout.* From flare:5.0 on, use {self.legacy.replacement} instead."]
            if self.legacy.note:
                parts.append(self.legacy.note)
            if self.legacy.current_use:
                parts.append(f"Still current for {self.legacy.current_use}.")
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
            listed = schema.get("enum", list(self.values))
            if self.closed and schema.get("type") == "string" and all(isinstance(v, str) for v in listed):
                # The schema enforces a closed set as flare-ls does: a value of the set in another letter
                # case is only a warning there (FL107), so it passes here, and so does a placeholder
                # (``${VAR}``, ``{{ }}``). The ``enum`` branch keeps the values for editors' completion.
                schema.pop("enum", None)
                schema["anyOf"] = [{"enum": listed}, {"pattern": closed_set_pattern(tuple(listed))}]
        elif self.examples:
            schema.setdefault("examples", list(self.examples))
        if self.default is not None:
            schema["x-flare-default"] = self.default
        if self.trigger_modes:
            schema["x-flare-trigger-modes"] = list(self.trigger_modes)
        if self.legacy is not None and not self.legacy.current_use:
            schema["deprecated"] = True
        # Optional fields default to None in Python; that is "absent", not a YAML null to offer.
        if schema.get("default", 0) is None:
            del schema["default"]


#: Values flare-ls leaves to whoever fills them in (``views.PLACEHOLDER``), as a JSON Schema pattern.
_PLACEHOLDER_PATTERN = r"\$\{|\{\{|^<[^<>]*>$"


def closed_set_pattern(values: tuple[str, ...]) -> str:
    """A JSON Schema (ECMA-262) pattern for exactly ``values`` in any letter case (JSON Schema patterns
    have no flag for it: each letter becomes ``[xX]``), or a placeholder."""

    def any_case(value: str) -> str:
        return "".join(f"[{c.lower()}{c.upper()}]" if c.lower() != c.upper() else re.escape(c) for c in value)

    return "^(?:" + "|".join(any_case(v) for v in values) + ")$|" + _PLACEHOLDER_PATTERN
