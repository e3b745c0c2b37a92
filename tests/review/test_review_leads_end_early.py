"""The monthly review of a company whose leads extract stops months before its deals (AppTest and
the HTML report): the headlines never state a figure the data-health finding undermines, the
finding is said next to the figures, and no figure it undermines gets a traffic light."""

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.core.config import load_config
from dashboard.data import Database
from dashboard.data_health.checks import validate
from dashboard.review import data as review_data
from dashboard.review.report import render_report
from tests.companies.early_leads_company import LEADS_END, write_early_leads_company

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
FINDING = f"The leads extract ends {LEADS_END}, 125 days before the as-of date"


@pytest.fixture
def early_leads_config(tmp_path, monkeypatch):
    path = write_early_leads_company(tmp_path / "extracts")
    monkeypatch.setenv("SLA_CONFIG", str(path))
    return path


def as_read(markdown: str) -> str:
    """Markdown as the screen shows it (text from the data is backslash-escaped)."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


def headline_lines(app: AppTest) -> list[str]:
    box = next(as_read(m.value) for m in app.markdown if m.value.startswith("**Headlines**"))
    return [line[2:] for line in box.splitlines()[1:]]


def test_the_review_headlines_state_only_what_the_leads_extract_supports(early_leads_config):
    app = AppTest.from_file(APP, default_timeout=60).run()
    assert not app.exception
    assert app.title[0].value == "Monthly review: May 2026"
    lines = headline_lines(app)
    assert lines and any("$50k" in line for line in lines)  # won revenue comes from deals, which are complete
    for line in lines:
        assert not re.search(r"\blead|\bMQL|\bSQL", line, re.IGNORECASE), line
    # The finding sits by the headlines, the funnel and the scorecard.
    warnings = [as_read(w.value) for w in app.warning]
    assert sum(FINDING in w for w in warnings) == 3


def test_no_traffic_light_on_a_figure_the_finding_undermines(early_leads_config):
    app = AppTest.from_file(APP, default_timeout=60).run()
    assert not app.exception
    scorecard = next(f.value for f in app.dataframe if "KPI" in f.value.columns).set_index("KPI")
    for kpi in ("Leads", "MQLs"):  # 0 in May only because the extract stops in February
        assert scorecard.loc[kpi, "Status"] == "n/a", scorecard.loc[kpi].to_dict()
        assert scorecard.loc[kpi, "Note"] == f"incomplete: the leads extract ends {LEADS_END}"
    assert scorecard.loc["Won revenue", "Status"] == "off track"  # $50k of $100k: deals are complete
    assert scorecard.loc["Win rate", "Status"] == "on track"
    period = [f.value for f in app.dataframe if "Stage" in f.value.columns][1].set_index("Stage")
    assert period.loc["MQLs", "Status"] == "n/a" and period.loc["SQLs", "Status"] == "n/a"
    captions = [as_read(c.value) for c in app.caption]
    assert f"MQLs: n/a, incomplete: the leads extract ends {LEADS_END}." in captions


def test_the_html_report_judges_the_same_way(early_leads_config):
    database = Database(load_config(early_leads_config))
    try:
        review = review_data.monthly_review(database, review_data.review_months(database).default)
        html = render_report(review, validate(database))
    finally:
        database.close()
    assert html.count(FINDING) == 3
    headlines = html[html.index('<ul class="headlines">'):html.index("</ul>")]
    assert "MQL" not in headlines and "lead" not in headlines.lower()
    scorecard = html[html.index("KPI scorecard"):html.index("Trends")]
    assert "off track" in scorecard  # won revenue
    assert f"incomplete: the leads extract ends {LEADS_END}" in scorecard
    mqls_row = scorecard[scorecard.index("<td>MQLs</td>"):]
    assert "off track" not in mqls_row[:mqls_row.index("</tr>")]
