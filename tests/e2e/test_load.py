"""The load test's own harness, small: viewers open a shared link with a channel and click Team
KPIs before that first run has finished (the race that once left channel-filtered numbers under
a Channel box saying "All", and dropped channel= from the next page's URL), then go round the
pages. Every page must show the link's channel in its box and URL and a lone viewer's numbers.
Timing is the load test command's job (`python -m dashboard.tools.load_test`), not this test's."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

from dashboard.tools.load_test import load
from tests.e2e.conftest import CHROMIUM


def test_viewers_racing_a_shared_link_keep_its_selection_and_see_a_lone_viewer_s_numbers(server_url):
    # On a thread of its own: the browser tests' session keeps an event loop running on this one.
    with ThreadPoolExecutor(max_workers=1) as runner:
        report = runner.submit(asyncio.run, load(
            server_url, None, CHROMIUM, viewers=6, browsers=1, rounds=1, seconds=600, timeout_s=240,
            progress=lambda line: None, channels=("paid_search", "organic"))).result()
    assert report["errors"] == []
    assert report["mismatches"] == []
    assert report["page_switches"] == 6 * 4
