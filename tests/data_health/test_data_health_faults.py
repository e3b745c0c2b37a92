"""Fault injection: every bad case of tests/faults.py, built from a small generated sample.

For each case: `validate` reports exactly the expected findings (check, table, column, count,
severity) and nothing else; `python -m dashboard validate` exits 0 / 1 / 2 accordingly; and
every page of the app renders without an exception, the Data health page with the case's
message and the other pages with the error banner (or the config problem) where the data
has errors.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.cli import main
from dashboard.tools.generate import generate
from dashboard.data_health.cache import PAGE_TABLES, banner_text
from dashboard.data_health.checks import validate_config_file
from tests.companies.faults import FAULTS, BuiltFault, Fault, build

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
# Every page registered in the app (path: title), including pages added after this test was written.
PAGES = dict(re.findall(r'st\.Page\(\s*"(app_pages/[^"]+\.py)",\s*title="([^"]+)"', APP.read_text(encoding="utf-8")))
HEALTH_PAGE = "app_pages/data_health.py"


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("sample") / "clean"
    generate(folder, leads=2000)
    return folder


@pytest.fixture(scope="module")
def built_faults(sample, tmp_path_factory) -> dict[str, BuiltFault]:
    root = tmp_path_factory.mktemp("faults")
    return {fault.name: build(fault, sample, root) for fault in FAULTS}


def unescaped(text: str) -> str:
    """Markdown as it reads on screen: data values are backslash-escaped before display, with an
    invisible word joiner after characters that would start a link or an icon."""
    return re.sub(r"\\(.)", r"\1", text).replace("\u2060", "")


def page_texts(app: AppTest) -> list[str]:
    elements = [*app.markdown, *app.caption, *app.error, *app.warning, *app.info, *app.success]
    return [unescaped(element.value) for element in elements]


def sidebar_health_label(app: AppTest) -> str:
    labels = [link.proto.label for link in app.sidebar.get("page_link") if link.proto.label.startswith("Data health")]
    return labels[0] if labels else ""


def test_there_are_at_least_25_bad_cases_and_every_page_is_covered():
    assert len(FAULTS) >= 25
    assert HEALTH_PAGE in PAGES and "app_pages/funnel.py" in PAGES


def test_the_clean_sample_passes_every_check(sample, tmp_path, capsys):
    built = build(Fault("clean", (), 0, ""), sample, tmp_path)
    report = validate_config_file(built.config_path)
    assert report.findings == ()
    assert len(report.passed_checks) == len(report.checks_run) >= 24
    assert main(["validate", "--config", str(built.config_path)]) == 0
    assert "0 errors, 0 warnings" in capsys.readouterr().out


@pytest.mark.parametrize("fault", FAULTS, ids=[fault.name for fault in FAULTS])
def test_validate_reports_exactly_the_fault_and_exits_with_its_code(fault, built_faults, capsys):
    built = built_faults[fault.name]
    code = main(["validate", "--config", str(built.config_path), "--json"])
    report = json.loads(capsys.readouterr().out)
    found = {(f["check"], f["table"], f["column"]): f for f in report["findings"]}
    expected = {(e.check, e.table, e.column): e for e in fault.expected if built.expected_count(e) != 0}
    assert set(found) == set(expected), [f["message"] for f in report["findings"]]
    for key, expect in expected.items():
        assert found[key]["count"] == built.expected_count(expect), found[key]["message"]
        assert found[key]["severity"] == expect.severity
    assert any(fault.page_text in finding["message"] for finding in report["findings"]) or not fault.expected
    assert code == report["exit_code"] == fault.exit_code


# Every page for every fault takes minutes (the review page alone computes a whole month); so
# every fault runs the Data health and Funnel pages, and every registered page runs on one fault
# of each kind of broken state: nothing readable, a table missing, a column missing, a required
# column unreadable, a damaged file, duplicates everywhere, an as-of date in 2062, no won deals at all, an empty
# table, an unknown rep, an unusable config. SLA_FAULTS_ALL_PAGES=1 runs every page for every fault.
EVERY_PAGE_FAULTS = {
    "no_data_folder", "empty_folder", "renamed_column", "amount_as_text", "sessions_as_text", "damaged_touches_pages",
    "empty_table", "rerun_export_in_glob", "year_typo_2062", "stage_renamed_by_crm", "rep_missing_from_reps",
    "config_syntax_error",
}


def pages_for(fault: Fault) -> dict[str, str]:
    if fault.name in EVERY_PAGE_FAULTS or os.environ.get("SLA_FAULTS_ALL_PAGES") == "1":
        return PAGES
    return {page: title for page, title in PAGES.items() if page in (HEALTH_PAGE, "app_pages/funnel.py")}


@pytest.mark.parametrize("fault", FAULTS, ids=[fault.name for fault in FAULTS])
def test_pages_render_the_fault_without_a_traceback_and_say_what_is_wrong(fault, built_faults, monkeypatch):
    built = built_faults[fault.name]
    report = validate_config_file(built.config_path)
    monkeypatch.setenv("SLA_CONFIG", str(built.config_path))
    app = AppTest.from_file(str(APP), default_timeout=60)
    for page, title in pages_for(fault).items():
        app.switch_page(page).run()
        assert not app.exception, f"{page}: {[e.value for e in app.exception]}"
        texts = page_texts(app)
        if page == HEALTH_PAGE:
            assert any(fault.page_text in text for text in texts), f"{fault.page_text!r} not on the Data health page"
            continue
        banner = any("The data behind this page has" in text for text in texts)
        label = sidebar_health_label(app)
        if not fault.banner:  # the config cannot be used: every page says so, naming the key
            assert any("The SLA config cannot be used" in text for text in texts), f"{page}: config problem not shown"
            key = fault.expected[0].column
            assert key is None or any(key in text for text in texts), f"{page}: {key} not named"
            continue
        assert banner == bool(banner_text(report, PAGE_TABLES.get(title))), f"{page}: banner {banner}"
        assert ("error" in label) == (fault.exit_code == 2) and ("warning" in label) == bool(report.warnings), label
