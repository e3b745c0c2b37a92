"""The query runner: one sandboxed DuckDB connection per data folder with the contract views, and
the SQL files of `queries/` run on a fresh cursor each with bound parameters.

A shared DuckDB connection used from several threads returns wrong results silently, so every
query gets a cursor of its own; the connection itself is shared by the whole process.
"""

from __future__ import annotations

import datetime as dt
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import duckdb
import pandas as pd
import pyarrow as pa
from duckdb import ColumnExpression, FunctionExpression

from dashboard.core.access import Scope
from dashboard.core.cache_folder import cache_folder
from dashboard.core.config import Config
from dashboard.core import run_bound
from dashboard.core.parallel import Foreground
from dashboard.data import kept_results
from dashboard.data.catalog import Catalog
from dashboard.data.files import data_version
from dashboard.data.models import build_models
from dashboard.data.problems import DataError, Problem, first_line
from dashboard.data.sql import load_query, query_parameters
from dashboard.data.scope import ScopedDatabase, build_scope_schema
from dashboard.data.views import ContractViews


class Database:
    """A sandboxed DuckDB connection with the contract views; safe to share across threads
    because every query runs on its own cursor. SparkDatabase (spark_database.py) is the same
    on Spark: the methods below the engine's primitives are what differs."""

    engine = "duckdb"
    hides_reps = False  # marketing's scoped database says True: its results name no rep

    def __init__(self, config: Config, threads: int | None = None, memory_limit: str | None = None):
        self.config = config
        self.folder = config.data.folder
        self._connection = self._connect(threads, memory_limit)
        self._views = self._contract_views()
        self._lock = threading.Lock()
        self.version = ""
        self.catalog = Catalog()
        self._remembered: dict[str, pd.DataFrame] = {}
        self.foreground = Foreground()
        self._thread = threading.local()
        self._scopes: dict[str, str] = {}  # scope key -> its schema, for the current data version
        self.refresh()

    def _connect(self, threads: int | None, memory_limit: str | None) -> duckdb.DuckDBPyConnection:
        settings: dict[str, object] = {"preserve_insertion_order": False}
        if threads:
            settings["threads"] = threads
        memory_limit = memory_limit or self.config.engine.memory_limit
        if memory_limit:
            settings["memory_limit"] = memory_limit
            # what does not fit spills here, beside the facts, never among the extracts
            settings["temp_directory"] = str(cache_folder(self.config) / "duckdb-spill")
        connection = duckdb.connect(":memory:", config=settings)
        connection.execute("SET TimeZone = 'UTC'")
        # and the cache folder, where the facts built from the extracts are kept (data/facts.py)
        folders = [str(self.folder) + "/", str(cache_folder(self.config)) + "/"]
        connection.execute("SET allowed_directories = $folders", {"folders": folders})
        connection.execute("SET enable_external_access = false")
        connection.execute("SET lock_configuration = true")
        return connection

    def _contract_views(self) -> ContractViews:
        return ContractViews(self._connection, self.config)

    def _data_version(self) -> str:
        return data_version(self.config)

    def refresh(self) -> bool:
        """Rebuild the views when the extracts changed; returns True when they did."""
        version = self._data_version()
        if version == self.version and self.catalog.tracked_tables:
            return False
        with self._lock:
            self.catalog = self._build()
            self.version = version
            self._remembered = {}
            self._scopes = {}
        return True

    def _build(self) -> Catalog:
        catalog = self._views.build()
        try:
            self._build_models(kept=True)
        except self._views.errors:
            # A file whose footer reads but whose data does not (a corrupt page): leave the
            # tables that cannot be scanned out, as if their file were missing, and try again.
            unreadable = self.unreadable_tables(catalog)
            if not unreadable:
                raise
            self._views.leave_out(catalog, unreadable)
            self._build_models()
        return catalog

    def _build_models(self, kept: bool = False) -> None:
        """`kept`: table models load from (and are kept in) the cache folder for this data version
        when the facts are on; never after tables were left out, which the version does not say."""
        if kept and self.config.cache.facts:
            key = repr((str(self.folder), self.config.data, self._data_version()))
            build_models(self._connection, cache_folder(self.config) / "models", key)
        else:
            build_models(self._connection)

    def unreadable_tables(self, catalog: Catalog | None = None) -> list[Problem]:
        """Tables whose every value cannot be read back (corrupt data pages behind a valid
        footer). Reads every column of every table: the data health check calls it, and the
        data layer when building the models failed."""
        catalog = catalog or self.catalog
        problems = []
        for name in sorted(catalog.tracked_tables):
            if self._is_background():
                self.foreground.wait_for_quiet()
            error = self._read_error(name)
            if error is not None:
                source = self.config.data.tables[name]
                problems.append(Problem(
                    name, f"{self._views.shown(source)}: cannot be read to the end ({first_line(error)}); the file "
                          f"is damaged or was still being written. Export it again. The {name} table is left out until then.",
                    check="unreadable",
                ))
        return problems

    def _read_error(self, table: str) -> Exception | None:
        """What stops every value of `table` from being read, if anything."""
        cursor = self._connection.cursor()  # this runs beside the pages' queries: a cursor of its own
        relation = cursor.table(table)
        try:
            # hash() of every column makes DuckDB decode each value (count() could use statistics)
            relation.aggregate([FunctionExpression("max", FunctionExpression("hash", *map(ColumnExpression, relation.columns)))]).fetchall()
            return None
        except duckdb.Error as error:
            return error
        finally:
            cursor.close()

    def leave_out(self, problems: list[Problem]) -> None:
        """Stop using the tables of `problems` (shown as not tracked) until the extracts change."""
        with self._lock:
            self._views.leave_out(self.catalog, problems)
            self._build_models()
            self._remembered = {}
            self._scopes = {}

    def serve_facts(self, name: str, paths: list[Path]) -> None:
        """The view `name` over these facts files of the cache folder (data/facts.py)."""
        with self._lock:
            self._connection.read_parquet([str(path) for path in paths]).to_view(name, replace=True)

    def view_over_files(self, name: str, table: str, files: list[Path]) -> None:
        """The view `name`: the contract table `table`, mapped as configured, over only `files`
        of its extract (the files it gained since the facts were built); empty without files."""
        with self._lock:
            self._views.publish(name, self._views.over_files(table, files))

    def scoped(self, scope: Scope):
        """This database as a viewer with `scope` sees it: itself for the company scope, else a
        ScopedDatabase whose queries read only the scope's rows (data/scope.py)."""
        return self if scope.is_company else ScopedDatabase(self, scope)

    def scope_schema(self, scope: Scope) -> str:
        """The schema holding `scope`'s tables and models, built once per data version."""
        schema = self._scopes.get(scope.key)
        if schema is None:
            with self._lock:
                schema = self._scopes.get(scope.key)
                if schema is None:
                    schema = build_scope_schema(self._connection, scope)
                    self._scopes[scope.key] = schema
        return schema

    @contextmanager
    def in_background(self) -> Iterator[None]:
        """Queries of this thread inside the block yield to the pages': each waits until no page
        has been reading for a moment (the data health checks scan whole tables for seconds)."""
        self._thread.in_background = True
        try:
            yield
        finally:
            self._thread.in_background = False

    def _is_background(self) -> bool:
        return getattr(self._thread, "in_background", False)

    def query(self, name: str, params: dict | None = None, limit: int | None = None,
              schema: str | None = None) -> pd.DataFrame:
        """Run the query `name` (`queries/**/<name>.sql`) on a fresh cursor with bound parameters;
        `limit` caps the rows fetched (the query still runs whole, only the first rows come back).
        `schema` (a scope's, from `scope_schema`) is where its unqualified table names resolve."""
        sql = load_query(name)
        needed = query_parameters(sql)
        params = params or {}
        absent = needed - set(params)
        if absent:
            raise KeyError(f"query {name} needs parameters {sorted(absent)}")
        bound = {key: params[key] for key in needed}
        if self._is_background():
            self.foreground.wait_for_quiet()
            return self._run_checked(name, sql, bound, limit, schema)
        with self.foreground.working():
            return self._run_checked(name, sql, bound, limit, schema)

    def _run_checked(self, name: str, sql: str, bound: dict, limit: int | None,
                     schema: str | None = None) -> pd.DataFrame:
        """The query's result. A file whose footer reads but whose data pages do not fails only
        when a query reaches those pages: the damaged tables are then left out (as the data
        health check does) and the query runs again, so the page shows them as not tracked and
        the banner says why, from the first read on."""
        run = (lambda: self._run(name, sql, bound, limit)) if schema is None else (
            lambda: self._run(name, sql, bound, limit, schema))
        try:
            return run()
        except duckdb.InterruptException:
            raise
        except self._views.errors as error:
            damaged = [problem for problem in self.unreadable_tables() if problem.table in self.catalog.tracked_tables]
            if not damaged:
                raise DataError(f"The query {name} failed on the extracts ({first_line(error)}); open Data health "
                                "to see which file is at fault.") from None
            self.leave_out(damaged)
            if schema is not None:  # the scope's tables are rebuilt without the damaged ones on the next read
                raise DataError(f"The query {name} failed on the extracts; damaged tables are now left out: "
                                "reload the page, and open Data health to see which file is at fault.") from None
        try:
            return run()
        except self._views.errors as error:
            raise DataError(f"The query {name} failed on the extracts ({first_line(error)}); open Data health "
                            "to see which file is at fault.") from None

    def _run(self, name: str, sql: str, bound: dict, limit: int | None, schema: str | None = None) -> pd.DataFrame:
        run_bound.check()
        cursor = self._connection.cursor()
        try:
            if schema is not None:
                cursor.execute("SET schema = $name", {"name": schema})
            with run_bound.interruptible(cursor):
                if limit is None:
                    return arrow_to_pandas(cursor.sql(sql, params=bound).to_arrow_table())
                cursor.execute(sql, bound)
                frames, fetched = [], 0
                while fetched < limit:
                    chunk = cursor.fetch_df_chunk(1)
                    if chunk.empty:
                        break
                    frames.append(chunk)
                    fetched += len(chunk)
                if not frames:
                    return pd.DataFrame(columns=[column[0] for column in cursor.description or []])
                return pd.concat(frames, ignore_index=True).head(limit)
        finally:
            cursor.close()

    def query_kept(self, name: str, params: dict | None = None) -> pd.DataFrame:
        """`query(name, params)` run once per data version and kept in the cache folder
        (kept_results.py), so a restart or another process reads it: for whole-table work with a
        small answer, such as the data health checks."""
        params = params or {}
        return kept_results.kept(self, name, params, lambda: self.query(name, params))

    def query_once(self, name: str) -> pd.DataFrame:
        """A query without parameters, run once per data version: the as-of date and the filter
        values are asked for by every page, and each ask scans every table."""
        result = self._remembered.get(name)
        if result is None:
            result = self.query_kept(name)
            self._remembered[name] = result
        return result.copy()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self._connection.cursor()

    def forget_results(self) -> None:
        """Drop query results the engine keeps between calls. DuckDB keeps none (its queries are
        fast enough to run again); the Spark engine keeps aggregates per data version."""

    def close(self) -> None:
        self._connection.close()


def arrow_to_pandas(table: pa.Table) -> pd.DataFrame:
    """A query result as pandas, through Arrow: text columns arrive as Arrow-backed strings without
    a Python object per value (DuckDB's `.df()` makes one, the slow part of a 100k-row result).
    Decimals become floats and dates timestamps, as `.df()` gives them, so callers see one dtype
    per SQL type."""
    columns = []
    for field, column in zip(table.schema, table.columns):
        if pa.types.is_decimal(field.type):
            column = column.cast(pa.float64())
        elif pa.types.is_date(field.type):
            column = column.cast(pa.timestamp("us"))
        columns.append(column)
    return pa.table(columns, names=table.column_names).to_pandas()


_DATABASES: dict[tuple[Path, Path], Database] = {}
_DATABASES_LOCK = threading.Lock()


def new_database(config: Config) -> Database:
    """A new Database on the config's engine: DuckDB, or Spark with `[engine] kind = "spark"`
    (imported only then: DuckDB-only installs have neither pyspark nor Java)."""
    if config.engine.kind == "spark":
        from dashboard.data.spark_database import SparkDatabase

        return SparkDatabase(config)
    return Database(config)


def database_for(config: Config) -> Database:
    """The process's one connection for this config's data folder, refreshed when extracts change."""
    key = (config.path, config.data.folder)
    with _DATABASES_LOCK:
        database = _DATABASES.get(key)
        if database is None or database.config != config:
            if database is not None:
                database.close()
            database = new_database(config)
            _DATABASES[key] = database
    database.refresh()
    return database


def date_range_params(start: dt.date, end: dt.date) -> dict[str, dt.datetime]:
    """Bind a [start, end] range of whole days as a half-open timestamp range."""
    # The last day a date can be (a link's end=9999-12-31) has no next day: end at its last instant.
    after = dt.datetime.combine(end + dt.timedelta(days=1), dt.time()) if end < dt.date.max else dt.datetime.max
    return {"start": dt.datetime.combine(start, dt.time()), "end": after}
