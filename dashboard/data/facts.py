"""Facts: small tables built ahead from the extracts, so that pages read thousands of rows
instead of joining millions (the pre-aggregations of Cube, the materialised models of Rill).

A facts table is a `FactsSpec`: the SQL files that build it month by month, the contract tables
it reads and the config parts it depends on. `ensure_facts` builds it once per data version into
the cache folder (`[cache] folder`, never inside the data folder), one parquet file per month
plus a manifest naming the extract files it was built from, so a restart or a second process
reuses it. The folder's name is a hash of the config parts the facts depend on: a changed
follow-up rule builds new hand-off facts beside the old ones and reuses the daily stage counts.

**Incremental refresh.** When the extracts changed only by gaining files (a new month's hive
partition, a new file matching a glob) and every file the facts were built from is still there
with the same size and modification time, the spec is shown views `added_<table>` over only the
gained files and says (`affected_from`, a SQL file) the first day they can change; only the
months from that day on are rebuilt. A spec may instead fold gained rows into the stored months
they reach (`fold_added`: a month of new touches is added to older hand-offs' rows rather than
rebuilding their months). Anything else (a file rewritten or removed, new reps) rebuilds every
month.

Once built, the facts are a view on the process's connection named `spec.name`, and
`facts_ready(database, name)` says whether it holds this data version's facts: until then
pages read the extracts directly and show the same numbers, only slower.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import threading
import weakref
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import pyarrow as pa

from dashboard.core.cache_folder import cache_folder, write_parquet_atomically
from dashboard.data.database import Database
from dashboard.data.files import files_for
from dashboard.data.problems import DataError

# (months done, months to do, what is being built): what a progress bar shows.
Progress = Callable[[int, int, str], None]

MANIFEST = "manifest.json"
FORMAT_VERSION = 2  # part of every key: bump it when what a facts file holds changes


@dataclass(frozen=True)
class FactsSpec:
    name: str  # the view pages query, e.g. "hand_off_facts"
    label: str  # what a progress bar calls it, e.g. "follow-up of each hand-off"
    tables: tuple[str, ...]  # the contract tables it reads: a file change elsewhere leaves it alone
    depends_on: Callable[[Database], object]  # the config parts it depends on (by repr): part of its key
    months: Callable[[Database], list[dt.date]]  # the months that hold facts (first days), oldest first
    # (month, its rows) for each month asked for, in order; the spec decides how many queries
    # that takes (one over the whole span reads each row group once, one per month many times).
    build_months: Callable[[Database, list[dt.date]], Iterator[tuple[dt.date, pa.Table]]]
    empty: Callable[[Database], pa.Table]  # no rows, a month's columns
    # The first day whose facts the gained files (by table) change, None when they change none;
    # its SQL reads the views `added_<table>`. Raises NotAppendable when a refresh from a day on
    # cannot follow them.
    affected_from: Callable[[Database, dict[str, list[Path]]], dt.date | None]
    # Folds the gained rows into stored months the refresh does not rebuild: given those months'
    # files, (month, its new rows) for each month they change, read from the `added_<table>`
    # views. None: gained rows reach stored months only through `affected_from`.
    fold_added: Callable[[Database, dict[dt.date, Path]], Iterator[tuple[dt.date, pa.Table]]] | None = None


class NotAppendable(Exception):
    """The gained files change the facts in a way a refresh from a day on cannot follow."""


@dataclass(frozen=True)
class FactsOutcome:
    name: str
    action: str  # "reused", "built" or "refreshed"
    months_built: int
    months_total: int
    folder: Path
    months_folded: int = 0  # stored months whose rows took in the gained files' rows (no rebuild)


_READY: "weakref.WeakKeyDictionary[Database, dict[str, str]]" = weakref.WeakKeyDictionary()
_READY_LOCK = threading.Lock()


def facts_ready(database: Database, name: str) -> bool:
    """Whether the view `name` holds the facts of the database's current data version."""
    if not database.config.cache.facts:
        return False
    with _READY_LOCK:
        return _READY.get(database, {}).get(name) == database.version


def facts_folder(database: Database, spec: FactsSpec) -> Path:
    parts = repr((FORMAT_VERSION, spec.name, str(database.folder), spec.depends_on(database)))
    return cache_folder(database.config) / "facts" / f"{spec.name}-{hashlib.sha256(parts.encode()).hexdigest()[:16]}"


def file_manifest(database: Database, tables: tuple[str, ...]) -> dict[str, list[list]]:
    """Every extract file the facts read: path inside the data folder, size, modification time."""
    manifest = {}
    for name in tables:
        source = database.config.data.tables.get(name)
        entries = []
        if source is not None and database.folder.is_dir():
            for path in files_for(database.folder, source):
                stat = path.stat()
                entries.append([path.relative_to(database.folder).as_posix(), stat.st_size, stat.st_mtime_ns])
        manifest[name] = entries
    return manifest


def added_files(before: dict[str, list[list]], now: dict[str, list[list]], folder: Path) -> dict[str, list[Path]] | None:
    """The files each table gained, when gaining files is the only change; None when a file the
    facts were built from changed or went away."""
    if set(before) != set(now):
        return None
    added = {}
    for table, entries in now.items():
        old = {tuple(entry) for entry in before[table]}
        new = {tuple(entry) for entry in entries}
        if not old <= new:
            return None
        added[table] = sorted(folder / path for path, _, _ in new - old)
    return added


def _month_file(folder: Path, month: dt.date) -> Path:
    return folder / f"month={month:%Y-%m}.parquet"


def _write_atomically(table: pa.Table, path: Path) -> None:
    write_parquet_atomically(table, path, compression="zstd", row_group_size=131_072)


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """One builder per facts folder across processes: a second waits, then reuses the first's work."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _manifest(folder: Path) -> dict | None:
    try:
        return json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        return None


def _is_current(database: Database, spec: FactsSpec, folder: Path, manifest: dict | None,
                files: dict, months: list[dt.date]) -> bool:
    return (manifest is not None and manifest.get("files") == files
            and all(_month_file(folder, month).is_file() for month in months))


def is_current_on_disk(database: Database, spec: FactsSpec) -> bool:
    """Whether `spec`'s facts in the cache folder were built from exactly today's extract files."""
    folder = facts_folder(database, spec)
    return _is_current(database, spec, folder, _manifest(folder), file_manifest(database, spec.tables),
                       spec.months(database))


def _months_to_build(database: Database, spec: FactsSpec, folder: Path, manifest: dict | None,
                     files: dict, months: list[dt.date]) -> tuple[str, list[dt.date]]:
    added = added_files(manifest["files"], files, database.folder) if manifest is not None else None
    if added is None:
        return "built", months
    try:
        for table in spec.tables:
            # a lead-scoring export's deals are its converted leads: they grow with the leads' files
            grows_with = "leads" if table == "deals" and database.catalog.outcome_on_leads else table
            database.view_over_files(f"added_{table}", table, added.get(grows_with, []))
        first = spec.affected_from(database, added)
    except (NotAppendable, DataError):
        return "built", months
    # the months from the first affected day, and any month the facts did not hold yet
    return "refreshed", [month for month in months if (first is not None and month >= first.replace(day=1))
                         or not _month_file(folder, month).is_file()]


def ensure_facts(database: Database, spec: FactsSpec, progress: Progress | None = None) -> FactsOutcome:
    """Reuse, refresh or build `spec`'s facts for the current data version, then serve them as
    the view `spec.name`."""
    version = database.version
    folder = facts_folder(database, spec)
    with _locked(folder):
        manifest = _manifest(folder)
        files = file_manifest(database, spec.tables)
        months = spec.months(database)
        action, rebuild, folded = "reused", [], 0
        if not _is_current(database, spec, folder, manifest, files, months):
            action, rebuild = _months_to_build(database, spec, folder, manifest, files, months)
            (folder / MANIFEST).unlink(missing_ok=True)  # a build cut short must not look complete
            if action == "built":
                for stale in folder.glob("month=*.parquet"):
                    stale.unlink()
            if progress:
                progress(0, len(rebuild), spec.label)
            for done, (month, table) in enumerate(spec.build_months(database, rebuild), start=1):
                _write_atomically(table, _month_file(folder, month))
                if progress:
                    progress(done, len(rebuild), f"{spec.label}, {month:%b %Y}")
            if action == "refreshed" and spec.fold_added is not None:
                stored = {month: _month_file(folder, month) for month in months if month not in set(rebuild)}
                for month, table in spec.fold_added(database, stored):
                    _write_atomically(table, _month_file(folder, month))
                    folded += 1
            wanted = {_month_file(folder, month).name for month in months}
            for path in folder.glob("month=*.parquet"):
                if path.name not in wanted:
                    path.unlink()
            (folder / MANIFEST).write_text(json.dumps({"files": files, "months": [f"{m:%Y-%m}" for m in months]}))
        paths = [_month_file(folder, month) for month in months]
        if not paths:
            paths = [folder / "empty.parquet"]
            _write_atomically(spec.empty(database), paths[0])
        database.serve_facts(spec.name, paths)
    with _READY_LOCK:
        _READY.setdefault(database, {})[spec.name] = version
    return FactsOutcome(spec.name, action, len(rebuild), len(months), folder, folded)
