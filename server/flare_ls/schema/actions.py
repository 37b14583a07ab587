"""The Iceberg maintenance actions of ``stackSpec.job.actions[]``: one model per action, told apart by ``name``.

Each item of a job's ``actions`` list is a mapping whose ``name`` says which action runs on the job input
named by ``input``; the action's settings sit in ``options`` (``deleteWhere`` of ``delete_from_dataset``
sits on the action itself). :data:`Action` is the discriminated union of the models below, so the schema
walk checks an item against the action its ``name`` selects (unknown action, an option another action
takes, a missing ``deleteWhere``, two cutoffs given together), completion offers the names and then that
action's keys and options, hover shows their documentation, and the JSON Schema export carries a
``oneOf`` with a ``discriminator`` on ``name``. FL309 checks that ``input`` names an input of the job.

Sources: the DataOS Flare pages, moderndatacompany/dataos.info: the ``actions`` section of
``docs/resources/stacks/flare/configurations.md`` and one page per action under
``docs/resources/stacks/flare/case_scenario/`` (``rewrite_dataset``, ``rewrite_manifest_files``,
``expire_snapshots``, ``remove_orphans``, ``delete_from_dataset``). Where they disagree, the attribute's
``notes`` say so and ``docs/actions.md`` records what we chose.
"""

from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field

from flare_ls.schema.attrs import OpenSection, Section, attr
from flare_ls.schema.shapes import OneOf, Tagged

_INPUT_NOTE = (
    "Give that input `?acl=rw` in its `dataset`: on GCS, without it Flare uses the read-only credential "
    "and the action fails with 403 Forbidden."
)


def _name(action: str, description: str) -> Any:
    """The ``name`` of an action's item: its one-line description, shown beside the name in completion."""
    return attr(description, required=True, examples=(action,))


def _input() -> Any:
    return attr(
        "Name of the job input (an Iceberg dataset in a Lakehouse depot) the action runs on.",
        required=True,
        notes=(_INPUT_NOTE, "Must be the `name` of an entry of the job's `inputs` (FL309)."),
        examples=("inputDf",),
    )


def _options(description: str) -> Any:
    return attr(description)


class RewriteProperties(OpenSection):
    """Tuning of ``rewrite_dataset``: ``stackSpec.job.actions[].options.properties``."""

    target_file_size_bytes: int | str = attr(
        "Size, in bytes, of the data files the rewrite aims for.",
        alias="target-file-size-bytes",
        default="536870912",
    )
    max_concurrent_file_group_rewrites: int | str = attr(
        "How many file groups are rewritten in parallel.",
        alias="max-concurrent-file-group-rewrites",
        default="5",
    )
    partial_progress_enabled: bool | str = attr(
        "Commit file groups as they finish instead of all at the end.",
        alias="partial-progress.enabled",
        default="false",
    )
    partial_progress_max_commits: int | str = attr(
        "Most commits made when partial progress is enabled.",
        alias="partial-progress.max-commits",
        default="10",
    )
    rewrite_all: bool | str = attr(
        "Rewrite every file, not only those outside the target size.",
        alias="rewrite-all",
        default="false",
    )
    max_file_group_size_bytes: int | str = attr(
        "Largest amount of data rewritten in one file group.",
        alias="max-file-group-size-bytes",
        default="107374182400",
    )


class RewriteDatasetOptions(Section):
    """Options of ``rewrite_dataset``: ``stackSpec.job.actions[].options``."""

    described_as: ClassVar[tuple[str, str]] = ("the action `rewrite_dataset`", "option")

    strategy: str = attr(
        "How files are combined.",
        values={"binpack": "Combine small files (the default).", "sort": "Rewrite sorted by `sortOrder`."},
        case_insensitive=True,
        default="binpack",
    )
    sortOrder: str = attr(
        "The order of a sort: a column list (`col ASC NULLS LAST`) or `zorder(col1, col2)`.",
        notes=("Defaults to the table's sort order.",),
        examples=("zorder(city_id, state_code)", "city_name ASC NULLS LAST"),
    )
    where: str = attr(
        "Predicate selecting the files to rewrite: every file that may hold matching rows.",
        examples=("id = 3 and name = 'foo'",),
    )
    properties: RewriteProperties = attr("Tuning properties of the rewrite (`target-file-size-bytes`, ...).")


class RewriteManifestOptions(Section):
    """Options of ``rewrite_manifest``: ``stackSpec.job.actions[].options``."""

    described_as: ClassVar[tuple[str, str]] = ("the action `rewrite_manifest`", "option")

    useCaching: bool = attr("Boolean: cache data while rewriting the manifests.", default="true")


_MILLIS = "Epoch time in milliseconds, best quoted (`'1741987433222'`); `dataos-ctl dataset snapshots` lists them."
_TIMESTAMP = "A timestamp such as `'2025-04-19 00:00:00.000'`."
_MAX_DELETES = "Integer: size of the thread pool that deletes files; without it files are deleted one by one."


class ExpireSnapshotsOptions(Section):
    """Options of ``expire_snapshots``: ``stackSpec.job.actions[].options``."""

    described_as: ClassVar[tuple[str, str]] = ("the action `expire_snapshots`", "option")
    one_of: ClassVar[tuple[OneOf, ...]] = (
        OneOf(
            ("olderThanMillis", "expireOlderThan"),
            "`expireOlderThan` is the flare:4.0 name of `olderThanMillis`; keep `olderThanMillis`",
        ),
    )

    olderThanMillis: int | str = attr(
        "Expire the snapshots older than this epoch time, in milliseconds.",
        notes=(_MILLIS, "Replaces `expireOlderThan`."),
        examples=('"1741987433222"',),
    )
    olderThanTimestamp: str = attr(
        "Expire the snapshots older than this timestamp.",
        notes=(_TIMESTAMP,),
        examples=("2025-04-19 00:00:00.000",),
    )
    snapshotIds: list[str] = attr(
        "Ids of the snapshots to expire; never the table's current snapshot.",
        examples=('- "12345679"',),
    )
    retainLast: int = attr(
        "Integer: how many of the latest snapshots are kept whatever their age.",
        default="1",
        examples=("5",),
    )
    maxConcurrentDeletes: int = attr(_MAX_DELETES, examples=("5",))
    streamDeleteResults: bool = attr(
        "Boolean: stream the files to delete to the driver (`toLocalIterator`) instead of collecting them "
        "at once; for tables with many files.",
        default="false",
    )
    expireOlderThan: int | str = attr(
        "Epoch-millisecond cutoff under its flare:4.0 name; `olderThanMillis` replaces it.",
        notes=(
            "The expire_snapshots page says `olderThanMillis` replaces it, and also that Flare 7.0 still "
            "supports it: accepted, but not together with `olderThanMillis`.",
        ),
    )


class RemoveOrphansOptions(Section):
    """Options of ``remove_orphans``: ``stackSpec.job.actions[].options``."""

    described_as: ClassVar[tuple[str, str]] = ("the action `remove_orphans`", "option")
    one_of: ClassVar[tuple[OneOf, ...]] = (
        OneOf(
            ("olderThanMillis", "olderThanTimestamp", "olderThan"),
            "the remove_orphans page says to choose exactly one cutoff",
        ),
    )

    olderThanMillis: int | str = attr(
        "Remove orphan files created before this epoch time, in milliseconds.",
        notes=(
            _MILLIS,
            "Give one cutoff: `olderThanMillis` or `olderThanTimestamp`. Without one, files older than three "
            "days are removed.",
        ),
        examples=('"1740643647492"',),
    )
    olderThanTimestamp: str = attr(
        "Remove orphan files created before this timestamp.",
        notes=(_TIMESTAMP, "Give one cutoff: `olderThanMillis` or `olderThanTimestamp`."),
        examples=("2021-06-30 00:00:00.000",),
    )
    location: str = attr(
        "Directory searched for orphan files; defaults to the table's location.",
    )
    dryRun: bool = attr("Boolean: list the orphan files without deleting them.", default="false")
    maxConcurrentDeletes: int = attr(_MAX_DELETES, examples=("2",))
    olderThan: int | str = attr(
        "Epoch-millisecond cutoff, as the configuration page names it.",
        notes=(
            "The configuration page writes `olderThan`; the remove_orphans page writes `olderThanMillis`: "
            "both are accepted, not together.",
        ),
    )


class RewriteDatasetAction(Section):
    """Compacts the table's data files in parallel (bin-packing by default, or sorting), combining small
    files into larger ones to cut metadata and file-open costs; useful after streaming writes."""

    name: Literal["rewrite_dataset"] = _name("rewrite_dataset", "Compacts (or sorts) the table's data files.")
    input: str = _input()
    options: RewriteDatasetOptions = _options(
        "How files are rewritten (`strategy`, `sortOrder`, `where`, `properties`)."
    )


class RewriteManifestAction(Section):
    """Rewrites the table's manifest files, regrouping data files so that planning a query finds them
    faster when the write pattern does not match the read pattern."""

    name: Literal["rewrite_manifest"] = _name("rewrite_manifest", "Rewrites manifest files to speed up planning.")
    input: str = _input()
    options: RewriteManifestOptions = _options("How manifests are rewritten (`useCaching`).")


class ExpireSnapshotsAction(Section):
    """Expires old snapshots (they can no longer be queried by time travel) and deletes the data files
    only they referenced."""

    name: Literal["expire_snapshots"] = _name(
        "expire_snapshots", "Expires old snapshots and the files only they reference."
    )
    input: str = _input()
    options: ExpireSnapshotsOptions = _options(
        "Which snapshots expire (`olderThanMillis`, `olderThanTimestamp`, `snapshotIds`, `retainLast`, ...)."
    )


class RemoveOrphansAction(Section):
    """Deletes files under the table's location that no snapshot references (left by failed jobs).
    A cutoff shorter than the longest write can delete files of writes in progress."""

    name: Literal["remove_orphans"] = _name(
        "remove_orphans", "Deletes files no snapshot references (by default older than three days)."
    )
    input: str = _input()
    options: RemoveOrphansOptions = _options(
        "Which files go (`olderThanMillis` or `olderThanTimestamp`, `location`, `dryRun`, ...)."
    )


class DeleteFromDatasetAction(Section):
    """Deletes the rows of the table that match `deleteWhere`: a metadata-only delete when the predicate
    matches whole partitions, otherwise the affected data files are rewritten."""

    name: Literal["delete_from_dataset"] = _name("delete_from_dataset", "Deletes the rows matching `deleteWhere`.")
    input: str = _input()
    deleteWhere: str = attr(
        "Predicate selecting the rows to delete; the table is `target`, and it may read the job's views in a subquery.",
        required=True,
        notes=("Sits on the action, not in `options`.",),
        examples=("target.state_code = 'AL'", "exists (SELECT city_id FROM finalDf WHERE target.city_id = city_id)"),
    )


#: One item of ``stackSpec.job.actions``: the action its ``name`` selects.
Action = Annotated[
    RewriteDatasetAction
    | RewriteManifestAction
    | ExpireSnapshotsAction
    | RemoveOrphansAction
    | DeleteFromDatasetAction,
    Field(discriminator="name"),
    Tagged(
        noun="action",
        member="key",
        description="The Iceberg maintenance action to run on `input`; only for Iceberg (Lakehouse) datasets, "
        "and the docs say to use flare:7.0.",
    ),
]
