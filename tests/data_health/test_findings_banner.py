"""Every page whose figures a data-health finding affects says so above them: a company whose leads
extract stops on 20 Feb 2026 while its deals run to 25 Jun 2026 (AppTest)."""

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.companies.early_leads_company import LEADS_END, write_early_leads_company

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
FINDING = f"The leads extract ends {LEADS_END}, 125 days before the as-of date: this page's figures from it"


@pytest.fixture
def early_leads_config(tmp_path, monkeypatch):
    path = write_early_leads_company(tmp_path / "extracts")
    monkeypatch.setenv("SLA_CONFIG", str(path))
    return path


def warnings(app: AppTest) -> list[str]:
    return [re.sub(r"\*\*", "", warning.value) for warning in app.warning]


@pytest.mark.parametrize("page", ["app_pages/funnel.py", "app_pages/team_kpis.py", "app_pages/compliance.py",
                                  "app_pages/planner.py"])
def test_a_page_reading_the_lagging_extract_says_its_figures_are_incomplete(early_leads_config, page):
    app = AppTest.from_file(APP, default_timeout=60)
    app.switch_page(page).run()
    assert not app.exception, [e.message for e in app.exception]
    assert sum(FINDING in warning for warning in warnings(app)) == 1, warnings(app)


def test_a_range_that_ends_before_the_extract_stops_has_no_such_warning(early_leads_config):
    # the scoring lab opens on the latest mature range, which here ends on 31 Jan 2026: no warning there
    lab = AppTest.from_file(APP, default_timeout=60)
    lab.switch_page("app_pages/scoring_lab.py").run()
    assert not lab.exception and lab.date_input(key="date_range").value[1].isoformat() == "2026-01-31"
    assert not any("extract ends" in warning for warning in warnings(lab))
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params.update({"start": "2026-01-01", "end": "2026-01-31"})
    app.switch_page("app_pages/funnel.py").run()
    assert not app.exception
    assert not any("extract ends" in warning for warning in warnings(app))


def test_the_review_says_it_beside_its_figures_not_in_a_banner_above_them(early_leads_config):
    app = AppTest.from_file(APP, default_timeout=60).run()
    assert not app.exception
    assert not any(FINDING in warning for warning in warnings(app))
