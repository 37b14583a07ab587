"""The model carries the documentation: the seed's attribute table and every hover come from it."""

from __future__ import annotations

import pytest

from flare_ls.analyze import ROOT_SHAPE
from flare_ls.schema import model
from flare_ls.schema.attrs import TRIGGER_MODES
from flare_ls.schema.docs import field_at, hover_markdown, streaming_attribute_table
from flare_ls.schema.shapes import key_places

ALL = set(TRIGGER_MODES)
# The specification's table, "Used In Which Trigger Modes?" column.
SEED_TABLE = {
    ("Streaming", "triggerMode"): ALL,
    ("Streaming", "triggerDuration"): {"ProcessingTime", "Continuous"},
    ("Streaming", "batchMode"): {"Once", "AvailableNow"},
    ("Streaming", "forEachBatchMode"): {"ProcessingTime", "AvailableNow", "Once"},
    ("InputOptions", "startingOffsets"): ALL,
    ("Streaming", "checkpointLocation"): ALL,
}


@pytest.mark.parametrize("owner,key", list(SEED_TABLE))
def test_trigger_modes_follow_the_specification_table(owner, key) -> None:
    doc = getattr(model, owner).model_fields[key].json_schema_extra
    assert set(doc.trigger_modes) == SEED_TABLE[(owner, key)]


def test_trigger_mode_values_are_documented_from_the_seed() -> None:
    doc = model.Streaming.model_fields["triggerMode"].json_schema_extra
    assert list(doc.values)[:4] == ["ProcessingTime", "Once", "AvailableNow", "Continuous"]
    # Values beyond the specification's four (`OneTime`, from the configuration table's prose) are disputed.
    assert set(list(doc.values)[4:]) == set(doc.doubtful)
    assert "cron" in doc.values["Once"].lower()
    assert "sub-second" in doc.values["Continuous"].lower()
    assert doc.default is not None and "micro-batch" in doc.default


def test_streaming_attribute_table_renders_from_the_model() -> None:
    table = streaming_attribute_table().splitlines()
    assert table[0] == "| Attribute | Description | Trigger modes | Notes |"
    assert len(table) == 2 + len(SEED_TABLE)
    duration = next(row for row in table if row.startswith("| `triggerDuration`"))
    assert "`ProcessingTime`, `Continuous`" in duration or "`Continuous`, `ProcessingTime`" in duration


def test_every_attribute_is_documented_and_hover_renders() -> None:
    count = 0
    for key, places in key_places(ROOT_SHAPE).items():
        for place in places:
            field = place.shape.fields[key]
            assert field.doc is not None and field.doc.description.strip(), f"{place.path} {key}"
            assert field.doc.markdown(key).startswith(f"**`{key}`**")
            count += 1
    assert count > 250


def test_hover_follows_a_concrete_yaml_path() -> None:
    path = ("workflow", "dag", 0, "spec", "stackSpec", "job", "streaming", "triggerMode")
    text = hover_markdown(path)
    assert text is not None and text.startswith("**`triggerMode`**") and "`Continuous`" in text
    legacy = hover_markdown(("workflow", "dag", 0, "spec", "flare"))
    assert legacy is not None and "flare:1.0-4.0 layout" in legacy and "From flare:5.0 on, use `stackSpec`" in legacy
    assert field_at(("workflow", "dag", 0, "spec", "stackSpec", "job", "inputs", 2, "isStream")) is not None
    assert hover_markdown(("workflow", "nonsense")) is None


def test_every_function_is_modelled_and_used_in_the_clean_fixture() -> None:
    """The 41 functions of the DataOS list page, plus `flatten_outer` (named in flatten's note), each a
    model selected by `name`; the clean fixture uses every one of them and has no finding."""
    from flare_ls.analyze import analyze
    from flare_ls.schema.docs import shape_at
    from flare_ls.schema.shapes import TaggedShape
    from golden import FIXTURES

    functions = shape_at(("workflow", "dag", 0, "spec", "stackSpec", "job", "steps", 0, "sequence", 0, "functions", 0))
    assert isinstance(functions, TaggedShape) and functions.tag == "name"
    assert len(functions.variants) == 42 and {"set_column", "flatten_outer"} <= set(functions.variants)
    text = (FIXTURES / "functions" / "all-functions-ok.yaml").read_text(encoding="utf-8")
    used = {line.split("- name:")[1].strip() for line in text.splitlines() if line.startswith(" " * 22 + "- name:")}
    assert used == set(functions.variants)
    assert analyze(text) == []
