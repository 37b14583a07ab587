"""The pydantic model compiled into shapes the analyzer walks.

Walking pydantic's own validators would stop at the first failing union branch and knows nothing of
positions; the analyzer instead walks the YAML tree beside these shapes, which are read once from the
models' fields (annotation, required-ness and :class:`AttrDoc`). The model stays the single source.
"""

from __future__ import annotations

import hashlib
import inspect
import pickle
import types
import typing
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from pathlib import Path
from typing import Any, Literal, Union

from .attrdoc import AttrDoc

#: Scalar kinds as ``YScalar.kind`` names them.
SCALAR_KINDS = frozenset({"str", "bool", "int", "float"})


class Shape:
    __slots__ = ()


@dataclass(eq=False)
class AnyShape(Shape):
    """Anything goes: the value is not checked."""


@dataclass(eq=False)
class ScalarShape(Shape):
    #: Scalar kinds accepted (``str`` accepts any non-null scalar: YAML loaders turn them into text).
    kinds: frozenset[str]
    #: Closed, case-sensitive values (from a ``Literal``), or None.
    literal: tuple[str, ...] | None = None

    def describe(self) -> str:
        if self.literal:
            return "one of " + ", ".join(f"`{v}`" for v in self.literal)
        names = {
            "str": "a string",
            "bool": "a boolean (`true` or `false`)",
            "int": "an integer",
            "float": "a number",
        }
        if self.kinds >= SCALAR_KINDS:
            return "a scalar value"
        return " or ".join(names[k] for k in ("bool", "int", "float", "str") if k in self.kinds)


@dataclass(eq=False)
class ListShape(Shape):
    item: Shape


@dataclass(eq=False)
class UnionShape(Shape):
    options: tuple[Shape, ...]


@dataclass
class FieldShape:
    key: str
    shape: Shape
    required: bool
    doc: AttrDoc | None


@dataclass(eq=False)
class MapShape(Shape):
    name: str
    fields: dict[str, FieldShape] = field(default_factory=dict)
    #: Keys beyond ``fields`` are allowed (OpenSection, or a ``dict[str, X]``).
    open: bool = False
    #: Shape of the values of keys beyond ``fields`` (``dict[str, X]``), when they are checked.
    value_shape: Shape | None = None
    #: Compiled from a model section (not a free ``dict[str, X]``).
    section: bool = False
    doc: str = ""
    #: How messages name a mapping of this shape, for one variant of a :class:`TaggedShape`
    #: ("the function `hash`"); empty: by its place in the manifest.
    title: str = ""
    #: What its keys are called in messages ("parameter" for a function's).
    member: str = "key"
    #: Keys starting with one of these are passed on unchecked (``kafka.`` options of a Kafka reader).
    prefixes: tuple[str, ...] = ()
    #: Keys are matched ignoring case, as Spark matches data source options (``inferschema``).
    fold_case: bool = False
    #: Groups of keys that exclude each other (``olderThanMillis`` or ``olderThanTimestamp``).
    one_of: tuple[OneOf, ...] = ()

    @cached_property
    def required(self) -> list[FieldShape]:
        # Cached: the schema walk asks it of every mapping it visits, and fields are complete by then.
        return [f for f in self.fields.values() if f.required]

    @cached_property
    def folded(self) -> dict[str, FieldShape]:
        """Fields by lowercased key, for a mapping whose keys are matched ignoring case."""
        return {key.lower(): f for key, f in self.fields.items()}

    def lookup(self, key: str) -> FieldShape | None:
        """The field ``key`` names, ignoring case where the mapping does."""
        found = self.fields.get(key)
        if found is None and self.fold_case:
            found = self.folded.get(key.lower())
        return found

    def passes(self, key: str) -> bool:
        """A key the mapping passes on unchecked: it starts with one of ``prefixes``."""
        return bool(self.prefixes) and key.lower().startswith(tuple(p.lower() for p in self.prefixes))


@dataclass(frozen=True)
class OneOf:
    """Keys of a mapping that exclude each other, declared on a model as
    ``one_of: ClassVar[tuple[OneOf, ...]] = (OneOf(("olderThanMillis", "olderThanTimestamp"), ...),)``.

    Two of them given together is FL109; with ``required``, giving none of them is FL104 (the keys
    themselves are declared optional)."""

    keys: tuple[str, ...]
    #: What the finding says about giving several: why one of them is enough or how they clash.
    reason: str
    required: bool = False


@dataclass(frozen=True)
class Tagged:
    """Marks a discriminated union in the model: ``Annotated[A | B, Field(discriminator="name"),
    Tagged("function", "parameter")]``. Says what a variant is (``noun``), what its keys are (``member``)
    and documents the tag key."""

    noun: str
    member: str
    description: str


@dataclass(eq=False)
class TaggedShape(Shape):
    """Mappings told apart by the value of one key: each Flare function is a mapping whose ``name``
    selects its parameters. The walk checks a mapping against the variant its tag names."""

    #: The key whose value selects the variant (``name``).
    tag: str
    #: The tag key itself, documented with every variant as a value (completion, hover).
    tag_field: FieldShape
    #: Tag value -> the variant's shape.
    variants: dict[str, MapShape]
    noun: str


@dataclass(frozen=True)
class ByKey:
    """Marks a mapping whose keys depend on a key of the mapping that holds it: an input's ``options``
    depend on its ``format``. ``Annotated[InputOptions, ByKey(("format",), (("csv", CsvReadOptions), ...),
    "input")]``: the first of ``keys`` present in the holder selects the variant by its value, ignoring
    case; the annotated model is the general shape, used when no key is given or its value is unknown."""

    keys: tuple[str, ...]
    variants: tuple[tuple[str, Any], ...]
    #: What the holder is called in messages ("input", "output", "sink").
    owner: str


@dataclass(eq=False)
class KeyedShape(Shape):
    """A mapping whose shape is chosen by a key of the mapping that holds it (``format``): the walk
    checks it against the variant the holder's value selects, and a key another variant declares is
    said to belong to that variant's value ("a `text` option")."""

    keys: tuple[str, ...]
    #: Lowercased value -> the variant's shape (values may share one).
    variants: dict[str, MapShape]
    #: The shape when the holder names no value, or one none of ``variants`` has.
    general: MapShape
    owner: str
    #: Lowercased value -> the value as the docs spell it (``JDBCQuery``), for messages.
    labels: dict[str, str] = field(default_factory=dict)

    def select(self, value: str | None) -> MapShape | None:
        return self.variants.get(value.strip().lower()) if value is not None else None


_ANY = AnyShape()


def shape_of(annotation: Any) -> Shape:
    """The shape for a field annotation (see the contract in ``attrs.py``)."""
    from pydantic import BaseModel

    if annotation is Any or annotation is object:
        return _ANY
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return compile_model(annotation)
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if annotation is str:
        return ScalarShape(frozenset({"str", "int", "float", "bool"}))
    if annotation is bool:
        return ScalarShape(frozenset({"bool"}))
    if annotation is int:
        return ScalarShape(frozenset({"int"}))
    if annotation is float:
        return ScalarShape(frozenset({"int", "float"}))
    if origin is Literal:
        return ScalarShape(frozenset({"str"}), tuple(str(a) for a in args))
    if origin is list:
        return ListShape(shape_of(args[0]) if args else _ANY)
    if origin is dict:
        value = shape_of(args[1]) if len(args) == 2 else _ANY
        return MapShape(name="mapping", open=True, value_shape=None if isinstance(value, AnyShape) else value)
    if origin is Union or origin is types.UnionType:
        options = [shape_of(a) for a in args if a is not type(None)]
        scalars = [o for o in options if isinstance(o, ScalarShape) and o.literal is None]
        others = [o for o in options if not (isinstance(o, ScalarShape) and o.literal is None)]
        if scalars:  # str | int etc. collapse into one scalar shape
            others.insert(0, ScalarShape(frozenset().union(*(s.kinds for s in scalars))))
        if len(others) == 1:
            return others[0]
        return UnionShape(tuple(others))
    if typing.get_origin(annotation) is typing.Annotated:
        keyed = next((m for m in annotation.__metadata__ if isinstance(m, ByKey)), None)
        if keyed is not None:
            return _keyed_shape(args[0], keyed)
        tagged = next((m for m in annotation.__metadata__ if isinstance(m, Tagged)), None)
        tag = next((m.discriminator for m in annotation.__metadata__ if getattr(m, "discriminator", None)), None)
        if tagged is not None and isinstance(tag, str):
            return _tagged_shape(args[0], tag, tagged)
        return shape_of(args[0])
    raise TypeError(f"flare-ls schema: unsupported annotation {annotation!r}")


def _tagged_shape(union: Any, tag: str, tagged: Tagged) -> TaggedShape:
    """The shape of a discriminated union of models, each with a one-value ``Literal`` as its ``tag``."""
    variants: dict[str, MapShape] = {}
    for model in typing.get_args(union):
        shape = compile_model(model)
        literal = shape.fields[tag].shape
        assert isinstance(literal, ScalarShape) and literal.literal is not None and len(literal.literal) == 1
        name = literal.literal[0]
        shape.title = f"the {tagged.noun} `{name}`"
        shape.member = tagged.member
        variants[name] = shape
    values = {name: doc.description if (doc := v.fields[tag].doc) else "" for name, v in variants.items()}
    doc = AttrDoc(description=tagged.description, values=values)
    tag_field = FieldShape(tag, ScalarShape(frozenset({"str"}), tuple(variants)), True, doc)
    return TaggedShape(tag, tag_field, variants, tagged.noun)


def _keyed_shape(general: Any, keyed: ByKey) -> KeyedShape:
    variants = {value.lower(): compile_model(model) for value, model in keyed.variants}
    labels = {value.lower(): value for value, _ in keyed.variants}
    return KeyedShape(keyed.keys, variants, compile_model(general), keyed.owner, labels)


_COMPILED: dict[type, MapShape] = {}


def compile_model(model: Any) -> MapShape:
    """The MapShape of a model class; models that refer to each other compile once."""
    from .attrs import OpenSection

    shape = _COMPILED.get(model)
    if shape is not None:
        return shape
    shape = MapShape(
        name=model.__name__,
        open=issubclass(model, OpenSection),
        section=True,
        doc=inspect.cleandoc(model.__doc__ or ""),
        prefixes=getattr(model, "option_prefixes", ()),
        fold_case=getattr(model, "options_fold_case", False),
    )
    _COMPILED[model] = shape
    for name, info in model.model_fields.items():
        key = info.alias or name
        doc = info.json_schema_extra if isinstance(info.json_schema_extra, AttrDoc) else None
        # pydantic moves a field's own ``Annotated`` metadata to ``info.metadata``.
        keyed = next((m for m in info.metadata if isinstance(m, ByKey)), None)
        field_shape = _keyed_shape(info.annotation, keyed) if keyed is not None else shape_of(info.annotation)
        shape.fields[key] = FieldShape(key, field_shape, info.is_required(), doc)
    shape.one_of = tuple(getattr(model, "one_of", ()))
    for group in shape.one_of:
        assert all(k in shape.fields and not shape.fields[k].required for k in group.keys), (model, group)
    # A section that belongs to one variant of a tagged mapping is named after it in messages
    # ("the action `expire_snapshots` has no option `useCaching`").
    shape.title, shape.member = getattr(model, "described_as", ("", "key"))
    return shape


@dataclass(frozen=True)
class KeyPlace:
    """Where a key is valid: the mapping shape that declares it and the path of keys leading there
    (list levels written ``[]``)."""

    shape: MapShape
    path: tuple[str, ...]


@cache
def key_places(root: MapShape) -> dict[str, tuple[KeyPlace, ...]]:
    """Every key declared anywhere under ``root``, with each place it is valid."""
    places: dict[str, list[KeyPlace]] = {}
    seen: set[tuple[int, tuple[str, ...]]] = set()

    def visit(shape: Shape, path: tuple[str, ...]) -> None:
        if len(path) > 24:
            return
        if isinstance(shape, ListShape):
            visit(shape.item, path + ("[]",))
        elif isinstance(shape, UnionShape):
            for option in shape.options:
                visit(option, path)
        elif isinstance(shape, TaggedShape):
            for variant in shape.variants.values():
                visit(variant, path)
        elif isinstance(shape, KeyedShape):
            # Only the general shape: the hundreds of format-specific options (`path`, `user`, `url`)
            # would make every such word written elsewhere look misplaced.
            visit(shape.general, path)
        elif isinstance(shape, MapShape):
            marker = (id(shape), path)
            if marker in seen:
                return
            seen.add(marker)
            for key, fs in shape.fields.items():
                places.setdefault(key, []).append(KeyPlace(shape, path))
                visit(fs.shape, path + (key,))

    visit(root, ())
    return {key: tuple(found) for key, found in places.items()}


def render_path(path: tuple[str | int, ...]) -> str:
    """A short, readable name for a place: ``job.streaming``, ``job.inputs[].options``.

    Starts at the Flare section (``stackSpec``/``flare``) when the path goes through one, since that
    is how authors and the docs name places.
    """
    parts: list[str] = []
    for part in path:
        if isinstance(part, int) or part == "[]":
            if parts:
                parts[-1] += "[]"
            continue
        parts.append(part)
    for i in range(len(parts) - 1, 1, -1):
        # Also a section spelt in another case (`stackspec`), or dedented beside an empty `spec` (FL101
        # and FL105 report those once; what is inside is named as usual).
        if parts[i].lower() in ("stackspec", "flare") and parts[i - 1].lower() in ("spec", "dag[]"):
            parts = parts[i + 1 :] if i + 1 < len(parts) else parts[i - 1 :]
            break
    return ".".join(parts) if parts else "the top level"


#: The compiled shapes of ``model.Manifest``, pickled with a fingerprint of the sources they come from.
CACHE = Path(__file__).with_name("shapes.pickle")
_SOURCES = ("model.py", "functions.py", "actions.py", "connectors.py", "attrs.py", "attrdoc.py", "shapes.py")


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for name in _SOURCES:
        digest.update(Path(__file__).with_name(name).read_bytes())
    return digest.hexdigest()


@cache
def root_shape() -> MapShape:
    """The shape of a whole manifest.

    Loaded from ``shapes.pickle`` when it was made from the current sources (a cold ``--check`` then
    never imports pydantic or builds the model: about 70 ms); compiled from the model otherwise, so a
    stale cache costs time, never correctness. ``python -m flare_ls.schema.export`` rewrites it.
    """
    try:
        cached = pickle.loads(CACHE.read_bytes())
        if cached.get("fingerprint") == _fingerprint() and isinstance(cached.get("root"), MapShape):
            return cached["root"]
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError):
        pass
    from . import model

    return compile_model(model.Manifest)


def write_cache() -> Path:
    from . import model

    root = compile_model(model.Manifest)
    CACHE.write_bytes(pickle.dumps({"fingerprint": _fingerprint(), "root": root}, protocol=4))
    return CACHE


def cache_is_fresh() -> bool:
    try:
        return pickle.loads(CACHE.read_bytes()).get("fingerprint") == _fingerprint()
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError):
        return False


def job_file_shapes(root: MapShape) -> tuple[MapShape, MapShape]:
    """The top level of a file holding one dag job: the dag entry (its ``name`` optional, since the
    workflow's ``file:`` entry names the job) and the job's spec alone."""
    workflow = root.fields["workflow"].shape
    assert isinstance(workflow, MapShape)
    dag = workflow.fields["dag"].shape
    assert isinstance(dag, ListShape) and isinstance(dag.item, MapShape)
    entry = dag.item
    fields = {key: replace(fs, required=False) if key == "name" else fs for key, fs in entry.fields.items()}
    spec = entry.fields["spec"].shape
    assert isinstance(spec, MapShape)
    return replace(entry, fields=fields), spec
