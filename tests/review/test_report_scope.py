"""The monthly review's HTML report as a scoped viewer downloads it: made of the company's headline
numbers (which every role sees) and the data-health notes, it names no rep, so a rep's and a
manager's report holds no other rep's name or id; a manager's filtered to their team stays theirs."""

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest

from dashboard.core.access import Scope
from dashboard.core.config import load_config
from dashboard.data import Database
from dashboard.data.scope import company_wide
from dashboard.data_health.checks import validate
from dashboard.funnel.domain import Filters
from dashboard.review.data import monthly_review, review_months
from dashboard.review.report import render_report

REPO = Path(__file__).resolve().parents[2]
REPS = pd.read_parquet(REPO / "data" / "sample" / "reps.parquet")
EAST = tuple(REPS.loc[REPS["team"] == "Sales East", "rep_id"])


@pytest.fixture(scope="module")
def sample():
    database = Database(load_config(REPO / "sla_config.toml"))
    yield database
    database.close()


def _report(database, filters: Filters) -> str:
    # as review/cache.py makes it for the page's download
    months = review_months(company_wide(database))
    review = monthly_review(company_wide(database), dt.date(2026, 10, 1), filters, months)
    return render_report(review, validate(company_wide(database)))


@pytest.mark.parametrize("scope, filters, own", [
    (Scope("reps", ("R07",)), Filters(), {"R07"}),
    (Scope("reps", EAST, ("Sales East",)), Filters(team="Sales East"), set(EAST)),
])
def test_a_scoped_viewers_report_names_no_other_rep(sample, scope, filters, own):
    html = _report(sample.scoped(scope), filters)
    assert "Attainment" in html or "attainment" in html  # the report itself, not an error page
    others = REPS[~REPS["rep_id"].isin(own)]
    for rep_id, name, email in others[["rep_id", "name", "email"]].itertuples(index=False):
        assert name not in html and email not in html, name
        assert not re.search(rf"\b{rep_id}\b", html), rep_id
