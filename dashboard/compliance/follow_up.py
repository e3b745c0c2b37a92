"""Sales follow-up compliance, pure arithmetic: from per-lead follow-up facts (one row per lead
handed to sales, see `queries/follow_up_facts.sql`) to each lead's status under the SLA's
follow-up rules, per-rep and per-team aggregates, the leads overdue now, conversion by response
time, and why leads were handed back to marketing.

Nothing here touches DuckDB or Streamlit. Everything is vectorised (numpy / pandas), so it runs
on the millions of MQLs of a large extract without a per-row Python loop.

The rules, from the SLA version in force at each lead's hand-off:
- first touch within `first_touch_within_hours` working hours of hand-off (`mql_at`);
- at least `min_attempts` touches within `attempt_window_days` days of hand-off, unless the
  lead converted (SQL) or was disqualified before the window ended.

A lead's status as of the as-of date, checked in this order:
- never touched: no touch at all, and its first-touch time has run out;
- breached first touch: first touched later than the rule allows;
- met: first touched in time and the attempt rule is met;
- still open: first touched in time (or not yet due) and the attempt window is still running;
- breached attempts: first touched in time but the window ended with too few attempts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from dashboard.compliance.working_hours import (
    WorkingCalendar,
    add_working_hours_many,
    last_instant_within_many,
    working_hours_between_many,
)

MET = "met"
BREACHED_FIRST_TOUCH = "breached first touch"
BREACHED_ATTEMPTS = "breached attempts"
STILL_OPEN = "still open"
NEVER_TOUCHED = "never touched"
STATUSES = (MET, BREACHED_FIRST_TOUCH, BREACHED_ATTEMPTS, STILL_OPEN, NEVER_TOUCHED)

# Working hours from hand-off to first touch: [0, 1), [1, 4), [4, 24), [24, ∞).
BAND_EDGES = (1.0, 4.0, 24.0)
RESPONSE_BANDS = ("under 1 h", "1-4 h", "4-24 h", "24 h or more", NEVER_TOUCHED)

DISQUALIFIED = "Disqualified"
UNTOUCHED_HAND_BACK = "Handed back untouched"
EARLY_HAND_BACK = "Handed back early"
HAND_OFF_UNKNOWN = "Handed back, hand-off date unknown"
WON_LATER, SQL_LATER, RE_MQL, NO_LATER_ACTIVITY = "Won later", "Became SQL later", "Re-MQL'd", "No later activity"
LATER_OUTCOMES = (WON_LATER, SQL_LATER, RE_MQL, NO_LATER_ACTIVITY)
# Column of `hand_back_reasons` counting each later outcome.
OUTCOME_COLUMNS = dict(zip(LATER_OUTCOMES, ("won_later", "sql_later", "re_mql", "no_later_activity")))


@dataclass(frozen=True)
class FollowUpRule:
    """One SLA version's follow-up and recycle rules."""

    sla_name: str
    start: dt.date
    end: dt.date
    first_touch_within_hours: float
    min_attempts: int
    attempt_window_days: int
    calendar: WorkingCalendar
    no_response_attempts: int
    not_ready_after_days: int

    @classmethod
    def from_sla(cls, sla) -> "FollowUpRule":
        return cls(
            sla_name=sla.name, start=sla.start, end=sla.end,
            first_touch_within_hours=sla.follow_up.first_touch_within_hours,
            min_attempts=sla.follow_up.min_attempts,
            attempt_window_days=sla.follow_up.attempt_window_days,
            calendar=WorkingCalendar.from_follow_up(sla.follow_up),
            no_response_attempts=sla.recycle.no_response_attempts,
            not_ready_after_days=sla.recycle.not_ready_after_days,
        )

    def describe(self) -> str:
        calendar = self.calendar
        days = ", ".join(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[d] for d in calendar.working_days)
        return (f"{self.sla_name}: first touch within {self.first_touch_within_hours:g} working hours, "
                f"at least {self.min_attempts} attempts within {self.attempt_window_days} days "
                f"(business hours {calendar.opens:%H:%M}-{calendar.closes:%H:%M} {days}, {calendar.timezone})")


def _times(frame: pd.DataFrame, column: str) -> np.ndarray:
    return pd.to_datetime(frame[column]).to_numpy(dtype="datetime64[us]")


# The columns `evaluate_follow_up` adds, in order.
EVALUATED_COLUMNS = (
    "first_touch_within_hours", "min_attempts", "first_touch_due_at", "first_touch_late_after_at", "hours_to_first_touch",
    "working_hours_since_hand_off", "is_first_touch_decided", "is_first_touch_within", "attempt_window_end_at",
    "is_attempts_decided", "is_attempts_met", "is_open", "status", "hours_overdue", "response_band",
)


def evaluate_follow_up(facts: pd.DataFrame, rules: Mapping[str, FollowUpRule], as_of_end: dt.datetime) -> pd.DataFrame:
    """Each lead with its working hours to first touch, attempt-rule result and status.

    `facts` has the columns of `follow_up_facts.sql` plus `sla_name`, naming the rule in force
    at the lead's hand-off. `as_of_end` is the first instant after the as-of day.
    Added columns: those of `settle_follow_up`, then those of `judge_follow_up`.
    """
    return judge_follow_up(settle_follow_up(facts, rules), rules, as_of_end)


def settle_follow_up(facts: pd.DataFrame, rules: Mapping[str, FollowUpRule]) -> pd.DataFrame:
    """What a hand-off's facts and its rule decide whatever the as-of date: the hand-off facts
    stored once per data version (see `dashboard/compliance/facts.py`) are these columns.

    Added columns: first_touch_within_hours, min_attempts, first_touch_due_at, first_touch_late_after_at
    (an untouched lead's first touch is late once the as-of date is past it: `last_instant_within`),
    hours_to_first_touch, is_first_touch_within, attempt_window_end_at, is_attempts_met, is_open.
    """
    frame = facts.reset_index(drop=True).copy()
    size = len(frame)
    limit = np.full(size, np.nan)
    attempts_needed = np.zeros(size, dtype=np.int64)
    window_days = np.zeros(size, dtype=np.int64)
    due = np.full(size, np.datetime64("NaT"), dtype="datetime64[us]")
    late_after = due.copy()
    to_first_touch = np.full(size, np.nan)
    handed_off, first_touch = _times(frame, "mql_at"), _times(frame, "first_touch_at")
    names = frame["sla_name"].to_numpy(dtype=object) if size else np.array([], dtype=object)
    for name in pd.unique(names):
        rule = rules[name]
        rows = names == name
        limit[rows] = rule.first_touch_within_hours
        attempts_needed[rows] = rule.min_attempts
        window_days[rows] = rule.attempt_window_days
        due[rows] = add_working_hours_many(handed_off[rows], rule.first_touch_within_hours, rule.calendar)
        late_after[rows] = last_instant_within_many(handed_off[rows], rule.first_touch_within_hours, rule.calendar)
        to_first_touch[rows] = working_hours_between_many(handed_off[rows], first_touch[rows], rule.calendar)

    touched = ~np.isnat(first_touch)
    window_end = handed_off + window_days.astype("timedelta64[D]").astype("timedelta64[us]")
    converted_early = _times(frame, "sql_at") < window_end
    disqualified_early = _times(frame, "disqualified_at") < window_end  # NaT compares False
    attempts_met = (frame["attempts_in_window"].to_numpy() >= attempts_needed) | converted_early | disqualified_early
    # Still with sales: not converted, disqualified or handed back since this hand-off (a lead
    # recycled earlier and handed off again is open again).
    is_open = np.ones(size, dtype=bool)
    for column in ("sql_at", "disqualified_at", "recycled_at"):
        is_open &= ~(_times(frame, column) >= handed_off)
    return frame.assign(
        first_touch_within_hours=limit,
        min_attempts=attempts_needed,
        first_touch_due_at=due,
        first_touch_late_after_at=late_after,
        hours_to_first_touch=to_first_touch,
        is_first_touch_within=touched & (to_first_touch <= limit),
        attempt_window_end_at=window_end,
        is_attempts_met=attempts_met,
        is_open=is_open,
    )


def judge_follow_up(settled: pd.DataFrame, rules: Mapping[str, FollowUpRule], as_of_end: dt.datetime) -> pd.DataFrame:
    """The as-of date's verdict on settled hand-offs (`settle_follow_up`): what has run out by then.

    Added columns: working_hours_since_hand_off, is_first_touch_decided, is_attempts_decided,
    status, hours_overdue, response_band.
    """
    frame = settled.reset_index(drop=True)
    size = len(frame)
    elapsed = np.full(size, np.nan)
    handed_off, first_touch = _times(frame, "mql_at"), _times(frame, "first_touch_at")
    as_of = np.full(size, np.datetime64(as_of_end, "us"))
    names = frame["sla_name"].to_numpy(dtype=object) if size else np.array([], dtype=object)
    for name in pd.unique(names):
        rows = names == name
        elapsed[rows] = working_hours_between_many(handed_off[rows], as_of[rows], rules[name].calendar)
    limit = frame["first_touch_within_hours"].to_numpy(dtype=float)
    to_first_touch = frame["hours_to_first_touch"].to_numpy(dtype=float)
    within = frame["is_first_touch_within"].to_numpy(dtype=bool)
    attempts_met = frame["is_attempts_met"].to_numpy(dtype=bool)
    touched = ~np.isnat(first_touch)
    # Past the last instant within the rule's hours: the same as `elapsed > limit`, and what the
    # facts' SQL counts compare (follow_up_counts_from_facts.sql), so both judge alike.
    first_touch_decided = touched | (_times(frame, "first_touch_late_after_at") < as_of)
    window_over = _times(frame, "attempt_window_end_at") <= as_of
    # Codes into STATUSES and RESPONSE_BANDS (-1: no band yet): building categoricals from codes
    # skips comparing millions of strings.
    status = np.select(
        [~touched & first_touch_decided, ~touched, ~within, attempts_met, ~window_over],
        [STATUSES.index(NEVER_TOUCHED), STATUSES.index(STILL_OPEN), STATUSES.index(BREACHED_FIRST_TOUCH),
         STATUSES.index(MET), STATUSES.index(STILL_OPEN)],
        STATUSES.index(BREACHED_ATTEMPTS),
    )
    band = np.select(
        [~touched & first_touch_decided, ~touched, to_first_touch < BAND_EDGES[0], to_first_touch < BAND_EDGES[1],
         to_first_touch < BAND_EDGES[2]],
        [RESPONSE_BANDS.index(NEVER_TOUCHED), -1, 0, 1, 2],
        3,
    )
    return frame.assign(
        working_hours_since_hand_off=elapsed,
        is_first_touch_decided=first_touch_decided,
        is_attempts_decided=attempts_met | window_over,
        status=pd.Categorical.from_codes(status, categories=STATUSES),
        # Untouched leads only: working hours past the first-touch deadline (negative: time left).
        hours_overdue=np.where(touched, np.nan, elapsed - limit),
        response_band=pd.Categorical.from_codes(band, categories=RESPONSE_BANDS),
    )[[*(c for c in frame.columns if c not in EVALUATED_COLUMNS), *EVALUATED_COLUMNS]]


# The grain of the judged hand-offs counted (`follow_up_counts`, follow_up_counts_from_facts.sql):
# every summary, rate and response band below adds up from these rows.
COUNT_KEYS = ("month_start", "owner_id", "owner_name", "owner_team", "status", "response_band")
COUNTED = ("handed_off", "first_touch_decided", "first_touch_within", "attempts_decided", "attempts_met",
           "overdue_now", "sqls", "won")
COUNT_COLUMNS = (*COUNT_KEYS, *COUNTED, "won_revenue")
OWNER_KEYS = ("owner_id", "owner_name", "owner_team")
# The grain of the hours to first touch (`hours_to_first_touch`, hours_to_first_touch_from_facts.sql):
# medians and percentiles do not add up, so they come per owner, per team and over all.
HOURS_COLUMNS = ("grouping_level", *OWNER_KEYS, "median_hours_to_first_touch", "p90_hours_to_first_touch")


def follow_up_counts(evaluated: pd.DataFrame) -> pd.DataFrame:
    """Judged hand-offs (`judge_follow_up`) counted at the grain COUNT_KEYS, as
    follow_up_counts_from_facts.sql counts them from the hand-off facts."""
    touched = evaluated["first_touch_at"].notna()
    decided = evaluated["is_first_touch_decided"].astype(bool)
    work = pd.DataFrame({
        "month_start": pd.to_datetime(evaluated["mql_at"]).dt.to_period("M").dt.to_timestamp(),
        **{key: evaluated[key].astype(object) for key in OWNER_KEYS},
        "status": evaluated["status"].astype(object),
        "response_band": evaluated["response_band"].astype(object),
        "handed_off": 1,
        "first_touch_decided": decided.astype(int),
        "first_touch_within": evaluated["is_first_touch_within"].astype(int),
        "attempts_decided": evaluated["is_attempts_decided"].astype(int),
        "attempts_met": evaluated["is_attempts_met"].astype(int),
        "overdue_now": (evaluated["is_open"].astype(bool) & ~touched & decided).astype(int),
        "sqls": evaluated["sql_at"].notna().astype(int),
        "won": evaluated["won_at"].notna().astype(int),
        "won_revenue": pd.to_numeric(evaluated["won_amount"], errors="coerce").astype(float),
    }, index=evaluated.index)
    grouped = work.groupby(list(COUNT_KEYS), dropna=False, sort=True)
    counts = grouped[list(COUNTED)].sum()
    counts["won_revenue"] = grouped["won_revenue"].sum(min_count=1)
    return tidy_counts(counts.reset_index())


def tidy_counts(counts: pd.DataFrame) -> pd.DataFrame:
    """Counts from either source with one set of types and one row order, so both read alike."""
    frame = _missing_as_none(counts[list(COUNT_COLUMNS)], COUNT_KEYS[1:])
    frame["month_start"] = pd.to_datetime(frame["month_start"]).astype("datetime64[us]")
    frame[list(COUNTED)] = frame[list(COUNTED)].astype("int64")
    frame["won_revenue"] = frame["won_revenue"].astype(float)
    return frame.sort_values(list(COUNT_KEYS), na_position="last", kind="stable").reset_index(drop=True)


def hours_to_first_touch(evaluated: pd.DataFrame) -> pd.DataFrame:
    """Median and 90th-percentile working hours to first touch of touched leads, per owner, per team
    and over all (HOURS_COLUMNS), as hours_to_first_touch_from_facts.sql gives them."""
    hours = evaluated["hours_to_first_touch"].astype(float)
    parts = []
    for level, keys in (("owner", list(OWNER_KEYS)), ("team", ["owner_team"])):
        grouped = hours.groupby([evaluated[key].astype(object) for key in keys], dropna=False, sort=True)
        part = pd.DataFrame({"median_hours_to_first_touch": grouped.median(),
                             "p90_hours_to_first_touch": grouped.quantile(0.9)}).reset_index()
        parts.append(part.assign(grouping_level=level))
    parts.append(pd.DataFrame({
        "grouping_level": ["all"],
        "median_hours_to_first_touch": [hours.median() if hours.notna().any() else np.nan],
        "p90_hours_to_first_touch": [hours.quantile(0.9) if hours.notna().any() else np.nan],
    }))
    return tidy_hours(pd.concat(parts, ignore_index=True))


def tidy_hours(hours: pd.DataFrame) -> pd.DataFrame:
    frame = _missing_as_none(hours.reindex(columns=list(HOURS_COLUMNS)), OWNER_KEYS)
    for column in HOURS_COLUMNS[-2:]:
        frame[column] = frame[column].astype(float)
    return frame.sort_values(list(HOURS_COLUMNS[:4]), na_position="last", kind="stable").reset_index(drop=True)


def _missing_as_none(frame: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """Key columns as Python objects with None for missing: a key column with no value at all
    would otherwise come out of a groupby as floats, which pandas will not merge on text."""
    frame = frame.copy()
    for key in keys:
        frame[key] = frame[key].astype(object).where(frame[key].notna(), None)
    return frame


def _rate(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    return (numerator / denominator.where(denominator > 0)).astype(float)


SUMMARY_COLUMNS = (
    "handed_off", "first_touch_decided", "first_touch_within", "first_touch_within_rate",
    "median_hours_to_first_touch", "p90_hours_to_first_touch", "attempts_decided", "attempts_met",
    "attempts_met_rate", "never_touched", "overdue_now", *[s.replace(" ", "_") for s in STATUSES if s != NEVER_TOUCHED],
)
# Which rows of the hours to first touch a summary's keys read: an owner has one name and one team.
HOURS_LEVEL = {OWNER_KEYS: "owner", ("owner_id",): "owner", ("owner_team",): "team", (): "all"}


def summarise(evaluated: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """`summarise_counts` of judged hand-offs."""
    return summarise_counts(follow_up_counts(evaluated), hours_to_first_touch(evaluated), by)


def summarise_counts(counts: pd.DataFrame, hours: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """Handed-off leads, % first touched within SLA (of leads whose first touch is due or done),
    median and 90th-percentile working hours to first touch (of touched leads), % meeting the
    attempt rule (of leads whose window ended or that met it early), never-touched leads, leads
    overdue now (untouched, still with sales, past the deadline) and the count of each status.
    One row per group of `by` (a key of HOURS_LEVEL; missing keys kept as their own group), or one
    row when `by` is empty. `counts` and `hours` are `follow_up_counts` and `hours_to_first_touch`.
    """
    keys = list(by)
    level = HOURS_LEVEL[tuple(by)]
    status = counts["status"]
    handed_off = counts["handed_off"]
    work = pd.DataFrame({
        "handed_off": handed_off,
        **{column: counts[column] for column in
           ("first_touch_decided", "first_touch_within", "attempts_decided", "attempts_met")},
        "never_touched": handed_off.where(status == NEVER_TOUCHED, 0),
        "overdue_now": counts["overdue_now"],
        **{s.replace(" ", "_"): handed_off.where(status == s, 0) for s in STATUSES if s != NEVER_TOUCHED},
    }).astype("int64")
    quantiles = hours[hours["grouping_level"] == level]
    if keys:
        for key in keys:
            work[key] = counts[key]
        summary = _missing_as_none(work.groupby(keys, dropna=False, sort=True).sum().reset_index(), keys)
        quantiles = _missing_as_none(quantiles[[*keys, "median_hours_to_first_touch", "p90_hours_to_first_touch"]], keys)
        # pandas matches missing keys to missing keys: the unassigned leads' hours meet their counts
        summary = summary.merge(quantiles, on=keys, how="left")
    else:
        summary = pd.DataFrame([work.sum().astype("int64")])
        for column in ("median_hours_to_first_touch", "p90_hours_to_first_touch"):
            summary[column] = float(quantiles[column].iloc[0]) if len(quantiles) else np.nan
    summary["first_touch_within_rate"] = _rate(summary["first_touch_within"], summary["first_touch_decided"])
    summary["attempts_met_rate"] = _rate(summary["attempts_met"], summary["attempts_decided"])
    return summary[[*keys, *SUMMARY_COLUMNS]]


LEAD_LIST_COLUMNS = (
    "lead_id", "owner_id", "owner_name", "owner_team", "channel", "segment", "sla_name", "mql_at", "first_touch_due_at",
    "first_touch_at", "hours_to_first_touch", "attempts_in_window", "min_attempts", "touches_since_hand_off",
    "attempt_window_end_at", "status", "response_band", "hours_overdue", "is_open", "sql_at", "disqualified_at",
    "recycled_at", "won_at",
)
HAND_BACK_COLUMNS = (
    "lead_id", "owner_id", "owner_name", "owner_team", "channel", "segment", "sla_name", "exit_kind", "exit_at",
    "handed_off_at", "attempts_before_exit", "days_in_sales", "reason", "later_outcome",
)


def compact(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Only `columns`, with repeated text (owners, teams, channels...) stored as categories:
    the per-lead lists a page keeps in its cache stay a fraction of the query result's size."""
    result = frame[[column for column in columns if column in frame]].copy()
    for column in result.columns:
        if column != "lead_id" and (result[column].dtype == object or pd.api.types.is_string_dtype(result[column])):
            result[column] = result[column].astype("category")
    return result


def business_time(instants: pd.Series, timezone: str) -> pd.Series:
    """UTC instants (naive, as the extracts hold them) as naive local times of the business time zone."""
    utc = pd.to_datetime(instants).dt.tz_localize("UTC")
    return utc.dt.tz_convert(timezone).dt.tz_localize(None)


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows as plain Python values (int, float, str, ISO timestamps; None for missing), for JSON."""
    rows = []
    for row in frame.to_dict("records"):
        clean = {}
        for key, value in row.items():
            if value is None or (not isinstance(value, str) and pd.isna(value)):
                clean[key] = None
            elif isinstance(value, (pd.Timestamp, dt.datetime)):
                clean[key] = value.isoformat()
            elif isinstance(value, (np.integer, bool, np.bool_)):
                clean[key] = value.item() if hasattr(value, "item") else value
            elif isinstance(value, np.floating):
                clean[key] = float(value)
            else:
                clean[key] = value
        rows.append(clean)
    return rows


def overdue_now(evaluated: pd.DataFrame) -> pd.DataFrame:
    """Leads still with sales and never touched, most overdue first: past their first-touch
    deadline (hours_overdue > 0) or with the clock still running (hours_overdue ≤ 0, time left)."""
    rows = evaluated[evaluated["is_open"] & evaluated["first_touch_at"].isna()]
    columns = ["lead_id", "owner_id", "owner_name", "owner_team", "channel", "segment", "sla_name", "mql_at",
               "first_touch_due_at", "hours_overdue", "attempt_window_end_at"]
    return rows[columns].sort_values(["hours_overdue", "lead_id"], ascending=[False, True]).reset_index(drop=True)


@dataclass(frozen=True)
class OverdueLists:
    """The open, untouched leads a manager acts on, split by the recycle rule in force at hand-off."""

    call_today: pd.DataFrame  # younger than the rule's days: past the deadline first, each part freshest first
    recycle_now: pd.DataFrame  # at or past the rule's days: hand back to marketing; oldest first

    @property
    def late(self) -> int:
        """Calls past their first-touch deadline (the rest of call_today still has time left)."""
        return int((self.call_today["hours_overdue"] > 0).sum())


def split_overdue(overdue: pd.DataFrame, rules: Mapping[str, FollowUpRule], as_of: dt.date) -> OverdueLists:
    """Open, untouched leads (`overdue_now`) in two lists. A lead older than the recycle rule's
    "not ready after" days should go back to marketing now rather than get a first call today.
    Calls past their first-touch deadline come first, then those with time left; each part
    freshest first, because the sooner a lead is called after hand-off the likelier it converts
    (the page shows this data's conversion by response time)."""
    handed_off = pd.to_datetime(overdue["mql_at"])
    days = (pd.Timestamp(as_of) + pd.Timedelta(days=1) - handed_off).dt.days
    limit = overdue["sla_name"].map({name: rule.not_ready_after_days for name, rule in rules.items()})
    frame = overdue.assign(days_since_hand_off=days.astype("Int64"), recycle_after_days=limit.astype("Int64"))
    is_old = frame["days_since_hand_off"] >= frame["recycle_after_days"]
    is_late = frame["hours_overdue"] > 0
    call = (frame[~is_old].assign(is_late=is_late[~is_old])
            .sort_values(["is_late", "mql_at", "lead_id"], ascending=[False, False, True])
            .drop(columns="is_late").reset_index(drop=True))
    recycle = frame[is_old].sort_values(["mql_at", "lead_id"]).reset_index(drop=True)
    return OverdueLists(call_today=call, recycle_now=recycle)


def never_touched_note(never: int, overdue: int, waiting: int) -> str:
    """Why "never touched" is not "overdue now" plus "time left": one counts a status of every
    hand-off, the others the leads still with sales."""
    closed = never - overdue
    return (f"Never touched ({never:,}) counts every hand-off whose first-touch deadline passed without a touch: "
            f"{overdue:,} are still with sales (overdue now) and {closed:,} have since been converted, "
            f"disqualified or handed back. The {waiting:,} untouched leads still within their deadline are "
            "\"still open\", not yet never touched.")


def response_bands(counts: pd.DataFrame) -> pd.DataFrame:
    """Conversion to SQL and to won by working hours to first touch, for leads whose first
    touch is done or overdue (never-touched leads are their own band); from `follow_up_counts`."""
    decided = counts[counts["response_band"].notna()]
    grouped = decided.groupby("response_band")
    frame = pd.DataFrame({
        "leads": grouped["handed_off"].sum(),
        "sqls": grouped["sqls"].sum(),
        "won": grouped["won"].sum(),
        "won_revenue": grouped["won_revenue"].sum(min_count=1).astype(float),
    }).reindex(list(RESPONSE_BANDS))
    # a band without leads has no revenue to sum: 0 leads, and NaN revenue as for a band without wins
    frame[["leads", "sqls", "won"]] = frame[["leads", "sqls", "won"]].fillna(0).astype("int64")
    frame["sql_rate"] = _rate(frame["sqls"], frame["leads"])
    frame["won_rate"] = _rate(frame["won"], frame["leads"])
    frame.index.name = "response_band"
    return frame.reset_index()[["response_band", "leads", "sqls", "sql_rate", "won", "won_rate", "won_revenue"]]


def rule_for_dates(moments: pd.Series, rules: Sequence[FollowUpRule]) -> pd.Series:
    """The name of the rule in force on the day of each moment (None outside every SLA period)."""
    # Whole days as datetime64, not Python dates: comparing object arrays is the slow part at scale.
    days = pd.to_datetime(moments).dt.normalize()
    result = pd.Series([None] * len(days), index=days.index, dtype=object)
    for rule in rules:
        inside = (days >= pd.Timestamp(rule.start)) & (days <= pd.Timestamp(rule.end))
        result[inside.fillna(False).astype(bool)] = rule.sla_name
    return result


def settle_hand_back_reasons(hand_backs: pd.DataFrame, rules: Sequence[FollowUpRule]) -> pd.DataFrame:
    """Why each lead left sales without converting: what does not depend on the as-of date, so the
    hand-back facts settle it once when they are built (dashboard/facts/hand_backs.py).

    Reasons, under the recycle rule in force at hand-off (at the exit when the hand-off is unknown):
    disqualified; handed back untouched (no attempt before); no response after K attempts
    (at least `no_response_attempts` attempts); not ready after D days (fewer attempts, at least
    `not_ready_after_days` after hand-off); handed back early (fewer attempts, sooner).
    When a later re-MQL replaced the hand-off date, the first touch before the exit stands in for it
    (the hand-off came before it, so the days in sales are at least that many): at least D days from it
    is not ready; fewer cannot be told from early, and the reason says the hand-off date is unknown.
    Adds sla_name, days_in_sales (NaN when the hand-off is unknown) and reason.
    """
    frame = hand_backs.reset_index(drop=True).copy()
    judged_at = pd.to_datetime(frame["handed_off_at"]).fillna(pd.to_datetime(frame["exit_at"]))
    names = rule_for_dates(judged_at, rules)
    # Maps from a dict, not a function: one lookup per row in C rather than a Python call.
    attempts_rule = names.map({rule.sla_name: rule.no_response_attempts for rule in rules}).astype(float)
    days_rule = names.map({rule.sla_name: rule.not_ready_after_days for rule in rules}).astype(float)
    exit_at = pd.to_datetime(frame["exit_at"])
    days_in_sales = (exit_at - pd.to_datetime(frame["handed_off_at"])).dt.total_seconds() / 86_400
    hand_off_unknown = frame["handed_off_at"].isna()
    first_touch = pd.to_datetime(frame["first_touch_at"]) if "first_touch_at" in frame else pd.Series(pd.NaT, index=frame.index)
    days_at_least = (exit_at - first_touch).dt.total_seconds() / 86_400
    attempts = frame["attempts_before_exit"].astype(int)
    no_response = _worded(attempts_rule, "No response after {} attempts", "No response")
    not_ready = _worded(days_rule, "Not ready after {} days", "Not ready")
    not_ready_rows = (days_in_sales >= days_rule) | (hand_off_unknown & (days_at_least >= days_rule))
    reason = np.select(
        [frame["exit_kind"] == "disqualified", attempts == 0, attempts >= attempts_rule, not_ready_rows,
         hand_off_unknown],
        [DISQUALIFIED, UNTOUCHED_HAND_BACK, no_response, not_ready, HAND_OFF_UNKNOWN],
        EARLY_HAND_BACK,
    )
    return frame.assign(sla_name=names, days_in_sales=days_in_sales, reason=reason)


def classify_hand_backs(hand_backs: pd.DataFrame, rules: Sequence[FollowUpRule]) -> pd.DataFrame:
    """Why each lead left sales without converting (`settle_hand_back_reasons`), and what happened
    to it afterwards as of the as-of date: the furthest later outcome reached, won later, became
    SQL later, re-MQL'd or no later activity."""
    frame = settle_hand_back_reasons(hand_backs, rules)
    later = np.select(
        [frame["won_after_exit_at"].notna(), frame["sql_after_exit_at"].notna(), frame["is_re_mql"].fillna(False).astype(bool)],
        [WON_LATER, SQL_LATER, RE_MQL],
        NO_LATER_ACTIVITY,
    )
    return frame.assign(later_outcome=pd.Categorical(later, categories=LATER_OUTCOMES))


def _worded(limits: pd.Series, wording: str, without_limit: str) -> np.ndarray:
    """Each row's reason with its rule's whole-number limit in it (`without_limit` where no rule
    holds), worded once per distinct limit rather than once per row."""
    words = {limit: wording.format(int(limit)) for limit in limits.dropna().unique()}
    return limits.map(words).fillna(without_limit).to_numpy(dtype=object)


def hand_back_reasons(classified: pd.DataFrame) -> pd.DataFrame:
    """One row per reason, most leads first: leads, their median attempts and days with sales,
    and how many of them reached each later outcome. `hand_back_reasons_from_facts.sql` gives the
    same rows from the hand-back facts."""
    if classified.empty:
        return pd.DataFrame({
            "reason": pd.Series(dtype="str"), "leads": pd.Series(dtype="int64"),
            "median_attempts": pd.Series(dtype="float64"), "median_days_in_sales": pd.Series(dtype="float64"),
            **{column: pd.Series(dtype="int64") for column in OUTCOME_COLUMNS.values()},
        })
    outcomes = pd.crosstab(classified["reason"], classified["later_outcome"].astype(object)).reindex(
        columns=list(LATER_OUTCOMES), fill_value=0)
    outcomes.columns = list(OUTCOME_COLUMNS.values())
    grouped = classified.groupby("reason")
    frame = pd.DataFrame({
        "leads": grouped.size(),
        "median_attempts": grouped["attempts_before_exit"].median().astype("float64"),
        "median_days_in_sales": grouped["days_in_sales"].median(),
    }).join(outcomes)
    frame.index.name = "reason"
    frame = frame.reset_index().sort_values(["leads", "reason"], ascending=[False, True], kind="stable")
    return frame.reset_index(drop=True)


def recycled_hand_backs(reasons: pd.DataFrame) -> int:
    """Leads recycled, of those counted by `hand_back_reasons`: every hand-back but a disqualification."""
    return int(reasons.loc[reasons["reason"] != DISQUALIFIED, "leads"].sum())


def follow_up_rates(counts: pd.DataFrame, recycled: int | None) -> dict[str, float | None]:
    """The follow-up KPIs: first touch within SLA and minimum attempts met (of decided leads),
    and recycled leads as a share of leads handed off, for the same range; from `follow_up_counts`."""
    decided_first = int(counts["first_touch_decided"].sum())
    decided_attempts = int(counts["attempts_decided"].sum())
    handed_off = int(counts["handed_off"].sum())
    return {
        "first_touch_within_sla_rate": (
            int(counts["first_touch_within"].sum()) / decided_first if decided_first else None),
        "min_attempts_met_rate": int(counts["attempts_met"].sum()) / decided_attempts if decided_attempts else None,
        "recycle_rate": recycled / handed_off if recycled is not None and handed_off else None,
    }
