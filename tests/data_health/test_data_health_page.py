"""The Data health page and the shell's banner on the hand-built company with two faults: a
negative won amount (an error in deals) and a touch by a rep missing from reps (a warning)."""

import pytest
from streamlit.testing.v1 import AppTest

from tests.companies.builders import build_database
from tests.companies.hand_built import DEALS, LEADS, REPS, TOUCHES, TRAFFIC
from tests.data_health.test_data_health_faults import APP, HEALTH_PAGE, page_texts, sidebar_health_label


@pytest.fixture
def faulty_company(tmp_path, monkeypatch):
    deals = [dict(deal) for deal in DEALS]
    deals[0]["amount"] = -10000  # D1, won
    touches = TOUCHES + [{"touch_id": "T2", "lead_id": "L2", "rep_id": "R9", "touched_at": "2026-03-04 10:00"}]
    database = build_database(tmp_path / "extracts", {"reps": REPS, "leads": LEADS, "deals": deals,
                                                      "traffic": TRAFFIC, "touches": touches})
    database.close()
    monkeypatch.setenv("SLA_CONFIG", str(database.config.path))
    return database.config.path


def finding_headers(app: AppTest) -> list[str]:
    return [text for text in page_texts(app) if text.startswith((":red-badge[Error]", ":orange-badge[Warning]"))]


def test_the_page_lists_each_finding_with_what_to_do_and_filters_by_severity(faulty_company):
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.switch_page(HEALTH_PAGE).run()
    assert not app.exception
    metrics = {metric.label: metric.value for metric in app.metric}
    # the negative amount is the one error; the unknown rep R9 and the stale traffic (ends 04-01, as-of
    # 04-10: 9 days) and touches (T2 on 03-04: 37 days) are the warnings
    assert (metrics["Errors"], metrics["Warnings"]) == ("1", "3")
    assert metrics["Data as of"] == "10 Apr 2026"
    headers = finding_headers(app)
    assert headers[0] == ":red-badge[Error] **deals.amount**: won deals with a negative amount · 1 record"
    assert any("1 won deal(s) have a negative amount" in text for text in page_texts(app))
    assert sidebar_health_label(app) == "Data health: 1 error, 3 warnings"

    app.segmented_control(key="health_show").set_value("warnings").run()
    assert not app.exception
    assert [header.split("]")[0] for header in finding_headers(app)] == [":orange-badge[Warning"] * 3
    assert app.query_params["show"] == "warnings"


def test_the_selection_comes_from_the_url(faulty_company):
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.query_params["show"] = "all"
    app.query_params["table"] = "touches"
    app.switch_page(HEALTH_PAGE).run()
    assert not app.exception
    assert app.selectbox(key="health_table").value == "touches"
    headers = finding_headers(app)
    assert len(headers) == 2 and all("touches." in header for header in headers)


def test_a_page_whose_tables_have_errors_shows_the_banner_with_a_link(faulty_company):
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.switch_page("app_pages/funnel.py").run()
    assert not app.exception
    (banner,) = [warning.value for warning in app.warning if "The data behind this page" in warning.value]
    assert banner.startswith("**The data behind this page has 1 error**")
    assert "- **deals.amount**: won deals with a negative amount (1 record)" in banner
    links = [link.proto.label for link in app.get("page_link")]
    assert "See what is wrong and how to fix it on the Data health page" in links


def test_the_banner_names_only_contract_tables_and_check_phrases():
    from dashboard.data_health.cache import banner_text, status_label
    from dashboard.data_health.checks import ERROR, WARNING, Finding, ValidationReport

    findings = (
        Finding("duplicate_id", ERROR, "leads", "lead_id", 3, "<b>3 extra</b>"),
        Finding("wrong_type", ERROR, "touches", "touched_at", 1, "x"),
        Finding("orphan_lead", WARNING, "deals", "lead_id", 2, "y"),
    )
    report = ValidationReport(config_path=None, data_folder=None, as_of=None, as_of_source=None, data_span=None,
                              findings=findings)
    text = banner_text(report, ("traffic", "leads", "deals", "reps"))  # the funnel does not read touches
    assert text == ("**The data behind this page has 1 error**: numbers that use these tables cannot be trusted "
                    "until they are fixed.\n- **leads.lead_id**: duplicate rows (3 records)")
    assert "2 errors" in banner_text(report, None)  # a page that reads every table
    assert banner_text(report, ("deals",)) is None  # a warning alone shows no banner
    assert status_label(report) == ("Data health: 2 errors, 1 warning", ":material/error:")
    assert status_label(None, checking=True)[0] == "Checking data health…"


def test_text_from_the_data_is_escaped_for_markdown():
    from dashboard.core.formatting import literal

    assert literal("<script>alert(1)</script>") == "\\<script\\>alert\\(1\\)\\</script\\>"
    assert literal(":red[R$ 5] **x**\nnext") == "\\:\u2060red\\[R\\$ 5\\] \\*\\*x\\*\\* next"


def test_bare_urls_addresses_and_shortcodes_from_the_data_are_not_turned_into_links_or_icons():
    from dashboard.core.formatting import literal

    # Streamlit links https://..., www.... and a@b.co and draws :material/...: after parsing,
    # where backslashes no longer count; a word joiner (U+2060) breaks each pattern invisibly
    text = literal("https://evil.example www.evil.example a@b.co :material/home:")
    assert "://" not in text and "www\\." not in text and "@b" not in text and ":material" not in text
    assert text.replace("\u2060", "").replace("\\", "") == "https://evil.example www.evil.example a@b.co :material/home:"


def test_the_command_line_report_reads_as_text(tmp_path, capsys):
    from dashboard.cli import main

    database = build_database(tmp_path / "extracts", {"reps": REPS, "leads": LEADS + [LEADS[0]], "deals": DEALS,
                                                      "traffic": TRAFFIC, "touches": TOUCHES})
    database.close()
    code = main(["validate", "--config", str(database.config.path)])
    out = capsys.readouterr().out
    assert code == 2
    assert "1 error, 2 warnings; 25 of 27 checks passed" in out
    assert "ERROR  duplicate_id  leads.lead_id (1 record)" in out
    assert "    e.g. record=L1, detail=2 rows" in out
    assert "touches  lags" in out


def test_a_large_extract_draws_the_page_without_waiting_for_the_checks(faulty_company, monkeypatch):
    import time

    from dashboard.data_health import cache as health

    checks = health.validate

    def slow_checks(database):  # as the checks of ten million leads are
        time.sleep(3)
        return checks(database)

    monkeypatch.setattr(health, "validate", slow_checks)
    monkeypatch.setattr(health, "QUICKLY_CHECKED_BYTES", 0)  # every extract counts as large
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.switch_page("app_pages/funnel.py").run()
    assert not app.exception
    assert "Checking data health…" in [link.proto.label for link in app.sidebar.get("page_link")]
    assert not [warning for warning in app.warning if "The data behind this page" in warning.value]
    assert app.metric  # the page itself is drawn
