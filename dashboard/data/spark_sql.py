"""The SQL of `queries/` for Spark: DuckDB's dialect rendered as Spark SQL by sqlglot, plus the
rewrites where the plain rendering would run but give different numbers.

- `percentile_cont(q) within group (order by x)` becomes Spark's exact `percentile(x, q)`;
  sqlglot's `percentile_approx` neither is exact nor interpolates (medians off by days).
- `date_diff(unit, a, b)` counts the unit boundaries crossed on DuckDB; Spark's
  `datediff(unit, a, b)` counts whole units elapsed. They differ as soon as a timestamp has
  a fraction of a second, so both are written as differences of truncated values.
- A literal such as `86400.0` is a decimal on Spark (decimal arithmetic, other digits) and is
  read as a double here, which is what DuckDB computes with once it divides.
- `avg(x)` of a decimal (amounts are `DECIMAL(18,2)`) is a decimal of scale 6 on Spark and a
  double on DuckDB: on a real CRM export the average deal size came back as 2214.428571 instead
  of 2214.4285714285716. It is written as the exact sum, as a double, over the count.
- A model `create or replace view` becomes a temporary view (a permanent one cannot read the
  temporary contract views), `create or replace table` a cached temporary table.

sqlglot and Spark are imported only when a Spark engine is configured: DuckDB-only installs
do not have them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from dashboard.data.sql import load_query, model_files, query_files


class TranspileError(Exception):
    """A query that cannot be rendered for Spark; the message names the query."""


# Seconds per unit for the units whose boundaries are a fixed number of seconds apart.
_SECONDS = {"SECOND": 1, "MINUTE": 60, "HOUR": 3600}


@dataclass(frozen=True)
class SparkStatement:
    """One statement to run on Spark. `cache_as` names the temporary table a model fills
    (`CACHE TABLE <name> AS <sql>`), None for a plain query or view."""

    sql: str
    cache_as: str | None = None


def spark_statements(name: str) -> tuple[SparkStatement, ...]:
    """The query `name` for Spark. Rendered once per version of the file: the cache is keyed on
    the SQL text, so an edited file is rendered again rather than served stale."""
    return _rendered(name, load_query(name))


def model_statements() -> list[tuple[str, tuple[SparkStatement, ...]]]:
    """The models for Spark, in build order."""
    return [(path.stem, _rendered(path.stem, path.read_text(encoding="utf-8"))) for path in model_files()]


def render_all() -> None:
    """Render every query and model: a file that cannot be rendered stops the start-up with its
    name (all such files named at once), rather than failing later on a page."""
    failures = []
    for name in query_files():
        try:
            statements = spark_statements(name)
            if len(statements) != 1 or statements[0].cache_as:
                failures.append(f"query {name}: must be one select statement")
        except TranspileError as error:
            failures.append(str(error))
    try:
        model_statements()
    except TranspileError as error:
        failures.append(str(error))
    if failures:
        raise TranspileError("; ".join(failures))


@lru_cache(maxsize=None)
def _rendered(name: str, sql: str) -> tuple[SparkStatement, ...]:
    return tuple(to_spark(sql, name))


def to_spark(sql: str, name: str) -> list[SparkStatement]:
    """The statements of one SQL file, rendered for Spark. Parameters stay bound (`$x` -> `:x`)."""
    import sqlglot
    from sqlglot import exp

    try:
        statements = [statement for statement in sqlglot.parse(sql, read="duckdb") if statement is not None]
    except sqlglot.errors.ParseError as error:
        raise TranspileError(f"query {name}: cannot be read as DuckDB SQL ({_first_line(error)})") from None
    rendered = []
    for statement in statements:
        try:
            statement = statement.transform(_rewrite)
            if isinstance(statement, exp.Create):
                rendered.append(_model(statement, name))
            else:
                rendered.append(SparkStatement(statement.sql(dialect="spark", comments=False, unsupported_level=sqlglot.ErrorLevel.RAISE)))
        except (sqlglot.errors.SqlglotError, TranspileError) as error:
            message = str(error).removeprefix(f"query {name}: ")
            raise TranspileError(f"query {name}: cannot be rendered for Spark ({_first_line(message)})") from None
    if not rendered:
        raise TranspileError(f"query {name}: holds no SQL statement")
    return rendered


def _model(statement, name: str) -> SparkStatement:
    import sqlglot
    from sqlglot import exp

    kind = (statement.args.get("kind") or "").upper()
    target = statement.this
    if isinstance(target, exp.Schema):
        target = target.this
    body = statement.expression
    if body is None or not isinstance(target, exp.Table):
        raise TranspileError(f"query {name}: only `create [or replace] view|table <name> as <query>` is supported")
    table = target.sql(dialect="spark")
    query = body.sql(dialect="spark", comments=False, unsupported_level=sqlglot.ErrorLevel.RAISE)
    if kind == "VIEW":
        return SparkStatement(f"CREATE OR REPLACE TEMPORARY VIEW {table} AS {query}")
    if kind == "TABLE":
        return SparkStatement(query, cache_as=table)
    raise TranspileError(f"query {name}: cannot create a {kind.lower() or 'thing'} on Spark, only a view or a table")


def _rewrite(node):
    from sqlglot import exp

    if isinstance(node, exp.WithinGroup) and isinstance(node.this, exp.PercentileCont):
        orders = node.expression.expressions if isinstance(node.expression, exp.Order) else []
        if len(orders) != 1 or orders[0].args.get("desc"):
            raise TranspileError("percentile_cont needs `within group (order by <one expression>)` in ascending order")
        fraction = node.this.this
        return exp.Anonymous(this="percentile", expressions=[_rewritten(orders[0].this), _double(fraction.copy())])
    if isinstance(node, exp.PercentileCont | exp.PercentileDisc | exp.ApproxQuantile):
        raise TranspileError(f"{node.sql(dialect='duckdb')}: use percentile_cont(q) within group (order by x)")
    if isinstance(node, exp.DateDiff):
        return _boundaries_crossed(node)
    if isinstance(node, exp.CTE) and node.args.get("materialized") is not None:
        # `as materialized` is DuckDB's hint to compute a CTE once; Spark's parser refuses it and
        # decides reuse itself. Set on the node, not a copy, so that its query is still rewritten.
        node.set("materialized", None)
        return node
    if isinstance(node, exp.Avg):
        value = _rewritten(node.this)
        if isinstance(node.parent, exp.Window):  # a window's function must stay one call
            return exp.Avg(this=_double(value))
        return exp.Anonymous(this="try_divide", expressions=[
            _double(exp.Sum(this=value)), exp.Count(this=value.copy())])
    if isinstance(node, exp.Div):
        # DuckDB's division by zero is NULL; Spark's (ANSI) is an error, its try_divide NULL
        return exp.Anonymous(this="try_divide", expressions=[_rewritten(node.this), _rewritten(node.expression)])
    if isinstance(node, exp.Literal) and not node.is_string and _is_decimal_text(node.this) and not _is_double(node.parent):
        return _double(node.copy())
    return node


def _rewritten(node):
    """`node` with the rewrites applied: sqlglot does not descend into a node a rewrite replaced."""
    return node.transform(_rewrite)


def _boundaries_crossed(node):
    """DuckDB's `date_diff(unit, start, end)`: how many unit boundaries lie between them."""
    from sqlglot import exp

    unit = (node.text("unit") or "DAY").upper().removesuffix("S")
    end, start = _rewritten(node.this), _rewritten(node.expression)
    if unit in _SECONDS:
        seconds = [exp.Anonymous(this="unix_timestamp", expressions=[value]) for value in (end, start)]
        if _SECONDS[unit] == 1:
            return exp.Paren(this=exp.Sub(this=seconds[0], expression=seconds[1]))
        per = exp.Literal.number(_SECONDS[unit])
        whole = [exp.Anonymous(this="floor", expressions=[exp.Div(this=value, expression=per.copy())]) for value in seconds]
        return exp.Paren(this=exp.Sub(this=whole[0], expression=whole[1]))
    if unit == "DAY":
        dates = [exp.Cast(this=value, to=exp.DataType.build("DATE")) for value in (end, start)]
        return exp.Anonymous(this="datediff", expressions=dates)
    if unit in ("MONTH", "QUARTER", "YEAR"):
        def months(value):
            year = exp.Anonymous(this="year", expressions=[value.copy()])
            month = exp.Anonymous(this="month", expressions=[value.copy()])
            return exp.Paren(this=exp.Add(this=exp.Mul(this=year, expression=exp.Literal.number(12)), expression=month))
        if unit == "MONTH":
            return exp.Paren(this=exp.Sub(this=months(end), expression=months(start)))
        if unit == "YEAR":
            years = [exp.Anonymous(this="year", expressions=[value]) for value in (end, start)]
            return exp.Paren(this=exp.Sub(this=years[0], expression=years[1]))
        quarters = [exp.Anonymous(this="floor", expressions=[exp.Div(
            this=exp.Sub(this=months(value), expression=exp.Literal.number(1)), expression=exp.Literal.number(3))])
            for value in (end, start)]
        return exp.Paren(this=exp.Sub(this=quarters[0], expression=quarters[1]))
    raise TranspileError(f"date_diff with unit {unit.lower()!r} has no Spark rendering; use second, minute, hour, day, month, quarter or year")


def _double(value):
    from sqlglot import exp

    return exp.Cast(this=value, to=exp.DataType.build("DOUBLE"))


def _is_double(node) -> bool:
    from sqlglot import exp

    return isinstance(node, exp.Cast) and node.to.is_type(exp.DataType.Type.DOUBLE)


def _is_decimal_text(text: str) -> bool:
    return "." in text and "e" not in text.lower()


def _first_line(error: object) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
