"""The JSON Schema export: up to date with the model, and in agreement with the analyzer."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest

from flare_ls.analyze import analyze
from flare_ls.findings import Severity
from flare_ls.parsing.yamltree import parse, to_data
from flare_ls.schema import export
from flare_ls.views import is_flare_document
from golden import CORPUS, EXAMPLES, FIXTURES


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(export.DEFAULT_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_exported_schema_is_up_to_date() -> None:
    assert export.DEFAULT_PATH.read_text(encoding="utf-8") == export.render(), (
        "schemas/flare-workflow.schema.json is stale: run `python -m flare_ls.schema.export`"
    )


def _flare_documents(paths):
    for path in paths:
        text = path.read_bytes().decode("utf-8")
        for document in parse(text).documents:
            if is_flare_document(document.root):
                yield path, text, document


MANIFESTS = (
    sorted(CORPUS.glob("*.yaml"))
    + sorted(EXAMPLES.rglob("*.yaml"))
    + sorted(FIXTURES.glob("clean/*.yaml"))
    + sorted(FIXTURES.glob("functions/*-ok.yaml"))
    + sorted(FIXTURES.glob("actions/*-ok.yaml"))
    + sorted(FIXTURES.glob("connectors/*-ok.yaml"))
)


def test_manifests_without_errors_validate(validator) -> None:
    """Every manifest flare-ls finds no error in (corpus, seed examples, clean fixtures) is valid."""
    checked = 0
    for path, text, document in _flare_documents(MANIFESTS):
        if any(f.severity == Severity.ERROR for f in analyze(text)):
            continue
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(to_data(document.root))]
        assert not errors, f"{path.name}: {errors[:3]}"
        checked += 1
    assert checked >= 50


@pytest.mark.parametrize(
    "fixture",
    [
        "invalid-value/trigger-continous",
        "unknown-key/foreachbatchmode-case",
        "wrong-type/quoted-booleans-and-numbers",
        "misplaced-key/show-preview-lines-in-streaming",
        "missing-key/no-job-section",
        "functions/unknown-function",
        "functions/unknown-parameter",
        "functions/missing-parameter",
        "functions/bad-value",
        "connectors/option-values",
        "connectors/unknown-option",
        "wrong-type/ref-include-items",
    ],
)
def test_schema_rejects_what_the_analyzer_calls_errors(validator, fixture) -> None:
    path = FIXTURES / f"{fixture}.yaml"
    (_, _, document), *_ = _flare_documents([path])
    assert list(validator.iter_errors(to_data(document.root)))


def test_schema_carries_the_attribute_docs() -> None:
    schema = export.build_schema()
    trigger = schema["$defs"]["Streaming"]["properties"]["triggerMode"]
    assert trigger["description"].startswith("When and how the streaming query processes data")
    values = trigger["anyOf"][0]
    exact, any_case = values["anyOf"]
    assert exact["enum"] == ["ProcessingTime", "Once", "AvailableNow", "Continuous", "OneTime"]
    assert len(values["enumDescriptions"]) == 5
    assert set(trigger["x-flare-doubtful-values"]) == {"OneTime"}
    # A value of the set in another case is only a warning for flare-ls (FL107): the schema lets it pass.
    pattern = re.compile(any_case["pattern"])
    assert pattern.search("continuous") and pattern.search("${TRIGGER}") and not pattern.search("Continous")
    assert schema["$defs"]["JobSpec"]["properties"]["flare"]["deprecated"] is True


def test_shape_cache_is_fresh_and_equals_the_compiled_model() -> None:
    import pickle

    from flare_ls.schema import model
    from flare_ls.schema.shapes import CACHE, cache_is_fresh, compile_model, key_places

    assert cache_is_fresh(), "server/flare_ls/schema/shapes.pickle is stale: run `python -m flare_ls.schema.export`"
    cached = pickle.loads(CACHE.read_bytes())["root"]
    compiled = compile_model(model.Manifest)

    def summary(root):
        return {
            (key, place.path, place.shape.fields[key].required, repr(place.shape.fields[key].doc))
            for key, places in key_places(root).items()
            for place in places
        }

    assert summary(cached) == summary(compiled)


def test_the_check_path_loads_without_pydantic() -> None:
    """A cold `flare-ls --check` neither imports pydantic nor builds the model (the shape cache)."""
    import subprocess
    import sys

    code = (
        "import sys, pathlib; from flare_ls import cli;"
        "cli.collect([pathlib.Path(sys.argv[1])]);"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'pydantic' or m.endswith('schema.model')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(EXAMPLES / "seed" / "06-kafka-lakehouse-insights.yaml")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "[]", result.stderr


def _with_input_options(fmt: str, options: dict) -> dict:
    job = {
        "inputs": [{"name": "a", "dataset": "dataos://x:y/z", "format": fmt, "options": options}],
        "outputs": [{"name": "a", "dataset": "dataos://x:y/w?acl=rw", "format": "iceberg"}],
        "steps": [{"sequence": [{"name": "b", "sql": "select * from a"}]}],
    }
    spec = {"stack": "flare:7.0", "compute": "runnable-default", "stackSpec": {"job": job}}
    return {"version": "v1", "name": "wf", "type": "workflow", "workflow": {"dag": [{"name": "j", "spec": spec}]}}


@pytest.mark.parametrize(
    ("fmt", "options", "valid"),
    [
        ("csv", {"inferSchema": True, "mode": "permissive"}, True),
        ("CSV", {"INFERSCHEMA": True}, True),  # keys and the format in any case, as Spark reads them
        ("kafkajson", {"kafka.any.option": "x"}, True),  # a prefix the reader passes on
        ("csv", {"mode": "bogus"}, False),
        ("csv", {"wholetext": True}, False),  # a text option on a csv input
        ("csv", {"nosuch": 1}, False),
        ("no-such-format", {"nosuch": 1}, True),  # the general options
    ],
)
def test_schema_checks_options_by_the_holders_format(validator, fmt, options, valid) -> None:
    errors = list(validator.iter_errors(_with_input_options(fmt, options)))
    assert not errors if valid else errors


#: A whole workflow with a function, an action, a partition spec and csv options; ``{...}`` fields are
#: filled in by each case below.
_TAGGED = """\
version: v1
name: wf
type: {kind}
workflow:
  dag:
    - name: job
      spec:
        stack: flare:7.0
        compute: runnable-default
        stackSpec:
          job:
            explain: {explain}
            inputs:
              - name: city
                dataset: dataos://thirdparty01:none/city
                format: csv
                isStream: {stream}
                options:
                  header: {header}
            steps:
              - sequence:
                  - name: finalDf
                    sql: SELECT * FROM city
                    functions:
                      - name: {function}
                        columns: [a]
            actions:
              - name: {action}
                input: city
                options:
                  retainLast: {retain}
            outputs:
              - name: finalDf
                dataset: dataos://lakehouse:retail/out?acl=rw
                format: iceberg
                options:
                  saveMode: append
                  iceberg:
                    partitionSpec:
                      - type: {transform}
                        column: a
                        numBuckets: {buckets}
"""
_TAGGED_DEFAULTS = {
    "kind": "workflow",
    "explain": "true",
    "stream": "false",
    "header": "true",
    "function": "drop",
    "action": "expire_snapshots",
    "retain": "5",
    "transform": "bucket",
    "buckets": "8",
}


@pytest.mark.parametrize(
    ("fields", "valid"),
    [
        ({}, True),
        # 1. Tags in another letter case (only FL107 for flare-ls) or as a placeholder, or an empty one.
        ({"kind": "Workflow", "function": "Drop", "action": "Expire_Snapshots", "transform": "Bucket"}, True),
        ({"kind": "${KIND}", "function": "${FN}", "action": "${ACTION}", "transform": "${T}"}, True),
        ({"function": "'{{ fn }}'", "action": "<action>", "transform": "'{{t}}'"}, True),
        ({"function": "", "action": ""}, True),
        ({"function": "no_such_function"}, False),
        ({"function": "drops"}, False),
        ({"action": "no_such_action"}, False),
        ({"transform": "weekly"}, False),
        ({"kind": "service"}, False),
        # 2. Placeholders in boolean and integer fields.
        ({"explain": "${EXPLAIN}", "stream": "${STREAM}", "retain": "${N}", "buckets": "'{{ n }}'"}, True),
        ({"stream": "<stream>", "buckets": "<buckets>"}, True),
        ({"stream": "sometimes"}, False),
        ({"buckets": "many"}, False),
        # 3. An empty value inside a format's options (matched by pattern, in any case).
        ({"header": ""}, True),
        ({"header": "[a, b]"}, False),
    ],
)
def test_schema_is_no_stricter_than_the_analyzer_on_tags_and_placeholders(validator, fields, valid) -> None:
    """What flare-ls accepts without an error (placeholders for any type, a closed value in another case)
    validates; what it calls an error does not."""
    text = _TAGGED.format(**{**_TAGGED_DEFAULTS, **fields})
    analyzer_errors = [f.message for f in analyze(text) if f.severity == Severity.ERROR]
    assert bool(analyzer_errors) is not valid, analyzer_errors  # the case says what flare-ls says
    (document,) = parse(text).documents
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(to_data(document.root))]
    assert not errors if valid else errors


def test_tag_unions_take_any_member_and_leave_no_discriminator() -> None:
    """A placeholder tag may suit several members of a union (``oneOf`` would reject it), and an
    OpenAPI ``discriminator`` would compare the tag exactly: unions are ``anyOf``, without one."""
    text = export.render()
    assert '"discriminator"' not in text and '"oneOf"' not in text and '"const": "workflow"' not in text
