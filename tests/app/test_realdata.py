"""Acceptance: the dashboard on two real public CRM exports, loaded with only a config mapping.

The exports live outside the repository in `../shared/realdata` (see its README) and are
never copied in, so this module is skipped in a clone that does not have them beside it.

Every expected number was counted from the CSVs with Python's csv module (and the channel
count again with awk), never by running the dashboard, for example:

    rows = list(csv.DictReader(open(path, newline="", encoding="utf-8")))
    sum(int(r["close_value"]) for r in rows if r["deal_stage"] == "Won")
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dashboard.funnel import data as metrics
from dashboard.core.config import load_config
from dashboard.data import Database
from dashboard.funnel.domain import NOT_TRACKED, Filters

REPO = Path(__file__).resolve().parents[2]
REALDATA = REPO.parent / "shared" / "realdata"
CONFIGS = REPO / "configs"

pytestmark = pytest.mark.skipif(
    not REALDATA.is_dir(), reason=f"real-data exports not found at {REALDATA} (needs ../shared/realdata beside the repo)",
)

# Wide enough for every event in each export: Olist MQLs run 2017-06-14 .. 2018-05-31 and
# their deals close 2017-12-05 .. 2018-11-14; Maven engages from 2016-10-20 and closes
# 2017-03-01 .. 2017-12-31.
OLIST_PERIOD = (dt.date(2017, 6, 1), dt.date(2018, 11, 30))
MAVEN_PERIOD = (dt.date(2016, 10, 1), dt.date(2017, 12, 31))


def open_database(config_name: str) -> Database:
    database = Database(load_config(CONFIGS / config_name))
    yield database
    database.close()


@pytest.fixture(scope="module")
def olist():
    yield from open_database("olist.toml")


@pytest.fixture(scope="module")
def maven():
    yield from open_database("maven.toml")


def steps_by_stage(result: metrics.FunnelResult) -> dict:
    return {step.stage: step for step in result.steps}


# --- Olist marketing funnel ------------------------------------------------------------


def test_olist_loads_without_mapping_problems(olist):
    assert olist.catalog.problems == []


def test_olist_funnel_counts_every_mql_and_won_deal(olist):
    steps = steps_by_stage(metrics.funnel(olist, *OLIST_PERIOD))
    # 8,000 data rows in the MQL file (8,000 distinct mql_id); 842 rows in the deals file,
    # every one joined to an MQL by mql_id.
    assert steps["mql"].count == 8000
    assert steps["won"].count == 842
    # With SQL and proposal untracked, won is measured straight from MQL: 842 / 8000.
    assert steps["won"].previous_stage == "mql"
    assert steps["won"].rate_from_previous == pytest.approx(842 / 8000)  # 10.525 %


def test_olist_stages_it_lacks_are_not_tracked_never_zero(olist):
    steps = steps_by_stage(metrics.funnel(olist, *OLIST_PERIOD))
    for stage in ("traffic", "lead", "sql", "proposal"):
        assert steps[stage].count is None and steps[stage].note == NOT_TRACKED, stage
    monthly = metrics.monthly_funnel(olist, *OLIST_PERIOD)
    assert monthly["leads"].isna().all() and monthly["sessions"].isna().all()
    assert monthly["mqls"].sum() == 8000 and monthly["won"].sum() == 842


def test_olist_revenue_is_not_tracked_rather_than_zero(olist):
    # declared_monthly_revenue is deliberately unmapped (non-zero on only 45 of 842 rows)
    summary = metrics.revenue_summary(olist, *OLIST_PERIOD)
    assert summary.won_revenue is None and summary.avg_deal_size is None
    assert summary.won_deals == 842


def test_olist_channel_filter(olist):
    # origin == "paid_search": 1,586 MQL rows, counted with
    #   awk -F, 'NR>1 { sub(/\r$/, "", $4); if ($4 == "paid_search") n++ } END { print n }'
    # and again with csv.DictReader; 195 of the 842 deals join to a paid_search MQL.
    steps = steps_by_stage(metrics.funnel(olist, *OLIST_PERIOD, Filters(channel="paid_search")))
    assert steps["mql"].count == 1586
    assert steps["won"].count == 195


def test_olist_blank_origins_are_no_channel_not_an_empty_channel(olist):
    # 60 MQLs have a blank origin; they must not appear as a "" channel to filter by
    channels = metrics.filter_values(olist)["channel"]
    assert "" not in channels and "paid_search" in channels and len(channels) == 10


def test_olist_deal_won_before_its_first_contact_is_set_apart(olist):
    # One deal's won_date precedes its MQL's first_contact_date (the README warns of this)
    durations = metrics.stage_durations(olist, *OLIST_PERIOD).set_index("transition")
    assert "lead_to_won" not in durations.index  # leads are not tracked: first contact is the MQL
    assert durations.loc["mql_to_won", "out_of_order_count"] == 1
    assert durations.loc["mql_to_won", "records"] == 841


# --- Maven CRM sales opportunities ------------------------------------------------------


def test_maven_loads_without_mapping_problems(maven):
    assert maven.catalog.problems == []


def test_maven_won_and_lost_deals_and_revenue(maven):
    summary = metrics.revenue_summary(maven, *MAVEN_PERIOD)
    # deal_stage: Won 4,238 rows, Lost 2,473; close_value summed over the Won rows.
    assert summary.won_deals == 4238
    assert summary.lost_deals == 2473
    assert summary.won_revenue == 10_005_534
    assert summary.won_deals_without_amount == 0
    assert summary.win_rate == pytest.approx(4238 / (4238 + 2473))
    assert summary.avg_deal_size == pytest.approx(10_005_534 / 4238)


def test_maven_stages_it_lacks_are_not_tracked_never_zero(maven):
    steps = steps_by_stage(metrics.funnel(maven, *MAVEN_PERIOD))
    for stage in ("traffic", "lead", "mql", "sql", "proposal"):
        assert steps[stage].count is None and steps[stage].note == NOT_TRACKED, stage
    assert steps["won"].count == 4238


def test_maven_team_filter_uses_the_regional_office(maven):
    # West office (sales_teams.csv) agents: 1,438 Won rows worth 3,568,647, and 811 Lost
    summary = metrics.revenue_summary(maven, *MAVEN_PERIOD, Filters(team="West"))
    assert (summary.won_deals, summary.lost_deals, summary.won_revenue) == (1438, 811, 3_568_647)


@pytest.mark.parametrize("config_name, won_deals, won_revenue, win_rate", [
    ("maven.toml", "4,238", "$10.01M", "63.2 %"),
    ("olist.toml", "842", "not tracked", "not tracked"),
])
def test_the_funnel_page_shows_a_real_export(monkeypatch, config_name, won_deals, won_revenue, win_rate):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("SLA_CONFIG", str(REPO / "configs" / config_name))
    app = AppTest.from_file(str(REPO / "dashboard" / "app.py"), default_timeout=30).run()
    app.switch_page("app_pages/funnel.py").run()
    assert not app.exception
    values = {metric.label: metric.value for metric in app.metric}
    assert (values["Won deals"], values["Won revenue"], values["Win rate"]) == (won_deals, won_revenue, win_rate)
    assert values["Proposals"] == "—"
    assert any("not tracked" in caption.value for caption in app.caption)


# --- Maven's opportunity stage (issue 13, finding 6) ----------------------------------------
# Counted with pandas on sales_pipeline.csv (parse_dates engage_date, close_date):
#   d.engage_date.notna().sum()                                  -> 8,300 opportunities opened
#   ((d.deal_stage == "Engaging") & d.engage_date.notna()).sum() -> 1,589 still open
#   (d.deal_stage == "Prospecting").sum(), all without engage_date ->   500 open, undated


def test_maven_funnel_starts_at_its_8300_opportunities_with_the_open_ones_counted(maven):
    result = metrics.funnel(maven, *MAVEN_PERIOD)
    steps = steps_by_stage(result)
    assert steps["opportunity"].count == 8300
    assert (result.open_opportunities, result.undated_open_opportunities) == (1589, 500)
    # Won deals measured from the opportunities (no proposal stage): 4,238 / 8,300 = 51.06 %.
    assert steps["won"].previous_stage == "opportunity"
    assert steps["won"].rate_from_previous == pytest.approx(4238 / 8300)
    # The SLA sets no opportunity → won target: no status rather than a judgement.
    assert steps["won"].target is None and steps["won"].status is None
    monthly = metrics.monthly_funnel(maven, *MAVEN_PERIOD)
    assert monthly["opportunities"].sum() == 8300


def test_maven_planner_plans_won_deals_from_the_opportunities(tmp_path):
    from dashboard.planner.data import planner_inputs

    # As of 30 Jun 2017 the trailing six months are Jan .. Jun 2017: 4,007 opportunities engaged
    # and 1,785 deals won in them, 1,785 / 4,007 = 44.55 %; 4,007 / 6 = 667.8 opportunities a month.
    # Months from engagement to the win, over deals won Jul 2016 .. Jun 2017: 0: 27.96 %,
    # 1: 14.79 %, 2: 18.88 %, 3: 25.04 %, 4: 12.10 %, 5: 1.23 %.
    text = (CONFIGS / "maven.toml").read_text(encoding="utf-8")
    folder = (REALDATA / "maven-crm-sales-opportunities").as_posix()
    text = text.replace('folder = "../../shared/realdata/maven-crm-sales-opportunities"',
                        f'folder = "{folder}"\nas_of = 2017-06-30')
    config = tmp_path / "maven_mid_year.toml"
    config.write_text(text, encoding="utf-8")
    database = Database(load_config(config))
    try:
        inputs = planner_inputs(database, trailing_months=6)
    finally:
        database.close()
    rates = {(rate.from_stage, rate.stage): rate.observed for rate in inputs.rates}
    assert rates == {("opportunity", "won"): pytest.approx(1785 / 4007)}
    assert inputs.run_rate["opportunity"] == pytest.approx(4007 / 6)
    shares = inputs.lags["opportunity"].shares
    assert [round(share, 4) for share in shares] == [0.2796, 0.1479, 0.1888, 0.2504, 0.121, 0.0123]
