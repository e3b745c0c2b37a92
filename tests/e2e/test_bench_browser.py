"""The browser benchmark harness at a small size, so it never rots. No timing thresholds here:
the figures themselves are read from `python -m dashboard.tools.bench_browser --json`."""

import json
import subprocess
import sys

from tests.e2e.conftest import REPO

PAGES = {"monthly_review", "funnel", "team_kpis", "follow_up_compliance", "planner", "scoring_lab", "sla_versions",
         "data_health"}


def test_browser_bench_times_a_switch_to_every_page(tmp_path):
    # A process of its own: it runs its own server and Playwright, beside this session's.
    command = [sys.executable, "-m", "dashboard.tools.bench_browser", "--leads", "100000", "--repeat", "1",
               "--data-dir", str(tmp_path), "--json"]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout)
    assert report["leads"] == 100_000 and report["repeat"] == 1
    assert set(report["pages"]) == PAGES
    for name, figures in report["pages"].items():
        assert len(figures["runs_s"]) == 1, name
        assert figures["median_s"] > 0 and figures["max_s"] >= figures["median_s"], name
        assert figures["warmup_s"][0] > 0, name
    assert report["max_s"] == max(figures["max_s"] for figures in report["pages"].values())
    assert report["first_visit_s"] > 0 and report["first_visit_after_restart_s"] > 0
    # coming back to a page must work too (the scoring lab once failed on the second visit)
    assert report["pages_with_errors"] == []
    assert (tmp_path / "leads-100000-seed-7" / "complete.json").is_file()
