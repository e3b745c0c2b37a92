"""AppTest smoke tests: the app renders, reads the URL and reacts to one interaction."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.companies.builders import build_database
from tests.companies.hand_built import DEALS, LEADS, REPS, TOUCHES, TRAFFIC

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


@pytest.fixture
def hand_built_config(tmp_path, monkeypatch):
    database = build_database(
        tmp_path / "extracts",
        {"reps": REPS, "leads": LEADS, "deals": DEALS, "traffic": TRAFFIC, "touches": TOUCHES},
    )
    database.close()
    monkeypatch.setenv("SLA_CONFIG", str(database.config.path))
    return database.config.path


FUNNEL_PAGE = "app_pages/funnel.py"  # the monthly review is the default page; these tests are the funnel's


def run_app(query_params: dict | None = None, page: str | None = FUNNEL_PAGE) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=30)
    for key, value in (query_params or {}).items():
        app.query_params[key] = value
    if page:
        app.switch_page(page)
    return app.run()


def metric_values(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def test_funnel_page_shows_the_hand_built_march_funnel_from_the_url(hand_built_config):
    app = run_app({"start": "2026-03-01", "end": "2026-03-31"})
    assert not app.exception
    values = metric_values(app)
    assert (values["Sessions"], values["Leads"], values["MQLs"], values["SQLs"], values["Won deals"]) == (
        "550", "5", "3", "2", "3")
    assert values["Won revenue"] == "$37k"
    assert app.query_params["start"] == "2026-03-01" and app.query_params["end"] == "2026-03-31"


def test_choosing_a_channel_changes_the_numbers_and_the_url(hand_built_config):
    app = run_app({"start": "2026-03-01", "end": "2026-03-31"})
    app.selectbox(key="channel").select("paid").run()
    assert not app.exception
    assert metric_values(app)["Leads"] == "2"
    assert app.query_params["channel"] == "paid"


def test_cohort_view_is_labelled_and_flags_immaturity(hand_built_config):
    app = run_app({"start": "2026-03-01", "end": "2026-03-31", "view": "cohort"})
    assert not app.exception
    assert app.radio(key="funnel_view").value == "cohort"
    assert any("still maturing" in warning.value for warning in app.warning)


def test_a_broken_config_shows_its_problems_instead_of_a_traceback(hand_built_config):
    hand_built_config.write_text(hand_built_config.read_text().replace("quota = 1200000", "quota = -1"))
    app = run_app()
    assert not app.exception
    assert any("cannot be used" in error.value for error in app.error)
    assert any("quota" in markdown.value for markdown in app.markdown)


def test_the_app_runs_out_of_the_box_on_the_committed_sample(monkeypatch):
    monkeypatch.delenv("SLA_CONFIG", raising=False)
    app = run_app()
    assert not app.exception
    values = metric_values(app)
    assert int(values["Leads"].replace(",", "")) > 0
    assert values["Won revenue"].startswith("$")
    assert app.selectbox(key="sla").value == "FY2026 H2"  # in force on the data's as-of date


def journey_labels(app: AppTest) -> list[str]:
    import json

    charts = [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]
    sankey = next(chart for chart in charts if chart["data"] and chart["data"][0]["type"] == "sankey")
    return sankey["data"][0]["node"]["label"]


def test_the_lead_journey_follows_the_filters(hand_built_config):
    # March's leads L2, L3, L5, L6, L8 as of 10 Apr: L2 and L8 MQLs still open, L5 at proposal (D3 open),
    # L3 and L6 never handed off; paid: L5 and L6.
    app = run_app({"start": "2026-03-01", "end": "2026-03-31"})
    assert not app.exception
    assert journey_labels(app) == ["Leads (5)", "MQLs (3)", "Not handed off (with marketing) (2)", "SQLs (1)",
                                   "Still open (3)", "Proposals (1)"]
    assert any(button.label == "Download lead journey (CSV)" for button in app.get("download_button"))
    app.selectbox(key="channel").select("paid").run()
    assert journey_labels(app) == ["Leads (2)", "MQLs (1)", "Not handed off (with marketing) (1)", "SQLs (1)",
                                   "Proposals (1)", "Still open (1)"]
    app.toggle(key="journey_from_hand_off").set_value(True).run()
    assert journey_labels(app)[0] == "MQLs (1)"


def test_a_one_month_range_shows_its_volumes_as_a_table_not_one_dot_lines(hand_built_config):
    app = run_app({"start": "2026-03-01", "end": "2026-03-31"})
    volumes = next(frame.value for frame in app.dataframe if "Proposals" in frame.value.columns
                   and "Stage" not in frame.value.columns)
    # March as on the cards; proposals sent in March: D1 and D3 (D2's and D4's were in February)
    assert volumes.iloc[0].to_dict() == {"Leads": "5", "MQLs": "3", "SQLs": "2", "Proposals": "2", "Won deals": "3"}
    assert any(m.value == "**Stage volume in March 2026**" for m in app.markdown)


def status_cells(app: AppTest) -> dict[str, tuple[str, str]]:
    """The funnel table's Status cells by stage: (status, the cell's CSS as the page styles it)."""
    import re

    frame = next(f for f in app.dataframe if "Status" in f.value.columns and "Stage" in f.value.columns)
    status_column = list(frame.value.columns).index("Status")
    css = {}
    # a rule shared by several cells ("#row2_col7, #row3_col7 { ... }") applies to each of them
    for block in re.findall(r"([^{}]+)\{([^}]*)\}", frame.proto.arrow_data.styler.styles):
        for row in re.findall(r"_row(\d+)_col" + str(status_column) + r"\b", block[0]):
            css[int(row)] = block[1].strip()
    return {stage: (status, css.get(index, "")) for index, (stage, status)
            in enumerate(zip(frame.value["Stage"], frame.value["Status"]))}


def test_the_funnel_table_colours_its_statuses_as_the_review_does(hand_built_config):
    from dashboard.core.formatting import STATUS_STYLES

    app = run_app({"start": "2026-03-01", "end": "2026-03-31", "view": "cohort"})
    assert not app.exception
    cells = status_cells(app)
    assert cells["MQLs"][0] == "on track" and STATUS_STYLES["on track"][0] in cells["MQLs"][1]
    # a cohort stage still maturing makes no judgement: grey, with its reason under the table
    assert cells["SQLs"][0] == "maturing" and STATUS_STYLES["maturing"][0] in cells["SQLs"][1]
    assert any(caption.value.startswith("MQL → SQL: maturing, ") for caption in app.caption)
    # a stage without a target has no status and no colour
    assert cells["Sessions"] == ("", "")


def test_the_win_rate_beside_proposal_to_won_states_both_counting_bases(hand_built_config):
    app = run_app({"start": "2026-03-01", "end": "2026-03-31"})
    assert not app.exception
    assert any(caption.value.startswith("Counting bases: win rate = deals won ÷ deals closed won or lost")
               for caption in app.caption)

