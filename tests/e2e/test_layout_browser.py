"""Every page as the people at the monthly review see it on a 1440 × 900 screen: no table or
button group cut off at the side, no Streamlit Deploy button; a full-page screenshot of each
page goes to test-artifacts/screenshots/ to be looked at."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.helpers import wait_until_idle

WIDTH, HEIGHT = 1440, 900
PAGES = {"monthly_review": "", "funnel": "funnel", "team_kpis_marketing": "team_kpis",
         "team_kpis_sales_east": "team_kpis?team=Sales+East", "compliance": "compliance", "planner": "planner",
         "scoring_lab": "scoring_lab", "sla_versions": "sla_versions", "data_health": "data_health"}

# Each table's horizontal scroller (the data grid) and each row of buttons: wider inside than shown means cut off.
CUT_OFF = """() => {
  const found = [];
  document.querySelectorAll('[data-testid=stDataFrame]').forEach((table, index) => {
    const scroller = table.querySelector('.dvn-scroller');
    const header = Array.from(table.querySelectorAll('[role=columnheader]')).slice(0, 2).map(h => h.innerText);
    if (scroller && scroller.scrollWidth > scroller.clientWidth + 1)
      found.push(`table ${index} (${header.join(', ')}): ${scroller.scrollWidth} px in ${scroller.clientWidth}`);
  });
  document.querySelectorAll('[data-testid=stButtonGroup]').forEach((group) => {
    if (group.scrollWidth > group.clientWidth + 1)
      found.push(`buttons "${group.innerText.replace(/\\n/g, ' / ')}": ${group.scrollWidth} px in ${group.clientWidth}`);
    // a group can fit itself and still run out of the column that holds it (the planner's "manual")
    const column = group.closest('[data-testid=stColumn]');
    const buttons = Array.from(group.querySelectorAll('button'));
    if (column && buttons.length && buttons[buttons.length - 1].getBoundingClientRect().right > column.getBoundingClientRect().right + 1)
      found.push(`buttons "${group.innerText.replace(/\\n/g, ' / ')}" run out of their column`);
  });
  return found;
}"""


@pytest.fixture
def screen(browser):
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
    tab = context.new_page()
    tab.set_default_timeout(60_000)
    yield tab
    context.close()


def open_everything(page) -> None:
    """Open every expander and bring every table into view once, so the grids are drawn."""
    for summary in page.locator("[data-testid=stExpander] summary").all():
        summary.click()
    page.wait_for_timeout(500)
    for table in page.get_by_test_id("stDataFrame").all():
        table.scroll_into_view_if_needed()
        table.locator(".dvn-scroller").wait_for(state="attached", timeout=30_000)


def full_page_screenshot(page, name: str) -> None:
    """The app scrolls inside its main area, so the window is made as tall as the page first."""
    height = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": WIDTH, "height": max(HEIGHT, height)})
    page.wait_for_timeout(1_000)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})


@pytest.mark.parametrize("name", list(PAGES))
def test_no_table_is_cut_off_at_1440_px_and_each_page_is_photographed(screen, server_url, name):
    screen.goto(f"{server_url}/{PAGES[name]}")
    if name == "sla_versions":  # a page of tables and no metric card: wait for its tables, then for the run to end
        screen.get_by_test_id("stDataFrame").first.wait_for(timeout=60_000)
        expect(screen.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=60_000)
    else:
        wait_until_idle(screen)
    open_everything(screen)
    screen.wait_for_timeout(500)
    assert screen.evaluate(CUT_OFF) == []
    assert screen.get_by_test_id("stAppDeployButton").count() == 0  # client.toolbarMode = "viewer"
    cells = [cell.strip() for line in screen.get_by_test_id("stMain").inner_text().splitlines() for cell in line.split("\t")]
    assert "None" not in cells and "nan" not in cells  # a missing value reads "—"
    full_page_screenshot(screen, name)
