"""The monthly review as a print-ready PDF: the report's HTML laid out for paper, printed by
headless Chromium (the browser the tests already use) through Playwright. Chromium prints the
charts as vector graphics and honours the report's page breaks.

Optional: it needs the `playwright` package and a Chromium (`apt-get install chromium`; another
binary through `CHROMIUM_PATH`). Without them `PdfError` says what to install.
"""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
DRAW_TIMEOUT_MS = 60_000


class PdfError(RuntimeError):
    """The PDF cannot be made; the message says what to install or fix."""


def chromium_path() -> str | None:
    """CHROMIUM_PATH, else the first Chromium found on the system (None: Playwright's own, if installed)."""
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        if not Path(configured).exists():
            raise PdfError(f"CHROMIUM_PATH is {configured!r}, which does not exist; point it at a Chromium binary")
        return configured
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    return found


def html_to_pdf(page_html: str, paper: str, footer: str = "") -> bytes:
    """Print a report's HTML (laid out for `paper`) to PDF bytes once its charts are drawn.

    The printing runs on a thread of its own: Playwright's sync API refuses to start in a thread
    that already drives one (a test session's browser, a host application's), and a fresh thread
    never does."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pdf") as printer:
        return printer.submit(_print, page_html, paper, footer).result()


def _print(page_html: str, paper: str, footer: str) -> bytes:
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise PdfError("--pdf needs Playwright: pip install -r requirements-dev.txt (or pip install playwright), "
                       "and Chromium (apt-get install chromium)") from None
    executable = chromium_path()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                page.set_content(page_html, wait_until="load")
                page.wait_for_function("document.body.dataset.charts !== undefined || !document.querySelector('div.chart')",
                                       timeout=DRAW_TIMEOUT_MS)
                state = page.evaluate("document.body.dataset.charts || 'none'")
                if state.startswith("failed"):
                    raise PdfError(f"the report's charts could not be drawn ({state}); report this as a bug")
                page.emulate_media(media="print")
                footer_html = ('<div style="font-size:8px;color:#757575;width:100%;padding:0 12mm;display:flex;'
                               'justify-content:space-between"><span>' + footer + '</span><span>page '
                               '<span class="pageNumber"></span> of <span class="totalPages"></span></span></div>')
                return page.pdf(format=paper, print_background=True, prefer_css_page_size=True,
                                display_header_footer=True, header_template="<span></span>",
                                footer_template=footer_html)
            finally:
                browser.close()
    except PlaywrightError as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        hint = ("install Chromium (apt-get install chromium) or set CHROMIUM_PATH" if executable is None
                else f"check that {executable} starts")
        raise PdfError(f"Chromium could not print the PDF ({first}); {hint}") from None
