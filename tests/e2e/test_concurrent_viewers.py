"""A room of people opens the dashboard at once: every session must see the numbers a lone
session sees. This guards the cursor-per-query rule: a DuckDB connection shared between
threads returns wrong or empty results silently."""

import asyncio
import datetime as dt
import time

from dashboard import metrics
from dashboard.config import load_config
from dashboard.datasource import Database
from dashboard.funnel import Filters
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, REPO

SESSIONS = 10
H2 = (dt.date(2026, 7, 1), dt.date(2026, 10, 31))
CHANNELS = ["email", "events", "organic", "paid_search", "paid_social", "partner", "referral"]
LABELS = ("Leads", "MQLs", "SQLs", "Won deals")


def lone_session_numbers() -> dict[str | None, dict[str, str]]:
    """What one person sees for each channel: the same function the page caches."""
    database = Database(load_config(REPO / "sla_config.toml"))
    try:
        numbers = {}
        for channel in [None, *CHANNELS]:
            steps = metrics.funnel(database, *H2, Filters(channel=channel)).steps
            numbers[channel] = {step.label: f"{step.count:,}" for step in steps if step.label in LABELS}
        return numbers
    finally:
        database.close()


async def wait_idle(page) -> None:
    await page.wait_for_selector("[data-testid='stMetric']", timeout=60_000)
    await page.wait_for_timeout(300)
    deadline = time.monotonic() + 60
    while await page.get_by_test_id("stStatusWidget").count() and time.monotonic() < deadline:
        await page.wait_for_timeout(100)


async def read_numbers(page) -> dict[str, str]:
    numbers = {}
    for label in LABELS:
        card = page.get_by_test_id("stMetric").filter(
            has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True))
        numbers[label] = (await card.first.get_by_test_id("stMetricValue").inner_text()).strip()
    return numbers


async def one_viewer(browser, url: str, index: int) -> list[tuple[str | None, dict[str, str], int]]:
    """Open a shared link for one channel, then switch to another channel in the sidebar."""
    first, second = CHANNELS[index % len(CHANNELS)], CHANNELS[(index + 3) % len(CHANNELS)]
    context = await browser.new_context(viewport={"width": 1400, "height": 1200})
    page = await context.new_page()
    page.set_default_timeout(90_000)  # ten sessions on two cores: each waits its turn
    seen = []
    try:
        await page.goto(f"{url}/funnel?start=2026-07-01&end=2026-10-31&channel={first}")
        await wait_idle(page)
        seen.append((first, await read_numbers(page), await page.get_by_test_id("stException").count()))
        box = page.get_by_role("combobox", name="Channel")
        await box.click()
        await box.fill(second)  # typing and Enter, as a person would; robust to a re-render
        await page.get_by_role("option", name=second, exact=True).wait_for()
        await box.press("Enter")
        await page.wait_for_function(
            "ch => new URL(location.href).searchParams.get('channel') === ch", arg=second, timeout=60_000)
        await wait_idle(page)
        seen.append((second, await read_numbers(page), await page.get_by_test_id("stException").count()))
    finally:
        await context.close()
    return seen


async def crowd(url: str):
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            return await asyncio.wait_for(
                asyncio.gather(*(one_viewer(browser, url, i) for i in range(SESSIONS))), timeout=480)
        finally:
            await browser.close()


def test_ten_simultaneous_viewers_see_what_a_lone_viewer_sees(server_url):
    expected = lone_session_numbers()
    results = asyncio.run(crowd(server_url))
    views = [view for session in results for view in session]
    assert len(views) == 2 * SESSIONS
    for channel, numbers, exceptions in views:
        assert exceptions == 0
        assert numbers == expected[channel], channel
