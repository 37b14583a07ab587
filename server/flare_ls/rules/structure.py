"""Structure rules: names, references between parts of a manifest, dataset addresses, secrets."""

from __future__ import annotations

import re
from functools import lru_cache

from ..findings import Severity
from ..fixes import replace_scalar
from ..parsing.yamltree import YMap, YNode, YScalar, YSeq
from ..schema.attrdoc import LEGACY_LAYOUT_UNTIL
from ..schema.docs import shape_at
from ..schema.shapes import MapShape
from ..secrets import find_secret, mask
from ..suggest import best, rank
from ..views import DocumentView, JobView, entry, is_placeholder, job_fact, mapping_items
from .base import Context, checks, rule
from .schema import DUPLICATE_KEY, MISSING_KEY, UNKNOWN_VALUE, anchor_of


def _name(item: YMap) -> YScalar | None:
    node = item.scalar("name")
    return node if node is not None and node.kind != "null" else None


@rule(
    "FL301",
    "duplicate-name",
    Severity.ERROR,
    "two inputs or steps of a job define one view name, or two outputs write one view to one dataset",
    reads="job",
)
def duplicate_name(job: JobView, ctx: Context) -> None:
    seen: dict[str, tuple[str, YScalar]] = {}
    for kind, items in (("input", job.inputs), ("step", job.sequence)):
        for item in items:
            name = _name(item)
            if name is None or is_placeholder(name.value):
                continue
            # Spark resolves view names ignoring case (spark.sql.caseSensitive is false by default).
            earlier = seen.get(name.value.lower())
            if earlier is None:
                seen[name.value.lower()] = (kind, name)
                continue
            same = "" if earlier[1].value == name.value else f" (`{earlier[1].value}`: Spark ignores case)"
            ctx.report(
                duplicate_name,
                name,
                f"{kind} `{name.value}` reuses the view name of the {earlier[0]} on line "
                f"{earlier[1].start[0] + 1}{same}; "
                "inputs and steps share one namespace of Spark views, so the later one hides the earlier",
            )
    # One view written to several datasets (csv, json, parquet copies) is legitimate; the same view to
    # the same dataset twice is not.
    written: dict[tuple[str, str], YScalar] = {}
    for output in job.outputs:
        name, dataset = _name(output), output.text("dataset")
        if name is None or dataset is None:
            continue
        first = written.setdefault((name.value, dataset), name)
        if first is not name:
            ctx.report(
                duplicate_name,
                name,
                f"output `{name.value}` writes to `{dataset}` again (already on line {first.start[0] + 1})",
            )


@rule(
    "FL302",
    "unknown-output-source",
    Severity.ERROR,
    "an output whose `name` no step or input of the job produces",
    relational=True,
    reads="job",
)
def unknown_output_source(job: JobView, ctx: Context) -> None:
    if job.steps_elsewhere:
        return
    views = list(dict.fromkeys(n.value for item in job.inputs + job.sequence if (n := _name(item)) is not None))
    # Legacy layout: sinks name the output they write to and the view that feeds it.
    sunk = {s.text("outputName") for s in job.sinks}
    for output in job.outputs:
        name = _name(output)
        if name is None or is_placeholder(name.value) or name.value in views or name.value in sunk:
            continue
        suggestion, unique = best(name.value, views)
        produced = ", ".join(f"`{v}`" for v in views[:6]) or "nothing"
        message = f"output `{name.value}` is not produced by any step or input of this job (they define {produced})"
        fix = None
        if suggestion is not None:
            message += f"; did you mean `{suggestion}`?"
            fix = replace_scalar(name, suggestion, f"Change to `{suggestion}`", safe=False)
        ctx.report(unknown_output_source, name, message, fix=fix)
    for sink in job.sinks:
        node = sink.scalar("sequenceName")
        if node is None or is_placeholder(node.value) or node.value in views:
            continue
        ctx.report(
            unknown_output_source,
            node,
            f"sink reads view `{node.value}`, which no step or input of this job defines",
        )


@rule(
    "FL303",
    "unknown-dependency",
    Severity.ERROR,
    "`dependencies` naming no job of the dag",
    scope="document",
    relational=True,
)
def unknown_dependency(doc: DocumentView, ctx: Context) -> None:
    entries = [job_fact(doc, item, "dependencies", _dependencies) for item in doc.dag]
    names = [name for name, _, _ in entries if name is not None]
    known = set(names)  # a dag's every job may name the one before it: a list here made it quadratic
    for _, own, nodes in entries:
        for node in nodes:
            if not isinstance(node, YScalar) or node.kind == "null" or is_placeholder(node.value):
                continue
            if node.value == own:
                ctx.report(unknown_dependency, node, f"job `{own}` depends on itself")
            elif node.value not in known:
                ranked = rank(node.value, names)
                message = f"dependency `{node.value}` names no job of this dag"
                fix = None
                if ranked:
                    suggestion, distance = ranked[0]
                    unique = len(ranked) == 1 or ranked[1][1] > distance
                    message += f"; did you mean `{suggestion}`?"
                    safe = unique and distance <= 2
                    fix = replace_scalar(node, suggestion, f"Change to `{suggestion}`", safe=safe)
                ctx.report(unknown_dependency, node, message, fix=fix)
    _report_cycles(entries, ctx)


def _dependencies(item: YMap) -> tuple[str | None, str | None, list[YNode]]:
    """A dag job's summary for FL303: its name (None when absent, null or empty), its ``name`` text as
    written, and the nodes of its ``dependencies``."""
    name = _name(item)
    deps = item.get("dependencies")
    nodes: list[YNode] = deps.items if isinstance(deps, YSeq) else [deps] if deps is not None else []
    return name.value if name is not None else None, item.text("name"), nodes


def _report_cycles(entries: list[tuple[str | None, str | None, list[YNode]]], ctx: Context) -> None:
    """Jobs that wait for each other in a ring can never start: report each ring once, at the
    dependency that closes it."""
    edges: dict[str, list[YScalar]] = {}
    for _, own, nodes in entries:
        if own is not None:
            edges[own] = [n for n in nodes if isinstance(n, YScalar) and n.value != own] if nodes else []
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    # Depth-first with an explicit stack: a chain of jobs is as long as the manifest makes it, far
    # longer than Python's recursion allows. A job that waits for none is in no ring: it starts no
    # search (most jobs of a big dag; it is still passed through when another job names it).
    for root in edges:
        if root in state or not edges[root]:
            continue
        state[root] = 1
        path = [root]  # the jobs on the current path, each waiting for the next
        pending = [iter(edges[root])]
        while pending:
            dep = next(pending[-1], None)
            if dep is None:
                state[path.pop()] = 2
                pending.pop()
                continue
            target = dep.value
            if target not in edges:
                continue
            if state.get(target) == 1:
                ring = path[path.index(target) :] + [target]
                shown = " -> ".join(f"`{n}`" for n in dict.fromkeys(ring)) + f" -> `{target}`"
                ctx.report(unknown_dependency, dep, f"jobs depend on each other in a cycle ({shown}); none can start")
            elif target not in state:
                state[target] = 1
                path.append(target)
                pending.append(iter(edges[target]))


# dataos://depot[:collection][/path][?query]; depot names are resource names (letters, digits, hyphens).
_ADDRESS = re.compile(
    r"^dataos://(?P<depot>[A-Za-z0-9-]+)(?::(?P<collection>[A-Za-z0-9_-]+))?(?P<path>/[^?]*)?(?:\?(?P<query>.*))?$"
)
_ACL = re.compile(r"^acl=(?:r|rw)$")


def address_problem(text: str) -> str | None:
    """What is wrong with a ``dataos://`` address, or None when it is well formed."""
    match = _ADDRESS.match(text)
    if match is None:
        rest = text[len("dataos://") :]
        if rest.startswith("/"):
            return "too many slashes after `dataos:`; the form is `dataos://depot:collection/dataset`"
        depot = re.split(r"[:/?]", rest, maxsplit=1)[0]
        if not depot:
            return "no depot name after `dataos://`"
        if not re.fullmatch(r"[A-Za-z0-9-]+", depot):
            return f"depot name `{depot}` may hold only letters, digits and hyphens"
        if " " in text:
            return "it contains a space"
        return "expected `dataos://depot:collection/dataset`, optionally followed by `?acl=r` or `?acl=rw`"
    if match.group("collection") is None:
        return "no collection: the form is `dataos://depot:collection/dataset` (use `none` for depots without one)"
    query = match.group("query")
    if query is not None:
        params = query.split("&")
        if not any(_ACL.match(p) for p in params) and any(p.startswith("acl") for p in params):
            return "`acl` takes `r` (read) or `rw` (read and write)"
    return None


_ADDRESS_KEYS = ("dataset", "depot", "checkpointLocation", "schemaPath")


@rule(
    "FL304",
    "malformed-dataset-address",
    Severity.ERROR,
    "a `dataos://` address that does not follow `dataos://depot:collection/dataset`",
    reads="job",
)
def malformed_dataset_address(job: JobView, ctx: Context) -> None:
    holders: list[YMap] = list(job.inputs) + list(job.outputs)
    if job.streaming is not None:
        holders.append(job.streaming)
    for output in job.outputs:
        options = output.get("options")
        if isinstance(options, YMap):
            holders.append(options)
    for holder in holders:
        for key in _ADDRESS_KEYS:
            node = holder.scalar(key)
            if node is None or is_placeholder(node.value):
                continue
            text = node.value.strip()
            if not text.lower().startswith("dataos:"):
                continue
            problem = address_problem(text) if text.startswith("dataos://") else "addresses start with `dataos://`"
            if problem is not None:
                ctx.report(malformed_dataset_address, node, f"malformed address `{text}`: {problem}")


_RESOURCE_NAME = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
NAME_LIMIT = 47  # dataos-ctl's linter: names must be shorter than 48 characters
POD_SAFE_LIMIT = 30


def _name_problem(text: str) -> str | None:
    if len(text) > NAME_LIMIT:
        return f"it is {len(text)} characters long; DataOS allows at most {NAME_LIMIT}"
    if not _RESOURCE_NAME.match(text):
        if text != text.lower():
            return "it has upper-case letters; names are lower-case letters, digits and hyphens"
        if text[:1].isdigit() or text[:1] == "-":
            return "it must start with a letter"
        if text.endswith("-"):
            return "it must not end with a hyphen"
        bad = sorted({c for c in text if not (c.isdigit() or "a" <= c <= "z" or c == "-")})
        shown = " ".join(f"`{c}`" for c in bad)
        return f"it contains {shown}; names are lower-case letters, digits and hyphens"
    return None


@rule(
    "FL305",
    "invalid-resource-name",
    Severity.ERROR,
    "a workflow or job name DataOS refuses (not DNS-like, or too long)",
    scope="document",
)
def invalid_resource_name(doc: DocumentView, ctx: Context) -> None:
    found = [("workflow", _invalid_name(doc.root))]
    found += [("job", job_fact(doc, item, "invalid-name", _invalid_name)) for item in doc.dag]
    for what, invalid in found:
        if invalid is None:
            continue
        node, problem, fixed = invalid
        fix = replace_scalar(node, fixed, f"Rename to `{fixed}`", safe=False) if fixed is not None else None
        ctx.report(invalid_resource_name, node, f"{what} name `{node.value}` is invalid: {problem}", fix=fix)


def _invalid_name(holder: YMap) -> tuple[YScalar, str, str | None] | None:
    """What is wrong with the ``name`` of a workflow or a dag job, and the name to suggest instead."""
    node = holder.scalar("name")
    if node is None or node.kind == "null" or is_placeholder(node.value):
        return None
    problem = _name_problem(node.value)
    if problem is None:
        return None
    fixed = re.sub(r"-+", "-", re.sub(r"[^a-z0-9-]", "-", node.value.lower())).strip("-")
    return node, problem, fixed if fixed and fixed != node.value and _name_problem(fixed) is None else None


@rule(
    "FL306",
    "long-job-name",
    Severity.WARNING,
    "a job name long enough to break Spark's pod names",
    scope="document",
)
def long_job_name(doc: DocumentView, ctx: Context) -> None:
    for item in doc.dag:
        node = job_fact(doc, item, "long-name", _long_name)
        if node is not None:
            length = len(node.value)
            ctx.report(
                long_job_name,
                node,
                f"job name `{node.value}` is {length} characters; Flare names Spark's executor pods after "
                "the job plus an id of about 17 characters, and Spark refuses a pod name prefix over 47: "
                f"keep job names to {POD_SAFE_LIMIT} characters or fewer",
            )


def _long_name(item: YMap) -> YScalar | None:
    """A dag job's ``name`` when it is long enough to break Spark's pod names (FL306)."""
    node = item.scalar("name")
    if node is None or is_placeholder(node.value):
        return None
    return node if POD_SAFE_LIMIT < len(node.value) <= NAME_LIMIT else None


_SECRET_KEY = re.compile(
    r"(pass(word|wd)?|secret|api[_-]?key|apikey|token|sas[_-]?key|private[_-]?key|credential)", re.I
)
_JAAS_PASSWORD = re.compile(r"""password\s*=\s*(["'])(?P<value>[^"']*)\1""", re.I)
# Keys that name or locate a secret rather than hold one (`passwordFile`, `tokenEndpoint`, `saslMechanism`).
_NOT_SECRET_KEYS = re.compile(
    r"(name|path|file|location|type|mechanism|provider|enabled|endpoint|url|uri|host|length|policy|ref|refs)$", re.I
)
# Keys whose content names DataOS secrets (or Kubernetes ones) rather than holding them: under them a
# key's name says nothing, and only a value shaped like a secret is one.
_REFERENCE_KEYS = frozenset(("dataosSecrets", "secrets", "secretRef", "secretKeyRef", "valueFrom"))


_PLAIN, _JAAS, _SECRET = 0, 1, 2


@lru_cache(maxsize=4096)
def _key_role(key: str) -> int:
    """Whether a key may hold a JAAS config and whether it names a secret; cached because a
    manifest repeats the same few dozen keys, and this rule looks at every scalar of every input."""
    jaas = _JAAS if "jaas" in key.lower() else _PLAIN
    secret = bool(_SECRET_KEY.search(key)) and not _NOT_SECRET_KEYS.search(key) and key not in _REFERENCE_KEYS
    return jaas | (_SECRET if secret else _PLAIN)


def _literal(value: str) -> bool:
    value = value.strip()
    return bool(value) and not is_placeholder(value) and value.lower() not in ("null", "none", "changeme")


def _secret_holders(job: JobView) -> list[YNode]:
    """Where manifests carry connection settings: env vars, Spark conf, inputs, outputs and sinks
    (with their options and legacy connector blocks). Steps, mostly SQL, are left out: scanning them
    would double the rule's cost for no secret ever seen there."""
    holders: list[YNode] = []
    for key in ("envs", "runAsApiKey", "dataosSecrets"):
        node = job.spec.get(key)
        if node is not None:
            holders.append(job.spec if key == "runAsApiKey" else node)
    if job.section is not None:
        conf = job.section.get("sparkConf")
        if conf is not None:
            holders.append(conf)
    holders += job.inputs + job.outputs + job.sinks
    if job.streaming is not None:
        holders.append(job.streaming)
    return holders


@rule(
    "FL307",
    "literal-credential",
    Severity.WARNING,
    "a password, API key or other secret written into the manifest",
    reads="job",
)
def literal_credential(job: JobView, ctx: Context) -> None:
    stack: list[tuple[YNode, bool]] = [(node, False) for node in _secret_holders(job)]
    seen: set[int] = set()
    while stack:
        node, named_only = stack.pop()  # named_only: under a key that names secrets (`dataosSecrets`)
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, YSeq):
            for item in node.items:
                if isinstance(item, YScalar):
                    _check_credential(ctx, str(node.key or "a list"), item, _PLAIN)
                else:
                    stack.append((item, named_only))
            continue
        if not isinstance(node, YMap):
            continue
        for key, (_, value) in node.entries.items():
            if not isinstance(value, YScalar):
                stack.append((value, named_only or key in _REFERENCE_KEYS))
            else:
                _check_credential(ctx, key, value, _PLAIN if named_only else _key_role(key))


def _check_credential(ctx: Context, key: str, value: YScalar, role: int) -> None:
    """A secret in one value: by its key's name (``role``), a JAAS password, or the value's shape."""
    if value.kind != "str" or not _literal(value.value):
        return
    jaas = _JAAS_PASSWORD.search(value.value) if role & _JAAS else None
    if jaas is not None and _literal(jaas.group("value")):
        ctx.report(
            literal_credential,
            value,
            f"`{key}` holds a literal password; reference a DataOS secret or `${{VAR}}` instead",
        )
        return
    secret = find_secret(value.value) if len(value.value) >= 6 else None
    if secret is not None:
        ctx.report_in(
            literal_credential,
            value,
            secret.start,
            secret.end,
            f"`{key}` holds {secret.detector.what} (`{mask(secret.text)}`); anyone who can read the manifest "
            "can use it: reference a DataOS secret or `${VAR}` instead",
        )
    elif role & _SECRET:
        ctx.report(
            literal_credential,
            value,
            f"`{key}` holds a literal secret; anyone who can read the manifest can use it: "
            "reference a DataOS secret or `${VAR}` instead",
        )


@checks(MISSING_KEY, scope="document")
def job_without_spec(doc: DocumentView, ctx: Context) -> None:
    """A dag job that is not Flare's (a Flare job is :func:`incomplete_job`'s) with nothing to run."""
    flare_items = {id(job.item) for job in doc.jobs}
    for item in doc.dag:
        # A Flare job whose `stack` sits at the job's level has its spec's keys there (FL105 says so).
        if id(item) not in flare_items and entry(item, "spec") is None and "file" not in item.entries:
            ctx.report(MISSING_KEY, anchor_of(item), "dag job has neither a `spec` nor a `file` to run")


@checks(MISSING_KEY, reads="job")
def incomplete_job(job: JobView, ctx: Context) -> None:
    """Requirements that depend on other keys, which the schema alone cannot express."""
    if "file" in job.spec.entries:
        return  # (`spec.file`: the manifest reference's place for a file holding the job's spec)
    item = job.item
    # The `spec:` key even when the spec's keys sit beside it, at the job's level.
    written = entry(item, "spec") if job.spec is item else None
    spec_anchor = written[0] if written is not None else anchor_of(job.spec)
    if job.section is None and job.section_key is None:
        ctx.report(MISSING_KEY, spec_anchor, "`spec` has no `stackSpec` section for the Flare job")
    legacy = job.section_key == "flare" or (job.version is not None and job.version <= LEGACY_LAYOUT_UNTIL)
    if entry(job.spec, "compute") is None and not legacy:
        ctx.report(
            MISSING_KEY,
            spec_anchor,
            "`spec` is missing `compute` (the runnable compute to run on, e.g. `runnable-default`)",
        )
    for source in job.inputs:
        # Standalone inputs (`inputType`) read through their connector block instead.
        if _standalone_block_missing(source, "input", ctx):
            continue
        if not ({"dataset", "query", "inputType"} & source.entries.keys()):
            ctx.report(MISSING_KEY, anchor_of(source), "input needs a `dataset` (or a `query`) to read")
    sunk = {s.text("outputName") for s in job.sinks}
    for output in job.outputs:
        if _standalone_block_missing(output, "output", ctx):
            continue
        keys = output.entries.keys()
        # Legacy outputs write through a sink into their `depot`, Standalone ones (`outputType`)
        # through their connector block.
        if "dataset" in keys or "outputType" in keys or ("depot" in keys and output.text("name") in sunk):
            continue
        if "depot" in keys and job.steps_elsewhere:
            continue  # its sink may be in the steps file
        what = "no sink writes into its `depot`" if "depot" in keys else "it has none"
        ctx.report(MISSING_KEY, anchor_of(output), f"output needs a `dataset` to write to ({what})")


#: Standalone kinds whose connection the docs write in another kind's block: `mysql` and `postgres`
#: are listed as kinds while every example writes a `jdbc:` block; the OpenSearch page writes
#: `elasticsearch:`.
_BLOCK_ALIASES = {"mysql": ("jdbc",), "postgres": ("jdbc",), "opensearch": ("elasticsearch",)}


@lru_cache(maxsize=2)
def _standalone_blocks(side: str) -> tuple[str, frozenset[str]]:
    """The key that selects a Standalone block on an input or output, and the block names, from the
    model: the kinds listed for ``inputType``/``outputType`` that are also keys beside it."""
    selector = "inputType" if side == "input" else "outputType"
    shape = shape_at(("workflow", "dag", 0, "spec", "stackSpec", "job", side + "s", 0))
    assert isinstance(shape, MapShape)
    doc = shape.fields[selector].doc
    kinds = doc.values if doc is not None else {}
    return selector, frozenset(kind for kind in kinds if kind in shape.fields)


def _standalone_block_missing(item: YMap, side: str, ctx: Context) -> bool:
    """A Standalone input or output whose kind and connection block do not go together: the kind names
    a block the item lacks, or a block sits there without the kind that selects it. True when reported."""
    selector, blocks = _standalone_blocks(side)
    present = [key for key in item.entries if key in blocks]
    kind = item.scalar(selector)
    if kind is not None:
        value = kind.value.strip().lower()
        if value not in blocks or {value, *_BLOCK_ALIASES.get(value, ())} & item.entries.keys():
            return False
        has = f" (it has `{present[0]}:`)" if present else ""
        ctx.report(
            MISSING_KEY,
            kind,
            f"`{selector}: {kind.value}` takes its connection from a `{value}:` block, which this {side} lacks{has}",
        )
        return True
    if present and not ({"dataset", "query", "depot"} & item.entries.keys()):
        block = item.entries[present[0]][0]
        ctx.report(
            MISSING_KEY,
            block,
            f"`{present[0]}:` is a Standalone connection block, read only with `{selector}: {present[0]}` beside it",
        )
        return True
    return False


def _compute(job: JobView) -> YScalar | None:
    """The job's ``compute``, unless it is empty or a placeholder filled in later."""
    node = job.spec.scalar("compute")
    return None if node is None or node.kind == "null" or is_placeholder(node.value) else node


@rule(
    "FL308",
    "query-compute",
    Severity.WARNING,
    "a Flare job placed on a query (Minerva) compute instead of a runnable one",
    reads="job",
)
def query_compute(job: JobView, ctx: Context) -> None:
    node = _compute(job)
    if node is None or not node.value.strip().lower().startswith("query-"):
        return
    ctx.report(
        query_compute,
        node,
        f"`compute: {node.value}` is a query compute (for Minerva queries); Flare jobs run on a runnable "
        "compute such as `runnable-default`",
        fix=replace_scalar(node, "runnable-default", "Change to `runnable-default`", safe=False),
    )


#: The runnable compute every DataOS installation provisions (docs/resources/compute/index.md); query
#: computes (``query-default``) are FL308's.
DEFAULT_COMPUTES = ("runnable-default",)


@rule(
    "FL310",
    "unknown-compute",
    Severity.WARNING,
    "a `compute` that is neither `runnable-default` nor one the project configuration lists",
    reads="job",
)
def unknown_compute(job: JobView, ctx: Context) -> None:
    node = _compute(job)
    if node is None:
        return
    value = node.value.strip()
    known = [*DEFAULT_COMPUTES, *sorted(job.computes)]
    if value in known or value.lower().startswith("query-"):
        return
    listed = ", ".join(f"`{k}`" for k in known[:6])
    message = f"`compute: {value}` is not a compute flare-ls knows ({listed})"
    suggestion, unique = best(value, known)
    fix = None
    if suggestion is not None:
        message += f"; did you mean `{suggestion}`?"
        fix = replace_scalar(node, suggestion, f"Change to `{suggestion}`", safe=False)
    else:
        message += "; if your team created it, list it in `computes` in flare-ls.toml"
    ctx.report(unknown_compute, node, message, fix=fix)


@rule(
    "FL309",
    "unknown-action-input",
    Severity.ERROR,
    "an action whose `input` names no input of the job",
    relational=True,
    reads="job",
)
def unknown_action_input(job: JobView, ctx: Context) -> None:
    if job.job is None or job.steps_elsewhere:
        return
    actions = mapping_items(job.job.get("actions"))
    if not actions:
        return
    inputs = job.job.get("inputs")
    if inputs is not None and not isinstance(inputs, YSeq) and getattr(inputs, "kind", None) != "null":
        return  # `inputs` written as a mapping: the schema walk says so, and the names are unknowable
    names = [n.value for item in job.inputs if (n := _name(item)) is not None]
    if any(is_placeholder(n) for n in names) or len(names) < len(job.inputs):
        return  # an input named later, or not at all: which names exist is unknowable
    folded = {n.lower() for n in names}
    steps = {n.value.lower(): n.value for item in job.sequence if (n := _name(item)) is not None}
    for action in actions:
        node = action.scalar("input")
        if node is None or node.kind == "null" or is_placeholder(node.value) or node.value.lower() in folded:
            continue
        value = node.value
        declared = ", ".join(f"`{n}`" for n in names[:6]) or "none"
        if value.lower() in steps:
            message = (
                f"`{value}` is a step of this job, not an input: an action runs on the dataset of an input "
                f"(inputs: {declared})"
            )
        else:
            message = f"action input `{value}` is not an input of this job (inputs: {declared})"
        suggestion, unique = best(value, names)
        fix = None
        if suggestion is not None:
            message += f"; did you mean `{suggestion}`?"
            fix = replace_scalar(node, suggestion, f"Change to `{suggestion}`", safe=unique)
        ctx.report(unknown_action_input, node, message, fix=fix)


@checks(DUPLICATE_KEY, reads="job")
def duplicate_spark_setting(job: JobView, ctx: Context) -> None:
    """``sparkConf`` is a list of one-key mappings, so YAML cannot see a setting given twice."""
    conf = job.section.get("sparkConf") if job.section is not None else None
    if not isinstance(conf, YSeq):
        return
    first: dict[str, YScalar] = {}
    for item in conf.items:
        if not isinstance(item, YMap):
            continue
        for key, (key_node, _) in item.entries.items():
            earlier = first.setdefault(key, key_node)
            if earlier is not key_node:
                ctx.report(
                    DUPLICATE_KEY,
                    key_node,
                    f"Spark setting `{key}` is already set on line {earlier.start[0] + 1}; the last value wins",
                    severity=Severity.WARNING,  # no loader rejects it: one value silently loses
                )


#: The metrics a column assertion's tests compare: the configuration page's table, and what the
#: (deprecated) assertions page adds. The ones that need ``validFormat.regex`` map to True.
ASSERTION_METRICS: dict[str, bool] = {
    **dict.fromkeys(
        ("avg", "avg_length", "distinct_count", "duplicate_count", "min", "max", "max_length", "min_length"),
        False,
    ),
    **dict.fromkeys(("missing_count", "missing_percentage", "sum"), False),
    **dict.fromkeys(("kurtosis", "variance", "skewness", "stddev", "null_count", "null_percentage"), False),
    **dict.fromkeys(("invalid_count", "invalid_percentage", "regex_match"), True),
}
#: A test: a metric compared with a value (``avg > 1000.00``, ``missing_count = 0``).
_TEST = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:==|=|!=|<>|<=|>=|<|>)")


@checks(UNKNOWN_VALUE, reads="job")
def assertion_metrics(job: JobView, ctx: Context) -> None:
    """The tests of a column assertion compare a metric: an unknown one is a warning (the pages list
    different sets), and one computed from ``validFormat`` needs it (FL104)."""
    if job.job is None:
        return
    assertions = mapping_items(job.job.get("assertions"))
    for output in job.outputs:
        assertions += mapping_items(output.get("assertions"))
    for assertion in assertions:
        if "sql" in assertion.entries or "column" not in assertion.entries:
            continue  # a `sql` assertion's tests name its result columns
        tests = assertion.get("tests")
        for test in tests.items if isinstance(tests, YSeq) else ():
            if not isinstance(test, YScalar) or test.kind != "str" or is_placeholder(test.value):
                continue
            match = _TEST.match(test.value)
            if match is None:
                continue
            metric = match.group(1)
            needs_format = ASSERTION_METRICS.get(metric.lower())
            if needs_format is None:
                suggestion, _ = best(metric, list(ASSERTION_METRICS))
                hint = f"; did you mean `{suggestion}`?" if suggestion is not None else ""
                ctx.report_in(
                    UNKNOWN_VALUE,
                    test,
                    match.start(1),
                    match.end(1),
                    f"`{metric}` is not a column metric flare-ls knows{hint}",
                )
            elif needs_format and "validFormat" not in assertion.entries:
                ctx.report_in(
                    MISSING_KEY,
                    test,
                    match.start(1),
                    match.end(1),
                    f"`{metric}` counts the values that do not match `validFormat.regex`, which this assertion lacks",
                )
