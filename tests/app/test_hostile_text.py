"""Every page on the hostile company, filtered by the hostile channel (from the URL, as a shared
link gives it): no text element carries the value's Markdown unescaped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.tools.generate import generate
from tests.companies.hostile import CHANNEL, DISPLAY_NAME, RAW_MARKERS, build_hostile, with_hostile_display_name

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
PAGES = re.findall(r'st\.Page\(\s*"([^"]+\.py)"', APP.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def hostile_config(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    generate(root / "clean", leads=2000)
    return build_hostile(root / "clean", root)


def rendered_texts(app: AppTest) -> list[str]:
    texts = [element.value for kind in ("markdown", "caption", "info", "warning", "error", "success", "title",
                                        "header", "subheader") for element in getattr(app, kind)]
    texts += [text for metric in app.metric for text in (metric.label, str(metric.value), metric.proto.help)]
    return texts


@pytest.mark.parametrize("page", PAGES)
def test_a_hostile_channel_is_shown_as_text_on_every_page(hostile_config, monkeypatch, page):
    monkeypatch.setenv("SLA_CONFIG", str(hostile_config))
    app = AppTest.from_file(str(APP), default_timeout=120)
    app.query_params["channel"] = CHANNEL
    app.switch_page(page).run()
    assert not app.exception, [e.message for e in app.exception]
    # data health and SLA versions read whole extracts: their sidebar has no filters
    if page not in ("app_pages/data_health.py", "app_pages/sla_versions.py"):
        assert app.sidebar.selectbox(key="channel").value == CHANNEL
    leaks = [text for text in rendered_texts(app) if any(marker in text for marker in RAW_MARKERS)]
    assert leaks == [], "\n".join(leaks)


FILTERED_PAGES = [page for page in PAGES if page not in ("app_pages/data_health.py", "app_pages/sla_versions.py")]


@pytest.mark.parametrize("page", FILTERED_PAGES)
def test_a_display_name_with_markdown_is_shown_as_text_in_the_sidebar_and_the_captions(hostile_config, monkeypatch,
                                                                                       page):
    monkeypatch.setenv("SLA_CONFIG", str(with_hostile_display_name(hostile_config)))
    app = AppTest.from_file(str(APP), default_timeout=120)
    app.query_params["channel"] = "paid_search"
    app.switch_page(page).run()
    assert not app.exception, [e.message for e in app.exception]
    box = app.sidebar.selectbox(key="channel")
    # the box's value and the link keep the raw value; its option reads the name, as plain text
    assert box.value == "paid_search" and app.query_params["channel"] == "paid_search"
    assert DISPLAY_NAME in box.options
    leaks = [text for text in rendered_texts(app) if any(marker in text for marker in RAW_MARKERS)]
    assert leaks == [], "\n".join(leaks)
    # the filter caption names the channel by its display name (escaped), not by the raw value
    assert any("Paid" in text and "evil" in text for text in rendered_texts(app)), page


def test_a_month_from_a_link_is_quoted_as_text_in_the_review(hostile_config, monkeypatch):
    monkeypatch.setenv("SLA_CONFIG", str(hostile_config))
    app = AppTest.from_file(str(APP), default_timeout=120)
    app.query_params["month"] = "[**Session expired - sign in again**](https://evil.example/login)"
    app.run()
    assert not app.exception, [e.message for e in app.exception]
    notes = [info.value for info in app.info if "The link asks for month" in info.value]
    assert notes and "**Session" not in notes[0] and "](https://evil" not in notes[0]
