"""SQL rules: the queries of a job's steps, inputs and assertions, checked against the job they live in.

Every rule here reads :class:`~flare_ls.sql.SqlFacts` (cached by SQL text) and reports at the exact
characters inside the YAML scalar, through :meth:`~flare_ls.rules.base.Context.report_in`. FL401 alone
may take another parser's verdict on Spark SQL (``sql.judged_syntax``: Spark's own, with ``flare-ls
check --spark-sql``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..findings import Fix, Severity
from ..fixes import sql_identifier
from ..parsing.yamltree import YMap, YScalar
from ..queries import (
    Query,
    job_queries,
    job_views,
    memo,
    names_unknowable,
)
from ..sql import SyntaxVerdict, incremental_keys, judged_syntax
from ..suggest import best
from ..views import JobView, mapping_items, named
from .base import Context, rule
from .streaming import KAFKA_FORMATS, MICRO_BATCH_FREE, trigger_mode


@rule(
    "FL401",
    "sql-syntax-error",
    Severity.ERROR,
    "the SQL of a step, input, assertion or incremental key does not parse",
    reads="job",
)
def sql_syntax_error(job: JobView, ctx: Context) -> None:
    for query in job_queries(job):
        # `flare-ls check --spark-sql`: Spark's own parser judges Spark SQL. Otherwise the facts' verdict
        # (Spark's grammar as sql/grammar.py models it, sqlglot for the statements it does not model).
        verdict = judged_syntax(query.node.value, query.dialect, expression=query.kind == "condition")
        if verdict is None:
            dialect = "Trino (Minerva)" if query.dialect == "trino" else "Spark"
            verdict = SyntaxVerdict(query.facts.error, f"{dialect} SQL")
        error = verdict.problem
        if error is None:
            continue
        message = f"{error.message} ({verdict.judged_by})"
        ctx.report_in(sql_syntax_error, query.node, error.start, error.end, message)


@rule(
    "FL410",
    "keyword-read-as-name",
    Severity.ERROR,
    "Spark parses the SQL only by reading a clause keyword (`FROM`, `WHERE`, ...) as a column or table name",
    reads="job",
)
def keyword_read_as_name(job: JobView, ctx: Context) -> None:
    for query in job_queries(job):
        keyword = query.facts.keyword_name
        if keyword is None or query.dialect != "spark":
            continue
        text = query.node.value
        word = text[keyword.start : keyword.end]
        before = text[: keyword.start].rstrip()
        fix = None
        if before.endswith(","):
            comma = len(before) - 1
            why = f"the comma before `{word}` makes it one more item of the list"
            edit = ctx.locate.replacement(query.node, comma, comma + 1, "")
            fix = Fix(f"Remove the comma before `{word}`", (edit,), safe=False) if edit is not None else None
        elif not text[keyword.end :].strip():
            why = f"the query ends at `{word}`, so Spark takes it for an alias; what should follow it is missing"
        else:
            why = "a name or an expression before it is missing, or a word is misspelt"
        ctx.report_in(
            keyword_read_as_name,
            query.node,
            keyword.start,
            keyword.end,
            f"Spark reads `{word}` here as a name, not as the keyword ({why}): the query parses, and fails "
            f"when Spark finds no column or table `{word}`",
            fix=fix,
        )


def _later_steps(job: JobView, query: Query) -> dict[str, YScalar]:
    if query.kind != "step":
        return {}
    return {view.folded: view.node for view in job_views(job) if view.node is not None and view.step >= query.step}


@rule(
    "FL402",
    "undefined-view",
    Severity.ERROR,
    "SQL reads a view that no input or earlier step of the job defines",
    relational=True,
    reads="job",
)
def undefined_view(job: JobView, ctx: Context) -> None:
    if names_unknowable(job):
        return
    for query in job_queries(job):
        if not query.reads_views:
            continue
        facts = query.facts
        unresolved = [read for read in facts.reads if read.name.lower() not in query.visible]
        if not unresolved:
            continue
        views = query.visible
        later = _later_steps(job, query)
        for read in unresolved:
            folded = read.name.lower()
            if folded in later:
                own = named(query.owner)
                where = later[folded].start[0] + 1
                message = (
                    f"step `{read.name}` reads itself: a step's SQL reads the job's inputs and the steps before it"
                    if own is not None and own.value.lower() == folded
                    else f"`{read.name}` is the step on line {where}, which runs after this one: "
                    "a step reads only the job's inputs and the steps before it; move that step up"
                )
                ctx.report_in(undefined_view, query.node, read.start, read.end, message)
                continue
            names = [node.value for node in views.values()]
            suggestion, unique = best(read.name, names)
            available = ", ".join(f"`{n}`" for n in names[:8]) or "none"
            if query.kind in ("incremental", "incremental-key"):
                what = "the incremental `context` of its input"
            elif query.kind == "step":
                what = "an input or an earlier step of this job"
            else:
                what = "an input or step of this job"
            hint = f"; did you mean `{suggestion}`?" if suggestion is not None else ""
            message = f"`{read.name}` is not a view here: it is not {what}{hint} (views: {available})"
            edit = (
                ctx.locate.replacement(query.node, read.start, read.end, sql_identifier(suggestion))
                if suggestion and unique
                else None
            )
            fix = Fix(f"Read `{suggestion}`", (edit,), safe=False) if edit is not None else None
            ctx.report_in(undefined_view, query.node, read.start, read.end, message, fix=fix)


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@rule(
    "FL403",
    "unused-view",
    Severity.INFO,
    "an input or step that no query, output, command or action reads",
    relational=True,
    reads="job",
)
def unused_view(job: JobView, ctx: Context) -> None:
    if (
        names_unknowable(job)
        or not job.sequence
        or any("sqlFile" in s.entries or "classpath" in s.entries for s in job.sequence)
    ):
        return  # views read from other files or by custom code are unknowable here
    used: set[str] = set()
    for query in job_queries(job):
        facts = query.facts
        if facts.parsed:
            used.update(read.name.lower() for read in facts.reads)
            if query.reads_views and any(r.name.lower() not in query.visible for r in facts.reads):
                return  # a query reads a view that does not exist (FL402): which one it meant is unclear
        else:  # a query that does not parse may still read any name it mentions
            used.update(word.lower() for word in _WORD.findall(query.node.value))
    views = {view.folded for view in job_views(job)}
    for output in job.outputs:
        if (node := named(output)) is not None:
            if node.value.lower() not in views and not job.sinks:
                return  # an output names no view (FL302): which view it meant to write is unclear
            used.add(node.value.lower())
    for sink in job.sinks:
        if (node := sink.scalar("sequenceName")) is not None:
            used.add(node.value.lower())
    for step in job.sequence:
        for command in mapping_items(step.get("commands")):
            if (node := command.scalar("sequenceName")) is not None:
                used.add(node.value.lower())
    if job.job is not None:
        for action in mapping_items(job.job.get("actions")):
            if (node := action.scalar("input")) is not None:
                used.add(node.value.lower())
        if mapping_items(job.job.get("assertions")):
            return  # standalone column assertions check an input without naming it
    for view in job_views(job):
        node = view.node
        if node is not None and view.folded not in used:
            kind, reader = ("step", "later step") if view.step >= 0 else ("input", "step")
            ctx.report(
                unused_view,
                node,
                f"{kind} `{node.value}` is never read: no output writes it and no {reader}, command or action "
                "reads it, so Spark never computes it",
                tags=("unnecessary",),
            )


def _reads_kafka(item: YMap) -> bool:
    """An input of Spark's Kafka source: `format` kafkajson, kafkaavro or kafka (any case), or a
    legacy `inputType: kafka`."""
    return (item.text("format") or item.text("inputType") or "").strip().lower() in KAFKA_FORMATS


def _binary_views(job: JobView) -> dict[str, str]:
    """Views holding Kafka's binary `key` and `value` (lower-cased), each with its Kafka input: the
    Kafka inputs, and the steps that pass one on with `SELECT *` (the seed's own pattern keeps `*`
    beside its casts, so the raw columns travel on)."""
    found: dict[str, str] = {}
    for item in job.inputs:
        if _reads_kafka(item) and (node := named(item)) is not None:
            found[node.value.lower()] = node.value
    if found:
        for query in sorted((q for q in job_queries(job) if q.kind == "step"), key=lambda q: q.step):
            origins = [found[name] for name in query.facts.passes_through if name in found]
            if origins and (own := named(query.owner)) is not None:
                found.setdefault(own.value.lower(), origins[0])
    return found


@rule(
    "FL404",
    "kafka-binary-column",
    Severity.INFO,
    "a step uses a Kafka input's `key` or `value`, which arrive as binary, without casting them",
    reads="job",
)
def kafka_binary_column(job: JobView, ctx: Context) -> None:
    kafka = _binary_views(job)
    if not kafka:
        return
    for query in job_queries(job):
        if query.kind != "step":
            continue
        for use in query.facts.binary_columns:
            if use.qualifier is not None:
                tables = [name for name, alias in use.sources if use.qualifier in (alias, name)]
            else:
                tables = [name for name, _ in use.sources] if len(use.sources) == 1 else []
                tables = tables or [name for name, _ in use.sources if name in kafka][:1]
            if not tables or tables[0] not in kafka:
                continue
            column = query.node.value[use.start : use.end]
            wrapped = f"CAST({column} AS STRING)" + (f" AS {use.name}" if use.bare else "")
            edit = ctx.locate.replacement(query.node, use.start, use.end, wrapped)
            fix = Fix(f"Cast `{column}` to STRING", (edit,), safe=False) if edit is not None else None
            origin = kafka[tables[0]]
            whose = (
                f"of Kafka input `{origin}` is"
                if origin.lower() == tables[0]
                else f"of `{tables[0]}` comes from Kafka input `{origin}` (passed on by `SELECT *`) and is"
            )
            ctx.report_in(
                kafka_binary_column,
                query.node,
                use.start,
                use.end,
                f"`{column}` {whose} binary: Kafka delivers `key` and `value` as raw bytes; "
                f"deserialise it, e.g. `CAST({column} AS STRING)`, or `from_json`/`from_avro` on it",
                fix=fix,
            )


def _streaming_steps(job: JobView) -> list[Query]:
    """Step queries that read a stream input, directly or through earlier steps."""
    return memo(job, "streaming-steps", _find_streaming_steps)


def _find_streaming_steps(job: JobView) -> list[Query]:
    queries = job_queries(job)
    streams = {n.value.lower() for item in job.stream_inputs if (n := named(item)) is not None}
    found: list[Query] = []
    for query in sorted((q for q in queries if q.kind == "step"), key=lambda q: q.step):
        if any(read.name.lower() in streams for read in query.facts.reads):
            found.append(query)
            if (own := named(query.owner)) is not None:
                streams.add(own.value.lower())
    return found


#: What each operation does to a Continuous query (Spark accepts only map-like queries there).
_CONTINUOUS = ("aggregate", "join", "order", "limit", "distinct", "window", "current-time")


@rule(
    "FL405",
    "continuous-non-map-query",
    Severity.ERROR,
    "a Continuous-trigger job's SQL aggregates, joins, sorts, limits, deduplicates or reads the clock",
    relational=True,
    reads="job",
)
def continuous_non_map_query(job: JobView, ctx: Context) -> None:
    trigger = trigger_mode(job)
    if trigger is None or trigger.value != MICRO_BATCH_FREE or not job.is_streaming:
        return
    for query in _streaming_steps(job):
        seen: set[str] = set()
        for operation in query.facts.operations:
            if operation.kind not in _CONTINUOUS or operation.kind in seen:
                continue
            seen.add(operation.kind)
            ctx.report_in(
                continuous_non_map_query,
                query.node,
                operation.start,
                operation.end,
                f"{operation.label} in a `triggerMode: Continuous` query: continuous processing runs only "
                "map-like queries (SELECT, WHERE, functions other than aggregates and current_date/"
                "current_timestamp); use `ProcessingTime` for this step",
            )


_STREAMING_LIMITS = {
    "limit": "`LIMIT` is not supported on streaming DataFrames",
    "distinct": "`DISTINCT` is not supported on streaming DataFrames (deduplicate with a watermark instead)",
    "window": "non-time-based windows (`OVER`) are not supported on streaming DataFrames; group by "
    "`window(<time column>, '<duration>')` instead",
    "distinct-aggregate": "distinct aggregations are not supported on streaming DataFrames; use "
    "`approx_count_distinct()` instead",
}


@rule(
    "FL406",
    "unsupported-streaming-operation",
    Severity.WARNING,
    "a streaming query uses LIMIT, DISTINCT, a distinct aggregation or a non-time window, which Spark rejects",
    relational=True,
    reads="job",
)
def unsupported_streaming_operation(job: JobView, ctx: Context) -> None:
    trigger = trigger_mode(job)
    if not job.is_streaming or (trigger is not None and trigger.value == MICRO_BATCH_FREE):
        return  # Continuous jobs get the stricter FL405
    for query in _streaming_steps(job):
        for operation in query.facts.operations:
            reason = _STREAMING_LIMITS.get(operation.kind)
            if reason is None:
                continue
            ctx.report_in(
                unsupported_streaming_operation,
                query.node,
                operation.start,
                operation.end,
                f"{reason}: this step reads a stream input, and Spark fails the query when it starts",
            )


@dataclass(frozen=True)
class _Incremental:
    """An input's ``incremental`` section: its declared keys, the ``$|key|`` placeholders in its SQL
    (the section's and its keys'), and the names its ``state`` entries give."""

    keys: dict[str, YScalar]
    #: (key named, the SQL scalar, placeholder start, end)
    placeholders: list[tuple[str, YScalar, int, int]]
    #: (``key`` or ``value``, the scalar)
    state: list[tuple[str, YScalar]]

    @property
    def declared(self) -> str:
        return ", ".join(f"`{k}`" for k in self.keys) or "none"


def _incrementals(job: JobView) -> list[_Incremental]:
    return memo(job, "incrementals", _find_incrementals)


def _find_incrementals(job: JobView) -> list[_Incremental]:
    found = []
    for item in job.inputs:
        section = item.get("incremental")
        if not isinstance(section, YMap):
            continue
        keys: dict[str, YScalar] = {}
        texts = [node] if (node := section.scalar("sql")) is not None and node.kind == "str" else []
        for key in mapping_items(section.get("keys")):
            if (name := named(key)) is not None:
                keys.setdefault(name.value.strip(), name)
            if (node := key.scalar("sql")) is not None and node.kind == "str":
                texts.append(node)
        placeholders = [(name, node, start, end) for node in texts for name, start, end in incremental_keys(node.value)]
        state = [
            (field, ref)
            for entry in mapping_items(section.get("state"))
            for field in ("key", "value")
            if (ref := entry.scalar(field)) is not None and ref.kind != "null"
        ]
        found.append(_Incremental(keys, placeholders, state))
    return found


@rule(
    "FL407",
    "undeclared-incremental-key",
    Severity.ERROR,
    "an incremental `$|key|` placeholder or `state` entry names a key that `keys` does not declare",
    relational=True,
    reads="job",
)
def undeclared_incremental_key(job: JobView, ctx: Context) -> None:
    for incremental in _incrementals(job):
        keys = incremental.keys
        for name, node, start, end in incremental.placeholders:
            if name in keys:
                continue
            suggestion, _ = best(name, list(keys))
            hint = f"; did you mean `{suggestion}`?" if suggestion else ""
            ctx.report_in(
                undeclared_incremental_key,
                node,
                start,
                end,
                f"`$|{name}|` names no incremental key{hint} (declared: {incremental.declared}); Flare leaves it "
                "in the SQL",
            )
        for field, ref in incremental.state:
            if ref.value.strip() not in keys:
                ctx.report(
                    undeclared_incremental_key,
                    ref,
                    f"state `{field}` `{ref.value}` names no incremental key (declared: {incremental.declared})",
                )


@rule(
    "FL408",
    "unused-incremental-key",
    Severity.WARNING,
    "an incremental key that no `$|key|` placeholder and no `state` entry uses",
    relational=True,
    reads="job",
)
def unused_incremental_key(job: JobView, ctx: Context) -> None:
    for incremental in _incrementals(job):
        used = {name for name, _, _, _ in incremental.placeholders}
        used.update(ref.value.strip() for _, ref in incremental.state)
        for name, node in incremental.keys.items():
            if name not in used:
                ctx.report(
                    unused_incremental_key,
                    node,
                    f"incremental key `{name}` is computed on every run but no `$|{name}|` placeholder or "
                    "`state` entry uses it",
                    tags=("unnecessary",),
                )


#: The columns of Spark's Kafka source; `headers` joins them when the input sets `includeHeaders`.
KAFKA_COLUMNS = ("key", "value", "topic", "partition", "offset", "timestamp", "timestampType")
#: Keys by which an input declares a schema: Flare may then decode a Kafka payload into its fields.
_SCHEMA_KEYS = ("schemaPath", "schemaString", "schemaSubject", "schemaType")
#: Keys of a step that make its view something other than its SQL's result: custom code, SQL kept in
#: another file, or Flare functions run on the result (`drop`, `rename_all`, `parse_as_json`, ...).
_REWRITING_KEYS = ("functions", "sqlFile", "classpath")


@dataclass(frozen=True)
class _Columns:
    """The columns of a view, as far as its definition tells.

    ``names`` in order (Spark matches them without case); ``unnamed`` when some are expressions without
    an alias, which Spark names after their text (`upper(name)`): only a backquoted reference can read
    those; ``tolerated`` (lower-cased) names are never reported although they are not listed.
    """

    names: tuple[str, ...]
    unnamed: bool = False
    tolerated: frozenset[str] = frozenset()

    def has(self, name: str) -> bool:
        folded = name.lower()
        return folded in self.tolerated or any(known.lower() == folded for known in self.names)

    def listing(self) -> str:
        shown = [f"`{name}`" for name in self.names[:12]]
        if len(self.names) > 12:
            shown.append(f"{len(self.names) - 12} more")
        if self.unnamed:
            shown.append("expressions without an alias")
        return ", ".join(shown)


@dataclass(frozen=True)
class _KnownView:
    """A view whose columns are known, and how a message names it ("step `orders_clean`")."""

    label: str
    columns: _Columns


def _kafka_columns(item: YMap) -> _Columns | None:
    """The columns of a Kafka input: Spark's Kafka source, unless the input declares a schema."""
    if not _reads_kafka(item) or any(key in item.entries for key in _SCHEMA_KEYS):
        return None
    legacy = item.get("kafka")  # `inputType: kafka` with `kafka: {schemaRegistryUrl: ...}`
    if isinstance(legacy, YMap) and any(key.lower().startswith("schema") for key in legacy.entries):
        return None
    options = item.get("options")
    flag = options.scalar("includeHeaders") if isinstance(options, YMap) else None
    if flag is not None and flag.as_bool is True:
        return _Columns(KAFKA_COLUMNS + ("headers",))
    # Without `includeHeaders` Spark has no `headers` column, but Flare may set the option itself.
    return _Columns(KAFKA_COLUMNS, tolerated=frozenset({"headers"}))


def _step_columns(query: Query | None, views: dict[str, _KnownView | None]) -> _Columns | None:
    """The columns of a step's view: its SQL's result columns, each `*` expanded with the columns of
    the views it reads (``views``: the inputs and earlier steps); None when any is unknown."""
    if query is None or any(key in query.owner.entries for key in _REWRITING_KEYS):
        return None
    result = query.facts.result_columns
    if result is None:
        return None
    names: dict[str, str] = {}  # by lower-cased name, as first spelt
    unnamed = False
    tolerated: set[str] = set()
    for column in result:
        if column.kind == "named":
            names.setdefault(column.name.lower(), column.name)
        elif column.kind == "unnamed":
            unnamed = True
        for view in column.views:  # a star's
            known = views.get(view)
            if known is None:
                return None
            for name in known.columns.names:
                names.setdefault(name.lower(), name)
            unnamed |= known.columns.unnamed
            tolerated |= known.columns.tolerated
    return _Columns(tuple(names.values()), unnamed, frozenset(tolerated - set(names)))


@rule(
    "FL409",
    "unknown-column",
    Severity.ERROR,
    "SQL reads `alias.column` from a step or Kafka input whose columns are known and do not include it",
    relational=True,
    reads="job",
)
def unknown_column(job: JobView, ctx: Context) -> None:
    if names_unknowable(job):
        return
    views: dict[str, _KnownView | None] = {}
    for item in job.inputs:
        if (node := named(item)) is not None:
            columns = _kafka_columns(item)
            views[node.value.lower()] = None if columns is None else _KnownView(f"Kafka input `{node.value}`", columns)
    queries = job_queries(job)
    steps = {query.step: query for query in queries if query.kind == "step"}
    # Step by step: a step reads the views defined before it (a name defined again replaces the view).
    for index, step in enumerate(job.sequence):
        query = steps.get(index)
        if query is not None:
            _check_references(query, views, ctx)
        if (node := named(step)) is not None:
            columns = _step_columns(query, views)
            views[node.value.lower()] = None if columns is None else _KnownView(f"step `{node.value}`", columns)
    for query in queries:
        if query.kind in ("assertion", "condition"):
            _check_references(query, views, ctx)


def _check_references(query: Query, views: dict[str, _KnownView | None], ctx: Context) -> None:
    for ref in query.facts.column_refs:
        known = views.get(ref.view)
        if known is None or known.columns.has(ref.name):
            continue
        if ref.quoted and known.columns.unnamed:
            continue  # `t.`upper(name)`` may be the name Spark gave an unaliased expression
        if any((other := views.get(view)) is not None and other.columns.has(ref.qualifier) for view in ref.views):
            continue  # Spark reads `o.amount` as field `amount` of a struct column `o` when there is one
        names = known.columns.names
        suggestion, unique = best(ref.name, names)
        hint = f"; did you mean `{suggestion}`?" if suggestion is not None else ""
        fix = None
        if suggestion is not None and unique:
            text = suggestion.replace("`", "``") if ref.quoted else sql_identifier(suggestion)
            edit = ctx.locate.replacement(query.node, ref.start, ref.end, text)
            fix = Fix(f"Read column `{suggestion}`", (edit,), safe=False) if edit is not None else None
        ctx.report_in(
            unknown_column,
            query.node,
            ref.start,
            ref.end,
            f"`{ref.qualifier}.{ref.name}` is not a column of {known.label}{hint} "
            f"(its columns: {known.columns.listing()})",
            fix=fix,
        )
