"""The contract views on Spark: the same `[data.tables.*]` mapping as views.py (renames, value
maps, timestamp formats, constants, the checks and their messages), with Spark's DataFrame API as
the expression builder, so that no SQL text is assembled from config or data values either.

pyspark is imported inside the functions: DuckDB-only installs do not have it.
"""

from __future__ import annotations

import re
from pathlib import Path

from dashboard.core.config import Config, TableSource
from dashboard.core.contract import TIMESTAMP, Table, view_columns
from dashboard.data.problems import DataError, first_line
from dashboard.data.views import UTC_OFFSET, ContractViews, ambiguous_dates_problem, mixed_time_zones_problem

# The contract's SQL types (DuckDB's names) as Spark's, and Spark's type names as DuckDB's, so
# the conversion checks and messages read the same on both engines.
_SPARK_TYPES = {
    "VARCHAR": "string", "TIMESTAMP": "timestamp_ntz", "DATE": "date", "BIGINT": "bigint", "INTEGER": "int",
    "BOOLEAN": "boolean", "DOUBLE": "double",
}
_DUCKDB_TYPES = {
    "string": "VARCHAR", "timestamp_ntz": "TIMESTAMP", "timestamp": "TIMESTAMP WITH TIME ZONE", "date": "DATE",
    "bigint": "BIGINT", "int": "INTEGER", "smallint": "SMALLINT", "tinyint": "TINYINT", "boolean": "BOOLEAN",
    "double": "DOUBLE", "float": "FLOAT",
}
# strptime codes (the config's timestamp_formats, DuckDB's strptime) as Java datetime patterns.
_JAVA_PATTERNS = {
    "Y": "yyyy", "y": "yy", "m": "MM", "-m": "M", "d": "dd", "-d": "d", "e": "d", "H": "HH", "-H": "H",
    "I": "hh", "-I": "h", "M": "mm", "-M": "m", "S": "ss", "-S": "s", "f": "SSSSSS", "g": "SSS",
    "p": "a", "b": "MMM", "B": "MMMM", "a": "EEE", "A": "EEEE", "j": "DDD", "z": "Z",
}
_CODE = re.compile(r"%(-?[A-Za-z%])")


def spark_type(sql_type: str) -> str:
    """A contract type for Spark's `cast`: `DECIMAL(18,2)` is `decimal(18,2)` on both."""
    return _SPARK_TYPES.get(sql_type, sql_type.lower())


def duckdb_type_name(spark_name: str) -> str:
    return _DUCKDB_TYPES.get(spark_name, spark_name.upper().replace(" ", ""))


def java_pattern(strptime_format: str) -> str:
    """A strptime format as a Java datetime pattern: `%d/%m/%Y %H:%M` -> `dd/MM/yyyy HH:mm`."""
    parts, position = [], 0
    for match in _CODE.finditer(strptime_format):
        parts.append(_quoted(strptime_format[position:match.start()]))
        code = match.group(1)
        if code == "%":
            parts.append("%")
        elif code in _JAVA_PATTERNS:
            parts.append(_JAVA_PATTERNS[code])
        else:
            raise ValueError(f"%{code} has no Spark equivalent")
        position = match.end()
    parts.append(_quoted(strptime_format[position:]))
    return "".join(parts)


def _quoted(text: str) -> str:
    """Literal text of a pattern; letters are pattern letters in Java unless quoted."""
    if not any(character.isalpha() or character == "'" for character in text):
        return text
    return "'" + text.replace("'", "''") + "'"


def quoted_column(name: str) -> str:
    """An extract's column name for `F.col`: backquoted, so a dot or space in it is not a path."""
    return "`" + name.replace("`", "``") + "`"


class SparkContractViews(ContractViews):
    """ContractViews on a Spark session: temporary views of the session, read by the queries."""

    def __init__(self, session, config: Config):
        self.spark = session
        self.config = config
        self.folder = config.data.folder
        self.errors = spark_errors()

    def publish(self, name: str, relation) -> None:
        relation.createOrReplaceTempView(name)

    def empty(self, table: Table):
        from pyspark.sql import functions as F

        return self.spark.range(0).select(*(F.lit(None).cast(spark_type(c.sql_type)).alias(c.name)
                                            for c in view_columns(table)))

    def _read(self, source: TableSource, only: list[Path] | None = None):
        shown = self.shown(source)
        key = f"data.tables.{source.name}.{'table' if source.table else 'path'}"
        try:
            if source.table:
                frame = self.spark.read.table(source.table)
            else:
                files = self._files(source, only)
                target = self.folder / source.path
                # a folder is read whole so that Spark finds its hive partitions, as DuckDB does
                paths = [str(target)] if target.is_dir() and only is None else [str(path) for path in files]
                reader = self.spark.read
                if target.is_dir():
                    reader = reader.option("basePath", str(target))
                if source.format == "csv":
                    reader = reader.option("header", True).option("quote", '"').option("escape", '"')
                    if source.delimiter:
                        reader = reader.option("sep", source.delimiter)
                    frame = reader.csv(paths)
                else:
                    frame = reader.option("mergeSchema", True).parquet(*paths)
            frame.schema  # read the schema now: a file that is not what the config says fails here, by name
            return frame
        except self.errors as error:
            raise DataError(f"{shown}: cannot be read as {source.format if not source.table else 'a table'} "
                            f"({first_line(error)}); check {key}") from None

    def _source_types(self, raw) -> dict[str, str]:
        return {name: duckdb_type_name(kind) for name, kind in raw.dtypes}

    def _column(self, name: str):
        from pyspark.sql import functions as F

        return F.col(quoted_column(name))

    def _constant(self, value, sql_type: str):
        from pyspark.sql import functions as F

        return F.lit(value).cast(spark_type(sql_type))

    def _select(self, raw, columns: list):
        frame = raw.select(*columns)
        frame.schema  # resolve now, so a mapping that cannot apply fails while the views are built
        return frame

    def _counted_events(self, relation, table: Table, measure_mapped: bool):
        raise DataError(f'data.tables.{table.name}.grain = "event" is not supported on Spark yet; '
                        "aggregate the events to one row per day and channel, or use DuckDB")

    def _declared_attributes(self, raw, source: TableSource, source_types: dict[str, str], shown: str):
        if source.attributes:
            raise DataError("data.tables.leads.attributes (declared scoring attributes) is not supported on Spark yet; "
                            "map the contract's attributes under [data.tables.leads.columns], or use DuckDB")
        return super()._declared_attributes(raw, source, source_types, shown)

    def _outcome_deals(self, source: TableSource, only: list[Path] | None = None):
        raise DataError("data.tables.leads.outcome (the outcome read from the leads) is not supported on Spark yet; "
                        "export a deals table, or use DuckDB")

    def _counts(self, raw, expressions: list) -> tuple:
        from pyspark.sql import functions as F

        return tuple(raw.agg(*(F.count(expression) for expression in expressions)).collect()[0])

    def _unconverted_examples(self, raw, value, lenient) -> list:
        rows = (raw.filter(value.isNotNull() & lenient.isNull()).select(value.cast("string").alias("value"))
                .distinct().orderBy("value").limit(3).collect())
        return [row[0] for row in rows]

    def _converted(self, expression, sql_type: str, source: TableSource, column: str, source_type: str = "VARCHAR",
                   lenient: bool = False, formats: tuple[str, ...] = ()):
        from pyspark.sql import functions as F

        mapping = source.values.get(column)
        if mapping:
            trimmed = F.trim(expression.cast("string"))
            if column == "status":
                trimmed = F.lower(trimmed)
                mapping = {target: tuple(s.strip().lower() for s in sources) for target, sources in mapping.items()}
            case = None
            for target, sources in mapping.items():
                condition = trimmed.isin(*sources)
                case = F.when(condition, F.lit(target)) if case is None else case.when(condition, F.lit(target))
            return case.otherwise(trimmed)
        if column == "status":
            return F.lower(F.trim(expression.cast("string")))
        if sql_type == TIMESTAMP and formats and source_type == "VARCHAR":
            # the first format that parses, as DuckDB's strptime with a list; values that parse with
            # none are counted by _unconvertible first, so strict and lenient agree on what is kept
            return F.coalesce(*self._parsed(expression, source, formats)).cast("timestamp_ntz")
        if sql_type == TIMESTAMP and source_type == "VARCHAR":
            # through a timestamp with a zone, so a UTC offset is converted to UTC (the session's zone)
            zoned = expression.try_cast("timestamp") if lenient else expression.cast("timestamp")
            return zoned.cast("timestamp_ntz")
        if lenient:
            return expression.try_cast(spark_type(sql_type))
        return expression.cast(spark_type(sql_type))


    def _parsed(self, expression, source: TableSource, formats: tuple[str, ...]) -> list:
        """The text parsed with each strptime format, NULL where it does not parse."""
        from pyspark.sql import functions as F

        try:
            patterns = [java_pattern(form) for form in formats]
        except ValueError as error:
            raise DataError(f"data.tables.{source.name}.timestamp_formats: {error}; use %Y %m %d %H %M %S %f "
                            "and literal text") from None
        return [F.try_to_timestamp(expression.cast("string"), F.lit(pattern)) for pattern in patterns]

    def _timestamp_formats(self, raw, table: Table, source: TableSource, source_types: dict[str, str],
                           shown: str) -> tuple[dict[str, tuple[str, ...]], list]:
        """views.py's choice of format per text time column, with Spark's parser: where one
        configured format parses every value that one is used; dates two formats read differently
        are reported."""
        from pyspark.sql import functions as F

        configured = tuple(source.timestamp_formats)
        columns = [
            (column.name, source.columns.get(column.name, column.name)) for column in table.columns
            if column.sql_type == TIMESTAMP and column.name not in source.constants
            and source_types.get(source.columns.get(column.name, column.name)) == "VARCHAR"
        ]
        if not configured or not columns:
            return {}, []
        if len(configured) == 1:
            return {name: configured for name, _ in columns}, []
        expressions = []
        for _, source_column in columns:
            value = self._column(source_column)
            parsed = self._parsed(value, source, configured)
            expressions += [value, *parsed, F.when(_any_differ(parsed), F.lit(1))]
        try:
            row = self._counts(raw, expressions)
        except self.errors as error:
            raise DataError(f"{shown}: cannot be read ({first_line(error)}); check data.tables.{table.name}.path") from None
        chosen, problems, width = {}, [], len(configured) + 2
        for index, (name, source_column) in enumerate(columns):
            present, *parsed_counts, ambiguous = row[index * width:(index + 1) * width]
            complete = [fmt for fmt, parsed in zip(configured, parsed_counts) if parsed == present]
            chosen[name] = (complete[0],) if complete else configured
            if ambiguous and len(complete) != 1:
                value = self._column(source_column)
                examples = tuple(str(found) for found in self._unconverted_examples(
                    raw.filter(_any_differ(self._parsed(value, source, configured))), value, F.lit(None)))
                problems.append(ambiguous_dates_problem(table, source, shown, source_column, name, ambiguous, examples,
                                                        complete))
        return chosen, problems

    def _mixed_time_zones(self, raw, table: Table, from_file: dict[str, str], source_types: dict[str, str], shown: str,
                          formats: dict[str, tuple[str, ...]]) -> list:
        from pyspark.sql import functions as F

        columns = [(name, source_column) for name, source_column in from_file.items()
                   if table.column(name).sql_type == TIMESTAMP and source_types[source_column] == "VARCHAR"]
        if not columns:
            return []
        expressions = []
        for _, source_column in columns:
            value = self._column(source_column).cast("string")
            expressions += [value, F.when(F.trim(value).rlike(UTC_OFFSET), F.lit(1))]
        try:
            row = self._counts(raw, expressions)
        except self.errors:
            return []  # an unreadable file is reported by the conversion check
        return [mixed_time_zones_problem(table, shown, source_column, name, row[2 * index], row[2 * index + 1])
                for index, (name, source_column) in enumerate(columns)
                if 0 < row[2 * index + 1] < row[2 * index]]


def _any_differ(parsed: list):
    """True where two of the parsed values exist and differ."""
    differ = None
    for i, first in enumerate(parsed):
        for second in parsed[i + 1:]:
            pair = first.isNotNull() & second.isNotNull() & (first != second)
            differ = pair if differ is None else differ | pair
    return differ


def spark_errors() -> tuple[type[BaseException], ...]:
    """What Spark raises about the data or the SQL: pyspark's errors, and py4j's in local mode."""
    from pyspark.errors import PySparkException

    try:
        from py4j.protocol import Py4JJavaError
    except ImportError:
        return (PySparkException,)
    return (PySparkException, Py4JJavaError)
