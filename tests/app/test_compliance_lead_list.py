"""The compliance page's lead list on the hand-built follow-up company (June 2026, as of
19 June; the expected leads are those of tests/compliance/test_follow_up.py): the list reads
only the rows it shows, so picking a status or a rep must change what it lists and what its
counts say, on the page as a user picks them."""

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.companies.follow_up_company import build_follow_up_company

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


@pytest.fixture
def follow_up_app(tmp_path, monkeypatch):
    database = build_follow_up_company(tmp_path / "extracts")
    database.close()
    monkeypatch.setenv("SLA_CONFIG", str(database.config.path))
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params["start"], app.query_params["end"] = "2026-06-01", "2026-06-30"
    app.switch_page("app_pages/compliance.py")
    return app.run()


def listed(app: AppTest) -> list[str]:
    """The leads of the "Every lead handed off" table (the only table with a status per lead)."""
    table = next(frame.value for frame in app.dataframe if "Status" in frame.value.columns)
    return table["Lead"].tolist()


def status_caption(app: AppTest) -> str:
    return next(caption.value for caption in app.caption if caption.value.startswith("met:"))


def test_the_list_shows_every_june_hand_off_newest_first_with_each_statuss_count(follow_up_app):
    app = follow_up_app
    assert not app.exception, app.exception
    # by hand-off time, newest first; L01 and L10 share 06-01 13:00 and go by lead id
    assert listed(app) == ["L07", "L05", "L16", "L13", "L06", "L09", "L08", "L02", "L11", "L03", "L04", "L01", "L10"]
    assert "never touched: **4**" in status_caption(app)


def test_picking_a_status_and_a_rep_lists_only_their_leads(follow_up_app):
    app = follow_up_app
    app.pills(key="compliance_status").set_value(["never touched"]).run()
    assert listed(app) == ["L16", "L13", "L06", "L10"]
    assert app.query_params["status"] in ("never touched", ["never touched"])  # shareable as a URL
    app.selectbox(key="compliance_rep").set_value("Ada").run()
    assert listed(app) == ["L16", "L13"]  # Ada (R1)'s never-touched leads
    assert "never touched: **2**" in status_caption(app)
    assert app.query_params["rep"] in ("Ada", ["Ada"])
    assert not app.exception, app.exception


def test_the_lead_without_an_owner_is_listed_under_unassigned(follow_up_app):
    app = follow_up_app
    app.selectbox(key="compliance_rep").set_value("(unassigned)").run()
    assert listed(app) == ["L11"]
    assert not app.exception, app.exception
