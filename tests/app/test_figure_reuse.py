"""A rerun of any page draws the figures it built the first time (dashboard/ui/figures.py): no
figure is built twice for the same data, and what a rerun draws is what a fresh build draws."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

from dashboard.ui.figures import FIGURES

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
PAGES_WITH_CHARTS = ("app_pages/review.py", "app_pages/funnel.py", "app_pages/team_kpis.py",
                     "app_pages/compliance.py", "app_pages/planner.py", "app_pages/scoring_lab.py",
                     "app_pages/data_health.py")


def chart_specs(app: AppTest) -> list[str]:
    return [element.proto.spec for element in app.get("plotly_chart")]


def test_a_rerun_of_every_page_builds_no_figure_and_draws_the_same_charts():
    app = AppTest.from_file(APP, default_timeout=120)
    for page in PAGES_WITH_CHARTS:
        app.switch_page(page).run()
        assert not app.exception, f"{page}: {[error.value for error in app.exception]}"
        first, built = chart_specs(app), len(FIGURES)
        assert first, f"{page} draws no chart"
        app.run()
        assert len(FIGURES) == built, f"{page}: a rerun built figures again"
        assert chart_specs(app) == first, f"{page}: a rerun drew other charts"
