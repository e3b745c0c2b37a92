"""Team KPIs: the KPIs a team owns under the SLA, plus the shared ones, against their targets
for a range and month by month, with the team's breakdowns (marketing: by channel and
segment; sales: by team and a leaderboard per rep).

`team_kpis_data` is the one function behind the Team KPIs page, the `team` command and the
benchmark. Actual values are those of `kpi_values.kpi_actuals` (the same numbers as the monthly
review): the funnel KPIs from `kpi_values.funnel_kpis`, the follow-up KPIs from one evaluation
of the range's hand-offs (`compliance.follow_up_base`) narrowed by month and team. Targets from `attainment.range_targets` (monthly count targets pro-rated by day) and
a sales team's revenue target from its `quota_share` of the SLA quota for the range.
The pure helpers (quota shares, breakdown rates, leaderboard and its sort) are tested on
hand-made frames.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from dashboard.compliance import data as compliance
from dashboard.funnel import data as metrics
from dashboard.review.attainment import month_end, quota_between, range_targets
from dashboard.core.config import Config, Team, month_starts
from dashboard.data import Database, date_range_params
from dashboard.facts.durations import durations_query
from dashboard.compliance.follow_up import summarise_counts
from dashboard.core.contract import STAGE_NAMES, is_step
from dashboard.data import Catalog
from dashboard.funnel.domain import Filters, build_funnel, counts_from_row, kpi_status, safe_ratio, win_rate
from dashboard.review.kpi_values import KpiReading, funnel_kpis
from dashboard.core.kpis import KPIS, STEP_RATE_KPIS
from dashboard.core.parallel import concurrently
from dashboard.core import formatting

# What each function is accountable for under the SLA, beyond the KPIs the config lists.
FUNCTION_KPIS = {
    "marketing": ("sessions", "visit_to_lead_rate", "leads", "mqls", "lead_to_mql_rate",
                  "mql_to_sql_rate", "recycle_rate"),
    "sales": ("won_revenue", "mql_to_sql_rate", "sql_to_proposal_rate", "proposal_to_won_rate", "win_rate",
              "avg_deal_size", "sales_cycle_days", "first_touch_within_sla_rate", "min_attempts_met_rate"),
    "shared": (),
}

# Leaderboard columns a user may sort by, and whether a higher value ranks first. Lead
# columns rank the reps who work handed-off leads (SDRs), deal columns those who own deals (AEs).
LEAD_SORTS = {
    "mqls": True,
    "first_touch_within_rate": True,
    "median_hours_to_first_touch": False,
    "attempts_met_rate": True,
    "never_touched": False,
    "mql_to_sql_rate": True,
}
DEAL_SORTS = {
    "won_revenue": True,
    "won_deals": True,
    "win_rate": True,
    "avg_deal_size": True,
    "sales_cycle_days": False,
}
LEADERBOARD_SORTS = {**DEAL_SORTS, **LEAD_SORTS}
LEAD_COLUMNS = ("rep_id", "name", "team", "role", "mqls", "first_touch_within_rate", "median_hours_to_first_touch",
                "attempts_met_rate", "never_touched", "sqls", "mql_to_sql_rate")
DEAL_COLUMNS = ("rep_id", "name", "team", "role", "proposals", "won_deals", "lost_deals", "win_rate", "won_revenue",
                "avg_deal_size", "sales_cycle_days")
LEADERBOARD_COLUMNS = (
    "rep_id", "name", "team", "role", "mqls", "first_touch_within_rate", "median_hours_to_first_touch",
    "attempts_met_rate", "never_touched", "sqls", "mql_to_sql_rate", "proposals", "won_deals", "lost_deals",
    "win_rate", "won_revenue", "avg_deal_size", "sales_cycle_days",
)


# The figures of the marketing breakdown by channel and segment (marketing_breakdown.sql and its rates).
BREAKDOWN_COLUMNS = ("sessions", "leads", "mqls", "sqls", "won_deals", "won_revenue", "visit_to_lead_rate",
                     "lead_to_mql_rate", "mql_to_sql_rate", "recycle_rate", "disqualified_rate")
MONTHLY_COLUMNS = ["month_start", "is_partial", "scope", "kpi", "label", "unit", "actual", "target", "status"]


class TeamKpisError(ValueError):
    """A team name the config does not define; the message lists the ones it does."""


# Rates that step from a lead's owner to its deal's, who is often someone else: not one rep's figure.
ONE_REP_UNMEASURED = ("sql_to_proposal_rate",)


def find_team(config: Config, name: str) -> Team:
    for team in config.teams:
        if team.name == name:
            return team
    names = ", ".join(repr(t.name) for t in config.teams) or "none: add [[teams]] blocks to the config"
    raise TeamKpisError(f"no team named {name!r} in {config.path.name} ([[teams]] name); teams: {names}")


def quota_share(teams: tuple[Team, ...] | list[Team], team: Team) -> tuple[float | None, bool]:
    """A team's share of the revenue quota and whether the config sets it. Sales teams without
    a `quota_share` split what the others leave equally; the shared team carries the whole
    quota; marketing carries none."""
    if team.function == "shared":
        return 1.0, True
    if team.function != "sales":
        return None, True
    if team.quota_share is not None:
        return team.quota_share, True
    sales = [t for t in teams if t.function == "sales"]
    unset = [t for t in sales if t.quota_share is None]
    left = max(1.0 - sum(t.quota_share or 0 for t in sales), 0.0)
    return left / len(unset), False


def kpi_keys(config: Config, team: Team) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The team's KPIs (the config's list, then what its function answers for) and the shared
    KPIs of the shared teams. A sales team's own KPIs are measured on its own leads and deals
    and the shared ones company-wide, so both may list a KPI; for other teams both are measured
    alike and a KPI is shown once."""
    own = tuple(dict.fromkeys([*team.kpis, *FUNCTION_KPIS.get(team.function, ())]))
    shared = tuple(dict.fromkeys(
        key for other in config.teams if other.function == "shared" and other is not team for key in other.kpis
        if team.function == "sales" or key not in own
    ))
    return own, shared


def readings_for(actuals: dict, targets: dict, at_risk_band: float, keys: tuple[str, ...]) -> list[KpiReading]:
    """Each KPI with its target for the range (already scaled to it) and status."""
    readings = []
    for key in keys:
        kpi = KPIS[key]
        actual, target = actuals.get(key), targets.get(key)
        status, reason = kpi_status(kpi.unit, actual, target, kpi.higher_is_better, at_risk_band)
        readings.append(KpiReading(key=key, label=kpi.label, unit=kpi.unit, actual=actual, target=target,
                                   status=status, status_reason=reason))
    return readings


def targets_for(config: Config, start: dt.date, end: dt.date, share: float | None) -> dict[str, float]:
    """Targets for a range: the SLA's (counts pro-rated by day) and the revenue quota share."""
    targets = dict(range_targets(config, start, end))
    if share is not None:
        targets["won_revenue"] = quota_between(config.slas, start, end) * share
    return targets


def month_spans(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date, dt.date]]:
    """(month start, first day in range, last day in range) for each month the range touches."""
    return [(month, max(month, start), min(month_end(month), end)) for month in month_starts(start, end)]


def breakdown_rates(frame: pd.DataFrame, filters: Filters = Filters()) -> pd.DataFrame:
    """Add marketing's rates to `marketing_breakdown.sql` rows: visit→lead (channel rows only,
    and only when sessions can be split by the filters), lead→MQL, MQL→SQL and the shares of
    MQLs recycled and disqualified (events in the range over MQLs handed off in the range)."""
    result = frame.copy()
    if filters.segment or filters.team:
        result["sessions"] = pd.NA  # traffic is split by channel only
    sessions = pd.to_numeric(result["sessions"], errors="coerce")
    result["visit_to_lead_rate"] = (result["leads"] / sessions.where(sessions > 0)).astype(float)
    mqls = result["mqls"].where(result["mqls"] > 0)
    result["lead_to_mql_rate"] = (result["mqls"] / result["leads"].where(result["leads"] > 0)).astype(float)
    result["mql_to_sql_rate"] = (result["sqls"] / mqls).astype(float)
    result["recycle_rate"] = (result["recycled"] / mqls).astype(float)
    result["disqualified_rate"] = (result["disqualified"] / mqls).astype(float)
    result["value"] = result["value"].astype(object).where(result["value"].notna(), "(none)")
    return result


def leaderboard(scorecard: pd.DataFrame, follow_up_by_rep: pd.DataFrame) -> pd.DataFrame:
    """One row per rep: `rep_scorecard.sql` joined with the rep's follow-up compliance
    (`follow_up.summarise_counts` by owner), with MQL→SQL (SQLs / MQLs in the range) and win rate
    (won / closed). Reps with nothing in the range are left out."""
    follow = follow_up_by_rep[follow_up_by_rep["owner_id"].notna()].set_index("owner_id")[
        ["first_touch_within_rate", "median_hours_to_first_touch", "attempts_met_rate", "never_touched"]]
    board = scorecard.set_index("rep_id").join(follow, how="left").reset_index()
    board["never_touched"] = board["never_touched"].fillna(0).astype(int)
    board["mql_to_sql_rate"] = [safe_ratio(s, m) for s, m in zip(board["sqls"], board["mqls"])]
    board["win_rate"] = [safe_ratio(w, w + l) for w, l in zip(board["won_deals"], board["lost_deals"])]
    for column in ("mql_to_sql_rate", "win_rate"):
        board[column] = board[column].astype(float)
    # Revenue is a deal owner's number: blank, not $0, for a rep who closed no deal in the range.
    closed = (board["won_deals"] + board["lost_deals"]) > 0
    board["won_revenue"] = board["won_revenue"].astype(float).where(closed)
    board["avg_deal_size"] = board["avg_deal_size"].astype(float)
    active = (board[["mqls", "sqls", "proposals", "won_deals", "lost_deals"]].sum(axis=1) > 0)
    return board.loc[active, list(LEADERBOARD_COLUMNS)].reset_index(drop=True)


def split_leaderboard(board: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The leaderboard as two tables: reps who were handed leads in the range, with their lead
    columns, and reps who had deals at a stage in the range, with their deal columns. A rep who
    does both is in both; neither table depends on the reps extract having a role column."""
    works_leads = board["mqls"].fillna(0) > 0
    works_deals = board[["proposals", "won_deals", "lost_deals"]].fillna(0).sum(axis=1) > 0
    return (board.loc[works_leads, list(LEAD_COLUMNS)].reset_index(drop=True),
            board.loc[works_deals, list(DEAL_COLUMNS)].reset_index(drop=True))


def sort_leaderboard(board: pd.DataFrame, by: str) -> pd.DataFrame:
    """Sort by one whitelisted column, best first, missing values last, ties by rep id."""
    if by not in LEADERBOARD_SORTS:
        raise TeamKpisError(f"cannot sort the leaderboard by {by!r}; choose one of {', '.join(LEADERBOARD_SORTS)}")
    ascending = not LEADERBOARD_SORTS[by]
    return board.sort_values([by, "rep_id"], ascending=[ascending, True], na_position="last", kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class TeamKpisData:
    team: Team
    start: dt.date
    end: dt.date
    as_of: dt.date
    filters: Filters  # as applied: a sales team's own team filter replaces the sidebar's
    quota_share: float | None
    quota_share_is_set: bool
    quota: float | None  # the team's revenue quota for the range
    own: list[KpiReading]
    shared: list[KpiReading]
    monthly: pd.DataFrame  # MONTHLY_COLUMNS: one row per month, scope and KPI
    by_channel: pd.DataFrame | None  # marketing
    by_segment: pd.DataFrame | None  # marketing
    by_team: pd.DataFrame | None  # sales and shared: one row per sales team
    leaderboard: pd.DataFrame | None  # sales and shared: one row per rep
    notes: tuple[str, ...]
    untracked: tuple[str, ...] = ()  # columns of the tables above the extracts cannot fill: "not tracked"


def actuals_for(database: Database, start: dt.date, end: dt.date, filters: Filters, base: compliance.FollowUpBase,
                month: dt.date | None = None) -> dict[str, float | None]:
    """Every KPI the team pages show, as `kpi_values.kpi_actuals` computes them: the funnel's
    from its queries, the follow-up ones from `base` (hand-offs of the whole range, evaluated
    once) narrowed to the month and the filters' team."""
    values: dict[str, float | None] = dict.fromkeys(KPIS)
    values.update(funnel_kpis(database, start, end, filters))
    values.update(compliance.kpis_from(base, month, filters.team))
    return values


def monthly_funnel_kpis(counts: pd.DataFrame, catalog: Catalog, filters: Filters,
                        months: list[dt.date]) -> dict[dt.date, dict[str, float | None]]:
    """The funnel KPIs of each month from `kpi_counts_by_month.sql`, by the rules of
    `kpi_values.funnel_kpis` (tests check both agree month by month): untracked or unsplittable
    stages have no count, a rate across an untracked stage is left out, revenue needs amounts,
    win rate needs both outcomes, the cycle needs deal creation dates."""
    tracked = {stage: catalog.stage_tracked(stage) for stage in STAGE_NAMES}
    rows = {pd.Timestamp(row["month_start"]).date(): row for row in counts.to_dict("records")}
    result = {}
    for month in months:
        row = rows.get(month, {})
        stage_counts = counts_from_row({**row, "won": row.get("won", 0)})
        steps = {step.stage: step for step in build_funnel(stage_counts, tracked, filters, linked=catalog.linked)}
        values: dict[str, float | None] = {}
        for stage, kpi in STEP_RATE_KPIS.items():
            step = steps[stage]
            adjacent = is_step(step.previous_stage, step.stage)
            values[kpi] = step.rate_from_previous if adjacent else None
        for kpi, stage in (("sessions", "traffic"), ("leads", "lead"), ("mqls", "mql"), ("sqls", "sql")):
            values[kpi] = steps[stage].count
        won, lost = int(row.get("won", 0)), int(row.get("lost", 0))
        average, cycle = row.get("avg_deal_size"), row.get("sales_cycle_days")
        values["won_revenue"] = float(row.get("won_revenue", 0)) if catalog.revenue_tracked else None
        values["avg_deal_size"] = float(average) if catalog.revenue_tracked and pd.notna(average) else None
        values["win_rate"] = win_rate(won, lost) if catalog.outcomes_tracked else None
        cycle_tracked = catalog.stage_tracked("won") and catalog.has("deals", "created_at")
        values["sales_cycle_days"] = float(cycle) if cycle_tracked and cycle is not None and pd.notna(cycle) else None
        result[month] = values
    return result


def _monthly(database: Database, start: dt.date, end: dt.date, base: compliance.FollowUpBase,
             sets: list[tuple[str, Filters, float | None, tuple[str, ...]]]) -> pd.DataFrame:
    """Each month's readings; `sets` gives the scope ("team" or "shared"), filters, quota
    share and KPIs of each group (the team's own KPIs under its filters, the shared KPIs
    company-wide). One query per scope gives every month's funnel numbers."""
    config = database.config
    spans = month_spans(start, end)
    rows = []
    for scope, filters, share, keys in sets:
        if not keys:
            continue
        counts = database.query(durations_query(database, "kpi_counts_by_month", start, end, with_counts=True),
                                {**date_range_params(start, end), **filters.params()})
        funnel_values = monthly_funnel_kpis(counts, database.catalog, filters, [month for month, _, _ in spans])
        for month, first, last in spans:
            actuals = dict.fromkeys(KPIS)
            actuals.update(funnel_values[month])
            actuals.update(compliance.kpis_from(base, month, filters.team))
            targets = targets_for(config, first, last, share)
            partial = first != month or last != month_end(month)
            for reading in readings_for(actuals, targets, config.at_risk_band, keys):
                rows.append({"month_start": month, "is_partial": partial, "scope": scope, "kpi": reading.key,
                             "label": reading.label, "unit": reading.unit, "actual": reading.actual,
                             "target": reading.target, "status": reading.status})
    frame = pd.DataFrame(rows, columns=MONTHLY_COLUMNS).sort_values(["month_start"], kind="stable")
    for column in ("actual", "target"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    return frame.reset_index(drop=True)


def _by_team(database: Database, start: dt.date, end: dt.date, filters: Filters,
             base: compliance.FollowUpBase, only: tuple[str, ...] | None = None) -> pd.DataFrame:
    config = database.config
    teams = [team for team in config.teams if team.function == "sales" and (only is None or team.name in only)]
    each_team = concurrently(*(
        lambda name=team.name: actuals_for(database, start, end, Filters(filters.channel, filters.segment, name), base)
        for team in teams))
    rows = []
    for team, actuals in zip(teams, each_team):
        share, _ = quota_share(config.teams, team)
        quota = quota_between(config.slas, start, end) * share if share is not None else None
        rows.append({
            "team": team.name, "quota_share": share, "won_revenue": actuals["won_revenue"], "quota": quota,
            "attainment": safe_ratio(actuals["won_revenue"], quota),
            **{key: actuals[key] for key in FUNCTION_KPIS["sales"] if key != "won_revenue"},
        })
    return pd.DataFrame(rows, columns=["team", "quota_share", "won_revenue", "quota", "attainment",
                                       *(key for key in FUNCTION_KPIS["sales"] if key != "won_revenue")])


def team_kpis_data(database: Database, team_name: str, start: dt.date, end: dt.date,
                   filters: Filters = Filters(), as_of: dt.date | None = None) -> TeamKpisData:
    """Everything the Team KPIs page and the `team` command show for one team and range.

    A sales team's own KPIs are measured on its own leads and deals (its team filter replaces
    the sidebar's); shared KPIs are always company-wide (under the sidebar's filters) against
    the whole quota and the company targets, because both teams answer for them together."""
    config = database.config
    team = find_team(config, team_name)
    as_of = as_of or metrics.data_as_of(database) or end
    notes = []
    shared_filters = filters
    scorecard = None
    if team.function == "sales":
        if filters.team and filters.team != team.name:
            notes.append(f"The sidebar's sales team ({filters.team}) is replaced by {team.name} on this page.")
        filters = Filters(filters.channel, filters.segment, team.name)
        scorecard = database.query("rep_scorecard", {**date_range_params(start, end), **filters.params()})
        if scorecard.empty:
            notes.append(f"No rep in the reps extract has team {team.name!r}: make reps.team match the "
                         f"[[teams]] name in {config.path.name}; until then the team's numbers cover no leads or deals.")
    share, share_is_set = quota_share(config.teams, team)
    if team.function == "sales" and not share_is_set:
        notes.append(f"{team.name} has no quota_share in {config.path.name}: its revenue target is an equal "
                     f"split of what the other sales teams leave ({share:.0%} of the quota).")
    own_keys, shared_keys = kpi_keys(config, team)
    band = config.at_risk_band
    scope = getattr(database, "scope", None)
    one_rep = scope is not None and scope.is_one_rep
    # Hand-offs under the sidebar's channel and segment for every team at once; each use below
    # narrows them to its team.
    base = compliance.follow_up_base(database, start, end, Filters(shared_filters.channel, shared_filters.segment),
                                     as_of, with_hours=team.function != "marketing")
    actuals = actuals_for(database, start, end, filters, base)
    shared_actuals = actuals if shared_filters == filters else actuals_for(database, start, end, shared_filters, base)
    targets = targets_for(config, start, end, share)
    shared_targets = targets_for(config, start, end, 1.0)
    monthly = _monthly(database, start, end, base,
                       [("team", filters, share, own_keys), ("shared", shared_filters, 1.0, shared_keys)])
    if one_rep and team.function == "sales":
        # A rep's figures are their own records: the team's count and revenue targets (its share of the
        # quota) are not theirs, and the config sets no quota per rep, so those carry no judgement.
        team_quota = targets.get("won_revenue")
        targets = {key: value for key, value in targets.items() if not (key in KPIS and KPIS[key].is_additive)}
        mine = (monthly["scope"] == "team") & monthly["kpi"].map(lambda key: key in KPIS and KPIS[key].is_additive)
        monthly.loc[mine, ["target", "status"]] = None
        share = None
        # SQL → proposal steps from the rep's leads to the deals on them, which are mostly another rep's
        # (an SDR's SQL becomes an AE's deal): on one rep's records it reads 0 % for no fault of theirs
        actuals = {**actuals, **dict.fromkeys(ONE_REP_UNMEASURED)}
        targets = {key: value for key, value in targets.items() if key not in ONE_REP_UNMEASURED}
        monthly.loc[(monthly["scope"] == "team") & monthly["kpi"].isin(ONE_REP_UNMEASURED),
                    ["actual", "target", "status"]] = None
        notes.append("SQL → proposal is not measured on one rep's records: the deal a lead of yours becomes is "
                     "usually another rep's.")
        if team_quota is not None:
            notes.append(f"{team.name}'s quota for the range ({formatting.money(team_quota, config.slas[-1].currency)}) "
                         f"is the team's, not yours, and {config.path.name} sets no quota per rep: your won revenue "
                         "and counts are shown without a target or an attainment judgement; rates keep the SLA's targets.")
    if any(shared_filters.params().values()) or (scope is not None and scope.kind == "reps"):
        # (a manager's or a rep's "company-wide" is their own records: the company's targets are not theirs)
        # The company's count and revenue targets say nothing of a slice (the sidebar's team, channel
        # or segment): a sales team's $2.8M against the whole $8.2M quota read "off track" in red.
        shared_targets = {key: value for key, value in shared_targets.items() if not (key in KPIS and KPIS[key].is_additive)}
        sliced = (monthly["scope"] == "shared") & monthly["kpi"].map(lambda key: key in KPIS and KPIS[key].is_additive)
        monthly.loc[sliced, ["target", "status"]] = None

    by_channel = by_segment = by_team = board = None
    if team.function == "marketing":
        breakdown = breakdown_rates(database.query("marketing_breakdown", {**date_range_params(start, end),
                                                                             **filters.params()}), filters)
        breakdown = database.catalog.blank_untracked(breakdown)
        by_channel = breakdown[breakdown["dimension"] == "channel"].drop(columns="dimension").reset_index(drop=True)
        by_segment = breakdown[breakdown["dimension"] == "segment"].drop(
            columns=["dimension", "sessions", "visit_to_lead_rate"]).reset_index(drop=True)
    else:
        # each team's won revenue against its quota: only the teams whose records the viewer reads
        # (a manager's; a rep has no team's figures, their own are above)
        seen = None if scope is None or scope.kind != "reps" else () if one_rep else scope.teams
        by_team = _by_team(database, start, end, shared_filters, base, seen)
        if scorecard is None:
            scorecard = database.query("rep_scorecard", {**date_range_params(start, end), **filters.params()})
        counts = base.counts if filters.team is None else base.counts[base.counts["owner_team"] == filters.team]
        if not base.tracking.touches:
            counts = counts.iloc[0:0]
        if not database.hides_reps:  # marketing's data names no rep: there is no leaderboard to make
            follow_up = summarise_counts(counts, base.hours, ("owner_id",))
            board = database.catalog.blank_untracked(leaderboard(scorecard, follow_up))
    return TeamKpisData(
        team=team, start=start, end=end, as_of=as_of, filters=filters,
        quota_share=share, quota_share_is_set=share_is_set, quota=targets.get("won_revenue"),
        own=readings_for(actuals, targets, band, own_keys),
        shared=readings_for(shared_actuals, shared_targets, band, shared_keys),
        monthly=monthly, by_channel=by_channel, by_segment=by_segment, by_team=by_team, leaderboard=board,
        notes=tuple(notes),
        untracked=tuple(database.catalog.untracked(dict.fromkeys(
            [*LEADERBOARD_COLUMNS, *BREAKDOWN_COLUMNS, *FUNCTION_KPIS["sales"]]))),
    )
