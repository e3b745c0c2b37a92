"""The funnel page in a real browser on the committed sample."""

import csv
import datetime as dt
import io

from dashboard.funnel import data as metrics
from dashboard.core.config import load_config
from dashboard.data import Database
from dashboard.funnel.domain import Filters
from tests.e2e.conftest import REPO
from tests.e2e.helpers import assert_healthy, changed_metric_value, choose, metric_value, open_app, selected

H2 = (dt.date(2026, 7, 1), dt.date(2026, 10, 31))


def expected_counts(start, end, filters=Filters(), view=metrics.PERIOD):
    database = Database(load_config(REPO / "sla_config.toml"))
    try:
        return {step.label: step.count for step in metrics.funnel(database, start, end, filters, view).steps}
    finally:
        database.close()


def test_funnel_page_draws_its_charts_and_shows_the_sample_numbers(page, server_url):
    open_app(page, server_url, "start=2026-07-01&end=2026-10-31")
    assert_healthy(page, min_charts=3)
    expected = expected_counts(*H2)
    assert metric_value(page, "Leads") == f"{expected['Leads']:,}"
    assert metric_value(page, "Won deals") == f"{expected['Won deals']:,}"


def test_choosing_a_channel_changes_the_numbers_and_the_url(page, server_url):
    open_app(page, server_url, "start=2026-07-01&end=2026-10-31")
    before = metric_value(page, "Leads")
    choose(page, "Channel", "Paid search")  # the config's name for paid_search; the URL keeps the raw value
    expected = expected_counts(*H2, Filters(channel="paid_search"))
    assert changed_metric_value(page, "Leads", before) == f"{expected['Leads']:,}"
    assert "channel=paid_search" in page.url


def test_a_shared_url_opens_the_same_selection(page, server_url):
    query = "sla=FY2026+H1&start=2026-01-01&end=2026-03-31&channel=organic&view=cohort"
    open_app(page, server_url, query)
    assert_healthy(page, min_charts=3)
    expected = expected_counts(dt.date(2026, 1, 1), dt.date(2026, 3, 31), Filters(channel="organic"), metrics.COHORT)
    assert metric_value(page, "Leads") == f"{expected['Leads']:,}"
    assert metric_value(page, "MQLs") == f"{expected['MQLs']:,}"
    assert selected(page, "Channel") == "Organic" and selected(page, "SLA version") == "FY2026 H1"
    assert page.get_by_role("radio", name="Cohort: leads created in the range, followed to today").is_checked()


def test_the_csv_behind_the_funnel_downloads_with_one_row_per_stage(page, server_url):
    open_app(page, server_url, "start=2026-07-01&end=2026-10-31")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download funnel (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(download_info.value.path().read_text())))
    expected = expected_counts(*H2)
    assert [row["stage"] for row in rows] == list(expected)
    assert [int(float(row["count"])) for row in rows] == list(expected.values())
