"""The data layer: one sandboxed DuckDB connection per data folder, contract views over the
user's extracts, and a runner for the SQL files in `queries/`.

The mapping in `[data.tables.*]` becomes DuckDB views named after the contract tables, built
with DuckDB's expression API so that no SQL text is assembled from config or data values.
A table or column the extract lacks becomes a typed NULL column and is reported as not
tracked, so queries stay uniform and pages can say "not tracked" instead of showing zero.
"""

from __future__ import annotations

import datetime as dt
import difflib
import glob
import hashlib
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterator

import duckdb
import pandas as pd
import pyarrow as pa
from duckdb import CaseExpression, ColumnExpression, ConstantExpression, FunctionExpression

from dashboard.core.config import Config, TableSource
from dashboard.core.contract import STAGES, TABLES, TIMESTAMP, Table
from dashboard.core.parallel import Foreground

QUERIES_DIR = Path(__file__).resolve().parents[2] / "queries"
_PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_COMMENT = re.compile(r"--[^\n]*")


class DataError(Exception):
    """The extracts cannot be read as configured; the message names file, column or key.
    `problems` holds one Problem per column when several columns are at fault."""

    def __init__(self, message: str, check: str = "unreadable", problems: tuple["Problem", ...] = ()):
        super().__init__(message)
        self.check = check
        self.problems = problems


@dataclass(frozen=True)
class Problem:
    table: str
    message: str
    severity: str = "error"  # "error": numbers from this table cannot be trusted
    check: str = "unreadable"  # the validation check it fails (dashboard/validate.py: CHECKS)
    column: str | None = None
    count: int | None = None  # values affected, where known
    examples: tuple[str, ...] = ()  # a few of the offending values, as text


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


def extract_bytes(config: Config) -> int:
    """The size of every extract file: how long whole-table work (the data health checks) takes."""
    total = 0
    for name in config.data.tables:
        for path in files_for(config.data.folder, config.data.tables[name]):
            try:
                total += path.stat().st_size
            except OSError:
                pass
    return total


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
        self._remembered: dict[str, pd.DataFrame] = {}
        self.foreground = Foreground()
        self._thread = threading.local()
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
            self._remembered = {}
        return True

    def _build_views(self) -> Catalog:
        catalog = Catalog(stages_not_tracked=self.config.data.stages_not_tracked)
        if not self.folder.is_dir():
            catalog.problems.append(Problem(
                "*", f"data folder {self.folder} does not exist; set data.folder in {self.config.path.name} "
                     "or run `python -m dashboard generate --out data/sample`",
                check="data_folder_missing",
            ))
        for name, table in TABLES.items():
            source = self.config.data.tables.get(name)
            relation = None
            if source is not None and self.folder.is_dir():
                try:
                    relation, columns, column_problems = self._mapped_relation(table, source)
                    catalog.tracked_tables.add(name)
                    catalog.tracked_columns[name] = columns
                    catalog.constant_columns[name] = set(source.constants)
                    catalog.problems.extend(column_problems)
                except DataError as error:
                    catalog.problems.extend(error.problems or [Problem(name, str(error), check=error.check)])
                    relation = None
            if relation is None:
                relation = self._empty_relation(table)
            relation.to_view(name, replace=True)
        try:
            self._build_models()
        except duckdb.Error:
            # A file whose footer reads but whose data does not (a corrupt page): leave the
            # tables that cannot be scanned out, as if their file were missing, and try again.
            unreadable = self.unreadable_tables(catalog)
            if not unreadable:
                raise
            self._leave_out(catalog, unreadable)
            self._build_models()
        return catalog

    def _build_models(self) -> None:
        for model in sorted((QUERIES_DIR / "models").glob("*.sql")):
            self._connection.execute(model.read_text(encoding="utf-8"))

    def unreadable_tables(self, catalog: Catalog | None = None) -> list[Problem]:
        """Tables whose every value cannot be read back (corrupt data pages behind a valid
        footer). Reads every column of every table: the data health check calls it, and the
        data layer when building the models failed."""
        catalog = catalog or self.catalog
        problems = []
        for name in sorted(catalog.tracked_tables):
            if self._is_background():
                self.foreground.wait_for_quiet()
            cursor = self._connection.cursor()  # this runs beside the pages' queries: a cursor of its own
            relation = cursor.table(name)
            try:
                # hash() of every column makes DuckDB decode each value (count() could use statistics)
                relation.aggregate([FunctionExpression("max", FunctionExpression("hash", *map(ColumnExpression, relation.columns)))]).fetchall()
            except duckdb.Error as error:
                source = self.config.data.tables[name]
                problems.append(Problem(
                    name, f"{self.folder.name}/{source.path}: cannot be read to the end ({_first_line(error)}); the file "
                          f"is damaged or was still being written. Export it again. The {name} table is left out until then.",
                    check="unreadable",
                ))
            finally:
                cursor.close()
        return problems

    def leave_out(self, problems: list[Problem]) -> None:
        """Stop using the tables of `problems` (shown as not tracked) until the extracts change."""
        with self._lock:
            self._leave_out(self.catalog, problems)
            self._build_models()
            self._remembered = {}

    def _leave_out(self, catalog: Catalog, problems: list[Problem]) -> None:
        for problem in problems:
            catalog.tracked_tables.discard(problem.table)
            catalog.tracked_columns.pop(problem.table, None)
            catalog.problems.append(problem)
            self._empty_relation(TABLES[problem.table]).to_view(problem.table, replace=True)

    def _empty_relation(self, table: Table) -> duckdb.DuckDBPyRelation:
        base = self._connection.sql("SELECT 1 AS placeholder")
        columns = [ConstantExpression(None).cast(duckdb.sqltype(c.sql_type)).alias(c.name) for c in table.columns]
        return base.select(*columns).filter(ConstantExpression(False))

    def _read(self, source: TableSource) -> duckdb.DuckDBPyRelation:
        key = f"data.tables.{source.name}.path"
        files = files_for(self.folder, source)
        shown = f"{self.folder.name}/{source.path}"
        if not files:
            raise DataError(f"{shown}: no {source.format} file found; check {key} in {self.config.path.name}",
                            check="file_missing")
        outside = [path for path in files if not path.resolve().is_relative_to(self.folder.resolve())]
        if outside:
            raise DataError(
                f"{shown}: {outside[0].name} leads outside the data folder {self.folder} (a link?); "
                f"copy the file into the folder or change {key}", check="outside_folder",
            )
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

    def _mapped_relation(
        self, table: Table, source: TableSource
    ) -> tuple[duckdb.DuckDBPyRelation, set[str], list[Problem]]:
        """The extract as the contract table; also returns the problems of optional columns,
        which are left out (not tracked) rather than failing the whole table."""
        raw = self._read(source)
        available = set(raw.columns)
        source_types = {name: str(kind) for name, kind in zip(raw.columns, raw.types)}
        shown = f"{self.folder.name}/{source.path}"
        converted, from_file, missing = {}, {}, []
        for column in table.columns:
            source_column = source.columns.get(column.name, column.name)
            if column.name in source.constants:
                converted[column.name] = ConstantExpression(source.constants[column.name]).cast(duckdb.sqltype(column.sql_type))
            elif source_column in available:
                converted[column.name] = self._converted(
                    ColumnExpression(source_column), column.sql_type, source, column.name, source_types[source_column])
                from_file[column.name] = source_column
            else:
                if column.name in source.columns:
                    missing.append(Problem(table.name, (
                        f"data.tables.{table.name}.columns.{column.name} names {source_column!r}, "
                        f"which is not a column of {shown} (it has: {', '.join(sorted(available))})"
                    ), check="column_missing", column=column.name))
                elif column.required:
                    hint = _closest(column.name, available)
                    missing.append(Problem(table.name, (
                        f"{shown} has no column {column.name!r}"
                        + (f" (is it {hint!r}, renamed?)" if hint else "")
                        + f"; map yours with [data.tables.{table.name}.columns] {column.name} = \"<your column>\""
                    ), check="column_missing", column=column.name))
                converted[column.name] = ConstantExpression(None).cast(duckdb.sqltype(column.sql_type))
        if missing:
            raise DataError("; ".join(p.message for p in missing), check="column_missing", problems=tuple(missing))
        problems = self._unconvertible(raw, table, source, from_file, source_types, shown)
        if any(table.column(problem.column).required for problem in problems):
            raise DataError("; ".join(p.message for p in problems), check="wrong_type", problems=tuple(problems))
        for problem in problems:
            converted[problem.column] = ConstantExpression(None).cast(duckdb.sqltype(table.column(problem.column).sql_type))
        tracked = (set(from_file) | set(source.constants)) - {problem.column for problem in problems}
        try:
            relation = raw.select(*(converted[column.name].alias(column.name) for column in table.columns))
        except duckdb.Error as error:
            raise DataError(
                f"{shown}: cannot be mapped to the {table.name} contract ({_first_line(error)}); "
                f"check [data.tables.{table.name}] in {self.config.path.name}"
            ) from None
        return relation, tracked, problems

    def _converted(self, expression, sql_type: str, source: TableSource, column: str, source_type: str = "VARCHAR",
                   lenient: bool = False):
        """The extract's column as the contract type; `lenient` gives NULL where a value does
        not convert (used to count such values) instead of an error."""
        mapping = source.values.get(column)
        if mapping:
            trimmed = FunctionExpression("trim", expression.cast(duckdb.sqltype("VARCHAR")))
            if column == "status":  # statuses match ignoring case, as unmapped ones are lower-cased
                trimmed = FunctionExpression("lower", trimmed)
                mapping = {target: tuple(s.strip().lower() for s in sources) for target, sources in mapping.items()}
            case = None
            for target, sources in mapping.items():
                condition = trimmed.isin(*(ConstantExpression(s) for s in sources))
                case = CaseExpression(condition, ConstantExpression(target)) if case is None else case.when(condition, ConstantExpression(target))
            return case.otherwise(trimmed)
        if column == "status":
            return FunctionExpression("lower", FunctionExpression("trim", expression.cast(duckdb.sqltype("VARCHAR"))))
        if sql_type == TIMESTAMP and source.timestamp_formats and source_type == "VARCHAR":
            formats = ConstantExpression(list(source.timestamp_formats))
            parse = "try_strptime" if lenient else "strptime"
            return FunctionExpression(parse, expression.cast(duckdb.sqltype("VARCHAR")), formats).cast(duckdb.sqltype(TIMESTAMP))
        if lenient:
            return expression.try_cast(duckdb.sqltype(sql_type))
        return expression.cast(duckdb.sqltype(sql_type))

    def _unconvertible(self, raw: duckdb.DuckDBPyRelation, table: Table, source: TableSource,
                       from_file: dict[str, str], source_types: dict[str, str], shown: str) -> list[Problem]:
        """Columns whose values do not all convert to the contract type. Conversion is lazy, so
        it is tried once here (only where the file's type differs) and a bad value is reported
        naming the file and column, rather than as an error in the middle of a page."""
        suspects = [
            (table.column(name), source_column) for name, source_column in from_file.items()
            if _needs_conversion_check(table.column(name), source, source_types[source_column])
        ]
        if not suspects:
            return []
        counts = []
        for column, source_column in suspects:
            value = ColumnExpression(source_column)
            lenient = self._converted(value, column.sql_type, source, column.name, source_types[source_column], lenient=True)
            counts += [FunctionExpression("count", value), FunctionExpression("count", lenient)]
        try:
            # count every column, not count(*): DuckDB would otherwise skip the conversions
            row = raw.aggregate(counts).fetchall()[0]
        except duckdb.Error as error:
            raise DataError(f"{shown}: cannot be read ({_first_line(error)}); check data.tables.{table.name}.path") from None
        problems = []
        for index, (column, source_column) in enumerate(suspects):
            present, converted = row[2 * index], row[2 * index + 1]
            if converted == present:
                continue
            value = ColumnExpression(source_column)
            lenient = self._converted(value, column.sql_type, source, column.name, source_types[source_column], lenient=True)
            examples = tuple(
                str(found)[:60] for (found,) in
                raw.filter(value.isnotnull() & lenient.isnull()).select(value.cast(duckdb.sqltype("VARCHAR")))
                .distinct().order("1").limit(3).fetchall()
            )
            if column.sql_type == TIMESTAMP:
                fix = (f"set data.tables.{table.name}.timestamp_formats to the format your file uses"
                       if source_types[source_column] == "VARCHAR" else "export it as a timestamp")
            else:
                fix = f"export it as {column.sql_type}"
            consequence = (f"The {table.name} table is left out until this is fixed" if column.required
                           else f"Column {table.name}.{column.name} is treated as not tracked until this is fixed")
            problems.append(Problem(
                table.name,
                f"{shown}: {present - converted:,} value(s) of column {source_column!r} ({source_types[source_column]}) "
                f"do not convert to {column.sql_type} for {table.name}.{column.name}, e.g. "
                f"{', '.join(repr(example) for example in examples)}; fix the extract or {fix}. {consequence}.",
                check="wrong_type", column=column.name, count=present - converted, examples=examples,
            ))
        return problems

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

    def query(self, name: str, params: dict | None = None) -> pd.DataFrame:
        """Run `queries/<name>.sql` on a fresh cursor with bound parameters."""
        sql = load_query(name)
        needed = query_parameters(sql)
        params = params or {}
        absent = needed - set(params)
        if absent:
            raise KeyError(f"query {name} needs parameters {sorted(absent)}")
        bound = {key: params[key] for key in needed}
        if self._is_background():
            self.foreground.wait_for_quiet()
            return self._run(sql, bound)
        with self.foreground.working():
            return self._run(sql, bound)

    def _run(self, sql: str, bound: dict) -> pd.DataFrame:
        cursor = self._connection.cursor()
        try:
            return arrow_to_pandas(cursor.sql(sql, params=bound).to_arrow_table())
        finally:
            cursor.close()

    def query_once(self, name: str) -> pd.DataFrame:
        """A query without parameters, run once per data version: the as-of date and the filter
        values are asked for by every page, and each ask scans every table."""
        result = self._remembered.get(name)
        if result is None:
            result = self.query(name)
            self._remembered[name] = result
        return result.copy()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self._connection.cursor()

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


# Source types that convert to the contract type without any value failing.
_SAFE_CONVERSIONS = {
    "TIMESTAMP": {"TIMESTAMP", "DATE", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS", "TIMESTAMP WITH TIME ZONE"},
    "DATE": {"DATE", "TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS", "TIMESTAMP WITH TIME ZONE"},
    "BIGINT": {"BIGINT", "INTEGER", "SMALLINT", "TINYINT", "UINTEGER", "USMALLINT", "UTINYINT"},
    "INTEGER": {"INTEGER", "SMALLINT", "TINYINT", "USMALLINT", "UTINYINT"},
    "DECIMAL(18,2)": {"DECIMAL(18,2)", "INTEGER", "SMALLINT", "TINYINT", "USMALLINT", "UTINYINT"},
    "BOOLEAN": {"BOOLEAN"},
}


def _needs_conversion_check(column, source: TableSource, source_type: str) -> bool:
    if column.sql_type == "VARCHAR" or column.name in source.values or column.name == "status":
        return False
    return source_type not in _SAFE_CONVERSIONS.get(column.sql_type, {column.sql_type})


def _closest(name: str, available: set[str]) -> str | None:
    """The extract's column that looks like a renamed contract column (CreatedDate for created_at)."""
    normal = {column.lower().replace("_", "").replace(" ", ""): column for column in available}
    match = difflib.get_close_matches(name.replace("_", ""), list(normal), n=1, cutoff=0.75)
    return normal[match[0]] if match else None


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
