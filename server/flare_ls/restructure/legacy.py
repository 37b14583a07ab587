"""Migrating a flare:1.0-4.0 job to the current ``stackSpec`` layout (FL106), following the
replacements docs/rules/FL106.md lists:

- ``spec.flare`` becomes ``spec.stackSpec``, its content unchanged, with ``compute: runnable-default``
  before it when the spec names no compute (the current layout requires one; the legacy jobs ran on
  the default runnable compute);
- each ``steps[].sink[]`` item and the ``outputs[]`` item it names (which holds only a ``depot``)
  become one output: ``name`` the sink's view (``sequenceName``), ``dataset`` the ``depot`` address
  with the sink's ``datasetName`` as its dataset, ``format`` the sink's ``outputType``, ``options`` its
  ``outputOptions`` (lines copied, comments and all).

Legacy content with no current equivalent written the same way (Flare Standalone connection blocks,
``tier``, ``schemaRegistryUrl``, sinks with keys beyond these) gets no fix: a migration that drops or
guesses is not offered. The other lines of the job are kept byte for byte.
"""

from __future__ import annotations

from ..findings import Fix
from ..fixes import child_indent, indent_step, yaml_scalar
from ..parsing.yamltree import YMap, YScalar, YSeq
from ..views import JobView
from .lines import block_end, entry_lines, line_edits, shifted

#: The legacy keys the migration rewrites; a job with any other has no fix.
MIGRATED = frozenset({"flare", "sink", "depot"})
_SINK_KEYS = frozenset({"sequenceName", "datasetName", "outputName", "outputType", "outputOptions"})


def migrate_job(lines: list[str], eol: str, job: JobView, legacy_keys: list[YScalar]) -> Fix | None:
    if any(key.value not in MIGRATED for key in legacy_keys):
        return None
    new_lines = list(lines)
    section = job.spec.entries.get("flare")
    if section is not None:
        if "stackSpec" in job.spec.entries:
            return None
        key = section[0]
        line = new_lines[key.start[0]]
        if key.style is not None or key.end[0] != key.start[0]:
            return None
        new_lines[key.start[0]] = line[: key.start[1]] + "stackSpec" + line[key.end[1] :]
        if not any(name.lower() == "compute" for name in job.spec.entries):
            # The current layout names the compute the job runs on; the legacy one left it to DataOS,
            # which ran it on the default runnable compute: say so, or the result lacks a required key.
            new_lines[key.start[0]] = line[: key.start[1]] + "compute: runnable-default" + eol + new_lines[key.start[0]]
    sinks = [k for k in legacy_keys if k.value == "sink"]
    if sinks:
        rewritten = _outputs_from_sinks(lines, job, sinks)
        if rewritten is None:
            return None
        removed: set[int] = set()
        replaced: dict[int, list[str]] = {}
        for key in sinks:
            step = key.parent
            assert isinstance(step, YMap)
            value = step.get("sink")
            assert value is not None
            span = entry_lines(lines, key, value)
            if span is None and lines[key.start[0]][: key.start[1]].strip() == "-":
                # ``- sink:`` opens the step: the step's next key moves up onto the dash line.
                after = block_end(value) + 1
                others = sorted(k.start for k, _ in step.entries.values() if k is not key)
                if not others or others[0] != (after, key.start[1]):
                    return None
                replaced[key.start[0]] = [lines[key.start[0]][: key.start[1]] + lines[after][key.start[1] :]]
                span = (key.start[0] + 1, after)
            if span is None:
                return None
            removed.update(range(span[0], span[1] + 1))
        (first, last), written = rewritten
        if removed & set(range(first, last + 1)):
            return None
        replaced[first] = written
        removed.update(range(first + 1, last + 1))
        new_lines = [
            text
            for number, line in enumerate(new_lines)
            for text in replaced.get(number, [] if number in removed else [line])
        ]
    elif any(k.value == "depot" for k in legacy_keys):
        return None
    return Fix("Migrate the job to the `stackSpec` layout", line_edits(lines, new_lines, eol), False, structural=True)


def _outputs_from_sinks(
    lines: list[str], job: JobView, sinks: list[YScalar]
) -> tuple[tuple[int, int], list[str]] | None:
    """The lines of the job's ``outputs`` items (first and last line) and what replaces them."""
    outputs = job.job.get("outputs") if job.job is not None else None
    if not isinstance(outputs, YSeq) or outputs.flow or not outputs.items:
        return None
    by_name = {item.text("name"): item for item in outputs.items if isinstance(item, YMap)}
    written: dict[int, list[str]] = {}
    for key in sinks:
        sink_list = key.parent.get("sink") if isinstance(key.parent, YMap) else None
        if not isinstance(sink_list, YSeq):
            return None
        for sink in sink_list.items:
            if not isinstance(sink, YMap) or not set(sink.entries) <= _SINK_KEYS:
                return None
            target = by_name.get(sink.text("outputName"))
            view, name, depot = sink.text("sequenceName"), sink.text("datasetName"), None
            if target is not None and set(target.entries) <= {"name", "depot"}:
                depot = target.text("depot")
            if target is None or view is None or name is None or depot is None:
                return None
            rewritten = _output_lines(lines, target, sink, view, depot, name)
            if rewritten is None:
                return None
            written.setdefault(id(target), []).extend(rewritten)
    starts = [item.start[0] for item in outputs.items]
    first, last = starts[0], block_end(outputs)
    result: list[str] = []
    for index, output in enumerate(outputs.items):
        end = starts[index + 1] if index + 1 < len(starts) else last + 1
        own = lines[output.start[0] : end]
        if id(output) in written:
            if any("#" in text for text in own):
                return None  # a comment in the old output would be lost
            result += written[id(output)]
        else:
            result += own
    return (first, last), result


def _output_lines(
    lines: list[str], output: YMap, sink: YMap, view: str, depot: str, dataset_name: str
) -> list[str] | None:
    """One current output item, at the old output item's indentation."""
    dash = lines[output.start[0]][: output.start[1]]
    if dash.strip() != "-":
        return None
    column = output.start[1]
    base, _, query = depot.strip().partition("?")
    address = f"{base.rstrip('/')}/{dataset_name}" + (f"?{query}" if query else "")
    item = [f"{dash}name: {yaml_scalar(view)}", " " * column + f"dataset: {yaml_scalar(address)}"]
    kind = sink.text("outputType")
    if kind is not None:
        item.append(" " * column + f"format: {yaml_scalar(kind)}")
    for key, value in sink.entries.values():
        if key.value in ("sequenceName", "datasetName", "outputName", "outputType"):
            if "#" in lines[key.start[0]][value.end[1] :]:
                return None  # a comment after a value that moves into another line would be lost
            continue
        if key.value != "outputOptions":
            continue
        if not isinstance(value, YMap) or value.flow or not value.entries or value.start[0] == key.start[0]:
            return None
        inner = child_indent(lines, value)
        assert inner is not None
        step = indent_step(lines, value)
        body = lines[key.start[0] + 1 : block_end(value) + 1]  # comment lines above its first key too
        moved = shifted(body, column + step - inner)
        if moved is None:
            return None
        item.append(" " * column + "options:")
        item += moved
    return item
