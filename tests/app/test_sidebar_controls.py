"""The sidebar draws only the controls a page reads, and keeps the others for the pages that do."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.funnel.test_funnel_page import hand_built_config  # noqa: F401  (fixture)

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


def sidebar_labels(app: AppTest) -> set[str]:
    return {box.label for box in app.sidebar.selectbox} | {box.label for box in app.sidebar.date_input}


@pytest.mark.parametrize("page, shown", [
    ("app_pages/funnel.py", {"SLA version", "Date range", "Channel", "Segment", "Sales team"}),
    ("app_pages/review.py", {"Channel", "Segment", "Sales team"}),
    ("app_pages/planner.py", {"Channel", "Segment", "Sales team"}),
    ("app_pages/scoring_lab.py", {"SLA version", "Date range", "Channel", "Segment"}),
    ("app_pages/data_health.py", set()),
])
def test_each_page_shows_only_the_sidebar_controls_it_reads(hand_built_config, page, shown):  # noqa: F811
    app = AppTest.from_file(APP, default_timeout=60)
    app.switch_page(page).run()
    assert not app.exception
    assert sidebar_labels(app) == shown


def test_a_filter_survives_a_page_that_does_not_draw_it(hand_built_config):  # noqa: F811
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params.update({"start": "2026-03-01", "end": "2026-03-31"})
    app.switch_page("app_pages/funnel.py").run()
    app.selectbox(key="channel").select("paid").run()
    app.selectbox(key="team").select(app.selectbox(key="team").options[1]).run()
    team = app.selectbox(key="team").value
    app.switch_page("app_pages/scoring_lab.py").run()
    assert not app.exception and "team" not in app.query_params
    app.switch_page("app_pages/data_health.py").run()
    assert "channel" not in app.query_params
    app.switch_page("app_pages/funnel.py").run()
    assert app.selectbox(key="channel").value == "paid" and app.selectbox(key="team").value == team
    assert app.query_params["channel"] == "paid"
