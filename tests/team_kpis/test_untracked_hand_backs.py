"""An export without leads.recycled_at / leads.disqualified_at (Olist's) tracks no hand-backs:
the by-channel recycled and disqualified figures are null ("not tracked"), never 0 %. Found on the
Olist export's Team KPIs page, which showed "Recycled 0.0 %" on every channel."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard.team_kpis.data import team_kpis_data
from tests.companies.builders import build_database
from tests.companies.hand_built import DEALS, LEADS, REPS

MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
TEAMS = """
[[teams]]
name = "Marketing"
function = "marketing"
"""
HAND_BACKS = ("recycled", "disqualified", "recycle_rate", "disqualified_rate")


def by_channel(tmp_path, drop=()):
    database = build_database(tmp_path / "extracts", {"leads": LEADS, "deals": DEALS, "reps": REPS},
                              drop={"leads": drop}, extra=TEAMS)
    try:
        return team_kpis_data(database, "Marketing", *MARCH).by_channel.set_index("value")
    finally:
        database.close()


def test_without_hand_back_columns_recycled_and_disqualified_are_not_tracked(tmp_path):
    table = by_channel(tmp_path, drop=("recycled_at", "disqualified_at"))
    for column in HAND_BACKS:
        assert table[column].isna().all(), column
    # The MQLs themselves are still counted: paid L1 (03-02) and L5 (03-11); organic L2 (03-03).
    assert (table.loc["paid", "mqls"], table.loc["organic", "mqls"]) == (2, 1)


def test_with_the_columns_and_no_hand_back_the_rates_are_a_real_zero(tmp_path):
    table = by_channel(tmp_path)
    # No hand-built lead was recycled or disqualified: 0 of 2 paid MQLs = 0 %, a measured zero.
    assert table.loc["paid", "recycle_rate"] == 0 and pd.notna(table.loc["paid", "disqualified_rate"])
