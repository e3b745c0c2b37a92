"""`map` on the real public exports in ../shared/realdata (skipped without them): the draft loads
with no edit and gives the README's hand checks (Olist: 842 won deals from 8,000 MQLs; Maven:
4,238 won deals worth 10,005,534, won against 2,473 lost)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dashboard.cli import main
from dashboard.core.config import load_config
from dashboard.data import Database
from dashboard.funnel import data as metrics

REALDATA = Path(__file__).resolve().parents[2].parent / "shared" / "realdata"
EVERYTHING = (dt.date(2016, 1, 1), dt.date(2018, 12, 31))

pytestmark = pytest.mark.skipif(not REALDATA.is_dir(), reason=f"real-data exports not found at {REALDATA}")


def drafted(tmp_path, name: str) -> Database:
    out = tmp_path / f"{name}.toml"
    assert main(["map", str(REALDATA / name), "--out", str(out)]) == 0
    return Database(load_config(out))


def test_the_olist_draft_counts_8000_mqls_and_842_won_deals(tmp_path, capsys):
    database = drafted(tmp_path, "olist-marketing-funnel")
    try:
        steps = {step.stage: step for step in metrics.funnel(database, *EVERYTHING).steps}
        revenue = metrics.revenue_summary(database, *EVERYTHING)
    finally:
        database.close()
    assert steps["mql"].count == 8000 and steps["won"].count == 842
    assert steps["lead"].count is None and steps["traffic"].count is None
    assert revenue.won_revenue is None and revenue.win_rate is None  # no amounts, no lost deals
    capsys.readouterr()


def test_the_maven_draft_counts_4238_won_deals_worth_10005534(tmp_path, capsys):
    database = drafted(tmp_path, "maven-crm-sales-opportunities")
    try:
        revenue = metrics.revenue_summary(database, *EVERYTHING)
        steps = {step.stage: step for step in metrics.funnel(database, *EVERYTHING).steps}
    finally:
        database.close()
    assert (revenue.won_deals, revenue.lost_deals, revenue.won_revenue) == (4238, 2473, 10_005_534)
    # The draft maps engage_date as deals.created_at: the funnel starts at the 8,300 engaged
    # opportunities (8,800 rows less the 500 Prospecting rows with no engage_date).
    assert steps["opportunity"].count == 8300 and steps["won"].previous_stage == "opportunity"
    capsys.readouterr()
