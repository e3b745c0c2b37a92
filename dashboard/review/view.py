"""How the monthly review reads: the headline figures, funnel, forecast and scorecard as
labelled, formatted text. The page and the HTML report both render these, so they show the
same words and numbers. Pure: no Streamlit here."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from dashboard.core import formatting
from dashboard.core.contract import STAGE_LABELS, is_step
from dashboard.funnel.domain import FunnelStep, target_text
from dashboard.review.attainment import run_rate_scenario
from dashboard.review.headlines import day_label, headlines, month_texts
from dashboard.review.data import MonthlyReview, is_filtered, month_label
from dashboard.review.health import STAGE_RATE_KPIS, HealthNotes, undermined_reason
from dashboard.review.scorecard import OWNER_LABELS, ScorecardRow
from dashboard.core.exports import csv_text

STATUS_STYLES = formatting.STATUS_STYLES  # the report colours statuses as the pages do


@dataclass(frozen=True)
class Figure:
    label: str
    value: str
    delta: str | None = None
    delta_color: str = "normal"  # "normal": a minus reads bad; "off": grey, no judgement
    help: str = ""


def signed_money(value: float, currency: str) -> str:
    text = formatting.money(value, currency)
    return text if value < 0 else "+" + text


def _signed(value: float, digits: int) -> str:
    """'+1.2', '-0.4', and '0.0' rather than '-0.0' or '+0.0' for what rounds to nothing."""
    text = f"{value:+.{digits}f}"
    return text[1:] if float(text) == 0 else text


def signed_points(value: float | None) -> str:
    return "—" if value is None else f"{_signed(value * 100, 1)} pts"


def signed_pct(value: float | None) -> str:
    return "—" if value is None else f"{_signed(value * 100, 1)} %"


def month_name(review: MonthlyReview) -> str:
    return f"{review.month:%B}" + ("" if review.is_complete else f" to {day_label(review.cutoff)}")


def attainment_figures(review: MonthlyReview) -> list[Figure]:
    """Won this month and to date against the quota, attainment, pace, gap and forecast."""
    att, currency = review.attainment, review.currency
    money = lambda value: formatting.money(value, currency)  # noqa: E731
    figures = []
    if is_filtered(review.filters) and review.month_won_revenue is not None:
        share = review.month_won_revenue / att.month_won if att and att.month_won else None
        figures.append(Figure(
            "Won, filtered", money(review.month_won_revenue),
            f"{formatting.pct(share)} of company" if share is not None else None, "off",
            f"Deals won {month_name(review)} by {(review.filters_text or review.filters.describe())} (the sidebar filters).",
        ))
    if att is None:
        return figures
    figures.append(Figure(
        f"Won in {review.month:%B}", money(att.month_won),
        f"{signed_money(att.month_won - att.month_quota, currency)} vs quota" if att.month_quota else None, "normal",
        f"The whole company's deals won {month_name(review)}, against the month's share of the SLA quota: "
        f"{money(att.month_quota)} (its monthly weight, pro rata by day when an SLA period starts or ends inside "
        "the month).",
    ))
    figures.append(Figure(
        "Won to date", money(att.won_to_date), f"of {money(att.period_quota)} quota", "off",
        f"Deals won in {att.sla_name}, {day_label(att.period_start)} to {day_label(att.cutoff)}, against the "
        f"period quota of {money(att.period_quota)}.",
    ))
    figures.append(Figure(
        "Attainment", formatting.pct(att.attainment_rate),
        f"{signed_points(att.attainment_rate - att.pace_rate)} vs pace", "normal",
        "Won to date as a share of the period quota, against the share due by now.",
    ))
    figures.append(Figure(
        f"Pace to {att.cutoff.day} {att.cutoff:%b}", money(att.quota_to_date),
        f"{formatting.pct(att.pace_rate)} of quota", "off",
        f"Where the SLA's monthly quota weights say {att.sla_name} should be by {day_label(att.cutoff)}.",
    ))
    figures.append(Figure(
        "Gap to pace", signed_money(att.gap, currency),
        f"{signed_pct(att.gap_rate)} {'behind' if att.gap < 0 else 'ahead'}" if att.gap_rate is not None else None,
        "normal", "Won to date minus pace: negative means behind.",
    ))
    forecast = att.forecast
    if forecast is not None and forecast.method == "final":
        figures.append(Figure(
            "Final result", money(att.won_to_date), f"{formatting.pct(att.attainment_rate)} of quota", "off",
            f"{att.sla_name} ended on {day_label(att.period_end)}.",
        ))
    elif forecast is not None:
        figures.append(Figure(
            f"Forecast to {att.period_end.day} {att.period_end:%b}", money(forecast.total),
            f"{formatting.pct(forecast.attainment_rate)} of quota", "off",
            f"Expected by the period end, {day_label(att.period_end)}. {forecast.explanation}",
        ))
    return figures


def funnel_table(steps) -> pd.DataFrame:
    """The funnel as display text; `Status` keeps the plain status for colouring."""
    return pd.DataFrame({
        "Stage": [step.label for step in steps],
        "Count": [formatting.count(step.count) for step in steps],
        # The stage a rate is measured from is named only when it is not the row above (a stage between is
        # not tracked); the row order says the rest, and the table fits half a 1440 px page.
        "% of previous": [
            _rate_from_previous(step) if step.rate_from_previous is not None
            else step.note for step in steps  # "not tracked", "not split by team"
        ],
        "% of first": [formatting.pct(step.rate_from_first, 2, missing="") for step in steps],
        "SLA target": [target_text(step) for step in steps],
        "Status": [step.status or "" for step in steps],
    })


def is_wide(steps) -> bool:
    """Whether a funnel table names the stage a rate is measured from ("10.5 % of MQLs"): too wide
    for half the page, so the month and the period tables go one under the other."""
    return any(step.previous_stage is not None and not is_step(step.previous_stage, step.stage) for step in steps)


def _rate_from_previous(step: FunnelStep) -> str:
    rate = formatting.pct(step.rate_from_previous)
    if is_step(step.previous_stage, step.stage):
        return rate
    return f"{rate} of {STAGE_LABELS[step.previous_stage]}"


def forecast_table(review: MonthlyReview) -> pd.DataFrame | None:
    """The forecast's parts, so the method can be checked line by line."""
    att = review.attainment
    if att is None or att.forecast is None or att.forecast.method == "final":
        return None
    fc, currency = att.forecast, review.currency
    money = lambda value: formatting.money(value, currency)  # noqa: E731
    rows = [("Won so far", "", "", money(fc.won_to_date))]
    if fc.method == "pipeline":
        for stage in fc.stages:
            rows.append((f"Pipeline, {stage.label}",
                         f"{formatting.count(stage.open_deals)} · {money(stage.open_amount)}",
                         formatting.pct(stage.win_rate, missing="no history"), money(stage.expected)))
        rows.append(("New deals", "", "", money(fc.new_deals_expected)))
    else:
        rows.append((f"Run rate, {fc.horizon_days} days", "", "", money(fc.total - fc.won_to_date)))
    rows.append((f"Forecast to {day_label(att.period_end)}", "", "", money(fc.total)))
    rows.append(("Quota", "", "", money(att.period_quota)))
    if (scenario := run_rate_scenario(fc, currency)) is not None:
        rows.append(("Run-rate scenario (not the forecast)", "", "", money(scenario.total)))
    return pd.DataFrame(rows, columns=["Part", "Open deals · value", "Weight", "Expected"])


def trusted_headlines(review: MonthlyReview, undermined: frozenset[str] | set[str]) -> list[str]:
    """The headlines without any sentence on a figure a data-health finding undermines: the scorecard
    rows of those KPIs are left out, and the revenue sentences when won revenue is among them."""
    if not undermined:
        return list(review.headlines)
    rows = [row for row in review.scorecard if row.key not in undermined]
    att = None if "won_revenue" in undermined else review.attainment
    return headlines(*month_texts(review.month, review.cutoff), att, rows, review.currency,
                     (review.filters_text or review.filters.describe()) if is_filtered(review.filters) else "")


def judged_with_health(review: MonthlyReview, notes: HealthNotes) -> MonthlyReview:
    """The review with no traffic light on a figure a data-health finding undermines: such a KPI's
    or funnel stage's status reads "n/a" with the finding as its reason, and the scorecard's note
    says the figure is incomplete. The figures themselves stay, next to the finding."""
    if not notes.undermined:
        return review

    def row(item: ScorecardRow) -> ScorecardRow:
        if item.key not in notes.undermined or item.actual is None:  # not tracked stays "not tracked"
            return item
        reason = undermined_reason(notes, item.key)
        if item.status is None:
            return replace(item, note=reason)
        return replace(item, status="n/a", status_reason=reason, note=reason)

    def step(item: FunnelStep) -> FunnelStep:
        key = STAGE_RATE_KPIS.get(item.stage)
        if item.status is None or key not in notes.undermined:
            return item
        return replace(item, status="n/a", status_reason=undermined_reason(notes, key))

    return replace(review, scorecard=tuple(map(row, review.scorecard)),
                   funnel_month=tuple(map(step, review.funnel_month)),
                   funnel_period=tuple(map(step, review.funnel_period)))


def forecast_notes(review: MonthlyReview) -> list[str]:
    """How the forecast is made and, beside it, the run-rate scenario with the difference explained."""
    att = review.attainment
    if att is None or att.forecast is None or att.forecast.method == "final":
        return []
    scenario = run_rate_scenario(att.forecast, review.currency)
    return [att.forecast.explanation] + ([scenario.explanation] if scenario else [])


def period_months_table(review: MonthlyReview) -> pd.DataFrame:
    """The period month by month: quota share, won revenue, attainment."""
    frame, currency = review.period_months, review.currency
    return pd.DataFrame({
        "Month": [f"{month:%b %Y}" for month in frame["month_start"]],
        "Quota": [formatting.money(value, currency) for value in frame["quota"]],
        "Won": [formatting.money(value, currency) for value in frame["won_revenue"]],
        "Attainment": [formatting.pct(value) for value in frame["attainment_rate"]],
    })


def _value(row: ScorecardRow, value: float | None, currency: str) -> str:
    if value is None:
        return "—"
    if row.unit == "rate":
        return formatting.pct(value)
    if row.unit == "currency":
        return formatting.money(value, currency)
    if row.unit == "days":
        return formatting.days(value)
    if row.unit == "hours":
        return f"{value:.1f} h"
    return formatting.count(round(value))


def _delta(row: ScorecardRow, value: float | None, currency: str) -> str:
    if value is None:
        return "—"
    if row.unit == "rate":
        return signed_points(value)
    if row.unit == "currency":
        return signed_money(value, currency)
    if row.unit == "days":
        return f"{_signed(value, 0)} d"
    if row.unit == "hours":
        return f"{_signed(value, 1)} h"
    return "0" if round(value) == 0 else f"{round(value):+,}"


def scorecard_table(rows: list[ScorecardRow] | tuple[ScorecardRow, ...], currency: str) -> pd.DataFrame:
    return pd.DataFrame({
        "Owner": [OWNER_LABELS[row.owner] for row in rows],
        "KPI": [row.label for row in rows],
        "Target": [_value(row, row.target, currency) for row in rows],
        "Actual": [row.note if row.actual is None and row.note else _value(row, row.actual, currency) for row in rows],
        "Status": [row.status or "" for row in rows],
        "vs last month": [_delta(row, row.delta_month, currency) for row in rows],
        "vs last year": [_delta(row, row.delta_year, currency) for row in rows],
        "Note": [row.note if row.actual is not None else "" for row in rows],
        "Teams": [row.teams_label or ", ".join(row.teams) for row in rows],
    })


def durations_table(review: MonthlyReview) -> pd.DataFrame:
    """Median days between stages this month and last month."""
    from dashboard.review.charts import TRANSITION_LABELS

    frame = review.durations
    rows = []
    for transition, label in TRANSITION_LABELS.items():
        data = frame[frame["transition"] == transition].set_index("month_start")
        if data.empty:
            continue
        this = data["median_days"].get(review.month)
        before = data["median_days"].get(review.previous_month)
        records = data["records"].get(review.month)
        rows.append((label, _days(this), _days(before), formatting.count(records, missing="0")))
    return pd.DataFrame(rows, columns=["Transition", f"{review.month:%b %Y}", f"{review.previous_month:%b %Y}",
                                       "Records"])


def _days(value) -> str:
    return "—" if value is None or pd.isna(value) else f"{value:.1f} d"


def title(review: MonthlyReview) -> str:
    return f"Monthly review: {month_label(review.month)}" + ("" if review.is_complete else " (to date)")


def subtitle(review: MonthlyReview) -> str:
    return (f"{review.company} · data as of {day_label(review.as_of)} · "
            f"{(review.filters_text or review.filters.describe())}")


def funnel_csv(review: MonthlyReview) -> str:
    """Both funnels with raw numbers (rates as fractions) for download."""
    from dashboard.funnel.domain import funnel_frame

    frames = [funnel_frame(list(review.funnel_month)).assign(scope=f"{review.month:%Y-%m}")]
    if review.funnel_period and review.sla is not None:
        frames.append(funnel_frame(list(review.funnel_period)).assign(scope=f"{review.sla.name} to date"))
    return csv_text(pd.concat(frames, ignore_index=True))


def scorecard_csv(review: MonthlyReview) -> str:
    from dashboard.review.scorecard import scorecard_frame

    return csv_text(scorecard_frame(review.scorecard))
