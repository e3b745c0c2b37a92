"""The SLA versions page (AppTest) on the committed sample: H1 against H2 by default, the pair
from a shared URL, changed items highlighted, results for both."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


def run_page(query_params: dict | None = None) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    for key, value in (query_params or {}).items():
        app.query_params[key] = value
    app.switch_page("app_pages/sla_versions.py")
    return app.run()


def test_the_version_in_force_is_compared_with_the_one_before(monkeypatch):
    monkeypatch.delenv("SLA_CONFIG", raising=False)
    app = run_page()
    assert not app.exception
    assert app.selectbox(key="versions_first").value == "FY2026 H1"
    assert app.selectbox(key="versions_second").value == "FY2026 H2"
    assert app.query_params["versions"] == "FY2026 H1,FY2026 H2"
    # the definitions are a static table, whose long cells wrap instead of being cut off at 1440 px
    assert len(app.table) == 1 and len(app.dataframe) == 1
    definitions, results = app.table[0].value, app.dataframe[0].value
    definitions = definitions.data if hasattr(definitions, "data") else definitions  # a Styler
    changed = definitions.set_index("Item")
    assert changed.loc["MQL threshold", ["FY2026 H1", "FY2026 H2", "Change"]].tolist() == ["50", "60", "changed"]
    assert changed.loc["First touch within", "Change"] == "changed"
    results = (results.data if hasattr(results, "data") else results).set_index("Measure")
    assert results.loc["Lead → MQL", "FY2026 H1 target"] == "25.0 %" and results.loc["Lead → MQL", "FY2026 H2 target"] == "22.0 %"
    assert results.loc["MQLs (a month)", "FY2026 H2 target"] == "620"
    assert results.loc["Lead → MQL", "FY2026 H2 status"] in ("on track", "at risk", "off track")


def test_a_shared_url_opens_the_same_pair(monkeypatch):
    monkeypatch.delenv("SLA_CONFIG", raising=False)
    app = run_page({"versions": "FY2025,FY2026 H2"})
    assert not app.exception
    assert (app.selectbox(key="versions_first").value, app.selectbox(key="versions_second").value) == (
        "FY2025", "FY2026 H2")
