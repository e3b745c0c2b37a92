"""The data layer: one sandboxed DuckDB connection per data folder, contract views over the
user's extracts, and a runner for the SQL files in `queries/`.

The mapping in `[data.tables.*]` becomes DuckDB views named after the contract tables, built
with DuckDB's expression API so that no SQL text is assembled from config or data values.
A table or column the extract lacks becomes a typed NULL column and is reported as not
tracked, so queries stay uniform and pages can say "not tracked" instead of showing zero.
"""

from __future__ import annotations

import datetime as dt
import glob
import hashlib
import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import duckdb
import pandas as pd
from duckdb import CaseExpression, ColumnExpression, ConstantExpression, FunctionExpression

from dashboard.config import Config, TableSource
from dashboard.contract import STAGES, TABLES, TIMESTAMP, Table

QUERIES_DIR = Path(__file__).resolve().parent.parent / "queries"
_PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_COMMENT = re.compile(r"--[^\n]*")


class DataError(Exception):
    """The extracts cannot be read as configured; the message names file, column or key."""


@dataclass(frozen=True)
class Problem:
    table: str
    message: str
    severity: str = "error"  # "error": numbers from this table cannot be trusted


@dataclass
class Catalog:
    """What the extracts track: which contract tables and columns hold real data."""

    tracked_tables: set[str] = field(default_factory=set)
    tracked_columns: dict[str, set[str]] = field(default_factory=dict)
    stages_not_tracked: tuple[str, ...] = ()
    problems: list[Problem] = field(default_factory=list)
    constant_columns: dict[str, set[str]] = field(default_factory=dict)

    def has(self, table: str, column: str | None = None) -> bool:
        if table not in self.tracked_tables:
            return False
        return column is None or column in self.tracked_columns.get(table, set())

    def stage_tracked(self, stage: str) -> bool:
        if stage in self.stages_not_tracked:
            return False
        for name, table, column in STAGES:
            if name == stage:
                if stage == "won":
                    return self.has("deals", "status") and self.has("deals", "closed_at")
                return self.has(table, column)
        raise KeyError(stage)

    @property
    def revenue_tracked(self) -> bool:
        return self.has("deals", "amount") and self.stage_tracked("won")

    @property
    def outcomes_tracked(self) -> bool:
        """Win rate needs both outcomes: an extract whose status is a constant (say, an export
        of won deals only) cannot tell how many were lost."""
        return self.stage_tracked("won") and "status" not in self.constant_columns.get("deals", set())

    @property
    def lead_source_tracked(self) -> bool:
        """Without leads every deal would look sales-sourced, which says nothing."""
        return self.has("leads") and self.has("deals", "lead_id")


def files_for(folder: Path, source: TableSource) -> list[Path]:
    target = folder / source.path
    if target.is_dir():
        pattern = "**/*.csv*" if source.format == "csv" else "**/*.parquet"
        return sorted(Path(p) for p in glob.glob(str(target / pattern), recursive=True))
    if glob.has_magic(source.path):
        return sorted(Path(p) for p in glob.glob(str(target), recursive=True) if Path(p).is_file())
    return [target] if target.is_file() else []


def data_version(config: Config) -> str:
    """A fingerprint of every extract file (name, size, mtime): changes when new data lands."""
    digest = hashlib.sha256()
    for name in sorted(config.data.tables):
        for path in files_for(config.data.folder, config.data.tables[name]):
            stat = path.stat()
            digest.update(f"{path}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


@lru_cache(maxsize=None)
def load_query(name: str) -> str:
    path = QUERIES_DIR / f"{name}.sql"
    if not path.is_file():
        raise KeyError(f"no query named {name!r} in {QUERIES_DIR}")
    return path.read_text(encoding="utf-8")


def query_parameters(sql: str) -> set[str]:
    return set(_PARAMETER.findall(_COMMENT.sub("", sql)))


class Database:
    """A sandboxed DuckDB connection with the contract views; safe to share across threads
    because every query runs on its own cursor."""

    def __init__(self, config: Config, threads: int | None = None, memory_limit: str | None = None):
        self.config = config
        self.folder = config.data.folder
        self._connection = self._connect(threads, memory_limit)
        self._lock = threading.Lock()
        self.version = ""
        self.catalog = Catalog()
        self.refresh()

    def _connect(self, threads: int | None, memory_limit: str | None) -> duckdb.DuckDBPyConnection:
        settings: dict[str, object] = {"preserve_insertion_order": False}
        if threads:
            settings["threads"] = threads
        if memory_limit:
            settings["memory_limit"] = memory_limit
        connection = duckdb.connect(":memory:", config=settings)
        connection.execute("SET TimeZone = 'UTC'")
        connection.execute("SET allowed_directories = $folders", {"folders": [str(self.folder) + "/"]})
        connection.execute("SET enable_external_access = false")
        connection.execute("SET lock_configuration = true")
        return connection

    def refresh(self) -> bool:
        """Rebuild the views when the extracts changed; returns True when they did."""
        version = data_version(self.config)
        if version == self.version and self.catalog.tracked_tables:
            return False
        with self._lock:
            self.catalog = self._build_views()
            self.version = version
        return True

    def _build_views(self) -> Catalog:
        catalog = Catalog(stages_not_tracked=self.config.data.stages_not_tracked)
        if not self.folder.is_dir():
            catalog.problems.append(Problem(
                "*", f"data folder {self.folder} does not exist; set data.folder in {self.config.path.name} "
                     "or run `python -m dashboard generate --out data/sample`",
            ))
        for name, table in TABLES.items():
            source = self.config.data.tables.get(name)
            relation = None
            if source is not None and self.folder.is_dir():
                try:
                    relation, columns = self._mapped_relation(table, source)
                    catalog.tracked_tables.add(name)
                    catalog.tracked_columns[name] = columns
                    catalog.constant_columns[name] = set(source.constants)
                except DataError as error:
                    catalog.problems.append(Problem(name, str(error)))
                    relation = None
            if relation is None:
                relation = self._empty_relation(table)
            relation.to_view(name, replace=True)
        for model in sorted((QUERIES_DIR / "models").glob("*.sql")):
            self._connection.execute(model.read_text(encoding="utf-8"))
        return catalog

    def _empty_relation(self, table: Table) -> duckdb.DuckDBPyRelation:
        base = self._connection.sql("SELECT 1 AS placeholder")
        columns = [ConstantExpression(None).cast(duckdb.sqltype(c.sql_type)).alias(c.name) for c in table.columns]
        return base.select(*columns).filter(ConstantExpression(False))

    def _read(self, source: TableSource) -> duckdb.DuckDBPyRelation:
        key = f"data.tables.{source.name}.path"
        files = files_for(self.folder, source)
        shown = f"{self.folder.name}/{source.path}"
        if not files:
            raise DataError(f"{shown}: no {source.format} file found; check {key} in {self.config.path.name}")
        target = self.folder / source.path
        pattern = str(target / ("**/*.csv*" if source.format == "csv" else "**/*.parquet")) if target.is_dir() else str(target)
        try:
            if source.format == "csv":
                options = {"header": True, "all_varchar": True, "quotechar": '"', "escapechar": '"'}
                if source.delimiter:
                    options["sep"] = source.delimiter
                return self._connection.read_csv(pattern, **options)
            return self._connection.read_parquet(pattern, hive_partitioning=target.is_dir(), union_by_name=True)
        except duckdb.Error as error:
            raise DataError(f"{shown}: cannot be read as {source.format} ({_first_line(error)}); check {key}") from None

    def _mapped_relation(self, table: Table, source: TableSource) -> tuple[duckdb.DuckDBPyRelation, set[str]]:
        raw = self._read(source)
        available = set(raw.columns)
        shown = f"{self.folder.name}/{source.path}"
        expressions, tracked, missing = [], set(), []
        for column in table.columns:
            source_column = source.columns.get(column.name, column.name)
            if column.name in source.constants:
                expression = ConstantExpression(source.constants[column.name]).cast(duckdb.sqltype(column.sql_type))
                tracked.add(column.name)
            elif source_column in available:
                expression = self._converted(ColumnExpression(source_column), column.sql_type, source, column.name)
                tracked.add(column.name)
            else:
                if column.name in source.columns:
                    missing.append(
                        f"data.tables.{table.name}.columns.{column.name} names {source_column!r}, "
                        f"which is not a column of {shown} (it has: {', '.join(sorted(available))})"
                    )
                elif column.required:
                    missing.append(
                        f"{shown} has no column {column.name!r}; map yours with "
                        f"[data.tables.{table.name}.columns] {column.name} = \"<your column>\""
                    )
                expression = ConstantExpression(None).cast(duckdb.sqltype(column.sql_type))
            expressions.append(expression.alias(column.name))
        if missing:
            raise DataError("; ".join(missing))
        relation = raw.select(*expressions)
        if source.format == "csv":
            self._probe(relation, shown)
        return relation, tracked

    def _converted(self, expression, sql_type: str, source: TableSource, column: str):
        mapping = source.values.get(column)
        if mapping:
            trimmed = FunctionExpression("trim", expression.cast(duckdb.sqltype("VARCHAR")))
            case = None
            for target, sources in mapping.items():
                condition = trimmed.isin(*(ConstantExpression(s) for s in sources))
                case = CaseExpression(condition, ConstantExpression(target)) if case is None else case.when(condition, ConstantExpression(target))
            return case.otherwise(trimmed)
        if column == "status":
            return FunctionExpression("lower", FunctionExpression("trim", expression.cast(duckdb.sqltype("VARCHAR"))))
        if sql_type == TIMESTAMP and source.timestamp_formats:
            formats = ConstantExpression(list(source.timestamp_formats))
            return FunctionExpression("strptime", expression.cast(duckdb.sqltype("VARCHAR")), formats).cast(duckdb.sqltype(TIMESTAMP))
        return expression.cast(duckdb.sqltype(sql_type))

    def _probe(self, relation: duckdb.DuckDBPyRelation, shown: str) -> None:
        """Text extracts are converted lazily; convert once now so a bad value is reported
        here, naming the file, rather than as an error in the middle of a page."""
        try:
            # count every column, not count(*): DuckDB would otherwise skip the conversions
            relation.aggregate([FunctionExpression("count", ColumnExpression(c)) for c in relation.columns]).fetchall()
        except duckdb.Error as error:
            raise DataError(
                f"{shown}: a value does not convert to the contract type ({_first_line(error)}); "
                "fix the extract or set timestamp_formats / the column mapping"
            ) from None

    def query(self, name: str, params: dict | None = None) -> pd.DataFrame:
        """Run `queries/<name>.sql` on a fresh cursor with bound parameters."""
        sql = load_query(name)
        needed = query_parameters(sql)
        params = params or {}
        absent = needed - set(params)
        if absent:
            raise KeyError(f"query {name} needs parameters {sorted(absent)}")
        bound = {key: params[key] for key in needed}
        cursor = self._connection.cursor()
        try:
            return cursor.execute(sql, bound).df()
        finally:
            cursor.close()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self._connection.cursor()

    def close(self) -> None:
        self._connection.close()


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


_DATABASES: dict[tuple[Path, Path], Database] = {}
_DATABASES_LOCK = threading.Lock()


def database_for(config: Config) -> Database:
    """The process's one connection for this config's data folder, refreshed when extracts change."""
    key = (config.path, config.data.folder)
    with _DATABASES_LOCK:
        database = _DATABASES.get(key)
        if database is None or database.config != config:
            if database is not None:
                database.close()
            database = Database(config)
            _DATABASES[key] = database
    database.refresh()
    return database


def date_range_params(start: dt.date, end: dt.date) -> dict[str, dt.datetime]:
    """Bind a [start, end] range of whole days as a half-open timestamp range."""
    return {
        "start": dt.datetime.combine(start, dt.time()),
        "end": dt.datetime.combine(end + dt.timedelta(days=1), dt.time()),
    }
