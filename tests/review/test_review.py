"""The monthly review's data work on the hand-built company (tests/conftest.py) under the
SLA reset in the middle of March 2026 (tests/review_company.py); expected values by hand."""

import datetime as dt

import pytest

from dashboard.review import drilldown
from dashboard.review import data as review
from dashboard.data import date_range_params
from dashboard.funnel.domain import Filters
from tests.companies.review_company import reset_company  # noqa: F401  (fixture)

D = dt.date


def test_months_run_from_the_first_lead_to_the_as_of_date_and_default_to_the_last_complete(reset_company):  # noqa: F811
    months = review.review_months(reset_company)
    # first lead L7 on 5 Jan; latest event D6 won on 10 Apr, so April is not complete
    assert months.as_of == D(2026, 4, 10)
    assert months.months == (D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1), D(2026, 4, 1))
    assert months.default == D(2026, 3, 1)
    assert months.is_complete(D(2026, 3, 1)) and not months.is_complete(D(2026, 4, 1))


def test_march_straddles_the_reset_and_is_judged_by_the_version_in_force_on_the_31st(reset_company):  # noqa: F811
    r = review.monthly_review(reset_company, D(2026, 3, 1))
    assert r.sla.name == "B" and r.cutoff == D(2026, 3, 31) and r.is_complete
    assert [(s.sla.name, s.start, s.end) for s in r.spans] == [("A", D(2026, 3, 1), D(2026, 3, 15)),
                                                              ("B", D(2026, 3, 16), D(2026, 3, 31))]
    assert "straddles" in r.sla_statement and "1–15 Mar 2026 under A" in r.sla_statement
    att = r.attainment
    assert att.month_won == 37_000  # D2 20,000 (5 Mar, under A) + D1 10,000 + D4 7,000 (under B)
    assert att.month_quota == pytest.approx(93_750)  # 50,000 from A + 43,750 from B
    assert att.won_to_date == 17_000  # B's period so far, 16-31 March: D1 + D4
    assert att.quota_to_date == pytest.approx(43_750)
    assert att.gap == pytest.approx(-26_750)
    assert att.attainment_rate == pytest.approx(17_000 / 350_000)
    # 1 Apr - 91 days is before the data starts (January): no history, so the run rate:
    # 17,000 + 17,000 / 16 days × 91 days left
    assert att.forecast.method == "run rate" and att.forecast.total == pytest.approx(113_687.5)
    assert r.counts("month") == {"traffic": 550, "leads": 5, "mql": 3, "sql": 2, "proposals": 2, "won": 3}
    # period to date, 16-31 March: L3 and L8 created (L6 on the 15th was under A); no MQL (L5's was
    # on 11 Mar); L5's SQL on 20 Mar; D3's proposal on 28 Mar; D1 and D4 won; sessions on 31 Mar only
    assert r.counts("period") == {"traffic": 50, "leads": 2, "mql": 0, "sql": 1, "proposals": 1, "won": 2}
    sql = r.step("sql")
    assert sql.rate_from_previous == pytest.approx(2 / 3) and sql.target == 0.6 and sql.status == "on track"
    rows = {row.key: row for row in r.scorecard}
    assert rows["mqls"].target == pytest.approx(47) and rows["mqls"].status == "off track"  # 3 of 47
    assert rows["won_revenue"].target == pytest.approx(93_750) and rows["won_revenue"].last_month == 0
    assert rows["mql_to_sql_rate"].owner == "shared"  # listed by Shared and by the East sales team
    assert rows["mql_to_sql_rate"].last_month is None  # February had no MQLs to convert


def test_a_month_with_no_won_deals_has_zero_attainment_and_a_forecast_from_its_pipeline(reset_company):  # noqa: F811
    r = review.monthly_review(reset_company, D(2026, 2, 1))
    att = r.attainment
    assert r.sla.name == "A" and r.month_won_revenue == 0 and r.counts("month")["won"] == 0
    assert att.won_to_date == 0 and att.attainment_rate == 0
    assert att.quota_to_date == pytest.approx(200_000) and att.gap == pytest.approx(-200_000)
    fc = att.forecast
    # 15 days left to 15 March; windows start 14 Feb, 30 Jan and 15 Jan (1 Jan is the data's start).
    # Open on 1 March: D2 (20,000) and D4 (7,000) with proposals, D5 (3,000) without.
    # Nothing was won before March, so every past rate is 0 % and nothing is expected.
    assert fc.method == "pipeline" and fc.windows == 3 and fc.horizon_days == 15
    stages = {s.stage: s for s in fc.stages}
    assert (stages["proposal"].open_deals, stages["proposal"].open_amount) == (2, 27_000)
    assert (stages["no_proposal"].open_deals, stages["no_proposal"].open_amount) == (1, 3_000)
    assert stages["proposal"].win_rate == 0 and fc.total == 0
    assert r.pipeline_deals == 3


def test_a_running_month_is_reviewed_to_the_as_of_date_against_the_same_days_before(reset_company):  # noqa: F811
    r = review.monthly_review(reset_company, D(2026, 4, 1))
    att = r.attainment
    assert r.cutoff == D(2026, 4, 10) and not r.is_complete
    assert att.month_quota == pytest.approx(87_500 * 10 / 30)  # April's share to the 10th
    assert att.quota_to_date == pytest.approx(43_750 + 87_500 * 10 / 30)
    assert att.won_to_date == 21_000  # D1, D4 in March + D6 on 10 April
    rows = {row.key: row for row in r.scorecard}
    assert rows["won_revenue"].actual == 4_000 and rows["won_revenue"].last_month == 20_000  # 1-10 March: D2
    assert rows["mqls"].target == pytest.approx(62 * 10 / 30)
    assert any("1–10 March brought $20k" in line for line in r.headlines)
    # One window, 21 Jan - 11 Apr (81 days): nothing was open on 21 Jan; D2, D1, D4 and D6 were opened
    # and won inside it (41,000). Open now: D3 with a proposal (5,000), whose stage has no history.
    fc = att.forecast
    assert fc.windows == 1 and fc.new_deals_expected == 41_000 and fc.pipeline_expected == 0
    assert fc.total == pytest.approx(62_000)  # 21,000 + 0 + 41,000


def test_filters_apply_to_the_funnel_and_scorecard_but_not_the_company_quota(reset_company):  # noqa: F811
    r = review.monthly_review(reset_company, D(2026, 3, 1), Filters(channel="paid"))
    assert r.counts("month") == {"traffic": 200, "leads": 2, "mql": 2, "sql": 2, "proposals": 2, "won": 1}
    assert r.month_won_revenue == 10_000  # D1 only (L1 is paid)
    assert r.attainment.month_won == 37_000  # the quota is the company's
    rows = {row.key: row for row in r.scorecard}
    assert rows["mqls"].target is None and rows["mqls"].note == "company-wide target"
    assert rows["mql_to_sql_rate"].target == 0.6  # rates still apply to a slice
    assert any("ignore the filters" in note for note in r.notes)


def test_the_review_names_its_filters_as_the_config_does_and_its_payload_keeps_the_raw_value(reset_company):  # noqa: F811
    from dashboard.review.view import subtitle

    r = review.monthly_review(reset_company, D(2026, 3, 1), Filters(channel="paid"))
    assert r.filters_text == "Paid"  # no display name in the config: the value in words
    assert subtitle(r).endswith(" · Paid")
    assert review.review_payload(r)["filters"]["channel"] == "paid"


def test_a_month_outside_the_data_or_not_a_month_is_refused_with_the_range(reset_company):  # noqa: F811
    with pytest.raises(review.ReviewError, match="2026-01 to 2026-04"):
        review.monthly_review(reset_company, D(2025, 6, 1))
    with pytest.raises(review.ReviewError, match="YYYY-MM"):
        review.parse_month("June")


def test_trend_rates_end_with_the_months_funnel_and_carry_each_months_target(reset_company):  # noqa: F811
    r = review.monthly_review(reset_company, D(2026, 3, 1))
    march = r.trend[r.trend["month_start"] == D(2026, 3, 1)].set_index("kpi")
    assert march.loc["mql_to_sql_rate", "rate"] == pytest.approx(r.step("sql").rate_from_previous)
    assert march.loc["mql_to_sql_rate", "target"] == 0.6  # B's
    january = r.trend[r.trend["month_start"] == D(2026, 1, 1)].set_index("kpi")
    assert january.loc["mql_to_sql_rate", "target"] == 0.5  # A's
    durations = r.durations.set_index(["month_start", "transition"])["median_days"]
    assert durations[(D(2026, 3, 1), "deal_to_won")] == pytest.approx(43.0)  # 19, 43, 58.5 days


def test_cumulative_won_revenue_adds_up_to_won_to_date(reset_company):  # noqa: F811
    r = review.monthly_review(reset_company, D(2026, 3, 1))
    assert r.cumulative["day"].iloc[0] == D(2026, 3, 16) and r.cumulative["day"].iloc[-1] == D(2026, 3, 31)
    assert r.cumulative["cumulative_won"].iloc[-1] == 17_000
    assert r.goal["cumulative_goal"].iloc[-1] == pytest.approx(350_000)


def test_the_review_months_label_stays_inside_the_chart_in_the_periods_last_month(reset_company):  # noqa: F811
    import dataclasses

    from dashboard.review.charts import cumulative_figure

    def label_side(r):
        (band,) = [a for a in cumulative_figure(r).layout.annotations if a.text == "March"]
        return band.xanchor

    march = review.monthly_review(reset_company, D(2026, 3, 1))
    assert label_side(march) == "left"  # March 16 to the period's end on June 30: room to the right
    ending = dataclasses.replace(march.attainment, period_end=D(2026, 3, 31))
    assert label_side(dataclasses.replace(march, attainment=ending)) == "right"


def test_every_drill_down_lists_as_many_records_as_the_count_it_opens(reset_company):  # noqa: F811
    r = review.monthly_review(reset_company, D(2026, 3, 1))
    choices = review.drill_choices(r)
    assert {(c.key, c.scope) for c in choices} >= {("lead", "month"), ("won", "period"), ("pipeline", "cutoff")}
    for choice in choices:
        frame = drilldown.records(reset_company, choice.key, choice.start, choice.end, choice.filters)
        listed = frame["sessions"].sum() if choice.key == "traffic" else len(frame)  # traffic rows are daily totals
        assert listed == choice.count, choice.label
    won = drilldown.records(reset_company, "won", D(2026, 3, 1), D(2026, 3, 31))
    assert sorted(won["deal_id"]) == ["D1", "D2", "D4"] and set(won["owner_name"]) == {"Ada East", "Bo West"}
    # open at the end of March: D3 (proposal sent 28 Mar) and D6 (proposal only on 2 Apr)
    pipeline = drilldown.records(reset_company, "pipeline", D(2026, 3, 31), D(2026, 3, 31))
    assert dict(zip(pipeline["deal_id"], pipeline["is_proposal_sent_by_end"])) == {"D3": True, "D6": False}


def test_the_drill_down_shows_only_the_first_rows_but_downloads_all(reset_company):  # noqa: F811
    assert len(drilldown.records(reset_company, "lead", D(2026, 1, 1), D(2026, 4, 10), limit=3)) == 3
    assert len(drilldown.records(reset_company, "lead", D(2026, 1, 1), D(2026, 4, 10))) == 8
    assert drilldown.records(reset_company, "lead", D(2025, 1, 1), D(2025, 1, 31), limit=3).empty


def test_a_stage_outside_the_whitelist_cannot_be_drilled(reset_company):  # noqa: F811
    with pytest.raises(ValueError, match="choose one of traffic, lead"):
        drilldown.records(reset_company, "lead'; drop table leads; --", D(2026, 3, 1), D(2026, 3, 31))


COLUMNS = ["open_deals", "open_amount", "won_deals", "won_amount", "lost_deals", "open_deals_without_amount"]


def snapshots(database, moments, horizon_days) -> dict:
    rows = database.query("pipeline_snapshots", {"moments": moments, "horizon_days": horizon_days})
    return {(str(row.moment_at.date()), row.pipeline_stage): [int(getattr(row, c)) for c in COLUMNS]
            for row in rows.itertuples()}


def test_pipeline_snapshots_place_each_deal_where_it_stood_at_each_moment(reset_company):  # noqa: F811
    found = snapshots(reset_company, [dt.datetime(2026, 3, 15), dt.datetime(2026, 2, 12), dt.datetime(2026, 1, 1)], 31)
    # 15 Mar - 15 Apr: open with a proposal, D1 (10,000, won 25 Mar) and D4 (7,000, won 31 Mar);
    # without, D5 (3,000, lost on 15 Mar itself, so still open at 00:00, and lost inside the window)
    # and D6 (4,000, proposal on 2 Apr, won 10 Apr). D3 opened on 21 Mar and is not won: no row.
    # 12 Feb - 15 Mar: D2 (proposal 10 Feb) is open and won on 5 Mar; D4 (proposal 15 Feb) and D5
    # are open without one, and D5's loss at 00:00 on 15 Mar is the window's end, not inside it.
    # 1 Jan - 1 Feb: D2 and D5 open inside the window but neither closes in it, and D4 opens at its end.
    assert found == {
        ("2026-03-15", "proposal"): [2, 17_000, 2, 17_000, 0, 0],
        ("2026-03-15", "no_proposal"): [2, 7_000, 1, 4_000, 1, 0],
        ("2026-02-12", "proposal"): [1, 20_000, 1, 20_000, 0, 0],
        ("2026-02-12", "no_proposal"): [2, 10_000, 0, 0, 0, 0],
    }


def test_a_window_counts_what_opened_and_won_inside_it_and_none_is_the_pipeline_alone(reset_company):  # noqa: F811
    # opened and won inside 20 Jan - 11 Apr (81 days): D2 20,000, D1 10,000, D4 7,000, D6 4,000
    later = snapshots(reset_company, [dt.datetime(2026, 1, 20)], 81)
    assert later[("2026-01-20", "not_yet_created")] == [0, 0, 4, 41_000, 0, 0]
    # no window: the deals open at 00:00 on 15 Mar, nothing won or lost
    now = snapshots(reset_company, [dt.datetime(2026, 3, 15)], 0)
    assert now == {("2026-03-15", "proposal"): [2, 17_000, 0, 0, 0, 0],
                   ("2026-03-15", "no_proposal"): [2, 7_000, 0, 0, 0, 0]}


def test_won_revenue_by_day_and_data_starts(reset_company):  # noqa: F811
    daily = reset_company.query("won_revenue_by_day", date_range_params(D(2026, 3, 1), D(2026, 3, 31)))
    assert [(str(d.date()), float(v)) for d, v in zip(daily["closed_on"], daily["won_revenue"])] == [
        ("2026-03-05", 20_000.0), ("2026-03-25", 10_000.0), ("2026-03-31", 7_000.0)]
    starts = reset_company.query("data_starts").set_index("table_name")["earliest_at"]
    assert str(starts["leads"].date()) == "2026-01-05" and str(starts["traffic"].date()) == "2026-02-28"
    assert str(starts["deals"].date()) == "2026-03-05"


def test_the_payload_names_what_the_kpis_command_promises(reset_company):  # noqa: F811
    payload = review.review_payload(review.monthly_review(reset_company, D(2026, 3, 1)))
    for key in ("traffic", "leads", "mql", "sql", "proposals", "won", "won_revenue", "period_quota", "quota_to_date",
                "attainment_rate", "conversion_rates"):
        assert key in payload
    assert payload["conversion_rates"]["mql_to_sql_rate"] == {
        "from": "mql", "to": "sql", "rate": pytest.approx(2 / 3, abs=1e-6),
        "rate_from_first": pytest.approx(2 / 550, abs=1e-6), "target": 0.6, "status": "on track"}
    assert payload["period_quota"] == 350_000 and payload["quota_to_date"] == 43_750
    assert payload["sla_versions"] == [{"name": "A", "start": "2026-03-01", "end": "2026-03-15"},
                                       {"name": "B", "start": "2026-03-16", "end": "2026-03-31"}]


def test_the_period_month_by_month_owes_only_its_own_days(reset_company):  # noqa: F811
    r = review.monthly_review(reset_company, D(2026, 4, 1))
    rows = r.period_months.set_index("month_start")
    # B starts on 16 March: March owes 43,750 (its weight) and won D1 + D4; April runs to the 10th:
    # it owes 87,500 × 10/30 so far and won D6
    assert rows.loc[D(2026, 3, 1), "quota"] == pytest.approx(43_750)
    assert rows.loc[D(2026, 3, 1), "won_revenue"] == 17_000
    assert rows.loc[D(2026, 4, 1), "quota"] == pytest.approx(87_500 * 10 / 30)
    assert rows.loc[D(2026, 4, 1), "won_revenue"] == 4_000
    assert list(rows.index) == [D(2026, 3, 1), D(2026, 4, 1)]


def test_one_forecast_everywhere_and_the_run_rate_only_as_a_labelled_scenario(reset_company):  # noqa: F811
    from dashboard.review import view

    r = review.monthly_review(reset_company, D(2026, 4, 1))
    fc = r.attainment.forecast
    payload = review.review_payload(r)["forecast"]
    assert "run_rate_total" not in payload and payload["total"] == pytest.approx(62_000)
    assert payload["run_rate_scenario"]["total"] == pytest.approx(fc.run_rate_total)
    assert payload["run_rate_scenario"]["difference_from_forecast"] == pytest.approx(fc.run_rate_total - 62_000)
    table = view.forecast_table(r)
    assert table["Part"].iloc[-1] == "Run-rate scenario (not the forecast)"
    notes = view.forecast_notes(r)
    assert notes[0] == fc.explanation and notes[1].startswith("Run-rate scenario:")
    # the planner's comparison reads the same forecast
    assert review.period_forecast(reset_company, r.cutoff).total == pytest.approx(fc.total)
