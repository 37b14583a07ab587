"""Documentation rendered from the schema model alone: hover text and the attribute table."""

from __future__ import annotations

from collections.abc import Callable

from .attrdoc import TRIGGER_MODES, AttrDoc
from .shapes import (
    FieldShape,
    KeyedShape,
    ListShape,
    MapShape,
    Shape,
    TaggedShape,
    UnionShape,
    compile_model,
    root_shape,
)

#: Given options whose shape depends on their holder (:class:`KeyedShape`) and how many parts of the
#: path lead to them, the variant the holder's ``format`` selects, or None when it is not known.
Chooser = Callable[[KeyedShape, int], MapShape | None]


def _step(shape: Shape, part: str | int) -> Shape | None:
    """The shape one key or index below ``shape`` (below a tagged mapping whose tag is not known, the
    first variant that has the key)."""
    if isinstance(shape, TaggedShape):
        if part == shape.tag:
            return shape.tag_field.shape
        return next((v.fields[part].shape for v in shape.variants.values() if part in v.fields), None)
    if isinstance(shape, KeyedShape):  # a format not known: the general options, or the first format's
        found = _step(shape.general, part)
        if found is not None or isinstance(part, int):
            return found
        return next((f.shape for v in shape.variants.values() if (f := v.lookup(part)) is not None), None)
    if isinstance(shape, UnionShape):
        for option in shape.options:
            found = _step(option, part)
            if found is not None:
                return found
        return None
    if isinstance(part, int):
        return shape.item if isinstance(shape, ListShape) else None
    if isinstance(shape, MapShape):
        field = shape.lookup(part)
        if field is not None:
            return field.shape
        return shape.value_shape
    return None


#: The value of a tagged mapping's tag (an action's ``name``) at a depth of a path: ``tag_of(3, "name")``
#: reads the ``name`` of the mapping that ``path[:3]`` leads to; None when it is not known.
TagOf = Callable[[int, str], "str | None"]


def shape_at(
    path: tuple[str | int, ...],
    root: MapShape | None = None,
    tag_of: TagOf | None = None,
    choose: Chooser | None = None,
) -> Shape | None:
    """The shape a YAML path leads to (keys, and list indexes as ints), or None off the model.

    ``tag_of``: the tags of the tagged mappings along the path, so that a section inside one (an
    action's ``options``) is the section of the variant its item names. ``choose`` picks the variant
    of options that depend on their holder's format, where the caller can tell it."""
    shape: Shape | None = root or root_shape()
    for depth, part in enumerate(path):
        if shape is None:
            return None
        if tag_of is not None and isinstance(shape, TaggedShape) and part != shape.tag:
            shape = shape.variants.get(tag_of(depth, shape.tag) or "", shape)
        if isinstance(shape, KeyedShape) and choose is not None:
            shape = choose(shape, depth) or shape
        shape = _step(shape, part)
    return shape


def field_at(
    path: tuple[str | int, ...],
    root: MapShape | None = None,
    tag: str | None = None,
    tag_of: TagOf | None = None,
    choose: Chooser | None = None,
) -> FieldShape | None:
    """The documented attribute a YAML path ends at (``workflow.dag[0].spec.stackSpec.job.explain``).

    ``tag``: in a tagged mapping (a function), the value of its tag (``name``), which selects the
    variant whose parameters are looked up; ``tag_of``: the tags along the path, and ``choose``: the
    format of options along it (see :func:`shape_at`)."""
    if not path or not isinstance(path[-1], str):
        return None
    shape = shape_at(path[:-1], root, tag_of=tag_of, choose=choose)
    if shape is None:
        return None
    if isinstance(shape, KeyedShape):
        chosen = choose(shape, len(path) - 1) if choose is not None else None
        if chosen is not None:
            return chosen.lookup(path[-1])
        found = shape.general.lookup(path[-1])
        return found or next((f for v in shape.variants.values() if (f := v.lookup(path[-1])) is not None), None)
    if isinstance(shape, TaggedShape):
        if path[-1] == shape.tag:
            return shape.tag_field
        if tag is None and tag_of is not None:
            tag = tag_of(len(path) - 1, shape.tag)
        shape = shape.variants.get(tag or "", shape)
    holders = shape.options if isinstance(shape, UnionShape) else (shape,)
    for holder in holders:
        if isinstance(holder, MapShape) and (found := holder.lookup(path[-1])) is not None:
            return found
    return None


def variant_markdown(shape: TaggedShape, tag: str) -> str | None:
    """Hover text for one variant of a tagged mapping (a function: what it does and its parameters)."""
    variant = shape.variants.get(tag)
    if variant is None:
        return None
    parts = [f"**`{tag}`**: a Flare {shape.noun}", "", variant.doc]
    members = [f for f in variant.fields.values() if f.key != shape.tag]
    if members:
        parts += ["", f"{variant.member.capitalize()}s:"]
    for member in members:
        doc = member.doc
        line = f"- `{member.key}`" + (" (required)" if member.required else "")
        if doc is not None:
            line += f": {doc.description}"
            if doc.values:
                line += (
                    " "
                    + ("One of " if doc.closed else "Known values: ")
                    + ", ".join(f"`{v}`" for v in doc.values)
                    + "."
                )
        parts.append(line)
    if not members:
        parts += ["", f"No {variant.member}s."]
    return "\n".join(parts)


def hover_markdown(path: tuple[str | int, ...]) -> str | None:
    """Hover text for the key a path ends at, or None where the model documents nothing."""
    field = field_at(path)
    if field is None or field.doc is None:
        return None
    return field.doc.markdown(field.key)


def _modes(doc: AttrDoc) -> str:
    if not doc.trigger_modes or set(doc.trigger_modes) == set(TRIGGER_MODES):
        return "all (" + ", ".join(f"`{m}`" for m in TRIGGER_MODES) + ")"
    return ", ".join(f"`{m}`" for m in doc.trigger_modes)


def streaming_attribute_table() -> str:
    """The specification's "attribute configuration table for streaming job", from the model."""
    from . import model

    streaming = compile_model(model.Streaming).fields
    options = compile_model(model.InputOptions).fields
    rows = [
        ("triggerMode", streaming["triggerMode"]),
        ("triggerDuration", streaming["triggerDuration"]),
        ("batchMode", streaming["batchMode"]),
        ("forEachBatchMode", streaming["forEachBatchMode"]),
        ("startingOffsets (input options)", options["startingOffsets"]),
        ("checkpointLocation", streaming["checkpointLocation"]),
    ]
    out = ["| Attribute | Description | Trigger modes | Notes |", "|---|---|---|---|"]
    for label, field in rows:
        doc = field.doc
        assert doc is not None
        notes = " ".join(doc.notes).replace("|", "\\|")
        out.append(f"| `{label}` | {doc.description} | {_modes(doc)} | {notes} |")
    return "\n".join(out) + "\n"
