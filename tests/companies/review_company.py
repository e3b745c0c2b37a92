"""The hand-built company of conftest.py under an SLA that is reset in the middle of March
2026, for the monthly review tests. Every quota below was worked out by hand:

SLA "A" 2026-01-01 .. 2026-03-15, quota 250,000, weights [1, 1, 0.5] (sum 2.5):
    January 100,000; February 100,000; March 1-15 50,000 (its 15 days only).
SLA "B" 2026-03-16 .. 2026-06-30, quota 350,000, weights [0.5, 1, 1, 1.5] (sum 4):
    March 16-31 43,750; April 87,500; May 87,500; June 131,250.
So calendar March owes 50,000 + 43,750 = 93,750, and is judged by B (in force on the 31st).
MQL targets are 31 a month under A and 62 under B: March's is 31 × 15/31 + 62 × 16/31 = 47.
"""

from __future__ import annotations

import pytest

from dashboard.core.config import load_config
from dashboard.data import Database
from tests.companies.builders import write_config, write_table
from tests.companies.hand_built import DEALS, LEADS, REPS, TOUCHES, TRAFFIC

TABLES = {"reps": REPS, "leads": LEADS, "deals": DEALS, "traffic": TRAFFIC, "touches": TOUCHES}

RESET_SLA = """
[company]
name = "Hand & Co <b>"

[[sla]]
name = "A"
start = 2026-01-01
end = 2026-03-15
quota = 250000
monthly_quota_weights = [1, 1, 0.5]

[sla.lead_definition]
mql_threshold = 50
rules = [{ attribute = "company_size", op = ">=", value = 200, points = 60 }]

[sla.follow_up]
first_touch_within_hours = 4
min_attempts = 3
attempt_window_days = 10

[sla.targets]
mqls = 31
mql_to_sql_rate = 0.5
lead_to_mql_rate = 0.5

[[sla]]
name = "B"
start = 2026-03-16
end = 2026-06-30
quota = 350000
monthly_quota_weights = [0.5, 1, 1, 1.5]

[sla.lead_definition]
mql_threshold = 50
rules = [{ attribute = "company_size", op = ">=", value = 200, points = 60 }]

[sla.follow_up]
first_touch_within_hours = 4
min_attempts = 3
attempt_window_days = 10

[sla.targets]
mqls = 62
mql_to_sql_rate = 0.6
lead_to_mql_rate = 0.5
win_rate = 0.5

[[teams]]
name = "Marketing"
function = "marketing"
kpis = ["leads", "mqls", "lead_to_mql_rate"]

[[teams]]
name = "Shared"
function = "shared"
kpis = ["won_revenue", "mql_to_sql_rate"]

[[teams]]
name = "East"
function = "sales"
kpis = ["mql_to_sql_rate", "win_rate", "sales_cycle_days"]
"""


def write_reset_company(folder):
    """Write the extracts and the reset config; returns the config path."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in TABLES.items():
        write_table(folder, name, rows)
    return write_config(folder, tuple(TABLES), sla=RESET_SLA)


@pytest.fixture
def reset_company(tmp_path):
    database = Database(load_config(write_reset_company(tmp_path / "extracts")))
    yield database
    database.close()
