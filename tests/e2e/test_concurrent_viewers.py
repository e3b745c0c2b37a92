"""A room of people uses the dashboard at once: each opens a shared funnel link, changes the
channel, then goes through the sidebar to other pages, all at the same time. No session may
see an error, and every session must see the numbers a lone session sees. This guards the
cursor-per-query rule (a DuckDB connection shared between threads returns wrong or empty
results silently) and the shared caches under concurrent reruns and page switches."""

import asyncio
import datetime as dt
import json
import time
from dataclasses import dataclass, field
from urllib.parse import urlparse

from dashboard.core import formatting
from dashboard.funnel import data as metrics
from dashboard.review import data as review
from dashboard.review import view as review_view

from dashboard.compliance.data import compliance_data
from dashboard.core.config import load_config
from dashboard.data import Database
from dashboard.funnel.domain import Filters
from dashboard.team_kpis.data import team_kpis_data
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, REPO
from tests.e2e.helpers import ERROR_ELEMENTS

SESSIONS = 10
H2 = (dt.date(2026, 7, 1), dt.date(2026, 10, 31))
CHANNELS = ["email", "events", "organic", "paid_search", "paid_social", "partner", "referral"]
# The sidebar's Channel box reads each channel as the config names it; the URL keeps the raw value.
SHOWN = {channel: load_config(REPO / "sla_config.toml").display_name("channel", channel) for channel in CHANNELS}
FUNNEL_LABELS = ("Leads", "MQLs", "SQLs", "Won deals")
# (sidebar link, url path, heading text) in the order each session visits them after the funnel.
# The monthly review comes first: it hides the SLA and date widgets, and the two pages after it
# must still show the range the session chose (they once fell back to the first SLA version).
TOUR = [
    ("Monthly review", "", "Monthly review"),
    ("Team KPIs", "team_kpis", "Team KPIs"),
    ("Follow-up compliance", "compliance", "Follow-up compliance"),
]
SUMMARY_FILE = REPO / "test-artifacts" / "concurrency.json"
IDLE_TIMEOUT_MS = 480_000  # ten sessions on two cores, each run checked, bounded and escaped: each waits its turn


def lone_session_numbers() -> dict[str, dict[str | None, dict[str, str]]]:
    """What one person sees on each page for each channel, from the functions the pages cache,
    formatted as the pages format them: {page path: {channel: {metric label: value}}}."""
    config = load_config(REPO / "sla_config.toml")
    database = Database(config)
    try:
        as_of = metrics.data_as_of(database)
        currency = (config.sla_for(as_of) or config.slas[-1]).currency  # the sidebar's SLA in force
        months = review.review_months(database)
        team = config.teams[0]  # the Team KPIs page opens on the first team when no team filter is set
        numbers: dict[str, dict] = {"funnel": {}, "team_kpis": {}, "compliance": {}, "": {}}
        for channel in [None, *CHANNELS]:
            filters = Filters(channel=channel)
            steps = metrics.funnel(database, *H2, filters).steps
            numbers["funnel"][channel] = {step.label: f"{step.count:,}" for step in steps
                                          if step.label in FUNNEL_LABELS}
            kpis = team_kpis_data(database, team.name, *H2, filters, as_of)
            numbers["team_kpis"][channel] = {
                reading.label: formatting.format_kpi(reading.actual, reading.unit, currency,
                                                      "not tracked" if reading.actual is None else "—")
                for reading in kpis.own if reading.key in team.kpis}
            totals = compliance_data(database, *H2, filters, as_of).totals
            numbers["compliance"][channel] = {
                "Leads handed to sales": formatting.count(totals["handed_off"]),
                "First touch within SLA": formatting.pct(totals["first_touch_within_rate"]),
                "Attempt rule met": formatting.pct(totals["attempts_met_rate"]),
                "Never touched": formatting.count(totals["never_touched"]),
                "Overdue now": formatting.count(totals["overdue_now"]),
            }
            monthly = review.monthly_review(database, months.default, filters, months)
            numbers[""][channel] = {f.label: f.value for f in review_view.attainment_figures(monthly)}
        return numbers
    finally:
        database.close()


@dataclass
class View:
    page: str
    channel: str
    channel_shown: str
    numbers: dict[str, str | None]
    errors: list[str]
    at_rest: bool


@dataclass
class Session:
    index: int
    views: list[View] = field(default_factory=list)
    page_switches: int = 0
    widget_changes: int = 0
    failure: str | None = None


# One look at the page, taken in the browser so it cannot straddle a redraw: each metric's value
# by its label, and whether the page is at rest (its script stopped and nothing stale). The app's
# script state, not the status widget: that shows only after half a second of running, and the
# data health fragments rerun every few seconds while the checks are still going.
LOOK_JS = """
labels => {
  const cards = [...document.querySelectorAll("[data-testid='stMetric']")];
  const value = label => {
    const card = cards.find(c => c.querySelector("[data-testid='stMetricLabel']")?.innerText.trim() === label);
    return card ? card.querySelector("[data-testid='stMetricValue']").innerText.trim() : null;
  };
  const atRest = !!document.querySelector("[data-testid='stApp'][data-test-script-state='notRunning']")
    && !document.querySelector("[data-stale='true']");
  return {numbers: Object.fromEntries(labels.map(label => [label, value(label)])), atRest};
}
"""
SETTLED_JS = f"want => {{ const look = ({LOOK_JS})(Object.keys(want)); " \
             "return look.atRest && Object.entries(want).every(([label, value]) => look.numbers[label] === value) " \
             "? look : null; }"
SETTLE_TIMEOUT_MS = 480_000


async def read_view(page, path: str, channel: str, expected: dict[str, str]) -> View:
    """The page's numbers once it is at rest showing what a lone viewer sees; after the time
    limit, whatever it shows then (a mismatch). Waiting for the expected numbers, not just for
    rest: with ten sessions on two cores a rerun can wait its turn while the previous run's
    numbers are still on screen, not yet marked stale, beside the newly chosen channel."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    try:
        look = await (await page.wait_for_function(SETTLED_JS, arg=expected, polling=100,
                                                   timeout=SETTLE_TIMEOUT_MS)).json_value()
    except PlaywrightTimeout:
        look = await page.evaluate(LOOK_JS, list(expected))
    errors = [text.strip()[:200] for text in await page.locator(ERROR_ELEMENTS).all_inner_texts()]
    if "Traceback" in await page.inner_text("body"):
        errors.append("a traceback in the page text")
    shown = await page.get_by_role("combobox", name="Channel").input_value()
    return View(path, channel, shown, look["numbers"], errors, look["atRest"])


async def one_viewer(browser, url: str, index: int, expected: dict) -> Session:
    """Open a shared link for one channel, switch to another channel in the sidebar, then go
    to each page of the tour through the sidebar navigation."""
    first, second = CHANNELS[index % len(CHANNELS)], CHANNELS[(index + 3) % len(CHANNELS)]
    session = Session(index)
    context = await browser.new_context(viewport={"width": 1400, "height": 1200})
    page = await context.new_page()
    page.set_default_timeout(IDLE_TIMEOUT_MS)
    try:
        await page.goto(f"{url}/funnel?start=2026-07-01&end=2026-10-31&channel={first}")
        session.views.append(await read_view(page, "funnel", first, expected["funnel"][first]))

        box = page.get_by_role("combobox", name="Channel")
        await box.click()
        await box.fill(SHOWN[second])  # typing and Enter, as a person would; robust to a re-render
        await page.get_by_role("option", name=SHOWN[second], exact=True).wait_for()
        await box.press("Enter")
        await page.wait_for_function(
            "ch => new URL(location.href).searchParams.get('channel') === ch", arg=second)
        session.widget_changes += 1  # the new channel's run has started: the app put it in the URL
        session.views.append(await read_view(page, "funnel", second, expected["funnel"][second]))

        for link, path, heading in TOUR:
            await page.get_by_test_id("stSidebarNav").get_by_role("link", name=link, exact=True).click()
            await page.wait_for_url(lambda address, path=path: urlparse(address).path == "/" + path)
            # the new page's own heading: until it is drawn, the old page's numbers are on screen
            await page.locator("h1").filter(has_text=heading).first.wait_for()
            session.page_switches += 1
            session.views.append(await read_view(page, path, second, expected[path][second]))
    except Exception as error:  # noqa: BLE001 - reported with the session, so the others still count
        session.failure = f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
        shown = [text.strip()[:200] for text in await page.locator(ERROR_ELEMENTS).all_inner_texts()]
        if shown:  # an error box on screen explains a page that never finished
            session.failure += f"; the page shows {shown}"
    finally:
        await context.close()
    return session


async def crowd(url: str, expected: dict) -> list[Session]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            return await asyncio.wait_for(
                asyncio.gather(*(one_viewer(browser, url, i, expected) for i in range(SESSIONS))), timeout=2400)
        finally:
            await browser.close()


def test_ten_simultaneous_viewers_switching_pages_see_what_a_lone_viewer_sees(server_url):
    expected = lone_session_numbers()
    started = time.monotonic()
    sessions = asyncio.run(crowd(server_url, expected))
    seconds = time.monotonic() - started

    views = [view for session in sessions for view in session.views]
    errors = [(view.page or "review", view.channel, error) for view in views for error in view.errors]
    mismatches = [
        {"page": view.page or "review", "channel": view.channel, "channel_shown": view.channel_shown,
         "at_rest": view.at_rest, "seen": view.numbers, "expected": expected[view.page][view.channel]}
        for view in views
        if view.numbers != expected[view.page][view.channel] or view.channel_shown != SHOWN[view.channel]
    ]
    failures = [(session.index, session.failure) for session in sessions if session.failure]
    summary = {
        "sessions": SESSIONS,
        "page_switches": sum(session.page_switches for session in sessions),
        "widget_changes": sum(session.widget_changes for session in sessions),
        "views_checked": len(views),
        "errors": len(errors),
        "mismatches": len(mismatches),
        "failed_sessions": len(failures),
        "seconds": round(seconds, 1),
        "passed": not (errors or mismatches or failures),
    }
    line = (f"concurrent viewers: {SESSIONS} sessions, {summary['page_switches']} page switches, "
            f"{summary['widget_changes']} widget changes, {len(errors)} errors, {len(mismatches)} mismatches, "
            f"{seconds:.1f} s" + (f", {len(failures)} sessions failed" if failures else ""))
    print("\n" + line)
    SUMMARY_FILE.parent.mkdir(parents=True, exist_ok=True)
    details = {"error_details": errors, "mismatch_details": mismatches, "failure_details": failures}
    SUMMARY_FILE.write_text(json.dumps({**summary, "summary": line, **details}, indent=2) + "\n")

    assert not failures, failures
    assert not errors, errors
    assert not mismatches, mismatches
    assert summary["page_switches"] == SESSIONS * len(TOUR)
    assert summary["widget_changes"] == SESSIONS
    assert len(views) == SESSIONS * (2 + len(TOUR))
