"""AppTest of the Team KPIs page as a signed-in rep (sign-in on: `[auth]` in the secrets, the rep
granted by the SLA config's `[access]`): the figures are the rep's own records, so the team's share
of the quota is not what they are measured against. The config sets no quota per rep: the page says
the team's quota is not theirs and passes no attainment judgement on their revenue or counts."""

import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "dashboard" / "app.py")
HANNAH = "hannah.schulz@northwind.example"  # R09, an AE of Sales West in the sample
ACCESS = """
[access]
contact = "Sales ops"
audit_log = "{audit}"

[[access.grants]]
role = "rep"
domains = ["northwind.example"]
"""


@pytest.fixture
def rep_config(tmp_path, monkeypatch):
    text = (REPO / "sla_config.toml").read_text(encoding="utf-8").replace(
        'folder = "data/sample"', f'folder = "{REPO / "data" / "sample"}"')
    config = tmp_path / "sla_config.toml"
    config.write_text(text + ACCESS.replace("{audit}", str(tmp_path / "audit.jsonl")), encoding="utf-8")
    monkeypatch.setenv("SLA_CONFIG", str(config))
    monkeypatch.setenv("SLA_CACHE_FOLDER", str(tmp_path / "cache"))
    return config


def signed_in_as(email: str, name: str) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=240)
    app.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 64,
                           "client_id": "sla", "client_secret": "s",
                           "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}
    app.user = {"is_logged_in": True, "email": email, "email_verified": True, "name": name, "iat": time.time()}
    for key, value in {"start": "2026-07-01", "end": "2026-09-30"}.items():
        app.query_params[key] = value
    return app


def test_a_reps_won_revenue_is_not_judged_against_the_teams_quota(rep_config):
    app = signed_in_as(HANNAH, "Hannah Schulz").run()
    # the monthly review first: the company's headlines, and no team filter (a rep has no team to pick)
    assert not app.exception and "Goal attainment" in [header.value for header in app.subheader]
    assert "Sales team" not in [box.label for box in app.selectbox]
    app.switch_page("app_pages/team_kpis.py")
    app.query_params["start"], app.query_params["end"] = "2026-07-01", "2026-09-30"
    app.run()
    assert not app.exception
    text = " ".join([*(element.value for element in app.markdown), *(element.value for element in app.info),
                     *(element.value for element in app.caption)])
    assert "Sales West's quota for the range" in text and "is the team's, not yours" in text
    assert "of the team's quota" not in text and "share of quota" not in text
    assert "Won revenue" in {metric.label for metric in app.metric}
    # no card, month or table compares the rep's revenue with a target: no target line reads a money figure
    assert not any(line.startswith("target $") for element in app.markdown for line in element.value.splitlines())
    assert not [frame for frame in app.dataframe if "quota" in frame.value.columns]


def test_an_sdrs_sql_to_proposal_is_not_measured_on_their_own_records(rep_config):
    """Sofia (R07, an SDR) owns leads, not deals: her SQLs' proposals are AEs' deals, so her own
    records read SQL → proposal 0 % "off track"; the page shows no figure and says why."""
    app = signed_in_as("sofia.alvarez@northwind.example", "Sofia Alvarez").run()
    app.switch_page("app_pages/team_kpis.py")
    app.query_params["start"], app.query_params["end"] = "2026-07-01", "2026-09-30"
    app.run()
    assert not app.exception
    cards = {metric.label: metric.value for metric in app.metric}
    assert cards["SQL → proposal"] == "—" and cards["MQL → SQL"] != "—"
    assert any("SQL → proposal is not measured on one rep's records" in info.value for info in app.info)
