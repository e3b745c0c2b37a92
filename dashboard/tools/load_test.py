"""`python -m dashboard.tools.load_test`: many people on the dashboard at once.

Starts `streamlit run dashboard/app.py` on 127.0.0.1 with the sample config and drives
`--viewers` people as contexts of one or two headless Chromium processes (the browsers share the
cores with the server, so their CPU time is measured apart from the server's). First one lone
viewer visits every page of the tour for each channel used, which warms the caches and records
what a lone viewer sees. Then every viewer at once opens a shared link, `/funnel?channel=<c>`,
and clicks Team KPIs before that first run has finished (the race that once lost the link's
selection), then goes round the tour through the sidebar navigation for `--rounds` rounds or
until `--seconds` have passed. A page switch is timed from the click until the new page has
finished (its script stopped, nothing stale, its title shown, every visible chart drawn). A
page showing an exception box, or still drawing at `--timeout`, is an error; a finished page whose
numbers or Channel box differ from the lone viewer's, or a URL without the channel, is a mismatch.
`--think` gives each viewer a pause before each click (uniform between half and one and a half
times the value, seeded per viewer) for a crowd that reads its pages; 0, the default, clicks at
once, which measures how many switches a second the machine can serve. The CPU time of the server
and of the browsers is reported per switch: with both on the same cores, their sum over the core
count bounds the switches a second the machine can serve.

Needs the dev dependencies: `pip install -r requirements-dev.txt` and `apt-get install -y chromium`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, quote, urlparse

from dashboard.core.config import DEFAULT_CONFIG_PATH
from dashboard.tools.bench import machine
from dashboard.tools.bench_browser import CHROMIUM_ARGS, FINISHED_JS, STATE_JS, missing_browser, start_server, stop_server

SHOTS = os.environ.get("LOAD_TEST_SCREENSHOTS")  # a folder: screenshots of mismatched pages, to look at
TOUR = ("Team KPIs", "Follow-up compliance", "Monthly review", "Funnel")
CHANNELS = (None, "paid_search", "organic", "email")  # None: the link carries no channel
# Every metric on the page by its label, and the Channel box as it reads.
LOOK_JS = """
() => {
  const numbers = {};
  for (const card of document.querySelectorAll("[data-testid='stMain'] [data-testid='stMetric']")) {
    const label = card.querySelector("[data-testid='stMetricLabel']")?.innerText.trim();
    const value = card.querySelector("[data-testid='stMetricValue']")?.innerText.trim();
    if (label) numbers[label] = value;
  }
  const box = [...document.querySelectorAll("[data-testid='stSidebar'] [data-testid='stSelectbox']")]
    .find(b => b.querySelector("label")?.innerText.trim() === "Channel");
  const channel = box ? box.querySelector("input")?.value ?? box.innerText.split("\\n").pop().trim() : null;
  const failure = document.querySelector("[data-testid='stMain'] [data-testid='stException']");
  return {numbers, channel, error: failure ? failure.innerText.trim().split("\\n")[0].slice(0, 200) : null};
}
"""


# The page has finished and shows what the lone viewer saw (numbers and Channel box). With many
# viewers on few cores a rerun can wait its turn while the page before it is still on screen, not
# yet marked stale; so a switch ends when the right page is shown, or is a mismatch at the timeout.
SETTLED_JS = f"""
want => {{
  const done = ({FINISHED_JS})({{heading: want.heading, previous: null, charts: 0}});
  if (!done) return null;
  const look = ({LOOK_JS})();
  const same = JSON.stringify(Object.entries(look.numbers).sort()) === JSON.stringify(Object.entries(want.numbers).sort());
  return (look.error || (same && look.channel === want.channel)) ? look : null;
}}
"""


@dataclass
class Viewer:
    index: int
    channel: str | None
    switches_s: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    mismatches: list[dict] = field(default_factory=list)


async def finished(page, timeout_s: float, heading: str | None = None, previous: str | None = None) -> dict:
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    try:
        handle = await page.wait_for_function(FINISHED_JS, arg={"heading": heading, "previous": previous, "charts": 0},
                                              polling=50, timeout=timeout_s * 1000)
    except PlaywrightTimeout:
        raise RuntimeError(f"{heading or 'the page'} did not finish in {timeout_s:.0f} s; it shows "
                           f"{await page.evaluate(STATE_JS)}") from None
    return await handle.json_value()


async def click(page, title: str) -> None:
    link = page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True)
    await link.wait_for()
    await link.click()


def link_for(url: str, channel: str | None) -> str:
    return f"{url}/funnel" + (f"?channel={quote(channel)}" if channel else "")


async def lone_views(browser, url: str, timeout_s: float, channels: tuple) -> dict:
    """What one viewer alone sees on each page of the tour, per channel: {channel: {page: look}}."""
    seen: dict = {}
    for channel in channels:
        context = await browser.new_context(viewport={"width": 1440, "height": 900})
        page = await context.new_page()
        page.set_default_timeout(timeout_s * 1000)
        await page.goto(link_for(url, channel), timeout=timeout_s * 1000)
        shown = await finished(page, timeout_s)
        seen[channel] = {}
        for title in TOUR:
            await click(page, title)
            shown = await finished(page, timeout_s, previous=shown["title"])
            seen[channel][title] = {"heading": shown["title"], **await page.evaluate(LOOK_JS)}
        await context.close()
    return seen


async def settled(page, viewer: "Viewer", expected: dict, timeout_s: float) -> dict:
    """The page once it shows the lone viewer's numbers; after `timeout_s`, whatever it shows."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    want = {"heading": expected["heading"], "numbers": expected["numbers"], "channel": expected["channel"]}
    try:
        handle = await page.wait_for_function(SETTLED_JS, arg=want, polling=100, timeout=timeout_s * 1000)
        return await handle.json_value()
    except PlaywrightTimeout:
        # A page still drawing at the timeout is slow, not wrong: only a finished page's numbers are compared.
        look = await page.evaluate(LOOK_JS)
        done = await page.evaluate(f"({FINISHED_JS})", {"heading": expected["heading"], "previous": None, "charts": 0})
        if not done and not look["error"]:
            look["error"] = f"did not finish in {timeout_s:.0f} s"
            look["unfinished"] = True
        return look


def compare(viewer: Viewer, title: str, look: dict, expected: dict, address: str) -> None:
    if look["error"]:
        viewer.errors.append(f"{title}: {look['error']}")
    if look.get("unfinished"):
        return
    wanted_box = expected["channel"]  # as the lone viewer's box read it: the config's display name
    in_url = parse_qs(urlparse(address).query).get("channel", [None])[0]
    if look["numbers"] != expected["numbers"] or look["channel"] != wanted_box or in_url != viewer.channel:
        viewer.mismatches.append({"page": title, "channel": viewer.channel, "box": look["channel"], "url_channel": in_url,
                                  "seen": look["numbers"], "expected": expected["numbers"]})


async def one_viewer(browser, url: str, viewer: Viewer, expected: dict, rounds: int, deadline: float,
                     timeout_s: float, think_s: float = 0.0) -> None:
    context = await browser.new_context(viewport={"width": 1440, "height": 900})
    page = await context.new_page()
    page.set_default_timeout(timeout_s * 1000)
    try:
        await page.goto(link_for(url, viewer.channel), timeout=timeout_s * 1000)
        await click(page, TOUR[0])  # as soon as the navigation is drawn: the first run is still going
        wanted = expected[viewer.channel][TOUR[0]]
        compare(viewer, TOUR[0], await settled(page, viewer, wanted, timeout_s), wanted, page.url)
        if viewer.mismatches and SHOTS:
            await page.screenshot(path=f"{SHOTS}/viewer-{viewer.index}-race.png", full_page=True)
        for _ in range(rounds):
            for title in (*TOUR[1:], TOUR[0]):
                if time.monotonic() > deadline:
                    return
                wanted = expected[viewer.channel][title]
                if think_s:
                    await asyncio.sleep(think_s * (0.5 + random.Random(viewer.index * 1000 + len(viewer.switches_s)).random()))
                started = time.perf_counter()
                await click(page, title)
                look = await settled(page, viewer, wanted, timeout_s)
                viewer.switches_s.append(time.perf_counter() - started)
                compare(viewer, title, look, wanted, page.url)
    except Exception as error:  # noqa: BLE001 - one viewer's failure is counted, the others go on
        viewer.errors.append(f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}")
    finally:
        await context.close()


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes and every descendant, from /proc, with the time of
    descendants already gone (a closed browser context's renderer) through their parents' reaped times."""
    ticks = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    stats: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            stats[int(entry.name)] = fields
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    total, todo, seen = 0.0, list(pids), set()
    while todo:
        pid = todo.pop()
        if pid in seen or pid not in stats:
            continue
        seen.add(pid)
        total += sum(int(stats[pid][index]) for index in (11, 12, 13, 14)) / ticks  # utime, stime, cutime, cstime
        todo.extend(children.get(pid, []))
    return total


async def load(url: str, server_pid: int | None, chromium: str, viewers: int, browsers: int, rounds: int,
               seconds: float, timeout_s: float, progress, channels: tuple = CHANNELS, think_s: float = 0.0) -> dict:
    """The figures of one load test against the server at `url` (its CPU time when `server_pid`
    is given: the server must then be a child of this process)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = [await playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
                    for _ in range(browsers)]
        try:
            started = time.perf_counter()
            expected = await lone_views(launched[0], url, timeout_s, channels)
            progress(f"lone viewer, every page for {len(channels)} channels (warms the caches): "
                     f"{time.perf_counter() - started:.0f} s")
            driver = os.getpid()
            server_pids = [server_pid] if server_pid else []
            server_before, driver_before = cpu_seconds(server_pids), cpu_seconds([driver])
            crowd = [Viewer(index, channels[index % len(channels)]) for index in range(viewers)]
            started = time.perf_counter()
            deadline = time.monotonic() + seconds
            await asyncio.gather(*(one_viewer(launched[index % browsers], url, viewer, expected, rounds, deadline,
                                              timeout_s, think_s) for index, viewer in enumerate(crowd)))
            wall = time.perf_counter() - started
            server_cpu = cpu_seconds(server_pids) - server_before
            # this process's tree holds the server, Playwright's driver and the browsers: all but the server
            browser_cpu = cpu_seconds([driver]) - driver_before - server_cpu
        finally:
            for browser in launched:
                await browser.close()
    switches = sorted(s for viewer in crowd for s in viewer.switches_s)
    quantile = (lambda q: switches[min(len(switches) - 1, int(q * len(switches)))]) if switches else (lambda q: None)
    return {
        "viewers": viewers, "browser_processes": browsers, "wall_s": round(wall, 1), "page_switches": len(switches),
        "p50_s": round(statistics.median(switches), 2) if switches else None,
        "p90_s": round(quantile(0.9), 2) if switches else None, "max_s": round(switches[-1], 2) if switches else None,
        "errors": [f"viewer {v.index}: {e}" for v in crowd for e in v.errors],
        "mismatches": [{"viewer": v.index, **m} for v in crowd for m in v.mismatches],
        "server_cpu_s": round(server_cpu, 1), "browsers_and_driver_cpu_s": round(browser_cpu, 1),
        "server_cores_busy": round(server_cpu / wall, 2),
        "think_s": think_s,
        "server_cpu_per_switch_s": round(server_cpu / len(switches), 3) if switches else None,
        "browsers_and_driver_cpu_per_switch_s": round(browser_cpu / len(switches), 3) if switches else None,
    }


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--viewers", type=int, default=20)
    parser.add_argument("--browsers", type=int, default=2, choices=(1, 2), help="Chromium processes the viewers share")
    parser.add_argument("--rounds", type=int, default=3, help="times round the tour per viewer")
    parser.add_argument("--seconds", type=float, default=300, help="stop starting switches after this long")
    parser.add_argument("--think", type=float, default=0.0,
                        help="seconds a viewer reads a page before the next click, on average (0: click at once)")
    parser.add_argument("--timeout", type=float, default=180, help="seconds one page may take before it is an error")
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG_PATH, help="SLA config (default: the sample's)")
    parser.add_argument("--chromium", default=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
    parser.add_argument("--json", action="store_true")


def run(args: argparse.Namespace) -> int:
    if problem := missing_browser(args.chromium):
        print(f"error: {problem}", file=sys.stderr)
        return 2
    log_path = Path(tempfile.mkdtemp(prefix="load-test-")) / "streamlit.log"
    process, url = start_server(args.config.resolve(), log_path)
    try:
        report = asyncio.run(load(url, process.pid, args.chromium, args.viewers, args.browsers, args.rounds,
                                  args.seconds, args.timeout, progress=say, think_s=args.think))
    finally:
        stop_server(process)
    # The machine may be shared: its load average says how many other runnable processes competed.
    report = {"machine": {**machine(), "load_average_1m_after": round(os.getloadavg()[0], 1)},
              "server_log": str(log_path), **report}
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"{report['viewers']} viewers in {report['browser_processes']} Chromium process(es), warm caches: "
              f"{report['page_switches']} page switches in {report['wall_s']} s")
        print(f"  page switch p50 {report['p50_s']} s, p90 {report['p90_s']} s, max {report['max_s']} s")
        print(f"  errors {len(report['errors'])}, mismatched numbers {len(report['mismatches'])}")
        print(f"  CPU: server {report['server_cpu_s']} s ({report['server_cores_busy']} cores busy, "
              f"{report['server_cpu_per_switch_s']} s a switch), browsers and driver {report['browsers_and_driver_cpu_s']} s "
              f"({report['browsers_and_driver_cpu_per_switch_s']} s a switch)")
        print(f"  machine: {report['machine']}")
        for line in report["errors"][:10] + [json.dumps(m) for m in report["mismatches"][:5]]:
            print("  " + line)
    return 0 if not report["errors"] and not report["mismatches"] else 1


def say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard.tools.load_test", description=__doc__.splitlines()[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
