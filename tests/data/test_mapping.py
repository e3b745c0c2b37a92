"""Bring-your-own-extract: column and value mapping, text dates, and stages an extract lacks."""

import datetime as dt

import pytest

from dashboard.funnel import data as metrics
from dashboard.core.config import load_config
from dashboard.data import Database, date_range_params
from tests.companies.builders import MINIMAL_SLA, build_database
from tests.companies.hand_built import DEALS, LEADS, REPS

MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def test_missing_traffic_table_and_proposal_column_are_not_tracked_not_zero(tmp_path):
    database = build_database(
        tmp_path / "extracts", {"reps": REPS, "leads": LEADS, "deals": DEALS}, drop={"deals": ("proposal_at",)},
    )
    result = metrics.funnel(database, *MARCH)
    steps = {step.stage: step for step in result.steps}
    assert steps["traffic"].count is None and steps["traffic"].note == "not tracked"
    assert steps["proposal"].count is None and steps["proposal"].note == "not tracked"
    # won is measured from the last tracked stage, SQL, and carries no target
    assert steps["won"].previous_stage == "sql"
    assert steps["won"].rate_from_previous == pytest.approx(3 / 2)
    assert steps["won"].target is None
    assert steps["lead"].rate_from_previous is None
    monthly = metrics.monthly_funnel(database, *MARCH)
    assert monthly["sessions"].isna().all() and monthly["proposals"].isna().all()
    assert monthly["won"].tolist() == [3]


def test_stages_declared_not_tracked_in_the_config_are_not_counted(tmp_path):
    database = build_database(
        tmp_path / "extracts", {"reps": REPS, "leads": LEADS, "deals": DEALS},
        data_extra='stages_not_tracked = ["lead"]',
    )
    steps = {step.stage: step for step in metrics.funnel(database, *MARCH).steps}
    assert steps["lead"].count is None and steps["lead"].note == "not tracked"
    assert steps["mql"].count == 3 and steps["mql"].rate_from_previous is None


def test_deals_without_amount_report_revenue_as_not_tracked(tmp_path):
    database = build_database(
        tmp_path / "extracts", {"reps": REPS, "leads": LEADS, "deals": DEALS}, drop={"deals": ("amount",)},
    )
    summary = metrics.revenue_summary(database, *MARCH)
    assert summary.won_revenue is None and summary.avg_deal_size is None
    assert summary.won_deals == 3 and summary.win_rate == pytest.approx(0.75)


CRM_CSV = (
    "Opportunity,Rep,Stage,Engaged,Closed,Value\r\n"
    "O1,Ann,Closed Won,03-03-2026,25-03-2026 14:30,\"1,000\"\r\n"
    "O2,Ann,Won,01-03-2026,02-03-2026 09:00,500\r\n"
    "O3,Ben,Closed Lost,05-03-2026,20-03-2026 10:00,700\r\n"
    "O4,Ben,Prospecting,,,\r\n"
)


def write_crm_export(folder):
    folder.mkdir()
    # "1,000" is quoted because the CRM writes a thousands separator; amounts here are plain
    (folder / "pipeline.csv").write_text(CRM_CSV.replace('"1,000"', "1000"), encoding="utf-8")
    config = folder.parent / "crm.toml"
    config.write_text(f"""
[data]
folder = "{folder.as_posix()}"
[data.tables.deals]
path = "pipeline.csv"
timestamp_formats = ["%d-%m-%Y %H:%M", "%d-%m-%Y"]
[data.tables.deals.columns]
deal_id = "Opportunity"
owner_id = "Rep"
status = "Stage"
created_at = "Engaged"
closed_at = "Closed"
amount = "Value"
[data.tables.deals.values.status]
won = ["Won", "Closed Won"]
lost = ["Closed Lost"]
open = ["Prospecting"]
{MINIMAL_SLA}""", encoding="utf-8")
    return config


def test_a_crm_csv_maps_columns_stage_values_and_text_dates(tmp_path):
    database = Database(load_config(write_crm_export(tmp_path / "crm")))
    summary = metrics.revenue_summary(database, *MARCH)
    assert summary.won_deals == 2 and summary.lost_deals == 1
    assert summary.won_revenue == 1500.0
    steps = {step.stage: step for step in metrics.funnel(database, *MARCH).steps}
    assert [s for s, step in steps.items() if step.note == "not tracked"] == ["traffic", "lead", "mql", "sql", "proposal"]
    assert steps["won"].count == 2
    durations = metrics.stage_durations(database, *MARCH).set_index("transition")
    # O1 3/3 → 3/25 14:30 = 22.604 days, O2 3/1 → 3/2 09:00 = 1.375 days
    assert durations.loc["deal_to_won", "median_days"] == pytest.approx((22 + 14.5 / 24 + 1.375) / 2)


def test_a_mapped_column_that_is_not_in_the_extract_is_reported_by_key(tmp_path):
    config_path = write_crm_export(tmp_path / "crm")
    config_path.write_text(config_path.read_text().replace('amount = "Value"', 'amount = "Amount"'))
    database = Database(load_config(config_path))
    assert database.catalog.problems
    message = database.catalog.problems[0].message
    assert "data.tables.deals.columns.amount names 'Amount'" in message and "pipeline.csv" in message
    assert not database.catalog.stage_tracked("won")


def test_a_text_date_in_the_wrong_format_names_the_file(tmp_path):
    config_path = write_crm_export(tmp_path / "crm")
    config_path.write_text(config_path.read_text().replace('"%d-%m-%Y %H:%M", ', ""))
    database = Database(load_config(config_path))
    assert "pipeline.csv" in database.catalog.problems[0].message
    assert "timestamp_formats" in database.catalog.problems[0].message


def test_a_missing_extract_file_names_the_config_key(tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    config = tmp_path / "c.toml"
    config.write_text(f'[data]\nfolder = "{folder.as_posix()}"\n[data.tables.deals]\npath = "deals.parquet"\n' + MINIMAL_SLA)
    database = Database(load_config(config))
    assert "data.tables.deals.path" in database.catalog.problems[0].message
    result = metrics.funnel(database, *MARCH)
    assert all(step.count is None for step in result.steps)


def test_a_query_cannot_read_a_file_outside_the_data_folder(company, tmp_path):
    outside = tmp_path / "secret.csv"
    outside.write_text("a\n1\n")
    cursor = company.cursor()
    with pytest.raises(Exception, match="disabled by configuration|Permission"):
        cursor.execute("select * from read_csv($path)", {"path": str(outside)}).fetchall()
    with pytest.raises(Exception, match="locked"):
        cursor.execute("SET enable_external_access = true")


def test_new_extract_files_show_up_after_refresh(company):
    before = metrics.funnel(company, *MARCH).steps[1].count
    folder = company.folder
    from tests.companies.builders import write_table

    write_table(folder, "leads", LEADS + [{"lead_id": "L9", "created_at": "2026-03-05"}])
    assert company.refresh() is True
    after = metrics.funnel(company, *MARCH).steps[1].count
    assert (before, after) == (5, 6)
    assert company.refresh() is False


def test_the_as_of_date_is_remembered_per_data_version_and_moves_with_new_extracts(company):
    from tests.companies.builders import write_table

    before = metrics.data_as_of(company)
    write_table(company.folder, "leads", LEADS + [{"lead_id": "L9", "created_at": "2026-12-24"}])
    assert metrics.data_as_of(company) == before  # unchanged until the extracts are read again
    assert company.refresh() is True
    assert metrics.data_as_of(company) == dt.date(2026, 12, 24)


def test_an_export_of_won_deals_only_has_no_win_rate(tmp_path):
    database = build_database(
        tmp_path / "extracts", {"leads": LEADS, "deals": [d for d in DEALS if d["status"] == "won"]},
        drop={"deals": ("status",)}, extra="",
        data_extra="[data.tables.deals.constants]\nstatus = \"won\"",
    )
    summary = metrics.revenue_summary(database, *MARCH)
    assert summary.won_deals == 3
    assert summary.win_rate is None and summary.lost_deals is None


def test_without_leads_deals_are_not_called_sales_sourced_and_lead_durations_are_dropped(tmp_path):
    database = build_database(tmp_path / "extracts", {"deals": DEALS, "reps": REPS})
    assert metrics.funnel(database, *MARCH).sales_sourced_won is None
    assert metrics.revenue_summary(database, *MARCH).sales_sourced_won_revenue is None
    transitions = metrics.stage_durations(database, *MARCH)["transition"].tolist()
    assert transitions == ["proposal_to_won", "deal_to_won"]  # nothing measured from a lead


def test_a_table_can_be_a_glob_or_a_hive_partitioned_folder(tmp_path):
    from tests.companies.builders import write_table

    folder = tmp_path / "extracts"
    (folder / "deals_parts").mkdir(parents=True)
    (folder / "leads" / "year=2026").mkdir(parents=True)
    write_table(folder / "deals_parts", "deals", DEALS[:3]).rename(folder / "deals_parts" / "part-1.parquet")
    write_table(folder / "deals_parts", "deals", DEALS[3:]).rename(folder / "deals_parts" / "part-2.parquet")
    write_table(folder / "leads" / "year=2026", "leads", LEADS)
    config = tmp_path / "c.toml"
    config.write_text(
        f'[data]\nfolder = "{folder.as_posix()}"\n'
        '[data.tables.deals]\npath = "deals_parts/*.parquet"\n'
        '[data.tables.leads]\npath = "leads"\n' + MINIMAL_SLA
    )
    database = Database(load_config(config))
    assert database.catalog.problems == []
    steps = {step.stage: step.count for step in metrics.funnel(database, *MARCH).steps}
    assert (steps["lead"], steps["mql"], steps["won"]) == (5, 3, 3)


def test_query_results_come_back_with_one_pandas_dtype_per_sql_type():
    from decimal import Decimal

    import pyarrow as pa

    from dashboard.data import arrow_to_pandas

    frame = arrow_to_pandas(pa.table({
        "amount": pa.array([Decimal("1250.50"), None], pa.decimal128(18, 2)),
        "closed_on": pa.array([dt.date(2026, 3, 1), None]),
        "owner_name": pa.array(["Ana", None]),
    }))
    assert frame["amount"].dtype == "float64" and frame["amount"].iloc[0] == 1250.5
    assert str(frame["closed_on"].dtype).startswith("datetime64")
    assert frame["closed_on"].iloc[0] == dt.datetime(2026, 3, 1)
    assert frame["owner_name"].iloc[0] == "Ana" and frame["owner_name"].isna().iloc[1]
