"""A company whose leads extract stops months before its deals: the CRM's lead export ends on
20 Feb 2026 while deals run to 25 Jun 2026 (the as-of date). The review of May 2026 (the last
complete month) has won revenue from deals, but no lead or MQL: not because none came, because
the extract has none. Worked out by hand:

May 2026: D1 won on 12 May, $50,000 (from L1, an MQL of January). June to date: D2 won 10 Jun,
$80,000 (sales-sourced). Won to date in FY2026 by 31 May: $50,000 of a $1,200,000 quota.
Leads: 6, all created in January and February; the extract's latest lead is 20 Feb 2026,
125 days before the as-of date (the data-health check flags a lag beyond 7 days).
"""

from __future__ import annotations

from tests.companies.builders import write_config, write_table

LEADS_END = "20 Feb 2026"

EARLY_LEADS_SLA = """
[company]
name = "Early Leads Ltd"

[[sla]]
name = "FY2026"
start = 2026-01-01
end = 2026-12-31
quota = 1200000

[sla.lead_definition]
mql_threshold = 50
rules = [{ attribute = "company_size", op = ">=", value = 200, points = 60 }]

[sla.follow_up]
first_touch_within_hours = 4
min_attempts = 3
attempt_window_days = 10

[sla.targets]
leads = 20
mqls = 8
lead_to_mql_rate = 0.4
mql_to_sql_rate = 0.5
win_rate = 0.3

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
kpis = ["win_rate"]
"""

LEADS = [
    {"lead_id": "L1", "created_at": "2026-01-05 10:00", "company_size": 500, "score": 60,
     "mql_at": "2026-01-05 12:00", "sql_at": "2026-01-08 10:00", "owner_id": "R1", "channel": "organic",
     "segment": "SMB"},
    {"lead_id": "L2", "created_at": "2026-01-12 10:00", "company_size": 300, "score": 60,
     "mql_at": "2026-01-12 11:00", "owner_id": "R1", "channel": "organic", "segment": "SMB"},
    {"lead_id": "L3", "created_at": "2026-01-20 10:00", "company_size": 20, "score": 0,
     "channel": "paid_search", "segment": "SMB"},
    {"lead_id": "L4", "created_at": "2026-02-03 10:00", "company_size": 800, "score": 60,
     "mql_at": "2026-02-03 10:30", "owner_id": "R1", "channel": "paid_search", "segment": "Enterprise"},
    {"lead_id": "L5", "created_at": "2026-02-10 10:00", "company_size": 10, "score": 0,
     "channel": "organic", "segment": "SMB"},
    {"lead_id": "L6", "created_at": "2026-02-20 10:00", "company_size": 15, "score": 0,
     "channel": "organic", "segment": "SMB"},
]

DEALS = [
    {"deal_id": "D1", "lead_id": "L1", "owner_id": "R2", "created_at": "2026-01-09 10:00",
     "proposal_at": "2026-03-02 10:00", "closed_at": "2026-05-12 15:00", "status": "won", "amount": 50000},
    {"deal_id": "D2", "owner_id": "R2", "created_at": "2026-03-01 10:00", "proposal_at": "2026-04-15 10:00",
     "closed_at": "2026-06-10 15:00", "status": "won", "amount": 80000},
    {"deal_id": "D3", "owner_id": "R2", "created_at": "2026-04-01 10:00", "proposal_at": "2026-05-05 10:00",
     "closed_at": "2026-05-28 15:00", "status": "lost", "amount": 40000},
    {"deal_id": "D4", "owner_id": "R2", "created_at": "2026-06-20 10:00", "proposal_at": "2026-06-25 10:00",
     "status": "open", "amount": 60000},
]

REPS = [
    {"rep_id": "R1", "name": "Ada SDR", "team": "East", "role": "SDR"},
    {"rep_id": "R2", "name": "Bo AE", "team": "East", "role": "AE"},
]

TABLES = {"reps": REPS, "leads": LEADS, "deals": DEALS}


def write_early_leads_company(folder):
    """Write the extracts and the config; returns the config path."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in TABLES.items():
        write_table(folder, name, rows)
    return write_config(folder, tuple(TABLES), sla=EARLY_LEADS_SLA)
