"""Streaming rules: the seed's attribute table and Spark's trigger semantics."""

from __future__ import annotations

import json
import re

from ..findings import Severity
from ..fixes import append_entries, delete_entry, indent_step, replace_scalar, yaml_scalar
from ..parsing.yamltree import YMap, YNode, YScalar, YSeq
from ..suggest import best
from ..views import DocumentView, JobView, is_placeholder
from .base import Context, job_context, rule

MICRO_BATCH_FREE = "Continuous"


def trigger_mode(job: JobView) -> YScalar | None:
    """The job's `streaming.triggerMode` scalar, if it has one."""
    return job.streaming.scalar("triggerMode") if job.streaming is not None else None


@rule(
    "FL201",
    "foreach-batch-with-continuous",
    Severity.ERROR,
    "`forEachBatchMode: true` needs micro-batches, which the Continuous trigger does not make",
    relational=True,
    reads="job",
)
def foreach_batch_with_continuous(job: JobView, ctx: Context) -> None:
    trigger = trigger_mode(job)
    if trigger is None or trigger.value != MICRO_BATCH_FREE or job.streaming is None:
        return
    flag = job.streaming.scalar("forEachBatchMode")
    if flag is None or flag.as_bool is not True:
        return
    ctx.report(
        foreach_batch_with_continuous,
        flag,
        "`forEachBatchMode: true` does not work with `triggerMode: Continuous`: foreachBatch runs on "
        "micro-batches and a Continuous query has none; use a micro-batch trigger (`ProcessingTime`) "
        "or drop `forEachBatchMode`",
        target="entry",
        fix=delete_entry(ctx.lines, flag, "Remove `forEachBatchMode`", safe=False),
    )


SESSION_CHECKPOINT = "spark.sql.streaming.checkpointLocation"


def checkpoint_nodes(job: JobView) -> list[YScalar]:
    """Every place a checkpoint can be given: ``streaming`` (or its ``extraOptions``), an output, an
    output's options, or Spark's session-wide root in ``sparkConf``."""
    found: list[YScalar] = []
    holders: list[YMap] = []
    if job.streaming is not None:
        holders.append(job.streaming)
        extra = job.streaming.get("extraOptions")
        if isinstance(extra, YMap):
            holders.append(extra)
    if job.section is not None:  # a session-wide root: spark.sql.streaming.checkpointLocation
        conf = job.section.get("sparkConf")
        items = conf.items if isinstance(conf, YSeq) else [conf] if isinstance(conf, YMap) else []
        for item in items:
            if isinstance(item, YMap) and (node := item.scalar(SESSION_CHECKPOINT)) is not None:
                found.append(node)
    for output in job.outputs:
        holders.append(output)
        options = output.get("options")
        if isinstance(options, YMap):
            holders.append(options)
            extra = options.get("extraOptions")
            if isinstance(extra, YMap):
                holders.append(extra)
    for holder in holders:
        node = holder.scalar("checkpointLocation")
        if node is not None and node.value.strip():
            found.append(node)
    return found


@rule(
    "FL202",
    "missing-checkpoint-location",
    Severity.ERROR,
    "a streaming job without `checkpointLocation`",
    relational=True,
    reads="job",
)
def missing_checkpoint_location(job: JobView, ctx: Context) -> None:
    if not job.is_streaming or checkpoint_nodes(job) or job.job is None:
        return
    flag = job.stream_inputs[0].scalar("isStream")
    where = job.streaming.key_node if job.streaming is not None else flag.key_node if flag else None
    if where is None:
        return
    name = job.name.value if job.name is not None else "job"
    workflow = _workflow_name(job) or "workflow"
    location = f"dataos://lakehouse:checkpoints/{workflow}/{name}?acl=rw"
    if job.streaming is not None:
        fix = append_entries(
            ctx.lines,
            job.streaming,
            [f"checkpointLocation: {yaml_scalar(location)}"],
            "Add a `checkpointLocation` to `streaming`",
        )
    else:
        step = indent_step(ctx.lines, job.job)
        fix = append_entries(
            ctx.lines,
            job.job,
            ["streaming:", " " * step + f"checkpointLocation: {yaml_scalar(location)}"],
            "Add a `streaming` section with a `checkpointLocation`",
        )
    ctx.report(
        missing_checkpoint_location,
        where,
        "streaming job has no `checkpointLocation`: Spark refuses to start a streaming query without one, "
        "and it is where progress is kept across restarts; set it in `streaming` (or on the output)",
        fix=fix,
    )


@job_context
def _workflow_facts(doc: DocumentView) -> object:
    """What FL202 and FL209 read outside their job: the workflow's name and the schedule's ``cron``."""
    holder = doc.dag[0].parent.parent if doc.dag and doc.dag[0].parent is not None else None
    schedule = holder.get("schedule") if isinstance(holder, YMap) else None
    cron = schedule.get("cron") if isinstance(schedule, YMap) else None
    return doc.root.text("name"), cron.value if isinstance(cron, YScalar) else type(cron)


def _workflow_name(job: JobView) -> str | None:
    node: YNode | None = job.item
    while node is not None and node.parent is not None:
        node = node.parent
    if isinstance(node, YMap):
        name = node.text("name")
        if name and not is_placeholder(name):
            return name
    return None


@rule(
    "FL203",
    "streaming-without-stream-input",
    Severity.WARNING,
    "a `streaming` section, but no input with `isStream: true`",
    relational=True,
    reads="job",
)
def streaming_without_stream_input(job: JobView, ctx: Context) -> None:
    if job.streaming is None or job.is_streaming or not job.inputs:
        return
    fix = None
    # Offer to mark the input only when a trigger shows the author wants a stream; a section holding
    # only a checkpoint (the Event Hubs write examples) is more likely meant to go.
    if len(job.inputs) == 1 and "triggerMode" in job.streaming.entries:
        only = job.inputs[0]
        flag = only.scalar("isStream")
        if flag is not None:
            fix = replace_scalar(flag, "true", "Set `isStream: true` on the input", safe=False)
        else:
            fix = append_entries(ctx.lines, only, ["isStream: true"], "Add `isStream: true` to the input")
    assert job.streaming.key_node is not None
    ctx.report(
        streaming_without_stream_input,
        job.streaming.key_node,
        "`streaming` is set but no input has `isStream: true`: without a stream input the job is not a "
        "streaming query, so these settings do not apply as written; mark the input that is a stream with "
        "`isStream: true`, or remove `streaming`",
        fix=fix,
    )


@rule(
    "FL204",
    "trigger-duration-ignored",
    Severity.WARNING,
    "`triggerDuration` with a trigger that does not use it (`Once`, `AvailableNow`)",
    relational=True,
    reads="job",
)
def trigger_duration_ignored(job: JobView, ctx: Context) -> None:
    trigger = trigger_mode(job)
    if trigger is None or trigger.value not in ("Once", "AvailableNow") or job.streaming is None:
        return
    duration = job.streaming.get("triggerDuration")
    if duration is None:
        return
    ctx.report(
        trigger_duration_ignored,
        duration,
        f"`triggerDuration` has no effect with `triggerMode: {trigger.value}`, which processes what is "
        "available and stops; it is used by `ProcessingTime` and `Continuous` only",
        target="entry",
        fix=delete_entry(ctx.lines, duration, "Remove `triggerDuration`", safe=True),
        tags=("unnecessary",),
    )


_UNITS = {
    "week": "weeks",
    "day": "days",
    "hour": "hours",
    "minute": "minutes",
    "second": "seconds",
    "millisecond": "milliseconds",
    "microsecond": "microseconds",
    "nanosecond": "nanoseconds",
    "month": "months",
    "year": "years",
}
_UNIT_RE = "|".join(sorted(_UNITS, key=len, reverse=True))
_PAIR = re.compile(rf"\s*([+-]?)(\d+(?:\.\d*)?|\.\d+)\s+({_UNIT_RE})s?(?=\s|$)", re.I)
_COMPACT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|msec|millis|s|sec|secs|m|min|mins|h|hr|hrs|d)\s*$", re.I)
_COMPACT_UNITS = {
    "ms": "milliseconds",
    "msec": "milliseconds",
    "millis": "milliseconds",
    "s": "seconds",
    "sec": "seconds",
    "secs": "seconds",
    "m": "minutes",
    "min": "minutes",
    "mins": "minutes",
    "h": "hours",
    "hr": "hours",
    "hrs": "hours",
    "d": "days",
}


def interval_problem(text: str) -> str | None:
    """Why Spark's trigger interval parser rejects ``text``, or None when it accepts it.

    Mirrors ``IntervalUtils.stringToInterval`` as the triggers use it: optional ``interval`` prefix,
    then ``<number> <unit>`` pairs (units singular or plural, any case); only seconds take a
    fraction; month and year parts and negative totals are refused.
    """
    body = text.strip()
    if body.lower().startswith("interval"):
        body = body[len("interval") :]
    if not body.strip():
        return "it is empty"
    position, total_ms, months = 0, 0.0, False
    while position < len(body):
        if not body[position:].strip():
            break
        match = _PAIR.match(body, position)
        if match is None:
            return "Spark expects `<number> <unit>` pairs such as `10 seconds` or `1 minute 30 seconds`"
        sign, number, unit = match.group(1), match.group(2), match.group(3).lower()
        if "." in number and unit != "second":
            return f"only seconds may have a fraction, not {unit}s"
        if unit in ("month", "year"):
            months = True
        scale = {
            "week": 604_800_000,
            "day": 86_400_000,
            "hour": 3_600_000,
            "minute": 60_000,
            "second": 1000,
            "millisecond": 1,
            "microsecond": 0.001,
            "nanosecond": 1e-6,
        }.get(unit, 0)
        total_ms += (-1 if sign == "-" else 1) * float(number) * scale
        position = match.end()
    if months:
        return "Spark triggers do not accept month or year intervals"
    if total_ms < 0:
        return "a trigger interval cannot be negative"
    return None


def compact_to_spark(text: str) -> str | None:
    """``10s`` -> ``10 seconds``: the Spark spelling of a compact duration, when it is one."""
    match = _COMPACT.match(text)
    if match is None:
        return None
    number, unit = match.group(1), _COMPACT_UNITS[match.group(2).lower()]
    if "." in number and unit != "seconds":
        return None  # Spark takes fractions of seconds only; converting units is the author's call
    return f"{number} {unit[:-1] if number == '1' else unit}"


@rule(
    "FL205",
    "invalid-trigger-duration",
    Severity.ERROR,
    "`triggerDuration` that Spark cannot parse as an interval",
    reads="job",
)
def invalid_trigger_duration(job: JobView, ctx: Context) -> None:
    node = job.streaming.scalar("triggerDuration") if job.streaming is not None else None
    if node is None or node.kind == "null" or is_placeholder(node.value):
        return
    problem = interval_problem(node.value)
    if problem is None:
        return
    spark = compact_to_spark(node.value)
    if spark is not None:
        ctx.report(
            invalid_trigger_duration,
            node,
            f"`triggerDuration: {node.value}` is not a Spark interval; write `{spark}`",
            fix=replace_scalar(node, spark, f"Change to `{spark}`", safe=True),
        )
        return
    ctx.report(invalid_trigger_duration, node, f"`triggerDuration: {node.value}` is not a valid interval: {problem}")


_OFFSET_WORDS = ("earliest", "latest")


@rule(
    "FL206",
    "invalid-starting-offsets",
    Severity.ERROR,
    "`startingOffsets` other than `earliest`, `latest` or a JSON offsets object",
    reads="job",
)
def invalid_starting_offsets(job: JobView, ctx: Context) -> None:
    for item in job.inputs:
        options = item.get("options")
        if not isinstance(options, YMap):
            continue
        node = options.scalar("startingOffsets")
        if node is None or node.kind == "null" or is_placeholder(node.value):
            continue
        value = node.value.strip()
        if value.lower() in _OFFSET_WORDS:
            continue
        if value.startswith("{"):
            try:
                if isinstance(json.loads(value), dict):
                    continue
            except ValueError:
                ctx.report(
                    invalid_starting_offsets,
                    node,
                    "`startingOffsets` looks like a JSON offsets object but is not valid JSON",
                )
                continue
        suggestion, unique = best(value, _OFFSET_WORDS)
        if suggestion is not None:
            ctx.report(
                invalid_starting_offsets,
                node,
                f"`startingOffsets` does not accept `{value}`; did you mean `{suggestion}`?",
                fix=replace_scalar(node, suggestion, f"Change to `{suggestion}`", safe=unique),
            )
        else:
            ctx.report(
                invalid_starting_offsets,
                node,
                f"`startingOffsets` does not accept `{value}`; use `earliest`, `latest` or a JSON object "
                'of offsets per partition such as `{"topic":{"0":23}}`',
            )


@rule(
    "FL207",
    "batch-mode-with-trigger",
    Severity.WARNING,
    "`batchMode` with a trigger that keeps running (`ProcessingTime`, `Continuous`)",
    relational=True,
    reads="job",
)
def batch_mode_with_trigger(job: JobView, ctx: Context) -> None:
    trigger = trigger_mode(job)
    if trigger is None or trigger.value not in ("ProcessingTime", "Continuous") or job.streaming is None:
        return
    flag = job.streaming.scalar("batchMode")
    if flag is None or flag.as_bool is not True:
        return
    ctx.report(
        batch_mode_with_trigger,
        flag,
        f"`batchMode: true` contradicts `triggerMode: {trigger.value}`: batch mode belongs to triggers that "
        "stop when the data is processed (`Once`, `AvailableNow`)",
        target="entry",
    )


#: Formats that read or write Kafka, lower-cased (Flare's spellings vary: KAFKAJSON, KafkaAvro).
KAFKA_FORMATS = frozenset({"kafka", "kafkajson", "kafkaavro"})


@rule(
    "FL208",
    "continuous-unsupported-sink",
    Severity.WARNING,
    "a `Continuous` trigger writing to a sink Spark's continuous processing does not support",
    relational=True,
    reads="job",
)
def continuous_unsupported_sink(job: JobView, ctx: Context) -> None:
    trigger = trigger_mode(job)
    if trigger is None or trigger.value != MICRO_BATCH_FREE:
        return
    for output in job.outputs:
        node = output.scalar("format") or output.scalar("name")
        fmt = output.text("format")
        if node is None or fmt is None or is_placeholder(fmt) or fmt.strip().lower() in KAFKA_FORMATS:
            continue
        ctx.report(
            continuous_unsupported_sink,
            node,
            f"`triggerMode: Continuous` writes to `{fmt}`: Spark's continuous processing supports only Kafka "
            "sinks (and memory/console for debugging), so Spark refuses this query unless Flare routes the "
            "write itself; use `ProcessingTime` with a short `triggerDuration` for other sinks",
        )


NEVER_STOPPING = (None, "ProcessingTime", "Continuous")


@rule(
    "FL209",
    "streaming-job-on-schedule",
    Severity.WARNING,
    "a streaming query that never stops, in a cron-scheduled workflow",
    relational=True,
    reads="job",
)
def streaming_job_on_schedule(job: JobView, ctx: Context) -> None:
    if not job.is_streaming:
        return
    cron = _schedule_cron(job)
    trigger = trigger_mode(job)
    mode = trigger.value if trigger is not None else None
    if cron is None or mode not in NEVER_STOPPING:
        return
    where = trigger if trigger is not None else job.stream_inputs[0].scalar("isStream")
    assert where is not None
    how = f"has `triggerMode: {mode}`, which never stops" if mode else "has no `triggerMode`, so it never stops"
    ctx.report(
        streaming_job_on_schedule,
        where,
        f"the workflow runs on a schedule (`cron: {cron.value}`), but this streaming job {how}: each tick "
        "starts another run while the last is still running; use `Once` or `AvailableNow` for a scheduled "
        "job, or remove the schedule for a continuous one",
        target="entry" if trigger is not None else "key",
    )


def _schedule_cron(job: JobView) -> YScalar | None:
    workflow = job.item.parent.parent if job.item.parent is not None else None
    if not isinstance(workflow, YMap):
        return None
    schedule = workflow.get("schedule")
    return schedule.scalar("cron") if isinstance(schedule, YMap) else None


@rule(
    "FL210",
    "local-checkpoint",
    Severity.WARNING,
    "a `checkpointLocation` on the pod's local disk, lost when the pod goes",
    reads="job",
)
def local_checkpoint(job: JobView, ctx: Context) -> None:
    for node in checkpoint_nodes(job):
        value = node.value.strip()
        # dataos://, s3a://, abfss://, gs://... are fault-tolerant stores; a bare or file: path is local.
        local = "://" not in value or value.lower().startswith("file:")
        if local and not is_placeholder(value):
            ctx.report(
                local_checkpoint,
                node,
                f"checkpoint `{value}` is a local path: it lives on the driver pod's disk and is gone when "
                "the pod is replaced, so a restarted query starts over; Spark wants a fault-tolerant, "
                "HDFS-compatible location such as `dataos://lakehouse:checkpoints/...`",
            )
