"""The facts in the app: built in the background on the first visit while the page is served from
the extracts, then taken up from disk at once by a restarted server."""

import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from dashboard.core.config import load_config
from dashboard.data import Database, database_for
from dashboard.data.facts import facts_ready
from dashboard.facts import cache as facts_cache
from dashboard.facts.build import ALL_SPECS, facts_on_disk
from tests.companies.builders import build_database
from tests.companies.hand_built import DEALS, LEADS, REPS, TOUCHES, TRAFFIC

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


def test_the_first_visit_builds_the_facts_in_the_background_and_a_restart_takes_them_up(tmp_path, monkeypatch):
    monkeypatch.setenv("SLA_CACHE_FOLDER", str(tmp_path / "cache"))
    built = build_database(tmp_path / "extracts",
                           {"reps": REPS, "leads": LEADS, "deals": DEALS, "traffic": TRAFFIC, "touches": TOUCHES})
    built.close()
    monkeypatch.setenv("SLA_CONFIG", str(built.config.path))

    app = AppTest.from_file(APP, default_timeout=60).run()

    assert not app.exception
    database = database_for(load_config(built.config.path))
    deadline = time.monotonic() + 60
    while not all(facts_ready(database, spec.name) for spec in ALL_SPECS) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert all(facts_ready(database, spec.name) for spec in ALL_SPECS)

    restarted = Database(load_config(built.config.path))  # a new server process: nothing in memory
    assert facts_on_disk(restarted)
    monkeypatch.setattr(facts_cache, "company_database", lambda: restarted)
    monkeypatch.setattr(facts_cache, "_BUILDS", {})
    state = facts_cache.start_facts()
    # on disk: taken up before the page runs, no thread to wait for
    assert state.finished and not state.failed
    assert all(facts_ready(restarted, spec.name) for spec in ALL_SPECS)
