"""Follow-up compliance for a range: runs the follow-up queries and hands the results to the
pure arithmetic in `follow_up.py`. `compliance_data` is the one function behind the
Follow-up compliance page, the `compliance` command and the benchmark; `follow_up_kpis` feeds
the follow-up KPIs to `kpi_values.kpi_actuals`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from dashboard.funnel import data as metrics
from dashboard.core.config import Config
from dashboard.data import Database, date_range_params
from dashboard.compliance.follow_up import (
    HAND_BACK_COLUMNS,
    LEAD_LIST_COLUMNS,
    STATUSES,
    FollowUpRule,
    OverdueLists,
    compact,
    classify_hand_backs,
    evaluate_follow_up,
    follow_up_counts,
    follow_up_rates,
    hand_back_reasons,
    hours_to_first_touch,
    judge_follow_up,
    overdue_now,
    records,
    recycled_hand_backs,
    response_bands,
    split_overdue,
    summarise_counts,
    tidy_counts,
    tidy_hours,
)
from dashboard.funnel.domain import Filters
from dashboard.core.parallel import concurrently
from dashboard.facts.hand_backs import hand_back_reasons_from_facts, hand_backs_query, recycled_query
from dashboard.facts.hand_offs import follow_up_facts_by_sla, hand_off_facts_ready

REP_KEYS = ("owner_id", "owner_name", "owner_team")
TEAM_KEYS = ("owner_team",)


@dataclass(frozen=True)
class Tracking:
    """What the extracts let the page say; `missing` explains, naming table and column."""

    hand_offs: bool
    touches: bool
    recycling: bool  # hand-backs (recycled or disqualified) are known
    recycled: bool  # the recycle rate is known
    missing: tuple[str, ...] = ()


def tracking(database: Database) -> Tracking:
    catalog = database.catalog
    missing = []
    hand_offs = catalog.has("leads", "mql_at")
    if not hand_offs:
        missing.append("leads.mql_at (when a lead is handed to sales) is not in the extract: there is nothing to follow up")
    elif not catalog.has("leads", "owner_id"):
        missing.append("leads.owner_id is not in the extract: leads cannot be attributed to reps")
    touches = catalog.has("touches", "touched_at") and catalog.has("touches", "lead_id")
    if not touches:
        missing.append("the touches extract (lead_id, touched_at) is not configured: first touch and attempts "
                       "are not tracked; add [data.tables.touches] to the config")
    recycling = catalog.has("leads", "recycled_at") or catalog.has("leads", "disqualified_at")
    if not recycling:
        missing.append("leads.recycled_at and leads.disqualified_at are not in the extract: hand-backs are not tracked")
    return Tracking(hand_offs=hand_offs, touches=hand_offs and touches, recycling=hand_offs and recycling,
                    recycled=hand_offs and catalog.has("leads", "recycled_at"), missing=tuple(missing))


def rules_for(config: Config) -> dict[str, FollowUpRule]:
    return {sla.name: FollowUpRule.from_sla(sla) for sla in config.slas}


def uncovered_days(config: Config, start: dt.date, end: dt.date) -> int:
    """Days of the range no SLA version covers: hand-offs on them are not judged."""
    total = (end - start).days + 1
    covered = sum(max(0, (min(end, sla.end) - max(start, sla.start)).days + 1) for sla in config.slas)
    return max(total - covered, 0)


def _as_of_end(as_of: dt.date) -> dt.datetime:
    return dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time())


def follow_up_facts(database: Database, start: dt.date, end: dt.date, filters: Filters, as_of: dt.date) -> pd.DataFrame:
    """Per-lead facts for hand-offs in [start, end], each tagged with the SLA version in force."""
    frames = follow_up_facts_by_sla(database, start, end, filters, as_of)
    if not frames:
        empty = database.query("follow_up_facts", {
            **date_range_params(start, start), **filters.params(), "as_of_end": _as_of_end(as_of),
            "attempt_window": dt.timedelta(days=1)}).iloc[0:0]
        return empty.assign(sla_name=pd.Series(dtype=object))
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def evaluated_leads(database: Database, start: dt.date, end: dt.date, filters: Filters = Filters(),
                    as_of: dt.date | None = None) -> pd.DataFrame:
    """Each lead handed off in [start, end] judged as of `as_of`: from the hand-off facts once they
    hold this data version (dashboard/facts/hand_offs.py), else from the extracts; the same rows."""
    as_of = as_of or metrics.data_as_of(database) or end
    rules = rules_for(database.config)
    if hand_off_facts_ready(database, as_of):
        settled = database.query("hand_off_facts_in_range", {**date_range_params(start, end), **filters.params()})
        return judge_follow_up(settled, rules, _as_of_end(as_of))
    facts = follow_up_facts(database, start, end, filters, as_of)
    return evaluate_follow_up(facts, rules, _as_of_end(as_of))


@dataclass(frozen=True)
class JudgedHandOffs:
    """The leads handed off in a range, judged as of the as-of date as the pages read them: counted
    (`follow_up.follow_up_counts`) and, when asked for, their hours to first touch
    (`follow_up.hours_to_first_touch`) and the untouched ones still with sales judged row by row
    (the overdue lists)."""

    counts: pd.DataFrame
    hours: pd.DataFrame | None = None
    untouched_open: pd.DataFrame | None = None


def judged_hand_offs(database: Database, start: dt.date, end: dt.date, filters: Filters, as_of: dt.date,
                     with_hours: bool = False, with_untouched: bool = False) -> JudgedHandOffs:
    """From the hand-off facts once they hold this data version: a few thousand counted rows, not
    every hand-off; else every hand-off judged from the extracts and counted here: the same rows."""
    if hand_off_facts_ready(database, as_of):
        params = {**date_range_params(start, end), **filters.params()}
        work = {"counts": lambda: tidy_counts(database.query("follow_up_counts_from_facts",
                                                             {**params, "as_of_end": _as_of_end(as_of)}))}
        if with_hours:
            work["hours"] = lambda: tidy_hours(database.query("hours_to_first_touch_from_facts", params))
        if with_untouched:
            work["untouched_open"] = lambda: judge_follow_up(
                database.query("untouched_open_hand_offs_from_facts", params), rules_for(database.config),
                _as_of_end(as_of))
        return JudgedHandOffs(**dict(zip(work, concurrently(*work.values()))))
    evaluated = evaluated_leads(database, start, end, filters, as_of)
    untouched = evaluated[evaluated["is_open"] & evaluated["first_touch_at"].isna()].reset_index(drop=True)
    return JudgedHandOffs(counts=follow_up_counts(evaluated),
                          hours=hours_to_first_touch(evaluated) if with_hours else None,
                          untouched_open=untouched if with_untouched else None)


# Far more rows than any range holds: "no limit" for hand_off_list_from_facts.sql's $max_rows.
ALL_ROWS = 2 ** 62


def listed_leads(database: Database, start: dt.date, end: dt.date, filters: Filters = Filters(),
                 as_of: dt.date | None = None, owner_id: str | None = None, owner_missing: bool = False,
                 statuses: tuple[str, ...] = STATUSES, max_rows: int | None = None) -> pd.DataFrame:
    """The latest leads handed off in the range (LEAD_LIST_COLUMNS, newest first) with one of
    `statuses` as of `as_of`: one owner's (`owner_id`), those without an owner (`owner_missing`)
    or everyone's; at most `max_rows` (None: all of them, for a download)."""
    as_of = as_of or metrics.data_as_of(database) or end
    unknown = set(statuses) - set(STATUSES)
    if unknown:
        raise ValueError(f"unknown follow-up status {sorted(unknown)!r}; choose from {', '.join(STATUSES)}")
    if hand_off_facts_ready(database, as_of):
        rows = database.query("hand_off_list_from_facts", {
            **date_range_params(start, end), **filters.params(), "as_of_end": _as_of_end(as_of),
            "owner_id": owner_id, "owner_missing": owner_missing, "statuses": list(statuses),
            "max_rows": ALL_ROWS if max_rows is None else max_rows})
        rows = judge_follow_up(rows, rules_for(database.config), _as_of_end(as_of))
    else:
        rows = evaluated_leads(database, start, end, filters, as_of)
        rows = rows[rows["status"].astype(str).isin(statuses)]
        if owner_id is not None:
            rows = rows[rows["owner_id"] == owner_id]
        if owner_missing:
            rows = rows[rows["owner_id"].isna()]
    latest = rows.sort_values(["mql_at", "lead_id"], ascending=[False, True], kind="stable")
    return compact(latest.head(max_rows) if max_rows is not None else latest, LEAD_LIST_COLUMNS).reset_index(drop=True)


def _hand_back_params(start: dt.date, end: dt.date, filters: Filters, as_of: dt.date) -> dict:
    return {**date_range_params(start, end), **filters.params(), "as_of_end": _as_of_end(as_of)}


def hand_backs(database: Database, start: dt.date, end: dt.date, filters: Filters, as_of: dt.date) -> pd.DataFrame:
    """Every lead recycled or disqualified in the range, with its reason and later outcome: the
    page's download (HAND_BACK_COLUMNS)."""
    frame = database.query(hand_backs_query(database), _hand_back_params(start, end, filters, as_of))
    return compact(classify_hand_backs(frame, list(rules_for(database.config).values())), HAND_BACK_COLUMNS)


def hand_back_summary(database: Database, start: dt.date, end: dt.date, filters: Filters,
                      as_of: dt.date) -> pd.DataFrame:
    """The hand-backs of the range counted by reason (`follow_up.hand_back_reasons`): from the
    hand-back facts, whose reasons are settled, when they hold this data version."""
    if hand_back_reasons_from_facts(database):
        return database.query("hand_back_reasons_from_facts", _hand_back_params(start, end, filters, as_of))
    frame = database.query(hand_backs_query(database), _hand_back_params(start, end, filters, as_of))
    return hand_back_reasons(classify_hand_backs(frame, list(rules_for(database.config).values())))


@dataclass(frozen=True)
class ComplianceData:
    start: dt.date
    end: dt.date
    as_of: dt.date
    tracking: Tracking
    rules: tuple[FollowUpRule, ...]  # the SLA versions the range touches
    uncovered_days: int
    totals: dict  # the summary over every lead (follow_up.summarise_counts)
    by_rep: pd.DataFrame
    by_team: pd.DataFrame
    overdue: pd.DataFrame
    overdue_lists: OverdueLists
    bands: pd.DataFrame
    hand_back_reasons: pd.DataFrame  # one row per reason (follow_up.hand_back_reasons); the leads: `hand_backs`
    kpis: dict = field(default_factory=dict)


def compliance_data(database: Database, start: dt.date, end: dt.date, filters: Filters = Filters(),
                    as_of: dt.date | None = None) -> ComplianceData:
    """Everything the Follow-up compliance page and the `compliance` command show, but the list of
    every lead handed off (`listed_leads`, asked for a page of it at a time)."""
    as_of = as_of or metrics.data_as_of(database) or end
    track = tracking(database)
    rules = rules_for(database.config)
    used = tuple(rule for rule in rules.values() if rule.start <= end and rule.end >= start)
    judged, reasons = concurrently(
        lambda: judged_hand_offs(database, start, end, filters, as_of, with_hours=True, with_untouched=True),
        lambda: hand_back_summary(database, start, end, filters, as_of),
    )
    counts, hours, untouched = judged.counts, judged.hours, judged.untouched_open
    all_counts = counts
    if not track.touches:
        # Without touches nothing is known about follow-up: no status rather than "never touched".
        counts, untouched = counts.iloc[0:0], untouched.iloc[0:0]
    totals = records(summarise_counts(counts, hours))[0]
    overdue = overdue_now(untouched)
    recycled = recycled_hand_backs(reasons) if track.recycled else None
    kpis = follow_up_rates(counts, recycled) if track.touches else {
        "first_touch_within_sla_rate": None, "min_attempts_met_rate": None,
        "recycle_rate": follow_up_rates(all_counts, recycled)["recycle_rate"],
    }
    if not track.hand_offs:
        kpis = dict.fromkeys(kpis)
    bands = database.catalog.blank_untracked(response_bands(counts))
    if not (track.touches and track.hand_offs):
        bands = bands.iloc[0:0]  # no lead has a response time: no band, rather than bands of 0
    return ComplianceData(
        start=start, end=end, as_of=as_of, tracking=track, rules=used,
        uncovered_days=uncovered_days(database.config, start, end),
        totals=totals,
        by_rep=summarise_counts(counts, hours, REP_KEYS),
        by_team=summarise_counts(counts, hours, TEAM_KEYS),
        overdue=overdue,
        overdue_lists=split_overdue(overdue, rules, as_of),
        bands=bands,
        hand_back_reasons=reasons,
        kpis=kpis,
    )


@dataclass(frozen=True)
class FollowUpBase:
    """What the follow-up KPIs of a range are computed from: every lead handed off in it, judged
    and counted by month and owner, their hours to first touch, and the recycled leads by month
    and team. Subsets by month or team give the same values as computing those ranges afresh,
    because each lead's facts depend only on the lead and the as-of date."""

    tracking: Tracking
    counts: pd.DataFrame  # follow_up.follow_up_counts
    recycled: pd.DataFrame  # month_start, owner_team, recycled
    hours: pd.DataFrame | None = None  # follow_up.hours_to_first_touch, when asked for


def follow_up_base(database: Database, start: dt.date, end: dt.date, filters: Filters = Filters(),
                   as_of: dt.date | None = None, with_hours: bool = False) -> FollowUpBase:
    as_of = as_of or metrics.data_as_of(database) or end
    track = tracking(database)
    judged, recycled = concurrently(
        lambda: judged_hand_offs(database, start, end, filters, as_of, with_hours=with_hours),
        lambda: database.query(recycled_query(database), {**date_range_params(start, end), **filters.params(),
                                                          "as_of_end": _as_of_end(as_of)}))
    return FollowUpBase(tracking=track, counts=judged.counts, hours=judged.hours, recycled=recycled)


def kpis_from(base: FollowUpBase, month: dt.date | None = None, team: str | None = None) -> dict[str, float | None]:
    """The follow-up KPIs of the base, or of the leads handed off in one month and/or owned by one team."""
    counts, recycled = base.counts, base.recycled
    if month is not None:
        counts = counts[counts["month_start"] == pd.Timestamp(month)]
        recycled = recycled[pd.to_datetime(recycled["month_start"]).dt.date == month]
    if team is not None:
        counts = counts[counts["owner_team"] == team]
        recycled = recycled[recycled["owner_team"] == team]
    track = base.tracking
    rates = follow_up_rates(counts, int(recycled["recycled"].sum()) if track.recycled else None)
    if not track.touches:
        rates["first_touch_within_sla_rate"] = rates["min_attempts_met_rate"] = None
    if not track.hand_offs:
        rates = dict.fromkeys(rates)
    return rates


def follow_up_kpis(database: Database, start: dt.date, end: dt.date, filters: Filters = Filters()) -> dict[str, float | None]:
    """KPI source for `kpi_values`: first touch within SLA, minimum attempts met, recycle rate."""
    return kpis_from(follow_up_base(database, start, end, filters))
