"""A hand-built company for the follow-up rules: three SDRs on two teams, sixteen leads around
June 2026, and their touches. Every expected value in test_follow_up.py, test_compliance_page
and the compliance CLI test was worked out by hand from these rows.

The SLA: first touch within 4 working hours, at least 3 attempts within 10 days, business
hours 09:00-18:00 New York (UTC-4 in June), Monday to Friday; recycle after 3 unanswered
attempts or when not ready 30 days after hand-off. The data is as of Friday 2026-06-19, so
the as-of instant is 2026-06-20 00:00 UTC = Friday 19 June 20:00 New York.
All timestamps below are UTC; "EDT" notes give New York time.
"""

from __future__ import annotations

from pathlib import Path

from dashboard.core.config import load_config
from dashboard.data import Database
from tests.companies.builders import write_config, write_table

FOLLOW_UP_SLA = """
[[sla]]
name = "FY2026"
start = 2026-01-01
end = 2026-12-31
quota = 1200000

[sla.lead_definition]
mql_threshold = 50
rules = [{ attribute = "demo_requested", op = "=", value = true, points = 50 }]

[sla.recycle]
no_response_attempts = 3
not_ready_after_days = 30

[sla.follow_up]
first_touch_within_hours = 4
min_attempts = 3
attempt_window_days = 10
timezone = "America/New_York"
business_hours = ["09:00", "18:00"]
working_days = ["Mon", "Tue", "Wed", "Thu", "Fri"]

[sla.targets]
first_touch_within_sla_rate = 0.9
"""

# The same rules, but from 15 June a stricter first touch (half a working hour).
SPLIT_SLA = FOLLOW_UP_SLA.replace('end = 2026-12-31', 'end = 2026-06-14') + FOLLOW_UP_SLA.replace(
    'name = "FY2026"', 'name = "FY2026 late"').replace("start = 2026-01-01", "start = 2026-06-15").replace(
    "first_touch_within_hours = 4", "first_touch_within_hours = 0.5")

TEAMS = """
[[teams]]
name = "East"
function = "sales"
kpis = ["first_touch_within_sla_rate", "min_attempts_met_rate"]

[[teams]]
name = "West"
function = "sales"
kpis = ["first_touch_within_sla_rate", "min_attempts_met_rate"]
"""

REPS = [
    {"rep_id": "R1", "name": "Ada", "team": "East", "role": "SDR"},
    {"rep_id": "R2", "name": "Bo", "team": "East", "role": "SDR"},
    {"rep_id": "R3", "name": "Cy", "team": "West", "role": "SDR"},
]

LEADS = [
    # met: touched after 1 h (Mon 09:00 -> 10:00 EDT), 3 attempts, SQL
    {"lead_id": "L01", "created_at": "2026-06-01 12:00", "mql_at": "2026-06-01 13:00", "sql_at": "2026-06-05 13:00",
     "owner_id": "R1", "channel": "paid", "segment": "SMB"},
    # met: handed off Friday 17:59 EDT, touched Monday 09:30 EDT = 31 working minutes; SQL and won
    {"lead_id": "L02", "created_at": "2026-06-05 21:00", "mql_at": "2026-06-05 21:59", "sql_at": "2026-06-09 20:00",
     "owner_id": "R1", "channel": "organic", "segment": "SMB"},
    # breached first touch: Tue 09:00 EDT -> Wed 11:00 EDT = 9 + 2 = 11 working hours
    {"lead_id": "L03", "created_at": "2026-06-02 12:00", "mql_at": "2026-06-02 13:00",
     "owner_id": "R1", "channel": "paid", "segment": "Enterprise"},
    # breached attempts: touched after 1 h, but only 2 attempts before the window closed 06-11 14:00
    {"lead_id": "L04", "created_at": "2026-06-01 12:00", "mql_at": "2026-06-01 14:00",
     "owner_id": "R2", "channel": "organic", "segment": "SMB"},
    # still open: touched after 0.5 h, 1 attempt, window runs to 06-28
    {"lead_id": "L05", "created_at": "2026-06-18 12:00", "mql_at": "2026-06-18 13:00",
     "owner_id": "R2", "channel": "paid", "segment": "SMB"},
    # never touched: Wed 06-10 09:00 EDT to the as-of instant = 72 working hours, 68 overdue
    {"lead_id": "L06", "created_at": "2026-06-10 12:00", "mql_at": "2026-06-10 13:00",
     "owner_id": "R2", "channel": "paid", "segment": "SMB"},
    # still open, not yet due: Fri 16:00 EDT, 2 of its 4 working hours used
    {"lead_id": "L07", "created_at": "2026-06-19 19:00", "mql_at": "2026-06-19 20:00",
     "owner_id": "R3", "channel": "organic", "segment": "SMB"},
    # met by converting: 1 attempt, SQL next day, inside the window
    {"lead_id": "L08", "created_at": "2026-06-08 12:00", "mql_at": "2026-06-08 13:00", "sql_at": "2026-06-09 13:00",
     "owner_id": "R3", "channel": "paid", "segment": "SMB"},
    # met by being disqualified: 1 attempt after 15 min, disqualified next day
    {"lead_id": "L09", "created_at": "2026-06-09 12:00", "mql_at": "2026-06-09 13:00",
     "disqualified_at": "2026-06-10 13:00", "owner_id": "R3", "channel": "organic", "segment": "SMB"},
    # never touched and handed back untouched on 06-15
    {"lead_id": "L10", "created_at": "2026-06-01 12:00", "mql_at": "2026-06-01 13:00",
     "recycled_at": "2026-06-15 13:00", "owner_id": "R3", "channel": "paid", "segment": "SMB"},
    # met, no owner: touched at the moment of hand-off
    {"lead_id": "L11", "created_at": "2026-06-03 12:00", "mql_at": "2026-06-03 13:00",
     "channel": "organic", "segment": "SMB"},
    # handed off in May: outside June
    {"lead_id": "L12", "created_at": "2026-05-29 12:00", "mql_at": "2026-05-29 13:00",
     "owner_id": "R1", "channel": "paid", "segment": "SMB"},
    # never touched: its only touch came before the hand-off; Thu 06-11 09:00 EDT = 63 working hours ago
    {"lead_id": "L13", "created_at": "2026-06-11 11:00", "mql_at": "2026-06-11 13:00",
     "owner_id": "R1", "channel": "paid", "segment": "SMB"},
    # handed off in April, 3 unanswered attempts, recycled 06-02: "no response after 3 attempts"
    {"lead_id": "L14", "created_at": "2026-04-01 12:00", "mql_at": "2026-04-01 13:00",
     "recycled_at": "2026-06-02 13:00", "owner_id": "R2", "channel": "paid", "segment": "SMB"},
    # handed off in April, 1 attempt, recycled 44 days later: "not ready"; then SQL and won
    {"lead_id": "L15", "created_at": "2026-04-20 12:00", "mql_at": "2026-04-20 13:00", "sql_at": "2026-06-17 13:00",
     "recycled_at": "2026-06-03 13:00", "owner_id": "R3", "channel": "organic", "segment": "SMB"},
    # recycled 06-04 after 2 attempts in May, handed off again 06-12 (Fri 09:00 EDT) and not touched since:
    # never touched, 54 working hours since hand-off, 50 overdue
    {"lead_id": "L16", "created_at": "2026-05-19 12:00", "mql_at": "2026-06-12 13:00",
     "recycled_at": "2026-06-04 13:00", "owner_id": "R1", "channel": "paid", "segment": "SMB"},
]

TOUCHES = [
    {"touch_id": f"T{number:02d}", "lead_id": lead, "rep_id": rep, "touched_at": at, "kind": "call"}
    for number, (lead, rep, at) in enumerate([
        ("L01", "R1", "2026-06-01 14:00"), ("L01", "R1", "2026-06-02 14:00"), ("L01", "R1", "2026-06-03 14:00"),
        ("L02", "R1", "2026-06-08 13:30"), ("L02", "R1", "2026-06-09 15:00"), ("L02", "R1", "2026-06-10 15:00"),
        ("L03", "R1", "2026-06-03 15:00"), ("L03", "R1", "2026-06-04 15:00"), ("L03", "R1", "2026-06-05 15:00"),
        ("L04", "R2", "2026-06-01 15:00"), ("L04", "R2", "2026-06-04 15:00"), ("L04", "R2", "2026-06-12 15:00"),
        ("L05", "R2", "2026-06-18 13:30"),
        ("L08", "R3", "2026-06-08 14:00"),
        ("L09", "R3", "2026-06-09 13:15"),
        ("L11", "R1", "2026-06-03 13:00"), ("L11", "R1", "2026-06-04 13:00"), ("L11", "R1", "2026-06-05 13:00"),
        ("L13", "R1", "2026-06-11 12:00"),
        ("L14", "R2", "2026-04-01 14:00"), ("L14", "R2", "2026-04-02 14:00"), ("L14", "R2", "2026-04-03 14:00"),
        ("L15", "R3", "2026-04-20 14:00"),
        ("L16", "R1", "2026-05-20 14:00"), ("L16", "R1", "2026-05-21 14:00"),
    ], start=1)
]

DEALS = [
    {"deal_id": "D1", "lead_id": "L02", "owner_id": "R1", "created_at": "2026-06-10 13:00",
     "proposal_at": "2026-06-11 13:00", "closed_at": "2026-06-15 13:00", "status": "won", "amount": 10000},
    {"deal_id": "D2", "lead_id": "L15", "owner_id": "R3", "created_at": "2026-06-17 14:00",
     "proposal_at": "2026-06-17 15:00", "closed_at": "2026-06-18 13:00", "status": "won", "amount": 5000},
]


def build_follow_up_company(folder: Path, sla: str = FOLLOW_UP_SLA, tables=None) -> Database:
    """Write the extracts and a config (as of 2026-06-19) into `folder`; return its database."""
    folder.mkdir(parents=True, exist_ok=True)
    tables = tables or {"reps": REPS, "leads": LEADS, "touches": TOUCHES, "deals": DEALS}
    for name, rows in tables.items():
        write_table(folder, name, rows)
    config_path = write_config(folder, tuple(tables), extra=TEAMS, sla=sla, data_extra="as_of = 2026-06-19")
    return Database(load_config(config_path))
