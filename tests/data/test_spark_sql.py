"""The SQL of `queries/` rendered for Spark: every file renders, and each rewrite that keeps
Spark's numbers equal to DuckDB's is applied. What the rewritten SQL computes is proved on a
real Spark in test_spark_engine.py; these tests need only sqlglot."""

import pytest

pytest.importorskip("sqlglot", reason="the Spark engine's SQL needs sqlglot: pip install -r requirements-spark.txt")

from dashboard.data.spark_sql import (  # noqa: E402
    TranspileError, model_statements, render_all, spark_statements, to_spark,
)
from dashboard.data.sql import query_files  # noqa: E402


def spark(sql: str) -> str:
    (statement,) = to_spark(sql, "example")
    return statement.sql


def test_every_query_file_and_model_renders_for_spark():
    render_all()
    assert len(query_files()) > 30
    for name in query_files():
        (statement,) = spark_statements(name)
        assert "$" not in statement.sql, name  # parameters stay bound, as :name
    assert model_statements()


def test_percentile_cont_becomes_sparks_exact_percentile_not_the_approximate_one():
    sql = spark("select percentile_cont(0.75) within group (order by days) as p75_days from t")
    assert "PERCENTILE(days, CAST(0.75 AS DOUBLE))" in sql
    assert "APPROX" not in sql


def test_a_descending_percentile_is_refused_rather_than_inverted_silently():
    with pytest.raises(TranspileError, match="query example: .*ascending"):
        to_spark("select percentile_cont(0.5) within group (order by days desc) from t", "example")


def test_a_materialized_cte_is_a_plain_one_whose_query_is_still_rewritten():
    sql = spark("with keys as materialized (select percentile_cont(0.5) within group (order by x) as m from t) "
                "select * from keys")
    assert "MATERIALIZED" not in sql.upper() and "PERCENTILE(x, CAST(0.5 AS DOUBLE))" in sql


def test_date_diff_counts_boundaries_crossed_as_duckdb_does():
    assert "(UNIX_TIMESTAMP(b) - UNIX_TIMESTAMP(a))" in spark("select date_diff('second', a, b) from t")
    assert "DATEDIFF(CAST(b AS DATE), CAST(a AS DATE))" in spark("select date_diff('day', a, b) from t")
    assert "(FLOOR(UNIX_TIMESTAMP(b) / 3600) - FLOOR(UNIX_TIMESTAMP(a) / 3600))" in spark("select date_diff('hour', a, b) from t")
    assert "((YEAR(b) * 12 + MONTH(b)) - (YEAR(a) * 12 + MONTH(a)))" in spark("select date_diff('month', a, b) from t")


def test_a_date_diff_unit_without_a_rendering_names_the_query():
    with pytest.raises(TranspileError, match="query example: .*'millisecond'"):
        to_spark("select date_diff('millisecond', a, b) from t", "example")


def test_a_decimal_literal_is_a_double_and_division_by_zero_is_null():
    sql = spark("select date_diff('second', a, b) / 86400.0 as days from t")
    assert sql == "SELECT TRY_DIVIDE((UNIX_TIMESTAMP(b) - UNIX_TIMESTAMP(a)), CAST(86400.0 AS DOUBLE)) AS days FROM t"


def test_an_average_is_the_exact_sum_as_a_double_over_the_count_not_a_six_place_decimal():
    assert spark("select avg(case when won then amount end) as avg_deal_size from t") == (
        "SELECT TRY_DIVIDE(CAST(SUM(CASE WHEN won THEN amount END) AS DOUBLE), COUNT(CASE WHEN won THEN amount END))"
        " AS avg_deal_size FROM t")
    assert "AVG(CAST(amount AS DOUBLE)) OVER (PARTITION BY team)" in spark("select avg(amount) over (partition by team) from t")


def test_parameters_stay_bound():
    sql = spark("select * from leads where created_at >= $start and ($channel is null or channel = $channel)")
    assert ":start" in sql and ":channel" in sql and "$" not in sql


def test_a_model_view_becomes_a_temporary_view_and_a_model_table_a_cached_one():
    (view,) = to_spark("create or replace view funnel_leads as select * from leads", "funnel_leads")
    assert view.sql == "CREATE OR REPLACE TEMPORARY VIEW funnel_leads AS SELECT * FROM leads" and view.cache_as is None
    (table,) = to_spark("create or replace table lead_facts as select lead_id from leads", "lead_facts")
    assert table.sql == "SELECT lead_id FROM leads" and table.cache_as == "lead_facts"


def test_sql_that_does_not_parse_names_its_file():
    with pytest.raises(TranspileError, match="query broken: cannot be read as DuckDB SQL"):
        to_spark("select from where (", "broken")
