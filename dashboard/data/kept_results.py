"""Query results kept in the cache folder, once per data version: whole-table work whose answer is
small (the data health checks, the as-of date, the filter values) is done once for a data version,
not once per process, so a restart, a second server or a command run after the app reuses it.

At ten million leads the data health checks take 10-15 s of both cores; after a restart they took
that again while the first viewer's page waited for the cores. Kept, they are read in milliseconds.

A result's file name is a hash of everything it depends on: the engine, the query's SQL and every
SQL file in `queries/` (a model it reads may change), the bound parameters, the data folder, the
data version (every extract file's name, size and modification time), the config's `[data]`
mapping and what the catalog found tracked. Anything else changed is a different file; nothing is
ever updated in place. The newest few results per query are kept, older ones deleted.
"""

from __future__ import annotations

import hashlib
import logging
from functools import lru_cache
from pathlib import Path
from typing import Callable

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from dashboard.core.cache_folder import cache_folder, write_parquet_atomically
from dashboard.data.sql import QUERIES_DIR, load_query

FORMAT_VERSION = 1  # part of every key: bump it when the views change what a query reads
FOLDER = "results"
KEPT_PER_QUERY = 8

_log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def queries_digest() -> str:
    """Every SQL file's text: the models a query reads are part of what its result means."""
    digest = hashlib.sha256()
    for path in sorted(QUERIES_DIR.rglob("*.sql")):
        digest.update(path.relative_to(QUERIES_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _catalog_state(catalog) -> tuple:
    # A damaged file left out changes what the views hold without changing the data version.
    return (sorted(catalog.tracked_tables),
            sorted((table, sorted(columns)) for table, columns in catalog.tracked_columns.items()),
            tuple(catalog.stages_not_tracked),
            sorted((table, sorted(columns)) for table, columns in catalog.constant_columns.items()),
            catalog.outcome_on_leads)


def result_path(database, name: str, params: dict, source: str | None = None) -> Path:
    """Where the result of `name` with `params` on the database's current data is kept; `source`
    is what computes it when that is not the query file `name` (its version, in words)."""
    key = repr((FORMAT_VERSION, database.engine, name, load_query(name) if source is None else source, queries_digest(),
                sorted(params.items()), str(database.folder), database.version, repr(database.config.data),
                _catalog_state(database.catalog)))
    digest = hashlib.sha256(key.encode()).hexdigest()[:20]
    return cache_folder(database.config) / FOLDER / f"{name}-{digest}.parquet"


def kept(database, name: str, params: dict, run: Callable[[], pd.DataFrame], source: str | None = None) -> pd.DataFrame:
    """The kept result of `name` with `params`, or `run()`'s, kept for next time. The cache folder
    is a convenience: when it cannot be read or written the query's own result is returned. With
    `[cache] facts = false` nothing derived is kept: every answer comes from the extracts."""
    if not database.config.cache.facts:
        return run()
    try:
        path = result_path(database, name, params, source)
    except (OSError, ValueError):
        return run()
    try:
        return pq.read_table(path).to_pandas()
    except FileNotFoundError:
        pass
    except (OSError, pa.ArrowException):
        _log.warning("the kept result %s could not be read; running the query again", path)
    result = run()
    try:
        _write(result, path)
    except (OSError, pa.ArrowException):
        _log.warning("the result of %s could not be kept in %s", name, path.parent, exc_info=True)
    return result


def _write(result: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_parquet_atomically(pa.Table.from_pandas(result, preserve_index=False), path)
    name = path.name.rsplit("-", 1)[0]
    older = sorted(path.parent.glob(f"{name}-*.parquet"), key=lambda other: other.stat().st_mtime_ns, reverse=True)
    for stale in older[KEPT_PER_QUERY:]:
        stale.unlink(missing_ok=True)


def forget(database, names: tuple[str, ...]) -> None:
    """Delete the kept results of these queries (the bench's first-run figures for data health),
    leaving the others, such as the as-of date a restarted server reads, in place."""
    for name in names:
        for path in (cache_folder(database.config) / FOLDER).glob(f"{name}-*.parquet"):
            path.unlink(missing_ok=True)
