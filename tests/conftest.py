"""Fixtures every test folder shares; the companies they build live in `tests/companies/`."""

import os

import pytest

from dashboard.core.cache_folder import ENVIRONMENT_VARIABLE
from dashboard.facts.build import ensure_all_facts
from tests.companies.builders import build_database
from tests.companies.hand_built import DEALS, LEADS, REPS, TOUCHES, TRAFFIC


@pytest.fixture(autouse=True, scope="session")
def cache_folder(tmp_path_factory):
    """The facts and every other derived file go to a temporary cache folder, never the user's."""
    folder = tmp_path_factory.mktemp("sla-cache")
    previous = os.environ.get(ENVIRONMENT_VARIABLE)
    os.environ[ENVIRONMENT_VARIABLE] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop(ENVIRONMENT_VARIABLE, None)
    else:
        os.environ[ENVIRONMENT_VARIABLE] = previous


# Every hand-built test runs twice: reading the extracts, and reading the facts built from them
# (dashboard/facts/), so the numbers worked out by hand hold for both.
READS = ("extracts", "facts")


def reading(database, reads: str):
    if reads == "facts":
        ensure_all_facts(database)
    return database


@pytest.fixture(params=READS)
def company(tmp_path, request):
    database = build_database(
        tmp_path / "extracts",
        {"reps": REPS, "leads": LEADS, "deals": DEALS, "traffic": TRAFFIC, "touches": TOUCHES},
    )
    yield reading(database, request.param)
    database.close()
