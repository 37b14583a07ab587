"""The documented attributes of a Flare workflow, held against the schema model.

``tests/data/documented-attributes.csv`` lists every attribute the public DataOS documentation gives a
Flare workflow manifest, one row each: its path, type, closed value set, stack versions and the page it
comes from (``docs/coverage.md`` says how the rows were gathered and how to add one). This module reads
the table and looks each row up in the compiled shapes (``shapes.root_shape()``, the ones the schema
rules walk); ``tests/test_documented_coverage.py`` holds the table against them.

    python scripts/documented_attributes.py --coverage      covered/total, overall and per area
    python scripts/documented_attributes.py --gaps          the rows the model does not cover, and why
    python scripts/documented_attributes.py --check-pages GIT_DIR
                                                            each row's page exists in a dataos.info
                                                            snapshot and names the row's key

Paths: keys joined by ``.``; ``[]`` after a key is a list's item; ``[key=value]`` is an item whose
``key`` has that value (``functions[name=hash].algo``, ``inputs[format=csv].options.sep``); a key
holding a dot or other punctuation is written in backquotes (``properties.`write.format.default```),
and a backquoted key ending in ``*`` is a family of keys passed on by prefix (``options.`kafka.*```).
A path ending in ``[key=value]`` is the tagged item itself (the function ``hash``).
"""

from __future__ import annotations

import argparse
import csv
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "tests" / "data" / "documented-attributes.csv"
COLUMNS = ("path", "type", "values", "versions", "page", "gap", "note")

#: The stack versions a ``versions`` cell may name, oldest first (``attrdoc.STACKS`` where it exists).
STACKS: tuple[str, ...] = ("flare:1.0", "flare:2.0", "flare:3.0", "flare:4.0", "flare:5.0", "flare:6.0", "flare:7.0")

#: Areas in the order the coverage report prints them; ``area_of`` assigns each row one.
AREAS = (
    "meta",
    "workflow",
    "job",
    "streaming",
    "inputs",
    "input options",
    "outputs",
    "output options",
    "steps",
    "functions",
    "assertions",
    "actions",
)


@dataclass(frozen=True)
class Segment:
    key: str
    #: The key holds a list and the path goes on into its items.
    item: bool = False
    #: ``[key=value]``: the item is the one with this key and value.
    selector: tuple[str, str] | None = None


@dataclass(frozen=True)
class Row:
    path: str
    type: str
    values: tuple[str, ...]
    versions: str
    page: str
    gap: str
    note: str
    line: int

    @property
    def segments(self) -> tuple[Segment, ...]:
        return parse_path(self.path)

    @property
    def area(self) -> str:
        return area_of(self.path)

    @property
    def is_function(self) -> bool:
        """The row of a function itself (``...functions[name=hash]``), not of a parameter."""
        return bool(re.search(r"\.functions\[name=[^\]]+\]$", self.path))


_SEGMENT = re.compile(r"(?:`(?P<quoted>[^`]+)`|(?P<plain>[A-Za-z0-9_$-]+))(?:\[(?P<sel>[^\]]*)\])?(?:\.|$)")


def parse_path(path: str) -> tuple[Segment, ...]:
    segments: list[Segment] = []
    pos = 0
    while pos < len(path):
        m = _SEGMENT.match(path, pos)
        if m is None or m.end() == pos:
            raise ValueError(f"bad path {path!r} at {pos}")
        key = m.group("quoted") or m.group("plain")
        sel = m.group("sel")
        selector = None
        if sel:
            name, eq, value = sel.partition("=")
            if not eq or not name or not value:
                raise ValueError(f"bad selector [{sel}] in {path!r}")
            selector = (name, value)
        segments.append(Segment(key, sel is not None, selector))
        pos = m.end()
    if path.endswith("."):
        raise ValueError(f"bad path {path!r}")
    return tuple(segments)


def area_of(path: str) -> str:
    if ".functions[" in path:
        return "functions"
    if ".actions[" in path:
        return "actions"
    if ".assertions[" in path:
        return "assertions"
    if re.search(r"\.inputs\[[^\]]*\]\.options\.", path):
        return "input options"
    if re.search(r"\.outputs\[[^\]]*\]\.options\.", path):
        return "output options"
    for area, marker in (("inputs", ".inputs["), ("outputs", ".outputs["), ("steps", ".steps[")):
        if marker in path:
            return area
    if ".job.streaming" in path:
        return "streaming"
    if ".stackSpec" in path:
        return "job"
    if path.startswith("workflow"):
        return "workflow"
    return "meta"


def read_table(path: Path = TABLE) -> list[Row]:
    """The rows of the table; lines starting with ``#`` are comments."""
    lines = path.read_text(encoding="utf-8").splitlines()
    numbered = [(n, line) for n, line in enumerate(lines, 1) if line.strip() and not line.startswith("#")]
    reader = csv.reader(line for _, line in numbered)
    header = next(reader)
    if tuple(header) != COLUMNS:
        raise ValueError(f"{path}: the header must be {','.join(COLUMNS)}, not {','.join(header)}")
    rows = []
    for (number, _), cells in zip(numbered[1:], reader, strict=True):
        if len(cells) != len(COLUMNS):
            raise ValueError(f"{path}:{number}: {len(cells)} cells, not {len(COLUMNS)}")
        values = tuple(v.strip() for v in cells[2].split("|")) if cells[2].strip() else ()
        rows.append(
            Row(cells[0], cells[1], values, cells[3].strip(), cells[4].strip(), cells[5].strip(), cells[6], number)
        )
    return rows


# ---------------------------------------------------------------------------------------------------
# Looking a row up in the shapes
# ---------------------------------------------------------------------------------------------------


@dataclass
class Verdict:
    row: Row
    #: What is wrong, one phrase each; empty when the model covers the row.
    problems: list[str] = field(default_factory=list)

    @property
    def covered(self) -> bool:
        return not self.problems


def expand_versions(text: str) -> frozenset[str]:
    """``flare:4.0+``, ``flare:1.0-4.0``, ``flare:7.0``, joined by ``|``."""
    found: set[str] = set()
    for part in text.split("|"):
        part = part.strip()
        if part.endswith("+"):
            found.update(STACKS[STACKS.index(part[:-1]) :])
        elif "-" in part:
            first, last = part.split("-")
            found.update(STACKS[STACKS.index(first) : STACKS.index(f"flare:{last}") + 1])
        elif part in STACKS:
            found.add(part)
        else:
            raise ValueError(f"unknown stack version {part!r}")
    return frozenset(found)


def _shapes() -> Any:
    from flare_ls.schema import shapes

    return shapes


def _alternatives(shape: Any, context: dict[str, str]) -> list[Any]:
    """The mappings a value of ``shape`` may be, given the selectors met on the way."""
    sh = _shapes()
    if isinstance(shape, sh.UnionShape):
        return [m for option in shape.options for m in _alternatives(option, context)]
    if isinstance(shape, sh.TaggedShape):
        if shape.tag in context:
            variant = shape.variants.get(context[shape.tag])
            return [variant] if variant is not None else []
        return [shape]
    keyed = getattr(sh, "KeyedShape", None)
    if keyed is not None and isinstance(shape, keyed):
        # Options chosen by a key of their holder (an input's `format`): the variant the row's selector
        # names, else the general options, as the schema walk does.
        for key in shape.keys:
            if key in context:
                variant = shape.variants.get(context[key].lower())
                return [variant if variant is not None else shape.general]
        return [shape.general]
    if isinstance(shape, (sh.MapShape, sh.AnyShape)):
        return [shape]
    return []


def _lookup(mapping: Any, key: str) -> list[Any]:
    """The field shapes ``key`` names in a mapping (a tagged mapping: the tag, or any variant's key)."""
    sh = _shapes()
    if isinstance(mapping, sh.TaggedShape):
        if key == mapping.tag:
            return [mapping.tag_field]
        return [f for v in mapping.variants.values() for f in _lookup(v, key)]
    if not isinstance(mapping, sh.MapShape):
        return []
    lookup = getattr(mapping, "lookup", None)
    found = lookup(key) if lookup is not None else mapping.fields.get(key)
    return [found] if found is not None else []


def _passes(mapping: Any, family: str) -> bool:
    """A family of keys (``kafka.*``) the mapping passes on by their prefix."""
    prefixes = getattr(mapping, "prefixes", ())
    return family[:-1].lower() in (p.lower() for p in prefixes)


def resolve(root: Any, row: Row) -> tuple[list[Any], str]:
    """The field shapes (or, for a path ending in a selector, the variant shapes) at the row's path, or
    an empty list and why not."""
    sh = _shapes()
    shapes: list[Any] = [root]
    context: dict[str, str] = {}
    walked: list[str] = []
    found: list[Any] = []
    for n, seg in enumerate(row.segments):
        last = n == len(row.segments) - 1
        maps = [m for s in shapes for m in _alternatives(s, context)]
        where = ".".join(walked) or "the top level"
        if any(isinstance(m, sh.AnyShape) for m in maps):
            return [], f"`{where}` is not modelled (any value passes)"
        if seg.key.endswith("*"):
            if any(_passes(m, seg.key) for m in maps):
                return [sh.FieldShape(seg.key, sh.AnyShape(), False, None)], ""
            return [], f"`{where}` does not pass keys `{seg.key}` on"
        fields = [f for m in maps for f in _lookup(m, seg.key)]
        if not fields:
            is_open = any(getattr(m, "open", False) for m in maps)
            return [], f"`{where}` has no key `{seg.key}`" + (" (it passes unknown keys on)" if is_open else "")
        walked.append(seg.key + ("[]" if seg.item and not seg.selector else ""))
        if seg.selector is not None:
            context = {seg.selector[0]: seg.selector[1]}
            walked[-1] = f"{seg.key}[{seg.selector[0]}={seg.selector[1]}]"
        elif seg.item:
            context = {}
        if last and not seg.item:
            return fields, ""
        shapes = []
        for f in fields:
            shape = f.shape
            if seg.item:
                lists = [o for o in _union_options(shape) if isinstance(o, sh.ListShape)]
                if not lists:
                    continue
                shape = lists[0].item
            shapes.append(shape)
        if not shapes:
            return [], f"`{'.'.join(walked[:-1]) or 'the top level'}.{seg.key}` is not a list"
        if last:
            # The item itself: with a selector, the variant it names must exist.
            found = [m for s in shapes for m in _alternatives(s, context)]
            tagged = [s for s in shapes if isinstance(s, sh.TaggedShape)]
            if seg.selector is not None and tagged and not found:
                return [], f"`{seg.key}` has no item with {seg.selector[0]} `{seg.selector[1]}`"
            return [sh.FieldShape(seg.key, s, False, None) for s in found or shapes], ""
    return found, ""


def _union_options(shape: Any) -> list[Any]:
    sh = _shapes()
    return list(shape.options) if isinstance(shape, sh.UnionShape) else [shape]


def _accepts(shape: Any, wanted: str) -> bool:
    """The shape accepts a value of the documented type (``str``, ``list[str]``, ``map``, ...)."""
    sh = _shapes()
    options = _union_options(shape)
    if any(isinstance(o, sh.AnyShape) for o in options):
        return True
    if wanted == "any":
        return False
    if wanted in ("str", "int", "bool", "float"):
        return any(isinstance(o, sh.ScalarShape) and (o.literal is not None or wanted in o.kinds) for o in options)
    if wanted == "map":
        keyed = getattr(sh, "KeyedShape", ())
        return any(isinstance(o, (sh.MapShape, sh.TaggedShape, *([keyed] if keyed else []))) for o in options)
    m = re.fullmatch(r"list(?:\[(.+)\])?", wanted)
    if m:
        lists = [o for o in options if isinstance(o, sh.ListShape)]
        return any(m.group(1) is None or _accepts(o.item, m.group(1)) for o in lists)
    raise ValueError(f"unknown type {wanted!r}")


def _model_values(fs: Any) -> tuple[set[str], bool]:
    """The values the model lists for a field, and whether it compares them ignoring case."""
    sh = _shapes()
    values: set[str] = set()
    for option in _union_options(fs.shape):
        if isinstance(option, sh.ScalarShape) and option.literal:
            values.update(option.literal)
    doc = fs.doc
    if doc is not None:
        values.update(doc.values)
    return values, bool(doc is not None and doc.case_insensitive)


def _model_stacks(doc: Any) -> frozenset[str] | None:
    """The stack versions the model gives an attribute, or None where it says nothing of them."""
    if doc is None:
        return None
    stacks = getattr(doc, "stacks", None)
    if stacks is not None:  # the model carries versions per attribute
        return frozenset(stacks or STACKS)
    if doc.legacy is not None and not doc.legacy.current_use:
        return expand_versions("flare:1.0-4.0")
    return None


def judge(root: Any, row: Row) -> Verdict:
    """Whether the model declares the row's attribute at its path, with its type, values and versions."""
    verdict = Verdict(row)
    fields, why = resolve(root, row)
    if not fields:
        verdict.problems.append(why)
        return verdict
    alternatives = [t.strip() for t in row.type.split("|")]
    for wanted in alternatives:
        if not any(_accepts(f.shape, wanted) for f in fields):
            verdict.problems.append(f"does not accept a `{wanted}`")
    if row.values:
        best: list[str] | None = None
        for f in fields:
            known, fold = _model_values(f)
            if fold:
                known = {v.lower() for v in known}
            missing = [v for v in row.values if (v.lower() if fold else v) not in known]
            if best is None or len(missing) < len(best):
                best = missing
        if best:
            verdict.problems.append("does not know the value(s) " + ", ".join(f"`{v}`" for v in best))
    if row.versions:
        wanted_stacks = expand_versions(row.versions)
        stacks = [s for f in fields if (s := _model_stacks(f.doc)) is not None]
        if stacks and wanted_stacks not in stacks:
            given = " ".join(sorted(stacks[0]))
            verdict.problems.append(f"gives it the stack versions {given}, not {row.versions}")
    return verdict


def judge_all(rows: list[Row] | None = None) -> list[Verdict]:
    root = _shapes().root_shape()
    return [judge(root, row) for row in (rows if rows is not None else read_table())]


# ---------------------------------------------------------------------------------------------------
# Reports
# ---------------------------------------------------------------------------------------------------


def coverage_lines(verdicts: list[Verdict]) -> Iterator[str]:
    def pct(a: int, b: int) -> str:
        return f"{100 * a / b:.1f}%" if b else "-"

    covered = sum(v.covered for v in verdicts)
    total = len(verdicts)
    yield f"documented attributes modelled at their place: {covered} of {total} ({pct(covered, total)})"
    functions = [v for v in verdicts if v.row.is_function]
    yield f"functions: {sum(v.covered for v in functions)} of {len(functions)}"
    yield ""
    yield f"{'area':<16}{'covered':>8}{'total':>7}{'':>8}"
    for area in AREAS:
        in_area = [v for v in verdicts if v.row.area == area]
        done = sum(v.covered for v in in_area)
        yield f"{area:<16}{done:>8}{len(in_area):>7}{pct(done, len(in_area)):>8}"


def gap_lines(verdicts: list[Verdict]) -> Iterator[str]:
    for area in AREAS:
        missing = [v for v in verdicts if v.row.area == area and not v.covered]
        if not missing:
            continue
        yield f"{area} ({len(missing)})"
        for v in missing:
            marker = f"  [gap: {v.row.gap}]" if v.row.gap else "  [NOT MARKED]"
            yield f"  {v.row.path}: {'; '.join(v.problems)}{marker}"


def check_pages(rows: list[Row], git_dir: str) -> Iterator[str]:
    """Rows whose page is missing from the snapshot at ``git_dir``, or does not name the row's key."""
    texts: dict[str, str | None] = {}
    for row in rows:
        if row.page not in texts:
            shown = subprocess.run(
                ["git", "--git-dir", git_dir, "show", f"HEAD:{row.page}"], capture_output=True, text=True
            )
            texts[row.page] = shown.stdout if shown.returncode == 0 else None
        text = texts[row.page]
        last = row.segments[-1]
        key = last.selector[1] if last.selector and not last.key.endswith("*") else last.key.rstrip("*")
        if text is None:
            yield f"line {row.line}: {row.path}: no page {row.page}"
        elif key not in text:
            yield f"line {row.line}: {row.path}: {row.page} does not mention `{key}`"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--coverage", action="store_true", help="print covered/total, overall and per area")
    group.add_argument("--gaps", action="store_true", help="print the rows the model does not cover")
    group.add_argument("--check-pages", metavar="GIT_DIR", help="check each row's page in a dataos.info snapshot")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "server"))
    rows = read_table()
    if args.check_pages:
        problems = list(check_pages(rows, args.check_pages))
        print("\n".join(problems) or f"all {len(rows)} rows name a page that mentions their key")
        return 1 if problems else 0
    verdicts = judge_all(rows)
    print("\n".join(coverage_lines(verdicts) if args.coverage else gap_lines(verdicts)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
