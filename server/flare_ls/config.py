"""Project configuration: ``flare-ls.toml``, ``.flare-ls.toml`` or ``[tool.flare-ls]`` in ``pyproject.toml``.

For a checked file (or directory) the search walks up from its directory towards the filesystem root and
takes, in the first directory that has one, the first of ``flare-ls.toml``, ``.flare-ls.toml`` and a
``pyproject.toml`` with a ``[tool.flare-ls]`` table (a ``pyproject.toml`` without that table is skipped).
The search stops after the first directory that contains ``.git``. The CLI and the language server both
resolve settings through :func:`load_for` / :class:`ConfigLoader`, so they agree for the same file.

Keys (docs/configuration.md)::

    select = ["FL1", "FL2"]               # rules to run: ids, names or id prefixes; absent: all
    ignore = ["long-job-name"]            # rules never reported
    severity = {FL306 = "error"}          # severity per rule: error | warning | info | hint
    per-file-ignores = {"legacy/**" = ["FL106"]}   # glob (relative to this file's directory) -> rules
    include = ["*.yaml", "*.yml"]         # files checked when a directory is walked
    exclude = ["generated", "build/**"]   # files and directories skipped (directories are not entered)
    default-stack = "flare:7.0"           # the stack version assumed for a bare `stack: flare`
    computes = ["etl-large"]              # compute names the project uses besides runnable-default
    max-file-size = "10MB"                # larger files are not read (FL003); default 5 MB
    respect-gitignore = true              # walks skip what .gitignore and .ignore files ignore
    format = {indent = 2, indent-sequences = true}   # the style of `flare-ls format` (docs/formatting.md)

Globs: ``*``, ``?`` and ``[...]`` match within one path segment, ``**`` matches any number of segments.
A glob without ``/`` matches a file's (or directory's) name at any depth; a glob with ``/`` matches the
path relative to the configuration file's directory. They are matched without backtracking (a
repository's configuration is untrusted input to the language server).
"""

from __future__ import annotations

import functools
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Literal, TypeVar

from . import files
from .analyze import Config
from .findings import Severity
from .formatting.style import DEFAULT_STYLE, FormatStyle
from .rules.base import RULES

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: the tomli package (the same parser)
    import tomli as tomllib

CONFIG_NAMES = ("flare-ls.toml", ".flare-ls.toml", "pyproject.toml")
PYPROJECT = "pyproject.toml"
TABLE = "flare-ls"
DEFAULT_INCLUDE = ("*.yaml", "*.yml")
Level = Literal["error", "warning", "info", "hint"]
_STACK = re.compile(r"^flare:\d+(\.\d+)*$")
#: A DataOS resource name (lower-case letters, digits, hyphens).
_COMPUTE = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_SIZE = re.compile(r"\s*(\d+)\s*(|b|k|kb|kib|m|mb|mib|g|gb|gib)\s*", re.IGNORECASE)
_SIZE_UNITS = {"": 1, "b": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
#: A configuration file is a few hundred bytes; anything past this is not one.
MAX_CONFIG_SIZE = 1 << 20


class ConfigError(Exception):
    """A project configuration file that cannot be used; ``message`` names the file and the key."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# -- rule names -------------------------------------------------------------------------------------
def is_known_rule(name: str) -> bool:
    """A rule id, a rule name, or an id prefix (``FL2``) of at least one rule."""
    if name in RULES or any(info.name == name for info in RULES.values()):
        return True
    return name.startswith("FL") and any(code.startswith(name) for code in RULES)


def expand_rules(names: Iterable[str]) -> frozenset[str]:
    """Ids and names as given, id prefixes (``FL2``) replaced by every id they start."""
    out: set[str] = set()
    for name in names:
        matches = [code for code in RULES if code.startswith(name)] if name.startswith("FL") else []
        out.update(matches or [name])
    return frozenset(out)


def expand_severity(levels: Iterable[tuple[str, str]]) -> tuple[tuple[str, Severity], ...]:
    """``(rule, level)`` pairs as Config wants them, id prefixes expanded; earlier pairs win."""
    out: list[tuple[str, Severity]] = []
    for name, level in levels:
        out += [(key, Severity[level.upper()]) for key in sorted(expand_rules([name]))]
    return tuple(out)


def rules_config(select: list[str] | None, ignore: list[str], severity: dict[str, str]) -> Config:
    """The Config that rule lists as a user writes them (ids, names, id prefixes) stand for: the
    project file's keys and the editor's settings alike."""
    return Config(
        select=expand_rules(select) if select is not None else None,
        ignore=expand_rules(ignore),
        severity=expand_severity(severity.items()),
    )


def _check_rules(names: list[str]) -> list[str]:
    unknown = [name for name in names if not is_known_rule(name)]
    if unknown:
        raise ValueError(f"unknown rule{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}")
    return names


def parse_size(value: int | str) -> int:
    """A size in bytes from ``5242880``, ``"5MB"``, ``"512 KiB"`` or ``"1G"`` (K, M, G are 1024-based,
    with or without ``B``/``iB``); raises ValueError."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a size")
    if isinstance(value, int):
        size = value
    else:
        match = _SIZE.fullmatch(value)
        if match is None:
            raise ValueError(f"{value!r} is not a size such as 5242880, '512KB' or '5MB'")
        size = int(match.group(1)) * _SIZE_UNITS[match.group(2)[:1].lower()]
    if size < 1:
        raise ValueError(f"{value!r}: the size must be at least 1 byte")
    return size


# -- the file's contents ----------------------------------------------------------------------------
@functools.cache
def settings_model() -> Any:
    """The pydantic model of a configuration file's keys, built on first use: checking a tree without
    a configuration file never imports pydantic (a cold ``--check`` stays fast)."""
    from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, field_validator

    from .formatting.style import INDENTS

    class FormatSettings(BaseModel):
        """``[format]``: the style of ``flare-ls format`` and the editor's formatting."""

        model_config = ConfigDict(extra="forbid", frozen=True)

        indent: StrictInt = 2
        indent_sequences: StrictBool = Field(default=True, alias="indent-sequences")

        @field_validator("indent")
        @classmethod
        def _indent(cls, value: int) -> int:
            if value not in INDENTS:
                raise ValueError(f"{value} is not an indentation from {INDENTS.start} to {INDENTS.stop - 1} spaces")
            return value

    class FileSettings(BaseModel):
        """The keys of a configuration file, validated; unknown keys are errors."""

        model_config = ConfigDict(extra="forbid", frozen=True)

        select: list[str] | None = None
        ignore: list[str] = []
        severity: dict[str, Level] = {}
        per_file_ignores: dict[str, list[str]] = Field(default={}, alias="per-file-ignores")
        include: list[str] = list(DEFAULT_INCLUDE)
        exclude: list[str] = []
        default_stack: str | None = Field(default=None, alias="default-stack")
        computes: list[str] = []
        max_file_size: int = Field(default=files.DEFAULT_MAX_FILE_SIZE, alias="max-file-size")
        respect_gitignore: bool = Field(default=True, alias="respect-gitignore")
        format: FormatSettings = FormatSettings()

        @field_validator("max_file_size", mode="before")
        @classmethod
        def _size(cls, value: Any) -> int:
            if not isinstance(value, (int, str)):
                raise ValueError(f"{value!r} is not a size such as 5242880, '512KB' or '5MB'")
            return parse_size(value)

        @field_validator("select", "ignore")
        @classmethod
        def _rules(cls, value: list[str] | None) -> list[str] | None:
            return None if value is None else _check_rules(value)

        @field_validator("severity")
        @classmethod
        def _severity_rules(cls, value: dict[str, str]) -> dict[str, str]:
            _check_rules(list(value))
            return value

        @field_validator("per_file_ignores")
        @classmethod
        def _per_file_rules(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
            for glob, names in value.items():
                try:
                    _check_rules(names)
                except ValueError as exc:
                    raise ValueError(f"{glob!r}: {exc}") from None
                _check_glob(glob)
            return value

        @field_validator("include", "exclude")
        @classmethod
        def _globs(cls, value: list[str]) -> list[str]:
            for glob in value:
                _check_glob(glob)
            return value

        @field_validator("computes")
        @classmethod
        def _computes(cls, value: list[str]) -> list[str]:
            for name in value:
                if not _COMPUTE.match(name):
                    raise ValueError(f"{name!r} is not a compute name such as 'runnable-default'")
            return value

        @field_validator("default_stack")
        @classmethod
        def _stack(cls, value: str | None) -> str | None:
            if value is not None and not _STACK.match(value):
                raise ValueError(f"{value!r} is not a Flare stack version such as 'flare:7.0'")
            return value

    return FileSettings


#: What a tree without a configuration file uses: the defaults of every key, without pydantic.
DEFAULT_SETTINGS = SimpleNamespace(
    select=None,
    ignore=[],
    severity={},
    per_file_ignores={},
    include=list(DEFAULT_INCLUDE),
    exclude=[],
    default_stack=None,
    computes=[],
    max_file_size=files.DEFAULT_MAX_FILE_SIZE,
    respect_gitignore=True,
    format=SimpleNamespace(indent=DEFAULT_STYLE.indent, indent_sequences=DEFAULT_STYLE.indent_sequences),
)


# -- globs ------------------------------------------------------------------------------------------
# A glob is matched by a wildcard matcher of our own, not translated to a regular expression: Python's
# `re` backtracks, and a glob such as `*a*a*a*a*a*a*a*a*a*b` from a repository's configuration took
# minutes per path in the CLI and the language server. The matcher below runs in time proportional to
# the glob's length times the path's, whatever the glob.
_LITERAL, _ONE, _CLASS, _STAR = range(4)
#: One element of a segment's pattern: (_LITERAL, char), (_ONE, None), (_CLASS, _CharClass), (_STAR, None).
Token = tuple[int, Any]
#: A glob's segments: the tokens of one path segment each, or None for `**` (any number of segments).
Segments = tuple["tuple[Token, ...] | None", ...]


@dataclass(frozen=True)
class _CharClass:
    """``[abc]``, ``[a-z]``, ``[!abc]`` (or ``[^abc]``): one character of a set, or not of it."""

    negated: bool
    chars: frozenset[str]
    ranges: tuple[tuple[str, str], ...]

    def matches(self, char: str) -> bool:
        hit = char in self.chars or any(low <= char <= high for low, high in self.ranges)
        return hit != self.negated


def _char_class(body: str) -> _CharClass:
    negated = body[:1] in ("!", "^")
    if negated:
        body = body[1:]
    chars: set[str] = set()
    ranges: list[tuple[str, str]] = []
    i = 0
    while i < len(body):
        if i + 2 < len(body) and body[i + 1] == "-":
            low, high = body[i], body[i + 2]
            if low > high:
                raise ValueError(f"bad character range {low}-{high}")
            ranges.append((low, high))
            i += 3
        else:
            chars.add(body[i])
            i += 1
    return _CharClass(negated, frozenset(chars), tuple(ranges))


def _segment_tokens(part: str) -> tuple[Token, ...]:
    """The tokens of one segment of a glob: ``*`` (any run of characters), ``?`` (one), ``[...]``."""
    out: list[Token] = []
    i = 0
    while i < len(part):
        c = part[i]
        if c == "*":
            if not out or out[-1][0] != _STAR:  # `**` inside a segment is `*`
                out.append((_STAR, None))
        elif c == "?":
            out.append((_ONE, None))
        elif c == "[":
            # A `]` right after `[` (or `[!`) belongs to the set; without a closing `]`, `[` is itself.
            first = i + 2 if part[i + 1 : i + 2] in ("!", "^") else i + 1
            end = part.find("]", first + 1 if part[first : first + 1] == "]" else first)
            if end == -1:
                out.append((_LITERAL, c))
            else:
                out.append((_CLASS, _char_class(part[i + 1 : end])))
                i = end
        else:
            out.append((_LITERAL, c))
        i += 1
    return tuple(out)


def _glob_segments(glob: str) -> Segments:
    """The glob's segments; raises ValueError for a malformed one (a reversed range)."""
    out: list[tuple[Token, ...] | None] = []
    for part in glob.strip("/").removeprefix("./").split("/"):
        if part == "**":
            if not out or out[-1] is not None:  # `**/**` is `**`
                out.append(None)
        else:
            out.append(_segment_tokens(part))
    return tuple(out)


T = TypeVar("T")
P = TypeVar("P")


def _wildcard_match(
    pattern: Sequence[P], items: Sequence[T], is_star: Callable[[P], bool], one: Callable[[P, T], bool]
) -> bool:
    """Whether ``pattern`` matches all of ``items``: each star element matches any run of items, each
    other element exactly one item it accepts (``one``).

    Greedy, going back only to the latest star: a mismatch after a star lets that star take one more
    item, and an earlier star never needs to take more (whatever it would take, the latest star can),
    so the work is at most len(pattern) * len(items) comparisons, never exponential.
    """
    p = i = 0
    star_p, star_i = -1, 0
    while i < len(items):
        if p < len(pattern) and is_star(pattern[p]):
            star_p, star_i = p, i
            p += 1
        elif p < len(pattern) and one(pattern[p], items[i]):
            p += 1
            i += 1
        elif star_p >= 0:
            star_i += 1
            p, i = star_p + 1, star_i
        else:
            return False
    while p < len(pattern) and is_star(pattern[p]):
        p += 1
    return p == len(pattern)


def _char_matches(token: Token, char: str) -> bool:
    kind, value = token
    if kind == _LITERAL:
        return bool(value == char)
    if kind == _ONE:
        return char != "/"
    return bool(value.matches(char)) and char != "/"


def _segment_matches(tokens: tuple[Token, ...] | None, segment: str) -> bool:
    assert tokens is not None  # `**` is a star: never compared with one segment
    return _wildcard_match(tokens, segment, lambda token: token[0] == _STAR, _char_matches)


def segments_match(segments: Segments, path: str) -> bool:
    """Whether a glob's ``segments`` match the posix ``path`` (segment by segment; ``**`` matches any
    number of whole segments)."""
    return _wildcard_match(segments, path.split("/"), lambda tokens: tokens is None, _segment_matches)


def _check_glob(glob: str) -> None:
    if not glob.strip("/"):
        raise ValueError(f"{glob!r} is not a glob")
    try:
        _glob_segments(glob)
    except ValueError as exc:
        raise ValueError(f"{glob!r} is not a valid glob ({exc})") from None


@dataclass(frozen=True)
class Glob:
    """One glob of a configuration file; matches paths relative to the file's directory."""

    pattern: str

    @cached_property
    def anchored(self) -> bool:
        return "/" in self.pattern.strip("/")

    @cached_property
    def segments(self) -> Segments:
        return _glob_segments(self.pattern)

    def matches(self, relative: str | None, name: str) -> bool:
        """``relative`` is the posix path below the configuration's directory (None: outside it)."""
        if not self.anchored:
            return segments_match(self.segments, name)
        return relative is not None and segments_match(self.segments, relative)


# -- the resolved configuration ---------------------------------------------------------------------
@dataclass(frozen=True)
class Overrides:
    """Editor settings applied on top of a project's: each key the editor sets replaces the project's
    (``select``, ``ignore``); ``severity`` entries win rule by rule."""

    select: frozenset[str] | None = None
    select_set: bool = False
    ignore: frozenset[str] | None = None
    severity: tuple[tuple[str, Severity], ...] = ()


def _absolute(path: Path) -> Path:
    return Path(os.path.abspath(path))


@dataclass(frozen=True)
class ProjectConfig:
    """The settings that apply under one configuration file (``source`` None: none was found)."""

    source: Path | None = None
    #: The validated keys (``settings_model()``), or DEFAULT_SETTINGS when there is no file.
    settings: Any = field(default_factory=lambda: DEFAULT_SETTINGS)

    @property
    def root(self) -> Path | None:
        """The directory the globs are relative to."""
        return self.source.parent if self.source is not None else None

    @property
    def default_stack(self) -> str | None:
        return self.settings.default_stack

    @property
    def format_style(self) -> FormatStyle:
        """The style of ``flare-ls format`` and the editor's formatting under this configuration."""
        return FormatStyle(self.settings.format.indent, self.settings.format.indent_sequences)

    @property
    def max_file_size(self) -> int:
        """The largest file read under this configuration (``max-file-size``), in bytes."""
        return int(self.settings.max_file_size)

    @cached_property
    def _include(self) -> tuple[Glob, ...]:
        return tuple(Glob(g) for g in self.settings.include)

    @cached_property
    def _exclude(self) -> tuple[Glob, ...]:
        return tuple(Glob(g) for g in self.settings.exclude)

    @cached_property
    def _per_file(self) -> tuple[tuple[Glob, frozenset[str]], ...]:
        return tuple((Glob(g), expand_rules(names)) for g, names in self.settings.per_file_ignores.items())

    @cached_property
    def base(self) -> Config:
        """select/ignore/severity of the file, before per-file ignores."""
        return rules_config(self.settings.select, self.settings.ignore, self.settings.severity)

    def relative(self, path: Path) -> str | None:
        """``path`` below the configuration's directory, as posix text; None when outside it."""
        if self.root is None:
            return None
        try:
            rel = _absolute(path).relative_to(self.root)
        except ValueError:
            return None
        return rel.as_posix() if rel.parts else None

    def per_file_ignores(self, path: Path) -> frozenset[str]:
        """The rules the ``per-file-ignores`` globs matching ``path`` silence."""
        relative, name = self.relative(path), _absolute(path).name
        out: set[str] = set()
        for glob, rules in self._per_file:
            if glob.matches(relative, name):
                out |= rules
        return frozenset(out)

    def config_for(self, path: Path | None, overrides: Overrides | None = None) -> Config:
        """The Config for one file: the project's select/ignore/severity (editor ``overrides`` on top),
        plus the per-file ignores matching ``path``."""
        base = self.base
        select, ignore, severity = base.select, base.ignore, base.severity
        if overrides is not None:
            if overrides.select_set:
                select = overrides.select
            if overrides.ignore is not None:
                ignore = overrides.ignore
            severity = overrides.severity + severity
        if path is not None:
            ignore = ignore | self.per_file_ignores(path)
        return Config(
            select=select,
            ignore=ignore,
            severity=severity,
            default_stack=self.settings.default_stack,
            computes=frozenset(self.settings.computes),
        )

    def is_excluded(self, path: Path) -> bool:
        """``path`` or one of its directories below the configuration's directory matches ``exclude``."""
        if not self._exclude:
            return False
        path = _absolute(path)
        candidates = [path]
        if self.root is not None and self.relative(path) is not None:
            candidates += [p for p in path.parents if p != self.root and self.root in p.parents]
        for candidate in candidates:
            relative, name = self.relative(candidate), candidate.name
            if any(glob.matches(relative, name) for glob in self._exclude):
                return True
        return False

    def enters(self, directory: Path) -> bool:
        """Whether a directory walk goes into ``directory`` (False when ``exclude`` matches it)."""
        return not self.is_excluded(directory)

    def is_included(self, path: Path) -> bool:
        """Whether a file found by walking a directory is checked: ``include`` matches it and neither it
        nor one of its directories matches ``exclude``."""
        relative, name = self.relative(path), _absolute(path).name
        if not any(glob.matches(relative, name) for glob in self._include):
            return False
        return not self.is_excluded(path)


DEFAULT_PROJECT = ProjectConfig()


# -- reading and finding files ----------------------------------------------------------------------
def _where(source: Path, loc: tuple[Any, ...]) -> str:
    prefix = f"tool.{TABLE}" if source.name == PYPROJECT else ""
    parts = [str(p) for p in loc]
    return ".".join(([prefix] if prefix else []) + parts) or (f"[{prefix}]" if prefix else "the file")


def parse_config(text: str, source: Path, *, explicit: bool = False) -> ProjectConfig | None:
    """The configuration in ``text`` read from ``source``; None for a pyproject.toml without
    ``[tool.flare-ls]`` (unless ``explicit``: the user named the file, so that is an error)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: invalid TOML: {exc}") from None
    if source.name == PYPROJECT:
        tool = data.get("tool")
        table = tool.get(TABLE) if isinstance(tool, dict) else None
        if table is None:
            if explicit:
                raise ConfigError(f"{source}: has no [tool.{TABLE}] table")
            return None
        if not isinstance(table, dict):
            raise ConfigError(f"{source}: tool.{TABLE} must be a table")
        data = table
    from pydantic import ValidationError

    try:
        settings = settings_model().model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            message = error["msg"].removeprefix("Value error, ")
            if error["type"] == "extra_forbidden":
                message = "unknown key (known: " + ", ".join(_keys()) + ")"
            problems.append(f"{_where(source, error['loc'])}: {message}")
        raise ConfigError(f"{source}: " + "; ".join(problems)) from None
    return ProjectConfig(_absolute(source), settings)


def _keys() -> tuple[str, ...]:
    return tuple(f.alias or name for name, f in settings_model().model_fields.items())


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


class ConfigLoader:
    """Discovery with a cache: the configuration file per directory, and each file's contents (read
    again when the file's modification time or size changes)."""

    def __init__(self) -> None:
        #: directory -> the configuration file that governs it (None: none up to the root or the repository)
        self._dirs: dict[Path, Path | None] = {}
        #: configuration file -> (stamp, what it holds: a ProjectConfig, None for a pyproject without the
        #: table, or the error)
        self._files: dict[Path, tuple[tuple[int, int], ProjectConfig | ConfigError | None]] = {}

    def clear(self) -> None:
        self._dirs.clear()
        self._files.clear()

    def retain(self, paths: Iterable[Path]) -> None:
        """Forget every folder that holds none of ``paths`` and every file those folders do not name
        (the language server keeps what its open documents use; a closed one's folders go)."""
        wanted: set[Path] = set()
        for path in paths:
            path = _absolute(path)
            wanted.update((path, *path.parents))
        self._dirs = {d: s for d, s in self._dirs.items() if d in wanted}
        named = set(self._dirs.values())
        self._files = {f: entry for f, entry in self._files.items() if f in named}

    def read(self, source: Path, *, explicit: bool = False) -> ProjectConfig | None:
        """One configuration file (cached while it does not change); raises ConfigError."""
        source = _absolute(source)
        stamp = _stamp(source)
        if stamp is None:
            if explicit:
                raise ConfigError(f"{source}: no such file")
            return None
        cached = self._files.get(source)
        if cached is not None and cached[0] == stamp and not (explicit and cached[1] is None):
            result = cached[1]
        else:
            try:
                text = files.read_regular_file(source, MAX_CONFIG_SIZE).data.decode("utf-8")
            except files.UnreadableFile as exc:
                result = ConfigError(f"{source}: cannot read the file: {exc.reason}")
            except UnicodeDecodeError as exc:
                result = ConfigError(f"{source}: cannot read the file: {exc}")
            else:
                try:
                    result = parse_config(text, source, explicit=explicit)
                except ConfigError as exc:
                    result = exc
            self._files[source] = (stamp, result)
        if isinstance(result, ConfigError):
            raise result
        return result

    def find(self, path: Path) -> Path | None:
        """The configuration file governing ``path`` (a file, or a directory), or None."""
        path = _absolute(path)
        start = path if path.is_dir() else path.parent
        visited: list[Path] = []
        found: Path | None = None
        for directory in (start, *start.parents):
            if directory in self._dirs:
                found = self._dirs[directory]
                break
            visited.append(directory)
            found = self._in_directory(directory)
            if found is not None or (directory / ".git").exists():
                break
        for directory in visited:
            self._dirs[directory] = found
        return found

    def _in_directory(self, directory: Path) -> Path | None:
        for name in CONFIG_NAMES:
            candidate = directory / name
            if not candidate.is_file():
                if name != PYPROJECT and candidate.exists() and not candidate.is_dir():
                    return candidate  # a FIFO or device by that name: reading it says what is wrong
                continue
            if name != PYPROJECT:
                return candidate
            try:
                if self.read(candidate) is not None:
                    return candidate
            except ConfigError:
                return candidate  # a broken pyproject.toml may hold our table: report it
        return None

    def load_for(self, path: Path) -> ProjectConfig:
        """The configuration for ``path`` (defaults when no file is found); raises ConfigError."""
        source = self.find(path)
        if source is None:
            return DEFAULT_PROJECT
        project = self.read(source)
        if project is None:  # the file went away or lost its table since it was found: search again
            self._dirs = {d: s for d, s in self._dirs.items() if s != source}
            source = self.find(path)
            project = self.read(source) if source is not None else None
        return project or DEFAULT_PROJECT

    def load_file(self, source: Path) -> ProjectConfig:
        """A configuration file named by the user (``flare-ls --config FILE``); raises ConfigError."""
        project = self.read(source, explicit=True)
        assert project is not None
        return project

    def iter_files(
        self,
        paths: list[Path],
        config: ProjectConfig | None = None,
        *,
        force_exclude: bool = False,
        respect_gitignore: bool = True,
    ) -> Iterator[tuple[Path, bool]]:
        """The YAML files to check, honouring ``include``/``exclude``: ``(path, named)`` for
        each path given and each included file below the directories given, in sorted order. Each
        directory follows its own configuration, unless ``config`` is given (``--config``). A path
        given is yielded even when ``exclude`` matches it, unless ``force_exclude`` (what pre-commit
        needs: it names the files itself). Walks skip what ``.gitignore`` and ``.ignore`` files
        ignore (``ignorefiles``) when ``respect_gitignore`` and the configuration's
        ``respect-gitignore`` say so."""
        from .ignorefiles import IgnoreFiles

        for path in paths:
            if force_exclude and (config or self.load_for(path)).is_excluded(path):
                continue
            if not path.is_dir():
                yield path, True
                continue
            ignore = IgnoreFiles(path) if respect_gitignore else None
            found: list[Path] = []
            for folder, dirs, names in os.walk(path):
                here = Path(folder)
                project = config or self.load_for(here)
                honour = ignore if ignore is not None and project.settings.respect_gitignore else None
                dirs[:] = sorted(
                    d
                    for d in dirs
                    if d not in files._SKIP_DIRS
                    and project.enters(here / d)
                    and (honour is None or not honour.ignored(here / d, True))
                )
                found += [
                    here / n
                    for n in names
                    if project.is_included(here / n) and (honour is None or not honour.ignored(here / n, False))
                ]
            yield from ((f, False) for f in sorted(found))


_LOADER = ConfigLoader()


def load_for(path: Path) -> ProjectConfig:
    """The project configuration for a checked file or directory (discovered, cached per directory)."""
    return _LOADER.load_for(path)


def load_file(source: Path) -> ProjectConfig:
    """A configuration file named explicitly (``--config``): any name; a pyproject.toml needs the table."""
    return _LOADER.load_file(source)


def iter_files(
    paths: list[Path],
    config: ProjectConfig | None = None,
    *,
    force_exclude: bool = False,
    respect_gitignore: bool = True,
) -> Iterator[tuple[Path, bool]]:
    """:meth:`ConfigLoader.iter_files` with the shared cache."""
    return _LOADER.iter_files(paths, config, force_exclude=force_exclude, respect_gitignore=respect_gitignore)


def clear_cache() -> None:
    """Forget what discovery found (``flare-ls check --watch`` calls it before each round)."""
    _LOADER.clear()


def _rules_text(rules: frozenset[str] | None) -> str:
    return "all rules" if rules is None else ", ".join(sorted(rules)) or "none"


def show_settings(path: Path, config_file: Path | None = None) -> str:
    """A readable dump of the settings for ``path``: the file they come from, each key, and the Config
    that results for that path (``flare-ls --show-settings PATH``). Raises ConfigError."""
    project = load_file(config_file) if config_file is not None else load_for(path)
    s = project.settings
    target = _absolute(path)
    lines = [f"Settings for {target}"]
    lines.append(f"  config file:      {project.source or 'none found (defaults)'}")
    lines.append(f"  select:           {_rules_text(None if s.select is None else frozenset(s.select))}")
    lines.append(f"  ignore:           {', '.join(s.ignore) or 'none'}")
    lines.append(f"  severity:         {', '.join(f'{k} = {v}' for k, v in s.severity.items()) or 'none'}")
    if s.per_file_ignores:
        lines.append("  per-file-ignores:")
        lines += [f"    {glob}: {', '.join(rules) or 'none'}" for glob, rules in s.per_file_ignores.items()]
    else:
        lines.append("  per-file-ignores: none")
    lines.append(f"  include:          {', '.join(s.include) or 'none'}")
    lines.append(f"  exclude:          {', '.join(s.exclude) or 'none'}")
    lines.append(f"  default-stack:    {s.default_stack or 'none'}")
    lines.append(f"  computes:         {', '.join(s.computes) or 'none'} (and runnable-default)")
    lines.append(f"  max-file-size:    {files.format_size(project.max_file_size)} ({project.max_file_size} bytes)")
    lines.append(f"  respect-gitignore: {'true' if s.respect_gitignore else 'false'}")
    sequences = "true" if s.format.indent_sequences else "false"
    lines.append(f"  format:           indent = {s.format.indent}, indent-sequences = {sequences}")
    if not target.is_dir():
        config = project.config_for(target)
        found = "yes" if project.is_included(target) else "no"
        lines.append(f"For this file (checked when found in a directory: {found}):")
        lines.append(f"  select:           {_rules_text(config.select)}")
        lines.append(f"  ignore:           {_rules_text(config.ignore)}")
        extra = project.per_file_ignores(target)
        if extra:
            lines.append(f"    (per-file-ignores: {', '.join(sorted(extra))})")
        levels = ", ".join(f"{k} = {v.label}" for k, v in config.severity)
        lines.append(f"  severity:         {levels or 'rule defaults'}")
    return "\n".join(lines) + "\n"
