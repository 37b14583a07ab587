"""The schema of a DataOS Flare workflow manifest, with the documentation of every attribute.

A Flare job is a YAML Workflow resource whose dag entries run on the Flare stack (Apache Spark). The
document is nested like this, and each level is one class below::

    Manifest                      version, name, type: workflow, tags, ...
      workflow: Workflow          title, schedule, dag
        schedule: Schedule        cron, concurrencyPolicy, endOn, timezone
        dag[]: DagJob             name, dependencies, spec, ...
          spec: JobSpec           stack, compute, envs, ... and the Flare body:
            stackSpec: FlareStackSpec     (legacy spelling `flare:`)
              driver / executor / sparkConf
              job: Job
                streaming: Streaming
                inputs[]: Input           options: InputOptions, incremental: Incremental
                outputs[]: Output         options: OutputOptions (iceberg: IcebergOptions, ...)
                steps[]: Step             sequence[]: SequenceItem, legacy sink[]: Sink
                assertions[]: Assertion
                actions[]: Action
                profile: Profile

Every field is declared with :func:`flare_ls.schema.attrs.attr`; its ``AttrDoc`` feeds the analyzer,
hover/completion and the JSON Schema export. Field names are the YAML keys; keys that are not Python
identifiers (``write.format.default``) or that shadow a pydantic attribute (``schema``) use an alias.

`Section` classes are closed (an unknown key is reported); `OpenSection` classes are free-form maps
passed on to Spark or Iceberg, with their well-known keys documented.

The text is our own summary of the DataOS documentation, the DataOS Spark SDK and the Apache Spark
documentation. Where those sources disagree, the ``notes`` of the attribute say so and what we chose.
"""

from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field

from flare_ls.schema.actions import Action
from flare_ls.schema.attrs import (  # noqa: F401  (LEGACY_LAYOUT_UNTIL: see the note by STACK_VERSIONS)
    CURRENT_STACK,
    LEGACY_LAYOUT_UNTIL,
    TRIGGER_MODES,
    Legacy,
    OpenSection,
    Section,
    attr,
    stacks_from,
)
from flare_ls.schema.connectors import (
    KAFKA_STACKS,
    KAFKA_WHY,
    READ_OPTIONS,
    BigQueryConnectorOptions,
    ElasticsearchOptions,
    EventhubOptions,
    FileWriteOptions,
    IcebergWriteOptions,
    JdbcOptions,
    KafkaWriteOptions,
    MongoOptions,
    OpensearchOptions,
    PulsarOptions,
    RedshiftOptions,
    SnowflakeOptions,
)
from flare_ls.schema.functions import Function
from flare_ls.schema.shapes import ByKey, OneOf, Tagged

#: Any YAML scalar.
Scalar = str | int | float | bool

#: Stack names a Flare dag job may declare in ``spec.stack``, each with what a manifest of that era
#: looks like.
STACK_VERSIONS: dict[str, str] = {
    "flare:1.0": "Early legacy layout: `spec.flare` section, `steps[].sink[]` writing to `depot` "
    "outputs, Standalone `inputType`/`outputType` blocks; manifests usually `version: v1beta1`.",
    "flare:2.0": "Legacy layout like 1.0: `spec.flare`, `sink` steps and `depot` outputs; often no `compute`.",
    "flare:3.0": "Legacy layout: `spec.flare`, `sink` steps, `inputType` in Standalone jobs; writes to "
    "Iceberg were commonly followed by a `toolbox` job.",
    "flare:4.0": "Last version documented with the legacy layout (`spec.flare`), though some examples "
    "already use `stackSpec`; adds pre-sink assertions and Iceberg actions (`expireOlderThan`).",
    "flare:5.0": "`stackSpec` replaces `flare`; inputs and outputs are `dataset` addresses with `format`.",
    "flare:6.0": "`stackSpec` layout; the streaming trigger-mode examples were written against it.",
    "flare:7.0": "Current version: `stackSpec` layout; the docs target it (actions and Kafka need it) and "
    "moved their 5.0/6.0 examples to it.",
    "flare": "Unversioned stack name, seen in a streaming Kafka example and the workflow docs; which Flare "
    "release it resolves to is undocumented.",
}

# CURRENT_STACK (the stack the documentation targets) and LEGACY_LAYOUT_UNTIL (the last version whose
# documented layout is `spec.flare`) live in `attrdoc.py`, which the analyzer imports without pydantic;
# they are imported here because the model's documentation is written against them.

# Trigger-mode applicability, as the streaming specification's attribute table gives it.
_ALL_TRIGGERS = TRIGGER_MODES
_INTERVAL_TRIGGERS = ("ProcessingTime", "Continuous")
_MICRO_BATCH_TRIGGERS = ("ProcessingTime", "AvailableNow", "Once")
_RUN_TO_END_TRIGGERS = ("Once", "AvailableNow")

_LEVELS_BASIC: dict[str, str] = {
    "INFO": "Progress messages (the default).",
    "WARN": "Only potential problems and errors.",
    "DEBUG": "Fine-grained messages for troubleshooting; verbose.",
    "ERROR": "Only errors.",
}

_INPUT_FORMATS: dict[str, str] = {
    "iceberg": "Iceberg table in a Lakehouse (Icebase) depot; the default.",
    "parquet": "Parquet files in object storage.",
    "csv": "CSV files; see `header`, `inferSchema`, `delimiter` options.",
    "json": "JSON files (one object per line unless `multiLine`).",
    "avro": "Avro files.",
    "orc": "ORC files.",
    "text": "Plain text files, one row per line.",
    "xml": "XML files.",
    "xlsx": "Excel workbooks (`sheetName` option).",
    "delta": "Delta Lake table.",
    "hudi": "Apache Hudi table.",
    "db": "Database depot, as the docs' format list names it.",
    "jdbc": "JDBC database depot (Postgres, MySQL, MSSQL, Oracle); needs `options.driver`.",
    "bigquery": "Google BigQuery table.",
    "snowflake": "Snowflake table.",
    "redshift": "Amazon Redshift table.",
    "mongodb": "MongoDB collection.",
    "elasticsearch": "Elasticsearch index.",
    "opensearch": "OpenSearch index.",
    "kafkajson": "Kafka topic with JSON values (key and value arrive as binary).",
    "kafkaavro": "Kafka topic with Avro values and a schema registry.",
    "pulsar": "Pulsar topic (system streams), seen in examples.",
    "eventhub": "Azure Event Hubs stream, seen in examples.",
}

_OUTPUT_FORMATS: dict[str, str] = {
    "iceberg": "Iceberg table in a Lakehouse (Icebase) depot.",
    "parquet": "Parquet files in object storage.",
    "csv": "CSV files.",
    "json": "JSON files.",
    "avro": "Avro files.",
    "orc": "ORC files.",
    "text": "Plain text files.",
    "delta": "Delta Lake table.",
    "jdbc": "JDBC database table; needs `driver` on the output.",
    "bigquery": "Google BigQuery table (`options.bigquery.temporaryBucket`).",
    "snowflake": "Snowflake table.",
    "redshift": "Amazon Redshift table.",
    "mongodb": "MongoDB collection.",
    "elasticsearch": "Elasticsearch index.",
    "opensearch": "OpenSearch index.",
    "kafkajson": "Kafka topic, JSON values.",
    "kafkaavro": "Kafka topic, Avro values.",
    "pulsar": "Pulsar topic.",
    "eventhub": "Azure Event Hubs.",
    "cassandra": "Cassandra table (in the SDK's output formats; no published example).",
    "redis": "Redis (in the SDK's output formats; no published example).",
}

#: What current docs still write with ``sink`` and ``depot`` (Beacon's query-pushdown pages, flare:7.0).
_JDBC_QUERY_SINKS = (
    "sinks with `outputType: JDBCQuery` (an SQL statement per row, such as an upsert), which `outputs` "
    "entries cannot express"
)

_STANDALONE_INPUT = Legacy(
    replacement="`dataset` (a `dataos://` address of a depot) with `format`",
    note="Flare Standalone read connection details from this block; production jobs read through depots.",
)
_STANDALONE_OUTPUT = Legacy(
    replacement="`dataset` (a `dataos://` address of a depot) with `format`",
    note="Flare Standalone wrote through this block; production jobs write through depots.",
)


# ---------------------------------------------------------------------------------------------------
# workflow.dag[].spec: platform attributes shared by all stacks
# ---------------------------------------------------------------------------------------------------


class Retry(Section):
    """How a failed dag job is retried: ``workflow.dag[].spec.retry`` (also seen at
    ``workflow.dag[].retry``)."""

    count: int = attr(
        "Integer: how many times the job is retried after a failure.",
        examples=("2", "3"),
    )
    strategy: Literal["Always", "OnFailure", "OnError", "OnTransientError"] = attr(
        "Which failures trigger a retry.",
        values={
            "Always": "Retry whenever the job ends unsuccessfully.",
            "OnFailure": "Retry when the job's container fails (the default).",
            "OnError": "Retry on platform errors as well as failures.",
            "OnTransientError": "Retry only on errors classified as transient (e.g. lost nodes).",
        },
        default="OnFailure",
    )
    duration: str = attr(
        "Wait before a retry, as a duration string.",
        notes=("Only in the workflow manifest reference; no example sets it.",),
        examples=("1m", "30s"),
    )
    maxDuration: str = attr(
        "Upper bound on the wait between retries, as a duration string.",
        notes=("Only in the workflow manifest reference; no example sets it.",),
        examples=("5m",),
    )


class ResourceQuantities(Section):
    """CPU and memory quantities: ``spec.resources.requests`` / ``spec.resources.limits``."""

    cpu: str | int | float = attr(
        "CPU as a Kubernetes quantity: `500m` is half a core, `1` or `1000m` one core.",
        examples=("500m", "1"),
    )
    memory: str = attr(
        "Memory as a Kubernetes quantity (`Mi`, `Gi`).",
        examples=("512Mi", "2Gi"),
    )


class Resources(Section):
    """Pod resource requests and limits of a dag job: ``workflow.dag[].spec.resources``."""

    requests: ResourceQuantities = attr("Resources the job's pod is guaranteed (`cpu`, `memory`).")
    limits: ResourceQuantities = attr("Most resources the job's pod may use (`cpu`, `memory`).")


class Volume(Section):
    """A volume mounted into the job: ``spec.persistentVolume`` and ``spec.dataosVolumes[]``."""

    name: str = attr("Name of the Volume resource to mount.", examples=("persistent-v",))
    directory: str = attr(
        "Directory of the volume the job works in.",
        notes=("Profiling jobs use `directory: fides`.",),
        examples=("fides",),
    )
    readOnly: bool = attr("Boolean: mount the volume read-only.")
    subPath: str = attr("Sub-directory of the volume to mount instead of its root.")


class DataosSecret(Section):
    """A DataOS Secret made available to the job: ``workflow.dag[].spec.dataosSecrets[]``."""

    name: str = attr("Name of the Secret resource.")
    workspace: str = attr("Workspace the Secret lives in.", examples=("public",))
    key: str = attr("Single key of the Secret to expose.")
    keys: list[str] = attr("List of keys of the Secret to expose.")
    allKeys: bool = attr("Boolean: expose every key of the Secret.")
    consumptionType: str = attr(
        "How the secret reaches the job, e.g. as environment variables.",
        examples=("envVars",),
    )


class Topology(Section):
    """An element of the job's declared topology: ``workflow.dag[].spec.topology[]``."""

    name: str = attr("Name of the topology element.")
    type: str = attr("Type of the element.")
    doc: str = attr("Documentation of the element.")
    properties: dict[str, Any] = attr("Mapping of custom properties of the element.")
    dependencies: list[str] = attr("Names of the elements this one depends on.")


class ToolboxAction(Section):
    """The operation of a Toolbox job: ``workflow.dag[].spec.toolbox.action``."""

    name: str = attr(
        "Toolbox operation to run.",
        examples=("set_version",),
    )
    value: str = attr(
        "Argument of the operation; for `set_version`, the metadata version to point the dataset at.",
        examples=("latest",),
    )


class Toolbox(Section):
    """Body of a dag job that runs on the Toolbox stack (``stack: toolbox``): ``workflow.dag[].spec.toolbox``.

    Not Flare: older workflows follow an Iceberg write with such a job to register the new metadata
    version (``action: {name: set_version, value: latest}``). Flare 5.0+ examples no longer do.
    """

    dataset: str = attr(
        "`dataos://` address of the Iceberg dataset whose metadata is updated.",
        examples=("dataos://icebase:retail/city?acl=rw",),
    )
    action: ToolboxAction = attr("The operation to run on the dataset (`name`, `value`).")


# ---------------------------------------------------------------------------------------------------
# stackSpec.job.outputs[].options
# ---------------------------------------------------------------------------------------------------


class IcebergProperties(OpenSection):
    """Iceberg table properties and write options: ``outputs[].options.iceberg.properties``.

    Any Iceberg property may be set; the keys below are those the examples use.
    """

    write_format_default: str = attr(
        "File format of the table's data files.",
        alias="write.format.default",
        values={
            "parquet": "Parquet data files (Iceberg's default).",
            "avro": "Avro data files.",
            "orc": "ORC data files.",
        },
        case_insensitive=True,
        default="parquet",
    )
    write_metadata_compression_codec: str = attr(
        "Compression of the table's metadata files.",
        alias="write.metadata.compression-codec",
        values={
            "gzip": "Gzip-compressed metadata (what every example sets).",
            "none": "Uncompressed metadata (Iceberg's default).",
            "snappy": "Listed by Flare's configuration page beside gzip.",
        },
        case_insensitive=True,
        closed=False,
        unlisted=("none",),
        doubtful={
            "snappy": "Flare's configuration page lists it, but Iceberg's metadata codecs are only `none` and "
            "`gzip`, and it fails the commit on any other",
        },
        notes=(
            "Flare's docs list gzip (default) and snappy; Iceberg itself accepts none and gzip, so snappy is doubtful.",
            "`write.metadatacompression-codec` (missing dot) appears in published examples and is ignored.",
        ),
    )
    write_metadata_previous_versions_max: int | str = attr(
        "How many previous metadata files are kept after each commit (Iceberg default 100).",
        alias="write.metadata.previous-versions-max",
        examples=('"10"',),
    )
    history_expire_max_snapshot_age_ms: int | str = attr(
        "Default maximum age, in milliseconds, of snapshots kept when snapshots are expired "
        "(Iceberg default 432000000, five days).",
        alias="history.expire.max-snapshot-age-ms",
        examples=('"7200000"',),
    )
    overwrite_mode: str = attr(
        "How `saveMode: overwrite` replaces data in a partitioned table.",
        alias="overwrite-mode",
        values={
            "dynamic": "Replace only the partitions the written data touches.",
            "static": "Replace the partitions selected by the write (the whole table without a filter).",
        },
        case_insensitive=True,
        closed=False,
        notes=("Spark's Iceberg write option; Flare's data-replay example passes it among the properties.",),
    )


class _PartitionField(Section):
    """One partition field of an Iceberg output: ``outputs[].options.iceberg.partitionSpec[]``."""

    one_of: ClassVar[tuple[OneOf, ...]] = (
        OneOf(("name", "asColumn"), "both name the partition field; the examples and the SDK write `name`"),
    )

    column: str = attr(
        "Source column the partition is derived from.",
        required=True,
        examples=("country_name", "ts_city"),
    )
    name: str = attr(
        "Name of the partition field Iceberg creates; should differ from existing column names.",
        examples=("year_partition",),
    )
    asColumn: str = attr(
        "Name of the partition field, as Flare's attribute reference spells it.",
        notes=(
            "The flare:7.0 configuration page writes `asColumn`; its examples, the partitioning page and the "
            "SDK write `name`. Give one of the two.",
        ),
    )


def _transform(transform: str, description: str) -> Any:
    return attr(description, required=True, examples=(transform,))


class IdentityPartition(_PartitionField):
    """One partition per distinct value of the column."""

    type: Literal["identity"] = _transform("identity", "One partition per distinct value of the column.")


class YearPartition(_PartitionField):
    """Partitions by the year of a date or timestamp column."""

    type: Literal["year"] = _transform("year", "Partition by the year of a date or timestamp column.")


class MonthPartition(_PartitionField):
    """Partitions by the month of a date or timestamp column."""

    type: Literal["month"] = _transform("month", "Partition by month of a date or timestamp column.")


class DayPartition(_PartitionField):
    """Partitions by the day of a date or timestamp column."""

    type: Literal["day"] = _transform("day", "Partition by day of a date or timestamp column.")


class HourPartition(_PartitionField):
    """Partitions by the hour of a timestamp column."""

    type: Literal["hour"] = _transform("hour", "Partition by hour of a timestamp column.")


class BucketPartition(_PartitionField):
    """Hashes the column into a fixed number of buckets (`numBuckets`), for columns with many values."""

    type: Literal["bucket"] = _transform("bucket", "Hash the column into `numBuckets` buckets.")
    numBuckets: int = attr(
        "Integer: number of buckets the column is hashed into.",
        required=True,
        notes=("The SDK makes it optional on every transform; without it a bucket transform has no width.",),
        examples=("8",),
    )


#: One item of ``outputs[].options.iceberg.partitionSpec``: the transform its ``type`` selects.
PartitionSpec = Annotated[
    IdentityPartition | YearPartition | MonthPartition | DayPartition | HourPartition | BucketPartition,
    Field(discriminator="type"),
    Tagged(
        noun="partition transform",
        member="key",
        description="Partition transform applied to `column`; the SDK requires it (`type: String`), and every "
        "example sets it.",
    ),
]


class Merge(Section):
    """MERGE INTO settings of an Iceberg output: ``outputs[].options.iceberg.merge``."""

    onClause: str = attr(
        "Match condition between existing rows (`old.`) and incoming rows (`new.`).",
        notes=("Combine conditions with AND; OR is not supported.", "Needed together with `whenClause`."),
        examples=("old.city_id = new.city_id",),
    )
    whenClause: str = attr(
        "What to do with matched and unmatched rows, in MERGE syntax.",
        notes=(
            "The job needs `sparkConf: - spark.sql.extensions: "
            "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions`.",
        ),
        examples=("matched then update set * when not matched then insert *",),
    )


class IcebergOptions(Section):
    """Iceberg-specific write settings: ``stackSpec.job.outputs[].options.iceberg``."""

    properties: IcebergProperties = attr(
        "Mapping of Iceberg table properties and write options (string values).",
    )
    partitionSpec: list[PartitionSpec] = attr(
        "List of partition fields of the table (`type`, `column`, `name`).",
        notes=("Must sit under `options.iceberg`: elsewhere it is ignored and no partitioning happens.",),
    )
    merge: Merge = attr(
        "Upsert into the table with MERGE INTO instead of appending or overwriting (`onClause`, `whenClause`).",
    )


class SortColumn(Section):
    """One sort key: ``outputs[].options.sort.columns[]``."""

    name: str = attr("Column to sort by.")
    order: str = attr(
        "Sort direction.",
        values={
            "asc": "Ascending (the default).",
            "desc": "Descending.",
            "asc_nulls_first": "Ascending, nulls first (SDK value).",
            "asc_nulls_last": "Ascending, nulls last (SDK value).",
            "desc_nulls_first": "Descending, nulls first (SDK value).",
            "desc_nulls_last": "Descending, nulls last (SDK value).",
        },
        case_insensitive=True,
        default="asc",
        notes=("Examples only use asc and desc; the null-ordering values come from the SDK's enum.",),
    )


class Sort(Section):
    """Sorting of written data: ``stackSpec.job.outputs[].options.sort``."""

    mode: str = attr(
        "Scope of the sort.",
        values={
            "partition": "Sort within each partition (the SDK default).",
            "global": "Sort the whole output.",
        },
        case_insensitive=True,
        default="partition",
    )
    columns: list[SortColumn] = attr("List of sort keys (`name`, `order`).")


class BigQueryOptions(Section):
    """BigQuery write settings: ``stackSpec.job.outputs[].options.bigquery``."""

    temporaryBucket: str = attr(
        "GCS bucket used to stage data for indirect writes.",
        examples=("tmdc-development-new",),
    )
    persistentBucket: str = attr("GCS bucket where staged data is kept after the write.")


class FileOutputSettings(Section):
    """File-output settings of the syndication example: ``outputs[].options.file``."""

    saveMode: str = attr(
        "What happens to data already in the target.",
        values={"overwrite": "Replace the target's data.", "append": "Add the new rows."},
        case_insensitive=True,
        closed=False,
        examples=("Overwrite",),
    )
    outputType: str = attr(
        "File format written.",
        values={"CSV": "CSV files.", "JSON": "JSON files.", "Parquet": "Parquet files."},
        case_insensitive=True,
        closed=False,
        examples=("CSV",),
    )


class WriteOptions(OpenSection):
    """What every output's ``options`` may hold, whatever its format (see :class:`OutputOptions`)."""

    saveMode: str = attr(
        "What happens to data already in the target.",
        values={
            "overwrite": "Replace the target's data (with Iceberg `overwrite-mode: dynamic`, only the "
            "partitions written).",
            "append": "Add the new rows to the target; the mode for streaming writes.",
            "errorifexists": "Spark mode: fail if the target already holds data.",
            "ignore": "Spark mode: skip the write if the target already exists.",
            "error": "Spark alias of `errorifexists`.",
            "default": "Spark alias of `errorifexists`.",
        },
        case_insensitive=True,
        unlisted=("errorifexists", "ignore", "error", "default"),
        notes=(
            "Flare's docs list only overwrite and append; the others are Spark's, accepted by its writers.",
            "The docs give overwrite as default while the SDK defaults to append: set it explicitly.",
        ),
        examples=("append", "overwrite"),
    )
    checkpointLocation: str = attr(
        "Checkpoint directory of this output's streaming query (offsets, state, metadata).",
        trigger_modes=_ALL_TRIGGERS,
        notes=(
            "One of three places a checkpoint may be given (also `streaming.checkpointLocation` and the "
            "output itself); which wins when several are set is undocumented.",
            "Only meaningful when an input has `isStream: true`.",
        ),
        examples=("dataos://lakehouse:checkpoints/tqueryeventsync01",),
    )
    compressionType: str = attr(
        "Compression codec of written files.",
        values={"gzip": "Gzip (the documented default).", "snappy": "Snappy."},
        case_insensitive=True,
        closed=False,
        default="gzip",
        notes=("The docs call it mandatory, but examples omit it.",),
    )
    partitionBy: list[str] = attr(
        "List of columns to partition file outputs (csv, json, parquet) by; Iceberg outputs use "
        "`iceberg.partitionSpec` instead.",
        examples=("[version]",),
    )
    sort: Sort = attr("Sorting applied before writing (`mode`, `columns`).")
    file: FileOutputSettings = attr(
        "File-output settings of the syndication example (`saveMode`, `outputType`).",
        notes=(
            "The flare:7.0 syndication page writes it; elsewhere the docs give `saveMode` in `options` and the "
            "format as the output's `format`.",
        ),
    )


def _iceberg_section() -> Any:
    return attr("Iceberg settings: table `properties`, `partitionSpec`, `merge`.")


def _bigquery_section() -> Any:
    return attr("BigQuery staging buckets (`temporaryBucket`, `persistentBucket`).")


def _connection_props() -> Any:
    return attr("Mapping of connection properties for the target store (MongoDB: `ssl`, `retryWrites`, `w`).")


def _merge_beside() -> Any:
    return attr(
        "MERGE INTO settings placed directly under `options`.",
        notes=("Seen in the merge example's full manifest; the documented place is `options.iceberg.merge`.",),
    )


def _properties_beside() -> Any:
    return attr(
        "Iceberg properties placed directly under `options`.",
        notes=("Seen in the merge example; the documented place is `options.iceberg.properties`.",),
    )


def _query(required: bool = False) -> Any:
    return attr(
        "SQL statement a `JDBCQuery` sink runs for each row, with `?` for the columns (an upsert, say).",
        required=required,
        examples=("INSERT INTO t (id, v) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET v = excluded.v",),
    )


def _extra(model: str) -> Any:
    return attr(f"Mapping of extra options handed to the {model} writer.")


class OutputOptions(WriteOptions):
    """How an output is written: ``stackSpec.job.outputs[].options`` (also the legacy
    ``steps[].sink[].outputOptions``). Keys other than those below are passed to the writer.

    This is the shape for an output whose format is not given or not known; an output of a known
    ``format`` is checked against that format's own options (``_WRITE_OPTIONS``)."""

    extraOptions: dict[str, Scalar] = attr(
        "Mapping of extra options handed to the data source writer; which ones apply depends on the output's `format`.",
        notes=(
            "Iceberg: `branch` (default main), `fanout-enabled`. BigQuery: `writeMethod` (direct/indirect), "
            "`temporaryGcsBucket`, `intermediateFormat`. Snowflake: `sfWarehouse`. MySQL: "
            "`rewriteBatchedStatements`.",
        ),
    )

    iceberg: IcebergOptions = _iceberg_section()
    bigquery: BigQueryOptions = _bigquery_section()
    connectionProps: dict[str, Scalar] = _connection_props()
    merge: Merge = _merge_beside()
    properties: IcebergProperties = _properties_beside()
    query: str = _query()


class IcebergOutputOptions(WriteOptions):
    """``options`` of a ``format: iceberg`` output."""

    extraOptions: IcebergWriteOptions = _extra("Iceberg")
    iceberg: IcebergOptions = _iceberg_section()
    merge: Merge = _merge_beside()
    properties: IcebergProperties = _properties_beside()


class FileOutputOptions(WriteOptions):
    """``options`` of a file output (csv, json, parquet, orc, avro, text, xml)."""

    extraOptions: FileWriteOptions = _extra("Spark file")


class BigQueryOutputOptions(WriteOptions):
    """``options`` of a ``format: bigquery`` output."""

    extraOptions: BigQueryConnectorOptions = _extra("BigQuery connector's")
    bigquery: BigQueryOptions = _bigquery_section()


class SnowflakeOutputOptions(WriteOptions):
    """``options`` of a ``format: snowflake`` output."""

    extraOptions: SnowflakeOptions = _extra("Snowflake connector's")


class JdbcOutputOptions(WriteOptions):
    """``options`` of a ``format: jdbc`` output (the driver goes on the output itself)."""

    extraOptions: JdbcOptions = _extra("JDBC")


class JdbcQueryOutputOptions(WriteOptions):
    """``outputOptions`` of a sink with ``outputType: JDBCQuery``: the statement run for each row."""

    query: str = _query(required=True)
    extraOptions: JdbcOptions = _extra("JDBC")


class MongoOutputOptions(WriteOptions):
    """``options`` of a ``format: mongodb`` output."""

    extraOptions: MongoOptions = _extra("MongoDB connector's")
    connectionProps: dict[str, Scalar] = _connection_props()


class ElasticsearchOutputOptions(WriteOptions):
    """``options`` of a ``format: elasticsearch`` output."""

    extraOptions: ElasticsearchOptions = _extra("Elasticsearch connector's")


class OpensearchOutputOptions(WriteOptions):
    """``options`` of a ``format: opensearch`` output."""

    extraOptions: OpensearchOptions = _extra("OpenSearch connector's")


class KafkaOutputOptions(WriteOptions):
    """``options`` of a Kafka output (``kafkajson``, ``kafkaavro``)."""

    extraOptions: KafkaWriteOptions = _extra("Kafka")


class PulsarOutputOptions(WriteOptions):
    """``options`` of a Pulsar output."""

    extraOptions: PulsarOptions = _extra("Pulsar")


class EventhubOutputOptions(WriteOptions):
    """``options`` of an Event Hubs output."""

    extraOptions: EventhubOptions = _extra("Event Hubs")


class RedshiftOutputOptions(WriteOptions):
    """``options`` of a ``format: redshift`` output."""

    extraOptions: RedshiftOptions = _extra("Redshift connector's")


class DeltaOutputOptions(WriteOptions):
    """``options`` of a ``format: delta`` output."""

    extraOptions: dict[str, Scalar] = _extra("Delta Lake")


#: Write options by output ``format`` or sink ``outputType`` (lowercase).
_WRITE_OPTIONS: tuple[tuple[str, Any], ...] = (
    ("iceberg", IcebergOutputOptions),
    *((name, FileOutputOptions) for name in ("parquet", "csv", "json", "avro", "orc", "text", "xml")),
    ("delta", DeltaOutputOptions),
    ("jdbc", JdbcOutputOptions),
    ("JDBCQuery", JdbcQueryOutputOptions),
    ("bigquery", BigQueryOutputOptions),
    ("snowflake", SnowflakeOutputOptions),
    ("redshift", RedshiftOutputOptions),
    ("mongodb", MongoOutputOptions),
    ("elasticsearch", ElasticsearchOutputOptions),
    ("opensearch", OpensearchOutputOptions),
    ("kafkajson", KafkaOutputOptions),
    ("kafkaavro", KafkaOutputOptions),
    ("pulsar", PulsarOutputOptions),
    ("PulsarAvro", PulsarOutputOptions),
    ("eventhub", EventhubOutputOptions),
)

#: An output's ``options``, checked against its format's.
OutputOptionsByFormat = Annotated[OutputOptions, ByKey(("format", "outputType"), _WRITE_OPTIONS, "output")]
#: A sink's (or a step's) ``outputOptions``, checked against its ``outputType``'s.
SinkOptionsByType = Annotated[OutputOptions, ByKey(("outputType",), _WRITE_OPTIONS, "sink")]


# ---------------------------------------------------------------------------------------------------
# Flare Standalone connection blocks (flare:1.0-4.0): inputs[].<inputType> and outputs[].<outputType>
# ---------------------------------------------------------------------------------------------------
#
# Flare Standalone ran a job on a laptop against data sources, not depots: an input or output named its
# kind in `inputType`/`outputType` and gave the connection in the block of that name. The keys are those
# of the DataOS docs' Standalone pages (`deprecated/resources/stacks/flare/standalone/`), checked against
# the DataOS Spark SDK's `*DatasourceInput`/`*DatasourceOutput` models; where they disagree, the notes say
# so. A connection class holds what reads and writes share; the input and output blocks add their options.


class IcebergLocation(Section):
    """Where a Standalone job keeps a local Iceberg table (shared by ``file`` inputs and outputs)."""

    warehousePath: str = attr(
        "Iceberg warehouse directory the table lives in (local, `s3a://`, `gs://`, `abfss://`).",
        examples=("/data/examples/dataout/localFileDataSourceOutput/",),
    )
    schemaName: str = attr("Iceberg namespace (schema) of the table.", examples=("default",))
    tableName: str = attr("Iceberg table name.", examples=("trans_oms_data3",))
    catalogName: str = attr("Iceberg catalog name (from the SDK; no example sets it).")
    icebergCatalogType: str = attr("Iceberg catalog type (from the SDK; no example sets it).")


class KafkaConnection(Section):
    """The Kafka connection of a Standalone block."""

    brokers: str = attr(
        "Bootstrap servers, `host:port` separated by commas.", required=True, examples=("localhost:9092",)
    )
    topic: str = attr("Topic read or written.", examples=("my-kafka-topic02",))
    schemaRegistryUrl: str = attr("Schema registry URL, for Avro values.", examples=("http://localhost:8081",))
    format: str = attr(
        "Format of the values.",
        values={"avro": "Avro values (needs `schemaRegistryUrl`).", "json": "JSON values."},
        case_insensitive=True,
        closed=False,
        notes=("The SDK reads `format` here; the Standalone write page puts it inside `options`.",),
    )


class PulsarConnection(Section):
    """The Pulsar connection of a Standalone block."""

    serviceUrl: str = attr("Pulsar broker URL.", required=True, examples=("pulsar+ssl://tcp.<context>:6651",))
    adminUrl: str = attr("Pulsar admin (HTTP) URL.", required=True, examples=("https://tcp.<context>:8443",))
    tenant: str = attr(
        "Pulsar tenant of the topic.",
        notes=("The SDK's Pulsar output has no such key; inputs give it.",),
        examples=("public",),
    )
    namespace: str = attr(
        "Pulsar namespace of the topic.",
        notes=("The SDK's Pulsar output has no such key; inputs give it.",),
        examples=("default",),
    )
    topic: str = attr("Topic read or written.", examples=("transactions123",))


class EventhubConnection(Section):
    """The Azure Event Hubs connection of a Standalone block."""

    endpoint: str = attr(
        "Namespace endpoint of the Event Hub.",
        required=True,
        examples=('"{{ Namespace Name }}.servicebus.windows.net/"',),
    )
    eventhubName: str = attr(
        "Name of the Event Hub.",
        required=True,
        notes=("The SDK's reader calls it `eventHubName`; its models and the docs write `eventhubName`.",),
        examples=("eventhub01",),
    )
    sasKeyName: str = attr("Name of the shared access policy.")
    sasKey: str = attr("Shared access key; never commit a literal key.")


class JdbcConnection(Section):
    """The JDBC connection of a Standalone block (``jdbc``, and ``mysql``/``postgres`` with the same keys)."""

    url: str = attr("JDBC URL of the database.", required=True, examples=("jdbc:postgresql://localhost:5432/db",))
    username: str = attr("Database user.")
    password: str = attr("Database password; never commit a literal one.")
    driver: str = attr(
        "JDBC driver class.",
        notes=("The Standalone pages' snippets give it here, their full examples under `options`.",),
        examples=("org.postgresql.Driver", "com.mysql.cj.jdbc.Driver"),
    )
    table: str = attr("Table read or written.", examples=("cityTable",))


class BigQueryConnection(Section):
    """The Google BigQuery connection of a Standalone block."""

    table: str = attr("Table read or written.", required=True)
    projectId: str = attr(
        "Google Cloud project of the dataset.",
        notes=("The Standalone pages write `projectId` (and once `projected`); the SDK's field is `project`.",),
    )
    project: str = attr("Google Cloud project, under the SDK's name (the Standalone pages write `projectId`).")
    dataset: str = attr("BigQuery dataset holding the table.")
    gcsKeyJsonFilePath: str = attr("Path of the service account's JSON key file (from the SDK).")


class SearchConnection(Section):
    """The Elasticsearch or OpenSearch connection of a Standalone block."""

    index: str = attr("Index read or written.", required=True, examples=("estopic",))
    nodes: str = attr("Cluster nodes, `host:port`.", required=True, examples=("localhost:9200",))
    username: str = attr("User name.")
    password: str = attr("Password; never commit a literal one.")


class RedshiftConnection(Section):
    """The Amazon Redshift connection of a Standalone block."""

    jdbcUrl: str = attr("JDBC URL of the cluster.", required=True, examples=("jdbc:redshift://host:5439/db",))
    tempDir: str = attr("S3 directory used to stage the data.", examples=("s3a://bucket/dir",))
    username: str = attr("Database user.")
    password: str = attr("Database password; never commit a literal one.")
    dbTable: str = attr("Table read or written.")


class SnowflakeConnection(Section):
    """The Snowflake connection of a Standalone block."""

    url: str = attr("Snowflake account URL.", required=True)
    database: str = attr("Database read or written (it must exist).")
    schema_: str = attr("Schema read or written (it must exist).", alias="schema")
    table: str = attr("Table read or written.")
    user: str = attr("Snowflake user.")
    password: str = attr("Password; never commit a literal one.")
    token: str = attr("OAuth token, instead of a password (from the SDK).")
    pemPrivateKey: str = attr("Private key for key-pair authentication (from the SDK).")


class StandaloneFileOutput(IcebergLocation):
    """A Standalone write to files or a local Iceberg table: ``outputs[].file``."""

    path: str = attr(
        "Directory (local, `s3a://`, `gs://`, `abfss://`) the files are written to.",
        examples=("/data/examples/dataout/citydata",),
    )
    format: str = attr(
        "Format written.",
        values=_OUTPUT_FORMATS,
        case_insensitive=True,
        closed=False,
        notes=("With `iceberg`, give `warehousePath`, `schemaName` and `tableName` instead of `path`.",),
    )
    metastoreUris: str = attr("Hive metastore URIs of a Hive catalog (from the SDK's file output).")
    title: str = attr("Title of the written dataset.")
    description: str = attr("Description of the written dataset.")
    tags: list[str] = attr("Tags of the written dataset.")
    options: OutputOptions = attr("How the data is written (`saveMode`, `iceberg`, ...).")


class StandaloneKafkaOutput(KafkaConnection):
    """A Standalone write to a Kafka topic: ``outputs[].kafka``."""

    options: dict[str, Scalar] = attr("Mapping of writer options (the Standalone page puts `format: avro` here).")


class StandalonePulsarOutput(PulsarConnection):
    """A Standalone write to a Pulsar topic: ``outputs[].pulsar``."""

    options: dict[str, Scalar] = attr("Mapping of writer options.")


class StandaloneEventhubOutput(EventhubConnection):
    """A Standalone write to Azure Event Hubs: ``outputs[].eventhub``."""

    options: dict[str, Scalar] = attr("Mapping of writer options (`eventhubs.*`).")


class StandaloneJdbcOutput(JdbcConnection):
    """A Standalone write to a database table over JDBC: ``outputs[].jdbc`` (also ``mysql``, ``postgres``)."""

    options: OutputOptions = attr("How the data is written (`saveMode`, ...).")


class StandaloneBigQueryOutput(BigQueryConnection):
    """A Standalone write to Google BigQuery: ``outputs[].bigquery``."""

    options: OutputOptions = attr("How the data is written (`saveMode`, `bigquery.temporaryBucket`, ...).")


class StandaloneSearchOutput(SearchConnection):
    """A Standalone write to an Elasticsearch or OpenSearch index: ``outputs[].elasticsearch`` / ``opensearch``."""

    options: OutputOptions = attr("How the data is written (`extraOptions` such as `es.nodes.wan.only`).")


class StandaloneRedshiftOutput(RedshiftConnection):
    """A Standalone write to Amazon Redshift: ``outputs[].redshift``."""

    options: OutputOptions = attr("How the data is written (`saveMode`, ...).")


class StandaloneSnowflakeOutput(SnowflakeConnection):
    """A Standalone write to Snowflake: ``outputs[].snowflake``."""

    warehouse: str = attr(
        "Warehouse that runs the write (it must be running).",
        notes=("Outputs say `warehouse`, inputs `snowflakeWarehouse`: so do both the Standalone page and the SDK.",),
    )
    options: OutputOptions = attr("How the data is written (`saveMode`, ...).")


# ---------------------------------------------------------------------------------------------------
# Assertions, legacy sinks, outputs
# ---------------------------------------------------------------------------------------------------


class ValidFormat(Section):
    """Pattern a column's values must match: ``assertions[].validFormat``."""

    regex: str = attr(
        "Regular expression valid values match; enables the `invalid_count` and `invalid_percentage` tests.",
        examples=("^[A-Z]{2}$",),
    )


class Assertion(Section):
    """A data-quality check: ``stackSpec.job.assertions[]`` (on inputs) or ``outputs[].assertions[]``
    (pre-sink, checked before the output is written)."""

    one_of: ClassVar[tuple[OneOf, ...]] = (
        OneOf(("column", "sql"), "an assertion checks a column or the result of a query, not both", required=True),
        OneOf(("sql", "filter"), "`filter` narrows a `column` assertion; a `sql` assertion filters in its WHERE"),
        OneOf(("sql", "validFormat"), "`validFormat` applies to a `column` assertion's values"),
    )

    column: str = attr(
        "Column the tests are computed on (column-level assertion).",
        notes=("Give either `column` or `sql`.",),
    )
    filter: str = attr(
        "Predicate restricting the rows checked.",
        examples=("brand_name == 'Urbane'",),
    )
    validFormat: ValidFormat = attr("Pattern values must match (`regex`).")
    sql: str = attr(
        "Query over a job view producing named metrics that the tests compare.",
        notes=("Give either `column` or `sql`.",),
    )
    tests: list[str] = attr(
        "List of boolean conditions that must all hold, written over metrics.",
        required=True,
        notes=(
            "Column metrics: avg, avg_length, distinct_count, duplicate_count, min, max, min_length, "
            "max_length, missing_count, missing_percentage, sum; with `validFormat`: invalid_count, "
            "invalid_percentage (and regex_match on the older page, with kurtosis, variance, skewness, "
            "stddev, null_count, null_percentage).",
            "For a `sql` assertion, the metrics are the query's result columns.",
        ),
        examples=("avg < 100", "missing_count == 0"),
    )


class ColumnTag(Section):
    """Tags attached to columns of an output dataset: ``stackSpec.job.outputs[].columnTags[]``."""

    columnName: str = attr("A single column to tag.", notes=("Use exactly one of the three column keys.",))
    columnNames: list[str] = attr("List of columns to tag.")
    columnRegex: str = attr("Regular expression selecting the columns to tag.")
    tags: list[str] = attr(
        "Tags to attach, as fully qualified `TagCategory.TagName` (case-sensitive).",
        examples=("PII.Sensitive",),
    )


class Sink(Section):
    """A write of a view to a ``depot`` output: ``stackSpec.job.steps[].sink[]`` (flare:1.0-4.0 layout, and
    still current for ``outputType: JDBCQuery``)."""

    sequenceName: str = attr("View to write: a sequence item or an input name.")
    datasetName: str = attr("Name of the dataset created under the output's `depot` address.")
    outputName: str = attr("Name of the `outputs` entry (with `depot`) to write to.")
    outputType: str = attr(
        "Format written, in the old capitalised spelling.",
        values={
            "Iceberg": "Iceberg table.",
            "JDBC": "JDBC database table.",
            "CSV": "CSV files.",
            "Parquet": "Parquet files.",
            "PulsarAvro": "Pulsar topic with Avro values.",
            "JDBCQuery": "Runs `outputOptions.query` (an INSERT or upsert) for each row; still current in flare:7.0.",
        },
        case_insensitive=True,
        closed=False,
    )
    description: str = attr("Description of the written dataset.")
    outputOptions: SinkOptionsByType = attr(
        "How the dataset is written (`saveMode`, `iceberg`, ...); which options apply depends on `outputType` "
        "(a `JDBCQuery` sink needs `query`).",
    )
    tags: list[str] = attr("Tags of the written dataset.")
    title: str = attr("Title of the written dataset.")


class Output(Section):
    """A dataset the job writes: ``workflow.dag[].spec.stackSpec.job.outputs[]``."""

    name: str = attr(
        "View to write: the name of a step (sequence item), or of an input when the job has no steps.",
        required=True,
        notes=("The docs' table calls it optional, but an output cannot be matched to data without it.",),
        examples=("finalDf",),
    )
    dataset: str = attr(
        "`dataos://depot:collection/dataset` address the data is written to.",
        notes=(
            "Must differ from every input `dataset`.",
            "A collection-level address (`dataos://thirdparty01:sampledata?acl=rw`) is allowed for object "
            "stores; the output name becomes the dataset name.",
            "Not required by the schema because legacy outputs give `depot` instead.",
        ),
        examples=("dataos://lakehouse:retail/city?acl=rw",),
    )
    depot: str = attr(
        "Collection-level address that `sink` steps write their datasets into.",
        legacy=Legacy(
            replacement="`dataset` with the full address (collection plus dataset name)",
            current_use=_JDBC_QUERY_SINKS,
        ),
        examples=("dataos://icebase:retail?acl=rw",),
    )
    format: str = attr(
        "Format to write in.",
        values=_OUTPUT_FORMATS,
        case_insensitive=True,
        closed=False,
        value_stacks={"kafkajson": KAFKA_STACKS, "kafkaavro": KAFKA_STACKS},
        stacks_why=KAFKA_WHY,
        default="depends on the output depot type",
        notes=(
            "Case does not matter (`Iceberg`, `ICEBERG`); an unknown format fails at run time with "
            '"Failed to find data source".',
        ),
    )
    type: str = attr(
        "Format given under another key.",
        notes=("Seen in examples in place of `format` (`type: iceberg`); undocumented: prefer `format`.",),
    )
    driver: str = attr(
        "JDBC driver class for JDBC outputs, given on the output itself (not in `options`).",
        notes=("Missing on a JDBC output fails with \"'driver' must be defined\".",),
        examples=("org.postgresql.Driver", "com.mysql.cj.jdbc.Driver"),
    )
    title: str = attr("Title recorded in the written dataset's metadata.")
    description: str = attr("Description recorded in the written dataset's metadata.")
    tags: list[str] = attr("Tags of the written dataset.", examples=("Tier.Gold",))
    isStream: bool = attr(
        "Boolean seen on outputs (`isStream: false`); undocumented for outputs.",
        notes=("The documented `isStream` is on inputs.",),
    )
    checkpointLocation: str = attr(
        "Checkpoint directory of this output's streaming write, given on the output itself.",
        trigger_modes=_ALL_TRIGGERS,
        notes=(
            "Seen in the Kafka write template; also accepted in `options` and in `streaming`. Which wins "
            "when several are given is undocumented.",
        ),
    )
    columnTags: list[ColumnTag] = attr("Tags attached to columns of the written dataset.")
    assertions: list[Assertion] = attr(
        "Pre-sink checks: the output is written only if these assertions hold (Flare 4.0 and later).",
        stacks=stacks_from("flare:4.0"),
        stacks_why="the data-quality page says pre-sink assertions start with Flare 4.0",
    )
    options: OutputOptionsByFormat = attr(
        "How the data is written (`saveMode`, `iceberg`, `extraOptions`, ...); which options apply depends on "
        "`format`.",
    )
    schemaRegistryUrl: str = attr(
        "Schema registry URL of an Avro stream output.",
        legacy=Legacy(replacement="the depot's own registry settings (current examples never set it)"),
        notes=("Seen only on a flare:1.0 Pulsar Avro output; undocumented.",),
    )
    outputType: str = attr(
        "Kind of Standalone data-source output, naming the block that holds its connection details.",
        legacy=_STANDALONE_OUTPUT,
        values={
            "file": "Local or object-storage files (`file: {path, format}`).",
            "kafka": "Kafka topic (`kafka: {brokers, topic, schemaRegistryUrl}`).",
            "pulsar": "Pulsar topic (`pulsar: {serviceUrl, adminUrl, topic}`).",
            "eventhub": "Azure Event Hubs (`eventhub: {endpoint, eventhubName, sasKeyName, sasKey}`).",
            "jdbc": "JDBC database.",
            "mysql": "MySQL database.",
            "postgres": "Postgres database.",
            "bigquery": "Google BigQuery.",
            "elasticsearch": "Elasticsearch.",
            "opensearch": "OpenSearch.",
            "redshift": "Amazon Redshift.",
            "snowflake": "Snowflake.",
            "Iceberg": "Not a block: the format of a `dataset` output, where flare:3.0 manifests wrote it here; "
            "current ones write `format: iceberg`.",
            "Parquet": "Not a block: the format of a `dataset` output, written here by flare:3.0 manifests.",
            "CSV": "Not a block: the format of a `dataset` output, written here by flare:3.0 manifests.",
        },
        case_insensitive=True,
        closed=False,
    )
    file: StandaloneFileOutput = attr(
        "Standalone file output (`path` and `format`, or an Iceberg `warehousePath`, `schemaName`, `tableName`).",
        legacy=_STANDALONE_OUTPUT,
    )
    kafka: StandaloneKafkaOutput = attr(
        "Standalone Kafka output (`brokers`, `topic`, `schemaRegistryUrl`).", legacy=_STANDALONE_OUTPUT
    )
    pulsar: StandalonePulsarOutput = attr(
        "Standalone Pulsar output (`serviceUrl`, `adminUrl`, `topic`).", legacy=_STANDALONE_OUTPUT
    )
    eventhub: StandaloneEventhubOutput = attr(
        "Standalone Event Hubs output (`endpoint`, `eventhubName`, `sasKeyName`, `sasKey`).",
        legacy=_STANDALONE_OUTPUT,
    )
    jdbc: StandaloneJdbcOutput = attr(
        "Standalone JDBC output (`url`, `username`, `password`, `driver`, `table`).", legacy=_STANDALONE_OUTPUT
    )
    mysql: StandaloneJdbcOutput = attr(
        "Standalone MySQL output, with the keys of `jdbc`.",
        legacy=_STANDALONE_OUTPUT,
        notes=("The Standalone page lists `mysql` among the output types but its examples write `jdbc`.",),
    )
    postgres: StandaloneJdbcOutput = attr(
        "Standalone Postgres output, with the keys of `jdbc`.",
        legacy=_STANDALONE_OUTPUT,
        notes=("The Standalone page lists `postgres` among the output types but its examples write `jdbc`.",),
    )
    bigquery: StandaloneBigQueryOutput = attr(
        "Standalone BigQuery output (`table`, `projectId`, `dataset`).", legacy=_STANDALONE_OUTPUT
    )
    elasticsearch: StandaloneSearchOutput = attr(
        "Standalone Elasticsearch output (`index`, `nodes`, `username`, `password`).", legacy=_STANDALONE_OUTPUT
    )
    opensearch: StandaloneSearchOutput = attr(
        "Standalone OpenSearch output, with the keys of `elasticsearch`.",
        legacy=_STANDALONE_OUTPUT,
        notes=("The Standalone OpenSearch page itself writes the `elasticsearch` block.",),
    )
    redshift: StandaloneRedshiftOutput = attr(
        "Standalone Redshift output (`jdbcUrl`, `tempDir`, `username`, `password`, `dbTable`).",
        legacy=_STANDALONE_OUTPUT,
    )
    snowflake: StandaloneSnowflakeOutput = attr(
        "Standalone Snowflake output (`url`, `database`, `schema`, `table`, `warehouse`, `user`, `password`).",
        legacy=_STANDALONE_OUTPUT,
    )


# ---------------------------------------------------------------------------------------------------
# stackSpec.job.steps
# ---------------------------------------------------------------------------------------------------


class Command(Section):
    """A caching command run with a step: ``stackSpec.job.steps[].sequence[].commands[]``."""

    name: str = attr(
        "What to do with the named view's data.",
        values={
            "persist": "Keep the view's data cached at the storage level given by `mode`.",
            "unpersisted": "Release a previously persisted view (the configuration page's spelling).",
            "unpersist": "Release a previously persisted view (Spark's term).",
        },
        case_insensitive=True,
        closed=False,
        unlisted=("unpersist",),
        notes=(
            "The docs spell the second command `unpersisted`; Spark's term is `unpersist`. No example uses "
            "either, so both are accepted.",
        ),
    )
    sequenceName: str = attr(
        "Name of the step (sequence item) whose view the command applies to; it must exist.",
    )
    mode: str = attr(
        "Spark storage level used when persisting.",
        values={
            "MEMORY_AND_DISK": "Memory, spilling to disk.",
            "MEMORY_ONLY": "Memory only; partitions that do not fit are recomputed.",
            "DISK_ONLY": "Disk only.",
            "MEMORY_AND_DISK_SER": "Serialized in memory, spilling to disk.",
            "MEMORY_ONLY_SER": "Serialized in memory only.",
            "OFF_HEAP": "Off-heap memory.",
            "NONE": "Not stored.",
        },
        closed=False,
        notes=("Replicated variants (`MEMORY_AND_DISK_2`, `DISK_ONLY_2`, ...) are valid Spark levels too.",),
    )


class SequenceItem(Section):
    """One transformation step, producing a view: ``stackSpec.job.steps[].sequence[]``."""

    name: str = attr(
        "Name of the view this step produces; later steps, outputs and commands refer to it.",
        required=True,
        notes=("Shares the namespace of input and output names: keep names unique within the job.",),
        examples=("finalDf", "cities"),
    )
    doc: str = attr("Free-text documentation of what the step does.")
    sql: str = attr(
        "Spark SQL query whose result becomes the view `name`; may read inputs and earlier steps by name.",
        notes=(
            "May also be a statement such as `CACHE TABLE <view>`.",
            "On streaming inputs, LIMIT, DISTINCT, ORDER BY without aggregation and non-time windows fail.",
        ),
        examples=("SELECT * FROM input",),
    )
    sqlFile: str = attr(
        "Path of a file holding the SQL; the CLI inlines its contents into `sql` when the manifest is applied.",
        examples=("flare/queries/transform.sql",),
    )
    classpath: str = attr("Fully qualified class of a custom step implementation.")
    functions: list[Function] = attr(
        "List of Flare functions applied in order to the step's result; each item has `name` plus that "
        "function's parameters.",
        notes=(
            "An item's `name` selects the function and so its parameters: hover the name for them. The "
            "functions are described at https://dataos.info/resources/stacks/flare/functions/list/.",
            "`snake_case` only works in batch jobs.",
        ),
        examples=("- name: drop\n  columns: [__metadata]",),
    )
    commands: list[Command] = attr(
        "List of caching commands (`persist`/`unpersist`) run with this step.",
    )
    outputType: str = attr(
        "Format a step writes its view in, for a step that writes its own view.",
        notes=(
            "The flare:7.0 partitioning page still shows it (`outputType: Parquet` with `partitionBy`); full "
            "examples write through an `outputs` entry with `format`.",
        ),
        examples=("Parquet",),
    )
    outputOptions: SinkOptionsByType = attr(
        "Write options of a step that writes its own view (`saveMode`, `partitionBy`).",
        notes=("The flare:7.0 partitioning page still shows it; full examples use an `outputs` entry's `options`.",),
    )


class Step(Section):
    """One entry of ``stackSpec.job.steps[]``: a sequence of SQL transformations (and, in the legacy layout,
    the sinks that write them)."""

    sequence: list[SequenceItem] = attr(
        "Ordered list of transformations; each produces a view named by its `name`.",
        notes=("Legacy sink-only steps have no `sequence`, so the schema does not require it.",),
    )
    sink: list[Sink] = attr(
        "List of writes of views into the outputs declared with `depot` (flare:1.0-4.0 layout).",
        legacy=Legacy(
            replacement="`outputs` entries whose `name` is the view and whose `dataset` is the full address",
            note="Each sink's `datasetName` joined with its output's `depot` gives the new `dataset`.",
            current_use=_JDBC_QUERY_SINKS,
        ),
    )


# ---------------------------------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------------------------------


class IncrementalKey(Section):
    """A named value substituted into the incremental query: ``inputs[].incremental.keys[]``."""

    name: str = attr(
        "Key name, referenced as `$|name|` in `incremental.sql` and other keys' `sql`.",
        required=True,
        notes=("Key values are stored as strings.",),
        examples=("start_date",),
    )
    sql: str = attr(
        "Spark SQL that computes the key's value; may use other keys.",
        notes=("The docs require it; the SDK treats it as optional.",),
        examples=("select to_timestamp('$|start|') + INTERVAL '1' MONTH",),
    )
    default: str = attr("Value used when the key has no stored state (from the SDK model).")


class IncrementalState(Section):
    """A state update applied after a successful run: ``inputs[].incremental.state[]``."""

    key: str = attr("Key whose stored value is replaced.", required=True, examples=("start_date",))
    value: str = attr("Key whose value after this run is stored into `key`.", required=True, examples=("end_date",))


class Incremental(Section):
    """Incremental read of an input, filtered by stored keys: ``stackSpec.job.inputs[].incremental``."""

    context: str = attr(
        "Name under which the input's full data is exposed to `sql`.",
        required=True,
        examples=("incrinput",),
    )
    sql: str = attr(
        "Query selecting the new slice from `context`, with `$|key|` placeholders for the keys.",
        required=True,
        examples=("SELECT * FROM incrinput WHERE ts BETWEEN '$|start_date|' AND '$|end_date|'",),
    )
    keys: list[IncrementalKey] = attr(
        "List of keys substituted into `sql` (`name`, `sql`).",
        required=True,
        notes=("Every `$|x|` placeholder in `sql` must be a declared key.",),
    )
    state: list[IncrementalState] = attr(
        "List of updates saved after each run so the next run starts where this one ended.",
        notes=("The current docs call it mandatory; the SDK and older docs make it optional.",),
    )


class InputOptions(OpenSection):
    """Options passed to the Spark reader: ``stackSpec.job.inputs[].options``, for an input whose
    ``format`` is not given or not known (an input of a known format is checked against that format's
    options, ``connectors.READ_OPTIONS``).

    Keys with dots (``kafka.sasl.mechanism``, ``eventhubs.consumergroup``, ``es.nodes.wan.only``) and any
    other reader option are accepted; the keys below are documented. Spark reads option names in any case.
    """

    options_fold_case: ClassVar[bool] = True

    startingOffsets: str = attr(
        "Where a Kafka or Pulsar read starts when there is no checkpoint yet.",
        values={
            "earliest": "From the oldest retained message.",
            "latest": "From new messages only (Spark's default for streaming reads).",
        },
        closed=False,
        checked_by="FL206",
        trigger_modes=_ALL_TRIGGERS,
        notes=(
            "Only the first run uses it: once the checkpoint holds offsets, they win.",
            "Spark also accepts a JSON string of per-partition offsets (-2 = earliest, -1 = latest).",
            "Also used on batch reads (`isStream: false`) of system streams, where `latest` is not allowed.",
        ),
    )
    failOnDataLoss: bool | str = attr(
        "Whether a Kafka read fails when data may have been lost (deleted topics, expired offsets).",
        default="true",
        notes=("Setting it false lets the query continue past gaps; Spark warns it can be a false alarm.",),
    )
    maxOffsetsPerTrigger: int | str = attr(
        "Upper bound on Kafka offsets read per micro-batch (streaming reads only).",
        examples=("10000",),
    )
    driver: str = attr(
        "JDBC driver class; required for JDBC depots (Postgres, MySQL, MSSQL, Oracle) and Minerva queries.",
        notes=("Missing on a JDBC input fails with \"please provide 'driver' property in options\".",),
        examples=(
            "org.postgresql.Driver",
            "com.mysql.cj.jdbc.Driver",
            "com.microsoft.sqlserver.jdbc.SQLServerDriver",
            "oracle.jdbc.driver.OracleDriver",
            "io.trino.jdbc.TrinoDriver",
        ),
    )
    branch: str = attr("Iceberg branch to read.", default="main", examples=("main", "dev"))
    cluster: str = attr("Minerva cluster a `query` input runs on.", examples=("system",))
    SSL: bool | str = attr("Use TLS for a Minerva `query` input.", examples=('"true"',))
    header: bool | str = attr("CSV: the first line holds column names.")
    inferSchema: bool | str = attr("CSV/JSON/xlsx: infer column types from the data instead of reading strings.")
    delimiter: str = attr("CSV: field separator.", examples=(",", "|"))
    multiLine: bool | str = attr("JSON/CSV: records may span several lines.")
    mode: str = attr(
        "CSV/JSON: what to do with malformed records.",
        values={
            "PERMISSIVE": "Keep the row, setting unparsable fields to null (Spark's default).",
            "DROPMALFORMED": "Drop malformed rows.",
            "FAILFAST": "Fail the read on the first malformed row.",
        },
        case_insensitive=True,
    )
    timestampFormat: str = attr("Pattern for parsing timestamps.", examples=("yyyy-MM-dd HH:mm:ss",))
    dateFormat: str = attr("Pattern for parsing dates.", examples=("yyyy-MM-dd",))
    mergeSchema: bool | str = attr("Parquet/ORC: merge the schemas of all files read.")
    sheetName: str = attr("xlsx: worksheet to read.")


# ---------------------------------------------------------------------------------------------------
# Flare Standalone connection blocks of inputs (flare:1.0-4.0): inputs[].<inputType>
# ---------------------------------------------------------------------------------------------------
#
# The connections are declared with the output blocks; every input block adds reader `options` and
# `incremental`, which the SDK's `*DatasourceInput` models all take.


class StandaloneRead(Section):
    """What every Standalone input block takes besides its connection."""

    options: InputOptions = attr("Mapping of Spark reader options (`header`, `driver`, `startingOffsets`, ...).")
    incremental: Incremental = attr("Read only the slice selected by stored keys.")


class StandaloneFileInput(IcebergLocation, StandaloneRead):
    """A Standalone read of files or a local Iceberg table: ``inputs[].file``."""

    path: str = attr(
        "File or directory (local, `s3a://`, `gs://`, `abfss://`) to read.",
        examples=("/data/examples/transactions/",),
    )
    paths: list[str] = attr("Several files or directories to read as one input (from the SDK).")
    format: str = attr(
        "Format of the files read.",
        values=_INPUT_FORMATS,
        case_insensitive=True,
        closed=False,
        notes=("With `iceberg`, give `warehousePath`, `schemaName` and `tableName` instead of `path`.",),
    )
    isStream: bool = attr("Boolean: read the files as a stream.")
    metastoreUri: str = attr("Hive metastore URI of a Hive catalog (from the SDK's file input).")
    schema_: Any = attr("Schema of the files (from the SDK; no example sets it).", alias="schema")


class StandaloneKafkaInput(KafkaConnection, StandaloneRead):
    """A Standalone read of a Kafka topic: ``inputs[].kafka``."""

    topicPattern: str = attr("Regular expression of the topics to read, instead of `topic` (from the SDK).")
    isBatch: bool = attr("Boolean: read what the topic holds once, as a batch, instead of streaming.")
    schemaSubject: str = attr("Schema-registry subject to use instead of the topic's default (from the SDK).")
    schemaId: int = attr("Integer: schema-registry id of the schema to use (from the SDK).")
    consumerGroup: str = attr("Consumer group of the reader (from the SDK).")


class StandalonePulsarInput(PulsarConnection, StandaloneRead):
    """A Standalone read of a Pulsar topic: ``inputs[].pulsar``."""

    topicPattern: str = attr("Regular expression of the topics to read, instead of `topic` (from the SDK).")
    isBatch: bool = attr("Boolean: read what the topic holds once, as a batch, instead of streaming.")


class StandaloneEventhubInput(EventhubConnection, StandaloneRead):
    """A Standalone read of Azure Event Hubs: ``inputs[].eventhub`` (`eventhubs.*` reader options)."""

    isBatch: bool = attr("Boolean: read once, as a batch, instead of streaming.")


class StandaloneJdbcInput(JdbcConnection, StandaloneRead):
    """A Standalone read of a database table over JDBC: ``inputs[].jdbc`` (also ``mysql``, ``postgres``)."""


class StandaloneBigQueryInput(BigQueryConnection, StandaloneRead):
    """A Standalone read of Google BigQuery: ``inputs[].bigquery``."""


class StandaloneSearchInput(SearchConnection, StandaloneRead):
    """A Standalone read of an Elasticsearch or OpenSearch index: ``inputs[].elasticsearch`` / ``opensearch``."""


class StandaloneRedshiftInput(RedshiftConnection, StandaloneRead):
    """A Standalone read of Amazon Redshift: ``inputs[].redshift``."""


class StandaloneSnowflakeInput(SnowflakeConnection, StandaloneRead):
    """A Standalone read of Snowflake: ``inputs[].snowflake``."""

    snowflakeWarehouse: str = attr(
        "Warehouse that runs the read (it must be running).",
        notes=("Inputs say `snowflakeWarehouse`, outputs `warehouse`: so do both the Standalone page and the SDK.",),
    )


class Input(Section):
    """A dataset the job reads, registered as a Spark view: ``workflow.dag[].spec.stackSpec.job.inputs[]``."""

    name: str = attr(
        "Name of the view the input's data is registered as; steps read it in SQL.",
        required=True,
        notes=("Must be unique among the job's inputs, steps and outputs.",),
        examples=("input", "sample_data"),
    )
    dataset: str = attr(
        "`dataos://depot:collection/dataset` address to read (a table, a folder or a single file).",
        notes=(
            "Give either `dataset` or `query`.",
            "`?acl=rw` selects the depot's read-write credential, `?acl=r` the read-only one.",
        ),
        examples=("dataos://lakehouse:retail/city", "dataos://thirdparty01:none/city?acl=r"),
    )
    query: str = attr(
        "Trino SQL run on Minerva whose result becomes the input; an alternative to `dataset`.",
        notes=("Examples add `options: {cluster, SSL, driver: io.trino.jdbc.TrinoDriver}`.",),
    )
    format: str = attr(
        "Format of the data read.",
        values=_INPUT_FORMATS,
        case_insensitive=True,
        closed=False,
        value_stacks={"kafkajson": KAFKA_STACKS, "kafkaavro": KAFKA_STACKS},
        stacks_why=KAFKA_WHY,
        default="iceberg",
        notes=(
            "Case does not matter (`KAFKAJSON`, `Iceberg`); an unknown format fails at run time with "
            '"Failed to find data source".',
        ),
    )
    isStream: bool = attr(
        "Boolean: read the input as a stream (Spark Structured Streaming) instead of a batch.",
        default="true for stream depots (Kafka, Pulsar, Event Hubs), false otherwise",
        notes=("Must be true on at least one input of a streaming job.",),
    )
    schemaType: str = attr(
        "Kind of schema given by `schemaPath` or `schemaString`.",
        values={
            "avro": "Avro schema (.avsc); the default.",
            "spark": "Spark schema.",
            "sparkjson": "Spark struct type as JSON.",
            "sparkddl": "Spark DDL string.",
        },
        case_insensitive=True,
        closed=False,
        default="avro",
        notes=("The configuration page lists avro and spark; the schema page writes `sparkJson`.",),
    )
    schemaPath: str = attr(
        "Address of a schema file (.avsc, .json, .ddl) for inputs that need one (CSV, JSON, Kafka).",
        notes=("Without `schemaType` the file is read as Avro.",),
        examples=("dataos://thirdparty01:none/schemas/avsc/city.avsc",),
    )
    schemaString: str = attr("Inline schema text: Avro JSON, Spark struct JSON or DDL.")
    schema_: str = attr(
        "Schema given under the key `schema`: a schema file address or a Spark struct JSON string.",
        alias="schema",
        notes=("Seen in examples, undocumented: prefer `schemaPath` or `schemaString`.",),
    )
    schemaSubject: str = attr("Schema-registry subject to use instead of the topic's default (Kafka Avro).")
    schemaId: int = attr("Integer: schema-registry id of the schema to use.")
    options: Annotated[InputOptions, ByKey(("format",), READ_OPTIONS, "input")] = attr(
        "Mapping of options handed to the Spark reader of the input's `format` (`startingOffsets`, `driver`, "
        "CSV options, ...).",
        notes=(
            "Which options apply depends on `format`: an option of another format is reported. Spark reads "
            "option names in any case.",
            "Without `format`, the depot decides the reader and any option is accepted.",
        ),
    )
    incremental: Incremental = attr(
        "Read only the slice selected by stored keys (`context`, `sql`, `keys`, `state`).",
    )
    connectionProps: dict[str, Scalar] = attr(
        "Mapping of connection properties for the source store (MongoDB: `ssl`, `retryReads`).",
        notes=("Seen on the input in the MongoDB read example (under `options` in the write example); undocumented.",),
    )
    depot: str = attr(
        "Depot name or address written where the input's `dataset` belongs.",
        notes=(
            "Seen in sample docs only; Flare reads an input from its `dataset`, so an input with only a "
            "`depot` cannot be read (flare-ls reports it).",
        ),
    )
    inputType: str = attr(
        "Kind of Standalone data source, naming the block that holds its connection details.",
        legacy=_STANDALONE_INPUT,
        values={
            "file": "Local or object-storage files (`file: {path, format}`).",
            "kafka": "Kafka topic (`kafka: {brokers, topic, schemaRegistryUrl, isBatch}`).",
            "pulsar": "Pulsar topic (`pulsar: {serviceUrl, adminUrl, tenant, namespace, topic, isBatch}`).",
            "eventhub": "Azure Event Hubs (`eventhub: {endpoint, eventhubName, sasKeyName, sasKey}`).",
            "jdbc": "JDBC database.",
            "mysql": "MySQL database.",
            "postgres": "Postgres database.",
            "bigquery": "Google BigQuery.",
            "elasticsearch": "Elasticsearch.",
            "opensearch": "OpenSearch.",
            "redshift": "Amazon Redshift.",
            "snowflake": "Snowflake.",
        },
        case_insensitive=True,
        notes=("The value names the block beside it that holds the connection (`inputType: file` with `file:`).",),
    )
    file: StandaloneFileInput = attr(
        "Standalone file source (`path` and `format`, or an Iceberg `warehousePath`, `schemaName`, `tableName`).",
        legacy=_STANDALONE_INPUT,
    )
    kafka: StandaloneKafkaInput = attr(
        "Standalone Kafka source (`brokers`, `topic`, `schemaRegistryUrl`, `isBatch`).",
        legacy=_STANDALONE_INPUT,
    )
    pulsar: StandalonePulsarInput = attr(
        "Standalone Pulsar source (`serviceUrl`, `adminUrl`, `tenant`, `namespace`, `topic`, `isBatch`).",
        legacy=_STANDALONE_INPUT,
    )
    eventhub: StandaloneEventhubInput = attr(
        "Standalone Event Hubs source (`endpoint`, `eventhubName`, `sasKeyName`, `sasKey`, `options`).",
        legacy=_STANDALONE_INPUT,
    )
    jdbc: StandaloneJdbcInput = attr(
        "Standalone JDBC source (`url`, `username`, `password`, `table`, `driver`).", legacy=_STANDALONE_INPUT
    )
    mysql: StandaloneJdbcInput = attr(
        "Standalone MySQL source, with the keys of `jdbc`.",
        legacy=_STANDALONE_INPUT,
        notes=("The Standalone page lists `mysql` among the input types but its examples write `jdbc`.",),
    )
    postgres: StandaloneJdbcInput = attr(
        "Standalone Postgres source, with the keys of `jdbc`.",
        legacy=_STANDALONE_INPUT,
        notes=("The Standalone page lists `postgres` among the input types but its examples write `jdbc`.",),
    )
    bigquery: StandaloneBigQueryInput = attr(
        "Standalone BigQuery source (`table`, `projectId`, `dataset`).", legacy=_STANDALONE_INPUT
    )
    elasticsearch: StandaloneSearchInput = attr(
        "Standalone Elasticsearch source (`index`, `nodes`, `username`, `password`).", legacy=_STANDALONE_INPUT
    )
    opensearch: StandaloneSearchInput = attr(
        "Standalone OpenSearch source, with the keys of `elasticsearch`.",
        legacy=_STANDALONE_INPUT,
        notes=("The Standalone OpenSearch page itself writes the `elasticsearch` block.",),
    )
    redshift: StandaloneRedshiftInput = attr(
        "Standalone Redshift source (`jdbcUrl`, `tempDir`, `username`, `password`, `dbTable`).",
        legacy=_STANDALONE_INPUT,
    )
    snowflake: StandaloneSnowflakeInput = attr(
        "Standalone Snowflake source (`url`, `database`, `schema`, `table`, `snowflakeWarehouse`, `user`, `password`).",
        legacy=_STANDALONE_INPUT,
    )


# ---------------------------------------------------------------------------------------------------
# Streaming, actions, profile
# ---------------------------------------------------------------------------------------------------


class Streaming(Section):
    """Structured Streaming settings of a job: ``workflow.dag[].spec.stackSpec.job.streaming``.

    Streaming jobs also need an input with ``isStream: true``. Keep them for latency needs under about a
    minute: they run continuously and cost more than scheduled batches.
    """

    triggerMode: Literal["ProcessingTime", "Once", "AvailableNow", "Continuous", "OneTime"] = attr(
        "When and how the streaming query processes data: in micro-batches at an interval, in one run over "
        "what is available, or continuously.",
        values={
            "ProcessingTime": "Micro-batches every `triggerDuration`: an overrunning batch starts the "
            "next at once, no new data means no batch. Latency is the interval; suits periodic "
            "aggregation and dashboard refreshes.",
            "Once": "One micro-batch over all available data, then the job stops. Run it from a "
            "`workflow.schedule` cron for periodic (e.g. nightly) loads; Spark now prefers AvailableNow.",
            "AvailableNow": "Processes everything available at start, possibly in several micro-batches "
            "(scales better than Once, advances the watermark per batch), then stops; also run from a cron.",
            "Continuous": "Long-running tasks with sub-second latency, checkpointing every "
            "`triggerDuration`; experimental in Spark, at-least-once, map-like queries only, no "
            "`forEachBatchMode`. For fraud-detection style needs.",
            "OneTime": "Named by the configuration table's prose beside ProcessingTime; presumably Once.",
        },
        doubtful={
            "OneTime": "only the configuration table's prose names it, no example uses it, and the streaming "
            "page's list of trigger modes does not have it: write `Once`",
        },
        default="unset: micro-batches back-to-back, each starting as soon as the previous one finishes",
        trigger_modes=_ALL_TRIGGERS,
        notes=(
            "Exact spelling: `Continous`, `once`, `availableNow` are not trigger modes; `OneTime`, named in "
            "the configuration table's prose, appears in no example and the streaming page does not list it.",
            "Once and AvailableNow end after processing and need a cron schedule to run again; "
            "ProcessingTime and Continuous keep running and need none.",
            "The docs mark it mandatory in a YAML comment and optional in their table; optional here.",
        ),
    )
    triggerDuration: str = attr(
        "Interval of the trigger as Spark interval text (`<number> <unit>`): the batch period for "
        "ProcessingTime, the checkpoint interval for Continuous.",
        trigger_modes=_INTERVAL_TRIGGERS,
        notes=(
            "Compact forms such as `10s` (shown in the docs' table) are not Spark interval syntax: write `10 seconds`.",
            "Months, years and negative intervals are rejected by Spark.",
            "Not used by Once or AvailableNow.",
            "Without it, Flare's behaviour for ProcessingTime/Continuous is undocumented; every example sets it.",
        ),
        examples=("10 seconds", "600 seconds", "1 second", "5 minutes"),
    )
    outputMode: str = attr(
        "Which rows of the streaming result are written at each trigger.",
        values={
            "append": "Only new rows; aggregations need an event-time watermark (Spark's default).",
            "complete": "The whole result table every trigger; aggregation queries only.",
            "update": "Only rows that changed since the last trigger.",
        },
        case_insensitive=True,
        default="append",
        trigger_modes=_ALL_TRIGGERS,
        notes=("Older docs listed `replace`, which is not a Spark output mode.",),
    )
    checkpointLocation: str = attr(
        "Directory where the query keeps offsets, state and metadata so it can resume after a restart: a "
        "`dataos://` address or a path on a fault-tolerant file system.",
        trigger_modes=_ALL_TRIGGERS,
        notes=(
            "The docs say to always provide one; exactly-once writes and stateful queries need it. Not "
            "required by the schema because it may instead be set on the output or in its options.",
            "Once a checkpoint exists, its stored offsets override `startingOffsets`.",
            "With an existing checkpoint, changing the inputs or `spark.sql.shuffle.partitions` breaks "
            "stateful queries.",
            "`/tmp` paths are not fault-tolerant.",
        ),
        examples=("dataos://lakehouse:stream/stream_cl1?acl=rw",),
    )
    forEachBatchMode: bool = attr(
        "Boolean: hand each micro-batch to the batch writers as an ordinary dataset, so a streaming job "
        "can write to stores without streaming writers (JDBC, Snowflake, Iceberg, MongoDB) and to several "
        "outputs.",
        default="false",
        trigger_modes=_MICRO_BATCH_TRIGGERS,
        notes=(
            "Does not work with Continuous, which has no micro-batches.",
            "The key is `forEachBatchMode`; the docs' prose writes `foreachBatchMode`.",
            'Write it unquoted: `"true"` is a string.',
        ),
    )
    batchMode: bool = attr(
        "Boolean: make the streaming job behave like a batch job that ends once the available data is "
        "processed; implied by Once and AvailableNow.",
        trigger_modes=_RUN_TO_END_TRIGGERS,
        notes=(
            "Documented only in the streaming page's table and absent from the SDK's streaming model.",
            "Published examples also set it with Continuous, contradicting that table.",
        ),
    )
    extraOptions: dict[str, Scalar] = attr(
        "Mapping of further options passed to Spark's stream writer.",
        trigger_modes=_ALL_TRIGGERS,
    )


class ProfileFilter(Section):
    """A row filter of a profiling job: ``stackSpec.job.profile.filters[]``."""

    type: Literal["expression"] = attr(
        "Kind of filter.",
        values={"expression": "A SQL predicate given in `expression`."},
    )
    expression: str = attr("SQL predicate rows must satisfy to be profiled.", examples=("gender='MALE'",))


class Profile(Section):
    """Data profiling of the job's first input: ``workflow.dag[].spec.stackSpec.job.profile``."""

    level: str = attr(
        "How much the profile computes.",
        values={
            "basic": "Basic statistics.",
            "intermediate": "More statistics.",
            "advanced": "All statistics.",
        },
        case_insensitive=True,
        notes=("One dataset per profiling job; profiling needs `spec.persistentVolume`.",),
    )
    filters: list[ProfileFilter] = attr("List of filters selecting the rows profiled.")


# ---------------------------------------------------------------------------------------------------
# stackSpec and the job
# ---------------------------------------------------------------------------------------------------


class RewriteDataset(OpenSection):
    """Compaction of the job's input: ``stackSpec.job.rewriteDataset``."""

    mode: str = attr(
        "How much is rewritten.",
        values={"full": "Rewrite every data file (the only mode any example shows)."},
        closed=False,
    )


class Job(Section):
    """What the Flare job does: ``workflow.dag[].spec.stackSpec.job``: inputs, transformation steps, outputs,
    and optionally streaming, assertions, actions or profiling."""

    explain: bool = attr(
        "Boolean: print the logical and physical plans of the Spark queries to the driver log.",
        default="false",
    )
    logLevel: str = attr(
        "Log level of the Spark job.",
        values={
            **_LEVELS_BASIC,
            "TRACE": "Spark level, finer than DEBUG (not listed by Flare's docs).",
            "FATAL": "Spark level, fatal errors only (not listed by Flare's docs).",
            "OFF": "Spark level, no logging (not listed by Flare's docs).",
            "ALL": "Spark level, everything (not listed by Flare's docs).",
        },
        case_insensitive=True,
        unlisted=("TRACE", "FATAL", "OFF", "ALL"),
        default="INFO",
        notes=("Distinct from `spec.logLevel`, which concerns the workflow job.",),
    )
    showPreviewLines: int = attr(
        "Integer: number of rows of each input and step printed to the driver log.",
        notes=("Belongs on `job`; placed under `streaming` it is not recognised.",),
        examples=("20",),
    )
    streaming: Streaming = attr(
        "Structured Streaming settings (`triggerMode`, `checkpointLocation`, ...); present only in streaming jobs.",
    )
    inputs: list[Input] = attr(
        "List of datasets read; each becomes a Spark view named by its `name`.",
        notes=(
            "Older docs call it mandatory; every real job has inputs, but the schema leaves that check to "
            "the analyzer.",
        ),
    )
    outputs: list[Output] = attr(
        "List of datasets written, each from the view of the same `name`.",
        notes=("Absent from assertion-only, action-only and profiling jobs.",),
    )
    steps: list[Step | str] = attr(
        "List of transformation steps; each holds a `sequence` of SQL statements.",
        notes=(
            "The docs call it mandatory, but jobs that copy an input straight to an output omit it.",
            "flare:1.0 manifests also list the path of a file holding steps "
            "(`- flare/customer-360/steps.yaml`); its views are then unknown to flare-ls.",
        ),
    )
    assertions: list[Assertion] = attr("Data-quality checks run on the inputs (`column` or `sql` with `tests`).")
    actions: list[Action] = attr(
        "Iceberg maintenance actions run on inputs.",
        stacks=stacks_from("flare:3.0"),
        stacks_why="the 2023 actions page documents them for flare:3.0 and flare:4.0 and none earlier",
        notes=("Documented for flare:3.0 and 4.0 in 2023; the current pages recommend flare:7.0 for every option.",),
    )
    profile: Profile = attr("Profile the first input instead of transforming data (`level`, `filters`).")
    udfs: dict[str, str] = attr(
        "Mapping of user-defined function names to Scala lambda source, callable from step SQL.",
        examples=('to_upper: "(value: String) => value.toUpperCase"',),
    )
    variables: dict[str, Scalar] = attr(
        "Mapping of job variables.",
        notes=('Seen in the syndication example (`keepSystemColumns: "false"`); undocumented.',),
    )
    rewriteDataset: RewriteDataset = attr(
        "Compact the first input's files (`mode: full`).",
        notes=(
            "The flare:7.0 compression page uses it; the actions page offers the same through an `actions` "
            "entry with `name: rewrite_dataset`, which takes options.",
        ),
    )


class Driver(Section):
    """Spark driver pod sizing: ``workflow.dag[].spec.stackSpec.driver``."""

    coreLimit: str | int = attr(
        "Kubernetes CPU limit of the driver pod (`1000m` = one core; `2` = two cores).",
        default="1000m",
        examples=("1000m", "2000m"),
    )
    cores: int = attr("Integer: CPU cores Spark gives the driver.", default="1")
    memory: str | int = attr(
        "Driver memory as a Spark size (`1024m`, `2g`).",
        default="1024m",
        notes=(
            "The docs also show Kubernetes units (`1Gi`) and an example has a bare `2048`; whether Flare "
            "converts these is undocumented, so prefer `m`/`g`.",
        ),
        examples=("1024m", "2g"),
    )


class Executor(Section):
    """Spark executor pods sizing: ``workflow.dag[].spec.stackSpec.executor``."""

    coreLimit: str | int = attr(
        "Kubernetes CPU limit of each executor pod (`1000m` = one core).",
        default="1000m",
        examples=("1000m", "2000m"),
    )
    cores: int = attr("Integer: CPU cores per executor.", default="1")
    instances: int = attr("Integer: number of executors.", default="1")
    memory: str | int = attr(
        "Memory per executor as a Spark size (`1024m`, `4g`).",
        default="1024m",
        notes=(
            "Kubernetes units (`3000Mi`) appear in examples; whether Flare converts them is undocumented, so "
            "prefer `m`/`g`.",
        ),
        examples=("2048m", "4g"),
    )


class FlareStackSpec(Section):
    """The Flare body of a dag job: ``workflow.dag[].spec.stackSpec`` (legacy spelling ``spec.flare``)."""

    driver: Driver = attr("Driver pod sizing (`coreLimit`, `cores`, `memory`).")
    executor: Executor = attr(
        "Executor pods sizing (`coreLimit`, `cores`, `instances`, `memory`).",
        notes=("The docs call it mandatory; examples often omit it and get the defaults.",),
    )
    sparkConf: list[dict[str, Scalar]] = attr(
        "Extra Spark configuration, written as a list of one-key mappings.",
        notes=(
            "It sits beside `job`, not inside it; `sparkConfig` is a misspelling.",
            "A key listed twice is ambiguous.",
            "MERGE INTO needs `spark.sql.extensions: "
            "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions`.",
        ),
        examples=("- spark.sql.shuffle.partitions: 10",),
    )
    configs: dict[str, Any] = attr(
        "Mapping of configuration values.",
        notes=("Seen as `configs: {}` in examples; undocumented here.",),
    )
    job: Job = attr(
        "What the job does: inputs, steps, outputs and more.",
        required=True,
    )


class JobSpec(Section):
    """The specification of a dag job: ``workflow.dag[].spec``: the stack that runs it, the compute, platform
    settings, and the stack's own body (``stackSpec``)."""

    stack: str = attr(
        "Stack and version that runs the job.",
        required=True,
        values={version: STACK_VERSIONS[version] for version in reversed(STACK_VERSIONS)},
        closed=False,
        notes=(
            "Other stacks exist (`toolbox`, `scanner`, `soda+python`, `dataos-ctl`, `steampipestack`); "
            "flare-ls checks Flare jobs.",
            f"Versions before `{CURRENT_STACK}` still appear, but the docs target {CURRENT_STACK}.",
        ),
    )
    compute: str = attr(
        "Name of the runnable-type Compute resource the job runs on.",
        values={
            "runnable-default": "The default Compute for jobs.",
            "query-default": "A query (Minerva) Compute; seen in a streaming example, but jobs need a "
            "runnable Compute.",
        },
        closed=False,
        checked_by="FL308",
        notes=(
            "The docs call it mandatory; flare:1.0-3.0 examples omit it, so the analyzer decides.",
            "Teams create their own computes: list them in the project's `computes` setting, or other names "
            "are warned of (FL310).",
        ),
    )
    stackSpec: FlareStackSpec = attr(
        "The stack's own settings; for Flare: `driver`, `executor`, `sparkConf` and `job`.",
        notes=("A Flare job needs it (or the legacy `flare`); a dag entry may instead point at a `file`.",),
    )
    flare: FlareStackSpec = attr(
        "Flare settings under their old key: same content as `stackSpec`.",
        legacy=Legacy(
            replacement="`stackSpec`",
            note="flare:6.0 examples still use it; the content moves over unchanged.",
        ),
    )
    toolbox: Toolbox = attr(
        "Body of a Toolbox stack job (`dataset`, `action`): not a Flare key.",
        notes=(
            "Older workflows run it after a Flare write to register the Iceberg metadata version; recent "
            "Toolbox docs put the same keys under `stackSpec`.",
        ),
    )
    tags: list[str] = attr("Tags of the job.", examples=("Connect", "Tier.Gold"))
    title: str = attr("Title of the job.", notes=("Seen inside `spec` in examples; undocumented here.",))
    description: str = attr(
        "Description of the job.",
        notes=("Seen inside `spec` in examples; undocumented here.",),
    )
    logLevel: str = attr(
        "Log level of the workflow job (not of Spark: see `job.logLevel`).",
        values=_LEVELS_BASIC,
        case_insensitive=True,
        default="INFO",
    )
    configs: dict[str, Any] = attr("Mapping of extra configuration for the job.")
    envs: dict[str, Any] = attr(
        "Mapping of environment variables set in the job's containers.",
        notes=(
            'Flare reads e.g. `DISABLE_HADOOP_PATH_CHECKS: "true"` (merge jobs).',
            "`DATAOS_RUN_AS_APIKEY`, `PULSAR_SSL`, `ENABLE_PULSAR_AUTH` belong to Flare Standalone; remove "
            "them, and never commit an API key.",
        ),
    )
    secrets: list[str] = attr("Names of Kubernetes secrets made available to the job.")
    dataosSecrets: list[DataosSecret] = attr("DataOS Secrets made available to the job.")
    dataosVolumes: list[Volume] = attr("DataOS Volumes mounted into the job.")
    tempVolume: str = attr("Name of a temporary volume for the job.")
    persistentVolume: Volume = attr(
        "Persistent volume mounted into the job (`name`, `directory`); profiling jobs need one.",
    )
    resources: Resources = attr("Pod resource `requests` and `limits` of the job.")
    resource: Resources = attr(
        "Pod resource requests and limits under the key the manifest reference uses.",
        notes=("The configuration page writes `resources`; which one the platform reads is undocumented.",),
    )
    dryRun: bool = attr(
        "Boolean: deploy the workflow without submitting it.",
        notes=("The docs give `true` as default, which would mean never running; examples never set it.",),
    )
    runAsUser: str = attr("User id the job runs as, when running on behalf of a use-case assignee.")
    runAsApiKey: str = attr(
        "API key of the user the job runs as.",
        notes=("The docs call it mandatory; real jobs omit it. Never commit a literal key.",),
    )
    topology: list[Topology] = attr("Declared topology elements of the job.")
    file: str = attr(
        "Path of a manifest file holding the job's specification.",
        notes=(
            "The workflow manifest reference writes it in `spec`; the retry guide writes it on the dag job "
            "itself (`workflow.dag[].file`). Both are accepted.",
        ),
        examples=("flare/connect-customer/config_v1.yaml",),
    )
    retry: Retry = attr("Retry policy of the job (`count`, `strategy`).")
    tier: str = attr(
        "Processing tier of the job (`tier: connect`).",
        legacy=Legacy(replacement="a `Tier.<Name>` entry in `tags`", note="Inferred: recent examples tag tiers."),
        examples=("connect",),
    )


# ---------------------------------------------------------------------------------------------------
# The workflow
# ---------------------------------------------------------------------------------------------------


class DagJob(Section):
    """One job of the workflow's DAG: ``workflow.dag[]``."""

    name: str = attr(
        "Name of the job, unique in the DAG; `dependencies` refer to it.",
        required=True,
        notes=(
            "Lowercase letters, digits and hyphens, starting with a letter, under 48 characters.",
            "Keep it to about 30: a run id is appended and Spark pod names are limited to 47 characters.",
        ),
        examples=("city-ingestion",),
    )
    title: str = attr("Title of the job.")
    description: str = attr("Description of the job.")
    tags: list[str] = attr("Tags of the job.")
    gcWhenComplete: bool = attr(
        "Boolean: remove the job's runtime resources once it completes.",
        notes=("The docs' row for it repeats the `tags` row; the meaning is inferred from the name.",),
    )
    spec: JobSpec = attr(
        "The job's specification: `stack`, `compute`, `stackSpec`, ...",
        notes=("A dag entry may instead point at a manifest `file`, so the schema does not require it.",),
    )
    dependencies: list[str] | str = attr(
        "Jobs of this DAG that must finish before this one starts.",
        notes=(
            "The docs' table says string, examples write a list; both are accepted.",
            "Each name must be another dag job; cycles are not allowed.",
        ),
        examples=("[city-ingestion]",),
    )
    file: str = attr(
        "Path of a manifest file holding this job's definition, instead of an inline `spec`.",
        examples=("flare/connect-customer/config_v1.yaml",),
    )
    retry: Retry = attr(
        "Retry policy, as the retry guide places it on the dag job.",
        notes=("The manifest reference places `retry` under `spec`.",),
    )


class Schedule(Section):
    """When a scheduled workflow runs: ``workflow.schedule``."""

    cron: str = attr(
        "Cron expression of the run times.",
        required=True,
        notes=("The docs speak of six or seven fields, but every example uses the five-field form.",),
        examples=("'*/10 * * * *'", "'0 2 * * *'"),
    )
    concurrencyPolicy: Literal["Allow", "Forbid", "Replace"] = attr(
        "What happens when a run is due while the previous one is still running.",
        values={
            "Allow": "Start the new run alongside the running one.",
            "Forbid": "Skip the new run.",
            "Replace": "Stop the running one and start the new run.",
        },
        default="Allow",
    )
    endOn: str = attr(
        "RFC 3339 time after which no run starts; a run in progress is stopped.",
        notes=("Examples write it both quoted and unquoted; it is read as text either way.",),
        examples=("2022-01-01T23:30:45Z",),
    )
    timezone: str = attr(
        "IANA time zone the cron expression is read in.",
        notes=("The docs call it mandatory; most examples omit it.",),
        examples=("Asia/Kolkata", "UTC"),
    )


class Workflow(Section):
    """The Workflow-specific section: ``workflow``: an optional schedule and the DAG of jobs."""

    title: str = attr("Title of the workflow.")
    schedule: Schedule = attr("Run the workflow on a cron schedule instead of once.")
    dag: list[DagJob] = attr(
        "List of jobs, run in the order their `dependencies` impose.",
        required=True,
        notes=("Needs at least one job.",),
    )


class Manifest(Section):
    """A DataOS resource manifest of type ``workflow``: the root of a Flare job document."""

    version: Literal["v1", "v1beta1", "v1beta"] = attr(
        "Version of the resource schema.",
        required=True,
        values={
            "v1": "Current version for Workflows.",
            "v1beta1": "Older version, in flare:1.0-3.0 era examples; the CLI still echoes it.",
            "v1beta": "Appears only in the workflow manifest reference's header.",
        },
    )
    name: str = attr(
        "Name of the workflow resource.",
        required=True,
        notes=("Lowercase letters, digits and hyphens, starting with a letter, under 48 characters.",),
        examples=("wf-city-ingestion",),
    )
    type: Literal["workflow"] = attr(
        "Kind of resource.",
        required=True,
        values={"workflow": "A Workflow: a DAG of jobs that run to completion, once or on a schedule."},
        notes=("DataOS has other resource types (service, worker, depot, cluster, ...); flare-ls analyses workflows.",),
    )
    tags: list[str] = attr(
        "Tags of the resource.",
        notes=("The resource docs call it mandatory; many examples omit it.",),
        examples=("Connect", "Tier.Gold"),
    )
    description: str = attr("Description of the resource.")
    owner: str = attr(
        "User id of the owner.",
        default="the user applying the manifest",
        notes=("An unknown id is silently replaced by the applying user.",),
    )
    layer: Literal["user", "system"] = attr(
        "Layer the resource belongs to.",
        values={"user": "User resources (the default).", "system": "Platform resources."},
        default="user",
    )
    workspace: str = attr(
        "Workspace of the resource.",
        notes=("Seen at the top level in examples; normally given with the CLI's `-w` (default `public`).",),
        examples=("public",),
    )
    title: str = attr(
        "Title of the resource.",
        notes=("Seen at the top level in examples; the documented title is `workflow.title`.",),
    )
    workflow: Workflow = attr("The Workflow section: `schedule` and `dag`.", required=True)
