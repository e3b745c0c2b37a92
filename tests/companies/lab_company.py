"""Twenty hand-made leads with every scoring attribute, for the scoring lab.

Under the builders' MINIMAL_SLA rules (company_size >= 200: 30 points, demo_requested: 50
points, threshold 50) the scores are, worked out by hand:
    30: L01 (250), L04 (1001), L07 (300), L09 (5000), L10 (200), L12 (201), L15 (2000), L17 (400)
    80: L03 (1000 + demo), L13 (800 + demo), L19 (1500 + demo)
    50: L08 (51 + demo)
     0: L02 (199), L05 (no size), L06 (50), L11 (10), L14 (120), L16 (30), L18 (75), L20 (199)
Observed (handed off, or an SQL or a deal): L01 L03 L04 L07 L08 L10 L12 (deal only) L13 L15 L16 L19.
Won: L01 10,000; L03 25,000; L10 40,000; L12 5,000; L13 30,000; L19 20,000 + 15,000 (two deals).
"""

from __future__ import annotations

LAB_LEADS = [
    # March 2026
    dict(lead_id="L01", created_at="2026-03-02", channel="organic", segment="SMB", company_size=250,
         industry="Software", job_level="VP", pricing_page_views=3, content_downloads=2, webinar_attended=True,
         demo_requested=False, mql_at="2026-03-03", sql_at="2026-03-05", owner_id="R1"),
    dict(lead_id="L02", created_at="2026-03-03", channel="paid", segment="SMB", company_size=199,
         industry="Retail", job_level="Manager", pricing_page_views=0, content_downloads=0, webinar_attended=False,
         demo_requested=False),
    dict(lead_id="L03", created_at="2026-03-04", channel="referral", segment="Mid-Market", company_size=1000,
         industry="Financial Services", job_level="Director", pricing_page_views=1, content_downloads=3,
         webinar_attended=False, demo_requested=True, mql_at="2026-03-04", sql_at="2026-03-06", owner_id="R1"),
    dict(lead_id="L04", created_at="2026-03-05", channel="organic", segment="Enterprise", company_size=1001,
         industry="Healthcare", job_level="C-level", pricing_page_views=4, content_downloads=0, webinar_attended=True,
         demo_requested=False, mql_at="2026-03-06", owner_id="R2"),
    dict(lead_id="L05", created_at="2026-03-06", channel="paid", segment="SMB", company_size=None,
         industry="Software", job_level="Individual Contributor", pricing_page_views=2, content_downloads=1,
         webinar_attended=False, demo_requested=False),
    dict(lead_id="L06", created_at="2026-03-07", channel="email", segment="SMB", company_size=50,
         industry="Education", job_level="Manager", pricing_page_views=0, content_downloads=5, webinar_attended=True,
         demo_requested=False),
    dict(lead_id="L07", created_at="2026-03-08", channel="organic", segment="Mid-Market", company_size=300,
         industry="Software", job_level="Director", pricing_page_views=2, content_downloads=2, webinar_attended=False,
         demo_requested=False, mql_at="2026-03-09", sql_at="2026-03-12", owner_id="R2"),
    dict(lead_id="L08", created_at="2026-03-09", channel="referral", segment="SMB", company_size=51,
         industry="Manufacturing", job_level="VP", pricing_page_views=5, content_downloads=0, webinar_attended=False,
         demo_requested=True, mql_at="2026-03-09", owner_id="R1"),
    dict(lead_id="L09", created_at="2026-03-10", channel="paid", segment="Enterprise", company_size=5000,
         industry="Financial Services", job_level="C-level", pricing_page_views=0, content_downloads=0,
         webinar_attended=False, demo_requested=False),
    dict(lead_id="L10", created_at="2026-03-11", channel="events", segment="Mid-Market", company_size=200,
         industry="Other", job_level="Manager", pricing_page_views=3, content_downloads=1, webinar_attended=True,
         demo_requested=False, mql_at="2026-03-12", sql_at="2026-03-15", owner_id="R2"),
    dict(lead_id="L11", created_at="2026-03-12", channel="organic", segment="SMB", company_size=10,
         industry="Retail", job_level="Individual Contributor", pricing_page_views=1, content_downloads=0,
         webinar_attended=False, demo_requested=False),
    dict(lead_id="L12", created_at="2026-03-31 23:00", channel="paid", segment="SMB", company_size=201,
         industry="Software", job_level="Manager", pricing_page_views=2, content_downloads=2, webinar_attended=False,
         demo_requested=False),
    # April 2026
    dict(lead_id="L13", created_at="2026-04-01", channel="organic", segment="Mid-Market", company_size=800,
         industry="Healthcare", job_level="VP", pricing_page_views=0, content_downloads=0, webinar_attended=False,
         demo_requested=True, mql_at="2026-04-01", sql_at="2026-04-03", owner_id="R1"),
    dict(lead_id="L14", created_at="2026-04-02", channel="paid", segment="SMB", company_size=120,
         industry="Software", job_level="Director", pricing_page_views=3, content_downloads=0, webinar_attended=False,
         demo_requested=False),
    dict(lead_id="L15", created_at="2026-04-03", channel="email", segment="Enterprise", company_size=2000,
         industry="Retail", job_level="Manager", pricing_page_views=1, content_downloads=1, webinar_attended=True,
         demo_requested=False, mql_at="2026-04-04", owner_id="R2"),
    dict(lead_id="L16", created_at="2026-04-04", channel="referral", segment="SMB", company_size=30,
         industry="Other", job_level="C-level", pricing_page_views=6, content_downloads=4, webinar_attended=True,
         demo_requested=False, mql_at="2026-04-05", sql_at="2026-04-07", owner_id="R1"),
    dict(lead_id="L17", created_at="2026-04-05", channel="organic", segment="Mid-Market", company_size=400,
         industry="Financial Services", job_level="Individual Contributor", pricing_page_views=0,
         content_downloads=0, webinar_attended=False, demo_requested=False),
    dict(lead_id="L18", created_at="2026-04-06", channel="paid", segment="SMB", company_size=75,
         industry="Manufacturing", job_level="VP", pricing_page_views=2, content_downloads=0, webinar_attended=False,
         demo_requested=False),
    dict(lead_id="L19", created_at="2026-04-07", channel="events", segment="Enterprise", company_size=1500,
         industry="Software", job_level="Director", pricing_page_views=4, content_downloads=3, webinar_attended=True,
         demo_requested=True, mql_at="2026-04-07", sql_at="2026-04-08", owner_id="R2"),
    dict(lead_id="L20", created_at="2026-04-08", channel="organic", segment="SMB", company_size=199,
         industry="Education", job_level="Director", pricing_page_views=0, content_downloads=1,
         webinar_attended=False, demo_requested=False),
]

LAB_DEALS = [
    dict(deal_id="D01", lead_id="L01", owner_id="R2", created_at="2026-03-06", proposal_at="2026-03-10",
         closed_at="2026-04-01", status="won", amount=10000),
    dict(deal_id="D03", lead_id="L03", owner_id="R2", created_at="2026-03-07", proposal_at="2026-03-15",
         closed_at="2026-04-20", status="won", amount=25000),
    dict(deal_id="D04", lead_id="L04", owner_id="R2", created_at="2026-03-10", closed_at="2026-04-10",
         status="lost", amount=8000),
    dict(deal_id="D07", lead_id="L07", owner_id="R2", created_at="2026-03-13", status="open", amount=12000),
    dict(deal_id="D10", lead_id="L10", owner_id="R2", created_at="2026-03-16", proposal_at="2026-03-20",
         closed_at="2026-04-25", status="won", amount=40000),
    dict(deal_id="D12", lead_id="L12", owner_id="R2", created_at="2026-04-02", proposal_at="2026-04-05",
         closed_at="2026-04-15", status="won", amount=5000),
    dict(deal_id="D13", lead_id="L13", owner_id="R2", created_at="2026-04-03", proposal_at="2026-04-06",
         closed_at="2026-04-28", status="won", amount=30000),
    dict(deal_id="D16", lead_id="L16", owner_id="R2", created_at="2026-04-08", closed_at="2026-04-20",
         status="lost", amount=6000),
    dict(deal_id="D19a", lead_id="L19", owner_id="R2", created_at="2026-04-09", proposal_at="2026-04-10",
         closed_at="2026-04-25", status="won", amount=20000),
    dict(deal_id="D19b", lead_id="L19", owner_id="R2", created_at="2026-04-09", proposal_at="2026-04-12",
         closed_at="2026-04-28", status="won", amount=15000),
    dict(deal_id="D99", lead_id=None, owner_id="R2", created_at="2026-03-01", proposal_at="2026-03-05",
         closed_at="2026-04-02", status="won", amount=9999),
]

LAB_REPS = [
    {"rep_id": "R1", "name": "Ada East", "team": "East", "role": "SDR"},
    {"rep_id": "R2", "name": "Bo West", "team": "West", "role": "AE"},
]

LAB_TABLES = {"leads": LAB_LEADS, "deals": LAB_DEALS, "reps": LAB_REPS}
