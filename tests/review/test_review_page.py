"""The monthly review page (AppTest), `python -m dashboard kpis` and `python -m dashboard report`:
they render, read the URL, react to the month picker, and agree with each other."""

import base64
import gzip
import html
import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.core import formatting
from dashboard.cli import main
from dashboard.review.view import signed_money
from tests.companies.review_company import write_reset_company

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


@pytest.fixture
def reset_config(tmp_path, monkeypatch):
    path = write_reset_company(tmp_path / "extracts")
    monkeypatch.setenv("SLA_CONFIG", str(path))
    return path


def as_read(markdown: str) -> str:
    """Markdown as the screen shows it: text from the data is escaped (formatting.literal)."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


def run_review(query_params: dict | None = None, timeout: int = 30) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in (query_params or {}).items():
        app.query_params[key] = value
    return app.run()


def metrics(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def month_funnel(app: AppTest):
    """The month's funnel table: the first table with a Stage column (the period's comes second)."""
    return next(frame.value for frame in app.dataframe if "Stage" in frame.value.columns).set_index("Stage")


def records(app: AppTest):
    """The drill-down table: the last on the page."""
    return app.dataframe[-1].value


def test_the_review_is_the_default_page_and_opens_on_the_last_complete_month(reset_config):
    app = run_review()
    assert not app.exception
    assert app.title[0].value == "Monthly review: March 2026"  # April runs to the as-of date, 10 Apr
    values = metrics(app)
    assert values["Won in March"] == "$37k"  # D1 + D2 + D4
    assert values["Won to date"] == "$17k" and values["Pace to 31 Mar"] == "$44k"  # B since 16 March
    assert app.query_params["month"] == "2026-03"
    assert any("straddles" in markdown.value for markdown in app.markdown)
    assert not app.date_input  # the date range does not apply here
    assert any("picks its own month" in caption.value for caption in app.sidebar.caption)


def test_the_month_comes_from_the_url_and_the_picker_writes_it_back(reset_config):
    app = run_review({"month": "2026-02"})
    assert not app.exception
    assert app.selectbox(key="review_month").value.isoformat() == "2026-02-01"
    february = metrics(app)
    assert february["Won in February"] == "$0" and february["Attainment"] == "0.0 %"
    app.selectbox(key="review_month").select_index(0).run()  # newest first: April, to date
    assert not app.exception
    assert app.query_params["month"] == "2026-04"
    april = metrics(app)
    assert april["Won in April"] == "$4,000" and april != february
    assert app.title[0].value == "Monthly review: April 2026 (to date)"


def test_a_link_to_a_month_without_data_says_so_and_opens_the_default(reset_config):
    app = run_review({"month": "2031-01"})
    assert not app.exception
    assert app.title[0].value == "Monthly review: March 2026"
    assert any("2031-01" in as_read(info.value) for info in app.info)


def test_filters_change_the_funnel_but_not_the_company_quota(reset_config):
    app = run_review({"month": "2026-03", "channel": "paid"})
    assert not app.exception
    values = metrics(app)
    assert values["Won in March"] == "$37k"  # company-wide
    assert values["Won, filtered"] == "$10k"  # D1, whose lead came from paid
    funnel = month_funnel(app)
    assert funnel.loc["Leads", "Count"] == "2"


def test_the_scorecards_win_rate_states_its_counting_basis_beside_proposal_to_won(reset_config):
    app = run_review({"month": "2026-03"})
    assert not app.exception
    assert any(caption.value.startswith("Counting bases: win rate = deals won ÷ deals closed won or lost")
               for caption in app.caption)


def test_the_records_behind_a_count_open_from_the_picker_and_the_url(reset_config):
    app = run_review({"month": "2026-03"})
    assert sorted(records(app)["Deal"]) == ["D1", "D2", "D4"]  # won deals in March, the default
    app.selectbox(key="review_drill").select("lead:month").run()
    assert not app.exception
    assert len(records(app)) == 5
    assert app.query_params["drill"] == "lead:month"
    again = run_review({"month": "2026-03", "drill": "pipeline:cutoff"})
    assert sorted(records(again)["Deal"]) == ["D3", "D6"]


def test_page_kpis_and_report_agree_on_the_same_month(reset_config, tmp_path, capsys):
    assert main(["kpis", "--config", str(reset_config), "--month", "2026-03", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    out = tmp_path / "review.html"
    assert main(["report", "--config", str(reset_config), "--month", "2026-03", "--out", str(out)]) == 0
    report = out.read_text(encoding="utf-8")
    app = run_review({"month": "2026-03"})
    page = metrics(app)

    money = formatting.money
    expected = {
        "Won in March": money(payload["month_won_revenue_company"]),
        "Won to date": money(payload["won_to_date"]),
        "Attainment": formatting.pct(payload["attainment_rate"]),
        "Pace to 31 Mar": money(payload["quota_to_date"]),
        "Gap to pace": signed_money(payload["gap_to_pace"], "USD"),
        "Forecast to 30 Jun": money(payload["forecast"]["total"]),
    }
    assert expected == {label: page[label] for label in expected}
    assert expected["Won in March"] == "$37k" and expected["Gap to pace"] == "-$27k"
    for label, value in expected.items():
        assert f'<div class="label">{html.escape(label)}</div><div class="value">{html.escape(value)}</div>' in report

    funnel = month_funnel(app)["Count"]
    counts = [payload[key] for key in ("traffic", "leads", "mql", "sql", "proposals", "won")]
    assert list(funnel) == [formatting.count(value) for value in counts] == ["550", "5", "3", "2", "2", "3"]
    for value in funnel:
        assert f"<td>{value}</td>" in report
    page_text = " ".join(as_read(markdown.value) for markdown in app.markdown)
    for line in payload["headlines"]:
        assert line in page_text and html.escape(line) in report


def test_the_report_is_one_offline_file_with_every_value_escaped(reset_config, tmp_path, capsys):
    out = tmp_path / "review.html"
    assert main(["report", "--config", str(reset_config), "--month", "2026-03", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "wrote" in capsys.readouterr().out
    assert "Hand &amp; Co &lt;b&gt;" in text and "Hand & Co <b>" not in text  # the company name from the config
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", text)  # nothing fetched from anywhere
    # the library once, inlined gzip-compressed, and the three charts as JSON drawn by one loader
    assert text.count('id="plotly-js-gzip"') == 1 and text.count("Plotly.newPlot") == 1
    assert text.count('<div class="chart" data-figure=') == 3
    packed = re.search(r'id="plotly-js-gzip">([^<]+)<', text).group(1)
    assert b"plotly.js v" in gzip.decompress(base64.b64decode(packed))[:2000]
    assert len(text) < 2_500_000  # 4.9 MB before, with plotly.js uncompressed


def test_kpis_and_report_refuse_a_bad_month_with_a_message(reset_config, tmp_path, capsys):
    assert main(["kpis", "--config", str(reset_config), "--month", "2026-13"]) == 2
    assert "use YYYY-MM" in capsys.readouterr().err
    assert main(["report", "--config", str(reset_config), "--month", "2025-01", "--out", str(tmp_path / "r.html")]) == 2
    assert "2026-01 to 2026-04" in capsys.readouterr().err
    assert main(["report", "--config", str(reset_config), "--out", str(tmp_path / "missing" / "r.html")]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_the_review_renders_every_month_of_the_sample_and_the_numbers_move(monkeypatch):
    monkeypatch.delenv("SLA_CONFIG", raising=False)
    app = run_review(timeout=60)
    assert not app.exception
    assert app.title[0].value == "Monthly review: October 2026"  # the last complete month, as of 31 Oct
    picker = app.selectbox(key="review_month")
    seen = {}
    for month in picker.options:
        app.selectbox(key="review_month").set_value(month).run()
        assert not app.exception, month
        value = next(metric.value for metric in app.metric if metric.label.startswith("Won in "))
        seen[app.query_params["month"]] = value
    assert len(seen) == 22  # January 2025 to October 2026
    assert len(set(seen.values())) > 15  # won revenue differs from month to month


def test_the_date_range_is_left_out_on_the_review_and_kept_for_the_funnel(reset_config):
    import datetime as dt

    app = run_review({"month": "2026-03"})
    assert not app.date_input and "sla" not in [box.key for box in app.selectbox]
    assert "start" not in app.query_params and "sla" not in app.query_params
    app.switch_page("app_pages/funnel.py").run()
    assert not app.exception
    assert app.selectbox(key="sla").value == "B"  # in force on the as-of date, 10 Apr
    assert app.date_input(key="date_range").value == (dt.date(2026, 3, 16), dt.date(2026, 4, 10))
    app.date_input(key="date_range").set_value((dt.date(2026, 3, 1), dt.date(2026, 3, 31))).run()
    app.switch_page("app_pages/review.py").run()
    assert not app.exception and app.title[0].value == "Monthly review: March 2026"
    app.switch_page("app_pages/funnel.py").run()
    assert app.date_input(key="date_range").value == (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def test_the_records_read_as_on_the_cards_with_no_none_cells(reset_config):
    app = run_review({"month": "2026-03"})
    deals = records(app).set_index("Deal")
    assert deals.loc["D1", "Closed"].endswith("Mar 2026")  # a day, not a time to the second
    assert deals.loc["D1", "Amount"].startswith("$")
    assert "None" not in deals.to_numpy().ravel().tolist()
