"""Every completion proposal, applied where it is offered, leaves YAML that reads and says what was chosen.

For each key line of a set of manifests (the examples, corpus manifests, hand-made partial ones), the
line is rewritten as an author would be typing it: a key half typed, the cursor inside a written key,
a value half typed, plain or in quotes (closed or not). Each proposal is then applied as an editor
applies it (its text replacing the range the completion gives) and the result must parse without a new
error and hold the chosen key or value at that place; a value chosen must bring no new finding there.
"""

from __future__ import annotations

import re

import pytest

from flare_ls.analyze import analyze
from flare_ls.assist import complete
from flare_ls.findings import TextEdit
from flare_ls.fixes import apply_edits
from flare_ls.parsing.yamltree import YScalar, parse, walk
from golden import CORPUS, EXAMPLES

KEY_LINE = re.compile(r"^(?P<lead> *(?:- +)?)(?P<key>[A-Za-z][\w.$-]*):(?P<gap> *)(?P<value>[^'\"#|>&*!\[{]\S*)?\s*$")
SNIPPET_FIELD = re.compile(r"\$\{\d+:([^${}]*)\}|\$\{\d+\|([^,|]*)[^}]*\}|\$\d+")

FLOW = """\
version: v1
name: flow-options
type: workflow
workflow:
  dag:
    - name: flow-job
      spec:
        stack: flare:7.0
        compute: runnable-default
        stackSpec:
          job:
            inputs:
              - name: events
                dataset: dataos://kafkadepot:none/events?acl=r
                format: kafkajson
                isStream: false
                options: {startingOffsets: earliest, kafka.group.id: readers}
"""


def documents() -> list[tuple[str, str]]:
    chosen = sorted((EXAMPLES / "seed").glob("*.yaml"))
    chosen += [
        CORPUS / name
        for name in (
            "004_read-kafka-continuous.yaml",
            "010_eventhub-write-flare6-oldsection.yaml",
            "013_pulsar-read-flare7.yaml",
        )
    ]
    found = [(p.name, p.read_text(encoding="utf-8")) for p in chosen if p.exists()]
    return found + [("flow-mapping", FLOW)]


def expand(snippet: str) -> str:
    """A snippet's text with each tabstop at its default (the first choice of a choice)."""
    while True:
        expanded = SNIPPET_FIELD.sub(lambda m: m.group(1) or m.group(2) or "", snippet)
        if expanded == snippet:
            return expanded
        snippet = expanded


def scalars_on(text: str, line: int) -> dict[int, str]:
    """Column -> value of every scalar (keys too) that starts on ``line``."""
    parsed = parse(text)
    assert not parsed.errors, parsed.errors[0].message
    return {
        node.start[1]: node.value
        for node in walk(*(d.root for d in parsed.documents))
        if isinstance(node, YScalar) and node.start[0] == line
    }


def typings(lines: list[str], number: int) -> list[tuple[str, int, str]]:
    """(the line as being typed, cursor column, what is typed) for one key line."""
    match = KEY_LINE.match(lines[number])
    if match is None:
        return []
    lead, key, value = match.group("lead"), match.group("key"), match.group("value")
    out = [(lead + key[:2], len(lead) + 2, "key")]
    # The line as written, the cursor at every column of it.
    key_end = len(lead) + len(key)
    out += [(lines[number], c, "key" if c <= key_end else "value") for c in range(len(lines[number]) + 1)]
    if value is not None and match.group("gap"):
        head = f"{lead}{key}: "
        out += [
            (head + value[:2], len(head) + 2, "value"),
            (f'{head}"{value[:2]}"', len(head) + 3, "value"),
            (f"{head}'{value[:2]}", len(head) + 3, "value"),
            (head + value + "  # kept", len(head) + 1, "value"),
        ]
    return out


CASES = [(name, number) for name, text in documents() for number in range(len(text.splitlines()))]


@pytest.mark.parametrize("name", [name for name, _ in documents()])
def test_every_proposal_applied_everywhere_reads_and_holds_the_choice(name) -> None:
    text = dict(documents())[name]
    lines = text.split("\n")
    before = {(f.code, f.start[0]) for f in analyze(text)}
    applied = 0
    for number in range(len(lines)):
        for typed, column, what in typings(lines, number):
            work = "\n".join(lines[:number] + [typed] + lines[number + 1 :])
            found = complete(work, number, column)
            if found is None:
                continue
            for item in found.items:
                edit = TextEdit((number, found.start), (number, found.end), item.insert)
                result = apply_edits(work, [edit])
                if item.snippet:
                    result = apply_edits(work, [TextEdit(edit.start, edit.end, expand(item.insert))])
                    assert not parse(result).errors, f"{name}:{number + 1}: {item.label}\n{result}"
                    continue
                written = scalars_on(result, number)
                quote = 1 if typed[found.start - 1 : found.start] in ("'", '"') and what == "value" else 0
                assert written.get(found.start - quote) == item.label, (
                    f"{name}:{number + 1} `{typed}` + {item.label!r} -> {result.splitlines()[number]!r}"
                )
                applied += 1
                if what == "value" and item.kind == "value" and quote == 0 and typed.endswith("# kept"):
                    after = {(f.code, f.start[0]) for f in analyze(result)}
                    new = {f for f in after - before if f[1] == number}
                    assert not new, f"{name}:{number + 1} `{item.label}` brings {new}"
    assert applied >= 10


def test_skeletons_analyse_clean_with_their_placeholders_filled() -> None:
    found = complete("", 0, 0)
    assert found is not None
    skeletons = [item for item in found.items if item.detail == "new manifest"]
    assert [s.label for s in skeletons] == ["batch workflow (skeleton)", "streaming workflow (skeleton)"]
    for skeleton in skeletons:
        text = expand(skeleton.insert) + "\n"
        assert [f"{f.code} {f.message}" for f in analyze(text)] == []


def test_a_skeleton_is_offered_only_in_an_empty_document() -> None:
    found = complete("version: v1\n\n", 1, 0)
    assert found is not None and not any(item.detail == "new manifest" for item in found.items)


def test_quotes_colons_and_the_rest_of_the_line_are_respected() -> None:
    text = (EXAMPLES / "seed" / "04-continuous-kafka.yaml").read_text(encoding="utf-8")
    lines = text.split("\n")
    number = next(n for n, line in enumerate(lines) if "triggerMode:" in line)
    indent = lines[number][: len(lines[number]) - len(lines[number].lstrip())]

    def chosen(typed: str, column: int, label: str) -> str:
        work = "\n".join(lines[:number] + [indent + typed] + lines[number + 1 :])
        found = complete(work, number, len(indent) + column)
        assert found is not None
        item = next(i for i in found.items if i.label == label)
        return apply_edits(work, [TextEdit((number, found.start), (number, found.end), item.insert)]).split("\n")[
            number
        ][len(indent) :]

    assert chosen('triggerMode: "Con"', 17, "Continuous") == 'triggerMode: "Continuous"'
    assert chosen("triggerMode: 'Con", 17, "Continuous") == "triggerMode: 'Continuous'"
    assert chosen("trig:", 4, "triggerMode") == "triggerMode:"
    assert chosen("trigMode: Continuous", 4, "triggerMode") == "triggerMode: Continuous"
    assert chosen("triggerMode: Conti  # why", 18, "Continuous") == "triggerMode: Continuous  # why"


def test_non_ascii_text_before_the_cursor_keeps_the_columns() -> None:
    text = (EXAMPLES / "seed" / "04-continuous-kafka.yaml").read_text(encoding="utf-8")
    lines = text.split("\n")
    number = next(n for n, line in enumerate(lines) if "triggerMode:" in line)
    lines[number] = lines[number].replace("triggerMode: Continuous", "triggerMode: 'crème brûlée 🍮 Con'")
    column = lines[number].index(" Con'") + 4
    found = complete("\n".join(lines), number, column)
    assert found is not None
    assert lines[number][found.start : found.end] == "crème brûlée 🍮 Con"


PROCESSING = (EXAMPLES / "seed" / "03-processing-time.yaml").read_text(encoding="utf-8")


def _labels(text: str, needle: str, column_after: str = "") -> set[str]:
    lines = text.split("\n")
    number = next(n for n, line in enumerate(lines) if needle in line)
    column = lines[number].index(needle) + len(needle) if column_after == "" else len(lines[number])
    found = complete(text, number, column)
    return {item.label for item in found.items} if found is not None else set()


def test_keys_and_modes_follow_the_trigger_mode_written_beside_them() -> None:
    continuous = PROCESSING.replace("              forEachBatchMode: true\n", "              \n").replace(
        "triggerMode: ProcessingTime", "triggerMode: Continuous"
    )
    lines = continuous.split("\n")
    empty = next(n for n, line in enumerate(lines) if line == "              ")
    keys = {item.label for item in complete(continuous, empty, 14).items}  # type: ignore[union-attr]
    assert "forEachBatchMode" not in keys and "batchMode" not in keys and "outputMode" in keys
    # With forEachBatchMode written, the trigger modes offered are the micro-batch ones.
    modes = _labels(PROCESSING.replace("triggerMode: ProcessingTime", "triggerMode: "), "triggerMode: ")
    assert modes == {"ProcessingTime"}  # triggerDuration beside it rules out Once and AvailableNow too
    without = PROCESSING.replace("              triggerDuration: 600 seconds\n", "")
    assert _labels(without.replace("triggerMode: ProcessingTime", "triggerMode: "), "triggerMode: ") == {
        "ProcessingTime",
        "Once",
        "AvailableNow",
    }


def test_a_job_is_not_offered_as_its_own_dependency() -> None:
    text = PROCESSING.replace("      title: Resource", "      dependencies:\n        - \n      title: Resource")
    second = "\n    - name: second-job\n      dependencies:\n        - \n      spec:\n        stack: flare:7.0\n"
    both = text + second
    first_dep = both.split("\n").index("        - ")
    last_dep = len(both.split("\n")) - 4
    assert complete(both, first_dep, 10).items[0].label == "second-job"  # type: ignore[union-attr]
    assert [i.label for i in complete(both, last_dep, 10).items] == [  # type: ignore[union-attr]
        "resource-metadata-lakehouse-sink"
    ]


def test_a_new_input_reads_a_stream_only_in_a_streaming_job() -> None:
    streaming = PROCESSING.replace("            inputs:\n", "            inputs:\n              - \n")
    number = streaming.split("\n").index("              - ")
    snippet = next(i for i in complete(streaming, number, 16).items if i.snippet)  # type: ignore[union-attr]
    assert snippet.label == "input (stream)" and "isStream: true" in snippet.insert
    batch = streaming.replace("            streaming:\n", "            streamin:\n")
    snippet = next(i for i in complete(batch, number, 16).items if i.snippet)  # type: ignore[union-attr]
    assert snippet.label == "input (dataset)" and "isStream" not in snippet.insert
    values = _labels(batch.replace("isStream: true", "isStream: "), "isStream: ")
    assert values == {"false"}


def test_keys_and_values_inside_a_flow_mapping() -> None:
    lines = FLOW.split("\n")
    number = next(n for n, line in enumerate(lines) if "options: {" in line)
    typed = lines[number].replace("kafka.group.id: readers", "endingOff")
    work = "\n".join(lines[:number] + [typed] + lines[number + 1 :])
    found = complete(work, number, len(typed) - 1)
    assert found is not None
    labels = [item.label for item in found.items]
    assert "endingOffsets" in labels and "startingOffsets" not in labels  # the format's options, not the written
    item = next(i for i in found.items if i.label == "endingOffsets")
    result = apply_edits(work, [TextEdit((number, found.start), (number, found.end), item.insert)])
    assert result.split("\n")[number].endswith("{startingOffsets: earliest, endingOffsets: }")
    value_at = lines[number].index("earliest") + 3
    values = complete(FLOW, number, value_at)
    assert values is not None and {"earliest", "latest"} <= {i.label for i in values.items}
    assert (values.start, values.end) == (lines[number].index("earliest"), lines[number].index(", kafka"))
