"""Column names in a query: the columns its result has, and the ``alias.column`` references it makes.

A step's view has the columns of its SELECT list, so a later query that reads ``alias.column`` from
that view can be checked against them (rule FL409). This module reads what the text alone says (facts
are cached by SQL text): the names of the result's columns, and, for ``*`` or ``t.*``, which views it
expands; expanding them against other views' columns is the rule's job.

Whenever Spark could name a column in a way the text does not show (a generator such as ``explode``,
``*`` over a subquery or a CTE), the result's columns are unknown (None), and a reference is kept only
when its qualifier names a plain view read in the same SELECT. When a name is uncertain, it is kept:
an extra name can only silence a report, never make a false one.
"""

from __future__ import annotations

from typing import Any

from . import ColumnRef, ResultColumn, _span

#: Generators spelt as plain function names (sqlglot has classes for explode, inline, stack, ...): an
#: unaliased generator's columns are named by what it produces (`col`, `pos`, a struct's fields).
_GENERATORS = frozenset({"json_tuple", "parse_url_tuple", "explode_outer", "posexplode_outer", "inline_outer"})


class _Unknown(Exception):
    """The result's column names cannot be told from the text."""


def result_columns(statements: list[Any], exp: Any) -> tuple[ResultColumn, ...] | None:
    """The columns of a query's result, item by item of its SELECT list (the first SELECT's, for a
    UNION: Spark names a UNION's columns after it); None when they cannot be told from the text."""
    queries = [s for s in statements if s is not None]
    if len(queries) != 1:
        return None
    select = queries[0]
    while isinstance(select, (exp.SetOperation, exp.Subquery)):
        select = select.this  # the left side of a UNION (`this`), or the SELECT in parentheses
    if not isinstance(select, exp.Select):
        return None  # CACHE TABLE, INSERT, VALUES, a bare expression...
    sources = _sources(select, _cte_names(queries[0], exp), exp)
    try:
        return tuple(item for expression in select.expressions for item in _items(expression, select, sources, exp))
    except _Unknown:
        return None


def _items(item: Any, select: Any, sources: dict[str, str | None], exp: Any) -> list[ResultColumn]:
    """The result column(s) one item of the SELECT list makes; raises :class:`_Unknown`."""
    if isinstance(item, exp.Star) or (isinstance(item, exp.Column) and isinstance(item.this, exp.Star)):
        return [_star(item, select, sources, exp)]
    if isinstance(item, exp.Aliases):  # `explode(m) AS (k, v)`
        return [_named(alias) for alias in item.expressions]
    if isinstance(item, exp.Alias):
        return [_named(item.args["alias"])]
    named = _implicit_name(item, exp)
    if named is not None:
        return [named]
    if isinstance(item, exp.UDTF) or (isinstance(item, exp.Anonymous) and str(item.name).lower() in _GENERATORS):
        raise _Unknown  # a generator without aliases: its columns are named by what it produces
    return [ResultColumn("unnamed", "", (), 0, 0)]


def _implicit_name(item: Any, exp: Any) -> ResultColumn | None:
    """The name Spark gives an unaliased item when it is not made from the item's text: a column's (the
    last part: `t.s.field` is `field`), a cast column's (`CAST(value AS STRING)` is `value`), a string
    literal's value. Parentheses and nested casts are looked through (Spark generates a name for
    some of these, but keeping a name can only make the rule quieter)."""
    while isinstance(item, (exp.Paren, exp.Cast, exp.TryCast)):
        item = item.this
    if isinstance(item, exp.Column) and isinstance(item.this, exp.Identifier):
        return _named(item.this)
    if isinstance(item, exp.Dot) and isinstance(item.expression, exp.Identifier):
        return _named(item.expression)
    if isinstance(item, exp.Literal) and item.is_string:
        span = _span(item) or (0, 0)
        return ResultColumn("named", str(item.this), (), *span)
    return None


def _named(identifier: Any) -> ResultColumn:
    span = _span(identifier) or (0, 0)
    return ResultColumn("named", identifier.name, (), *span)


def _star(item: Any, select: Any, sources: dict[str, str | None], exp: Any) -> ResultColumn:
    """``*`` (every source of the SELECT) or ``t.*`` (one source), when each is a plain view."""
    star = item if isinstance(item, exp.Star) else item.this
    if any(star.args.get(key) for key in ("except_", "except", "replace", "rename")):
        raise _Unknown  # `* EXCEPT (...)` and the like (Databricks): not followed
    if isinstance(item, exp.Star):
        if select.args.get("laterals") or not sources:
            raise _Unknown  # LATERAL VIEW adds its own columns to `*`
        views = list(sources.values())
    else:
        views = [sources.get(item.table.lower())] if item.table.lower() in sources else []
    if not views or any(view is None for view in views):
        raise _Unknown  # a subquery, a CTE, a table function or a struct column (`s.*`)
    span = _span(star) or (0, 0)
    return ResultColumn("star", "", tuple(view for view in views if view is not None), *span)


def _cte_names(statement: Any, exp: Any) -> set[str]:
    return {cte.alias_or_name.lower() for cte in statement.find_all(exp.CTE)}


def _sources(select: Any, ctes: set[str], exp: Any) -> dict[str, str | None]:
    """What each name a SELECT's FROM and JOINs read can be qualified by (lower-cased): its alias, or
    its name when it has none, mapped to the view it reads, or to None when it is not a plain view (a
    subquery, a CTE, a catalog table, a table function, a pivot, a table with column aliases). A name
    given twice maps to None: Spark would call a reference through it ambiguous."""
    sources: dict[str, str | None] = {}
    for holder in [select.args.get("from_")] + list(select.args.get("joins") or []):
        if holder is None:
            continue
        source = holder.this
        # An unaliased subquery still adds its columns to `*`: kept under "", which no qualifier is.
        alias = source.alias if source.alias else (source.name if isinstance(source, exp.Table) else "")
        view: str | None = None
        if (
            isinstance(source, exp.Table)
            and isinstance(source.this, exp.Identifier)
            and not source.args.get("db")
            and not source.args.get("pivots")
            and not (isinstance(source.args.get("alias"), exp.TableAlias) and source.args["alias"].columns)
            and source.name.lower() not in ctes
        ):
            view = source.name.lower()
        folded = alias.lower()
        sources[folded] = None if folded in sources else view
    return sources


def column_references(statements: list[Any], exp: Any) -> list[ColumnRef]:
    """Every ``alias.column`` (or ``alias.column.field``) whose qualifier names a plain view read in
    the FROM or a JOIN of the SELECT it appears in. Unqualified columns (which may be lateral aliases
    or outer references) and lambda variables are left out."""
    found: list[ColumnRef] = []
    for statement in statements:
        if statement is None:
            continue
        ctes = _cte_names(statement, exp)
        sources_of: dict[int, dict[str, str | None]] = {}
        for column in statement.find_all(exp.Column):
            parts = column.parts
            if len(parts) < 2 or not all(isinstance(part, exp.Identifier) for part in parts):
                continue  # unqualified, or `t.*`
            qualifier, name = parts[0], parts[1]
            select = _enclosing_select(column, exp)
            if select is None or _is_lambda_variable(column, qualifier.name.lower(), exp):
                continue
            if id(select) not in sources_of:
                sources_of[id(select)] = _sources(select, ctes, exp)
            sources = sources_of[id(select)]
            view = sources.get(qualifier.name.lower())
            span = _span(name)
            if view is None or span is None:
                continue
            views = tuple(v for v in sources.values() if v is not None)
            found.append(ColumnRef(view, qualifier.name, name.name, *span, bool(name.args.get("quoted")), views))
    found.sort(key=lambda ref: ref.start)
    return found


def _enclosing_select(node: Any, exp: Any) -> Any:
    """The SELECT a column belongs to; None when it sits in a UNION's own ORDER BY or outside a query."""
    node = node.parent
    while node is not None and not isinstance(node, exp.Select):
        if isinstance(node, exp.SetOperation):
            return None
        node = node.parent
    return node


def _is_lambda_variable(column: Any, qualifier: str, exp: Any) -> bool:
    """``x`` in ``transform(items, x -> x.price)``: the lambda's variable, not a table."""
    node = column.parent
    while node is not None:
        if isinstance(node, exp.Lambda) and any(v.name.lower() == qualifier for v in node.expressions):
            return True
        node = node.parent
    return False
