"""The options of Flare's connectors, per format: what an input's ``options`` (and an output's
``options.extraOptions``) may hold depends on its ``format``.

Flare forwards every key of an input's ``options`` to the Spark data source that reads its ``format``
("Flare will iterate over these options and forward each one of them", configuration page), and an
output's ``extraOptions`` to the writer. A data source ignores keys it does not know, silently: a CSV
option on a Kafka input, or ``wholetext`` on a CSV one, does nothing. So each format has a model here:

* the file formats Spark reads itself (csv, json, parquet, orc, avro, text, xml) and Iceberg list every
  option their reader takes (:class:`SparkOptions`): another key is a finding, naming the format it
  belongs to when it belongs to one;
* connectors that pass unknown keys on (JDBC drivers take them as connection properties; Kafka, Event
  Hubs, Elasticsearch take whole families by prefix) document their keys and values, and report only
  keys of another format (:class:`OpenSparkOptions`).

Spark matches option names ignoring case (``inferschema`` is ``inferSchema``), and so do these models.

Sources: the DataOS pages ``configuration_templates/object_storage_configurations/
configuration_data_format.md`` (file formats) and the depot templates (``kafka.md``, ``eventhub.md``,
``elasticsearch.md``, ``google_bigquery.md``, ``*_depot_{read,write}.yml``) in moderndatacompany/dataos.info;
Apache Spark's data source option tables (``docs/sql-data-sources-{csv,json,parquet,orc,avro,text,xml,
generic-options}.md``, ``structured-streaming-kafka-integration.md``); Iceberg's Spark read and write
options; spark-xml, spark-excel, spark-bigquery-connector, the Snowflake and Elasticsearch connectors'
option lists. ``docs/connectors.md`` records where they disagree and what we chose.
"""

from typing import Any, ClassVar

from flare_ls.schema.attrs import OpenSparkOptions, SparkOptions, attr, stacks_from

#: Any YAML scalar.
Scalar = str | int | float | bool

#: The stacks on which the DataOS docs show Kafka formats: the flare:1.0-4.0 examples (Kafka to Iceberg
#: on flare:3.0) and flare:7.0, which the Kafka page says Kafka jobs need; the same change moved its
#: flare:6.0 examples to 7.0 (docs/connectors.md).
KAFKA_STACKS: tuple[str, ...] = ("flare:1.0", "flare:2.0", "flare:3.0", "flare:4.0", *stacks_from("flare:7.0"))
KAFKA_WHY = "the Kafka page says Kafka jobs need the flare:7.0 stack"

_BOOL = bool | str
_REBASE = {
    "EXCEPTION": "Fail on dates and timestamps that the two calendars read differently (Spark's default).",
    "CORRECTED": "Read dates and timestamps as they are (proleptic Gregorian calendar).",
    "LEGACY": "Rebase from the hybrid Julian calendar of Spark 2.4 and older writers.",
}
_PARSE_MODES = {
    "PERMISSIVE": "Keep the row, setting unparsable fields to null (Spark's default).",
    "DROPMALFORMED": "Drop malformed rows.",
    "FAILFAST": "Fail the read on the first malformed row.",
}
_CASE_NOTE = "Spark matches the name ignoring case; the value is matched exactly: write it in capitals."


def _mode() -> Any:
    return attr(
        "What to do with malformed records.",
        values=_PARSE_MODES,
        case_insensitive=True,
        default="PERMISSIVE",
    )


def _rebase(what: str) -> Any:
    return attr(
        f"How {what} dates and timestamps written by old Spark or Hive versions are rebased to Spark's calendar.",
        values=_REBASE,
        default="EXCEPTION",
        notes=(_CASE_NOTE,),
    )


# ---------------------------------------------------------------------------------------------------
# Files: options every Spark file source reads (generic and streaming file-source options)
# ---------------------------------------------------------------------------------------------------


class FileSourceOptions(SparkOptions):
    """Options of every Spark file source (Spark's "Generic File Source Options" and the streaming file
    source's)."""

    ignoreCorruptFiles: _BOOL = attr("Boolean: skip files that cannot be read instead of failing.", default="false")
    ignoreMissingFiles: _BOOL = attr("Boolean: skip files deleted after the listing.", default="false")
    pathGlobFilter: str = attr("Glob pattern the names of the files read must match.", examples=("*.csv",))
    recursiveFileLookup: _BOOL = attr(
        "Boolean: read files in sub-directories too (partition discovery is then off).", default="false"
    )
    modifiedBefore: str = attr("Read only files modified before this timestamp.", examples=("2020-06-01T13:00:00",))
    modifiedAfter: str = attr("Read only files modified after this timestamp.", examples=("2020-06-01T13:00:00",))
    basePath: str = attr("Directory partition discovery starts from.")
    path: str = attr(
        "Path read; Flare reads the input's `dataset`, so this is rarely needed.",
        notes=("The XML example of the data-format page lists it.",),
    )
    maxFilesPerTrigger: int | str = attr("Streaming reads: most new files read per micro-batch.", examples=("100",))
    maxBytesPerTrigger: int | str = attr("Streaming reads: most bytes of new files read per micro-batch.")
    latestFirst: _BOOL = attr("Streaming reads: process the newest files first.", default="false")
    fileNameOnly: _BOOL = attr("Streaming reads: tell new files apart by name only, not full path.")
    maxFileAge: str = attr("Streaming reads: ignore files older than this age.", examples=("7d",))
    maxCachedFiles: int | str = attr("Streaming reads: files listed but not yet read that are kept for later batches.")
    discardCachedInputRatio: float | str = attr("Streaming reads: when cached files are discarded and listed again.")
    cleanSource: str = attr(
        "Streaming reads: what happens to a file once read.",
        values={"off": "Leave it (the default).", "delete": "Delete it.", "archive": "Move it to `sourceArchiveDir`."},
        case_insensitive=True,
        default="off",
    )
    sourceArchiveDir: str = attr("Streaming reads: directory files are moved to with `cleanSource: archive`.")


class CsvReadOptions(FileSourceOptions):
    """Options of a ``format: csv`` input: Spark's CSV reader."""

    header: _BOOL = attr("Boolean: the first line holds column names.", default="false")
    inferSchema: _BOOL = attr("Boolean: infer column types from the data (one more pass) instead of strings.")
    delimiter: str = attr("Field separator, one or more characters.", default=",", examples=(",", "|", "\\t"))
    sep: str = attr("Field separator (Spark's other name for `delimiter`).", default=",")
    encoding: str = attr("Character set of the files.", default="UTF-8")
    charset: str = attr("Character set of the files (Spark's other name for `encoding`).", default="UTF-8")
    quote: str = attr("Character quoting values that contain the separator.", default='"')
    escape: str = attr("Character escaping quotes inside a quoted value.", default="\\")
    comment: str = attr("Lines starting with this character are skipped.")
    enforceSchema: _BOOL = attr(
        "Boolean: apply the given or inferred schema and ignore the header's names (`false` checks them).",
        default="true",
    )
    ignoreLeadingWhiteSpace: _BOOL = attr("Boolean: trim leading whitespace of values.", default="false")
    ignoreTrailingWhiteSpace: _BOOL = attr("Boolean: trim trailing whitespace of values.", default="false")
    nullValue: str = attr("Text read as null.")
    nanValue: str = attr("Text read as not-a-number.", default="NaN")
    positiveInf: str = attr("Text read as positive infinity.", default="Inf")
    negativeInf: str = attr("Text read as negative infinity.", default="-Inf")
    dateFormat: str = attr("Pattern of dates.", default="yyyy-MM-dd")
    timestampFormat: str = attr("Pattern of timestamps.", default="yyyy-MM-dd'T'HH:mm:ss[.SSS][XXX]")
    timestampNTZFormat: str = attr("Pattern of timestamps without time zone.")
    enableDateTimeParsingFallback: _BOOL = attr("Boolean: fall back to Spark 1.x/2.0 parsing of dates and times.")
    preferDate: _BOOL = attr("Boolean: infer date columns as dates (with `inferSchema`).", default="true")
    maxColumns: int | str = attr("Most columns a record may have.", default="20480")
    maxCharsPerColumn: int | str = attr("Most characters of one value (-1: unlimited).", default="-1")
    mode: str = _mode()
    columnNameOfCorruptRecord: str = attr("Column that keeps the text of malformed records (PERMISSIVE mode).")
    multiLine: _BOOL = attr("Boolean: quoted values may span lines.", default="false")
    charToEscapeQuoteEscaping: str = attr("Character escaping the quote escape character.")
    samplingRatio: float | str = attr("Fraction of rows read to infer the schema.", default="1.0")
    emptyValue: str = attr("Text read as an empty string.")
    locale: str = attr("Locale (IETF BCP 47) used to parse dates and numbers.", default="en-US")
    lineSep: str = attr(
        "Line separator, one character.", notes=("By default `\\r`, `\\r\\n` and `\\n` all end a line.",)
    )
    unescapedQuoteHandling: str = attr(
        "How values with unescaped quotes are parsed.",
        values={
            "STOP_AT_CLOSING_QUOTE": "Read on as a quoted value until a closing quote.",
            "BACK_TO_DELIMITER": "Read as an unquoted value up to the delimiter.",
            "STOP_AT_DELIMITER": "Read up to the delimiter or line end (Spark's default).",
            "SKIP_VALUE": "Skip the value and read `nullValue`.",
            "RAISE_ERROR": "Fail the read.",
        },
        case_insensitive=True,
        default="STOP_AT_DELIMITER",
    )
    timeZone: str = attr("Time zone of timestamps without one.", examples=("UTC", "Asia/Kolkata"))


class JsonReadOptions(FileSourceOptions):
    """Options of a ``format: json`` input: Spark's JSON reader."""

    multiLine: _BOOL = attr("Boolean: a record may span lines (one JSON document per file).", default="false")
    primitivesAsString: _BOOL = attr("Boolean: infer every primitive value as a string.", default="false")
    prefersDecimal: _BOOL = attr("Boolean: infer floating-point values as decimals when they fit.", default="false")
    allowComments: _BOOL = attr("Boolean: ignore Java/C++ style comments.", default="false")
    allowUnquotedFieldNames: _BOOL = attr("Boolean: accept unquoted field names.", default="false")
    allowSingleQuotes: _BOOL = attr("Boolean: accept single quotes as well as double quotes.", default="true")
    allowNumericLeadingZeros: _BOOL = attr("Boolean: accept numbers with leading zeros.", default="false")
    allowBackslashEscapingAnyCharacter: _BOOL = attr("Boolean: accept a backslash before any character.")
    allowUnquotedControlChars: _BOOL = attr("Boolean: accept unescaped control characters in strings.")
    allowNonNumericNumbers: _BOOL = attr("Boolean: accept NaN and Infinity.", default="true")
    mode: str = _mode()
    columnNameOfCorruptRecord: str = attr("Column that keeps the text of malformed records (PERMISSIVE mode).")
    dateFormat: str = attr("Pattern of dates.", default="yyyy-MM-dd")
    timestampFormat: str = attr("Pattern of timestamps.", default="yyyy-MM-dd'T'HH:mm:ss[.SSS][XXX]")
    timestampNTZFormat: str = attr("Pattern of timestamps without time zone.")
    enableDateTimeParsingFallback: _BOOL = attr("Boolean: fall back to Spark 1.x/2.0 parsing of dates and times.")
    inferTimestamp: _BOOL = attr("Boolean: infer timestamp columns from strings.", default="false")
    encoding: str = attr("Character set of the files.")
    charset: str = attr("Character set of the files (another name for `encoding`).")
    lineSep: str = attr("Line separator.", notes=("By default `\\r`, `\\r\\n` and `\\n` all end a line.",))
    samplingRatio: float | str = attr("Fraction of records read to infer the schema.", default="1.0")
    dropFieldIfAllNull: _BOOL = attr("Boolean: leave out columns that are null or empty in every record.")
    locale: str = attr("Locale (IETF BCP 47) used to parse dates.", default="en-US")
    timeZone: str = attr("Time zone of timestamps without one.", examples=("UTC",))


class ParquetReadOptions(FileSourceOptions):
    """Options of a ``format: parquet`` input: Spark's Parquet reader."""

    mergeSchema: _BOOL = attr("Boolean: merge the schemas of all files read.", default="false")
    datetimeRebaseMode: str = _rebase("DATE, TIMESTAMP_MILLIS and TIMESTAMP_MICROS")
    int96RebaseMode: str = _rebase("INT96")


class OrcReadOptions(FileSourceOptions):
    """Options of a ``format: orc`` input: Spark's ORC reader."""

    mergeSchema: _BOOL = attr("Boolean: merge the schemas of all files read.", default="false")


class AvroReadOptions(FileSourceOptions):
    """Options of a ``format: avro`` input: Spark's Avro reader."""

    avroSchema: str = attr("Avro schema (JSON) to read the files with, instead of theirs.")
    mode: str = attr(
        "What to do with corrupt records.",
        values={
            "FAILFAST": "Fail the read (Spark's default).",
            "PERMISSIVE": "Read corrupt records as null rows.",
        },
        case_insensitive=True,
        default="FAILFAST",
    )
    datetimeRebaseMode: str = _rebase("date and timestamp")
    positionalFieldMatching: _BOOL = attr(
        "Boolean: match the schema's fields to the files' by position, not by name.", default="false"
    )
    enableStableIdentifiersForUnionType: _BOOL = attr("Boolean: name union members after their types.")
    stableIdentifierPrefixForUnionType: str = attr("Prefix of the names of union members.")
    recursiveFieldMaxDepth: int | str = attr("How deep recursive fields are read (-1: not allowed).")
    ignoreExtension: _BOOL = attr(
        "Boolean: read files without the `.avro` extension.",
        notes=("Deprecated by Spark in favour of `pathGlobFilter`.",),
    )


class TextReadOptions(FileSourceOptions):
    """Options of a ``format: text`` input: Spark's text reader (one `value` column)."""

    wholetext: _BOOL = attr("Boolean: read each file as one row instead of one row per line.", default="false")
    lineSep: str = attr(
        "Line separator.",
        notes=(
            "By default `\\r`, `\\r\\n` and `\\n` all end a line; the data-format page shows the three as one "
            "value (`\\r, \\r\\n, \\n`), which is a list of defaults, not a value to write.",
        ),
        examples=("\\n",),
    )


class XmlReadOptions(FileSourceOptions):
    """Options of a ``format: xml`` input: the XML reader (spark-xml; built into Spark 4)."""

    rowTag: str = attr("Tag of the elements read as rows.", examples=("book",))
    samplingRatio: float | str = attr("Fraction of rows read to infer the schema.", default="1.0")
    excludeAttribute: _BOOL = attr("Boolean: leave out the elements' attributes.", default="false")
    treatEmptyValuesAsNulls: _BOOL = attr("Boolean: read whitespace-only values as null.")
    mode: str = _mode()
    inferSchema: _BOOL = attr("Boolean: infer column types instead of reading strings.", default="true")
    columnNameOfCorruptRecord: str = attr("Column that keeps the text of malformed records (PERMISSIVE mode).")
    attributePrefix: str = attr("Prefix of the columns read from attributes.", default="_")
    valueTag: str = attr("Column name of an element's text when it also has attributes.", default="_VALUE")
    charset: str = attr("Character set of the files.", default="UTF-8")
    encoding: str = attr("Character set of the files (Spark 4's name for `charset`).")
    ignoreSurroundingSpaces: _BOOL = attr("Boolean: trim whitespace around values.")
    wildcardColName: str = attr("Column read as the XML of any child elements the schema does not name.")
    rowValidationXSDPath: str = attr("XSD file each row is validated against; invalid rows count as malformed.")
    ignoreNamespace: _BOOL = attr("Boolean: ignore namespace prefixes of elements and attributes.", default="false")
    timestampFormat: str = attr("Pattern of timestamps.")
    timestampNTZFormat: str = attr("Pattern of timestamps without time zone.")
    dateFormat: str = attr("Pattern of dates.")
    locale: str = attr("Locale (IETF BCP 47) used to parse dates and numbers.")
    nullValue: str = attr("Text read as null.")
    timezone: str = attr("Time zone of timestamps without one.")
    prefersDecimal: _BOOL = attr("Boolean: infer floating-point values as decimals when they fit.")
    validateName: _BOOL = attr("Boolean: fail on column names that are not valid XML names.")


class XlsxReadOptions(OpenSparkOptions):
    """Options of a ``format: xlsx`` input: the Excel reader (spark-excel), whose option names change
    between its versions: other keys are passed on."""

    sheetName: str = attr("Worksheet to read.", examples=("Sheet1",))
    dataAddress: str = attr("Sheet and cell range to read.", examples=("'My Sheet'!B3:C35",))
    header: _BOOL = attr("Boolean: the first row holds column names.")
    inferSchema: _BOOL = attr("Boolean: infer column types instead of reading strings.")
    workbookPassword: str = attr("Password of a protected workbook; never commit a literal one.")
    treatEmptyValuesAsNulls: _BOOL = attr("Boolean: read empty cells as null.")
    usePlainNumberFormat: _BOOL = attr("Boolean: read numbers without the cells' formatting.")
    timestampFormat: str = attr("Pattern of timestamps.")
    maxRowsInMemory: int | str = attr("Rows kept in memory when streaming a large workbook.")
    addColorColumns: _BOOL = attr("Boolean: add a column with each cell's colour.")
    excerptSize: int | str = attr("Rows read to infer the schema.")


class IcebergReadOptions(SparkOptions):
    """Options of a ``format: iceberg`` input (the default format): Iceberg's Spark reader, plus Flare's
    ``branch``."""

    branch: str = attr(
        "Iceberg branch to read.",
        default="main",
        examples=("main", "b1"),
        notes=("The configuration page's structure block shows it on a `csv` input; branches are Iceberg's.",),
    )
    tag: str = attr("Iceberg tag (a named snapshot) to read.")
    snapshot_id: int | str = attr("Snapshot to read (time travel).", alias="snapshot-id")
    as_of_timestamp: int | str = attr(
        "Read the snapshot current at this time, in epoch milliseconds.", alias="as-of-timestamp"
    )
    start_snapshot_id: int | str = attr(
        "Incremental read: the snapshot after which to start.", alias="start-snapshot-id"
    )
    end_snapshot_id: int | str = attr("Incremental read: the last snapshot read.", alias="end-snapshot-id")
    split_size: int | str = attr("Target size of a read split, in bytes.", alias="split-size")
    lookback: int | str = attr("How many bins are considered when combining input splits.")
    file_open_cost: int | str = attr("Estimated cost, in bytes, of opening a file.", alias="file-open-cost")
    vectorization_enabled: _BOOL = attr("Boolean: use vectorized reads.", alias="vectorization-enabled")
    batch_size: int | str = attr("Rows per batch of a vectorized read.", alias="batch-size")
    stream_from_timestamp: int | str = attr(
        "Streaming reads: start from the snapshot current at this epoch-millisecond time.",
        alias="stream-from-timestamp",
    )
    streaming_skip_delete_snapshots: _BOOL = attr(
        "Streaming reads: skip snapshots that only delete.", alias="streaming-skip-delete-snapshots"
    )
    streaming_skip_overwrite_snapshots: _BOOL = attr(
        "Streaming reads: skip snapshots that overwrite.", alias="streaming-skip-overwrite-snapshots"
    )
    streaming_max_files_per_micro_batch: int | str = attr(
        "Streaming reads: most files per micro-batch.", alias="streaming-max-files-per-micro-batch"
    )
    streaming_max_rows_per_micro_batch: int | str = attr(
        "Streaming reads: most rows per micro-batch.", alias="streaming-max-rows-per-micro-batch"
    )


class DeltaReadOptions(SparkOptions):
    """Options of a ``format: delta`` input: Delta Lake's reader (time travel and streaming reads)."""

    versionAsOf: int | str = attr("Table version to read (time travel).")
    timestampAsOf: str = attr("Read the version current at this timestamp.")
    startingVersion: int | str = attr("Streaming reads and change feeds: the first version read.")
    startingTimestamp: str = attr("Streaming reads and change feeds: start at the version current at this time.")
    endingVersion: int | str = attr("Change feeds: the last version read.")
    endingTimestamp: str = attr("Change feeds: stop at the version current at this time.")
    maxFilesPerTrigger: int | str = attr("Streaming reads: most new files per micro-batch.", default="1000")
    maxBytesPerTrigger: int | str = attr("Streaming reads: most bytes per micro-batch.")
    ignoreDeletes: _BOOL = attr("Streaming reads: ignore commits that only delete partitions.")
    ignoreChanges: _BOOL = attr("Streaming reads: re-read files rewritten by updates (deprecated by Delta).")
    skipChangeCommits: _BOOL = attr("Streaming reads: ignore commits that change existing rows.")
    readChangeFeed: _BOOL = attr("Boolean: read the table's change data feed.")
    readChangeData: _BOOL = attr("Boolean: read the table's change data feed (the older name).")
    withEventTimeOrder: _BOOL = attr("Streaming reads: process the first snapshot in event-time order.")
    excludeRegex: str = attr("Streaming reads: files to leave out, as a regular expression.")
    failOnDataLoss: _BOOL = attr("Streaming reads: fail when needed files were deleted.", default="true")
    schemaTrackingLocation: str = attr("Streaming reads: where schema changes of the source are tracked.")
    path: str = attr("Path read; Flare reads the input's `dataset`, so this is rarely needed.")


class HudiReadOptions(OpenSparkOptions):
    """Options of a ``format: hudi`` input: Hudi's reader takes ``hoodie.*`` keys."""

    option_prefixes: ClassVar[tuple[str, ...]] = ("hoodie.",)


# ---------------------------------------------------------------------------------------------------
# Streams
# ---------------------------------------------------------------------------------------------------


class KafkaClientOptions(SparkOptions):
    """Kafka client settings Flare's Kafka templates pass with the ``kafka.`` prefix; any other
    ``kafka.*`` key goes to the Kafka client unchecked."""

    option_prefixes: ClassVar[tuple[str, ...]] = ("kafka.",)

    kafka_bootstrap_servers: str = attr(
        "Brokers, `host:port` separated by commas; Flare takes them from the depot.",
        alias="kafka.bootstrap.servers",
    )
    kafka_security_protocol: str = attr(
        "Protocol used to talk to the brokers.",
        alias="kafka.security.protocol",
        values={
            "PLAINTEXT": "No authentication, no encryption (Kafka's default).",
            "SSL": "TLS.",
            "SASL_PLAINTEXT": "SASL authentication without encryption (the DataOS Kafka template).",
            "SASL_SSL": "SASL authentication over TLS.",
        },
        case_insensitive=True,
        default="PLAINTEXT",
    )
    kafka_sasl_mechanism: str = attr(
        "SASL mechanism of the client.",
        alias="kafka.sasl.mechanism",
        values={
            "PLAIN": "User name and password (the DataOS Kafka template).",
            "SCRAM-SHA-256": "Salted challenge-response, SHA-256.",
            "SCRAM-SHA-512": "Salted challenge-response, SHA-512.",
            "GSSAPI": "Kerberos (Kafka's default).",
            "OAUTHBEARER": "OAuth 2 bearer tokens.",
        },
        closed=False,
        default="GSSAPI",
    )
    kafka_sasl_jaas_config: str = attr(
        "JAAS login configuration of the client, with its credentials.",
        alias="kafka.sasl.jaas.config",
        notes=("Holds a password: keep it in a secret, not in the manifest.",),
        examples=(
            'org.apache.kafka.common.security.plain.PlainLoginModule required username="<user>" password="<password>";',
        ),
    )
    kafka_group_id: str = attr("Consumer group id (Spark generates one otherwise).", alias="kafka.group.id")


class KafkaReadOptions(KafkaClientOptions):
    """Options of a Kafka input (``format: kafkajson`` or ``kafkaavro``): Spark's Kafka source."""

    startingOffsets: str = attr(
        "Where a Kafka read starts when there is no checkpoint yet.",
        values={
            "earliest": "From the oldest retained message.",
            "latest": "From new messages only (Spark's default for streaming reads).",
        },
        closed=False,
        checked_by="FL206",
        notes=(
            "Only the first run uses it: once the checkpoint holds offsets, they win.",
            "Spark also accepts a JSON string of per-partition offsets (-2 = earliest, -1 = latest).",
        ),
    )
    endingOffsets: str = attr("Batch reads: where the read stops (`latest` or per-partition JSON).", default="latest")
    startingTimestamp: int | str = attr("Start at the offsets of this epoch-millisecond time, in every partition.")
    endingTimestamp: int | str = attr("Batch reads: stop at the offsets of this epoch-millisecond time.")
    startingOffsetsByTimestamp: str = attr("Per-partition start times, as JSON.")
    endingOffsetsByTimestamp: str = attr("Batch reads: per-partition end times, as JSON.")
    startingOffsetsByTimestampStrategy: str = attr(
        "What happens when no offset matches a start time.",
        values={"error": "Fail the query (the default).", "latest": "Start from the latest offset."},
        case_insensitive=True,
    )
    failOnDataLoss: _BOOL = attr(
        "Whether the read fails when data may have been lost (deleted topics, expired offsets).",
        default="true",
        notes=("Setting it false lets the query continue past gaps; Spark warns it can be a false alarm.",),
    )
    maxOffsetsPerTrigger: int | str = attr("Streaming reads: most offsets read per micro-batch.", examples=("10000",))
    minOffsetsPerTrigger: int | str = attr("Streaming reads: fewest offsets worth a micro-batch.")
    maxTriggerDelay: str = attr("Streaming reads: longest wait for `minOffsetsPerTrigger`.", default="15m")
    minPartitions: int | str = attr("Fewest Spark partitions to read with.")
    groupIdPrefix: str = attr("Prefix of the consumer group ids Spark generates.")
    includeHeaders: _BOOL = attr("Boolean: add the records' headers as a column.", default="false")
    assign: str = attr("Partitions to read, as JSON; Flare sets the topic from the dataset.")
    subscribe: str = attr("Topics to read, comma-separated; Flare sets the topic from the dataset.")
    subscribePattern: str = attr("Pattern of the topics to read; Flare sets the topic from the dataset.")
    kafkaConsumer_pollTimeoutMs: int | str = attr(
        "Timeout of a poll of the consumer, in milliseconds.", alias="kafkaConsumer.pollTimeoutMs"
    )
    fetchOffset_numRetries: int | str = attr("Retries when fetching offsets.", alias="fetchOffset.numRetries")
    fetchOffset_retryIntervalMs: int | str = attr(
        "Wait between offset fetch retries, in milliseconds.", alias="fetchOffset.retryIntervalMs"
    )


class KafkaWriteOptions(KafkaClientOptions):
    """Writer options of a Kafka output (``extraOptions``): Spark's Kafka sink."""

    topic: str = attr("Topic written when rows have no `topic` column; Flare sets it from the dataset.")
    includeHeaders: _BOOL = attr("Boolean: write the `headers` column as the records' headers.")


class PulsarOptions(OpenSparkOptions):
    """Options of a Pulsar input or output: the Pulsar Spark connector (``pulsar.client.*``,
    ``pulsar.reader.*``, ``pulsar.producer.*`` keys pass to the client)."""

    option_prefixes: ClassVar[tuple[str, ...]] = ("pulsar.",)

    startingOffsets: str = attr(
        "Where a Pulsar read starts when there is no checkpoint yet.",
        values={"earliest": "From the oldest retained message.", "latest": "From new messages only."},
        closed=False,
        checked_by="FL206",
    )
    endingOffsets: str = attr("Batch reads: where the read stops.")
    failOnDataLoss: _BOOL = attr("Whether the read fails when data may have been lost.", default="true")
    topic: str = attr("Topic read or written; Flare sets it from the dataset.")


class EventhubOptions(OpenSparkOptions):
    """Options of an Azure Event Hubs input or output: the Event Hubs Spark connector, whose settings
    are ``eventhubs.*`` keys."""

    option_prefixes: ClassVar[tuple[str, ...]] = ("eventhubs.",)

    eventhubs_consumergroup: str = attr(
        "Consumer group the read uses.", alias="eventhubs.consumergroup", default="$Default", examples=("tmdc",)
    )
    eventhubs_startingposition: str = attr(
        "Where the read starts, as JSON (`offset`, `seqNo`, `enqueuedTime`, `isInclusive`).",
        alias="eventhubs.startingposition",
        examples=('\'{"offset":"-1","seqNo":-1,"enqueuedTime":null,"isInclusive":true}\'',),
    )
    eventhubs_endingposition: str = attr(
        "Batch reads: where the read stops, as JSON.", alias="eventhubs.endingposition"
    )
    eventhubs_connectionstring: str = attr(
        "Connection string of the Event Hub; Flare takes it from the depot. Never commit a literal one.",
        alias="eventhubs.connectionstring",
    )
    maxEventsPerTrigger: int | str = attr("Streaming reads: most events per micro-batch.")


# ---------------------------------------------------------------------------------------------------
# Databases and warehouses
# ---------------------------------------------------------------------------------------------------


class JdbcOptions(OpenSparkOptions):
    """Options of a JDBC input or output (Postgres, MySQL, MSSQL, Oracle depots): Spark's JDBC source.
    Keys it does not know go to the JDBC driver as connection properties (MySQL's
    ``rewriteBatchedStatements``), so they are passed on."""

    driver: str = attr(
        "JDBC driver class; required on JDBC inputs.",
        notes=(
            "Missing on a JDBC input fails with \"please provide 'driver' property in options\".",
            "On an output, `driver` goes on the output itself, not in its options.",
        ),
        examples=(
            "org.postgresql.Driver",
            "com.mysql.cj.jdbc.Driver",
            "com.microsoft.sqlserver.jdbc.SQLServerDriver",
            "oracle.jdbc.driver.OracleDriver",
        ),
    )
    dbtable: str = attr("Table read or written; Flare sets it from the dataset.")
    query: str = attr("Query whose result is read, instead of a table.")
    partitionColumn: str = attr("Numeric, date or timestamp column a parallel read is split on.")
    lowerBound: int | str = attr("Lowest `partitionColumn` value of the split (with `upperBound`, `numPartitions`).")
    upperBound: int | str = attr("Highest `partitionColumn` value of the split.")
    numPartitions: int | str = attr("Most parallel connections of a read or write.")
    queryTimeout: int | str = attr("Seconds a statement may run (0: no limit).")
    fetchsize: int | str = attr("Rows fetched per round trip when reading.")
    batchsize: int | str = attr("Rows inserted per round trip when writing.", default="1000")
    isolationLevel: str = attr(
        "Transaction isolation of writes.",
        values={
            "NONE": "No transactions.",
            "READ_UNCOMMITTED": "Read uncommitted (Spark's default).",
            "READ_COMMITTED": "Read committed.",
            "REPEATABLE_READ": "Repeatable read.",
            "SERIALIZABLE": "Serializable.",
        },
        case_insensitive=True,
        default="READ_UNCOMMITTED",
    )
    sessionInitStatement: str = attr("SQL run when each session opens.")
    truncate: _BOOL = attr("Boolean: overwrite by truncating the table instead of dropping it.", default="false")
    cascadeTruncate: _BOOL = attr("Boolean: truncate with CASCADE (Postgres, Oracle).")
    createTableOptions: str = attr("Text appended to CREATE TABLE (`ENGINE=InnoDB`).")
    createTableColumnTypes: str = attr("Column types used when creating the table (`name VARCHAR(64)`).")
    customSchema: str = attr("Column types used when reading (`id DECIMAL(38, 0)`).")
    pushDownPredicate: _BOOL = attr("Boolean: run filters in the database.", default="true")
    pushDownAggregate: _BOOL = attr("Boolean: run aggregates in the database.")
    pushDownLimit: _BOOL = attr("Boolean: run LIMIT in the database.")
    pushDownTableSample: _BOOL = attr("Boolean: run TABLESAMPLE in the database.")
    preferTimestampNTZ: _BOOL = attr("Boolean: read timestamps without time zone.")
    user: str = attr("Database user; Flare takes it from the depot.")
    password: str = attr("Database password; Flare takes it from the depot. Never commit a literal one.")
    rewriteBatchedStatements: _BOOL = attr(
        "MySQL driver property: send batched inserts as one statement (much faster writes).",
        examples=('"true"',),
    )


class BigQueryConnectorOptions(OpenSparkOptions):
    """Options of a BigQuery input or output (``extraOptions``): the spark-bigquery-connector."""

    writeMethod: str = attr(
        "How data is written to BigQuery.",
        values={
            "direct": "Straight through the BigQuery Storage Write API.",
            "indirect": "Staged in a GCS bucket (`temporaryGcsBucket`), then loaded (the default).",
        },
        case_insensitive=True,
        default="indirect",
        notes=(
            "The direct method does not support `datePartition`, `partitionField`, `partitionType` and the "
            "`partitionRange*` options.",
        ),
    )
    temporaryGcsBucket: str = attr(
        "GCS bucket data is staged in for indirect writes.", examples=("tmdc-development-new",)
    )
    persistentGcsBucket: str = attr("GCS bucket staged data is kept in after an indirect write.")
    persistentGcsPath: str = attr("Path in `persistentGcsBucket` staged data is kept under.")
    intermediateFormat: str = attr(
        "File format data is staged in for indirect writes.",
        values={"parquet": "Parquet (the default).", "orc": "ORC.", "avro": "Avro."},
        case_insensitive=True,
        default="parquet",
    )
    useAvroLogicalTypes: _BOOL = attr("Boolean: with Avro staging, load logical types as BigQuery types.")
    datePartition: str = attr("Partition written, as `YYYYMMDD` (indirect writes).")
    partitionField: str = attr("Column the table is partitioned by.")
    partitionType: str = attr(
        "Time unit of the table's partitions.",
        values={"HOUR": "Hourly.", "DAY": "Daily (the default).", "MONTH": "Monthly.", "YEAR": "Yearly."},
        case_insensitive=True,
    )
    partitionExpirationMs: int | str = attr("Milliseconds a partition is kept.")
    clusteredFields: str = attr("Columns the table is clustered by, comma-separated.")
    createDisposition: str = attr(
        "Whether the write may create the table.",
        values={"CREATE_IF_NEEDED": "Create it when missing (the default).", "CREATE_NEVER": "Fail when missing."},
        case_insensitive=True,
    )
    allowFieldAddition: _BOOL = attr("Boolean: let the write add columns to the table.")
    allowFieldRelaxation: _BOOL = attr("Boolean: let the write make required columns nullable.")
    project: str = attr("Google Cloud project of the table; Flare takes it from the depot.")
    parentProject: str = attr("Project billed for the reads and writes.")
    dataset: str = attr("BigQuery dataset of the table; Flare takes it from the depot.")
    table: str = attr("Table read or written; Flare sets it from the dataset.")
    filter: str = attr("Reads: predicate pushed down to BigQuery.")
    viewsEnabled: _BOOL = attr("Reads: allow reading views.")
    materializationDataset: str = attr("Reads: dataset where views and queries are materialized.")


class SnowflakeOptions(OpenSparkOptions):
    """Options of a Snowflake input or output (``extraOptions``): the Snowflake Spark connector, whose
    settings are ``sf*`` keys; Flare takes the connection from the depot."""

    sfWarehouse: str = attr(
        "Warehouse that runs the reads and writes (it must be running).",
        examples=("TMDCWH",),
        notes=("The Snowflake write template sets it in `extraOptions`.",),
    )
    sfDatabase: str = attr("Database read or written; Flare takes it from the depot.")
    sfSchema: str = attr("Schema read or written; Flare takes it from the dataset.")
    sfRole: str = attr("Role the connection uses.")
    sfURL: str = attr("Account URL; Flare takes it from the depot.")
    sfUser: str = attr("User; Flare takes it from the depot.")
    sfPassword: str = attr("Password; Flare takes it from the depot. Never commit a literal one.")
    dbtable: str = attr("Table read or written; Flare sets it from the dataset.")
    query: str = attr("Reads: query whose result is read, instead of a table.")
    truncate_table: str = attr(
        "Overwrites: truncate the table (keeping its schema) instead of recreating it.",
        alias="truncate_table",
        values={"on": "Truncate.", "off": "Drop and recreate (the default)."},
        case_insensitive=True,
    )
    usestagingtable: str = attr(
        "Writes: load through a staging table.",
        values={"on": "Use one (the default).", "off": "Write to the table directly."},
        case_insensitive=True,
    )
    column_mapping: str = attr(
        "Writes: match columns by name or by order.",
        values={"order": "By position (the default).", "name": "By name."},
        case_insensitive=True,
    )
    autopushdown: str = attr(
        "Reads: push queries down to Snowflake.",
        values={"on": "Push down (the default).", "off": "Do not."},
        case_insensitive=True,
    )


class ElasticsearchOptions(OpenSparkOptions):
    """Options of an Elasticsearch input or output: the elasticsearch-hadoop connector, whose settings
    are ``es.*`` keys (in Spark SQL the prefix may be left out)."""

    option_prefixes: ClassVar[tuple[str, ...]] = ("es.",)

    es_nodes_wan_only: _BOOL = attr(
        "Boolean: talk only to the declared nodes, not to the shards behind them (cloud or WAN clusters).",
        alias="es.nodes.wan.only",
        default="false",
        examples=("'true'",),
    )
    es_nodes: str = attr("Cluster nodes; Flare takes them from the depot.", alias="es.nodes")
    es_port: int | str = attr("HTTP port of the nodes.", alias="es.port", default="9200")
    es_resource: str = attr("Index read or written; Flare sets it from the dataset.", alias="es.resource")
    es_mapping_id: str = attr("Column whose value becomes the document id.", alias="es.mapping.id")
    es_write_operation: str = attr(
        "What a write does with each document.",
        alias="es.write.operation",
        values={
            "index": "Add or replace (the default).",
            "create": "Add; fail if the id exists.",
            "update": "Update; fail if the id is missing.",
            "upsert": "Update or add.",
        },
        case_insensitive=True,
    )


class OpensearchOptions(OpenSparkOptions):
    """Options of an OpenSearch input or output: the opensearch-hadoop connector, whose settings are
    ``opensearch.*`` keys."""

    option_prefixes: ClassVar[tuple[str, ...]] = ("opensearch.",)

    opensearch_nodes_wan_only: _BOOL = attr(
        "Boolean: talk only to the declared nodes, not to the shards behind them (cloud or WAN clusters).",
        alias="opensearch.nodes.wan.only",
        default="false",
        examples=("'true'",),
    )
    opensearch_nodes: str = attr("Cluster nodes; Flare takes them from the depot.", alias="opensearch.nodes")
    opensearch_resource: str = attr(
        "Index read or written; Flare sets it from the dataset.", alias="opensearch.resource"
    )
    opensearch_mapping_id: str = attr("Column whose value becomes the document id.", alias="opensearch.mapping.id")


class MongoOptions(OpenSparkOptions):
    """Options of a MongoDB input or output: the MongoDB Spark connector."""

    database: str = attr("Database read or written; Flare takes it from the depot.")
    collection: str = attr("Collection read or written; Flare sets it from the dataset.")
    pipeline: str = attr("Reads: aggregation pipeline run in MongoDB, as JSON.")
    partitioner: str = attr("Reads: how the collection is split for parallel reads.")
    operationType: str = attr(
        "Writes: what a write does with each document.",
        values={"insert": "Insert.", "replace": "Replace by id (the default).", "update": "Update by id."},
        case_insensitive=True,
    )


class RedshiftOptions(OpenSparkOptions):
    """Options of an Amazon Redshift input or output: the Redshift Spark connector."""

    tempdir: str = attr("S3 directory data is staged in; Flare takes it from the depot.")
    dbtable: str = attr("Table read or written; Flare sets it from the dataset.")
    query: str = attr("Reads: query whose result is read, instead of a table.")
    forward_spark_s3_credentials: _BOOL = attr("Boolean: pass Spark's S3 credentials to Redshift.")
    aws_iam_role: str = attr("IAM role Redshift uses to reach the staging directory.")
    diststyle: str = attr(
        "Writes: distribution style of a created table.",
        values={"EVEN": "Round robin (the default).", "KEY": "By `distkey`.", "ALL": "Copied to every node."},
        case_insensitive=True,
    )
    distkey: str = attr("Writes: distribution key column of a created table.")
    sortkeyspec: str = attr("Writes: sort key of a created table.")
    tempformat: str = attr(
        "Writes: format data is staged in.",
        values={"AVRO": "Avro (the default).", "CSV": "CSV.", "CSV GZIP": "Gzip-compressed CSV."},
        case_insensitive=True,
    )


# ---------------------------------------------------------------------------------------------------
# Writer options of file and Iceberg outputs (``options.extraOptions``)
# ---------------------------------------------------------------------------------------------------


class FileWriteOptions(OpenSparkOptions):
    """Writer options of a file output (csv, json, parquet, orc, avro, text, xml): Spark's file writers."""

    compression: str = attr(
        "Compression codec of the files written (which ones apply depends on the format).",
        values={
            "none": "Uncompressed.",
            "snappy": "Snappy (Spark's default for Parquet, ORC and Avro).",
            "gzip": "Gzip.",
            "zstd": "Zstandard.",
            "lz4": "LZ4.",
            "bzip2": "Bzip2 (text formats).",
            "deflate": "Deflate (text formats, Avro).",
        },
        case_insensitive=True,
        closed=False,
    )
    header: _BOOL = attr("CSV: write the column names as the first line.")
    delimiter: str = attr("CSV: field separator.")
    sep: str = attr("CSV: field separator (another name for `delimiter`).")
    quote: str = attr("CSV: quote character.")
    escape: str = attr("CSV: character escaping quotes.")
    quoteAll: _BOOL = attr("CSV: quote every value.")
    escapeQuotes: _BOOL = attr("CSV: quote values that contain quotes.")
    nullValue: str = attr("CSV, XML: text written for null.")
    emptyValue: str = attr("CSV: text written for an empty string.")
    encoding: str = attr("CSV, JSON: character set written.")
    lineSep: str = attr("CSV, JSON, text: line separator written.")
    dateFormat: str = attr("Pattern dates are written in.")
    timestampFormat: str = attr("Pattern timestamps are written in.")
    ignoreNullFields: _BOOL = attr("JSON: leave null fields out.")
    avroSchema: str = attr("Avro: schema (JSON) the files are written with.")
    recordName: str = attr("Avro: top-level record name.", default="topLevelRecord")
    recordNamespace: str = attr("Avro: namespace of the top-level record.")
    rowTag: str = attr("XML: tag of the element each row becomes.")
    rootTag: str = attr("XML: tag of the root element.")
    mergeSchema: _BOOL = attr("Parquet, ORC: merge the schemas of written and existing files.")


class IcebergWriteOptions(SparkOptions):
    """Writer options of an Iceberg output (``options.extraOptions``): Iceberg's Spark write options.
    Table properties go in ``options.iceberg.properties`` instead."""

    option_prefixes: ClassVar[tuple[str, ...]] = ("snapshot-property.",)

    branch: str = attr("Iceberg branch to write.", default="main", examples=("main", "b1"))
    fanout_enabled: _BOOL = attr(
        "Boolean: keep a file open per partition instead of requiring data sorted by partition (streaming "
        "writes to partitioned tables need it).",
        alias="fanout-enabled",
        examples=('"true"',),
    )
    write_format: str = attr(
        "File format of the data files written (overrides `write.format.default`).",
        alias="write-format",
        values={"parquet": "Parquet.", "avro": "Avro.", "orc": "ORC."},
        case_insensitive=True,
    )
    target_file_size_bytes: int | str = attr("Target size of the data files written.", alias="target-file-size-bytes")
    compression_codec: str = attr("Compression codec of the data files written.", alias="compression-codec")
    compression_level: int | str = attr("Compression level of the data files written.", alias="compression-level")
    compression_strategy: str = attr("Compression strategy (ORC).", alias="compression-strategy")
    check_nullability: _BOOL = attr("Boolean: check that required columns receive no nulls.", alias="check-nullability")
    check_ordering: _BOOL = attr("Boolean: check that the columns come in the table's order.", alias="check-ordering")
    isolation_level: str = attr(
        "Isolation of overwrites and deletes.",
        alias="isolation-level",
        values={"serializable": "Serializable.", "snapshot": "Snapshot."},
        case_insensitive=True,
    )
    validate_from_snapshot_id: int | str = attr(
        "Snapshot conflicts are checked from.", alias="validate-from-snapshot-id"
    )
    distribution_mode: str = attr(
        "How rows are distributed to the writers.",
        alias="distribution-mode",
        values={"none": "As they come.", "hash": "By partition.", "range": "By sort order."},
        case_insensitive=True,
    )
    delete_granularity: str = attr(
        "Granularity of position deletes.",
        alias="delete-granularity",
        values={"file": "One delete file per data file.", "partition": "One per partition."},
        case_insensitive=True,
    )
    overwrite_mode: str = attr(
        "How `saveMode: overwrite` replaces data of a partitioned table.",
        alias="overwrite-mode",
        values={"dynamic": "Only the partitions written.", "static": "The whole table (or the filter's rows)."},
        case_insensitive=True,
    )
    wap_id: str = attr("Write-audit-publish id of the snapshot written.", alias="wap-id")
    merge_schema: _BOOL = attr("Boolean: add new columns of the data to the table.", alias="merge-schema")
    mergeSchema: _BOOL = attr("Boolean: add new columns of the data to the table (Spark's spelling).")
    use_table_distribution_and_ordering: _BOOL = attr(
        "Boolean: distribute and sort by the table's settings.", alias="use-table-distribution-and-ordering"
    )


#: Read options by input ``format`` (lowercase; formats that share a reader share a model).
READ_OPTIONS: tuple[tuple[str, Any], ...] = (
    ("iceberg", IcebergReadOptions),
    ("csv", CsvReadOptions),
    ("json", JsonReadOptions),
    ("parquet", ParquetReadOptions),
    ("orc", OrcReadOptions),
    ("avro", AvroReadOptions),
    ("text", TextReadOptions),
    ("xml", XmlReadOptions),
    ("xlsx", XlsxReadOptions),
    ("delta", DeltaReadOptions),
    ("hudi", HudiReadOptions),
    ("jdbc", JdbcOptions),
    ("db", JdbcOptions),
    ("bigquery", BigQueryConnectorOptions),
    ("snowflake", SnowflakeOptions),
    ("redshift", RedshiftOptions),
    ("mongodb", MongoOptions),
    ("elasticsearch", ElasticsearchOptions),
    ("opensearch", OpensearchOptions),
    ("kafkajson", KafkaReadOptions),
    ("kafkaavro", KafkaReadOptions),
    ("pulsar", PulsarOptions),
    ("eventhub", EventhubOptions),
)
