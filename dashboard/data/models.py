"""The models: tables built once per data version from the contract views by the SQL files in
`queries/models/`, so the page queries read a prepared table instead of re-deriving it.

A table model (`funnel_deals`: every deal joined to its lead, a scan of every lead) is also kept
in the cache folder as parquet, named by a hash of the data version, the data mapping and the
model's SQL, when the facts are on: a restart or a second process on the same extracts loads it
instead of joining every lead again. Loading it gives the same rows and column types."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from dashboard.core.cache_folder import partial_path
from dashboard.data.sql import model_files

_TABLE_MODEL = re.compile(r"^\s*create\s+or\s+replace\s+table\s+(\w+)\s+as\b", re.IGNORECASE | re.MULTILINE)
# The table models kept on disk, each with its drop statement (constant SQL: no name is spliced in).
KEPT_MODELS = {"funnel_deals": "drop table if exists funnel_deals"}
FORMAT_VERSION = 1  # part of every kept model's name: bump it when what the files hold changes
KEPT_PER_MODEL = 4  # kept copies of a model (other data versions): older ones are removed


def build_models(connection: duckdb.DuckDBPyConnection, keep_in: Path | None = None, key: str = "") -> None:
    """Every model on `connection`. With `keep_in` (a folder of the cache folder), a table model
    is loaded from its kept copy for `key` (the data version and mapping) when there is one, and
    kept there after it is built when there is not."""
    for model in model_files():
        sql = model.read_text(encoding="utf-8")
        table = _TABLE_MODEL.search(sql)
        if keep_in is None or table is None or table.group(1) not in KEPT_MODELS:
            connection.execute(sql)
            continue
        name = table.group(1)
        digest = hashlib.sha256(repr((FORMAT_VERSION, key, sql)).encode()).hexdigest()[:16]
        kept = keep_in / f"{name}-{digest}.parquet"
        if kept.is_file():
            try:
                connection.execute(KEPT_MODELS[name])
                connection.read_parquet(str(kept)).create(name)
                continue
            except duckdb.Error:  # a copy cut short or damaged: build it again
                kept.unlink(missing_ok=True)
        connection.execute(sql)
        _keep(connection, name, kept)


def _keep(connection: duckdb.DuckDBPyConnection, name: str, kept: Path) -> None:
    partial = partial_path(kept)
    cursor = connection.cursor()
    try:
        kept.parent.mkdir(parents=True, exist_ok=True)
        reader = cursor.table(name).to_arrow_reader(131_072)
        with pq.ParquetWriter(partial, reader.schema, compression="zstd") as writer:
            for batch in reader:
                writer.write_batch(batch)
        os.replace(partial, kept)
    except OSError:  # a full or read-only cache folder: the model is built at every start instead
        partial.unlink(missing_ok=True)
        return
    finally:
        cursor.close()
    older = sorted(kept.parent.glob(f"{name}-*.parquet"), key=lambda path: path.stat().st_mtime, reverse=True)
    for stale in older[KEPT_PER_MODEL:]:
        stale.unlink(missing_ok=True)
