"""The Flare functions of ``steps[].sequence[].functions[]``: one model per function, told apart by ``name``.

Each item of a step's ``functions`` list is a mapping whose ``name`` says which function it applies; its
other keys are that function's parameters. :data:`Function` is the discriminated union of the models
below, so the schema walk checks an item against the function its ``name`` selects (unknown function,
unknown or missing parameter, bad value), completion offers the names and then that function's
parameters, hover shows the function's page, and the JSON Schema export carries a ``oneOf`` with a
``discriminator`` on ``name``.

Source: the DataOS functions page (``docs/resources/stacks/flare/functions/list.md`` in
moderndatacompany/dataos.info, https://dataos.info/resources/stacks/flare/functions/list/) and the example
manifests it includes (``docs/examples/resources/stacks/flare/functions/*.yaml``). The page documents 41
functions; ``flatten_outer`` is named only in a note of ``flatten`` and is modelled too (42 models).
The page says little about which parameters are required: a parameter is required here when the function
cannot do its work without it (the column it reads, the value that defines it). Where the page, its
examples and its prose disagree, the attribute's ``notes`` say so and ``docs/functions.md`` records
what we chose.
"""

from typing import Annotated, Any, Literal

from pydantic import Field

from flare_ls.schema.attrs import Section, attr
from flare_ls.schema.shapes import Tagged

#: Any YAML scalar.
Scalar = str | int | float | bool

_ADD_COLUMN_TYPES: dict[str, str] = {
    "string": "Text.",
    "boolean": "`true` or `false`.",
    "byte": "8-bit integer.",
    "short": "16-bit integer.",
    "int": "32-bit integer.",
    "long": "64-bit integer.",
    "float": "Single-precision floating point.",
    "double": "Double-precision floating point.",
    "decimal": "Exact decimal number.",
    "date": "Calendar date.",
    "timestamp": "Date and time of day.",
}

_CODECS: dict[str, str] = {
    "base32": "Base32 (RFC 4648).",
    "base64": "Base64 (RFC 4648).",
    "hex": "Hexadecimal, base16 (RFC 4648).",
}

_SED = ("s/^stay/stayed/g", "s/regex/replacement/g")

_IN_PLACE = "When absent, the result replaces the values of `column`."


def _column(description: str = "Name of the column the function reads.") -> Any:
    return attr(description, required=True, examples=("customer_name",))


def _as_column(description: str = "Name of the column the result is written to.", required: bool = False) -> Any:
    return attr(description, required=required, notes=() if required else (_IN_PLACE,), examples=("new_column",))


def _columns(description: str) -> Any:
    return attr(description, required=True, examples=("- column_1\n- column_2",))


def _name(function: str, description: str) -> Any:
    """The ``name`` of a function's item: its one-line description, shown beside the name in completion."""
    return attr(description, required=True, examples=(function,))


class AddColumnFunction(Section):
    """Adds a new column holding the same value on every row, of one of the supported types; another
    type fails with "Invalid datatype found"."""

    name: Literal["add_column"] = _name("add_column", "Adds a column holding a constant value of a given type.")
    column: str = _column("Name of the new column.")
    value: Scalar = attr("The value every row of the new column holds.", required=True, examples=("8",))
    type: Literal[
        "string", "boolean", "byte", "short", "int", "long", "float", "double", "decimal", "date", "timestamp"
    ] = attr(
        "Type of the new column.",
        required=True,
        values=_ADD_COLUMN_TYPES,
        notes=('Any other type fails the job with "Invalid datatype found".',),
    )


_DATE_RULES_NOTE = "Without rules, the default rule reads 18 common layouts (yyyy.mm.dd, dd/MM/yy, ...)."


class AnyDateFunction(Section):
    """Parses text in any of many date layouts into a date column (`yyyy-mm-dd`), by regular-expression
    rules or, without them, a default rule covering 18 common layouts."""

    name: Literal["any_date"] = _name("any_date", "Parses dates written in any common layout into a date column.")
    column: str = _column("Column holding the dates as text.")
    asColumn: str = _as_column()
    rule: list[str] = attr(
        "Regular expressions with named groups (`year`, `month`, `day`, ...) that read the dates.",
        notes=(
            _DATE_RULES_NOTE,
            "The page's syntax writes `rule`, its note `rules`: both are accepted.",
        ),
    )
    rules: list[str] = attr(
        "Regular expressions with named groups (`year`, `month`, `day`, ...) that read the dates.",
        notes=(
            _DATE_RULES_NOTE,
            "The page's syntax writes `rule`, its note `rules`: both are accepted.",
        ),
    )


class AnyTimestampFunction(Section):
    """Parses text in any of many date-time layouts into a timestamp column in a given time zone, by
    regular-expression rules or, without them, a default rule."""

    name: Literal["any_timestamp"] = _name(
        "any_timestamp", "Parses date-times written in any common layout into a timestamp column."
    )
    column: str = _column("Column holding the date-times as text.")
    asColumn: str = _as_column()
    timezone: str = attr(
        "Time zone the timestamps are expressed in (an IANA name).", examples=("Asia/Kolkata", "America/New_York")
    )
    rules: list[str] = attr(
        "Regular expressions with named groups (`year`, `month`, `day`, `hour`, ...) that read the date-times.",
        notes=("Without rules, a default rule is used.",),
    )


class ChangeCaseFunction(Section):
    """Changes the case of the values of one column (`John Doe` to `JOHN DOE`); the column's name is
    unchanged."""

    name: Literal["change_case"] = _name("change_case", "Changes the case of a column's values.")
    case: str = attr(
        "The case the values are changed to.",
        required=True,
        values={"lower": "lowercase", "upper": "UPPERCASE", "title": "Title Case"},
        closed=False,
        notes=(
            "The page's syntax lists `lower/upper/title`; one of its example manifests writes `uppercase`, "
            "so other values are a warning, not an error.",
        ),
    )
    column: str = _column("Column whose values change case.")


class ChangeColumnCaseFunction(Section):
    """Changes the names of all columns to lowercase or uppercase."""

    name: Literal["change_column_case"] = _name(
        "change_column_case", "Changes every column name to lowercase or uppercase."
    )
    case: Literal["lower", "upper"] = attr(
        "The case column names are changed to.",
        required=True,
        values={"lower": "lowercase names.", "upper": "UPPERCASE names."},
    )


class CleanseColumnNamesFunction(Section):
    """Makes every column name a safe identifier: trims surrounding spaces, lowercases it and replaces
    each character other than letters, digits and `_` with `_`."""

    name: Literal["cleanse_column_names"] = _name(
        "cleanse_column_names", "Trims, lowercases and sanitises every column name (no parameters)."
    )


class ColumnsReplaceFunction(Section):
    """Renames columns in bulk with a sed-style substitution applied to every column name."""

    name: Literal["columns_replace"] = _name("columns_replace", "Renames columns with a sed-style expression.")
    sedExpression: str = attr(
        "sed substitution applied to each column name (`s/^old_/new_/g`).", required=True, examples=_SED
    )


class CopyFunction(Section):
    """Copies the values of a source column into a destination column."""

    name: Literal["copy"] = _name("copy", "Copies a column's values into another column.")
    fromColumn: str = attr("Column the values are copied from.", required=True, examples=("PAYER",))
    toColumn: str = attr("Column the values are copied into.", required=True, examples=("SECONDARY_PAYER",))


class CutCharacterFunction(Section):
    """Keeps part of each text value: the characters from `startIndex` to `endIndex`."""

    name: Literal["cut_character"] = _name("cut_character", "Keeps a range of characters of a column's values.")
    column: str = _column("Column whose values are cut.")
    asColumn: str = _as_column()
    startIndex: int = attr("Position of the first character kept, counting from 1.", required=True, examples=("1",))
    endIndex: int = attr("Position of the last character kept.", required=True, examples=("4",))


class _Variant(Section):
    """What the functions of one family share; each function declares its own ``name``."""

    name: str = attr("Name of the function.", required=True)


class _CodecFunction(_Variant):
    algo: Literal["base32", "base64", "hex"] = attr("The encoding (RFC 4648).", required=True, values=_CODECS)
    column: str = _column("Column whose values are encoded or decoded.")
    asColumn: str = _as_column()


class DecodeFunction(_CodecFunction):
    """Decodes the values of a column from base32, base64 or hex (RFC 4648)."""

    name: Literal["decode"] = _name("decode", "Decodes a column's values from base32, base64 or hex.")


class DiffDateFunction(Section):
    """Writes the difference between two date columns (`columnA` minus `columnB`, in days) into a new
    column."""

    name: Literal["diff_date"] = _name("diff_date", "Difference in days between two date columns.")
    columnA: str = attr("The later date (the difference is `columnA` minus `columnB`).", required=True)
    columnB: str = attr("The earlier date.", required=True)
    asColumn: str = _as_column("Name of the column the difference is written to.", required=True)


class DropFunction(Section):
    """Removes the listed columns."""

    name: Literal["drop"] = _name("drop", "Removes a list of columns.")
    columns: list[str] = _columns("Columns to remove.")


class DropDuplicatesFunction(Section):
    """Removes rows that repeat the values of the listed columns, keeping one of each."""

    name: Literal["drop_duplicates"] = _name("drop_duplicates", "Removes rows duplicated on a list of columns.")
    columns: list[str] = _columns("Columns whose values identify a duplicate row.")


class EncodeFunction(_CodecFunction):
    """Encodes the values of a column as base32, base64 or hex (RFC 4648)."""

    name: Literal["encode"] = _name("encode", "Encodes a column's values as base32, base64 or hex.")


class EpochToTimestampFunction(Section):
    """Converts epoch seconds, written as text, into a timestamp."""

    name: Literal["epoch_to_timestamp"] = _name("epoch_to_timestamp", "Converts epoch seconds into a timestamp.")
    column: str = _column("Column holding epoch seconds.")
    asColumn: str = _as_column()


class FillNullOrEmptyFunction(Section):
    """Replaces null and empty (`""`) values of columns with a fixed text; fails when a column does not
    exist."""

    name: Literal["fill_null_or_empty"] = _name(
        "fill_null_or_empty", "Fills null or empty values of columns with fixed text."
    )
    columns: dict[str, Scalar] = attr(
        "Mapping of column name to the text that replaces its null or empty values.",
        required=True,
        notes=("The replacement can only be text; a column that does not exist fails the job.",),
        examples=("PREFIX: not known",),
    )


class FindAndReplaceFunction(Section):
    """Rewrites the text values of a column with a sed-style substitution."""

    name: Literal["find_and_replace"] = _name(
        "find_and_replace", "Rewrites a column's values with a sed-style expression."
    )
    column: str = _column("Column whose values are rewritten.")
    sedExpression: str = attr("sed substitution applied to each value.", required=True, examples=_SED)


class _FlattenFunction(_Variant):
    column: str = _column("Array column to flatten.")
    asColumn: str = _as_column("Name of the column holding each element.")


class FlattenFunction(_FlattenFunction):
    """Turns each element of an array column into a row of its own, copying the other columns into each
    new row. Use `flatten_outer` to also keep the rows whose array is null, with null in the new column."""

    name: Literal["flatten"] = _name("flatten", "One row per element of an array column.")


class FlattenOuterFunction(_FlattenFunction):
    """Like `flatten`, but a row whose array is null or empty is kept, with null in the new column."""

    name: Literal["flatten_outer"] = _name(
        "flatten_outer", "One row per element of an array column, keeping rows whose array is null."
    )


_DATE_FORMAT = ("yyyy-MM-dd'T'HH:mm:ss", "yyyy/MM/dd")


class _FormatFunction(_Variant):
    column: str = _column("Column to format.")
    format: str = attr(
        "Date-time pattern of the text (Java/Spark pattern letters).",
        required=True,
        notes=(
            "The example manifest of `format_date` writes `refformat`; its syntax and every other source "
            "write `format`.",
        ),
        examples=_DATE_FORMAT,
    )


class FormatDateFunction(_FormatFunction):
    """Formats a date or timestamp column as text with a date-time pattern."""

    name: Literal["format_date"] = _name("format_date", "Formats a date column as text with a pattern.")


class FormatUnixDateFunction(_FormatFunction):
    """Formats a column of Unix epoch seconds as text with a date-time pattern."""

    name: Literal["format_unix_date"] = _name("format_unix_date", "Formats Unix epoch seconds as text with a pattern.")


class GenerateUuidFunction(Section):
    """Adds a column holding a random universally unique identifier (UUID) for each row."""

    name: Literal["generate_uuid"] = _name("generate_uuid", "Adds a column of random UUIDs.")
    asColumn: str = _as_column("Name of the new UUID column.", required=True)


class HashFunction(Section):
    """Replaces the values of a column with their message digest, as text."""

    name: Literal["hash"] = _name("hash", "Replaces a column's values with their MD5 or SHA digest.")
    column: str = _column("Column whose values are hashed in place.")
    algo: Literal["MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512"] = attr(
        "Digest algorithm.",
        required=True,
        values={
            "MD5": "128-bit MD5 (not collision resistant).",
            "SHA-1": "160-bit SHA-1 (not collision resistant).",
            "SHA-256": "256-bit SHA-2.",
            "SHA-384": "384-bit SHA-2.",
            "SHA-512": "512-bit SHA-2.",
        },
    )


class IncrementVariableFunction(Section):
    """Increments a variable local to the record being processed."""

    name: Literal["increment_variable"] = _name("increment_variable", "Increments a record-local variable.")
    column: str = _column("The variable (column) to increment.")


class MaskNumberFunction(Section):
    """Masks the digits of fixed-length values with a pattern (credit card or social security numbers):
    `#` keeps the digit at its position, any other character replaces it."""

    name: Literal["mask_number"] = _name("mask_number", "Masks digits of a column's values with a pattern.")
    column: str = _column("Column whose values are masked.")
    pattern: str = attr(
        "Mask of the same length as the values: `#` keeps a digit, any other character hides it.",
        required=True,
        examples=("XXX-XX-####",),
    )


class MergeFunction(Section):
    """Joins the values of two or more columns, with a separator, into a new column."""

    name: Literal["merge"] = _name("merge", "Joins columns with a separator into a new column.")
    separator: str = attr("Text put between the joined values.", examples=('" "', '"__"'))
    columns: list[str] = _columns("Columns whose values are joined, in order.")
    asColumn: str = _as_column("Name of the new column.", required=True)


_NEEDS_SCHEMA = ("The function needs a schema: give `sparkSchema` or `avroSchema`.",)


class ParseAsJsonFunction(Section):
    """Parses JSON text (or a JSON object) into a struct column, with a Spark or Avro schema."""

    name: Literal["parse_as_json"] = _name("parse_as_json", "Parses JSON text into a struct column by a schema.")
    column: str = _column("Column holding the JSON.")
    asColumn: str = _as_column()
    sparkSchema: str = attr(
        "Spark schema of the JSON, as Spark's JSON schema text.",
        notes=_NEEDS_SCHEMA,
        examples=('{"type":"struct","fields":[...]}',),
    )
    avroSchema: str = attr("Avro schema of the JSON.", notes=_NEEDS_SCHEMA)


class ParseHtmlFunction(Section):
    """Turns HTML into plain text without tags (with the jsoup library)."""

    name: Literal["parse_html"] = _name("parse_html", "Turns HTML text into plain text.")
    column: str = _column("Column holding HTML.")
    asColumn: str = _as_column()


class PivotFunction(Section):
    """Rotates the values of one column into columns of their own (rows to columns), aggregating the
    rest by `groupBy`."""

    name: Literal["pivot"] = _name("pivot", "Turns the values of a column into columns (rows to columns).")
    groupBy: list[str] = _columns("Columns the rows are grouped by.")
    column: str = _column("Column whose values become the new columns.")
    values: list[Scalar] = attr(
        "The values of `column` to make columns of; all of them when absent.", examples=("- USA\n- Mexico",)
    )
    aggregateExpression: str = attr(
        "Aggregate filling the new columns, aliased with the aggregated column's name.",
        required=True,
        examples=("sum(Amount) as Amount",),
    )
    approach: str = attr(
        "How the pivot is computed.",
        values={"two-phase": "An optimised two-phase query, for large datasets."},
        closed=False,
    )


class RenameFunction(Section):
    """Renames one column."""

    name: Literal["rename"] = _name("rename", "Renames a column.")
    column: str = _column("Column to rename.")
    asColumn: str = _as_column("Its new name.", required=True)


class RenameAllFunction(Section):
    """Renames several columns at once."""

    name: Literal["rename_all"] = _name("rename_all", "Renames several columns.")
    columns: dict[str, str] = attr(
        "Mapping of current column name to new name.", required=True, examples=("CITY: payers_city",)
    )


class SelectFunction(Section):
    """Keeps only the listed columns (the opposite of `drop`)."""

    name: Literal["select"] = _name("select", "Keeps only a list of columns.")
    columns: list[str] = _columns("Columns to keep.")


class SetColumnFunction(Section):
    """Sets every value of a column to the given value."""

    name: Literal["set_column"] = _name("set_column", "Sets a column's values to a given value.")
    column: str = _column("Column to set.")
    value: Scalar = attr(
        "The value the column takes.",
        required=True,
        notes=(
            "The page's description of `set_column` repeats that of `rename`; its syntax and example "
            "(`column`, `value`) are followed here.",
        ),
        examples=('"some value"',),
    )


class SetTypeFunction(Section):
    """Casts columns to Spark data types."""

    name: Literal["set_type"] = _name("set_type", "Casts columns to Spark data types.")
    columns: dict[str, str] = attr(
        "Mapping of column name to the Spark type it is cast to (`int`, `string`, `long`, `double`, "
        "`float`, `timestamp`, ...).",
        required=True,
        examples=("HEALTHCARE_EXPENSES: float",),
    )


class SetVariableFunction(Section):
    """Evaluates a Spark SQL expression and stores its result in a column."""

    name: Literal["set_variable"] = _name("set_variable", "Sets a column from a Spark SQL expression.")
    column: str = _column("Column the result is stored in.")
    expression: str = attr("Spark SQL expression to evaluate.", required=True, examples=("ROUND(AVG(src_bytes), 2)",))


class SnakeCaseFunction(Section):
    """Converts column names from camelCase to snake_case. Batch jobs only."""

    name: Literal["snake_case"] = _name(
        "snake_case", "Converts column names from camelCase to snake_case; batch jobs only (no parameters)."
    )


class SplitEmailFunction(Section):
    """Splits an e-mail address into `<column>_account` and `<column>_domain` columns (null where the
    address does not parse)."""

    name: Literal["split_email"] = _name("split_email", "Splits e-mail addresses into account and domain columns.")
    column: str = _column("Column holding e-mail addresses.")


class SplitUrlFunction(Section):
    """Splits a URL into seven columns named after `column`: `_protocol`, `_authority`, `_host`, `_port`,
    `_path`, `_filename` and `_query`. A URL that does not parse fails the job."""

    name: Literal["split_url"] = _name("split_url", "Splits URLs into protocol, host, port, path, ... columns.")
    column: str = _column("Column holding URLs.")


class SwapFunction(Section):
    """Swaps the names of two columns."""

    name: Literal["swap"] = _name("swap", "Swaps the names of two columns.")
    columnA: str = attr("One of the two columns.", required=True)
    columnB: str = attr("The other column.", required=True)


class TrimFunction(Section):
    """Removes whitespace from both ends, the start or the end of a column's text values."""

    name: Literal["trim"] = _name("trim", "Removes surrounding whitespace from a column's values.")
    column: str = _column("Column whose values are trimmed.")
    method: Literal["trim", "ltrim", "rtrim"] = attr(
        "Which side to trim.",
        values={"trim": "Both sides.", "ltrim": "The start (left).", "rtrim": "The end (right)."},
    )


class UnfurlFunction(Section):
    """Pulls the fields of a nested column out into columns of their own, by an expression:
    `explode(col)` for an array, `col.*` for a struct."""

    name: Literal["unfurl"] = _name("unfurl", "Pulls nested fields out into columns by an expression.")
    expression: str = attr(
        "Spark SQL expression selecting what to pull out.",
        required=True,
        examples=("explode(discount) as discount01", "col02.*"),
    )


class UnpivotFunction(Section):
    """Rotates columns into rows (the reverse of `pivot`): each column of `pivotColumns` becomes a row
    holding its name in `keyColumnName` and its value in `valueColumnName`."""

    name: Literal["unpivot"] = _name("unpivot", "Turns columns into rows (the reverse of `pivot`).")
    columns: list[str] | str = attr(
        'Columns kept as they are, or `"*"` for all columns not in `pivotColumns`.',
        required=True,
        notes=(
            '`columns` and `pivotColumns` cannot both be `"*"`: list the columns in at least one.',
            'Clean column names with hyphens or spaces before using `"*"`.',
        ),
        examples=('"*"',),
    )
    pivotColumns: list[str] | str = attr(
        'Columns turned into rows, or `"*"` for all columns not in `columns`; they must share one type.',
        required=True,
    )
    keyColumnName: str = attr("Name of the new column holding each pivoted column's name.", required=True)
    valueColumnName: str = attr("Name of the new column holding each pivoted column's value.", required=True)


#: One item of ``steps[].sequence[].functions``: the function its ``name`` selects.
Function = Annotated[
    AddColumnFunction
    | AnyDateFunction
    | AnyTimestampFunction
    | ChangeCaseFunction
    | ChangeColumnCaseFunction
    | CleanseColumnNamesFunction
    | ColumnsReplaceFunction
    | CopyFunction
    | CutCharacterFunction
    | DecodeFunction
    | DiffDateFunction
    | DropFunction
    | DropDuplicatesFunction
    | EncodeFunction
    | EpochToTimestampFunction
    | FillNullOrEmptyFunction
    | FindAndReplaceFunction
    | FlattenFunction
    | FlattenOuterFunction
    | FormatDateFunction
    | FormatUnixDateFunction
    | GenerateUuidFunction
    | HashFunction
    | IncrementVariableFunction
    | MaskNumberFunction
    | MergeFunction
    | ParseAsJsonFunction
    | ParseHtmlFunction
    | PivotFunction
    | RenameFunction
    | RenameAllFunction
    | SelectFunction
    | SetColumnFunction
    | SetTypeFunction
    | SetVariableFunction
    | SnakeCaseFunction
    | SplitEmailFunction
    | SplitUrlFunction
    | SwapFunction
    | TrimFunction
    | UnfurlFunction
    | UnpivotFunction,
    Field(discriminator="name"),
    Tagged(
        noun="function",
        member="parameter",
        description="The Flare function this item applies; the item's other keys are its parameters.",
    ),
]
