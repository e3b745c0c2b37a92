"""Fixtures every test folder shares; the companies they build live in `tests/companies/`."""

import pytest

from tests.companies.builders import build_database
from tests.companies.hand_built import DEALS, LEADS, REPS, TOUCHES, TRAFFIC


@pytest.fixture
def company(tmp_path):
    database = build_database(
        tmp_path / "extracts",
        {"reps": REPS, "leads": LEADS, "deals": DEALS, "traffic": TRAFFIC, "touches": TOUCHES},
    )
    yield database
    database.close()
