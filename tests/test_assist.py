"""Completion and hover inside the flare:1.0-4.0 layout: its sections are part of the model like any
other, and whether their keys are struck through depends on the stack of the job under the cursor."""

from __future__ import annotations

from flare_ls.assist import complete, hover

FLARE3_STANDALONE = """\
version: v1
name: standalone-read-file
type: workflow
workflow:
  dag:
    - name: read-transactions
      spec:
        stack: flare:3.0
        compute: runnable-default
        flare:
          job:
            inputs:
              - name: transactions
                inputType: file
                file:
                  path: /data/examples/transactions/
{cursor}
            outputs:
              - name: finalDf
                outputType: file
                file:
                  warehousePath: /data/examples/dataout/
""".format(cursor=" " * 18)  # an empty line of the `file:` block, where the author is about to type a key


def _line_of(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.splitlines()) if needle in line)


def test_keys_of_a_standalone_file_block_are_proposed_with_their_docs() -> None:
    line = _line_of(FLARE3_STANDALONE, "path: /data/examples/transactions/") + 1
    found = complete(FLARE3_STANDALONE, line, 18)
    assert found is not None
    items = {item.label: item for item in found.items}
    assert {"format", "warehousePath", "schemaName", "tableName", "options"} <= set(items)
    assert "path" not in items  # already written in this block
    assert "Format of the files read." in items["format"].documentation
    assert not any(item.deprecated for item in found.items)


def test_values_of_input_type_are_the_standalone_kinds() -> None:
    text = FLARE3_STANDALONE.replace("inputType: file", "inputType: ")
    line = _line_of(text, "inputType:")
    found = complete(text, line, len(text.splitlines()[line]))
    assert found is not None
    assert {"file", "kafka", "pulsar", "jdbc", "snowflake"} <= {item.label for item in found.items}


def test_hover_inside_a_standalone_output_block() -> None:
    line = _line_of(FLARE3_STANDALONE, "warehousePath:")
    shown = hover(FLARE3_STANDALONE, line, 20)
    assert shown is not None
    markdown, start, end = shown
    assert markdown.startswith("**`warehousePath`**") and "Iceberg warehouse directory" in markdown
    assert (start, end) == (18, 31)


def test_legacy_keys_are_struck_through_only_on_a_later_stack() -> None:
    line = _line_of(FLARE3_STANDALONE, "compute: runnable-default")
    on_flare3 = complete(FLARE3_STANDALONE, line, 8)
    assert on_flare3 is not None
    assert {item.label: item.deprecated for item in on_flare3.items}["tier"] is False
    bumped = FLARE3_STANDALONE.replace("stack: flare:3.0", "stack: flare:7.0")
    on_flare7 = complete(bumped, line, 8)
    assert on_flare7 is not None
    tier = {item.label: item for item in on_flare7.items}["tier"]
    assert tier.deprecated is True and tier.detail.endswith("(legacy)")


def test_the_stack_is_the_one_of_the_job_under_the_cursor() -> None:
    second_job = FLARE3_STANDALONE.split("workflow:\n  dag:\n", 1)[1].replace("stack: flare:3.0", "stack: flare:7.0")
    text = FLARE3_STANDALONE + second_job.replace("read-transactions", "read-again")
    first = complete(text, _line_of(text, "compute: runnable-default"), 8)
    last_compute = max(n for n, line in enumerate(text.splitlines()) if "compute: runnable-default" in line)
    second = complete(text, last_compute, 8)
    assert first is not None and second is not None
    assert {i.label: i.deprecated for i in first.items}["tier"] is False
    assert {i.label: i.deprecated for i in second.items}["tier"] is True
