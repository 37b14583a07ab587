"""The facts of the common queries, read without sqlglot.

Most of a manifest's SQL is one SELECT over a few views: columns, casts, calls of well-known functions,
CASE, joins, WHERE, GROUP BY, ORDER BY, LIMIT, now and then a UNION or an INTERVAL. For such a text,
loading sqlglot (about 100 ms a process), tokenizing the text a second time, building sqlglot's tree,
walking it for the facts and running the Spark grammar's recogniser cost most of a millisecond a
query; reading it here, from the grammar's own tokens, costs a tenth of that. :func:`facts` reads a
text made only of what this module follows (below) and returns the very facts
:func:`flare_ls.sql._full_facts` would give; anything else, or any doubt, returns None and the text
takes the full path.

What is followed, and why it is safe:

- **Spark's verdict.** Everything accepted is Spark syntax written one unambiguous way (names are
  never keywords, so no clause keyword is read as a name and FL410 has nothing to say), and the
  checks Spark's AST builder makes are run (``grammar._builder_problem``): a text read here parses.
- **sqlglot's reading.** Where sqlglot's tree depends on a word, ``sqlglot_names`` says what it does,
  probed from sqlglot itself (:mod:`flare_ls.sql.probe`): one of its keywords, or a word its parser
  matches by its text, is a name only where it was probed to read as a plain one; a call is followed
  only when its name and argument count were probed to give a node whose kind the facts can tell
  (aggregate, cast, generator, deserialiser, other) with every argument column intact. The table
  comes from one sqlglot version and is used only with it.
- **Proof.** ``tests/test_sql_quick.py`` compares these facts with sqlglot's on every real query, their
  mutations and thousands of generated queries, and the Spark oracle judges the verdicts.

Not followed (the full path reads them): WITH, subqueries, EXCEPT and INTERSECT, window functions,
lambdas, LATERAL VIEW, PIVOT, hints, typed literals, intervals of several units, struct and array
access, qualified function names, strings with escapes or adjacent strings, USING, NULLS FIRST,
statements other than SELECT, Trino's SQL.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from types import ModuleType
from typing import TypeVar

from . import (
    _DESERIALISERS,
    ColumnRef,
    ColumnUse,
    Operation,
    ResultColumn,
    SqlFacts,
    TableRead,
    grammar,
    parsed_facts,
)
from .columns import _GENERATORS

T = TypeVar("T")
#: Whitespace sqlglot's tokenizer skips (others, such as a no-break space, it would read as a name).
_ODD_SPACE = re.compile(r"[^\S \t\n\r]")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_JOIN_KINDS = frozenset({"INNER", "CROSS", "LEFT", "RIGHT", "FULL"})
_INTERVAL_UNITS = frozenset(
    f"{unit}{plural}" for unit in ("YEAR", "MONTH", "WEEK", "DAY", "HOUR", "MINUTE", "SECOND") for plural in ("", "S")
)
_COMPARISONS = frozenset({"=", "==", "!=", "<>", "<", "<=", ">", ">=", "<=>"})
_ARITHMETIC = frozenset({"+", "-", "*", "/", "%", "||"})
#: Keywords a condition may start with: sqlglot reads none of them as the start of a statement.
_LEADING = frozenset({"CAST", "CASE", "NOT", "NULL", "TRUE", "FALSE", "INTERVAL", "CURRENT_DATE", "CURRENT_TIMESTAMP"})
#: Expressions nested deeper than this are left to the full path (whose recogniser gives up on them).
_MAX_DEPTH = 24
#: Names Spark reads only as keywords where a function's name stands (`union(x)` does not parse).
_NOT_FUNCTIONS = (grammar.CLAUSE_KEYWORDS | grammar.STRICT_NON_RESERVED) - {"LEFT", "RIGHT"}


@cache
def _names() -> ModuleType | None:
    """``sqlglot_names``, when it was probed from the installed sqlglot (read from its ``_version.py``
    without importing it); None otherwise, and the quick path is not used."""
    import importlib.util
    from pathlib import Path

    from . import sqlglot_names

    spec = importlib.util.find_spec("sqlglot")
    if spec is None or spec.origin is None:
        return None
    try:
        source = (Path(spec.origin).parent / "_version.py").read_text(encoding="utf-8")
    except OSError:
        return None
    found = re.search(r"""__version__\s*=\s*version\s*=\s*['"]([^'"]+)['"]""", source)
    return sqlglot_names if found is not None and found.group(1) == sqlglot_names.VERSION else None


def facts(text: str, *, expression: bool = False) -> SqlFacts | None:
    """The facts of ``text`` (placeholders masked), or None when it is not a text this module reads.
    ``expression``: an action's condition, a boolean expression rather than a statement."""
    names = _names()
    if names is None or "sqlglot" in text or _ODD_SPACE.search(text) is not None:
        return None
    try:
        tokens = grammar.tokenize(text)
    except grammar._Unlexable:
        return None
    if not tokens:
        return None
    reader = _Reader(text, tokens, names)
    try:
        if expression:
            first = tokens[0]
            if first.kind == "word" and first.text in names.KEYWORDS and first.text not in _LEADING:
                return None  # sqlglot may read a condition that starts with a keyword as a statement
            tree: list[_Select] | _Node = reader.expression()
        else:
            tree = reader.query()
        if reader.i != len(tokens):
            return None
    except (_Outside, RecursionError):
        return None
    if grammar._builder_problem(text, tokens) is not None or not _comments_are_plain(text, tokens):
        return None
    return _facts(tree, tokens, text, names)


class _Outside(Exception):
    """The text holds something this module does not read."""


# -- the tree: what the facts need of each construct ---------------------------------------------
@dataclass(frozen=True)
class _Name:
    """An identifier: ``name`` as sqlglot keeps it, ``start``/``end`` as ``sql._span`` gives them."""

    name: str
    start: int
    end: int
    quoted: bool


@dataclass
class _Node:
    """An expression: ``kind`` is "column", "call", "cast", "paren", "string" or "other"."""

    kind: str
    children: list[_Node] = field(default_factory=list)
    #: A column's parts (catalog, db, table, column; the last may be a star for ``t.*``).
    parts: list[_Name] = field(default_factory=list)
    star: tuple[int, int] | None = None
    #: A call's name as written, its span, and what sqlglot makes of it (None: an unknown function).
    name: str = ""
    span: tuple[int, int] = (0, 0)
    entry: tuple[str, str, int, bool, bool] | None = None
    #: A string literal's value.
    value: str = ""

    def walk(self) -> list[_Node]:
        found, stack = [], [self]
        while stack:
            node = stack.pop()
            found.append(node)
            stack += reversed(node.children)
        return found


@dataclass
class _Relation:
    parts: list[_Name]
    alias: _Name | None


@dataclass
class _Item:
    """An item of the SELECT list: ``*`` (``star``), or an expression and its alias."""

    node: _Node | None
    alias: _Name | None
    star: tuple[int, int] | None = None


@dataclass
class _Select:
    items: list[_Item]
    relations: list[_Relation]
    #: Every other expression of the SELECT (join conditions, WHERE, GROUP BY, HAVING, ORDER BY).
    others: list[_Node]
    #: It has ORDER BY or LIMIT.
    ordered: bool = False


# -- reading -------------------------------------------------------------------------------------
class _Reader:
    def __init__(self, text: str, tokens: list[grammar.Token], names: ModuleType) -> None:
        self.text = text
        self.t = tokens
        self.n = len(tokens)
        self.i = 0
        self.depth = 0
        self.keywords: frozenset[str] = names.KEYWORDS
        self.text_words: frozenset[str] = names.TEXT_WORDS
        self.roles: dict[str, frozenset[str]] = names.NAMES
        self.type_words: frozenset[str] = names.TYPE_WORDS
        self.functions: dict[str, tuple[object, ...]] = names.FUNCTIONS
        self.unfollowed: frozenset[str] = names.UNFOLLOWED
        self.types: frozenset[str] = names.CAST_TYPES
        self.decimals: frozenset[str] = names.DECIMALS

    # tokens
    def peek(self, offset: int = 0) -> grammar.Token | None:
        index = self.i + offset
        return self.t[index] if index < self.n else None

    def word(self, *words: str, offset: int = 0) -> bool:
        token = self.peek(offset)
        return token is not None and token.kind == "word" and token.text in words

    def op(self, *ops: str, offset: int = 0) -> bool:
        token = self.peek(offset)
        return token is not None and token.kind == "op" and token.text in ops

    def take_word(self, *words: str) -> grammar.Token:
        if not self.word(*words):
            raise _Outside
        self.i += 1
        return self.t[self.i - 1]

    def take_op(self, *ops: str) -> grammar.Token:
        if not self.op(*ops):
            raise _Outside
        self.i += 1
        return self.t[self.i - 1]

    def name(self, role: str) -> _Name:
        """An identifier in ``role`` (a key of ``sqlglot_names.NAMES``: "column", "alias", "implicit",
        "table", "table-alias"): a back-quoted name, or a word sqlglot reads as a name there (a keyword
        or a word it matches by its text only where it was probed to be one) that is none of Spark's
        clause keywords."""
        if not self.can_name(role):
            raise _Outside
        token = self.t[self.i]
        self.i += 1
        if token.kind == "quoted":
            return _Name(token.text, token.start + 1, token.end - 1, True)
        return _Name(self.text[token.start : token.end], token.start, token.end, False)

    def can_name(self, role: str) -> bool:
        token = self.peek()
        if token is None:
            return False
        if token.kind == "quoted":
            return "`" not in token.text and bool(token.text)
        word = token.text
        if token.kind != "word" or word[0].isdigit():
            return False
        if word in grammar.CLAUSE_KEYWORDS or word in grammar.STRICT_NON_RESERVED:
            return False
        return (word not in self.keywords and word not in self.text_words) or word in self.roles[role]

    # statements
    def query(self) -> list[_Select]:
        """SELECTs joined by UNION [ALL | DISTINCT], none with ORDER BY or LIMIT (which would belong to
        the union, not to the last SELECT)."""
        selects = [self.select()]
        while self.skip("UNION"):
            self.skip("ALL") or self.skip("DISTINCT")
            selects.append(self.select())
        if len(selects) > 1 and any(select.ordered for select in selects):
            raise _Outside
        return selects

    def select(self) -> _Select:
        self.take_word("SELECT")
        self.skip("DISTINCT")
        items = self.listed(self.item)
        relations: list[_Relation] = []
        others: list[_Node] = []
        if self.skip("FROM"):
            relations.append(self.relation())
            while self.op(",") or self.word("JOIN", *_JOIN_KINDS):
                if self.skip(","):
                    relations.append(self.relation())
                    continue
                if self.skip("LEFT"):
                    self.skip("OUTER") or self.skip("SEMI") or self.skip("ANTI")
                elif self.skip("RIGHT") or self.skip("FULL"):
                    self.skip("OUTER")
                else:
                    self.skip("INNER") or self.skip("CROSS")
                self.take_word("JOIN")
                relations.append(self.relation())
                if self.skip("ON"):
                    others.append(self.expression())
        if self.skip("WHERE"):
            others.append(self.expression())
        if self.skip("GROUP", "BY"):
            others += self.listed(self.expression)
        if self.skip("HAVING"):
            others.append(self.expression())
        ordered = False
        if self.skip("ORDER", "BY"):
            ordered = True
            others += self.listed(self.sort_key)
        if self.skip("LIMIT"):
            ordered = True
            token = self.peek()
            if token is None or token.kind != "number" or not token.text.isdigit():
                raise _Outside
            self.i += 1
        return _Select(items, relations, others, ordered)

    def skip(self, first: str, *then: str) -> bool:
        """Take the next token when it is ``first`` (a keyword or an operator), or, with ``then``, when
        the next tokens are ``first`` and the words ``then`` (``GROUP BY``); say whether it did."""
        token = self.peek()
        if token is None or token.text != first or token.kind not in ("word", "op"):
            return False
        if then and not all(self.word(word, offset=n) for n, word in enumerate(then, 1)):
            return False
        self.i += 1 + len(then)
        return True

    def listed(self, read: Callable[[], T]) -> list[T]:
        """One or more of what ``read`` reads, separated by commas."""
        found = [read()]
        while self.skip(","):
            found.append(read())
        return found

    def sort_key(self) -> _Node:
        key = self.expression()
        self.skip("ASC") or self.skip("DESC")
        return key

    def item(self) -> _Item:
        token = self.peek()
        if self.op("*"):
            self.i += 1
            assert token is not None
            return _Item(None, None, (token.start, token.end))
        if self.op(".", offset=1) and self.op("*", offset=2):  # `t.*`
            qualifier = self.name("column")
            star = self.t[self.i + 1]
            self.i += 2
            return _Item(_Node("column", parts=[qualifier], star=(star.start, star.end)), None)
        return _Item(self.expression(), self.alias("alias", "implicit"))

    def alias(self, role: str, implicit: str) -> _Name | None:
        """An alias after AS (a name in ``role``), or without it (in ``implicit``), or None."""
        if self.skip("AS"):
            return self.name(role)
        return self.name(implicit) if self.can_name(implicit) else None

    def relation(self) -> _Relation:
        parts = [self.name("table")]
        while self.op(".") and len(parts) < 3:
            self.i += 1
            parts.append(self.name("table"))
        if self.op(".", "("):
            raise _Outside  # a fourth part, or a table function
        alias = self.alias("table-alias", "table-alias")
        if self.op("("):
            raise _Outside  # column aliases: `t AS x(a, b)`
        return _Relation(parts, alias)

    # expressions: only the nodes the facts look at are kept apart; operators are "other"
    def expression(self) -> _Node:
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise _Outside
        terms = [self.boolean_term()]
        while self.skip("AND") or self.skip("OR"):
            terms.append(self.boolean_term())
        self.depth -= 1
        return terms[0] if len(terms) == 1 else _Node("other", terms)

    def boolean_term(self) -> _Node:
        negated = False
        while self.skip("NOT"):
            negated = True
        value = self.value()
        parts = [value]
        if self.skip("IS"):
            self.skip("NOT")
            self.take_word("NULL")
            parts.append(_Node("other"))
        else:
            if self.word("NOT") and self.word("IN", "BETWEEN", "LIKE", "RLIKE", offset=1):
                self.i += 1
            if self.skip("IN"):
                self.take_op("(")
                if self.word("SELECT", "WITH", "FROM", "VALUES"):
                    raise _Outside
                parts += self.listed(self.expression)
                self.take_op(")")
            elif self.skip("BETWEEN"):
                if self.word(*self.text_words):
                    raise _Outside  # `BETWEEN SYMMETRIC`
                # Spark takes a comparison as a bound; sqlglot does not (`BETWEEN a = b AND c`).
                parts.append(self.value(comparisons=False))
                self.take_word("AND")
                parts.append(self.value(comparisons=False))
            elif self.skip("LIKE") or self.skip("RLIKE"):
                parts.append(self.value(comparisons=False))
        return value if len(parts) == 1 and not negated else _Node("other", parts)

    def value(self, *, comparisons: bool = True) -> _Node:
        operands = [self.operand()]
        while (comparisons and self.op(*_COMPARISONS)) or self.op(*_ARITHMETIC):
            self.i += 1
            operands.append(self.operand())
        return operands[0] if len(operands) == 1 else _Node("other", operands)

    def operand(self) -> _Node:
        if self.op("-", "+"):
            self.i += 1
            return _Node("other", [self.operand()])
        return self.primary()

    def primary(self) -> _Node:
        token = self.peek()
        if token is None:
            raise _Outside
        if token.kind == "number":
            if _NUMBER.fullmatch(token.text) is None:
                raise _Outside
            self.i += 1
            return _Node("other")
        if token.kind == "string":
            quote = token.text[0]
            following = self.peek(1)
            if quote not in "'\"" or "\\" in token.text or (following is not None and following.kind == "string"):
                raise _Outside  # a raw string, an escape, or adjacent strings (joined by Spark)
            self.i += 1
            return _Node("string", value=token.text[1:-1], span=(token.start, token.end))
        if token.kind == "op":
            if token.text == "(":
                self.i += 1
                if self.word("SELECT", "WITH", "FROM", "VALUES"):
                    raise _Outside
                inner = self.expression()
                self.take_op(")")
                return _Node("paren", [inner])
            raise _Outside
        if token.kind == "word":
            word = token.text
            if word in ("NULL", "TRUE", "FALSE"):
                self.i += 1
                return _Node("other")
            if word == "CAST" and self.op("(", offset=1):
                return self.cast()
            if word == "CASE":
                return self.case()
            if word == "INTERVAL":
                return self.interval()
            if self.op("(", offset=1):
                return self.call()
            if word in ("CURRENT_DATE", "CURRENT_TIMESTAMP"):
                self.i += 1
                return _Node("other")  # sqlglot's function without parentheses
        return self.column()

    def column(self) -> _Node:
        parts = [self.name("column")]
        while self.op("."):
            self.i += 1
            if self.op("*"):
                raise _Outside  # `t.*` only as an item of the SELECT list (read in `item`)
            if len(parts) == 4:
                raise _Outside  # sqlglot reads a fifth part as a field access (Dot)
            parts.append(self.name("column"))
        if self.op("(", "[", ":", "::") or (self.peek() is not None and self.peek().kind == "string"):  # type: ignore[union-attr]
            raise _Outside  # a qualified function, a subscript, a cast or a typed literal
        return _Node("column", parts=parts)

    def cast(self) -> _Node:
        self.i += 2
        inner = self.expression()
        self.take_word("AS")
        token = self.peek()
        if token is None or token.kind != "word":
            raise _Outside
        self.i += 1
        if token.text in self.decimals and self.op("("):
            self.i += 1
            self._size()
            if self.op(","):
                self.i += 1
                self._size()
            self.take_op(")")
        elif token.text not in self.types or self.op("("):
            raise _Outside
        self.take_op(")")
        return _Node("cast", [inner])

    def interval(self) -> _Node:
        """``INTERVAL '1' DAY``, ``INTERVAL 10 MINUTES`` or ``INTERVAL '10 minutes'`` (whose text Spark's
        AST builder checks: ``grammar._builder_problem``)."""
        self.i += 1
        token = self.peek()
        if token is None or token.kind not in ("string", "number"):
            raise _Outside
        if token.kind == "number" and not token.text.isdigit():
            raise _Outside
        if token.kind == "string" and (token.text[0] not in "'\"" or "\\" in token.text):
            raise _Outside
        self.i += 1
        if self.word(*_INTERVAL_UNITS):
            self.i += 1
        elif token.kind == "number":
            raise _Outside
        following = self.peek(1) if self.op("+") else self.peek()
        if (
            self.word("TO")
            or self.word(*_INTERVAL_UNITS)
            or (following is not None and following.kind in ("string", "number"))
        ):
            # `DAY TO HOUR`, several units, or `INTERVAL 1 DAY + '2' HOUR` (sqlglot adds a second
            # interval without its keyword): left to the full path
            raise _Outside
        return _Node("other")

    def _size(self) -> None:
        token = self.peek()
        if token is None or token.kind != "number" or not token.text.isdigit():
            raise _Outside
        self.i += 1

    def case(self) -> _Node:
        self.i += 1
        parts = [] if self.word("WHEN") else [self.expression()]
        if not self.word("WHEN"):
            raise _Outside
        while self.skip("WHEN"):
            parts.append(self.expression())
            self.take_word("THEN")
            parts.append(self.expression())
        if self.skip("ELSE"):
            parts.append(self.expression())
        self.take_word("END")
        return _Node("other", parts)

    def call(self) -> _Node:
        token = self.t[self.i]
        word = token.text
        if word[0].isdigit() or word in _NOT_FUNCTIONS:
            raise _Outside
        self.i += 2
        star = distinct = False
        args: list[_Node] = []
        firsts: list[grammar.Token | None] = []
        if self.op("*") and self.op(")", offset=1):
            self.i += 1
            star = True
        elif not self.op(")"):
            distinct = self.skip("DISTINCT")

            def argument() -> _Node:
                firsts.append(self.peek())
                return self.expression()

            args = self.listed(argument)
        self.take_op(")")
        if word in self.type_words and any(
            t is not None and t.kind == "word" and t.text in self.keywords for t in firsts
        ):
            raise _Outside  # sqlglot would try the arguments as types (`nullable(date.a)`)
        if distinct:
            if len(args) != 1:
                raise _Outside
            args = [_Node("other", args)]  # sqlglot's Distinct holds the argument
        entry: tuple[str, str, int, bool, bool] | None = None
        if word in self.functions:
            entries = self.functions[word]
            count = 1 if star or distinct else len(args)
            entry = entries[count] if count < len(entries) else None  # type: ignore[assignment]
            if entry is None or (star and not entry[3]) or (distinct and not entry[4]):
                raise _Outside
        elif word in self.keywords or word in self.unfollowed or star or distinct:
            raise _Outside  # a function sqlglot reads its own way, or one it was not probed for
        return _Node("call", args, name=self.text[token.start : token.end], span=(token.start, token.end), entry=entry)


def _comments_are_plain(text: str, tokens: list[grammar.Token]) -> bool:
    """Comments sqlglot reads as Spark does: between two words of one keyword (`GROUP /* */ BY`) or
    holding another comment's opening, sqlglot reads otherwise."""
    if "--" not in text and "/*" not in text:
        return True
    if text[: tokens[0].start].count("/*") > 1 or text[tokens[-1].end :].count("/*") > 1:
        return False
    for before, after in zip(tokens, tokens[1:], strict=False):
        gap = text[before.end : after.start]
        if gap.count("/*") > 1:
            return False
        if before.kind == "word" and before.text in ("GROUP", "ORDER") and not gap.isspace():
            return False
    return True


# -- the facts -------------------------------------------------------------------------------------
def _facts(tree: list[_Select] | _Node, tokens: list[grammar.Token], text: str, names: ModuleType) -> SqlFacts:
    selects = tree if isinstance(tree, list) else []
    nodes_of = [_nodes(select) for select in selects]
    everything = [node for nodes in nodes_of for node in nodes] if isinstance(tree, list) else tree.walk()
    operations = [
        Operation("aggregate", f"`{node.entry[1]}(...)` aggregation", *node.span)
        for node in everything
        if node.kind == "call" and node.entry is not None and node.entry[0] == "aggregate"
    ]
    operations += _keyword_operations(tokens, text, names.CLOCK_WORDS)
    if not selects:
        return parsed_facts([], operations, [], [], None, [])
    reads: list[TableRead] = []
    passed: list[str] = []
    columns: list[ColumnUse] = []
    references: list[ColumnRef] = []
    for select, nodes in zip(selects, nodes_of, strict=True):
        direct = [
            (r.parts[0].name.lower(), (r.alias.name if r.alias is not None else r.parts[0].name).lower())
            for r in select.relations
            if len(r.parts) == 1
        ]
        sources = _sources(select)
        reads += [
            TableRead(r.parts[0].name, r.parts[0].start, r.parts[0].end) for r in select.relations if len(r.parts) == 1
        ]
        for item in select.items:
            if item.star is not None:
                passed += [name for name, _ in direct]
            elif item.node is not None and item.node.star is not None:
                qualifier = item.node.parts[0].name.lower()
                passed += [name for name, alias in direct if qualifier in (alias, name)]
        columns += [use for item in select.items for use in _binary_columns(item, direct)]
        views = tuple(v for v in sources.values() if v is not None)
        for node in nodes:
            if node.kind != "column" or len(node.parts) < 2 or node.star is not None:
                continue
            table, column = node.parts[0], node.parts[1]
            view = sources.get(table.name.lower())
            if view is not None:
                references.append(
                    ColumnRef(view, table.name, column.name, column.start, column.end, column.quoted, views)
                )
    return parsed_facts(
        reads, operations, columns, passed, _result_columns(selects[0], _sources(selects[0])), references
    )


def _nodes(select: _Select) -> list[_Node]:
    return [n for item in select.items if item.node is not None for n in item.node.walk()] + [
        n for other in select.others for n in other.walk()
    ]


def _sources(select: _Select) -> dict[str, str | None]:
    """``columns._sources``: each name a relation may be qualified by, mapped to the view it reads (None
    for a catalog table, or a name given twice)."""
    sources: dict[str, str | None] = {}
    for relation in select.relations:
        alias = (relation.alias.name if relation.alias is not None else relation.parts[-1].name).lower()
        view = relation.parts[0].name.lower() if len(relation.parts) == 1 else None
        sources[alias] = None if alias in sources else view
    return sources


def _keyword_operations(tokens: list[grammar.Token], text: str, clock_words: frozenset[str]) -> list[Operation]:
    """``sql._keyword_operations`` on the grammar's tokens: sqlglot's JOIN, LIMIT, DISTINCT, ORDER BY,
    GROUP BY and clock tokens are these words (no window is read here, so no ORDER BY belongs to one)."""
    found = []
    previous: grammar.Token | None = None
    skip = False
    for index, token in enumerate(tokens):
        if skip:
            skip, previous = False, token
            continue
        if token.kind == "word":
            word, span = token.text, (token.start, token.end)
            if word == "JOIN":
                found.append(Operation("join", "a join", *span))
            elif word == "LIMIT":
                found.append(Operation("limit", "`LIMIT`", *span))
            elif word == "DISTINCT" and previous is not None:
                if previous.kind == "op" and previous.text == "(":
                    found.append(Operation("distinct-aggregate", "a distinct aggregation", *span))
                else:
                    found.append(Operation("distinct", "`DISTINCT`", *span))
            elif (
                word in ("ORDER", "GROUP")
                and index + 1 < len(tokens)
                and tokens[index + 1].kind == "word"
                and tokens[index + 1].text == "BY"
            ):
                end = tokens[index + 1].end
                if word == "ORDER":
                    found.append(Operation("order", "`ORDER BY`", token.start, end))
                else:
                    found.append(Operation("aggregate", "`GROUP BY`", token.start, end))
                skip = True
            elif word in clock_words or word in ("NOW", "CURDATE"):
                found.append(Operation("current-time", f"`{text[token.start : token.end]}`", *span))
        previous = token
    return found


def _blocks(node: _Node) -> bool:
    """Whether sqlglot's ``_binary_column`` stops at this node: a cast or a deserialising function."""
    if node.kind == "cast":
        return True
    if node.kind != "call":
        return False
    if node.entry is None:
        return node.name.lower() in _DESERIALISERS
    kind, label = node.entry[0], node.entry[1]
    return kind == "cast" or label == "deserialise" or (kind == "aggregate" and label in _DESERIALISERS)


def _binary_columns(item: _Item, direct: list[tuple[str, str]]) -> list[ColumnUse]:
    """``key`` and ``value`` columns of one SELECT item that no cast or deserialiser holds."""
    if item.node is None or not direct:
        return []
    found = []
    stack: list[tuple[_Node, bool]] = [(item.node, False)]
    while stack:
        node, held = stack.pop()
        if node.kind == "column":
            last = node.parts[-1]
            if held or node.star is not None or last.name.lower() not in ("key", "value"):
                continue
            table = node.parts[-2] if len(node.parts) >= 2 else None
            first = table if table is not None else last
            bare = node is item.node and item.alias is None
            qualifier = table.name.lower() if table is not None else None
            found.append(ColumnUse(last.name.lower(), qualifier, first.start, last.end, tuple(direct), bare))
            continue
        held = held or _blocks(node)
        blocked = node.entry[2] if node.kind == "call" and node.entry is not None else 0
        for index, child in enumerate(node.children):
            stack.append((child, held or bool(blocked >> index & 1)))
    return found


class _Unknown(Exception):
    pass


def _result_columns(select: _Select, sources: dict[str, str | None]) -> tuple[ResultColumn, ...] | None:
    """``columns.result_columns`` of a SELECT read here."""
    try:
        return tuple(_result_column(item, sources) for item in select.items)
    except _Unknown:
        return None


def _result_column(item: _Item, sources: dict[str, str | None]) -> ResultColumn:
    if item.star is not None:
        views = list(sources.values())
        if not views or any(view is None for view in views):
            raise _Unknown
        return ResultColumn("star", "", tuple(v for v in views if v is not None), *item.star)
    node = item.node
    assert node is not None
    if node.star is not None:  # `t.*`
        view = sources.get(node.parts[0].name.lower())
        if view is None:
            raise _Unknown
        return ResultColumn("star", "", (view,), *node.star)
    if item.alias is not None:
        return ResultColumn("named", item.alias.name, (), item.alias.start, item.alias.end)
    inner = node
    while inner.kind in ("paren", "cast") or (
        inner.kind == "call" and inner.entry is not None and inner.entry[0] == "cast"
    ):
        inner = inner.children[0]
    if inner.kind == "column":
        last = inner.parts[-1]
        return ResultColumn("named", last.name, (), last.start, last.end)
    if inner.kind == "string":
        return ResultColumn("named", inner.value, (), *inner.span)
    if node.kind == "call" and (
        (node.entry is not None and node.entry[0] == "generator")
        or (node.entry is None and node.name.lower() in _GENERATORS)
    ):
        raise _Unknown
    return ResultColumn("unnamed", "", (), 0, 0)
