"""Reading a Streamlit page the way a person sees it."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect


# What Streamlit draws for an uncaught exception, and for st.error.
ERROR_ELEMENTS = "[data-testid='stException'], [data-testid='stAlertContentError']"


def open_app(page: Page, url: str, query: str = "", path: str = "funnel", timeout_ms: int = 60_000) -> None:
    """Open a page (the funnel by default; the monthly review is the app's first page)."""
    page.goto(url + "/" + path + (("?" + query) if query else ""))
    wait_until_idle(page, timeout_ms)


def wait_until_idle(page: Page, timeout_ms: int = 60_000) -> None:
    """Streamlit shows a status widget while a script runs; numbers are final once it is gone."""
    page.wait_for_selector("[data-testid='stMetric'], [data-testid='stAlert']", timeout=timeout_ms)
    page.wait_for_timeout(300)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=timeout_ms)


def metric_locator(page: Page, label: str):
    card = page.get_by_test_id("stMetric").filter(has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True))
    return card.first.get_by_test_id("stMetricValue")


def metric_values(page: Page) -> dict[str, str]:
    """Every metric card on the page, label to value, in page order (a label seen twice keeps its first)."""
    cards = page.get_by_test_id("stMetric")
    values: dict[str, str] = {}
    for index in range(cards.count()):
        card = cards.nth(index)
        values.setdefault(card.get_by_test_id("stMetricLabel").inner_text().strip(),
                          card.get_by_test_id("stMetricValue").inner_text().strip())
    return values


def metric_value(page: Page, label: str) -> str:
    return metric_locator(page, label).inner_text().strip()


def changed_metric_value(page: Page, label: str, before: str) -> str:
    """The metric's value once it differs from `before`: a rerun can have started without the
    status widget showing yet (it appears after half a second), so the old number may still be
    on screen for a moment. Fails if it never changes."""
    expect(metric_locator(page, label)).not_to_have_text(before, timeout=60_000)
    wait_until_idle(page)
    return metric_value(page, label)


def as_number(text: str) -> float:
    return float(re.sub(r"[^0-9.\-]", "", text))


def assert_healthy(page: Page, min_charts: int = 1) -> None:
    """No exception box, no traceback text, and every plotly chart drawn with a real size."""
    expect(page.get_by_test_id("stException")).to_have_count(0)
    assert "Traceback" not in page.inner_text("body")
    charts = page.locator(".js-plotly-plot")
    if min_charts:
        # plotly draws after Streamlit has delivered the page: give a loaded machine time
        expect(charts.nth(min_charts - 1)).to_be_visible(timeout=30_000)
    assert charts.count() >= min_charts
    for index in range(charts.count()):
        box = charts.nth(index).bounding_box()
        assert box and box["width"] > 100 and box["height"] > 100, f"chart {index} not drawn: {box}"
        assert charts.nth(index).locator(".main-svg").count() > 0


def selected(page: Page, widget_label: str) -> str:
    return page.get_by_role("combobox", name=widget_label).input_value()


def choose(page: Page, widget_label: str, option: str) -> None:
    """Pick an option in a selectbox, as a person would: open it, type, press Enter."""
    box = page.get_by_role("combobox", name=widget_label)
    box.click()
    box.fill(option)
    page.get_by_role("option", name=option, exact=True).wait_for()
    box.press("Enter")
    expect(box).to_have_value(option)
    wait_until_idle(page)
