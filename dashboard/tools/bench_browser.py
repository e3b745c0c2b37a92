"""`python -m dashboard.tools.bench_browser`: how long a page switch takes in a real browser.

`python -m dashboard bench` times each page's data work in one process; what a person waits
for also includes Streamlit's rerun, the websocket, drawing and plotly. This runs
`streamlit run dashboard/app.py` on the same benchmark data set and config, opens headless
Chromium, visits every page to warm the caches, then switches page through the sidebar
navigation `--repeat` times per page and times each switch from the click until the page has
finished: the script stopped, nothing stale, its title shown and every visible chart drawn.
A page that ends in an exception is listed under `pages_with_errors`: its times are of the error.
It also reports the first visit after the server started (`first_visit_s`) and, after making
sure the facts are on disk and restarting the server, the first visit after a restart
(`first_visit_after_restart_s`).

Needs the dev dependencies: `pip install -r requirements-dev.txt` and `apt-get install -y chromium`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from dashboard.tools.bench import REPO, bench_config, cache_dir_for, ensure_data, machine
from dashboard.core.config import DEFAULT_CONFIG_PATH

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]

# True once the page titled `heading` (or, when it is unknown, any page but `previous`) has
# finished. Its title is drawn only by its own run, so the script state read with it is that
# run's (the running indicator is no help: it shows only after half a second). Elements of the
# run before stay marked stale until redrawn, and plotly draws after the script has ended;
# charts in a closed expander are never drawn, so only visible ones count. A page that ended in
# an exception has finished too, with the error.
FINISHED_JS = """
({heading, previous, charts}) => {
  const titles = [...document.querySelectorAll("[data-testid='stMain'] h1")].map(h => h.innerText.trim());
  const title = heading === null ? titles.find(t => t && t !== previous) : titles.find(t => t === heading);
  if (!title) return null;
  if (!document.querySelector("[data-testid='stApp'][data-test-script-state='notRunning']")) return null;
  if (document.querySelector("[data-stale='true']")) return null;
  const failure = document.querySelector("[data-testid='stMain'] [data-testid='stException']");
  if (failure) return {title, charts: 0, error: failure.innerText.trim().split("\\n")[0].slice(0, 300)};
  let drawn = 0;
  for (const chart of document.querySelectorAll("[data-testid='stPlotlyChart']")) {
    if (!chart.checkVisibility()) continue;
    const svg = chart.querySelector(".main-svg");
    const box = svg && svg.getBoundingClientRect();
    if (!box || box.width === 0 || box.height === 0) return null;
    drawn += 1;
  }
  return drawn >= charts ? {title, charts: drawn} : null;
}
"""
# What the page shows when it did not finish in time, for the error message.
STATE_JS = """
() => ({
  titles: [...document.querySelectorAll("[data-testid='stMain'] h1")].map(h => h.innerText.trim()),
  script: document.querySelector("[data-testid='stApp']")?.getAttribute("data-test-script-state"),
  stale: document.querySelectorAll("[data-stale='true']").length,
  charts: [...document.querySelectorAll("[data-testid='stPlotlyChart']")].filter(c => c.checkVisibility()).length,
  url: location.href,
})
"""


def slug(title: str) -> str:
    """A page's name as `bench` reports it: "Follow-up compliance" → follow_up_compliance."""
    return title.lower().replace("-", "_").replace(" ", "_")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(config_path: Path, log_path: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", str(REPO / "dashboard" / "app.py"),
               "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, cwd=REPO, env={**os.environ, "SLA_CONFIG": str(config_path)},
                                   stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {process.returncode}; see {log_path}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return process, url
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"streamlit was not healthy at {url} within 120 s; see {log_path}")


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_finished(page, timeout_s: float, heading: str | None = None, previous: str | None = None,
                  charts: int = 0) -> dict:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    expected = {"heading": heading, "previous": previous, "charts": charts}
    try:
        handle = page.wait_for_function(FINISHED_JS, arg=expected, polling=50, timeout=timeout_s * 1000)
    except PlaywrightTimeout:
        shown = page.evaluate(STATE_JS)
        raise RuntimeError(f"{heading or 'the page'} did not finish in {timeout_s:.0f} s; it shows {shown}") from None
    return handle.json_value()


def switch(page, title: str, timeout_s: float, **expect) -> tuple[float, dict]:
    """Click a sidebar link and wait for the page to finish; seconds from the click."""
    link = page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True)
    link.wait_for()
    started = time.perf_counter()
    link.click()
    shown = wait_finished(page, timeout_s, **expect)
    return time.perf_counter() - started, shown


def measure(url: str, chromium: str, repeat: int, warmup_timeout_s: float, switch_timeout_s: float,
            progress) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1200})
            started = time.perf_counter()
            page.goto(url + "/", timeout=warmup_timeout_s * 1000)
            shown = wait_finished(page, warmup_timeout_s)
            # the link text without its icon, which is a ligature word ("event_note")
            links = page.get_by_test_id("stSidebarNavLink").get_by_test_id("stMarkdownContainer")
            titles = [title.strip() for title in links.all_inner_texts()]
            names = {title: slug(title) for title in titles}
            order = titles[1:] + titles[:1]  # "/" is the first page; go round from the next one
            seen = {titles[0]: shown}  # per page: its title, how many charts it drew, any error
            warmup = {names[titles[0]]: [round(time.perf_counter() - started, 3)]}
            errors: dict[str, list[str]] = {names[title]: [] for title in titles}
            progress(f"warm-up {titles[0]}: {warmup[names[titles[0]]][0]:.1f} s")
            # Twice round: the sidebar's SLA and range are kept from page to page, so a page's
            # state (and cache entry) can depend on the page before it; the second round sees
            # the states the timed rounds see.
            current = titles[0]
            for round_number in range(2):
                for title in order:
                    known = seen.get(title)
                    seconds, seen[title] = switch(page, title, warmup_timeout_s, previous=seen[current]["title"],
                                                  heading=known["title"] if known else None)
                    current = title
                    warmup.setdefault(names[title], []).append(round(seconds, 3))
                    note(errors, names[title], f"warm-up {round_number + 1}", seen[title], progress)
                    progress(f"warm-up {title}: {seconds:.1f} s")
            runs: dict[str, list[float]] = {names[title]: [] for title in titles}
            urls = {}
            for round_number in range(repeat):
                for title in order:
                    seconds, shown = switch(page, title, switch_timeout_s, heading=seen[title]["title"],
                                            charts=seen[title]["charts"])
                    runs[names[title]].append(round(seconds, 3))
                    urls[names[title]] = page.url.removeprefix(url)
                    note(errors, names[title], f"round {round_number + 1}", shown, progress)
                    progress(f"round {round_number + 1} {title}: {seconds:.2f} s")
        finally:
            browser.close()
    figures = {
        names[title]: {"median_s": statistics.median(runs[names[title]]), "max_s": max(runs[names[title]]),
                       "runs_s": runs[names[title]], "warmup_s": warmup[names[title]],
                       "charts": seen[title]["charts"], "url": urls[names[title]], "errors": errors[names[title]]}
        for title in titles
    }
    slowest = max(figures, key=lambda name: figures[name]["max_s"])
    return {"pages": figures, "max_s": figures[slowest]["max_s"], "slowest_page": slowest,
            "pages_with_errors": [name for name, page_errors in errors.items() if page_errors]}


def first_visit(url: str, chromium: str, timeout_s: float) -> float:
    """Seconds from opening the app's address in a new browser until its first page has finished."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1200})
            started = time.perf_counter()
            page.goto(url + "/", timeout=timeout_s * 1000)
            wait_finished(page, timeout_s)
            return time.perf_counter() - started
        finally:
            browser.close()


def note(errors: dict[str, list[str]], name: str, visit: str, shown: dict, progress) -> None:
    """A page that ended in an exception finished fast and wrong: its time is kept but flagged."""
    if shown.get("error"):
        errors[name].append(f"{visit}: {shown['error']}")
        progress(f"ERROR on {name} ({visit}): {shown['error']}")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--leads", type=int, default=100_000, help="leads in the benchmark data set")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3, help="timed switches per page; medians are reported")
    parser.add_argument("--data-dir", type=Path, default=REPO / "bench-data",
                        help="where `bench` keeps its generated data sets (default: bench-data/)")
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG_PATH,
                        help="SLA config to copy, with its data folder pointed at the benchmark data")
    parser.add_argument("--chromium", default=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
    parser.add_argument("--warmup-timeout", type=float, default=1800,
                        help="seconds a page may take on its first, cold visit (minutes at 10M leads)")
    parser.add_argument("--switch-timeout", type=float, default=300, help="seconds a timed switch may take")
    parser.add_argument("--json", action="store_true", help="print JSON")


def missing_browser(chromium: str) -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return ("Playwright is not installed: pip install -r requirements-dev.txt "
                "(and apt-get install -y chromium for the browser)")
    if not (Path(chromium).is_file() or shutil.which(chromium)):
        return f"no Chromium at {chromium}: apt-get install -y chromium (or pass --chromium / set CHROMIUM_PATH)"
    return None


def run(args: argparse.Namespace) -> int:
    if problem := missing_browser(args.chromium):
        print(f"error: {problem}", file=sys.stderr)
        return 2
    chromium = shutil.which(args.chromium) or args.chromium
    folder, _ = ensure_data(args.data_dir, args.leads, args.seed)
    config_path = bench_config(args.config, folder)
    os.environ["SLA_CACHE_FOLDER"] = str(cache_dir_for(args.data_dir))  # the server's facts, as `bench` keeps them
    logs = Path(tempfile.mkdtemp(prefix="bench-browser-"))
    log_path = logs / "streamlit.log"
    process, url = start_server(config_path, log_path)
    try:
        figures = measure(url, chromium, args.repeat, args.warmup_timeout, args.switch_timeout, progress=say)
    finally:
        stop_server(process)
    # A restart with the facts on disk: what the first person to open the app after it waits for.
    subprocess.run([sys.executable, "-m", "dashboard", "facts", "--config", str(config_path)], cwd=REPO, check=True,
                   capture_output=True, timeout=3600)
    process, url = start_server(config_path, logs / "streamlit-restarted.log")
    try:
        after_restart = first_visit(url, chromium, args.warmup_timeout)
    finally:
        stop_server(process)
    say(f"first visit after a restart, facts on disk: {after_restart:.1f} s")
    first_page = next(iter(figures["pages"].values()))
    report = {"machine": machine(), "leads": args.leads, "seed": args.seed, "repeat": args.repeat,
              "data": str(folder), "server_log": str(log_path),
              "first_visit_s": first_page["warmup_s"][0], "first_visit_after_restart_s": after_restart, **figures}
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_table(report)
    return 0


def say(line: str) -> None:
    """Progress goes to stderr, so `--json` output stays clean."""
    print(line, file=sys.stderr, flush=True)


def print_table(report: dict) -> None:
    print(f"Page switch in headless Chromium, warm cache: {report['leads']:,} leads, "
          f"median and max of {report['repeat']}")
    print(f"  {'page':<22} {'median':>8} {'max':>8}   first visit")
    for name, figures in report["pages"].items():
        print(f"  {name:<22} {figures['median_s']:7.2f}s {figures['max_s']:7.2f}s   {figures['warmup_s'][0]:.1f} s")
    print(f"  slowest switch: {report['max_s']:.2f} s ({report['slowest_page']})")
    print(f"  first visit after the server started: {report['first_visit_s']:.1f} s; after a restart with the "
          f"facts on disk: {report['first_visit_after_restart_s']:.1f} s")
    for name in report["pages_with_errors"]:
        print(f"  ERROR: {name} ended in an exception ({len(report['pages'][name]['errors'])} visits), so its times "
              f"are of the error; the traceback is in {report['server_log']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard.tools.bench_browser", description=__doc__.splitlines()[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
