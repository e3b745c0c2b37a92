"""Headlines for the monthly review: three to five plain sentences built from the numbers,
so the meeting starts from facts. Pure: every sentence is a function of values passed in."""

from __future__ import annotations

import datetime as dt
from typing import Sequence

from dashboard.core import formatting
from dashboard.review.attainment import Attainment
from dashboard.funnel.domain import AT_RISK, OFF_TRACK, ON_TRACK
from dashboard.core.kpis import STEP_RATE_KPIS
from dashboard.review.scorecard import ScorecardRow

RATE_KPIS = (*STEP_RATE_KPIS.values(), "win_rate")
COUNT_KPIS = ("mqls", "sqls", "leads", "sessions")
ON_PACE_BAND = 0.005  # within half a percent of pace reads "on pace"
STEADY_POINTS = 0.001  # a rate that moved less than 0.1 point "held"
MAX_HEADLINES = 5


def day_label(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def pace_sentence(att: Attainment) -> str:
    money = lambda value: formatting.money(value, att.currency)  # noqa: E731
    if att.days_left == 0:
        return (f"{att.sla_name} closed at {money(att.won_to_date)}, "
                f"{formatting.pct(att.attainment_rate)} of its {money(att.period_quota)} quota.")
    gap_rate = att.gap_rate
    if gap_rate is None:
        return f"Won revenue in {att.sla_name} is {money(att.won_to_date)} so far; no quota was due yet."
    if abs(gap_rate) < ON_PACE_BAND:
        where = "on pace"
    else:
        where = f"{formatting.pct(abs(gap_rate))} {'behind' if gap_rate < 0 else 'ahead of'} pace"
    detail = f"{money(att.won_to_date)} won against {money(att.quota_to_date)} expected by {day_label(att.cutoff)}"
    if gap_rate < -ON_PACE_BAND:
        detail += f", a gap of {money(-att.gap)}"
    return f"Won revenue in {att.sla_name} is {where}: {detail}."


def forecast_sentence(att: Attainment) -> str | None:
    forecast = att.forecast
    if forecast is None or forecast.method == "final":
        return None
    money = lambda value: formatting.money(value, att.currency)  # noqa: E731
    sentence = (f"The forecast for {day_label(att.period_end)} is {money(forecast.total)}, "
                f"{formatting.pct(forecast.attainment_rate)} of the {money(att.period_quota)} quota")
    still_needed = att.period_quota - att.won_to_date
    months_left = att.days_left / 30.4375
    if still_needed > 0 and months_left >= 1:
        sentence += f"; making quota takes {money(still_needed / months_left)} a month from here"
    elif still_needed > 0:
        sentence += f"; making quota takes {money(still_needed)} more"
    return sentence + "."


def month_sentence(month: str, won: ScorecardRow | None, att: Attainment | None, previous: str,
                   currency: str, scope: str = "") -> str | None:
    """`scope` names the filters ("Sales East") when the revenue is a slice of the company's."""
    if won is None or won.actual is None:
        return None
    money = lambda value: formatting.money(value, currency)  # noqa: E731
    sentence = f"{month} brought {money(won.actual)} of won revenue" + (f" from {scope}" if scope else "")
    is_filtered = bool(scope)
    if att is not None and not is_filtered and att.month_quota:
        sentence += f", {formatting.pct(att.month_attainment_rate)} of its {money(att.month_quota)} share of the quota"
    if won.last_month is not None:
        sentence += f"; {previous} brought {money(won.last_month)}"
    return sentence + "."


def rate_sentence(row: ScorecardRow, previous: str) -> str:
    actual, target = formatting.pct(row.actual), formatting.pct(row.target)
    if row.last_month is None:
        move = f"{row.label} was {actual}"
    elif abs(row.actual - row.last_month) < STEADY_POINTS:
        move = f"{row.label} held at {actual}"
    else:
        verb = "rose" if row.actual > row.last_month else "fell"
        move = f"{row.label} {verb} from {formatting.pct(row.last_month)} in {previous} to {actual}"
    if row.target is None:
        return move + "."
    side = "below" if row.status in (AT_RISK, OFF_TRACK) else "meeting"
    if row.status == ON_TRACK and row.actual > row.target:
        side = "above"
    return f"{move}, {side} the {target} target."


def count_sentence(row: ScorecardRow) -> str:
    short = (row.target - row.actual) / row.target
    return (f"{row.label}: {formatting.count(row.actual)} against a target of {formatting.count(round(row.target))} "
            f"({formatting.pct(short)} short).")


def _shortfall(row: ScorecardRow) -> float:
    return (row.target - row.actual) / row.target


def month_texts(month: dt.date, cutoff: dt.date) -> tuple[str, str]:
    """How the month and the one it is compared with read: "October" and "September", or
    "April to 10 Apr" and "1–10 March" while the month is still running."""
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    if cutoff.month != (cutoff + dt.timedelta(days=1)).month:
        return f"{month:%B}", f"{previous:%B}"
    last = min(cutoff.day, (month - dt.timedelta(days=1)).day)
    return f"{month:%B} to {cutoff.day} {cutoff:%b}", f"1–{last} {previous:%B}"


def headlines(
    month: str,
    previous: str,
    att: Attainment | None,
    scorecard: Sequence[ScorecardRow],
    currency: str,
    scope: str = "",
) -> list[str]:
    """Three to five sentences: pace (or the period's result), forecast, the month against its
    quota and last month, then the conversion rates furthest below target (or, when all are on
    track, the biggest mover) and volumes short of target."""
    rows = {row.key: row for row in scorecard}
    sentences: list[str] = []
    if att is not None:
        pace = pace_sentence(att)
        sentences.append(pace[:-1] + " (whole company)." if scope else pace)
        forecast = forecast_sentence(att)
        if forecast:
            sentences.append(forecast)
    month_line = month_sentence(month, rows.get("won_revenue"), att, previous, currency, scope)
    if month_line:
        sentences.append(month_line)

    rates = [rows[key] for key in RATE_KPIS if key in rows and rows[key].actual is not None]
    behind = sorted((row for row in rates if row.status in (AT_RISK, OFF_TRACK)), key=_shortfall, reverse=True)
    for row in behind[:2]:
        sentences.append(rate_sentence(row, previous))
    if not behind:
        targeted = [row for row in rates if row.target is not None]
        if targeted:
            sentences.append("Every funnel conversion with a target is on track.")
        movers = [row for row in rates if row.last_month is not None]
        if movers:
            sentences.append(rate_sentence(max(movers, key=lambda row: abs(row.actual - row.last_month)), previous))
    short_counts = [rows[key] for key in COUNT_KPIS
                    if key in rows and rows[key].actual is not None and rows[key].status in (AT_RISK, OFF_TRACK)]
    for row in sorted(short_counts, key=_shortfall, reverse=True):
        if len(sentences) >= MAX_HEADLINES:
            break
        sentences.append(count_sentence(row))
    return sentences[:MAX_HEADLINES]
