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


def test_legacy_keys_only_on_an_old_stack_and_struck_through_when_the_stack_is_unknown() -> None:
    line = _line_of(FLARE3_STANDALONE, "compute: runnable-default")
    on_flare3 = complete(FLARE3_STANDALONE, line, 8)
    assert on_flare3 is not None
    assert {item.label: item.deprecated for item in on_flare3.items}["tier"] is False
    bumped = FLARE3_STANDALONE.replace("stack: flare:3.0", "stack: flare:7.0")
    on_flare7 = complete(bumped, line, 8)
    assert on_flare7 is not None and "tier" not in {item.label for item in on_flare7.items}  # FL106 would flag it
    unknown = complete(FLARE3_STANDALONE.replace("stack: flare:3.0", "stack: ${STACK}"), line, 8)
    assert unknown is not None
    tier = {item.label: item for item in unknown.items}["tier"]
    assert tier.deprecated is True and tier.detail.endswith("(legacy)")


def test_the_stack_is_the_one_of_the_job_under_the_cursor() -> None:
    second_job = FLARE3_STANDALONE.split("workflow:\n  dag:\n", 1)[1].replace("stack: flare:3.0", "stack: flare:7.0")
    text = FLARE3_STANDALONE + second_job.replace("read-transactions", "read-again")
    first = complete(text, _line_of(text, "compute: runnable-default"), 8)
    last_compute = max(n for n, line in enumerate(text.splitlines()) if "compute: runnable-default" in line)
    second = complete(text, last_compute, 8)
    assert first is not None and second is not None
    assert {i.label: i.deprecated for i in first.items}["tier"] is False
    assert "tier" not in {i.label for i in second.items}


# The same job with a step that applies functions (functions are alike in every layout).
FUNCTIONS = (
    FLARE3_STANDALONE.split("            inputs:")[0]
    + """\
            steps:
              - sequence:
                  - name: finalDf
                    sql: SELECT * FROM customers
                    functions:
                      - name: hash
                        column: phone
{cursor}
                      - name: drop
                        columns: [__metadata]
""".format(cursor=" " * 24)
)  # an empty line of the `hash` item, where its next parameter goes


def test_function_names_are_proposed_with_what_each_does() -> None:
    text = FUNCTIONS.replace("- name: hash", "- name: ha")
    line = _line_of(text, "- name: ha")
    found = complete(text, line, len(text.splitlines()[line]))
    assert found is not None
    items = {item.label: item for item in found.items}
    assert len(items) == 42 and {"hash", "set_column", "flatten_outer", "unpivot"} <= set(items)
    assert "MD5 or SHA digest" in items["hash"].documentation


def test_parameters_of_the_function_named_by_the_item_are_proposed() -> None:
    line = _line_of(FUNCTIONS, "column: phone") + 1
    found = complete(FUNCTIONS, line, 24)
    assert found is not None
    items = {item.label: item for item in found.items}
    assert set(items) == {"algo"}  # `name` and `column` are written; `columns` is `drop`'s, below
    assert items["algo"].detail.startswith("required") and "SHA-256" in items["algo"].documentation
    values = complete(FUNCTIONS.replace(" " * 24 + "\n", " " * 24 + "algo: SHA\n", 1), line, 33)
    assert values is not None and [item.label for item in values.items][:2] == ["MD5", "SHA-1"]


def test_a_new_function_item_offers_its_name_first() -> None:
    text = FUNCTIONS.replace(" " * 24 + "\n", " " * 22 + "- \n", 1)
    line = _line_of(FUNCTIONS, "column: phone") + 1
    found = complete(text, line, 24)
    assert found is not None and [item.label for item in found.items] == ["name"]


def test_hover_on_a_function_name_shows_the_function_and_its_parameters() -> None:
    line = _line_of(FUNCTIONS, "- name: hash")
    shown = hover(FUNCTIONS, line, 32)
    assert shown is not None
    markdown, start, end = shown
    assert markdown.startswith("**`hash`**: a Flare function")
    assert "- `algo` (required): Digest algorithm. One of `MD5`, `SHA-1`" in markdown
    assert (start, end) == (30, 34)


def test_hover_on_a_parameter_follows_the_function_of_its_item() -> None:
    line = _line_of(FUNCTIONS, "column: phone")
    shown = hover(FUNCTIONS, line, 26)
    assert (
        shown is not None
        and shown[0] == "**`column`**\n\nColumn whose values are hashed in place.\n\nExamples: `customer_name`"
    )
    drop = _line_of(FUNCTIONS, "columns: [__metadata]")
    shown = hover(FUNCTIONS, drop, 26)
    assert shown is not None and "Columns to remove." in shown[0]
    broken = FUNCTIONS.replace("columns: [__metadata]", "columns: [__metadata")  # hover from the lines
    shown = hover(broken, drop, 26)
    assert shown is not None and "Columns to remove." in shown[0]


CONNECTORS = """\
version: v1
name: wf-connectors
type: workflow
workflow:
  dag:
    - name: read-many
      spec:
        stack: flare:7.0
        compute: runnable-default
        stackSpec:
          job:
            inputs:
              - name: city
                dataset: dataos://thirdparty01:none/city
                format: csv
                options:
                  inferschema: true
{csv}
              - name: notes
                format: text
                dataset: dataos://thirdparty01:none/notes
                options:
                  lineSep: "\\n"
              - name: orders
                dataset: dataos://kafka01:default/orders
                format: kafkajson
                options:
                  kafka.security.protocol: SASL_PLAINTEXT
{kafka}
            outputs:
              - name: city
                dataset: dataos://bq01:dev/city?acl=rw
                format: bigquery
                options:
                  extraOptions:
                    writeMethod: direct
""".format(csv=" " * 18, kafka=" " * 18)  # empty lines in the csv and the Kafka input's options


def _labels(text: str, line: int, column: int) -> dict[str, object]:
    found = complete(text, line, column)
    assert found is not None
    return {item.label: item for item in found.items}


def test_options_offered_are_those_of_the_inputs_format() -> None:
    csv = _labels(CONNECTORS, _line_of(CONNECTORS, "inferschema: true") + 1, 18)
    assert {"header", "delimiter", "mode", "recursiveFileLookup"} <= set(csv)
    assert not {"wholetext", "startingOffsets", "branch", "kafka.security.protocol"} & set(csv)
    kafka = _labels(CONNECTORS, _line_of(CONNECTORS, "kafka.security.protocol:") + 1, 18)
    assert {"startingOffsets", "kafka.sasl.mechanism", "failOnDataLoss"} <= set(kafka)
    assert "kafka.security.protocol" not in kafka  # written already
    assert not {"header", "delimiter"} & set(kafka)


def test_values_of_connector_options_are_proposed() -> None:
    text = CONNECTORS.replace("kafka.security.protocol: SASL_PLAINTEXT", "kafka.security.protocol: S")
    line = _line_of(text, "kafka.security.protocol: S")
    values = _labels(text, line, len(text.splitlines()[line]))
    assert list(values) == ["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]
    text = CONNECTORS.replace("writeMethod: direct", "writeMethod: d")
    line = _line_of(text, "writeMethod: d")
    assert list(_labels(text, line, len(text.splitlines()[line]))) == ["direct", "indirect"]


def test_hover_on_connector_options_follows_the_format() -> None:
    line = _line_of(CONNECTORS, "lineSep:")
    shown = hover(CONNECTORS, line, 20)
    assert shown is not None and "wholetext" not in shown[0] and "a list of defaults" in shown[0]
    line = _line_of(CONNECTORS, "inferschema: true")  # Spark reads option names in any case
    shown = hover(CONNECTORS, line, 20)
    assert shown is not None and shown[0].startswith("**`inferSchema`**")
    line = _line_of(CONNECTORS, "writeMethod: direct")
    shown = hover(CONNECTORS, line, 35)
    assert shown is not None and shown[0].startswith("**`writeMethod: direct`**")
    broken = CONNECTORS.replace("writeMethod: direct", "writeMethod: [direct")  # hover from the lines
    shown = hover(broken, line, 22)
    assert shown is not None and shown[0].startswith("**`writeMethod`**") and "indirect" in shown[0]


def test_completion_offers_only_what_the_jobs_stack_has() -> None:
    text = CONNECTORS.replace("format: kafkajson", "format: k")
    line = _line_of(text, "format: k")
    column = len(text.splitlines()[line])
    assert {"kafkajson", "kafkaavro"} <= set(_labels(text, line, column))
    older = text.replace("stack: flare:7.0", "stack: flare:6.0")
    assert not {"kafkajson", "kafkaavro"} & set(_labels(older, line, column))
    output = _line_of(CONNECTORS, "format: bigquery")  # a new key of the output, beside `format`
    format_line = "                format: bigquery\n"
    added = CONNECTORS.replace(format_line, format_line + " " * 16 + "\n")
    assert "assertions" in _labels(added, output + 1, 16)
    legacy = added.replace("stack: flare:7.0", "stack: flare:3.0")
    assert "assertions" not in _labels(legacy, output + 1, 16)


def test_disputed_values_are_not_proposed() -> None:
    streaming = "            streaming:\n              triggerMode: O\n"
    text = CONNECTORS.replace("          job:\n", "          job:\n" + streaming)
    line = _line_of(text, "triggerMode: O")
    assert set(_labels(text, line, len(text.splitlines()[line]))) == {
        "ProcessingTime",
        "Once",
        "AvailableNow",
        "Continuous",
    }


def test_action_names_and_options_are_proposed_and_hovered() -> None:
    text = CONNECTORS.replace(
        "            outputs:\n",
        "            actions:\n              - name: expire_snapshots\n                input: city\n"
        "                options:\n                  olderThanMillis: 1674201289720\n            outputs:\n",
    )
    line = _line_of(text, "- name: expire_snapshots")
    names = _labels(text.replace("name: expire_snapshots", "name: e"), line, 23)
    assert {"expire_snapshots", "rewrite_dataset", "remove_orphans"} <= set(names)
    shown = hover(text, _line_of(text, "olderThanMillis"), 22)
    assert shown is not None and "epoch" in shown[0]


# A job with actions: each action's options are its own, inside `options` as on the action itself.
ACTIONS = (
    FLARE3_STANDALONE.split("            inputs:")[0]
    .replace("flare:3.0", "flare:7.0")
    .replace("flare:", "stackSpec:", 1)
    + """\
            inputs:
              - name: inputDf
                dataset: dataos://lakehouse:retail/city?acl=rw
            actions:
              - name: rewrite_manifest
                input: inputDf
                options:
                  useCaching: false
              - name: expire_snapshots
                input: inputDf
                options:
                  retainLast: 5
{cursor}
              - name: remove_orphans
                input: inputDf
""".format(cursor=" " * 18)
)  # an empty line of the `expire_snapshots` options, where its next option goes


def test_options_of_the_action_named_by_the_item_are_proposed() -> None:
    line = _line_of(ACTIONS, "retainLast: 5") + 1
    found = complete(ACTIONS, line, 18)
    assert found is not None
    labels = [item.label for item in found.items]
    # expire_snapshots' own, not `useCaching` (rewrite_manifest's, above) nor `dryRun` (remove_orphans')
    assert labels == [
        "olderThanMillis",
        "olderThanTimestamp",
        "snapshotIds",
        "maxConcurrentDeletes",
        "streamDeleteResults",
        "expireOlderThan",
    ]
    broken = ACTIONS.replace("useCaching: false", "useCaching: [false")  # from the lines, while it does not parse
    found = complete(broken, line, 18)
    assert found is not None and [item.label for item in found.items] == labels


def test_action_names_and_keys_are_proposed() -> None:
    text = ACTIONS.replace("- name: remove_orphans", "- name: re")
    line = text.splitlines().index(" " * 14 + "- name: re")
    found = complete(text, line, len(text.splitlines()[line]))
    assert found is not None
    items = {item.label: item for item in found.items}
    assert set(items) == {
        "rewrite_dataset",
        "rewrite_manifest",
        "expire_snapshots",
        "remove_orphans",
        "delete_from_dataset",
    }
    assert "Deletes the rows matching `deleteWhere`" in items["delete_from_dataset"].documentation
    text = ACTIONS.replace("- name: remove_orphans", "- name: delete_from_dataset")
    line = _line_of(text, "- name: delete_from_dataset") + 2
    found = complete(text[: text.rfind("\n")] + "\n" + " " * 16 + "\n", line, 16)
    assert found is not None and [item.label for item in found.items] == ["deleteWhere"]


def test_hover_on_an_action_option_follows_the_action_of_its_item() -> None:
    line = _line_of(ACTIONS, "useCaching: false")
    shown = hover(ACTIONS, line, 20)
    assert shown is not None and shown[0].startswith("**`useCaching`**\n\nBoolean: cache data while rewriting")
    line = _line_of(ACTIONS, "retainLast: 5")
    shown = hover(ACTIONS, line, 20)
    assert shown is not None and "how many of the latest snapshots are kept" in shown[0]
    broken = ACTIONS.replace("useCaching: false", "useCaching: [false")
    shown = hover(broken, line, 20)
    assert shown is not None and "how many of the latest snapshots are kept" in shown[0]
    name = _line_of(ACTIONS, "- name: expire_snapshots")
    shown = hover(ACTIONS, name, 26)
    assert shown is not None and shown[0].startswith("**`expire_snapshots`**: a Flare action")
    assert "- `input` (required): Name of the job input" in shown[0]


STEPS_AT_THEIR_KEY = """version: v1
name: wf
type: workflow
workflow:
  dag:
    - name: job-a
      spec:
        stack: flare:7.0
        compute: runnable-default
        stackSpec:
          job:
            inputs:
              - name: orders
                dataset: dataos://lakehouse:retail/orders
                format: iceberg
            steps:
            - sequence:
              - name: a
                sql: SELECT * FROM orders
                <cursor>
            actions:
              - name: expire_snapshots
                input: <cursor>
""".replace("<cursor>", "")


def test_keys_of_a_step_whose_list_sits_at_its_key_column() -> None:
    # `- name:` right below `sequence` (13 of the 78 corpus manifests write steps so): the blank line
    # under `sql` is inside the step, whose keys are offered.
    lines = STEPS_AT_THEIR_KEY.split("\n")
    line = next(i for i, text in enumerate(lines) if "SELECT" in text) + 1
    result = complete(STEPS_AT_THEIR_KEY, line, 16)
    assert result is not None
    labels = [item.label for item in result.items]
    assert {"functions", "sqlFile", "doc"} <= set(labels) and "sql" not in labels and "name" not in labels


def test_an_action_input_is_offered_only_the_job_inputs_not_an_example_name() -> None:
    lines = STEPS_AT_THEIR_KEY.split("\n")
    line = next(i for i, text in enumerate(lines) if text.strip() == "input:")
    result = complete(STEPS_AT_THEIR_KEY, line, len(lines[line]))
    assert result is not None
    assert [item.label for item in result.items] == ["orders"]
