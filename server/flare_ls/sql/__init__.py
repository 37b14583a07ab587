"""The SQL inside a manifest: what each query reads, what it does, and where it fails to parse.

A Flare job's logic lives in its steps' Spark SQL, so the rules that relate views to each other need
to know which tables a query reads. sqlglot parses it (its Spark dialect, or Trino's for an input's
Minerva ``query``); this module turns sqlglot's tree into plain facts with character offsets into the
SQL text. Offsets, not YAML positions: the facts depend on the SQL text alone, so they are cached by
text and an edit elsewhere in the manifest (or to another step) never re-parses a query.
:mod:`flare_ls.parsing.scalarmap` turns offsets into positions in the YAML scalar the SQL was written in.

Templating placeholders (``${VAR}``, ``{{ name }}``, incremental ``$|key|``) are replaced, before
parsing, by identifier characters of the same length, so they parse as names and every offset stays
true.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from typing import Any, Protocol

from . import grammar

#: ``${VAR}`` and ``${{VAR}}`` (environment / CLI substitution), ``{{ name }}`` (templates),
#: ``$|key|`` (incremental job keys).
PLACEHOLDER = re.compile(r"\$\{\{?[^{}\n]*\}?\}|\{\{[^{}\n]*\}\}|\$\|[^|\n]*\|")
INCREMENTAL_KEY = re.compile(r"\$\|\s*([^|\n]*?)\s*\|")


@dataclass(frozen=True)
class SqlProblem:
    """Why the text does not parse, and the characters it stopped at (``end`` exclusive)."""

    message: str
    start: int
    end: int


@dataclass(frozen=True)
class TableRead:
    """A table the query reads by a plain (unqualified) name: a Spark view, or an unknown table."""

    name: str
    start: int
    end: int


@dataclass(frozen=True)
class Operation:
    """Something a streaming query may not do: ``kind`` is one of aggregate, join, order, limit,
    distinct, distinct-aggregate (``count(DISTINCT x)``), window (a non-time window: ``OVER``),
    current-time."""

    kind: str
    label: str
    start: int
    end: int


@dataclass(frozen=True)
class ColumnUse:
    """A ``key`` or ``value`` column in a SELECT list, not under a ``CAST`` or another deserialising function.

    ``sources`` are the tables its SELECT reads directly (lower-cased name and alias); ``bare`` says
    the column is a whole item of the SELECT list with no alias, so wrapping it must keep its name.
    """

    name: str
    qualifier: str | None
    start: int
    end: int
    sources: tuple[tuple[str, str], ...]
    bare: bool


@dataclass(frozen=True)
class ResultColumn:
    """An item of the SELECT list whose rows are the query's result, by the name Spark gives its column.

    ``kind`` is "named" (``name`` is the column's name: an alias, a column, a cast column), "unnamed" (an
    expression without an alias, which Spark names after its text, such as `upper(name)`: no plain
    identifier matches it), or "star" (``*`` or ``t.*``: every column of ``views``, lower-cased, in
    order). ``start``/``end`` are the characters of the name or the star; an unnamed item has none (0, 0).
    """

    kind: str
    name: str
    views: tuple[str, ...]
    start: int
    end: int


@dataclass(frozen=True)
class ColumnRef:
    """A qualified column, ``alias.column`` (or ``alias.column.field``), whose qualifier names a plain
    table read in the FROM or a JOIN of its own SELECT.

    ``view`` is that table (lower-cased); ``start``/``end`` are the column name's characters (inside
    its backquotes when ``quoted``); ``views`` are all the plain tables that SELECT reads, since Spark
    also reads ``alias.column`` as a struct column ``alias`` with a field ``column``.
    """

    view: str
    qualifier: str
    name: str
    start: int
    end: int
    quoted: bool
    views: tuple[str, ...]


@dataclass(frozen=True)
class SqlFacts:
    #: False when the text could not be parsed (``error`` says why) or sqlglot failed on it.
    parsed: bool
    error: SqlProblem | None = None
    reads: tuple[TableRead, ...] = ()
    operations: tuple[Operation, ...] = ()
    binary_columns: tuple[ColumnUse, ...] = ()
    #: Tables (lower-cased) whose every column the query's result passes on through `*` or `t.*`: a
    #: step selecting `*` from a Kafka input still holds its binary `key` and `value`.
    passes_through: tuple[str, ...] = ()
    #: The result's columns (``sql.columns``), or None when the text cannot tell them.
    result_columns: tuple[ResultColumn, ...] | None = None
    column_refs: tuple[ColumnRef, ...] = ()
    #: A clause keyword Spark parses the text only by reading as a name (`FROM` in `SELECT a, FROM t`):
    #: no syntax error, but the query fails when Spark finds no column `FROM`. The message names it.
    keyword_name: SqlProblem | None = None


def mask_placeholders(text: str) -> tuple[str, list[tuple[int, int]]]:
    """``text`` with each placeholder turned into identifier characters of the same length, and the
    placeholders' spans."""
    spans: list[tuple[int, int]] = []
    if "$" not in text and "{{" not in text:
        return text, spans
    parts: list[str] = []
    last = 0
    for match in PLACEHOLDER.finditer(text):
        spans.append(match.span())
        parts.append(text[last : match.start()])
        parts.append("".join(c if c.isalnum() else "_" for c in match.group()))
        last = match.end()
    parts.append(text[last:])
    return "".join(parts), spans


def incremental_keys(text: str) -> list[tuple[str, int, int]]:
    """Every ``$|key|`` in ``text``: the key and the span of the whole placeholder."""
    return [(m.group(1), m.start(), m.end()) for m in INCREMENTAL_KEY.finditer(text)]


#: The dialect name of a condition (an action's ``deleteWhere``): Spark SQL, an expression rather
#: than a statement.
CONDITION = "spark-condition"

#: Facts kept between runs (``sql.cache.FactsStore``), consulted before parsing; set by ``--check``.
STORE: Any = None


def analyze_sql(text: str, dialect: str = "spark") -> SqlFacts:
    """Facts about one SQL text (``dialect``: "spark" for steps, "trino" for Minerva input queries)."""
    masked, spans = mask_placeholders(text)
    if STORE is None:
        facts = _analyze_masked(masked, dialect)
    else:
        facts = STORE.get((masked, dialect))
        if facts is None:
            facts = _analyze_masked(masked, dialect)
            STORE.put((masked, dialect), facts)
    if not spans or not facts.parsed:
        return facts
    return _without_placeholders(facts, spans)


def _without_placeholders(facts: SqlFacts, spans: list[tuple[int, int]]) -> SqlFacts:
    """``facts`` less what a placeholder stands for, since it is filled in later: a table it names
    (``FROM ${TABLE}``) is not a view to check, nor a column it names; a result column it names
    (``SELECT ${COLUMNS}``, ``AS ${NAME}``) leaves the result's columns unknown."""

    def masked(start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in spans)

    result = facts.result_columns
    if result is not None and any(c.kind != "unnamed" and masked(c.start, c.end) for c in result):
        result = None
    return replace(
        facts,
        reads=tuple(r for r in facts.reads if not masked(r.start, r.end)),
        result_columns=result,
        column_refs=tuple(r for r in facts.column_refs if not masked(r.start, r.end)),
    )


class SyntaxJudge(Protocol):
    """A parser whose verdict on Spark SQL's syntax FL401 reports instead of the facts' own (our model
    of Spark's grammar): Spark's own (``sql.spark.SparkJudge``), for ``flare-ls check --spark-sql``."""

    #: Who judged, said after each message in parentheses ("Spark SQL, judged by Spark 3.5's parser").
    label: str

    def problem(self, text: str, *, expression: bool) -> SqlProblem | None:
        """Why ``text`` does not parse (None when it does); ``expression``: a condition, not a statement."""
        ...


#: The judge of Spark SQL's syntax for FL401, set by ``flare-ls check --spark-sql`` for its run. None
#: (always, in the language server): ``SqlFacts.error`` is the verdict. Only FL401 asks the judge;
#: every other SQL rule, and the facts ``STORE`` keeps on disk, stay the facts'.
SPARK_JUDGE: SyntaxJudge | None = None


@dataclass(frozen=True)
class SyntaxVerdict:
    """A judge's verdict on one SQL text: the problem (None: it parses) and who judged, for the message."""

    problem: SqlProblem | None
    judged_by: str


def judged_syntax(text: str, dialect: str = "spark", *, expression: bool = False) -> SyntaxVerdict | None:
    """``SPARK_JUDGE``'s verdict on a Spark SQL text (placeholders masked first, as for sqlglot, so its
    offsets hold); None when no judge is set or the text is not Spark SQL: the facts' verdict stands."""
    judge = SPARK_JUDGE
    if judge is None or dialect != "spark":
        return None
    return SyntaxVerdict(judge.problem(mask_placeholders(text)[0], expression=expression), judge.label)


#: Where sqlglot may parse a text Spark reads with a keyword as a name: a clause keyword right after a
#: comma (`a, b, FROM t`). Only such texts get the second, keywords-kept, pass of the grammar.
_MAYBE_KEYWORD_NAME = re.compile(
    r",\s*(?:SELECT|FROM|WHERE|HAVING|JOIN|ON|UNION|AS|AND|OR|WHEN|THEN|ELSE|CASE|DISTINCT|BY)\b", re.I
)


@lru_cache(maxsize=2048)
def _analyze_masked(text: str, dialect: str) -> SqlFacts:
    if not text.strip():
        return SqlFacts(parsed=False)
    if dialect in ("spark", CONDITION):
        # The common queries are read without sqlglot, to the same facts (``sql/quick.py``).
        from . import quick

        facts = quick.facts(text, expression=dialect == CONDITION)
        if facts is not None:
            return facts
    return _full_facts(text, dialect)


def _full_facts(text: str, dialect: str) -> SqlFacts:
    """The facts from our grammar's verdict and sqlglot's tree, for any text."""
    # Imported here so that a manifest without SQL (and `flare-ls --version`) never pays for sqlglot.
    from sqlglot.errors import ParseError, TokenError

    # Spark's verdict, where our grammar of Spark's queries models the text; sqlglot's otherwise.
    spark = grammar.verdict(text, expression=dialect == CONDITION) if dialect in ("spark", CONDITION) else False
    if isinstance(spark, grammar.SyntaxProblem):
        return SqlFacts(False, SqlProblem(_spark_message(text, spark), spark.start, spark.end))
    reader = "spark" if dialect == CONDITION else dialect
    try:
        facts = _parsed_facts(text, _dialect(reader))
        if spark is None and _MAYBE_KEYWORD_NAME.search(text):
            # sqlglot forgives what Spark reads otherwise: `SELECT a, b, FROM t` (a column `FROM`).
            if (keyword := grammar.keyword_read_as_name(text, expression=dialect == CONDITION)) is not None:
                facts = replace(facts, keyword_name=SqlProblem(keyword.text, keyword.start, keyword.end))
        return facts
    except TokenError as exc:
        return SqlFacts(False, None if spark is None else _token_problem(text, str(exc)))
    except ParseError as exc:
        # Our Spark dialect reads `window` as a function name (Spark's time windows); a query with a
        # named WINDOW clause needs sqlglot's stock reading of the word.
        if reader == "spark" and "window" in text.lower():
            try:
                return _parsed_facts(text, _dialect("spark-stock"))
            except Exception:  # noqa: BLE001 - the first reading's error is the one to report
                pass
        if spark is not None:
            return SqlFacts(False, _parse_problem(text, exc))
        # Spark parses what sqlglot does not: outside ANSI mode a keyword may be a name (`SELECT a,
        # FROM t` is a column `FROM`). No facts and no syntax error; a clause keyword read as a name is
        # worth saying, since sqlglot (which keeps keywords keywords) is what failed.
        keyword = grammar.keyword_read_as_name(text, expression=dialect == CONDITION) if reader == "spark" else None
        if keyword is None:
            return SqlFacts(False)
        return SqlFacts(False, keyword_name=SqlProblem(keyword.text, keyword.start, keyword.end))
    except Exception:  # noqa: BLE001 - sqlglot has bugs too: no facts rather than a crash
        return SqlFacts(parsed=False)


def _spark_message(text: str, problem: grammar.SyntaxProblem) -> str:
    """Spark's message, in the words it uses (`Syntax error at or near ','`), with the name of the
    mistake where the tokens around it make it plain."""
    message = problem.message
    if not message.startswith("Syntax error at or near "):
        return f"SQL syntax error: {message}"
    shown = text[problem.start : problem.end]
    before = text[: problem.start].rstrip()
    if message == "Syntax error at or near end of input":
        if text.count("(") > text.count(")"):
            hint = ": a `)` is missing"
        elif shown == ",":
            hint = ": a list ends with a comma"
        else:
            hint = f": it stops after `{shown}`, before it is complete"
        return "SQL syntax error at the end of the query" + hint
    hint = ""
    if ": " in message:  # the lexer's own detail (`the string is never closed`)
        hint = ": " + message.split(": ", 1)[1]
    elif shown == "," and (before.endswith(",") or before.endswith("(") or _ends_with_word(before, "SELECT")):
        hint = ": an item is missing before this comma"
    elif shown in _OPERATORS and (before.endswith(tuple(_OPERATORS)) or before.endswith("(")):
        hint = f": an operand is missing before `{shown}`"
    elif shown == ")" and before.endswith(","):
        hint = ": a list ends with a comma"
    elif shown == ")" and before.endswith("("):
        hint = ": the parentheses hold nothing"
    elif shown in ("(", ")") and text.count("(") != text.count(")"):
        hint = ": the parentheses do not match"
    elif re.fullmatch(r"[A-Za-z_]\w*", shown) and (keyword := _misspelt_keyword(shown)) is not None:
        hint = f"; did you mean `{keyword}`?"
    return f"SQL syntax error at or near `{shown}`{hint}"


_OPERATORS = ("=", "==", "<>", "!=", "<", "<=", ">", ">=", "<=>", "+", "*", "/", "%", "||", "&", "|", "^")

#: Keywords an author misspells (`SELEC`, `FRM`, `GROPU BY`): a near miss of one is named.
_KEYWORDS = (
    "SELECT",
    "FROM",
    "WHERE",
    "GROUP",
    "ORDER",
    "HAVING",
    "JOIN",
    "UNION",
    "LIMIT",
    "DISTINCT",
    "CASE",
    "WHEN",
    "THEN",
    "ELSE",
    "END",
    "CAST",
    "INNER",
    "LEFT",
    "RIGHT",
    "OUTER",
    "WITH",
)


def _misspelt_keyword(word: str) -> str | None:
    from ..suggest import best

    if word.upper() in _KEYWORDS:
        return None
    suggestion, unique = best(word.upper(), list(_KEYWORDS))
    return suggestion if unique else None


def _ends_with_word(text: str, word: str) -> bool:
    return re.search(rf"(?i)\b{word}$", text) is not None


def _parsed_facts(text: str, reader: Any) -> SqlFacts:
    tokens = reader.tokenize(text)
    return _facts(text, tokens, reader.parser().parse(tokens, text))


def load() -> None:
    """Import sqlglot and build the dialects now, rather than at the first query. The language server
    calls it before a big document's analysis may be stopped (``lsp/worker.py`` raises an exception in
    that thread): stopped halfway through an import, sqlglot would stay half-imported for the session."""
    from sqlglot import exp, tokens  # noqa: F401
    from sqlglot.errors import ParseError  # noqa: F401

    for name in ("spark", "spark-stock", "trino"):
        _dialect(name)


@cache
def _dialect(name: str) -> Any:
    from sqlglot.dialects.dialect import Dialect

    if name == "spark":
        from sqlglot.dialects.spark import Spark

        class FlareSpark(Spark):
            """Spark SQL as Flare authors write it: ``window(ts, '10 minutes')`` is Spark's time-window
            function, which sqlglot's Spark dialect would read as the start of a WINDOW clause."""

            class Tokenizer(Spark.Tokenizer):
                KEYWORDS = {k: v for k, v in Spark.Tokenizer.KEYWORDS.items() if k != "WINDOW"}

        return FlareSpark()
    return Dialect.get_or_raise("spark" if name == "spark-stock" else name)


def _parse_problem(text: str, exc: Any) -> SqlProblem:
    errors = getattr(exc, "errors", None) or []
    first = errors[0] if errors else {}
    description = str(first.get("description") or "cannot be parsed")
    highlight = str(first.get("highlight") or "")
    line, col = first.get("line"), first.get("col")
    # sqlglot gives the 1-based line and the 1-based column of the offending token's last character.
    if isinstance(line, int) and isinstance(col, int) and line >= 1:
        line_start = sum(len(part) + 1 for part in text.split("\n")[: line - 1])
        last = line_start + col - 1
        end = min(last + 1, len(text))
        start = max(0, end - len(highlight)) if highlight and text[end - len(highlight) : end] == highlight else last
        start = min(start, end)
    else:
        start = end = len(text)
    return SqlProblem(_explain(description, highlight, not text[end:].strip()), start, max(end, start))


_REQUIRED = re.compile(r"Required keyword: '(\w+)' missing for <class '[\w.]*?(\w+)'>")


def _explain(description: str, token: str, at_end: bool) -> str:
    """sqlglot's message in an author's words."""
    match = _REQUIRED.match(description)
    if match is not None:
        if _is_operator(match.group(2)):
            # sqlglot points at the token after the gap (`AND` followed by `GROUP BY` marks GROUP BY).
            where = "at the end of the query" if at_end or not token else f"before `{token}`"
            return f"SQL syntax error: an operand is missing {where}"
        clause = match.group(2).upper()
        near = "" if at_end or token.upper() == clause else f" before `{token}`"
        return f"SQL syntax error: `{clause}` is incomplete{near}"
    description = description.rstrip(".")
    if description == "Invalid expression / Unexpected token":
        return f"SQL syntax error: unexpected `{token}`" if token else "SQL syntax error: unexpected end of the query"
    if description.startswith("Expecting "):
        return f"SQL syntax error: expected `{description[len('Expecting ') :]}`" + (
            f" before `{token}`" if token and not at_end else " at the end of the query"
        )
    return f"SQL syntax error: {description}" + (f" (at `{token}`)" if token else "")


def _is_operator(class_name: str) -> bool:
    from sqlglot import exp

    kind = getattr(exp, class_name, None)
    return isinstance(kind, type) and issubclass(kind, (exp.Binary, exp.Unary))


def _token_problem(text: str, message: str) -> SqlProblem:
    # TokenError carries no position; an unterminated quote is what it nearly always is.
    for quote in ("'", '"', "`"):
        if text.count(quote) % 2 == 1:
            where = text.rfind(quote)
            return SqlProblem(f"SQL syntax error: the {quote} opened here is never closed", where, where + 1)
    return SqlProblem(f"SQL syntax error: {message.splitlines()[0] if message else 'cannot be tokenized'}", 0, 0)


_DESERIALISERS = frozenset(
    {"from_avro", "from_protobuf", "decode", "string", "hex", "base64", "from_json", "from_csv", "unhex"}
)


def _facts(text: str, tokens: list[Any], statements: list[Any]) -> SqlFacts:
    from sqlglot import exp
    from sqlglot.tokens import TokenType

    from .columns import column_references, result_columns

    reads: list[TableRead] = []
    operations: list[Operation] = []
    columns: list[ColumnUse] = []
    passed: list[str] = []
    for statement in statements:
        if statement is None:
            continue
        for select in _result_selects(statement, exp):
            passed += _starred_sources(select, exp)
        ctes = {cte.alias_or_name.lower() for cte in statement.find_all(exp.CTE)}
        written = _written_tables(statement, exp)
        for table in statement.find_all(exp.Table):
            ident = table.this
            if not isinstance(ident, exp.Identifier) or table.args.get("db") is not None or id(table) in written:
                continue  # a table function, a catalog table (db.table), or the table a statement writes
            if ident.name.lower() in ctes:
                continue
            span = _span(ident)
            if span is not None:
                reads.append(TableRead(ident.name, *span))
        for node in statement.find_all(exp.AggFunc):
            if node.find_ancestor(exp.Window) is None and (span := _span(node)) is not None:
                operations.append(Operation("aggregate", f"`{node.sql_name().lower()}(...)` aggregation", *span))
        for column in statement.find_all(exp.Column):
            use = _binary_column(column, exp)
            if use is not None:
                columns.append(use)
    operations += _keyword_operations(tokens, TokenType)
    return parsed_facts(
        reads, operations, columns, passed, result_columns(statements, exp), column_references(statements, exp)
    )


def parsed_facts(
    reads: list[TableRead],
    operations: list[Operation],
    columns: list[ColumnUse],
    passed: list[str],
    result: tuple[ResultColumn, ...] | None,
    references: list[ColumnRef],
) -> SqlFacts:
    """The facts of a text that parses, each kind in the order of the text (the tables a star passes on
    in the order the stars name them, once each): both paths (``_facts``, ``quick``) end here, so they
    agree on order too."""

    def start(fact: TableRead | Operation | ColumnUse | ColumnRef) -> int:
        return fact.start

    return SqlFacts(
        True,
        None,
        tuple(sorted(reads, key=start)),
        tuple(sorted(operations, key=start)),
        tuple(sorted(columns, key=start)),
        tuple(dict.fromkeys(passed)),
        result,
        tuple(sorted(references, key=start)),
    )


def _result_selects(node: Any, exp: Any) -> list[Any]:
    """The SELECTs whose rows are the statement's result (both sides of a UNION), left to right;
    with a stack, since a chain of UNIONs nests one level per SELECT."""
    selects: list[Any] = []
    stack = [node]
    while stack:
        node = stack.pop()
        if isinstance(node, exp.Select):
            selects.append(node)
        elif isinstance(node, exp.SetOperation):
            stack += (node.right, node.left)
    return selects


def _direct_sources(select: Any, exp: Any) -> list[tuple[str, str]]:
    """(name, alias) of the plain tables a SELECT reads in its own FROM and JOINs, lower-cased."""
    sources: list[tuple[str, str]] = []
    for holder in [select.args.get("from_")] + list(select.args.get("joins") or []):
        table = holder.this if holder is not None else None
        if isinstance(table, exp.Table) and isinstance(table.this, exp.Identifier) and table.args.get("db") is None:
            sources.append((table.name.lower(), (table.alias or table.name).lower()))
    return sources


def _starred_sources(select: Any, exp: Any) -> list[str]:
    sources = _direct_sources(select, exp)
    passed: list[str] = []
    for item in select.expressions:
        if isinstance(item, exp.Star):
            passed += [name for name, _ in sources]
        elif isinstance(item, exp.Column) and isinstance(item.this, exp.Star) and item.table:
            qualifier = item.table.lower()
            passed += [name for name, alias in sources if qualifier in (alias, name)]
    return passed


def _span(node: Any) -> tuple[int, int] | None:
    meta = node.meta
    start, end = meta.get("start"), meta.get("end")
    if not isinstance(start, int) or not isinstance(end, int):
        return None
    if node.args.get("quoted") and end > start:
        return start + 1, end  # sqlglot's span of a `quoted` name includes its quotes: keep the name
    return start, end + 1


def _written_tables(statement: Any, exp: Any) -> set[int]:
    """Tables a statement creates or writes (``CACHE TABLE v AS SELECT``, ``INSERT INTO t``)."""
    written: set[int] = set()
    for kind in (exp.Create, exp.Insert, exp.Cache):
        for node in statement.find_all(kind):
            if isinstance(node, exp.Cache) and node.args.get("expression") is None:
                continue  # `CACHE TABLE v` reads v
            target = node.this
            if isinstance(target, exp.Schema):
                target = target.this
            if isinstance(target, exp.Table):
                written.add(id(target))
    return written


def _binary_column(column: Any, exp: Any) -> ColumnUse | None:
    name = column.name.lower()
    if name not in ("key", "value") or not isinstance(column.this, exp.Identifier):
        return None
    child, node = column, column.parent
    while node is not None and not isinstance(node, exp.Select):
        if isinstance(node, (exp.Cast, exp.TryCast)):
            return None
        function = node.sql_name().lower() if isinstance(node, exp.Func) else ""
        if isinstance(node, exp.Anonymous):
            function = str(node.name).lower()
        if function in _DESERIALISERS:
            return None
        child, node = node, node.parent
    select = node
    # Only what the query outputs matters: a filter such as `WHERE value IS NOT NULL` works on bytes.
    if select is None or not any(child is item for item in select.expressions):
        return None
    sources = _direct_sources(select, exp)
    if not sources:
        return None
    start_node = column.args.get("table") or column.this
    first, last = _span(start_node), _span(column.this)
    if first is None or last is None:
        return None
    qualifier = column.table.lower() if column.table else None
    return ColumnUse(name, qualifier, first[0], last[1], tuple(sources), column.parent is select)


#: Functions that read the clock, spelt as names rather than keywords.
_CLOCK_FUNCTIONS = frozenset({"now", "curdate"})


def _keyword_operations(tokens: list[Any], token_type: Any) -> list[Operation]:
    """Clauses and clock functions a streaming query may not have, found on the tokens (sqlglot's tree
    keeps no position for keywords). ORDER BY inside ``OVER (...)`` belongs to the window."""
    found: list[Operation] = []
    window_depths: list[int] = []
    clock = (token_type.CURRENT_DATE, token_type.CURRENT_TIMESTAMP, token_type.LOCALTIMESTAMP)
    depth = 0
    previous = None
    for token in tokens:
        kind = token.token_type
        if kind == token_type.L_PAREN:
            depth += 1
            if previous is not None and previous.token_type == token_type.OVER:
                window_depths.append(depth)
        elif kind == token_type.R_PAREN:
            if window_depths and window_depths[-1] == depth:
                window_depths.pop()
            depth -= 1
        elif kind == token_type.OVER:
            found.append(Operation("window", "a window function (`OVER`)", token.start, token.end + 1))
        elif kind == token_type.JOIN:
            found.append(Operation("join", "a join", token.start, token.end + 1))
        elif kind == token_type.LIMIT:
            found.append(Operation("limit", "`LIMIT`", token.start, token.end + 1))
        elif kind == token_type.DISTINCT and previous is not None:
            if previous.token_type == token_type.L_PAREN:  # count(DISTINCT x): a distinct aggregation
                found.append(Operation("distinct-aggregate", "a distinct aggregation", token.start, token.end + 1))
            else:
                found.append(Operation("distinct", "`DISTINCT`", token.start, token.end + 1))
        elif kind == token_type.ORDER_BY and not window_depths:
            found.append(Operation("order", "`ORDER BY`", token.start, token.end + 1))
        elif kind in clock or (kind == token_type.VAR and token.text.lower() in _CLOCK_FUNCTIONS):
            found.append(Operation("current-time", f"`{token.text}`", token.start, token.end + 1))
        elif kind == token_type.GROUP_BY:
            found.append(Operation("aggregate", "`GROUP BY`", token.start, token.end + 1))
        previous = token
    return found
