"""The hand-back facts: each time sales closed out a lead without converting it (recycled or
disqualified), with the attempts made before, the first touch, the hand-off and the first win
after it (`hand_back_facts.sql`), and the reason under the recycle rule in force
(`follow_up.settle_hand_back_reasons`), built once per data version (dashboard/data/facts.py).
The compliance page counts the reasons from them (`hand_back_reasons_from_facts.sql`) and its
download lists them (`sales_hand_backs_from_facts.sql`) once they hold this data version; until
then `sales_hand_backs.sql` reads the extracts.

What depends on the as-of date (a re-MQL, an SQL or a win after the exit before it) and on the
range (a lead recycled and disqualified counts by its disqualification when that is in the
range) is decided when a page reads them, so they serve any as-of date and any range: they hold
every exit there is.

They depend on the data mapping and on each SLA version's period and recycle rule; changing any
other part of the config reuses them. A refresh rebuilds the months
from the first exit the gained leads and touches reach, and folds gained won deals into the
stored months (`hand_back_wins_added.sql`): a win can follow an exit of any age.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterator

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from dashboard.compliance.follow_up import FollowUpRule, settle_hand_back_reasons
from dashboard.core.config import month_starts
from dashboard.data import Database, date_range_params
from dashboard.data.facts import FactsSpec, NotAppendable, facts_ready
from dashboard.facts.months import earliest, first_affected_day, month_starts_of

HAND_BACK_FACTS = "hand_back_facts"


def _month_end(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def _depends_on(database: Database) -> object:
    config = database.config
    return (config.data, tuple((sla.name, sla.start, sla.end, sla.recycle) for sla in config.slas))


def _settled(database: Database, frame: pd.DataFrame) -> pa.Table:
    rules = [FollowUpRule.from_sla(sla) for sla in database.config.slas]
    settled = settle_hand_back_reasons(frame, rules)
    # Typed even when a month has no exit, so every month's file has the same columns and types.
    settled = settled.astype({"sla_name": "str", "reason": "str", "days_in_sales": "float64"})
    return pa.Table.from_pandas(settled, preserve_index=False)


def _months(database: Database) -> list[dt.date]:
    row = database.query_once("hand_back_span").iloc[0]
    if pd.isna(row["first_at"]):
        return []
    return month_starts(pd.Timestamp(row["first_at"]).date(), pd.Timestamp(row["last_at"]).date())


def _build_months(database: Database, months: list[dt.date]) -> Iterator[tuple[dt.date, pa.Table]]:
    """One query over the span (the touches are joined once), then month by month: exits are a
    small share of the leads."""
    if not months:
        return
    frame = database.query(HAND_BACK_FACTS, date_range_params(months[0], _month_end(months[-1])))
    month_of = month_starts_of(frame["exit_at"])
    for month in months:
        yield month, _settled(database, frame[month_of == month])


def _empty(database: Database) -> pa.Table:
    day = dt.date(2000, 1, 1)
    return _settled(database, database.query(HAND_BACK_FACTS, date_range_params(day, day)))


def _fold_added(database: Database, stored: dict[dt.date, object]) -> Iterator[tuple[dt.date, pa.Table]]:
    """The stored months with an exit a gained won deal follows, its first win after the exit
    moved to the earlier of the stored and the gained one; every other row is kept as stored."""
    if not stored:
        return
    gained = database.query("hand_back_wins_added", date_range_params(min(stored), _month_end(max(stored))))
    if gained.empty:
        return
    month_of = month_starts_of(gained["exit_at"])
    for month in sorted(set(pd.unique(month_of)) & set(stored)):
        table = pq.read_table(stored[month])
        frame = table.to_pandas()
        won_after = gained[month_of == month].set_index(["lead_id", "exit_kind"])["won_after_exit_at"]
        aligned = won_after.reindex(pd.MultiIndex.from_frame(frame[["lead_id", "exit_kind"]]))
        folded = earliest(frame["won_after_exit_at"], pd.Series(aligned.to_numpy(), frame.index))
        if folded.equals(frame["won_after_exit_at"]):
            continue
        frame["won_after_exit_at"] = folded
        yield month, pa.Table.from_pandas(frame, schema=table.schema, preserve_index=False)


def _affected_from(database: Database, added: dict) -> dt.date | None:
    if added.get("reps"):
        raise NotAppendable("new reps files can change any hand-back's owner name and team")
    return first_affected_day(database, "hand_back_facts_affected_from")


HAND_BACK_SPEC = FactsSpec(
    name=HAND_BACK_FACTS,
    label="hand-backs",
    tables=("leads", "touches", "deals", "reps"),
    depends_on=_depends_on,
    months=_months,
    build_months=_build_months,
    empty=_empty,
    affected_from=_affected_from,
    fold_added=_fold_added,
)


def hand_backs_query(database: Database) -> str:
    """`sales_hand_backs_from_facts` when the hand-back facts hold this data version (they hold
    every exit, for any range and as-of date), else `sales_hand_backs` (it reads the extracts)."""
    return "sales_hand_backs_from_facts" if facts_ready(database, HAND_BACK_FACTS) else "sales_hand_backs"


def hand_back_reasons_from_facts(database: Database) -> bool:
    """Whether the hand-back facts hold this data version, so `hand_back_reasons_from_facts.sql`
    counts the reasons (else they are counted from the classified rows of `sales_hand_backs.sql`)."""
    return facts_ready(database, HAND_BACK_FACTS)


def recycled_query(database: Database) -> str:
    """`recycled_by_month_from_facts` when the hand-back facts hold this data version, else
    `recycled_by_month` (it reads the extracts): the same rows."""
    return "recycled_by_month_from_facts" if facts_ready(database, HAND_BACK_FACTS) else "recycled_by_month"
