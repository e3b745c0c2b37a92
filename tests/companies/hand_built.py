"""The hand-built company most query tests read: two reps on two teams, eight leads around March 2026,
six deals. Every expected value in the query tests was worked out by hand from these rows."""

REPS = [
    {"rep_id": "R1", "name": "Ada East", "team": "East", "role": "SDR"},
    {"rep_id": "R2", "name": "Bo West", "team": "West", "role": "AE"},
]

LEADS = [
    {"lead_id": "L1", "created_at": "2026-02-20", "mql_at": "2026-03-02", "sql_at": "2026-03-05",
     "channel": "paid", "segment": "SMB", "owner_id": "R1"},
    {"lead_id": "L2", "created_at": "2026-03-01", "mql_at": "2026-03-03",
     "channel": "organic", "segment": "SMB", "owner_id": "R1"},
    {"lead_id": "L3", "created_at": "2026-03-31 23:59:59", "channel": "organic", "segment": "Enterprise"},
    {"lead_id": "L4", "created_at": "2026-04-01", "mql_at": "2026-04-02", "channel": "paid", "segment": "SMB"},
    {"lead_id": "L5", "created_at": "2026-03-10", "mql_at": "2026-03-11", "sql_at": "2026-03-20",
     "channel": "paid", "segment": "Enterprise", "owner_id": "R2"},
    {"lead_id": "L6", "created_at": "2026-03-15", "channel": "paid", "segment": "SMB"},
    {"lead_id": "L7", "created_at": "2026-01-05", "mql_at": "2026-01-06", "sql_at": "2026-01-20",
     "channel": "organic", "segment": "SMB", "owner_id": "R2"},
    {"lead_id": "L8", "created_at": "2026-03-20", "mql_at": "2026-04-03",
     "channel": "organic", "segment": "Mid-Market", "owner_id": "R1"},
]

DEALS = [
    {"deal_id": "D1", "lead_id": "L1", "owner_id": "R1", "created_at": "2026-03-06", "proposal_at": "2026-03-10",
     "closed_at": "2026-03-25", "status": "won", "amount": 10000},
    {"deal_id": "D2", "lead_id": "L7", "owner_id": "R2", "created_at": "2026-01-21", "proposal_at": "2026-02-10",
     "closed_at": "2026-03-05", "status": "won", "amount": 20000},
    {"deal_id": "D3", "lead_id": "L5", "owner_id": "R2", "created_at": "2026-03-21", "proposal_at": "2026-03-28",
     "status": "open", "amount": 5000},
    {"deal_id": "D4", "lead_id": None, "owner_id": "R2", "created_at": "2026-02-01", "proposal_at": "2026-02-15",
     "closed_at": "2026-03-31 12:00", "status": "won", "amount": 7000},
    {"deal_id": "D5", "lead_id": "L7", "owner_id": "R2", "created_at": "2026-01-25",
     "closed_at": "2026-03-15", "status": "lost", "amount": 3000},
    {"deal_id": "D6", "lead_id": "L1", "owner_id": "R1", "created_at": "2026-03-07", "proposal_at": "2026-04-02",
     "closed_at": "2026-04-10", "status": "won", "amount": 4000},
]

TRAFFIC = [
    {"date": "2026-02-28", "channel": "paid", "sessions": 100},
    {"date": "2026-03-01", "channel": "paid", "sessions": 200},
    {"date": "2026-03-01", "channel": "organic", "sessions": 300},
    {"date": "2026-03-31", "channel": "organic", "sessions": 50},
    {"date": "2026-04-01", "channel": "paid", "sessions": 999},
]

TOUCHES = [
    {"touch_id": "T1", "lead_id": "L1", "rep_id": "R1", "touched_at": "2026-03-02 10:00", "kind": "call"},
]
