"""Spark 3.5's SQL grammar for queries, as a recogniser: does Spark's parser accept this text?

sqlglot is a transpiler and deliberately lenient: it accepts ``SELECT id,, name``, ``FROM t,`` at the
end, ``SELEC * FRM t`` (as a command it does not know). It is also stricter than Spark where Spark is
surprising: outside ANSI mode nearly every keyword is also an identifier, so ``SELECT a, FROM t``
parses (a column `FROM` aliased `t`: it fails later, at analysis) and so does ``SELECT * FROM``. FL401
says what Spark's parser says, so its verdict on queries comes from here; the oracle tests
(``tests/test_sql_oracle.py``) measure the agreement against Spark's own parser.

The recogniser follows the rules of Spark's ``SqlBaseParser.g4`` that queries use (statements other
than queries, ``CACHE``, ``UNCACHE`` and ``INSERT ... query`` are left to sqlglot: :func:`verdict`
returns None for them). Each rule returns every position where it can end, memoised by position, so
every alternative is explored and the answer is membership in the language, as ANTLR's LL mode
decides it, whatever the ambiguity. The checks Spark's AST builder adds at parse time are made too:
typed literals only of the types it knows, data types it knows, identifiers with a dash.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

#: Keywords that may not be a table alias (``strictNonReserved``); every other keyword may be a name.
STRICT_NON_RESERVED = frozenset(
    "ANTI CROSS EXCEPT FULL INNER INTERSECT JOIN LATERAL LEFT MINUS NATURAL ON RIGHT SEMI SETMINUS UNION USING".split()
)
#: Keywords that are never meant as a name, though Spark takes them as one where a name fits: a
#: parse that needs one of them as a name (`SELECT a, FROM t`) is a mistake Spark finds only when it
#: runs the query and finds no column `FROM`.
CLAUSE_KEYWORDS = frozenset("SELECT FROM WHERE HAVING JOIN ON UNION AS AND OR WHEN THEN ELSE CASE DISTINCT BY".split())
#: Statements whose grammar is not modelled here: sqlglot's verdict stands for them.
OTHER_STATEMENTS = frozenset(
    "ADD ALTER ANALYZE CLEAR COMMENT COMMIT CREATE DELETE DESC DESCRIBE DROP EXPLAIN EXPORT GRANT IMPORT "
    "LIST LOAD LOCK MERGE MSCK REFRESH REPAIR REPLACE RESET REVOKE ROLLBACK SET SHOW START TRUNCATE "
    "UNLOCK UNSET UPDATE USE DECLARE EXECUTE CALL".split()
)
#: The types a typed literal (``DATE '2024-01-01'``) may name (Spark's AstBuilder rejects the rest).
TYPED_LITERALS = frozenset("DATE TIMESTAMP TIMESTAMP_NTZ TIMESTAMP_LTZ INTERVAL X".split())
#: Primitive type names Spark's AstBuilder knows (``CAST(x AS STRNG)`` is a ParseException).
DATA_TYPES = frozenset(
    "BOOLEAN TINYINT BYTE SMALLINT SHORT INT INTEGER BIGINT LONG FLOAT REAL DOUBLE DATE TIMESTAMP "
    "TIMESTAMP_NTZ TIMESTAMP_LTZ STRING CHAR CHARACTER VARCHAR BINARY DECIMAL DEC NUMERIC VOID".split()
)
_INTERVAL_UNITS = frozenset(
    "YEAR YEARS MONTH MONTHS WEEK WEEKS DAY DAYS HOUR HOURS MINUTE MINUTES SECOND SECONDS "
    "MILLISECOND MILLISECONDS MICROSECOND MICROSECONDS".split()
)


@dataclass(frozen=True)
class Token:
    #: "word" (an identifier or keyword), "quoted" (a back-quoted identifier), "string", "number", "op"
    kind: str
    #: The text; for a word, upper-cased.
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class SyntaxProblem:
    """Where Spark's parser stops and what it says there (offsets into the text, ``end`` exclusive)."""

    message: str
    start: int
    end: int


class _Unlexable(Exception):
    def __init__(self, problem: SyntaxProblem) -> None:
        self.problem = problem


_NUMBER = re.compile(
    r"(?:\d+\.?\d*|\.\d+)(?:E[+-]?\d+)?(?:BD|[LSYDF])?(?![A-Za-z0-9_])|\d+(?:E[+-]?\d+)?(?![A-Za-z0-9_])", re.I
)
_WORD = re.compile(r"[A-Za-z0-9_]+")
_BYTES = re.compile(r"\d+[BKMG]")
DIGITS = "0123456789"
_OPS = ("<=>", "<>", "!=", "<=", ">=", "==", "||", "->", "=>", "&&")


def tokenize(text: str) -> list[Token]:
    """Spark's lexer, as far as a recogniser needs it; raises :class:`_Unlexable` where it fails."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif text.startswith("--", i):
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
        elif text.startswith("/*+", i):
            tokens.append(Token("op", "/*+", i, i + 3))  # a hint: its content is lexed as SQL
            i += 3
        elif text.startswith("*/", i):
            # One token for Spark's lexer even outside a hint, where no rule takes it.
            tokens.append(Token("op", "*/", i, i + 2))
            i += 2
        elif text.startswith("/*", i):
            i = _skip_comment(text, i)
        elif c in "'\"":
            i = _string(text, i, tokens)
        elif c == "`":
            end = i + 1
            while True:
                end = text.find("`", end)
                if end < 0:
                    raise _Unlexable(SyntaxProblem("Syntax error at or near '`'", i, i + 1))
                if text.startswith("``", end):
                    end += 2
                    continue
                break
            tokens.append(Token("quoted", text[i + 1 : end], i, end + 1))
            i = end + 1
        elif c in "rR" and i + 1 < n and text[i + 1] in "'\"":
            i = _string(text, i + 1, tokens, raw=True, start=i)
        elif (number := _NUMBER.match(text, i)) is not None and (
            (word := _WORD.match(text, i)) is None or number.end() >= word.end()
        ):
            # A number, unless letters follow it: `10s` is an identifier (the longest token wins).
            tokens.append(Token("number", number.group(), i, number.end()))
            i = number.end()
        elif (word := _WORD.match(text, i)) is not None:
            tokens.append(Token("word", word.group().upper(), i, word.end()))
            i = word.end()
        else:
            op = next((o for o in _OPS if text.startswith(o, i)), None)
            if op is None and c in "=<>!+-*/%~&|^.,;()[]{}:?":
                op = c
            if op is None:
                raise _Unlexable(SyntaxProblem(f"Syntax error at or near '{c}'", i, i + 1))
            tokens.append(Token("op", op, i, i + len(op)))
            i += len(op)
    return tokens


def _skip_comment(text: str, i: int) -> int:
    depth, j = 0, i
    while j < len(text):
        if text.startswith("/*", j):
            depth += 1
            j += 2
        elif text.startswith("*/", j):
            depth -= 1
            j += 2
            if depth == 0:
                return j
        else:
            j += 1
    raise _Unlexable(
        SyntaxProblem("Found an unclosed bracketed comment. Please, append */ at the end of the comment", i, i + 2)
    )


def _string(text: str, i: int, tokens: list[Token], *, raw: bool = False, start: int | None = None) -> int:
    quote, j = text[i], i + 1
    while j < len(text):
        if text[j] == "\\" and not raw:
            j += 2
            continue
        if text[j] == quote:
            tokens.append(Token("string", text[i : j + 1], i if start is None else start, j + 1))
            return j + 1
        j += 1
    raise _Unlexable(SyntaxProblem(f"Syntax error at or near '{quote}': the string is never closed", i, i + 1))


Ends = frozenset[int]
_NONE: Ends = frozenset()
F = TypeVar("F", bound=Callable[..., Ends])


class _TooComplex(Exception):
    """The recogniser gave up (a text too deeply nested or too ambiguous to decide cheaply)."""


def _rule(method: F | None = None, *, led_by: tuple[str, ...] = ()) -> Any:
    """Memoise a rule by position, so every alternative is tried once at each token. ``led_by``: the
    keywords the rule must start with, checked before any work (most rules fail at most tokens)."""

    def decorate(method: F) -> F:
        name = method.__name__
        first = frozenset(led_by)

        def wrapper(self: _Recogniser, i: int) -> Ends:
            if first and not (i < self.n and self.t[i].kind == "word" and self.t[i].text in first):
                return self._miss(i)
            table = self.memo.get(name)
            if table is None:
                table = self.memo[name] = {}
            found = table.get(i)
            if found is None:
                self.steps += 1
                if self.steps > self.budget:
                    raise _TooComplex
                table[i] = _NONE  # a left-recursive re-entry finds nothing (the grammar has none)
                found = table[i] = method(self, i)
            return found

        return wrapper  # type: ignore[return-value]

    return decorate(method) if method is not None else decorate


class _Recogniser:
    def __init__(self, tokens: list[Token], *, reserved: bool = False) -> None:
        self.t = tokens
        #: Whether the clause keywords are kept from being names, as no author means them to be.
        self.reserved = reserved
        self.n = len(tokens)
        self.memo: dict[str, dict[int, Ends]] = {}
        #: The furthest token any rule expected something at: where Spark reports the error.
        self.furthest = 0
        self.steps = 0
        self.budget = 200_000
        #: Lambdas (`x -> x + 1`) are tried only in a text that has an arrow.
        self.has_arrow = any(t.kind == "op" and t.text == "->" for t in tokens)

    # -- terminals --------------------------------------------------------------------------------

    def _miss(self, i: int) -> Ends:
        if i > self.furthest:
            self.furthest = i
        return _NONE

    def kw(self, i: int, *words: str) -> Ends:
        if i < self.n and self.t[i].kind == "word" and self.t[i].text in words:
            return frozenset((i + 1,))
        return self._miss(i)

    def op(self, i: int, *ops: str) -> Ends:
        if i < self.n and self.t[i].kind == "op" and self.t[i].text in ops:
            return frozenset((i + 1,))
        return self._miss(i)

    def kind(self, i: int, kind: str) -> Ends:
        if i < self.n and self.t[i].kind == kind:
            return frozenset((i + 1,))
        return self._miss(i)

    def word_is(self, i: int, *words: str) -> bool:
        return i < self.n and self.t[i].kind == "word" and self.t[i].text in words

    # -- combinators ------------------------------------------------------------------------------

    @staticmethod
    def then(starts: Ends, rule: Callable[[int], Ends]) -> Ends:
        if not starts:
            return _NONE
        if len(starts) == 1:
            return rule(next(iter(starts)))
        out: set[int] = set()
        for s in starts:
            out |= rule(s)
        return frozenset(out)

    @staticmethod
    def opt(starts: Ends, rule: Callable[[int], Ends]) -> Ends:
        return starts | _Recogniser.then(starts, rule)

    @staticmethod
    def many(starts: Ends, rule: Callable[[int], Ends]) -> Ends:
        result, frontier = set(starts), set(starts)
        while frontier:
            new: set[int] = set()
            for s in frontier:
                new |= rule(s) - result
            result |= new
            frontier = new
        return frozenset(result)

    def listed(self, i: int, item: Callable[[int], Ends], separator: str = ",") -> Ends:
        """``item (separator item)*``."""
        return self.many(item(i), lambda j: self.then(self.op(j, separator), item))

    def parens(self, i: int, inner: Callable[[int], Ends]) -> Ends:
        return self.then(self.then(self.op(i, "("), inner), lambda j: self.op(j, ")"))

    # -- identifiers ------------------------------------------------------------------------------

    @_rule
    def identifier(self, i: int) -> Ends:
        """Any word or back-quoted name: outside ANSI mode every keyword may be a name (even `!`,
        Spark's other spelling of NOT: `SELECT !, a` is a column `!`)."""
        if i < self.n and (self.t[i].kind in ("word", "quoted") or (self.t[i].kind == "op" and self.t[i].text == "!")):
            if self.reserved and self.t[i].kind == "word" and self.t[i].text in CLAUSE_KEYWORDS:
                return self._miss(i)
            return frozenset((i + 1,))
        return self._miss(i)

    @_rule
    def strict_identifier(self, i: int) -> Ends:
        if i < self.n and self.t[i].kind == "word" and self.t[i].text in STRICT_NON_RESERVED:
            return self._miss(i)
        return self.identifier(i)

    @_rule
    def capturing_identifier(self, i: int) -> Ends:
        """``identifier ('-' identifier)*``: the grammar takes `a-b`, the AST builder rejects it."""
        return self.identifier(i)

    @_rule
    def multipart(self, i: int) -> Ends:
        return self.listed(i, self.capturing_identifier, ".")

    @_rule
    def alias(self, i: int) -> Ends:
        """``AS? identifier``."""
        return self.then(self.opt(frozenset((i,)), lambda j: self.kw(j, "AS")), self.identifier)

    @_rule
    def identifier_list(self, i: int) -> Ends:
        return self.parens(i, lambda j: self.listed(j, self.identifier))

    # -- statements -------------------------------------------------------------------------------

    @_rule
    def statement(self, i: int) -> Ends:
        ends = self.query(i)
        if self.word_is(i, "CACHE"):
            after = self.then(
                self.opt(self.kw(i, "CACHE"), lambda j: self.kw(j, "LAZY")), lambda j: self.kw(j, "TABLE")
            )
            after = self.then(after, self.multipart)
            after = self.opt(after, lambda j: self.then(self.kw(j, "OPTIONS"), self.property_list))
            ends |= after | self.then(self.opt(after, lambda j: self.kw(j, "AS")), self.query)
        if self.word_is(i, "UNCACHE"):
            after = self.then(self.kw(i, "UNCACHE"), lambda j: self.kw(j, "TABLE"))
            after = self.opt(after, lambda j: self.then(self.kw(j, "IF"), lambda k: self.kw(k, "EXISTS")))
            ends |= self.then(after, self.multipart)
        ends |= self.then(self.opt(frozenset((i,)), self.ctes), self.insert)
        return ends

    @_rule(led_by=("INSERT",))
    def insert(self, i: int) -> Ends:
        after = self.then(self.kw(i, "INSERT"), lambda j: self.kw(j, "INTO", "OVERWRITE"))
        after = self.then(self.opt(after, lambda j: self.kw(j, "TABLE")), self.multipart)
        after = self.opt(after, self.partition_spec)
        after = self.opt(after, self.identifier_list)
        return self.then(after, self.query)

    @_rule
    def property_list(self, i: int) -> Ends:
        def prop(j: int) -> Ends:
            key = self.kind(j, "string") | self.multipart(j)
            return self.opt(
                key, lambda k: self.then(self.opt(frozenset((k,)), lambda m: self.op(m, "=")), self.constant)
            )

        return self.parens(i, lambda j: self.listed(j, prop))

    @_rule(led_by=("PARTITION",))
    def partition_spec(self, i: int) -> Ends:
        def item(j: int) -> Ends:
            return self.opt(self.identifier(j), lambda k: self.then(self.op(k, "="), self.constant))

        return self.then(self.kw(i, "PARTITION"), lambda j: self.parens(j, lambda k: self.listed(k, item)))

    # -- queries ----------------------------------------------------------------------------------

    @_rule
    def query(self, i: int) -> Ends:
        start = self.opt(frozenset((i,)), self.ctes)
        return self.then(self.then(start, self.query_term), self.query_organization)

    @_rule(led_by=("WITH",))
    def ctes(self, i: int) -> Ends:
        def named_query(j: int) -> Ends:
            after = self.opt(self.capturing_identifier(j), self.identifier_list)
            after = self.opt(after, lambda k: self.kw(k, "AS"))
            return self.then(after, lambda k: self.parens(k, self.query))

        return self.then(self.kw(i, "WITH"), lambda j: self.listed(j, named_query))

    @_rule
    def query_term(self, i: int) -> Ends:
        def set_operation(j: int) -> Ends:
            after = self.kw(j, "UNION", "EXCEPT", "SETMINUS", "MINUS", "INTERSECT")
            after = self.opt(after, lambda k: self.kw(k, "DISTINCT", "ALL"))
            return self.then(after, self.query_primary)

        return self.many(self.query_primary(i), set_operation)

    @_rule
    def query_primary(self, i: int) -> Ends:
        ends = self.query_specification(i) | self.from_statement(i) | self.inline_table(i)
        ends |= self.then(self.kw(i, "TABLE"), self.multipart)
        ends |= self.parens(i, self.query)
        return ends

    @_rule
    def query_specification(self, i: int) -> Ends:
        after = self.opt(self.select_clause(i), self.from_clause)
        return self.select_tail(after)

    def select_tail(self, starts: Ends) -> Ends:
        after = self.many(starts, self.lateral_view)
        after = self.opt(after, lambda j: self.then(self.kw(j, "WHERE"), self.boolean))
        after = self.opt(after, self.aggregation)
        after = self.opt(after, lambda j: self.then(self.kw(j, "HAVING"), self.boolean))
        return self.opt(after, self.window_clause)

    @_rule(led_by=("FROM",))
    def from_statement(self, i: int) -> Ends:
        def body(j: int) -> Ends:
            return self.then(self.select_tail(self.select_clause(j)), self.query_organization)

        return self.many(self.then(self.from_clause(i), body), body)

    @_rule
    def select_clause(self, i: int) -> Ends:
        after = self.many(self.kw(i, "SELECT"), self.hint)
        after = self.opt(after, lambda j: self.kw(j, "DISTINCT", "ALL"))
        return self.then(after, lambda j: self.listed(j, self.named_expression))

    @_rule
    def hint(self, i: int) -> Ends:
        """``/*+ BROADCAST(t), COALESCE(3) */``: Spark parses a hint, it is no comment."""

        def statement(j: int) -> Ends:
            call = self.then(self.identifier(j), lambda k: self.parens(k, lambda m: self.listed(m, self.primary)))
            return self.identifier(j) | call

        def more(j: int) -> Ends:
            return self.then(self.opt(frozenset((j,)), lambda k: self.op(k, ",")), statement)

        body = self.many(self.then(self.op(i, "/*+"), statement), more)
        return self.then(body, lambda j: self.op(j, "*/"))

    @_rule
    def named_expression(self, i: int) -> Ends:
        ends = self.expression(i)
        aliased = self.opt(ends, lambda j: self.kw(j, "AS"))
        return ends | self.then(aliased, lambda j: self.capturing_identifier(j) | self.identifier_list(j))

    @_rule
    def from_clause(self, i: int) -> Ends:
        after = self.then(self.kw(i, "FROM"), lambda j: self.listed(j, self.relation))
        after = self.many(after, self.lateral_view)
        return self.opt(after, lambda j: self.pivot(j) | self.unpivot(j))

    @_rule
    def relation(self, i: int) -> Ends:
        start = self.opt(frozenset((i,)), lambda j: self.kw(j, "LATERAL"))
        return self.many(self.then(start, self.relation_primary), self.relation_extension)

    @_rule
    def relation_extension(self, i: int) -> Ends:
        return self.join(i) | self.pivot(i) | self.unpivot(i)

    @_rule(led_by=("NATURAL", "INNER", "CROSS", "LEFT", "RIGHT", "FULL", "JOIN", "SEMI", "ANTI"))
    def join(self, i: int) -> Ends:
        natural = self.kw(i, "NATURAL")
        typed = self.then(self.opt(frozenset((i,)) | natural, self.join_type), lambda j: self.kw(j, "JOIN"))
        typed = self.opt(typed, lambda j: self.kw(j, "LATERAL"))
        joined = self.then(typed, self.relation_primary)
        criteria = self.then(joined, lambda j: self.then(self.kw(j, "ON"), self.boolean))
        criteria |= self.then(joined, lambda j: self.then(self.kw(j, "USING"), self.identifier_list))
        return joined | criteria

    @_rule
    def join_type(self, i: int) -> Ends:
        ends = frozenset((i,)) | self.kw(i, "INNER", "CROSS")
        ends |= self.opt(self.kw(i, "LEFT", "RIGHT", "FULL"), lambda j: self.kw(j, "OUTER"))
        ends |= self.then(self.opt(frozenset((i,)), lambda j: self.kw(j, "LEFT")), lambda j: self.kw(j, "SEMI", "ANTI"))
        return ends

    @_rule
    def relation_primary(self, i: int) -> Ends:
        table = self.multipart(i)
        table = self.opt(table, self.temporal)
        function = self.then(self.function_name(i), lambda j: self.parens(j, self.arguments))
        subquery = self.parens(i, self.query) | self.parens(i, self.relation)
        ends = self.then(self.opt(table | subquery, self.sample), self.table_alias)
        ends |= self.then(function, self.table_alias)
        ends |= self.inline_table(i)
        return ends

    @_rule(led_by=("FOR", "VERSION", "TIMESTAMP", "SYSTEM_VERSION", "SYSTEM_TIME"))
    def temporal(self, i: int) -> Ends:
        after = self.opt(
            self.kw(i, "FOR"), lambda j: self.kw(j, "SYSTEM_VERSION", "VERSION", "SYSTEM_TIME", "TIMESTAMP")
        )
        after = self.then(
            self.kw(i, "VERSION", "TIMESTAMP", "SYSTEM_VERSION", "SYSTEM_TIME") | after, lambda j: self.kw(j, "AS")
        )
        after = self.then(after, lambda j: self.kw(j, "OF"))
        return self.then(after, self.value)

    @_rule(led_by=("TABLESAMPLE",))
    def sample(self, i: int) -> Ends:
        def method(j: int) -> Ends:
            percent = self.then(self.opt(frozenset((j,)), lambda k: self.op(k, "-")), lambda k: self.kind(k, "number"))
            ends = frozenset((j,)) | self.then(percent, lambda k: self.kw(k, "PERCENT"))
            ends |= self.then(self.expression(j), lambda k: self.kw(k, "ROWS"))
            bucket = self.then(
                self.then(self.kw(j, "BUCKET"), lambda k: self.kind(k, "number")), lambda k: self.kw(k, "OUT")
            )
            ends |= self.then(self.then(bucket, lambda k: self.kw(k, "OF")), lambda k: self.kind(k, "number"))
            if j < self.n and self.t[j].kind == "word" and _BYTES.fullmatch(self.t[j].text):
                ends |= frozenset((j + 1,))  # `TABLESAMPLE (100M)`: a byte length
            return ends

        after = self.then(self.kw(i, "TABLESAMPLE"), lambda j: self.parens(j, method))
        return self.opt(
            after,
            lambda j: self.then(self.kw(j, "REPEATABLE"), lambda k: self.parens(k, lambda m: self.kind(m, "number"))),
        )

    @_rule
    def table_alias(self, i: int) -> Ends:
        if self.word_is(i, "TABLESAMPLE") and i + 1 < self.n and self.t[i + 1].text == "(":
            # Spark's parser commits to a sample there (and its AST builder may then reject it).
            return frozenset((i,))
        named = self.then(self.opt(frozenset((i,)), lambda j: self.kw(j, "AS")), self.strict_identifier)
        return frozenset((i,)) | self.opt(named, self.identifier_list)

    @_rule(led_by=("VALUES",))
    def inline_table(self, i: int) -> Ends:
        rows = self.then(self.kw(i, "VALUES"), lambda j: self.listed(j, self.expression))
        return self.then(rows, self.table_alias)

    @_rule(led_by=("LATERAL",))
    def lateral_view(self, i: int) -> Ends:
        after = self.then(self.kw(i, "LATERAL"), lambda j: self.kw(j, "VIEW"))
        after = self.opt(after, lambda j: self.kw(j, "OUTER"))
        after = self.then(after, self.qualified_name)
        after = self.then(after, lambda j: self.parens(j, lambda k: frozenset((k,)) | self.listed(k, self.expression)))
        named = self.then(after, self.identifier)
        columns = self.then(self.opt(named, lambda j: self.kw(j, "AS")), lambda j: self.listed(j, self.identifier))
        return named | columns

    @_rule(led_by=("PIVOT",))
    def pivot(self, i: int) -> Ends:
        def value(j: int) -> Ends:
            return self.opt(
                self.expression(j),
                lambda k: self.then(self.opt(frozenset((k,)), lambda m: self.kw(m, "AS")), self.identifier),
            )

        def body(j: int) -> Ends:
            after = self.listed(j, value)
            after = self.then(after, lambda k: self.kw(k, "FOR"))
            after = self.then(after, lambda k: self.identifier(k) | self.identifier_list(k))
            after = self.then(after, lambda k: self.kw(k, "IN"))
            return self.then(after, lambda k: self.parens(k, lambda m: self.listed(m, value)))

        return self.then(self.kw(i, "PIVOT"), lambda j: self.parens(j, body))

    @_rule(led_by=("UNPIVOT",))
    def unpivot(self, i: int) -> Ends:
        def body(j: int) -> Ends:
            after = self.then(self.identifier(j) | self.identifier_list(j), lambda k: self.kw(k, "FOR"))
            after = self.then(after, self.identifier)
            after = self.then(after, lambda k: self.kw(k, "IN"))

            def column(k: int) -> Ends:
                base = self.identifier(k) | self.identifier_list(k)
                return self.opt(
                    base, lambda m: self.then(self.opt(frozenset((m,)), lambda p: self.kw(p, "AS")), self.identifier)
                )

            return self.then(after, lambda k: self.parens(k, lambda m: self.listed(m, column)))

        after = self.kw(i, "UNPIVOT")
        after = self.opt(after, lambda j: self.then(self.kw(j, "INCLUDE", "EXCLUDE"), lambda k: self.kw(k, "NULLS")))
        return self.then(self.then(after, lambda j: self.parens(j, body)), self.table_alias)

    @_rule(led_by=("GROUP",))
    def aggregation(self, i: int) -> Ends:
        after = self.then(self.kw(i, "GROUP"), lambda j: self.kw(j, "BY"))

        def grouping_item(j: int) -> Ends:
            ends = self.expression(j)
            sets = self.then(self.kw(j, "GROUPING"), lambda k: self.kw(k, "SETS"))
            ends |= self.then(sets, lambda k: self.parens(k, lambda m: self.listed(m, self.grouping_set)))
            ends |= self.then(
                self.kw(j, "ROLLUP", "CUBE"), lambda k: self.parens(k, lambda m: self.listed(m, self.grouping_set))
            )
            return ends

        items = self.then(after, lambda j: self.listed(j, grouping_item))
        with_ = self.then(items, lambda j: self.then(self.kw(j, "WITH"), lambda k: self.kw(k, "ROLLUP", "CUBE")))
        sets = self.then(items, lambda j: self.then(self.kw(j, "GROUPING"), lambda k: self.kw(k, "SETS")))
        sets = self.then(sets, lambda j: self.parens(j, lambda k: self.listed(k, self.grouping_set)))
        return items | with_ | sets

    @_rule
    def grouping_set(self, i: int) -> Ends:
        return self.expression(i) | self.parens(i, lambda j: frozenset((j,)) | self.listed(j, self.expression))

    @_rule(led_by=("WINDOW",))
    def window_clause(self, i: int) -> Ends:
        def named_window(j: int) -> Ends:
            after = self.then(self.capturing_identifier(j), lambda k: self.kw(k, "AS"))
            return self.then(after, self.window_spec)

        return self.then(self.kw(i, "WINDOW"), lambda j: self.listed(j, named_window))

    @_rule
    def query_organization(self, i: int) -> Ends:
        if not self.word_is(i, "ORDER", "CLUSTER", "DISTRIBUTE", "SORT", "WINDOW", "LIMIT", "OFFSET"):
            self._miss(i)
            return frozenset((i,))
        after = self.opt(frozenset((i,)), lambda j: self.by(j, ("ORDER",), self.sort_item))
        after = self.opt(after, lambda j: self.by(j, ("CLUSTER",), self.expression))
        after = self.opt(after, lambda j: self.by(j, ("DISTRIBUTE",), self.expression))
        after = self.opt(after, lambda j: self.by(j, ("SORT",), self.sort_item))
        after = self.opt(after, self.window_clause)
        after = self.opt(
            after, lambda j: self.then(self.kw(j, "LIMIT"), lambda k: self.kw(k, "ALL") | self.expression(k))
        )
        return self.opt(after, lambda j: self.then(self.kw(j, "OFFSET"), self.expression))

    def by(self, i: int, words: tuple[str, ...], item: Callable[[int], Ends]) -> Ends:
        after = self.then(self.kw(i, *words), lambda j: self.kw(j, "BY"))
        return self.then(after, lambda j: self.listed(j, item))

    @_rule
    def sort_item(self, i: int) -> Ends:
        after = self.opt(self.expression(i), lambda j: self.kw(j, "ASC", "DESC"))
        return self.opt(after, lambda j: self.then(self.kw(j, "NULLS"), lambda k: self.kw(k, "FIRST", "LAST")))

    # -- expressions ------------------------------------------------------------------------------

    @_rule
    def expression(self, i: int) -> Ends:
        return self.boolean(i)

    @_rule
    def boolean(self, i: int) -> Ends:
        return self.many(self.boolean_term(i), lambda j: self.then(self.kw(j, "AND", "OR"), self.boolean_term))

    @_rule
    def boolean_term(self, i: int) -> Ends:
        ends = self.then(self.kw(i, "NOT") | self.op(i, "!"), self.boolean_term)
        ends |= self.then(self.kw(i, "EXISTS"), lambda j: self.parens(j, self.query))
        return ends | self.opt(self.value(i), self.predicate)

    @_rule(led_by=("NOT", "BETWEEN", "IN", "RLIKE", "REGEXP", "LIKE", "ILIKE", "IS"))
    def predicate(self, i: int) -> Ends:
        negated = self.opt(frozenset((i,)), lambda j: self.kw(j, "NOT"))
        between = self.then(self.then(negated, lambda j: self.kw(j, "BETWEEN")), self.value)
        ends = self.then(self.then(between, lambda j: self.kw(j, "AND")), self.value)
        inside = self.then(negated, lambda j: self.kw(j, "IN"))
        ends |= self.then(inside, lambda j: self.parens(j, lambda k: self.listed(k, self.expression) | self.query(k)))
        ends |= self.then(self.then(negated, lambda j: self.kw(j, "RLIKE", "REGEXP")), self.value)
        like = self.then(negated, lambda j: self.kw(j, "LIKE", "ILIKE"))
        quantified = self.then(like, lambda j: self.kw(j, "ANY", "SOME", "ALL"))
        ends |= self.then(
            quantified, lambda j: self.parens(j, lambda k: frozenset((k,)) | self.listed(k, self.expression))
        )
        plain = self.then(like, self.value)
        ends |= self.opt(plain, lambda j: self.then(self.kw(j, "ESCAPE"), lambda k: self.kind(k, "string")))
        is_ = self.opt(self.kw(i, "IS"), lambda j: self.kw(j, "NOT"))
        ends |= self.then(is_, lambda j: self.kw(j, "NULL", "TRUE", "FALSE", "UNKNOWN"))
        distinct = self.then(self.then(is_, lambda j: self.kw(j, "DISTINCT")), lambda j: self.kw(j, "FROM"))
        ends |= self.then(distinct, self.value)
        return ends

    _BINARY = ("*", "/", "%", "+", "-", "||", "&", "^", "|", "=", "==", "<>", "!=", "<", "<=", ">", ">=", "<=>")

    @_rule
    def value(self, i: int) -> Ends:
        def operator(j: int) -> Ends:
            return self.then(self.op(j, *self._BINARY) | self.kw(j, "DIV"), self.unary)

        return self.many(self.unary(i), operator)

    @_rule
    def unary(self, i: int) -> Ends:
        return self.then(self.op(i, "-", "+", "~"), self.unary) | self.postfix(i)

    @_rule
    def postfix(self, i: int) -> Ends:
        def suffix(j: int) -> Ends:
            subscript = self.then(self.op(j, "["), self.value)
            subscript = self.then(subscript, lambda k: self.op(k, "]"))
            return subscript | self.then(self.op(j, "."), self.identifier)

        return self.many(self.primary(i), suffix)

    @_rule
    def primary(self, i: int) -> Ends:
        ends = self.constant(i) | self.op(i, "*") | self.identifier(i)
        ends |= self.then(self.then(self.qualified_name(i), lambda j: self.op(j, ".")), lambda j: self.op(j, "*"))
        ends |= self.parens(i, self.query) | self.parens(i, self.expression)
        row = self.then(self.op(i, "("), self.named_expression)
        row = self.many(
            self.then(row, lambda j: self.then(self.op(j, ","), self.named_expression)),
            lambda j: self.then(self.op(j, ","), self.named_expression),
        )
        ends |= self.then(row, lambda j: self.op(j, ")"))
        ends |= self.lambda_(i) | self.function_call(i) | self.case(i) | self.special_form(i)
        return ends

    @_rule
    def lambda_(self, i: int) -> Ends:
        if not self.has_arrow:
            return _NONE
        params = self.identifier(i) | self.parens(i, lambda j: self.listed(j, self.identifier))
        return self.then(self.then(params, lambda j: self.op(j, "->")), self.expression)

    @_rule(led_by=("CASE",))
    def case(self, i: int) -> Ends:
        start = self.kw(i, "CASE")
        start = start | self.then(start, self.expression)

        def when(j: int) -> Ends:
            after = self.then(self.then(self.kw(j, "WHEN"), self.expression), lambda k: self.kw(k, "THEN"))
            return self.then(after, self.expression)

        after = self.many(self.then(start, when), when)
        after = self.opt(after, lambda j: self.then(self.kw(j, "ELSE"), self.expression))
        return self.then(after, lambda j: self.kw(j, "END"))

    @_rule
    def special_form(self, i: int) -> Ends:
        """The functions whose arguments have their own syntax."""
        if i >= self.n or self.t[i].kind != "word":
            return self._miss(i)
        word = self.t[i].text
        inner: Callable[[int], Ends] | None = None
        if word in ("CAST", "TRY_CAST"):

            def inner(j: int) -> Ends:
                return self.then(self.then(self.expression(j), lambda k: self.kw(k, "AS")), self.data_type)

        elif word == "STRUCT":

            def inner(j: int) -> Ends:
                return frozenset((j,)) | self.listed(j, self.named_expression)

        elif word in ("FIRST", "LAST", "ANY_VALUE"):

            def inner(j: int) -> Ends:
                after = self.expression(j)
                return self.opt(after, lambda k: self.then(self.kw(k, "IGNORE"), lambda m: self.kw(m, "NULLS")))

        elif word == "POSITION":

            def inner(j: int) -> Ends:
                return self.then(self.then(self.value(j), lambda k: self.kw(k, "IN")), self.value)

        elif word == "EXTRACT":

            def inner(j: int) -> Ends:
                return self.then(self.then(self.identifier(j), lambda k: self.kw(k, "FROM")), self.value)

        elif word in ("SUBSTR", "SUBSTRING"):

            def inner(j: int) -> Ends:
                after = self.then(self.then(self.value(j), lambda k: self.kw(k, "FROM") | self.op(k, ",")), self.value)
                return self.opt(after, lambda k: self.then(self.kw(k, "FOR") | self.op(k, ","), self.value))

        elif word == "TRIM":

            def inner(j: int) -> Ends:
                start = self.opt(frozenset((j,)), lambda k: self.kw(k, "BOTH", "LEADING", "TRAILING"))
                start = self.opt(start, self.value)
                return self.then(self.then(start, lambda k: self.kw(k, "FROM")), self.value)

        elif word == "OVERLAY":

            def inner(j: int) -> Ends:
                after = self.then(self.then(self.value(j), lambda k: self.kw(k, "PLACING")), self.value)
                after = self.then(self.then(after, lambda k: self.kw(k, "FROM")), self.value)
                return self.opt(after, lambda k: self.then(self.kw(k, "FOR"), self.value))

        elif word in ("PERCENTILE_CONT", "PERCENTILE_DISC"):
            after = self.then(self.parens(i + 1, self.value), self.within_group)
            after = self.opt(after, self.filter_clause)
            return self.opt(after, self.over)
        if inner is None:
            return self._miss(i)
        return self.parens(i + 1, inner)

    @_rule(led_by=("WITHIN",))
    def within_group(self, i: int) -> Ends:
        """``WITHIN GROUP (ORDER BY x)``: one sort item (only the percentile functions take it in 3.5)."""
        after = self.then(self.kw(i, "WITHIN"), lambda j: self.kw(j, "GROUP"))
        order = lambda k: self.then(self.then(self.kw(k, "ORDER"), lambda m: self.kw(m, "BY")), self.sort_item)  # noqa: E731
        return self.then(after, lambda j: self.parens(j, order))

    @_rule(led_by=("FILTER",))
    def filter_clause(self, i: int) -> Ends:
        inner = lambda j: self.then(self.kw(j, "WHERE"), self.boolean)  # noqa: E731
        return self.then(self.kw(i, "FILTER"), lambda j: self.parens(j, inner))

    @_rule(led_by=("OVER",))
    def over(self, i: int) -> Ends:
        return self.then(self.kw(i, "OVER"), self.window_spec)

    @_rule
    def function_call(self, i: int) -> Ends:
        after = self.then(self.function_name(i), lambda j: self.parens(j, self.arguments))
        after = self.opt(after, self.filter_clause)
        after = self.opt(after, lambda j: self.then(self.kw(j, "IGNORE", "RESPECT"), lambda k: self.kw(k, "NULLS")))
        return self.opt(after, self.over)

    @_rule
    def function_name(self, i: int) -> Ends:
        return self.qualified_name(i)

    @_rule
    def arguments(self, i: int) -> Ends:
        def argument(j: int) -> Ends:
            named = self.then(self.then(self.identifier(j), lambda k: self.op(k, "=>")), self.expression)
            return self.expression(j) | named

        start = self.opt(frozenset((i,)), lambda j: self.kw(j, "DISTINCT", "ALL"))
        return frozenset((i,)) | self.then(start, lambda j: self.listed(j, argument))

    @_rule
    def qualified_name(self, i: int) -> Ends:
        return self.listed(i, self.identifier, ".")

    @_rule
    def window_spec(self, i: int) -> Ends:
        def inner(j: int) -> Ends:
            ends = self.capturing_identifier(j)
            clustered = self.by(j, ("CLUSTER",), self.expression)
            partitioned = self.opt(frozenset((j,)), lambda k: self.by(k, ("PARTITION", "DISTRIBUTE"), self.expression))
            ordered = self.opt(partitioned, lambda k: self.by(k, ("ORDER", "SORT"), self.sort_item))
            return ends | self.opt(clustered | ordered, self.window_frame)

        return self.capturing_identifier(i) | self.parens(i, inner)

    @_rule(led_by=("RANGE", "ROWS"))
    def window_frame(self, i: int) -> Ends:
        start = self.kw(i, "RANGE", "ROWS")
        between = self.then(self.then(start, lambda j: self.kw(j, "BETWEEN")), self.frame_bound)
        between = self.then(self.then(between, lambda j: self.kw(j, "AND")), self.frame_bound)
        return self.then(start, self.frame_bound) | between

    @_rule
    def frame_bound(self, i: int) -> Ends:
        ends = self.then(self.kw(i, "UNBOUNDED"), lambda j: self.kw(j, "PRECEDING", "FOLLOWING"))
        ends |= self.then(self.kw(i, "CURRENT"), lambda j: self.kw(j, "ROW"))
        ends |= self.then(self.expression(i), lambda j: self.kw(j, "PRECEDING", "FOLLOWING"))
        return ends

    @_rule
    def constant(self, i: int) -> Ends:
        if i >= self.n:
            return self._miss(i)
        token = self.t[i]
        if token.kind == "number":
            return frozenset((i + 1,))
        if token.kind == "string":
            return self.many(frozenset((i + 1,)), lambda j: self.kind(j, "string"))
        ends = self.interval(i)
        if token.kind == "word" and token.text in TYPED_LITERALS:
            ends |= self.kind(i + 1, "string")
        ends |= self.op(i, "?") | self.then(self.op(i, ":"), self.identifier)
        return ends

    @_rule(led_by=("INTERVAL",))
    def interval(self, i: int) -> Ends:
        start = self.kw(i, "INTERVAL")

        def interval_value(j: int) -> Ends:
            signed = self.opt(frozenset((j,)), lambda k: self.op(k, "+", "-"))
            return self.then(signed, lambda k: self.kind(k, "number") | self.kind(k, "string"))

        def unit(j: int) -> Ends:
            if j < self.n and self.t[j].kind == "word" and self.t[j].text in _INTERVAL_UNITS:
                return frozenset((j + 1,))
            return self._miss(j)

        multi = self.many(
            self.then(self.then(start, interval_value), unit), lambda j: self.then(interval_value(j), unit)
        )
        to_unit = self.then(
            self.then(self.then(self.then(start, interval_value), unit), lambda j: self.kw(j, "TO")), unit
        )
        return multi | to_unit | self.then(start, lambda j: self.kind(j, "string"))

    # -- data types -------------------------------------------------------------------------------

    @_rule
    def data_type(self, i: int) -> Ends:
        if i >= self.n or self.t[i].kind != "word":
            return self._miss(i)
        word = self.t[i].text
        angle = lambda j, inner: self.then(self.then(self.op(j, "<"), inner), lambda k: self.op(k, ">"))  # noqa: E731
        if word == "ARRAY":
            return angle(i + 1, self.data_type)
        if word == "MAP":
            return angle(
                i + 1, lambda j: self.then(self.then(self.data_type(j), lambda k: self.op(k, ",")), self.data_type)
            )
        if word == "STRUCT":
            return angle(i + 1, lambda j: frozenset((j,)) | self.listed(j, self.column_type)) | self.op(i + 1, "<>")
        if word == "INTERVAL":
            units = ("YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND")
            ends = self.kw(i + 1, *units)
            return (
                frozenset((i + 1,))
                | ends
                | self.then(self.then(ends, lambda j: self.kw(j, "TO")), lambda j: self.kw(j, *units))
            )
        if word not in DATA_TYPES:
            return self._miss(i)
        sized = self.parens(i + 1, lambda j: self.listed(j, lambda k: self.kind(k, "number")))
        return frozenset((i + 1,)) | sized

    @_rule
    def column_type(self, i: int) -> Ends:
        after = self.opt(self.identifier(i), lambda j: self.op(j, ":"))
        after = self.then(after, self.data_type)
        after = self.opt(after, lambda j: self.then(self.kw(j, "NOT"), lambda k: self.kw(k, "NULL")))
        return self.opt(after, lambda j: self.then(self.kw(j, "COMMENT"), lambda k: self.kind(k, "string")))


def verdict(text: str, *, expression: bool = False) -> SyntaxProblem | None | bool:
    """Spark's parser's verdict on a statement (or, with ``expression``, a condition): None when it
    parses, the problem when it does not, or False when the text is a statement this grammar does not
    model (or too complex to decide cheaply): sqlglot's verdict stands then."""
    try:
        tokens = tokenize(text)
    except _Unlexable as exc:
        return exc.problem
    while tokens and tokens[-1].kind == "op" and tokens[-1].text == ";" and not expression:
        tokens.pop()  # `singleStatement: statement ';'* EOF`
    if not tokens:
        return SyntaxProblem("Syntax error at or near end of input", len(text), len(text))
    first = tokens[0]
    if not expression and first.kind == "word" and first.text in OTHER_STATEMENTS:
        return False
    recogniser = _Recogniser(tokens)
    try:
        ends = recogniser.named_expression(0) if expression else recogniser.statement(0)
    except (_TooComplex, RecursionError):
        return False
    if len(tokens) in ends:
        return _builder_problem(text, tokens)
    # The longest parse stops before a token nothing expects ("extra input"): that token, unless a
    # rule got further before failing.
    return _problem_at(text, tokens, max([recogniser.furthest, *ends]))


def _problem_at(text: str, tokens: list[Token], index: int) -> SyntaxProblem:
    if index >= len(tokens):
        # Spark points past the end; an editor shows a mark on the last token better than on nothing.
        last = tokens[-1]
        return SyntaxProblem("Syntax error at or near end of input", last.start, last.end)
    token = tokens[index]
    shown = text[token.start : token.end]
    return SyntaxProblem(f"Syntax error at or near '{shown}'", token.start, token.end)


_DATE = re.compile(r"\s*[+-]?(\d{4,7})(?:-(\d{1,2})(?:-(\d{1,2})(?:[ T].*)?)?)?\s*", re.S)
_ZONE = (
    r"(?:Z|[+-]\d{1,2}(?::?\d{2}(?::?\d{2})?)?|(?:UTC|GMT|UT)(?:[+-]\d{1,2}(?::?\d{2})?)?|[A-Za-z_]+(?:/[A-Za-z_+-]+)+)"
)
_TIMESTAMP = re.compile(
    r"\s*(?:[+-]?(\d{4,7})(?:-(\d{1,2})(?:-(\d{1,2}))?)?)?"
    r"(?:(?:^|[ T])\s*\d{1,2}(?::\d{1,2}(?::\d{1,2}(?:\.\d{0,9})?)?)?)?\s*" + _ZONE + r"?\s*"
)
_INTERVAL_TEXT = re.compile(
    r"\s*(?:interval\s+)?(?:[+-]?\s*\d+(?:\.\d*)?\s*(?:"
    + "|".join(sorted(_INTERVAL_UNITS, key=len, reverse=True))
    + r")\s*)+",
    re.I,
)
_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _builder_problem(text: str, tokens: list[Token]) -> SyntaxProblem | None:
    """What Spark's AST builder rejects in a text its grammar accepts: a date or timestamp literal whose
    value is not one, and a decimal type wider than 38 digits."""
    for index, token in enumerate(tokens[:-1]):
        after = tokens[index + 1]
        if token.kind != "word":
            continue
        if token.text == "INTERVAL" and after.kind == "string":
            unit = tokens[index + 2] if index + 2 < len(tokens) else None
            if not (unit is not None and unit.kind == "word" and unit.text in _INTERVAL_UNITS):
                if _INTERVAL_TEXT.fullmatch(after.text[1:-1]) is None:
                    return SyntaxProblem(
                        f'The value of the typed literal "INTERVAL" is invalid: {after.text} '
                        "(write e.g. '1 day' or '10 minutes')",
                        token.start,
                        after.end,
                    )
        if token.text in ("DATE", "TIMESTAMP", "TIMESTAMP_NTZ", "TIMESTAMP_LTZ") and after.kind == "string":
            if index and tokens[index - 1].kind == "op" and tokens[index - 1].text == ".":
                continue  # `t.date 'x'` is no literal (and no valid text either way)
            value = after.text[1:-1]
            pattern = _DATE if token.text == "DATE" else _TIMESTAMP
            match = pattern.fullmatch(value)
            if match is None or not value.strip() or not _valid_date(*match.groups()):
                return SyntaxProblem(
                    f'The value of the typed literal "{token.text}" is invalid: {after.text}', token.start, after.end
                )
        if token.text in ("DECIMAL", "DEC", "NUMERIC") and after.kind == "op" and after.text == "(":
            sizes = [t for t in tokens[index + 2 : index + 5] if t.kind == "number"]
            if sizes and sizes[0].text.isdigit() and int(sizes[0].text) > 38:
                return SyntaxProblem(
                    f"Decimal precision {sizes[0].text} exceeds max precision 38", token.start, sizes[0].end
                )
            if len(sizes) == 2 and sizes[0].text.isdigit() and sizes[1].text.isdigit():
                if int(sizes[1].text) > int(sizes[0].text):
                    return SyntaxProblem(
                        f"Decimal scale ({sizes[1].text}) cannot be greater than precision ({sizes[0].text})",
                        token.start,
                        sizes[1].end,
                    )
    return None


def _valid_date(year: str | None, month: str | None, day: str | None) -> bool:
    if month is not None and not 1 <= int(month) <= 12:
        return False
    if day is not None and month is not None:
        return 1 <= int(day) <= _DAYS[int(month) - 1] and (
            int(month) != 2 or int(day) < 29 or year is None or _leap(int(year))
        )
    return True


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def keyword_read_as_name(text: str, *, expression: bool = False) -> Token | None:
    """The clause keyword Spark reads as a name in a text it parses only that way (`FROM` in `SELECT a,
    FROM t`, a column `FROM` aliased `t`), or None. Call it on a text :func:`verdict` accepts."""
    try:
        tokens = tokenize(text)
    except _Unlexable:
        return None
    while tokens and tokens[-1].kind == "op" and tokens[-1].text == ";" and not expression:
        tokens.pop()
    if not tokens or (tokens[0].kind == "word" and tokens[0].text in OTHER_STATEMENTS):
        return None
    recogniser = _Recogniser(tokens, reserved=True)
    try:
        ends = recogniser.named_expression(0) if expression else recogniser.statement(0)
    except (_TooComplex, RecursionError):
        return None
    if len(tokens) in ends:
        return None
    stop = max([recogniser.furthest, *ends])
    # The parse with keywords kept as keywords stops at the keyword, or just after it (at the end, or
    # at the `,` of `FROM, t`).
    for index in (stop, stop - 1):
        if 0 <= index < len(tokens) and tokens[index].kind == "word" and tokens[index].text in CLAUSE_KEYWORDS:
            return tokens[index]
    return None
