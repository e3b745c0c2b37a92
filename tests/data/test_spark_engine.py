"""The data layer on Spark, on tiny hand-built extracts whose expected values were worked out by
hand: the rewrites of the SQL give DuckDB's numbers, the mapping (renames, value maps, text
dates, constants) and its messages are the same, and catalog tables read like files.
One local Spark serves the module (each database gets a session of its own on it)."""

import datetime as dt
import os

import pytest

from tests.data.spark_engine import require_spark

require_spark()

from dashboard.core.config import load_config  # noqa: E402
from dashboard.data import DataError, Database, new_database  # noqa: E402
from dashboard.data.spark_database import SparkDatabase  # noqa: E402
from dashboard.funnel import data as metrics  # noqa: E402
from tests.companies.builders import write_config, write_table  # noqa: E402
from tests.companies.hand_built import REPS  # noqa: E402
from tests.data.test_mapping import MARCH, write_crm_export  # noqa: E402

SPARK = '\n[engine]\nkind = "spark"\nmaster = "local[2]"\n'


def on_spark(config_path):
    """The same config on Spark: its [engine] section appended, as a user would."""
    # the same file name in a folder of its own: messages name the config file
    spark_path = config_path.parent / "on_spark" / config_path.name
    spark_path.parent.mkdir(exist_ok=True)
    spark_path.write_text(config_path.read_text(encoding="utf-8") + SPARK, encoding="utf-8")
    return load_config(spark_path)


@pytest.fixture
def databases():
    """Open databases, closed after the test."""
    opened = []
    yield opened
    for database in opened:
        database.close()


def both(databases, config_path):
    duckdb, spark = Database(load_config(config_path)), new_database(on_spark(config_path))
    databases += [duckdb, spark]
    assert isinstance(spark, SparkDatabase)
    return duckdb, spark


def lead(lead_id, created_at, mql_at):
    return {"lead_id": lead_id, "created_at": created_at, "mql_at": mql_at, "channel": "paid", "segment": "SMB",
            "owner_id": "R1"}


def write_leads(folder, leads):
    folder.mkdir()
    write_table(folder, "reps", REPS)
    write_table(folder, "leads", leads)
    write_table(folder, "deals", [])
    return write_config(folder, ("reps", "leads", "deals"))


def test_medians_interpolate_exactly_as_duckdb_does_not_approximately(tmp_path, databases):
    # lead -> MQL days 1, 2, 3 and 10: median (2 + 3) / 2 = 2.5, p75 3 + 0.25 * (10 - 3) = 4.75;
    # Spark's percentile_approx (sqlglot's plain rendering) would give 2 and 3
    config = write_leads(tmp_path / "extracts", [
        lead("L1", "2026-03-01", "2026-03-02"), lead("L2", "2026-03-01", "2026-03-03"),
        lead("L3", "2026-03-01", "2026-03-04"), lead("L4", "2026-03-01", "2026-03-11"),
    ])
    for database in both(databases, config):
        row = metrics.stage_durations(database, *MARCH).set_index("transition").loc["lead_to_mql"]
        assert (row["records"], row["median_days"], row["p75_days"]) == (4, 2.5, 4.75), database.engine


def test_an_average_deal_size_keeps_every_digit_duckdb_gives(tmp_path, databases):
    folder = tmp_path / "data"
    config = write_leads(folder, [lead("L1", "2026-03-02 09:00:00", None)])
    write_table(folder, "deals", [
        {"deal_id": f"D{n}", "lead_id": "L1", "owner_id": "R1", "created_at": "2026-03-03", "closed_at": "2026-03-20",
         "status": "won", "amount": amount} for n, amount in enumerate((10.00, 10.00, 10.01))])
    duckdb, spark = both(databases, config)
    # 30.01 / 3 as a double; Spark's decimal average stops at six places, 10.003333
    assert metrics.revenue_summary(duckdb, *MARCH).avg_deal_size == 30.01 / 3
    assert metrics.revenue_summary(spark, *MARCH).avg_deal_size == 30.01 / 3


def test_seconds_between_sub_second_timestamps_count_boundaries_crossed(tmp_path, databases):
    # 00:00:00.900 -> 00:00:01.100 crosses one second boundary: 1 s = 1 / 86400 days on both engines
    # (Spark's own datediff(SECOND, ...) counts whole seconds elapsed: 0)
    config = write_leads(tmp_path / "extracts", [lead("L1", "2026-03-01 00:00:00.900", "2026-03-01 00:00:01.100")])
    for database in both(databases, config):
        row = metrics.stage_durations(database, *MARCH).set_index("transition").loc["lead_to_mql"]
        assert row["median_days"] == pytest.approx(1 / 86400, rel=1e-12), database.engine


def test_a_crm_csv_maps_columns_stage_values_and_text_dates_on_spark(tmp_path, databases):
    duckdb, spark = both(databases, write_crm_export(tmp_path / "crm"))
    assert spark.catalog == duckdb.catalog
    summary = metrics.revenue_summary(spark, *MARCH)
    assert (summary.won_deals, summary.lost_deals, summary.won_revenue) == (2, 1, 1500.0)
    durations = metrics.stage_durations(spark, *MARCH).set_index("transition")
    # O1 3/3 -> 3/25 14:30 = 22.604 days, O2 3/1 -> 3/2 09:00 = 1.375 days
    assert durations.loc["deal_to_won", "median_days"] == pytest.approx((22 + 14.5 / 24 + 1.375) / 2, rel=1e-12)


def test_a_text_date_in_the_wrong_format_is_reported_as_on_duckdb(tmp_path, databases):
    config_path = write_crm_export(tmp_path / "crm")
    config_path.write_text(config_path.read_text().replace('"%d-%m-%Y %H:%M", ', ""))
    duckdb, spark = both(databases, config_path)
    assert [p.message for p in spark.catalog.problems] == [p.message for p in duckdb.catalog.problems]
    assert "pipeline.csv" in spark.catalog.problems[0].message
    assert "timestamp_formats" in spark.catalog.problems[0].message


def test_a_mapped_column_missing_from_the_extract_is_reported_by_key_as_on_duckdb(tmp_path, databases):
    config_path = write_crm_export(tmp_path / "crm")
    config_path.write_text(config_path.read_text().replace('amount = "Value"', 'amount = "Amount"'))
    duckdb, spark = both(databases, config_path)
    assert [p.message for p in spark.catalog.problems] == [p.message for p in duckdb.catalog.problems]
    assert "data.tables.deals.columns.amount names 'Amount'" in spark.catalog.problems[0].message


def test_a_catalog_table_reads_as_its_files_do(tmp_path, databases):
    folder = tmp_path / "extracts"
    config = write_leads(folder, [lead("L1", "2026-03-01", "2026-03-02"), lead("L2", "2026-03-05", None)])
    by_path = new_database(on_spark(config))
    databases.append(by_path)
    # a global temporary view stands for the lake's table: a catalog name every session of this
    # Spark resolves, without writing a warehouse folder
    by_path.spark.read.parquet(str(folder / "leads.parquet")).createOrReplaceGlobalTempView("crm_leads")
    catalog_config = config.with_name("catalog.toml")
    catalog_config.write_text(config.read_text().replace('[data.tables.leads]\npath = "leads.parquet"',
                                                          '[data.tables.leads]\ntable = "global_temp.crm_leads"'))
    by_table = new_database(on_spark(catalog_config))
    databases.append(by_table)
    assert by_table.catalog.problems == [] and by_table.catalog.tracked_columns == by_path.catalog.tracked_columns
    steps = {step.stage: step.count for step in metrics.funnel(by_table, *MARCH).steps}
    assert (steps["lead"], steps["mql"]) == (2, 1)
    assert by_table.version.startswith("spark-") and by_table.version != by_path.version


def test_a_catalog_table_that_does_not_exist_is_named(tmp_path, databases):
    config = write_leads(tmp_path / "extracts", [lead("L1", "2026-03-01", "2026-03-02")])
    config.write_text(config.read_text().replace('[data.tables.leads]\npath = "leads.parquet"',
                                                 '[data.tables.leads]\ntable = "global_temp.no_such_table"'))
    spark = new_database(on_spark(config))
    databases.append(spark)
    message = spark.catalog.problems[0].message
    assert message.startswith("global_temp.no_such_table: cannot be read as a table") and "data.tables.leads.table" in message
    assert not spark.catalog.has("leads")


def test_spark_results_come_back_in_the_dtypes_duckdb_gives(tmp_path, databases):
    config = write_leads(tmp_path / "extracts", [lead("L1", "2026-03-01 08:00", "2026-03-02")])
    duckdb, spark = both(databases, config)
    params = {"start": dt.datetime(2026, 3, 1), "end": dt.datetime(2026, 4, 1), "channel": None, "segment": None,
              "team": None, "transition": None}
    expected, found = duckdb.query("stage_durations", params), spark.query("stage_durations", params)
    assert found["median_days"].dtype == expected["median_days"].dtype == "float64"
    assert found["transition"].tolist() == expected["transition"].tolist()
    with pytest.raises(TypeError, match="no DuckDB cursor"):
        spark.cursor()


def test_an_unreachable_spark_connect_server_is_a_data_error_naming_the_key(tmp_path):
    from tests.data.spark_engine import free_port

    config = write_leads(tmp_path / "extracts", [lead("L1", "2026-03-01", "2026-03-02")])
    spark_path = config.with_name("remote.toml")
    spark_path.write_text(config.read_text() + f'\n[engine]\nkind = "spark"\nremote = "sc://127.0.0.1:{free_port()}"\n')
    with pytest.raises(DataError, match="engine.remote: cannot use the Spark Connect server at sc://127.0.0.1"):
        new_database(load_config(spark_path))


def test_a_result_is_kept_per_data_version_and_new_extracts_are_read_again(tmp_path, databases, monkeypatch):
    from dashboard.data import spark_database

    folder = tmp_path / "extracts"
    config = write_leads(folder, [lead("L1", "2026-03-01", "2026-03-02")])
    spark = new_database(on_spark(config))
    databases.append(spark)
    rendered = []
    render = spark_database.spark_statements
    monkeypatch.setattr(spark_database, "spark_statements", lambda name: rendered.append(name) or render(name))
    assert {step.stage: step.count for step in metrics.funnel(spark, *MARCH).steps}["lead"] == 1
    asked = len(rendered)
    assert asked > 0
    # the same page again: every aggregate comes from what Spark returned, Spark is not asked
    assert {step.stage: step.count for step in metrics.funnel(spark, *MARCH).steps}["lead"] == 1
    assert len(rendered) == asked
    # what the benchmark does for a cold page: the kept results are dropped, and Spark is asked again
    spark.forget_results()
    assert {step.stage: step.count for step in metrics.funnel(spark, *MARCH).steps}["lead"] == 1
    assert len(rendered) == 2 * asked
    asked = len(rendered)
    # a new extract is a new data version: asked again, and the new lead counted
    write_table(folder, "leads", [lead("L1", "2026-03-01", "2026-03-02"), lead("L2", "2026-03-09", None)])
    assert spark.refresh()
    assert {step.stage: step.count for step in metrics.funnel(spark, *MARCH).steps}["lead"] == 2
    assert len(rendered) > asked


def test_local_mode_shuffles_into_one_partition_per_core():
    from dashboard.data.spark_database import local_shuffle_partitions

    # Spark's default of 200 is for a cluster: 200 tasks per join over a few thousand rows
    assert [local_shuffle_partitions(master) for master in ("local", "local[2]", "local[7]")] == [1, 2, 7]
    assert local_shuffle_partitions("local[*]") == os.cpu_count()



def test_local_mode_gives_the_driver_a_quarter_of_the_machines_memory_within_bounds():
    from dashboard.data.spark_database import local_driver_memory

    gib = 2**30
    assert [local_driver_memory(size * gib) for size in (2, 24, 512)] == ["1g", "6g", "32g"]


def test_a_local_session_runs_with_the_driver_memory_it_was_given(tmp_path, databases):
    from dashboard.data.spark_database import local_driver_memory

    config = write_leads(tmp_path / "data", [lead("L1", "2026-03-02 09:00:00", None)])
    _, spark = both(databases, config)
    context = spark.spark.sparkContext
    wanted = local_driver_memory()
    assert context.getConf().get("spark.driver.memory") == wanted
    # the JVM's own limit: Spark's default of 1g would be below it on any machine of 8 GB or more
    heap_bytes = context._jvm.java.lang.Runtime.getRuntime().maxMemory()
    assert heap_bytes > 0.8 * int(wanted.removesuffix("g")) * 2**30


def test_spark_running_out_of_memory_says_which_setting_gives_it_more():
    from dashboard.data.spark_database import out_of_memory_message

    error = RuntimeError("An error occurred while calling o1943.getResult.\n: java.lang.OutOfMemoryError: Java heap space")
    message = out_of_memory_message("validate_ids_and_order", error, "1g")
    assert message.startswith("Spark ran out of memory running validate_ids_and_order")
    assert '"spark.driver.memory" = "8g"' in message and "(now 1g)" in message
    assert out_of_memory_message("validate_ids_and_order", RuntimeError("TABLE_OR_VIEW_NOT_FOUND"), "1g") is None


def test_facts_with_months_without_rows_are_served_to_spark_whole(tmp_path, databases):
    """Facts months may hold no rows (traffic starting after the leads). Given a table whose first two
    chunks were empty, Spark's Arrow reader dropped every row, so sessions read 0 on Spark."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    config = write_leads(tmp_path / "extracts", [lead("L1", "2026-03-01 08:00", "2026-03-02")])
    _, spark = both(databases, config)
    schema = pa.schema([("day", pa.timestamp("us")), ("channel", pa.large_string()), ("sessions", pa.int64())])
    january, february, full = (tmp_path / f"month=2026-0{month}.parquet" for month in (1, 2, 3))
    for empty in (january, february):
        pq.write_table(schema.empty_table(), empty)
    pq.write_table(pa.table({"day": [dt.datetime(2026, 3, 1), dt.datetime(2026, 3, 2)], "channel": ["paid", "seo"],
                             "sessions": [40, 2]}, schema=schema), full)
    spark.serve_facts("served_sessions", [january, february, full])
    rows = spark.spark.sql("select count(*) as days, sum(sessions) as sessions, min(day) as first_day "
                           "from served_sessions").collect()[0]
    assert (rows["days"], rows["sessions"], rows["first_day"]) == (2, 42, dt.datetime(2026, 3, 1))
