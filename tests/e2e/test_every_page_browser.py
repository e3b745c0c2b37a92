"""Every page in a real browser on the committed sample: it loads without an exception,
draws its charts, shows its key number, and answers one interaction."""

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import assert_healthy, changed_metric_value, choose, metric_value, open_app

PAGES = [
    # (url path, a metric that must show a number, charts at least)
    ("", "Attainment", 2),
    ("funnel", "Leads", 3),
    ("team_kpis", None, 1),
    ("compliance", "Leads handed to sales", 1),
    ("planner", None, 1),
    ("scoring_lab", "MQLs", 1),
    ("data_health", "Checks passed", 0),
]


@pytest.mark.parametrize("path, key_metric, charts", PAGES, ids=[p[0] or "monthly_review" for p in PAGES])
def test_every_page_loads_with_its_charts_and_key_number(page, server_url, path, key_metric, charts):
    open_app(page, server_url, path=path)
    assert_healthy(page, min_charts=charts)
    # a page without charts (data health) can still be waiting for its numbers
    expect(page.get_by_test_id("stMetricValue").first).to_be_visible(timeout=60_000)
    values = page.get_by_test_id("stMetricValue").all_inner_texts()
    assert any(any(ch.isdigit() for ch in value) for value in values), values
    if key_metric:
        assert any(ch.isdigit() for ch in metric_value(page, key_metric))


def test_changing_the_month_on_the_monthly_review_changes_the_numbers(page, server_url):
    open_app(page, server_url, path="")
    october = metric_value(page, "Attainment")
    choose(page, "Month", "September 2026")
    expect(page.get_by_text("Monthly review: September 2026")).to_be_visible()
    assert "month=2026-09" in page.url
    changed_metric_value(page, "Attainment", october)


def test_moving_the_threshold_in_the_scoring_lab_changes_mql_volume(page, server_url):
    open_app(page, server_url, path="scoring_lab")
    before = int(metric_value(page, "MQLs").replace(",", ""))
    slider = page.get_by_test_id("stSlider").filter(has_text="MQL threshold (proposed)").get_by_role("slider")
    slider.focus()
    for _ in range(10):
        page.keyboard.press("ArrowRight")  # a higher threshold lets fewer leads through
    after = int(changed_metric_value(page, "MQLs", f"{before:,}").replace(",", ""))
    assert after < before
