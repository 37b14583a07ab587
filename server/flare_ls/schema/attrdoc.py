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

#: Every Flare stack version the documentation knows, oldest first. An attribute or value whose
#: ``stacks`` is empty exists in all of them.
STACKS: tuple[str, ...] = ("flare:1.0", "flare:2.0", "flare:3.0", "flare:4.0", "flare:5.0", "flare:6.0", "flare:7.0")


def stack_tuple(stack: str) -> tuple[int, int]:
    """``flare:6.0`` -> (6, 0), for the names in :data:`STACKS`."""
    major, _, minor = stack.partition(":")[2].partition(".")
    return int(major), int(minor or 0)


def stacks_from(first: str) -> tuple[str, ...]:
    """The stack versions from ``first`` on (``stacks_from("flare:4.0")``)."""
    return tuple(s for s in STACKS if stack_tuple(s) >= stack_tuple(first))


def stack_named(version: tuple[int, int]) -> str:
    """The name in :data:`STACKS` a job's version counts as: its own, or the newest before it (a version
    after the last counts as the last)."""
    known = [s for s in STACKS if stack_tuple(s) <= version]
    return known[-1] if known else STACKS[0]


def describe_stacks(stacks: tuple[str, ...]) -> str:
    """``flare:4.0 and later``, ``flare:1.0-4.0 and flare:7.0``: the versions, in runs, for messages and hover."""
    if not stacks:
        return "every stack version"
    runs: list[list[str]] = []
    for stack in STACKS:
        if stack not in stacks:
            continue
        if runs and STACKS.index(runs[-1][-1]) == STACKS.index(stack) - 1:
            runs[-1].append(stack)
        else:
            runs.append([stack])
    parts = []
    for run in runs:
        if run[-1] == STACKS[-1] and len(run) > 1:
            parts.append(f"{run[0]} and later")
        elif len(run) > 1:
            parts.append(f"{run[0]}-{run[-1].partition(':')[2]}")
        else:
            parts.append(run[0])
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


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
    #: The stack versions (names of :data:`STACKS`) the attribute exists in; empty: every version.
    stacks: tuple[str, ...] = ()
    #: The stack versions each listed value exists in (values not named here exist wherever the attribute does).
    value_stacks: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: Why ``stacks`` and ``value_stacks`` are what they are, in a clause ("the Kafka page says Kafka jobs
    #: need flare:7.0"): FL110 says it.
    stacks_why: str = ""
    #: Values of ``values`` that Flare or Spark accepts but Flare's documentation does not list (an info finding).
    unlisted: tuple[str, ...] = ()
    #: Values of ``values`` that Flare's documentation lists but another source contradicts, each with why
    #: (a warning finding).
    doubtful: dict[str, str] = field(default_factory=dict)

    def value_key(self, value: str) -> str | None:
        """The spelling in ``values`` of ``value`` (ignoring case when the attribute does), or None."""
        if value in self.values:
            return value
        if self.case_insensitive:
            lowered = value.lower()
            return next((v for v in self.values if v.lower() == lowered), None)
        return None

    def stacks_of(self, value: str | None = None) -> tuple[str, ...]:
        """The stack versions the attribute (or one of its values) exists in, all of :data:`STACKS` when
        unrestricted."""
        stacks = self.stacks or STACKS
        known = self.value_key(value) if value is not None else None
        if known is not None and known in self.value_stacks:
            stacks = tuple(s for s in stacks if s in self.value_stacks[known])
        return stacks

    def markdown(self, key: str) -> str:
        """Hover text for ``key``: rendered from this object alone."""
        parts = [f"**`{key}`**", "", self.description]
        if self.legacy is not None:
            parts += ["", f"*flare:1.0-4.0 layout.* From flare:5.0 on, use {self.legacy.replacement} instead."]
            if self.legacy.note:
                parts.append(self.legacy.note)
            if self.legacy.current_use:
                parts.append(f"Still current for {self.legacy.current_use}.")
        if self.stacks:
            parts += ["", f"Stacks: {describe_stacks(self.stacks)}"]
        if self.values:
            parts += ["", "Allowed values:" if self.closed else "Known values:"]
            parts += [f"- `{value}`: {self._value_line(value, doc)}" for value, doc in self.values.items()]
        if self.default is not None:
            parts += ["", f"Default: `{self.default}`"]
        if self.trigger_modes:
            parts += ["", "Trigger modes: " + ", ".join(f"`{m}`" for m in self.trigger_modes)]
        if self.notes:
            parts += [""] + [f"- {note}" for note in self.notes]
        if self.examples:
            parts += ["", "Examples: " + ", ".join(f"`{e}`" for e in self.examples)]
        return "\n".join(parts)

    def _value_line(self, value: str, doc: str) -> str:
        if value in self.unlisted:
            doc += " *Not listed by Flare's docs.*"
        if value in self.doubtful:
            doc += f" *Doubtful: {self.doubtful[value]}*"
        if value in self.value_stacks:
            doc += f" *({describe_stacks(self.value_stacks[value])})*"
        return doc

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
        if self.stacks:
            schema["x-flare-stacks"] = list(self.stacks)
        if self.value_stacks:
            schema["x-flare-value-stacks"] = {v: list(s) for v, s in self.value_stacks.items()}
        if self.unlisted:
            schema["x-flare-unlisted-values"] = list(self.unlisted)
        if self.doubtful:
            schema["x-flare-doubtful-values"] = dict(self.doubtful)
        # Optional fields default to None in Python; that is "absent", not a YAML null to offer.
        if schema.get("default", 0) is None:
            del schema["default"]


#: Values flare-ls leaves to whoever fills them in (``views.PLACEHOLDER``), as a JSON Schema pattern.
_PLACEHOLDER_PATTERN = r"\$\{|\{\{|^<[^<>]*>$"


def any_case(value: str) -> str:
    """``value`` as an ECMA-262 pattern matching it in any letter case (JSON Schema patterns have no flag
    for it: each letter becomes ``[xX]``)."""
    return "".join(f"[{c.lower()}{c.upper()}]" if c.lower() != c.upper() else re.escape(c) for c in value)


def closed_set_pattern(values: tuple[str, ...]) -> str:
    """A JSON Schema (ECMA-262) pattern for exactly ``values`` in any letter case, or a placeholder."""
    return "^(?:" + "|".join(any_case(v) for v in values) + ")$|" + _PLACEHOLDER_PATTERN
