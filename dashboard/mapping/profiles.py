"""What a folder of exports holds: each CSV or parquet file's columns, with their types, sample
values, date formats and distinct values, read with a DuckDB connection of its own that may read
nothing outside the folder. `python -m dashboard map` drafts a config from this (`draft.py`)."""

from __future__ import annotations

import glob
from dataclasses import dataclass
from pathlib import Path

import duckdb
from duckdb import ColumnExpression, ConstantExpression, FunctionExpression

# Date formats tried on text columns, most specific first; each is tried on every value.
DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d",
    "%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M", "%d-%m-%Y",
    "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y",
    "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y",
    "%d.%m.%Y %H:%M", "%d.%m.%Y",
)
ISO_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")
SAMPLES = 5
FEW_VALUES = 12  # a text column with at most this many distinct values lists them all


@dataclass(frozen=True)
class ColumnProfile:
    name: str
    kind: str  # "integer", "number", "date", "flag", "text" (what every non-empty value parses as)
    rows: int
    filled: int  # non-empty values
    distinct: int
    samples: tuple[str, ...]
    date_formats: tuple[str, ...] = ()  # the formats every value parses with (several: ambiguous)
    values: tuple[str, ...] = ()  # every distinct value, when there are few
    zero_or_empty: int = 0  # numeric columns: values that are empty or 0
    first: str | None = None  # date columns: the earliest and latest day, ISO
    last: str | None = None

    @property
    def is_unique(self) -> bool:
        return self.filled == self.rows and self.distinct == self.rows and self.rows > 0


@dataclass(frozen=True)
class FileProfile:
    path: str  # relative to the folder
    format: str
    rows: int
    columns: tuple[ColumnProfile, ...]

    def column(self, name: str) -> ColumnProfile:
        return next(column for column in self.columns if column.name == name)


def export_files(folder: Path) -> list[Path]:
    found = [Path(p) for pattern in ("*.csv", "*.parquet", "*/*.csv", "*/*.parquet")
             for p in glob.glob(str(folder / pattern))]
    return sorted(p for p in found if p.is_file() and p.resolve().is_relative_to(folder.resolve()))


def inspect_folder(folder: Path) -> list[FileProfile]:
    folder = folder.resolve()
    connection = duckdb.connect(":memory:")
    connection.execute("SET allowed_directories = $folders", {"folders": [str(folder) + "/"]})
    connection.execute("SET enable_external_access = false")
    try:
        return [inspect_file(connection, folder, path) for path in export_files(folder)]
    finally:
        connection.close()


def inspect_file(connection: duckdb.DuckDBPyConnection, folder: Path, path: Path) -> FileProfile:
    fmt = "csv" if path.suffix.lower() == ".csv" else "parquet"
    if fmt == "csv":
        relation = connection.read_csv(str(path), header=True, all_varchar=True)
    else:
        relation = connection.read_parquet(str(path))
        relation = relation.select(*(ColumnExpression(c).cast(duckdb.sqltype("VARCHAR")).alias(c)
                                     for c in relation.columns))
    rows = relation.aggregate([FunctionExpression("count_star")]).fetchall()[0][0]
    columns = tuple(_profile(relation, name, rows) for name in relation.columns)
    return FileProfile(path=path.relative_to(folder).as_posix(), format=fmt, rows=rows, columns=columns)


def _profile(relation: duckdb.DuckDBPyRelation, name: str, rows: int) -> ColumnProfile:
    value = FunctionExpression("nullif", FunctionExpression("trim", ColumnExpression(name)), ConstantExpression(""))
    checks = [
        FunctionExpression("count", value),
        FunctionExpression("count", value.try_cast(duckdb.sqltype("BIGINT"))),
        FunctionExpression("count", value.try_cast(duckdb.sqltype("DOUBLE"))),
        FunctionExpression("count", FunctionExpression("lower", value).isin(
            *(ConstantExpression(v) for v in ("true", "false", "0", "1", "yes", "no", "t", "f")))),
        FunctionExpression("count_if", FunctionExpression("contains", value, ConstantExpression("."))),
        FunctionExpression("count_if", value.try_cast(duckdb.sqltype("DOUBLE")).isnull()
                           | (value.try_cast(duckdb.sqltype("DOUBLE")) == ConstantExpression(0.0))),
    ]
    checks += [FunctionExpression("count", FunctionExpression("try_strptime", value, ConstantExpression(f)))
               for f in DATE_FORMATS]
    counts = relation.aggregate(checks).fetchall()[0]
    filled, integers, numbers, flags, decimals, zero_or_empty = counts[:6]
    date_counts = dict(zip(DATE_FORMATS, counts[6:]))
    distinct = relation.filter(value.isnotnull()).select(value).distinct().aggregate(
        [FunctionExpression("count_star")]).fetchall()[0][0]
    samples = tuple(str(v) for (v,) in relation.filter(value.isnotnull()).select(value).distinct().order("1")
                    .limit(SAMPLES).fetchall())
    formats = tuple(f for f, count in date_counts.items() if filled and count == filled)
    if filled and flags == filled and distinct <= 2:
        kind = "flag"
    elif filled and integers == filled and not decimals:
        kind = "integer"
    elif filled and numbers == filled:
        kind = "number"
    elif formats:
        kind = "date"
    else:
        kind = "text"
    first = last = None
    narrow = _narrowest(formats)
    if kind == "date":
        parsed = FunctionExpression("try_strptime", value, ConstantExpression(narrow[0]))
        low, high = relation.aggregate([FunctionExpression("min", parsed), FunctionExpression("max", parsed)]).fetchall()[0]
        first, last = low.date().isoformat(), high.date().isoformat()
    values = ()
    if kind in ("text", "flag") and distinct <= FEW_VALUES:
        values = tuple(str(v) for (v,) in relation.filter(value.isnotnull()).select(value).distinct()
                       .order("1").fetchall())
    return ColumnProfile(name=name, kind=kind, rows=rows, filled=filled, distinct=distinct, samples=samples,
                         date_formats=narrow, values=values,
                         zero_or_empty=zero_or_empty if kind in ("integer", "number") else 0, first=first, last=last)


def _narrowest(formats: tuple[str, ...]) -> tuple[str, ...]:
    """Of the formats every value parses with, those that keep the most: a date with a time parses
    with "%Y-%m-%d %H:%M:%S", and DuckDB would also read it with a shorter one that drops nothing."""
    if not formats:
        return ()
    longest = max(len(f) for f in formats)
    return tuple(f for f in formats if len(f) == longest)
