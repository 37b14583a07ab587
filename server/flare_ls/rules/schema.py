"""Schema rules: every key and value checked against the model, in one walk of the tree.

The walk (:class:`SchemaWalk`) visits each node once beside its shape. Keys, values and types are
judged here; rules that relate several keys live in their own modules.
"""

from __future__ import annotations

from collections.abc import Callable

from ..findings import Fix, Severity
from ..fixes import indent_under, rename_key, replace_scalar, unquote
from ..parsing.yamltree import YMap, YNode, YScalar, YSeq
from ..references import INCLUDE_LISTS, is_include
from ..restructure.move import move_key
from ..schema.attrdoc import AttrDoc, Legacy, describe_stacks, stack_named
from ..schema.shapes import (
    AnyShape,
    FieldShape,
    KeyedShape,
    KeyPlace,
    ListShape,
    MapShape,
    ScalarShape,
    Shape,
    TaggedShape,
    UnionShape,
    key_places,
    render_path,
)
from ..suggest import best, rank
from ..views import JobView, is_flare_stack, is_placeholder
from .base import Context, declare

SYNTAX = declare("FL001", "yaml-syntax", Severity.ERROR, "the text is not valid YAML")
DUPLICATE_KEY = declare("FL002", "duplicate-key", Severity.ERROR, "a key appears twice in one mapping")
UNKNOWN_KEY = declare("FL101", "unknown-key", Severity.ERROR, "a key Flare does not know at this place")
INVALID_VALUE = declare("FL102", "invalid-value", Severity.ERROR, "a value outside the allowed set")
WRONG_TYPE = declare("FL103", "wrong-type", Severity.ERROR, "a value of the wrong type")
MISSING_KEY = declare("FL104", "missing-key", Severity.ERROR, "a required key is missing", relational=True)
MISPLACED_KEY = declare("FL105", "misplaced-key", Severity.ERROR, "a key valid elsewhere, at the wrong level")
LEGACY_LAYOUT = declare(
    "FL106", "legacy-layout", Severity.WARNING, "a job uses the flare:1.0-4.0 layout on a later stack"
)
VALUE_CASING = declare("FL107", "value-casing", Severity.WARNING, "a value spelt with the wrong case")
UNKNOWN_VALUE = declare(
    "FL108", "unknown-value", Severity.WARNING, "a value flare-ls does not recognise, or one the sources dispute"
)
CONFLICTING_KEYS = declare(
    "FL109", "conflicting-keys", Severity.ERROR, "keys that exclude each other given together", relational=True
)
NOT_IN_STACK = declare(
    "FL110", "not-in-stack", Severity.WARNING, "an attribute or value the job's Flare stack version does not have"
)
UNLISTED_VALUE = declare(
    "FL111", "unlisted-value", Severity.INFO, "a value Flare or Spark accepts that Flare's docs do not list"
)
INTERNAL_ERROR = declare("FL900", "internal-error", Severity.ERROR, "flare-ls failed on this document")

#: Where the walk meets the dag's jobs (a fragment's root ``dag`` is walked there too).
DAG_JOBS = ("workflow", "dag", "[]")
#: A key declared in more places than this is too common to say where it "belongs".
_DISTINCTIVE = 3

_KIND_NAMES = {
    "null": "an empty value",
    "bool": "a boolean",
    "int": "an integer",
    "float": "a number",
    "str": "a string",
}


def describe_node(node: YNode) -> str:
    if isinstance(node, YMap):
        return "a mapping"
    if isinstance(node, YSeq):
        return "a list"
    assert isinstance(node, YScalar)
    kind = node.kind
    if kind == "str":
        return f"the string {node.value!r}" if len(node.value) <= 40 else "a string"
    return f"{_KIND_NAMES[kind]} `{node.value}`"


class _Family:
    """The options being walked of an input, output or sink whose format selected them: what messages
    say of a key, and where the other formats' variants are looked up."""

    __slots__ = ("shape", "value", "key", "base", "variant")

    def __init__(self, shape: KeyedShape, value: str, key: str, base: tuple[str, ...], variant: MapShape) -> None:
        self.shape = shape
        self.value = value  # as written: `CSV`, `JDBCQuery`
        self.key = key  # the holder's key that chose it: `format`, `outputType`
        self.base = base  # the schema path of the options mapping
        self.variant = variant

    def owners(self, key: str, rel: tuple[str, ...]) -> list[str]:
        """The other formats whose options declare ``key`` at ``rel`` below the options mapping."""
        found = []
        for value, variant in self.shape.variants.items():
            if variant is self.variant:
                continue
            mapping = _descend(variant, rel)
            if mapping is not None and mapping.lookup(key) is not None and not mapping.passes(key):
                found.append(self.shape.labels.get(value, value))
        return found

    def noun(self, rel: tuple[str, ...]) -> str:
        """``an option of `csv` inputs``, ``an `extraOptions` key of `iceberg` outputs``."""
        section = ".".join(r for r in rel if r != "[]")
        what = "an option" if not rel else f"{'an' if section[:1] in 'aeiou' else 'a'} `{section}` key"
        return f"{what} of `{self.value.strip()}` {self.shape.owner}s"


def _descend(shape: MapShape, rel: tuple[str, ...]) -> MapShape | None:
    current: Shape | None = shape
    for part in rel:
        if isinstance(current, ListShape):
            current = current.item
        if part == "[]":
            continue
        if not isinstance(current, MapShape):
            return None
        field = current.lookup(part)
        current = field.shape if field is not None else None
    return current if isinstance(current, MapShape) else None


def _either(values: list[str]) -> str:
    return _or([f"`{v}`" for v in values[:3]]) + (" (and others)" if len(values) > 3 else "")


def anchor_of(node: YNode) -> YNode:
    """What to underline for a whole mapping: its key, or the first key of a list item."""
    if node.key_node is not None:
        return node.key_node
    if isinstance(node, YMap) and node.entries:
        return next(iter(node.entries.values()))[0]
    return node


class SchemaWalk:
    """Checks one document against the root shape; remembers the legacy keys it met.

    Legacy sections are checked like any other: they are the documented layout of flare:1.0-4.0, and
    whether a job may use them at all depends on its stack version, which FL106 judges afterwards.
    """

    def __init__(self, ctx: Context, root: MapShape) -> None:
        self.ctx = ctx
        self.root = root
        self.places = key_places(root)
        #: Every key of the flare:1.0-4.0 layout met, in document order, with its marker.
        self.legacy: list[tuple[YScalar, Legacy]] = []
        #: Keys and values that exist only in some stack versions: (key or value node, its doc, the value).
        self.versioned: list[tuple[YScalar, AttrDoc, str | None]] = []
        #: The options of a format being walked (see :meth:`keyed`).
        self.family: _Family | None = None
        #: Called with each dag job in place of walking it, when set: ``(item, shape, spath, doc)``. The
        #: walk of a job depends on nothing outside it, so the analysis keeps what it found per job
        #: and walks again only the jobs an edit changed (``analyze.py``).
        self.each_job: Callable[[YNode, Shape, tuple[str, ...], AttrDoc | None], None] | None = None

    # -- dispatch -------------------------------------------------------------------------------
    def walk(self, node: YNode, shape: Shape, spath: tuple[str, ...], doc: AttrDoc | None = None) -> None:
        if isinstance(shape, ScalarShape):  # the most common case first: this runs for every value
            if isinstance(node, YScalar):
                self.scalar(node, shape, doc)
            else:
                self.wrong_type(node, shape.describe())
        elif isinstance(shape, AnyShape):
            return
        elif isinstance(shape, MapShape):
            if isinstance(node, YMap):
                self.mapping(node, shape, spath)
            elif not _is_null(node):
                self.wrong_type(node, "a mapping")
        elif isinstance(shape, ListShape):
            if isinstance(node, YSeq):
                item = shape.item
                includes = bool(spath) and spath[-1] in INCLUDE_LISTS
                inner = spath + ("[]",)
                each = self.each_job if inner == DAG_JOBS and self.each_job is not None else self.walk
                for child in node.items:
                    if includes and is_include(child):
                        continue  # the DataOS CLI puts the file's content here (FL505 checks the path)
                    each(child, item, inner, doc)
            elif not _is_null(node):
                self.wrong_type(node, "a list")
        elif isinstance(shape, UnionShape):
            for option in shape.options:
                if _fits(node, option):
                    self.walk(node, option, spath, doc)
                    return
            if not _is_null(node):
                wanted = " or ".join(_shape_name(o) for o in shape.options)
                self.wrong_type(node, wanted)
        elif isinstance(shape, TaggedShape):
            if isinstance(node, YMap):
                self.tagged(node, shape, spath)
            elif not _is_null(node):
                self.wrong_type(node, "a mapping")
        elif isinstance(shape, KeyedShape):
            if isinstance(node, YMap):
                self.keyed(node, shape, spath)
            elif not _is_null(node):
                self.wrong_type(node, "a mapping")

    def keyed(self, node: YMap, shape: KeyedShape, spath: tuple[str, ...]) -> None:
        """Options whose keys depend on their holder's ``format`` (or ``outputType``): checked against that
        format's options, or the general ones when it names none flare-ls knows."""
        holder = node.parent
        chosen: tuple[str, str, MapShape] | None = None
        if isinstance(holder, YMap):
            for key in shape.keys:
                value = holder.text(key)
                if value is None or is_placeholder(value):
                    continue
                variant = shape.select(value)
                if variant is not None:
                    chosen = (value, key, variant)
                break
        if chosen is None or self.family is not None:
            self.mapping(node, shape.general, spath)
            return
        value, key, variant = chosen
        self.family = _Family(shape, value, key, spath, variant)
        try:
            self.mapping(node, variant, spath)
        finally:
            self.family = None

    def tagged(self, node: YMap, shape: TaggedShape, spath: tuple[str, ...]) -> None:
        """A mapping whose tag (a function's ``name``) selects the shape it is checked against."""
        entry = node.entries.get(shape.tag)
        if entry is None:
            self.missing(node, shape.tag_field)
            return
        tag = entry[1]
        if not isinstance(tag, YScalar):
            self.wrong_type(tag, f"the name of a {shape.noun}")
            return
        value = tag.value.strip()
        variant = shape.variants.get(value)
        if variant is None and tag.kind != "null" and not is_placeholder(tag.value):
            noun = shape.noun
            self.enum_value(
                tag, tuple(shape.variants), None, False, True, f"the {noun}", f"`{value}` is not a Flare {noun}"
            )
            # A name in another letter case (`Drop`) is only a warning (said just now): its parameters
            # are still checked.
            variant = next((v for name, v in shape.variants.items() if name.lower() == value.lower()), None)
            if variant is not None:
                self.mapping(node, variant, spath, judged=frozenset({shape.tag}))
                return
        if variant is not None:
            self.mapping(node, variant, spath)

    # -- mappings -------------------------------------------------------------------------------
    def mapping(
        self, node: YMap, shape: MapShape, spath: tuple[str, ...], judged: frozenset[str] = frozenset()
    ) -> None:
        """``judged``: keys whose values were judged already (a tag spelt in another case)."""
        fields = shape.fields
        skip = (self._skipped_keys(node) if shape.name == "JobSpec" else frozenset()) | judged
        misplaced: list[tuple[YScalar, KeyPlace]] = []
        #: Fields given under a key spelt in another case (``stackspec``), read as meant, or misspelt
        #: (``colum``): reported once, as the unknown key, not also as missing.
        respelt: set[str] = set()
        family = self.family if self.family is not None and spath[: len(self.family.base)] == self.family.base else None
        for key, (key_node, value) in node.entries.items():
            field = shape.lookup(key)  # in any case where Spark reads the option names so
            if field is None:
                if key == "<<" or shape.passes(key):
                    continue  # a merge key (checked where the anchor was defined), or a passed-on prefix
                rel = spath[len(family.base) :] if family is not None else ()
                if family is not None and (owners := family.owners(key, rel)):
                    self.other_format(key_node, shape, family, rel, owners)
                    continue
                if shape.value_shape is not None:
                    self.walk(value, shape.value_shape, spath + (key,))
                elif shape.open:
                    self.open_key(key_node, shape, spath)
                elif (meant := _case_variant(key, node, fields)) is not None:
                    self.unknown_key(key_node, shape)
                    respelt.add(meant.key)
                    self.field(key_node, value, meant, spath)
                else:
                    place = self._likely_place(key, spath)
                    problem = None
                    # A section named after its variant (a partition transform) says so itself.
                    if family is not None and not shape.title and _descend(family.shape.general, rel) is not shape:
                        problem = f"`{key}` is not {family.noun(rel)}" + self._known_at(key, spath)
                    if place is not None:
                        misplaced.append((key_node, place))
                    elif (suggested := self.unknown_key(key_node, shape, node, problem)) is not None:
                        respelt.add(suggested)
                continue
            if field.doc is not None:
                if field.doc.legacy is not None:
                    self.legacy.append((key_node, field.doc.legacy))
                if field.doc.stacks:
                    self.versioned.append((key_node, field.doc, None))
            if key not in skip:
                self.walk(value, field.shape, spath + (key,), field.doc)
        lacking = [f for f in shape.required if f.key not in node.entries and f.key not in respelt]
        if "file" in node.entries and "file" in shape.fields:
            lacking = []  # `spec: {file: job.yml}`: the required keys are in the file it names
        if not spath and len(lacking) > 1 and "workflow" in shape.fields:  # a workflow, not a job file
            lacking, misplaced = self.envelope(node, lacking, misplaced)
        if misplaced:
            misplaced, lacking = self.gather_strays(node, shape, spath, misplaced, lacking)
        for field in lacking:
            self.missing(node, field, shape)
        if shape.one_of:
            self.one_of(node, shape, respelt)
        for key_node, place in misplaced:
            where = render_path(key_node.parent.path) if key_node.parent is not None else "the top level"
            self.ctx.report(
                MISPLACED_KEY,
                key_node,
                f"`{key_node.value}` does not belong in `{where}`; it goes in `{render_path(place.path)}`",
                fix=self._move(key_node, spath, place.path),
            )

    def other_format(
        self, key: YScalar, shape: MapShape, family: _Family, rel: tuple[str, ...], owners: list[str]
    ) -> None:
        """A key of another format's options (``wholetext``, a text option, on a csv input): an error where
        the format's options are all known, a warning where its reader passes unknown keys on."""
        formats = family.shape.variants
        # Formats that share one model (`kafkajson`, `kafkaavro`) are one owner, named by the first.
        owners = [
            o for i, o in enumerate(owners) if all(formats[o.lower()] is not formats[p.lower()] for p in owners[:i])
        ]
        holder = family.shape.owner
        self.ctx.report(
            UNKNOWN_KEY,
            key,
            f"`{key.value}` is not {family.noun(rel)}: it belongs to {_either(owners)} {holder}s, and this "
            f"{holder}'s `{family.key}` is `{family.value.strip()}`"
            + (
                ""
                if not shape.open
                else f" (its {'reader' if holder == 'input' else 'writer'} would pass it on, most likely to be ignored)"
            ),
            severity=Severity.WARNING if shape.open else None,
        )

    def field(self, key_node: YScalar, value: YNode, field: FieldShape, spath: tuple[str, ...]) -> None:
        """Walk one value as ``field`` (the main loop of :meth:`mapping` does the same, inlined)."""
        if field.doc is not None and field.doc.legacy is not None:
            self.legacy.append((key_node, field.doc.legacy))
        self.walk(value, field.shape, spath + (field.key,), field.doc)

    def gather_strays(
        self,
        node: YMap,
        shape: MapShape,
        spath: tuple[str, ...],
        misplaced: list[tuple[YScalar, KeyPlace]],
        lacking: list[FieldShape],
    ) -> tuple[list[tuple[YScalar, KeyPlace]], list[FieldShape]]:
        """Keys that belong in a section written empty just above them (``spec:`` with ``stack``,
        ``compute`` and ``stackSpec`` dedented beside it), or in a section that is absent, are one
        mistake: one finding (at the empty section, with the indentation fix), and their values
        checked as the section's. Returns the misplaced keys and the required ones still to report."""
        for key, field in shape.fields.items():
            written = node.entries.get(key)
            if not isinstance(field.shape, MapShape) or (written is not None and not _is_null(written[1])):
                continue
            belonging = [(k, place) for k, place in misplaced if place.path == spath + (key,)]
            # One key of an absent optional section is said where it stands; several are one finding.
            if not belonging or (written is None and not field.required and len(belonging) < 2):
                continue
            strays = [k for k, _ in belonging]
            misplaced = [(k, p) for k, p in misplaced if k not in strays]
            lacking = [f for f in lacking if f is not field]
            names = ", ".join(f"`{k.value}`" for k in strays)
            belong, them = ("belongs", "it") if len(strays) == 1 else ("belong", "them")
            if written is None:
                self.ctx.report(
                    MISPLACED_KEY,
                    anchor_of(node),
                    f"`{render_path(node.path)}` has no `{key}`, and {names} {belong} in it: put {them} under a "
                    f"`{key}:` key",
                )
            else:
                self.ctx.report(
                    MISPLACED_KEY,
                    written[0],
                    f"`{key}` is empty, and {names} beside it {belong} in it: indent {them} under `{key}:`",
                    fix=indent_under(self.ctx.lines, written[0], strays, f"Indent {names} under `{key}:`"),
                )
            skip = self._skipped_keys(node) if field.shape.name == "JobSpec" else frozenset()
            self.walk_strays(node, [(k, p) for k, p in belonging if k.value not in skip], spath + (key,))
        return misplaced, lacking

    def walk_strays(self, node: YMap, belonging: list[tuple[YScalar, KeyPlace]], spath: tuple[str, ...]) -> None:
        """Check the values of keys written outside their section as that section's (at ``spath``)."""
        for key_node, place in belonging:
            self.field(key_node, node.entries[key_node.value][1], place.shape.fields[key_node.value], spath)

    def envelope(
        self, root: YMap, lacking: list[FieldShape], misplaced: list[tuple[YScalar, KeyPlace]]
    ) -> tuple[list[FieldShape], list[tuple[YScalar, KeyPlace]]]:
        """A document that lacks several keys of the resource envelope (``version``, ``name``,
        ``type: workflow``, ``workflow``) is a fragment, not several mistakes: one finding says what
        it lacks, at the fragment's first key (``dag:``), and its content is checked where it belongs.
        Returns the required keys and the misplaced keys still to report (none of the former)."""
        section = next(
            (f for f in lacking if isinstance(f.shape, MapShape) and any(p.path == (f.key,) for _, p in misplaced)),
            None,
        )
        wanted = [_required_form(f) for f in lacking if f is not section]
        if section is None:
            self.ctx.report(
                MISSING_KEY, anchor_of(root), f"the workflow lacks its envelope: add {_and(wanted)} at the top level"
            )
            return [], misplaced
        belonging = [(k, place) for k, place in misplaced if place.path == (section.key,)]
        names = ", ".join(f"`{k.value}`" for k, _ in belonging)
        is_, needs = ("is", "it also needs") if len(belonging) == 1 else ("are", "they also need")
        self.ctx.report(
            MISSING_KEY,
            belonging[0][0],
            f"{names} {is_} a fragment of a workflow: {needs} {_and(wanted)} at the top level, and a "
            f"`{section.key}:` key to hold {names}",
        )
        self.walk_strays(root, belonging, (section.key,))
        return [], [(k, p) for k, p in misplaced if p.path != (section.key,)]

    @staticmethod
    def _skipped_keys(spec: YMap) -> frozenset[str]:
        """A dag job on another stack (scanner, soda, ...) has a body flare-ls does not model."""
        stack = spec.text("stack")
        if stack is not None and not is_flare_stack(stack) and not is_placeholder(stack):
            return frozenset(spec.entries)
        return frozenset()

    def unknown_key(
        self, key: YScalar, shape: MapShape, node: YMap | None = None, problem: str | None = None
    ) -> str | None:
        """Report ``key``, unknown in ``shape``; returns the key suggested instead, if any. Keys the
        mapping (``node``) already has are never suggested: renaming to one would duplicate it.
        ``problem`` says what is wrong, when the place's name does not (an option of a format)."""
        name = key.value
        if problem is None and shape.title:  # "the function `hash` has no parameter `colum`"
            problem = f"{shape.title} has no {shape.member} `{name}`"
        elif problem is None:
            where = render_path(key.parent.path) if key.parent is not None else "the top level"
            problem = f"unknown key `{name}` in `{where}`"
        present = node.entries if node is not None else {}
        suggestion, unique = best(name, [k for k in shape.fields if k not in present])
        if suggestion is None:
            self.ctx.report(UNKNOWN_KEY, key, problem)
            return None
        distance = rank(name, [suggestion])[0][1]
        # Safe only when the value is of the kind the suggested key takes: `column: a` renamed to
        # `columns` (a list) would trade this finding for another.
        value = present.get(name, (None, None))[1]
        fits = value is None or _value_fits(value, shape.fields[suggestion].shape)
        self.ctx.report(
            UNKNOWN_KEY,
            key,
            f"{problem}; did you mean `{suggestion}`?",
            fix=rename_key(key, suggestion, f"Rename to `{suggestion}`", safe=unique and distance <= 1 and fits),
        )
        return suggestion

    def _known_at(self, name: str, spath: tuple[str, ...]) -> str:
        """`` (a key of `job.outputs[].options`)``: where else the model declares ``name``, if anywhere."""
        places = [p for p in self.places.get(name, ()) if p.path != spath]
        if not places:
            return ""
        place = max(places, key=lambda p: (_shared_prefix(p.path, spath), -len(p.path)))
        return f" (flare-ls knows it as a key of `{render_path(place.path)}`)"

    def _likely_place(self, name: str, spath: tuple[str, ...]) -> KeyPlace | None:
        """Where an unknown key most likely belongs: the only few places it is valid, or a section
        just below this mapping (``driver`` on an input belongs in the input's ``options``)."""
        # One place per path: the variants of a tagged mapping (every function taking `column`) are one
        # place. A key of another variant (``asColumn`` on `hash`) is unknown here, not misplaced.
        # So is the same place under the legacy `flare` section: a key of another action's `options`.
        here = render_path(spath)
        by_path: dict[tuple[str, ...], KeyPlace] = {}
        for found in self.places.get(name, ()):
            if found.path != spath and render_path(found.path) != here:
                by_path.setdefault(found.path, found)
        places = tuple(by_path.values())
        if not places:
            return None
        place = max(places, key=lambda p: (_shared_prefix(p.path, spath), -len(p.path)))
        if len(places) <= _DISTINCTIVE or place.path[: len(spath)] == spath:
            return place
        return None

    def open_key(self, key: YScalar, shape: MapShape, spath: tuple[str, ...]) -> None:
        """A key of a section that passes unknown keys on to Spark: report it only when it is one of
        the section's own keys misspelt, or a key documented in a section below this one
        (``partitionSpec`` directly under ``options`` belongs in ``options.iceberg``)."""
        places = self.places.get(key.value, ())
        below = [p for p in places if len(p.path) > len(spath) and p.path[: len(spath)] == spath]
        if below:
            place = min(below, key=lambda p: len(p.path))
            where = render_path(key.parent.path) if key.parent is not None else "the top level"
            self.ctx.report(
                MISPLACED_KEY,
                key,
                f"`{key.value}` does not belong directly in `{where}`, where Spark would receive it as an "
                f"unknown option; it goes in `{render_path(place.path)}`",
                fix=self._move(key, spath, place.path),
            )
            return
        self.near_miss(key, shape)

    def _move(self, key: YScalar, spath: tuple[str, ...], place: tuple[str, ...]) -> Fix | None:
        """The fix that moves a misplaced key into the section it belongs in (unsafe: the key then
        takes effect where it did not before)."""
        return move_key(
            self.ctx.lines, self.ctx.eol, key, spath, place, f"Move `{key.value}` to `{render_path(place)}`"
        )

    def near_miss(self, key: YScalar, shape: MapShape) -> None:
        """In a section that passes unknown keys on to Spark, report only near-misses of its own keys."""
        ranked = rank(key.value, shape.fields)
        if not ranked or ranked[0][1] > 1 or len(key.value) < 5:
            return
        suggestion = ranked[0][0]
        where = render_path(key.parent.path) if key.parent is not None else "the top level"
        self.ctx.report(
            UNKNOWN_KEY,
            key,
            f"`{key.value}` in `{where}` is not a documented key (it would be passed on and ignored); "
            f"did you mean `{suggestion}`?",
            severity=Severity.WARNING,
            fix=rename_key(key, suggestion, f"Rename to `{suggestion}`", safe=ranked[0][1] == 0),
        )

    def one_of(self, node: YMap, shape: MapShape, respelt: set[str]) -> None:
        """Keys that exclude each other: the second and later of a group given together (FL109), and
        a group of which one key is required but none is given (FL104)."""
        where = shape.title or f"`{render_path(node.path)}`"
        for group in shape.one_of:
            given = [k for name, (k, v) in node.entries.items() if name in group.keys and not _is_null(v)]
            for key_node in given[1:]:
                self.ctx.report(
                    CONFLICTING_KEYS,
                    key_node,
                    f"`{key_node.value}` and `{given[0].value}` cannot both be given in {where}: {group.reason}",
                )
            # A key written empty, or misspelt (reported as unknown), counts as given: like a required key.
            if group.required and not (set(group.keys) & (node.entries.keys() | respelt)):
                self.ctx.report(
                    MISSING_KEY, anchor_of(node), f"{where} needs one of {_or([f'`{k}`' for k in group.keys])}"
                )

    def missing(self, node: YMap, field: FieldShape, shape: MapShape | None = None) -> None:
        if shape is not None and shape.title:
            message = f"{shape.title} is missing its required {shape.member} `{field.key}`"
        elif not node.path and shape is not None and shape.name in ("JobSpec", "DagJob"):
            message = f"this job file (one dag job of a workflow) is missing the required key `{field.key}`"
        else:
            message = f"`{render_path(node.path)}` is missing the required key `{field.key}`"
        self.ctx.report(MISSING_KEY, anchor_of(node), message)

    # -- scalars --------------------------------------------------------------------------------
    def scalar(self, node: YScalar, shape: ScalarShape, doc: AttrDoc | None) -> None:
        kind = node.kind
        if kind == "null" or (kind == "str" and is_placeholder(node.value)):
            return
        if kind not in shape.kinds:
            self.wrong_scalar(node, shape)
            return
        if doc is not None and doc.checked_by is not None:
            return
        if shape.literal is not None:
            self.enum_value(node, shape.literal, doc, case_insensitive=False, closed=True)
        elif doc is not None and doc.values:
            self.enum_value(node, tuple(doc.values), doc, doc.case_insensitive, doc.closed)
        else:
            return
        if doc is not None and (doc.unlisted or doc.doubtful or doc.value_stacks):
            self.annotated_value(node, doc)

    def annotated_value(self, node: YScalar, doc: AttrDoc) -> None:
        """A value the model knows but annotates: disputed (FL108), accepted though undocumented (FL111),
        or only in some stack versions (FL110, judged once the job's stack is known)."""
        value = node.value.strip()
        known = doc.value_key(value)
        if known is None:
            return
        if known in doc.value_stacks:
            self.versioned.append((node, doc, known))
        owner = _owner(node)
        if known in doc.doubtful:
            self.ctx.report(UNKNOWN_VALUE, node, f"{owner} `{value}` is doubtful: {doc.doubtful[known]}")
        elif known in doc.unlisted:
            listed = [f"`{v}`" for v in doc.values if v not in doc.unlisted]
            self.ctx.report(
                UNLISTED_VALUE,
                node,
                f"{owner} `{value}` is not among the values Flare's docs list ({', '.join(listed)}); it is "
                "accepted, but the docs do not promise it",
            )

    def wrong_scalar(self, node: YScalar, shape: ScalarShape) -> None:
        owner = _owner(node)
        fix = None
        if node.style in ("'", '"'):
            unquoted = YScalar(node.value, None, None, node.start, node.end).kind
            if unquoted in shape.kinds and unquoted != "str":
                fix = unquote(node, f"Remove the quotes: `{node.value}`")
        self.ctx.report(WRONG_TYPE, node, f"{owner} expects {shape.describe()}, not {describe_node(node)}", fix=fix)

    def wrong_type(self, node: YNode, wanted: str) -> None:
        self.ctx.report(
            WRONG_TYPE,
            node if isinstance(node, YScalar) else anchor_of(node),
            f"{_owner(node)} expects {wanted}, not {describe_node(node)}",
        )

    def enum_value(
        self,
        node: YScalar,
        allowed: tuple[str, ...],
        doc: AttrDoc | None,
        case_insensitive: bool,
        closed: bool,
        owner: str | None = None,
        problem: str | None = None,
    ) -> None:
        """Judge a value against ``allowed``. ``owner`` names the value in messages (its key by default),
        ``problem`` says what is wrong with a value outside the set (that ``owner`` does not accept it)."""
        value = node.value.strip()
        if value in allowed or (case_insensitive and value.lower() in {a.lower() for a in allowed}):
            return
        owner = owner or _owner(node)
        same_case = [a for a in allowed if a.lower() == value.lower()]
        if same_case:
            self.ctx.report(
                VALUE_CASING,
                node,
                f"{owner} is spelt `{same_case[0]}`, not `{value}`",
                fix=replace_scalar(node, same_case[0], f"Change to `{same_case[0]}`", safe=True),
            )
            return
        if doc is not None and doc.doubtful:
            allowed = tuple(a for a in allowed if a not in doc.doubtful)
        suggestion, unique = best(value, allowed)
        rule = INVALID_VALUE if closed else UNKNOWN_VALUE
        if problem is None:
            problem = f"{owner} does not accept `{value}`" if closed else f"{owner} `{value}` is not one flare-ls knows"
        if suggestion is not None:
            self.ctx.report(
                rule,
                node,
                f"{problem}; did you mean `{suggestion}`?",
                fix=replace_scalar(node, suggestion, f"Change to `{suggestion}`", safe=unique),
            )
        elif closed:
            listed = ", ".join(f"`{a}`" for a in allowed) if len(allowed) <= 8 else "the documented values"
            self.ctx.report(rule, node, f"{problem}; use one of {listed}")
        else:
            self.ctx.report(rule, node, f"{problem}; check its spelling")


def _owner(node: YNode) -> str:
    """``triggerMode`` for a value, ``tags[]`` item for a list item: how messages name the value."""
    key = node.key_node
    if key is not None:
        return f"`{key.value}`"
    parent = node.parent
    if isinstance(parent, YSeq):
        return f"each item of `{render_path(parent.path)}`"
    return "this value"


def _case_variant(key: str, node: YMap, fields: dict[str, FieldShape]) -> FieldShape | None:
    """The one field spelt like ``key`` in another case (``stackspec`` for ``stackSpec``), when the
    mapping does not also hold it under its own spelling."""
    lowered = key.lower()
    variants = [field for name, field in fields.items() if name.lower() == lowered]
    if len(variants) != 1 or variants[0].key in node.entries:
        return None
    return variants[0]


def _required_form(field: FieldShape) -> str:
    """How a message names a required key: ``type: workflow`` when only one value is allowed."""
    shape = field.shape
    if isinstance(shape, ScalarShape) and shape.literal is not None and len(shape.literal) == 1:
        return f"`{field.key}: {shape.literal[0]}`"
    return f"`{field.key}`"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _or(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def _is_null(node: YNode) -> bool:
    return isinstance(node, YScalar) and node.kind == "null"


def _fits(node: YNode, shape: Shape) -> bool:
    if isinstance(shape, AnyShape):
        return True
    if isinstance(shape, MapShape):
        return isinstance(node, YMap)
    if isinstance(shape, ListShape):
        return isinstance(node, YSeq)
    if isinstance(shape, ScalarShape):
        return isinstance(node, YScalar)
    return False


def _shape_name(shape: Shape) -> str:
    if isinstance(shape, MapShape):
        return "a mapping"
    if isinstance(shape, ListShape):
        return "a list"
    if isinstance(shape, ScalarShape):
        return shape.describe()
    return "a value"


def _shared_prefix(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    count = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        count += 1
    return count


def report_stacks(ctx: Context, versioned: list[tuple[YScalar, AttrDoc, str | None]], among: list[JobView]) -> None:
    """FL110: keys and values the walk met (``SchemaWalk.versioned``) that exist only in some stack
    versions, in the jobs ``among`` whose stack names a version without them. A job whose stack names
    no version is held to none."""
    jobs = {id(job.item): job for job in among if job.version is not None}
    if not jobs:
        return
    for node, doc, value in versioned:
        # A key node hangs in no mapping of its own: its mapping says where it is.
        holder: YNode | None = node.parent if value is None else node
        while holder is not None and id(holder) not in jobs:
            holder = holder.parent
        if holder is None:
            continue
        job = jobs[id(holder)]
        assert job.version is not None
        stack = stack_named(job.version)
        stacks = doc.stacks_of(value)
        if stack in stacks:
            continue
        written = job.stack.value.strip() if job.stack is not None else stack
        key = node.value if value is None else (node.key_node.value if node.key_node is not None else "")
        what = f"`{key}`" if value is None else f"`{key}: {node.value.strip()}`"
        ctx.report(
            NOT_IN_STACK,
            node,
            f"{what} is not documented for `{written}`: "
            + (f"{doc.stacks_why}; " if doc.stacks_why else "")
            + f"the docs give it for {describe_stacks(stacks)}",
        )


def _value_fits(value: YNode, shape: Shape) -> bool:
    """Whether ``value`` is of the kind ``shape`` takes (a list, a mapping, a scalar of its kinds); True
    when that cannot be told from the shape alone."""
    if isinstance(shape, UnionShape):
        return any(_value_fits(value, option) for option in shape.options)
    if isinstance(shape, ListShape):
        return isinstance(value, YSeq)
    if isinstance(shape, MapShape):
        return isinstance(value, YMap)
    if isinstance(shape, ScalarShape):
        return isinstance(value, YScalar) and (
            value.kind == "null" or value.kind in shape.kinds or "str" in shape.kinds
        )
    return True
