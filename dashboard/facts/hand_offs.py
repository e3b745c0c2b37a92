"""The hand-off facts: each lead handed to sales with its follow-up facts, settled under the SLA
version in force at hand-off, built once per data version (dashboard/data/facts.py).

A month of hand-off facts is `follow_up_facts.sql` over that month's hand-offs (one query per SLA
version, over the part of the span it covers) passed through `follow_up.settle_follow_up`:
owner, team, channel, segment, hand-off, first touch, the deadline and the working hours to
first touch under the rule in force, attempts in the window and whether they meet the rule, and
the outcome dates. What depends on the as-of date (still open, never touched, hours overdue) is
judged when a page reads them (`follow_up.judge_follow_up`), so the facts of a past month stay
right when a new month of data arrives.

A refresh after an extract gained files builds the months of new hand-offs only: the gained
touches and won deals of hand-offs already stored (`hand_off_facts_added.sql`) are folded into
their rows, which are settled again (`_fold_added`); the result equals a full build.

They depend on the data mapping and on each SLA version's period and follow-up rule; changing
any other part of the config (a quota, a target, the lead definition) reuses them.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterator

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from dashboard.compliance.follow_up import FollowUpRule, settle_follow_up
from dashboard.core.config import month_starts
from dashboard.data import Database, date_range_params
from dashboard.data.facts import FactsSpec, NotAppendable, facts_ready
from dashboard.funnel.data import data_as_of
from dashboard.funnel.domain import Filters
from dashboard.facts.months import earliest, first_affected_day, month_starts_of

HAND_OFF_FACTS = "hand_off_facts"


def as_of_end(as_of: dt.date) -> dt.datetime:
    return dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time())


def _month_end(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def _depends_on(database: Database) -> object:
    config = database.config
    return (config.data, tuple((sla.name, sla.start, sla.end, sla.follow_up) for sla in config.slas))


def _months(database: Database) -> list[dt.date]:
    """Every month an SLA version covers, up to the as-of date."""
    as_of = data_as_of(database)
    if as_of is None:
        return []
    months: set[dt.date] = set()
    for sla in database.config.slas:
        if sla.start <= as_of:
            months.update(month_starts(sla.start, min(sla.end, as_of)))
    return sorted(months)


def follow_up_facts_by_sla(database: Database, first: dt.date, last: dt.date, filters: Filters,
                           as_of: dt.date, slas=None) -> list[pd.DataFrame]:
    """`follow_up_facts.sql` for the hand-offs in [first, last], one frame per SLA version the
    range touches (of `slas`, default all), each tagged with the version (its rule judges them)."""
    frames = []
    for sla in database.config.slas if slas is None else slas:
        start, end = max(first, sla.start), min(last, sla.end)
        if start > end:
            continue
        params = {**date_range_params(start, end), **filters.params(), "as_of_end": as_of_end(as_of),
                  "attempt_window": dt.timedelta(days=sla.follow_up.attempt_window_days)}
        frames.append(database.query("follow_up_facts", params).assign(sla_name=sla.name))
    return frames


# The order a month's rows are stored in: Arrow's sort is stable and orders text by code point, as
# pandas' stable sort does, and takes a fraction of its time on text ids.
ROW_ORDER = [("mql_at", "ascending"), ("lead_id", "ascending")]


def _settled(database: Database, facts: pd.DataFrame) -> pa.Table:
    rules = {sla.name: FollowUpRule.from_sla(sla) for sla in database.config.slas}
    return pa.Table.from_pandas(settle_follow_up(facts, rules), preserve_index=False).sort_by(ROW_ORDER)


def _build_months(database: Database, months: list[dt.date]) -> Iterator[tuple[dt.date, pa.Table]]:
    """One query per SLA version over the span, then month by month: a query per month would
    read every later touch again for each month. A month two versions share is written once
    both have been read."""
    if not months:
        return
    as_of = data_as_of(database)
    wanted, parts = set(months), {}
    pending = sorted(wanted)
    frames = (frame for sla in sorted(database.config.slas, key=lambda sla: sla.start)
              for frame in follow_up_facts_by_sla(database, months[0], _month_end(months[-1]), Filters(), as_of, [sla]))
    for frame in frames:  # one version's hand-offs in memory at a time
        if frame.empty:
            continue
        month_of = month_starts_of(frame["mql_at"])
        for month in pd.unique(month_of):
            if month in wanted:
                parts.setdefault(month, []).append(frame[month_of == month])
        # months before this version's last month are complete: no later version reaches back
        last = max(month_of)
        while pending and pending[0] < last:
            month = pending.pop(0)
            yield month, _month_table(database, parts.pop(month, []))
    for month in pending:
        yield month, _month_table(database, parts.pop(month, []))


def _month_table(database: Database, parts: list[pd.DataFrame]) -> pa.Table:
    if not parts:
        return _empty(database)
    return _settled(database, pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0])


def _empty(database: Database) -> pa.Table:
    day = dt.date(2000, 1, 1)
    params = {**date_range_params(day, day), **Filters().params(), "as_of_end": as_of_end(day),
              "attempt_window": dt.timedelta(days=1)}
    empty = database.query("follow_up_facts", params).assign(sla_name=pd.Series(dtype="str"))
    return _settled(database, empty)


def _latest(stored: pd.Series, gained: pd.Series) -> pd.Series:
    return stored.where(gained.isna() | (stored >= gained), gained)


def _folded(stored: pd.DataFrame, gained: pd.DataFrame) -> pd.DataFrame:
    """Stored hand-offs' query columns with the gained touches and won deals of the same leads
    added, as `follow_up_facts.sql` over all the files gives them: a minimum stays a minimum, a
    count or a sum adds. `gained` is aligned to `stored` row by row."""
    return stored.assign(
        first_touch_at=earliest(stored["first_touch_at"], gained["first_touch_at"]),
        last_touch_at=_latest(stored["last_touch_at"], gained["last_touch_at"]),
        touches_since_hand_off=stored["touches_since_hand_off"] + gained["touches_since_hand_off"],
        attempts_in_window=stored["attempts_in_window"] + gained["attempts_in_window"],
        won_at=earliest(stored["won_at"], gained["won_at"]),
        won_amount=stored["won_amount"].where(gained["won_amount"].isna(),
                                              stored["won_amount"].fillna(0) + gained["won_amount"]),
    )


def _fold_added(database: Database, stored: dict[dt.date, object]) -> Iterator[tuple[dt.date, pa.Table]]:
    """The stored months whose hand-offs gained touches or won deals, with those rows folded and
    settled again; every other row is kept as stored. A month of new touches reaches hand-offs
    several months back, but only a few of each month's rows: rebuilding those months would
    redo every row's working-hours clock."""
    if not stored:
        return
    as_of = data_as_of(database)
    first, last = min(stored), _month_end(max(stored))
    frames = []
    for sla in database.config.slas:
        start, end = max(first, sla.start), min(last, sla.end)
        if start > end:
            continue
        params = {**date_range_params(start, end), "as_of_end": as_of_end(as_of),
                  "attempt_window": dt.timedelta(days=sla.follow_up.attempt_window_days)}
        frames.append(database.query("hand_off_facts_added", params))
    gained = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if gained.empty:
        return
    rules = {sla.name: FollowUpRule.from_sla(sla) for sla in database.config.slas}
    month_of = month_starts_of(gained["mql_at"])
    for month in sorted(set(pd.unique(month_of)) & set(stored)):
        table = pq.read_table(stored[month])
        frame = table.to_pandas()
        of_month = gained[month_of == month].set_index("lead_id")
        changed = frame["lead_id"].isin(of_month.index).to_numpy()
        if not changed.any():
            continue
        query_columns = list(frame.columns[:frame.columns.get_loc("sla_name") + 1])
        rows = frame.loc[changed, query_columns]
        aligned = of_month.reindex(rows["lead_id"].to_numpy()).set_index(rows.index)
        settled = settle_follow_up(_folded(rows, aligned), rules)
        merged = pd.concat([frame.loc[~changed], settled[list(frame.columns)]], ignore_index=True)
        yield month, pa.Table.from_pandas(merged, schema=table.schema, preserve_index=False).sort_by(ROW_ORDER)


def _affected_from(database: Database, added: dict) -> dt.date | None:
    if added.get("reps"):
        raise NotAppendable("new reps files can change any hand-off's owner name and team")
    return first_affected_day(database, "hand_off_facts_affected_from")


HAND_OFF_SPEC = FactsSpec(
    name=HAND_OFF_FACTS,
    label="follow-up of each hand-off",
    tables=("leads", "touches", "deals", "reps"),
    depends_on=_depends_on,
    months=_months,
    build_months=_build_months,
    empty=_empty,
    affected_from=_affected_from,
    fold_added=_fold_added,
)


def hand_off_facts_ready(database: Database, as_of: dt.date) -> bool:
    """The hand-off facts hold this data version, judged as of `as_of`: they are built as of the
    data's own date, so another as-of date reads the extracts."""
    return facts_ready(database, HAND_OFF_FACTS) and as_of == data_as_of(database)
