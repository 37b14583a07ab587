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
import sys
from pathlib import Path
from typing import Any

from pydantic.json_schema import GenerateJsonSchema

from . import model
from .shapes import CACHE


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


def _allow_empty_optional_values(schema: dict[str, Any]) -> None:
    """An optional key left empty (``envs:`` with only comments under it) reads as null; Flare and
    flare-ls treat it as absent, so the schema accepts null there too. Annotations stay outside the
    ``anyOf`` so that editors still show them."""
    for definition in [schema, *schema.get("$defs", {}).values()]:
        required = set(definition.get("required", ()))
        for key, prop in definition.get("properties", {}).items():
            if key in required:
                continue
            outer = {k: prop.pop(k) for k in _ANNOTATIONS if k in prop}
            definition["properties"][key] = {**outer, "anyOf": [prop, {"type": "null"}]}


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


def build_schema() -> dict[str, Any]:
    schema = model.Manifest.model_json_schema(by_alias=True, mode="validation", schema_generator=_Generator)
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
