"""The lead journey on a hand-built company of ten leads; every count worked out by hand.

As of 2026-04-30, the leads created in March 2026 (L9 is April's):
  L1  lead → MQL → SQL → proposal → won (D1)
  L2  lead → MQL → disqualified
  L3  lead → MQL → recycled to marketing (not handed off again)
  L4  lead → MQL → recycled 03-12, handed off again 03-25 → SQL, still open
  L5  lead → MQL → SQL → proposal → lost (D2)
  L6  lead, never handed off: still with marketing
  L7  lead → disqualified before hand-off
  L8  lead → MQL → SQL → proposal; D3 closes won on 05-10, after the as-of date: still open
  L10 lead → MQL → SQL → lost without a proposal (D4); the only paid lead
"""

import datetime as dt

from dashboard.funnel.charts import journey_figure
from dashboard.funnel.data import lead_journey
from dashboard.funnel.domain import Filters
from dashboard.funnel.journey import NOT_HANDED_OFF, RECYCLED_AND_BACK
from tests.companies.builders import build_database

LEADS = [
    {"lead_id": "L1", "created_at": "2026-03-02", "mql_at": "2026-03-03", "sql_at": "2026-03-05", "channel": "organic"},
    {"lead_id": "L2", "created_at": "2026-03-04", "mql_at": "2026-03-05", "disqualified_at": "2026-03-08", "channel": "organic"},
    {"lead_id": "L3", "created_at": "2026-03-06", "mql_at": "2026-03-07", "recycled_at": "2026-03-15", "channel": "organic"},
    {"lead_id": "L4", "created_at": "2026-03-08", "mql_at": "2026-03-25", "recycled_at": "2026-03-12",
     "sql_at": "2026-03-28", "channel": "organic"},
    {"lead_id": "L5", "created_at": "2026-03-10", "mql_at": "2026-03-11", "sql_at": "2026-03-12", "channel": "organic"},
    {"lead_id": "L6", "created_at": "2026-03-12", "channel": "organic"},
    {"lead_id": "L7", "created_at": "2026-03-14", "disqualified_at": "2026-03-15", "channel": "organic"},
    {"lead_id": "L8", "created_at": "2026-03-20", "mql_at": "2026-03-21", "sql_at": "2026-03-22", "channel": "organic"},
    {"lead_id": "L9", "created_at": "2026-04-02", "mql_at": "2026-04-03", "channel": "organic"},
    {"lead_id": "L10", "created_at": "2026-03-16", "mql_at": "2026-03-17", "sql_at": "2026-03-18", "channel": "paid"},
]
DEALS = [
    {"deal_id": "D1", "lead_id": "L1", "created_at": "2026-03-06", "proposal_at": "2026-03-10",
     "closed_at": "2026-03-20", "status": "won", "amount": 1000},
    {"deal_id": "D2", "lead_id": "L5", "created_at": "2026-03-13", "proposal_at": "2026-03-15",
     "closed_at": "2026-03-25", "status": "lost", "amount": 1000},
    {"deal_id": "D3", "lead_id": "L8", "created_at": "2026-03-23", "proposal_at": "2026-04-02",
     "closed_at": "2026-05-10", "status": "won", "amount": 1000},
    {"deal_id": "D4", "lead_id": "L10", "created_at": "2026-03-19", "closed_at": "2026-03-30", "status": "lost",
     "amount": 1000},
]


MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
AS_OF = dt.date(2026, 4, 30)


def links(journey):
    return {(row.source, row.target): row.leads for row in journey.links.itertuples(index=False)}


def build(tmp_path, drop=None):
    return build_database(tmp_path / "extracts", {"leads": LEADS, "deals": DEALS}, drop=drop)


def test_the_journey_follows_each_lead_to_its_furthest_stage_and_outcome(tmp_path):
    journey = lead_journey(build(tmp_path), *MARCH, Filters(), AS_OF)
    assert journey.leads == 9
    assert links(journey) == {
        ("Leads", "MQLs"): 7, ("Leads", "Disqualified"): 1, ("Leads", NOT_HANDED_OFF): 1,
        ("MQLs", RECYCLED_AND_BACK): 1, ("MQLs", "SQLs"): 4, ("MQLs", "Disqualified"): 1,
        ("MQLs", "Recycled to marketing"): 1, (RECYCLED_AND_BACK, "SQLs"): 1,
        ("SQLs", "Proposals"): 3, ("SQLs", "Lost"): 1, ("SQLs", "Still open"): 1,
        ("Proposals", "Won"): 1, ("Proposals", "Lost"): 1, ("Proposals", "Still open"): 1,
    }
    assert journey.node_totals()["SQLs"] == 5 and journey.node_totals()["Leads"] == 9
    assert journey.not_tracked == ()
    after = journey.from_hand_off()
    assert after.leads == 7 and after.nodes[0] == "MQLs" and "Leads" not in after.nodes
    assert after.node_totals()["MQLs"] == 7


def test_an_untracked_stage_is_left_out_not_drawn_as_zero(tmp_path):
    journey = lead_journey(build(tmp_path, drop={"deals": ("proposal_at",), "leads": ("recycled_at",)}),
                               *MARCH, Filters(), AS_OF)
    got = links(journey)
    assert "Proposals" not in journey.nodes and RECYCLED_AND_BACK not in journey.nodes
    assert "Recycled to marketing" not in journey.nodes
    # L3 stays open at MQL without its recycle; L4 goes MQL → SQL; SQLs go straight to their outcome
    assert got[("MQLs", "Still open")] == 1 and got[("MQLs", "SQLs")] == 5
    assert got[("SQLs", "Won")] == 1 and got[("SQLs", "Lost")] == 2 and got[("SQLs", "Still open")] == 2
    assert journey.not_tracked == ("Proposals", "Recycled to marketing (and back)")


def test_an_export_without_a_lead_stage_starts_its_journey_at_the_mqls(tmp_path):
    """Olist's leads file holds MQLs only: its Sankey's first node read "Leads"."""
    database = build_database(tmp_path / "extracts", {"leads": LEADS, "deals": DEALS},
                              data_extra='stages_not_tracked = ["lead"]')
    journey = lead_journey(database, *MARCH, Filters(), AS_OF)
    assert "Leads" not in journey.nodes and journey.nodes[0] == "MQLs"
    assert "Leads" in journey.not_tracked
    # the seven March MQLs as in the full journey; L6 and L7 never reached one, so are not drawn
    assert journey.node_totals()["MQLs"] == 7
    assert ("MQLs", "SQLs") in links(journey) and not any(source == "Leads" for source, _ in links(journey))


def test_the_journey_respects_the_channel_filter(tmp_path):
    journey = lead_journey(build(tmp_path), *MARCH, Filters(channel="paid"), AS_OF)
    assert links(journey) == {("Leads", "MQLs"): 1, ("MQLs", "SQLs"): 1, ("SQLs", "Lost"): 1}


def test_events_after_the_as_of_date_have_not_happened(tmp_path):
    journey = lead_journey(build(tmp_path), *MARCH, Filters(), dt.date(2026, 3, 9))
    # As of 03-09: L1 proposal (03-10) not yet, open deal D1 → still open at SQL; L2 disqualified 03-08;
    # L3 MQL; L4 lead (re-MQL and recycle later); L5-L8, L10 not created yet.
    assert links(journey) == {("Leads", "MQLs"): 3, ("Leads", NOT_HANDED_OFF): 1, ("MQLs", "SQLs"): 1,
                              ("MQLs", "Disqualified"): 1, ("MQLs", "Still open"): 1, ("SQLs", "Still open"): 1}


def test_the_sankey_draws_every_link_with_its_count_and_no_untracked_node(tmp_path):
    journey = lead_journey(build(tmp_path, drop={"deals": ("proposal_at",)}), *MARCH, Filters(), AS_OF)
    sankey = journey_figure(journey).data[0]
    labels = list(sankey.node.label)
    assert labels[0] == "Leads (9)" and "SQLs (5)" in labels and not any(label.startswith("Proposals") for label in labels)
    assert sum(sankey.link.value) == int(journey.links["leads"].sum())
    assert "%{value:,} leads" in sankey.link.hovertemplate
    # labels dark and without the halo that made them read light grey on the grey links
    assert (sankey.textfont.color, sankey.textfont.shadow) == ("#212121", "none")


def test_without_a_leads_extract_there_is_no_journey(tmp_path):
    database = build_database(tmp_path / "deals_only", {"deals": DEALS})
    assert lead_journey(database, *MARCH, Filters(), AS_OF) is None
