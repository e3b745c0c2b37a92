"""A data-health finding is shown next to the figures it affects, and the headlines never state
a figure it undermines: on the page's headlines and in the HTML report."""

import datetime as dt
from types import SimpleNamespace

from dashboard.review import data as review
from dashboard.review import view
from dashboard.review.health import health_notes
from dashboard.review.report import render_report
from tests.companies.review_company import reset_company  # noqa: F401  (fixture)

LEADS_END_EARLY = SimpleNamespace(table="leads", status="lags", latest_day=dt.date(2026, 2, 15), lag_days=54)


def test_a_table_that_ends_before_the_month_undermines_the_kpis_it_feeds():
    notes = health_notes([LEADS_END_EARLY, SimpleNamespace(table="deals", status="ok", latest_day=None, lag_days=0)],
                         dt.date(2026, 3, 31))
    assert {"leads", "mqls", "lead_to_mql_rate"} <= notes.undermined and "won_revenue" not in notes.undermined
    assert notes.notes == ("The leads extract ends 15 Feb 2026, 54 days before the as-of date: figures from it after "
                           "that day are incomplete and left out of the headlines (see Data health).",)
    assert health_notes([LEADS_END_EARLY], dt.date(2026, 1, 31)).undermined == frozenset()  # January is complete


def test_headlines_leave_out_what_a_finding_undermines(reset_company):  # noqa: F811
    r = review.monthly_review(reset_company, dt.date(2026, 3, 1))
    assert any("Lead → MQL" in line for line in r.headlines)
    lines = view.trusted_headlines(r, health_notes([LEADS_END_EARLY], r.cutoff).undermined)
    assert lines and not any("Lead → MQL" in line or "MQL" in line for line in lines)
    assert lines[0] == r.headlines[0]  # revenue comes from deals, which are complete


def test_the_html_report_carries_the_same_notes_and_headlines(reset_company):  # noqa: F811
    r = review.monthly_review(reset_company, dt.date(2026, 3, 1))
    health = SimpleNamespace(tables=(LEADS_END_EARLY,), findings=(), errors=[], warnings=[], checks_run=())
    html = render_report(r, health)
    assert html.count("The leads extract ends 15 Feb 2026") == 3  # by the headlines, the funnel and the scorecard
    headlines = html[html.index('<ul class="headlines">'):html.index("</ul>")]
    assert "Lead → MQL" not in headlines
