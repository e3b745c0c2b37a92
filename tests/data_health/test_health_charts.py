"""The Data health chart: empty months show as gaps, never silently dropped."""

import datetime as dt

import pandas as pd

from dashboard.data_health.charts import complete_months, monthly_rows_figure


def monthly(rows):
    return pd.DataFrame(rows, columns=["table_name", "month_start", "records"])


def test_months_an_export_skipped_and_a_table_that_stops_early_become_zero_months():
    frame = complete_months(monthly([
        ("leads", dt.date(2026, 1, 1), 10), ("leads", dt.date(2026, 3, 1), 12), ("leads", dt.date(2026, 4, 1), 9),
        ("touches", dt.date(2026, 2, 1), 30), ("touches", dt.date(2026, 3, 1), 31),
    ]))
    leads = frame[frame["table_name"] == "leads"]
    touches = frame[frame["table_name"] == "touches"]
    # leads: February skipped; touches start in February and stop after March, one month before the rest
    assert leads["records"].tolist() == [10, 0, 12, 9]
    assert touches["month_start"].tolist() == [dt.date(2026, 2, 1), dt.date(2026, 3, 1), dt.date(2026, 4, 1)]
    assert touches["records"].tolist() == [30, 31, 0]


def test_the_figure_has_one_chart_per_table_and_marks_empty_months():
    figure = monthly_rows_figure(monthly([
        ("leads", dt.date(2026, 1, 1), 10), ("leads", dt.date(2026, 3, 1), 12),
        ("deals", dt.date(2026, 1, 1), 2), ("deals", dt.date(2026, 3, 1), 1),
    ]))
    bars = [trace for trace in figure.data if trace.type == "bar"]
    gaps = [trace for trace in figure.data if trace.type == "scatter"]
    assert [bar.name for bar in bars] == ["Leads created", "Deals opened"]
    assert len(gaps) == 2 and [trace.showlegend for trace in gaps] == [True, False]
    assert list(gaps[0].x) == [dt.date(2026, 2, 1)]


def test_no_records_give_an_empty_frame():
    assert complete_months(monthly([])).empty
