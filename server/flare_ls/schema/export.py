"""The JSON Schema of a Flare workflow manifest, exported from the pydantic model.

    python -m flare_ls.schema.export           # rewrite schemas/flare-workflow.schema.json and shapes.pickle
    python -m flare_ls.schema.export --check   # exit 1 when either is stale
    flare-ls schema                            # print the schema (any install, not only a checkout)

For tools that speak JSON Schema (yaml-language-server, editors, CI validators). It carries each
attribute's description (``markdownDescription``), value docs (``enumDescriptions``) and ``deprecated``
for the legacy layout. It is looser than flare-ls in one way: it cannot say "one of `dataset` or
`query`" or anything else that relates two keys.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema

from ..references import INCLUDE_LISTS, REF_PREFIX
from . import connectors, model
from .attrdoc import _PLACEHOLDER_PATTERN, any_case, closed_set_pattern
from .shapes import CACHE, ByKey


class _Generator(GenerateJsonSchema):
    """Pydantic's generator without the titles it derives from field names ("Triggermode"): editors
    would show them above our descriptions."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False


SCHEMA_ID = "https://github.com/flare-ls/flare-ls/blob/main/schemas/flare-workflow.schema.json"
DEFAULT_PATH = Path(__file__).resolve().parents[3] / "schemas" / "flare-workflow.schema.json"


_ANNOTATIONS = (
    "title",
    "description",
    "markdownDescription",
    "deprecated",
    "default",
    "examples",
    "x-flare-default",
    "x-flare-trigger-modes",
    "x-flare-stacks",
    "x-flare-value-stacks",
    "x-flare-unlisted-values",
    "x-flare-doubtful-values",
)


#: A value flare-ls leaves to whoever fills it in (``${VAR}``, ``{{ }}``, ``<...>``): fine for any type.
_PLACEHOLDER: dict[str, Any] = {"type": "string", "pattern": _PLACEHOLDER_PATTERN}


def _or(prop: dict[str, Any], alternative: dict[str, Any]) -> dict[str, Any]:
    """``prop`` or ``alternative``, with ``prop``'s annotations outside the ``anyOf`` so that editors
    still show them."""
    outer = {k: prop.pop(k) for k in _ANNOTATIONS if k in prop}
    return {**outer, "anyOf": [prop, alternative]}


def _allow_empty_optional_values(schema: dict[str, Any]) -> None:
    """An optional key left empty (``envs:`` with only comments under it) reads as null; Flare and
    flare-ls treat it as absent, so the schema accepts null there too, for keys matched by a pattern
    (the options of a format, in any case) as well."""
    for definition in [schema, *schema.get("$defs", {}).values()]:
        required = set(definition.get("required", ()))
        for key, prop in definition.get("properties", {}).items():
            if key not in required:
                definition["properties"][key] = _or(prop, {"type": "null"})
        for key, prop in definition.get("patternProperties", {}).items():
            if prop:  # ``{}`` (a prefix passed on) takes anything already
                definition["patternProperties"][key] = _or(prop, {"type": "null"})


def _subschemas(node: Any) -> Iterator[dict[str, Any]]:
    """Every schema object under ``node``, outside ``not`` and ``if`` (where accepting more would
    reject more)."""
    if isinstance(node, dict):
        yield node
        for key, value in node.items():
            if key not in ("not", "if"):
                yield from _subschemas(value)
    elif isinstance(node, list):
        for value in node:
            yield from _subschemas(value)


def _accept_placeholders(schema: dict[str, Any]) -> None:
    """A boolean or a number may be written as a placeholder (``isStream: ${STREAM}``): flare-ls takes
    one for any type."""
    for node in list(_subschemas(schema)):
        if node.get("type") in ("boolean", "integer", "number"):
            inner = dict(node)
            node.clear()
            node.update(_or(inner, _PLACEHOLDER))


def _loosen_tags(schema: dict[str, Any]) -> None:
    """A tag (``type: workflow``, a function's or action's ``name``, a partition's ``type``) matches as
    flare-ls matches it: in any letter case (only a warning there, FL107) or as a placeholder. A union of
    tagged models (``functions``) takes any of them (a placeholder tag may suit several), or any object
    whose tag is a placeholder or left empty; ``discriminator``, which would compare the tag exactly, goes."""
    nodes = list(_subschemas(schema))
    tags: set[str] = set()
    for node in nodes:
        discriminator = node.pop("discriminator", None)
        if discriminator is not None and "oneOf" in node:
            tag = discriminator["propertyName"]
            tags.add(tag)
            loose = {"type": "object", "properties": {tag: {"anyOf": [_PLACEHOLDER, {"type": "null"}]}}}
            node["anyOf"] = [*node.pop("oneOf"), {**loose, "required": [tag]}]
    for node in nodes:
        value = node.get("const")
        if not isinstance(value, str):
            continue
        del node["const"]
        if "anyOf" not in node:  # the enum and its loose pattern are there already when attrdoc made them
            node["anyOf"] = [{"const": value}, {"pattern": closed_set_pattern((value,))}]


def _accept_ref_includes(schema: dict[str, Any]) -> None:
    """An item of a job's ``inputs`` or ``steps`` may be a ``Ref://`` include (the DataOS CLI puts the
    file's content there), as flare-ls accepts it (``references.INCLUDE_LISTS``)."""
    include = {"type": "string", "pattern": "^" + re.escape(REF_PREFIX)}
    for definition in schema.get("$defs", {}).values():
        for key in INCLUDE_LISTS:
            prop = definition.get("properties", {}).get(key)
            for option in prop.get("anyOf", [prop]) if prop else ():
                items = option.get("items")
                if option.get("type") == "array" and isinstance(items, dict) and "$ref" in items:
                    option["items"] = {"anyOf": [items, include]}


def _check_flare_specs_only(schema: dict[str, Any]) -> None:
    """A dag job on another stack (scanner, soda, ...) has a spec flare-ls does not model: check a
    spec against the Flare one unless its ``stack`` names another stack."""
    spec = schema["$defs"]["DagJob"]["properties"]["spec"]
    flare_ref = spec["anyOf"][0]
    other_stack = {
        "required": ["stack"],
        "properties": {"stack": {"type": "string", "not": {"pattern": r"^(flare(:|$)|\$\{)"}}},
    }
    spec["anyOf"][0] = {"type": "object", "if": {"not": other_stack}, "then": flare_ref}
    # A spec that holds ``file:`` takes its keys from that file (as the analyzer reads it), so the keys
    # a Flare spec requires are required only of a spec without one.
    job_spec = schema["$defs"]["JobSpec"]
    required = job_spec.pop("required", None)
    if required:
        job_spec["if"] = {"not": {"required": ["file"]}}
        job_spec["then"] = {"required": required}


def _models() -> dict[str, type[BaseModel]]:
    """The model classes by name, as pydantic names their definitions."""
    found: dict[str, type[BaseModel]] = {}
    for module in (model, connectors):
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, BaseModel):
                found[value.__name__] = value
    return found


def _loosen_keys(definition: dict[str, Any], cls: type[BaseModel] | None) -> None:
    """Keys as flare-ls matches them: in any letter case where the model's options ignore case (Spark's
    options), and any key under a prefix the model passes on (``kafka.``)."""
    if cls is None:
        return
    patterns = definition.setdefault("patternProperties", {})
    if getattr(cls, "options_fold_case", False):
        for key, prop in definition.pop("properties", {}).items():
            patterns[f"^{any_case(key)}$"] = prop
        definition.pop("required", None)  # a required key may be written in another case
    for prefix in getattr(cls, "option_prefixes", ()):
        patterns[f"^{any_case(prefix)}"] = {}
    if not patterns:
        del definition["patternProperties"]


def _options_by_format(schema: dict[str, Any]) -> None:
    """Options chosen by a key of their holder (an input's ``options`` by its ``format``, ``ByKey`` in
    the model): each holder checks its options against the variant its key's value selects (compared
    without case), as flare-ls does; the general options stay for a holder without a known value."""
    defs = schema["$defs"]
    classes = _models()
    added: set[str] = set()
    for name, cls in classes.items():
        if name not in defs:
            continue
        conditions: list[dict[str, Any]] = []
        for field_name, info in cls.model_fields.items():
            keyed = next((m for m in info.metadata if isinstance(m, ByKey)), None)
            if keyed is None:
                continue
            key = info.alias or field_name
            for value, variant in keyed.variants:
                variant_schema = variant.model_json_schema(
                    by_alias=True, mode="validation", schema_generator=_Generator, ref_template="#/$defs/{model}"
                )
                nested = variant_schema.pop("$defs", {})
                for def_name, definition in {variant.__name__: variant_schema, **nested}.items():
                    if def_name in defs and def_name not in added:
                        assert defs[def_name] == definition, def_name  # one name, one model
                        continue
                    if def_name not in added:
                        _loosen_keys(definition, classes.get(def_name))
                        defs[def_name] = definition
                        added.add(def_name)
                # The first of the keys the holder has selects (``format`` before ``outputType``).
                for index, selector in enumerate(keyed.keys):
                    condition: dict[str, Any] = {
                        "properties": {selector: {"type": "string", "pattern": rf"^\s*{any_case(value)}\s*$"}},
                        "required": [selector],
                    }
                    if index:
                        condition["not"] = {"anyOf": [{"required": [k]} for k in keyed.keys[:index]]}
                    ref = {"anyOf": [{"$ref": f"#/$defs/{variant.__name__}"}, {"type": "null"}]}
                    conditions.append({"if": condition, "then": {"properties": {key: ref}}})
        if conditions:
            defs[name].setdefault("allOf", []).extend(conditions)


def build_schema() -> dict[str, Any]:
    schema = model.Manifest.model_json_schema(by_alias=True, mode="validation", schema_generator=_Generator)
    _options_by_format(schema)
    _accept_ref_includes(schema)
    _loosen_tags(schema)
    _accept_placeholders(schema)
    _allow_empty_optional_values(schema)
    _check_flare_specs_only(schema)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
        "title": "DataOS Flare workflow manifest",
        "description": "A DataOS Workflow whose dag jobs run the Flare stack (Apache Spark). Generated from "
        "the flare-ls schema model: do not edit by hand.",
    }


def render() -> str:
    return json.dumps(build_schema(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    from .shapes import cache_is_fresh, write_cache

    path = DEFAULT_PATH
    if not (path.parents[1] / "pyproject.toml").is_file():
        # An installed copy: parents[3] is somewhere in site-packages, not a checkout's schemas/.
        print("not a flare-ls checkout: `flare-ls schema` prints the schema to stdout", file=sys.stderr)
        return 2
    text = render()
    if "--check" in argv:
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        stale = [str(p) for p, fresh in ((path, current == text), (CACHE, cache_is_fresh())) if not fresh]
        for name in stale:
            print(f"{name} is stale: run `python -m flare_ls.schema.export`", file=sys.stderr)
        return 1 if stale else 0
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}")
    print(f"wrote {write_cache()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
