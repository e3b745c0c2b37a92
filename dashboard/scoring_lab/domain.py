"""The scoring lab: re-score historical leads under edited rules and an MQL threshold.

Pure numpy on a pre-aggregate (`queries/scoring_lab_lead_groups.sql`): leads grouped by month
and by the combination of the attributes the rules read, numeric ones cut into bins on every
threshold the rules can use. So a rule change re-scores the groups, not the leads, and a
threshold change only sums a score histogram.

Scores come from `scoring.score_leads`, the one scorer: a lead's score is a sum over its
attributes, so each attribute's distinct values are scored once with the rules on that
attribute and the groups gather their points by code.

What history cannot tell: a lead that was never handed off has no sales outcome. A figure
is therefore split into an observed part (leads that were handed off, or reached SQL or a
deal) and an estimated part (never-handed-off leads the rules would now make MQLs), with
the method of estimation named.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import textwrap
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from dashboard.core.config import (
    MAX_RULE_POINTS,
    MAX_RULES,
    ConfigError,
    DeclaredAttribute,
    LeadDefinition,
    ScoringRule,
    parse_config,
)
from dashboard.core.contract import TABLES
from dashboard.scoring_lab.scoring import score_leads

NOT_SCORING = ("lead_id", "created_at", "score", "mql_at", "sql_at", "recycled_at", "disqualified_at", "owner_id")
SCORING_ATTRIBUTES = tuple(c for c in TABLES["leads"].column_names if c not in NOT_SCORING)
NUMERIC_ATTRIBUTES = tuple(c.name for c in TABLES["leads"].columns if c.name in SCORING_ATTRIBUTES and c.sql_type == "INTEGER")
BOOLEAN_ATTRIBUTES = tuple(c.name for c in TABLES["leads"].columns if c.name in SCORING_ATTRIBUTES and c.sql_type == "BOOLEAN")
HAND_RAISER = "demo_requested"  # a lead that asked for a demo raised its hand

# The one period of undated leads (LeadGroups.months): all time, no month to count a lead in.
ALL_TIME = None
# Below every bin bound, so values under the smallest threshold share one bin.
FLOOR = -(2**31)
# Thresholds the lab can try without re-reading history; any other value re-reads it once.
CANDIDATE_THRESHOLDS = {
    "company_size": (10, 25, 50, 100, 200, 250, 500, 1_000, 2_000, 5_000, 10_000),
    "pricing_page_views": tuple(range(0, 11)),
    "content_downloads": tuple(range(0, 11)),
}

BAND_WIDTH = 10  # score points per band for the estimate
MAX_SCORE_WIDTH = 2 * MAX_RULES * MAX_RULE_POINTS + 1  # lowest to highest reachable score, plus one
MIN_BAND_OBSERVED = 30  # a band needs this many observed leads to lend its conversion

BAND, HAND_RAISERS, NO_CONVERSION = "band", "hand_raisers", "none"
ESTIMATE_METHODS = {
    BAND: "Nearest observed score band",
    HAND_RAISERS: "Hand-raisers at the same score",
    NO_CONVERSION: "No conversion (a floor)",
}
ESTIMATE_EXPLANATIONS = {
    BAND: (f"each never-handed-off lead converts like the handed-off leads of its {BAND_WIDTH}-point score band, "
           f"or of the nearest band with at least {MIN_BAND_OBSERVED} of them. Leads handed off at low scores are "
           "mostly hand-raisers, so the estimate leans optimistic."),
    HAND_RAISERS: (f"each never-handed-off lead converts like the leads of its {BAND_WIDTH}-point score band who "
                   "requested a demo and were handed off whatever their score (the nearest band with at least "
                   f"{MIN_BAND_OBSERVED} of them). Hand-raisers show intent, so this is an upper reading."),
    NO_CONVERSION: "never-handed-off leads are assumed never to convert: the figures are a floor.",
}


# --- Bins ---------------------------------------------------------------------------------


def rule_thresholds(rule_sets: Iterable[Sequence[ScoringRule]], numeric: Iterable[str] = NUMERIC_ATTRIBUTES
                    ) -> dict[str, set[float]]:
    """Every numeric value a rule compares a numeric attribute with."""
    found: dict[str, set[float]] = {name: set() for name in numeric}
    for rules in rule_sets:
        for rule in rules:
            if rule.attribute not in found:
                continue
            values = rule.value if isinstance(rule.value, tuple) else (rule.value,)
            for value in values:
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    found[rule.attribute].add(float(value))
    return found


def bin_bounds(thresholds: Iterable[float]) -> tuple[int, ...]:
    """Lower bounds of the bins of an integer attribute such that every comparison with any of
    `thresholds` (=, !=, <, <=, >, >=) holds for a whole bin or for none of it: each threshold v
    contributes floor(v), floor(v)+1, ceil(v) and ceil(v)+1."""
    bounds = {FLOOR}
    for value in thresholds:
        for whole in {math.floor(value), math.ceil(value)}:
            bounds.update((int(whole), int(whole) + 1))
    return tuple(sorted(bounds))


# Below every value of a declared number attribute, which may be any real number.
REAL_FLOOR = float("-inf")


def real_bin_bounds(thresholds: Iterable[float]) -> tuple[float, ...]:
    """Lower bounds of the bins of a declared number attribute (any real value, say 2.5 page views
    per visit) such that every comparison with any of `thresholds` holds for a whole bin or for none
    of it: each threshold v contributes v (a bin holding v alone up to the next bound) and the
    smallest double above v (where the values greater than v start)."""
    bounds = {REAL_FLOOR}
    for value in thresholds:
        bounds.update((float(value), float(np.nextafter(float(value), math.inf))))
    return tuple(sorted(bounds))


def lab_bounds(rule_sets: Iterable[Sequence[ScoringRule]], declared_numbers: Sequence[str] = ()
               ) -> dict[str, tuple[int | float, ...]]:
    """The bin bounds of every numeric attribute: the contract's (integers, with candidate
    thresholds the lab can try without re-reading) and the declared number attributes'."""
    rule_sets = list(rule_sets)
    found = rule_thresholds(rule_sets, (*NUMERIC_ATTRIBUTES, *declared_numbers))
    bounds: dict[str, tuple[int | float, ...]] = {
        name: bin_bounds(set(CANDIDATE_THRESHOLDS.get(name, ())) | found[name]) for name in NUMERIC_ATTRIBUTES}
    bounds.update({name: real_bin_bounds(found[name]) for name in declared_numbers})
    return bounds


def bounds_cover(bounds: Mapping[str, tuple[int | float, ...]], rules: Sequence[ScoringRule],
                 declared_numbers: Sequence[str] = ()) -> bool:
    """Whether every numeric threshold of `rules` is exact on these bins."""
    found = rule_thresholds([rules], (*NUMERIC_ATTRIBUTES, *declared_numbers))
    return (all(set(bin_bounds(found[name])) <= set(bounds.get(name, (FLOOR,))) for name in NUMERIC_ATTRIBUTES)
            and all(set(real_bin_bounds(found[name])) <= set(bounds.get(name, (REAL_FLOOR,)))
                    for name in declared_numbers))


def kept_attributes(rule_sets: Iterable[Sequence[ScoringRule]], available: Iterable[str]) -> tuple[str, ...]:
    """The attributes the pre-aggregate keeps: those some rule reads, plus demo requests (to
    tell hand-raisers apart), among those the extract has."""
    order = list(SCORING_ATTRIBUTES) + sorted(set(available) - set(SCORING_ATTRIBUTES))  # then the declared ones
    available = set(available)
    used = {rule.attribute for rules in rule_sets for rule in rules} | {HAND_RAISER}
    return tuple(name for name in order if name in used and name in available)


# --- The pre-aggregate ----------------------------------------------------------------------


def attribute_kind(attribute: str, kinds: Mapping[str, str] | None = None) -> str:
    """number, flag or label: the contract's attributes by their type, declared ones by `kinds`."""
    if kinds and attribute in kinds:
        return kinds[attribute]
    if attribute in NUMERIC_ATTRIBUTES:
        return "number"
    return "flag" if attribute in BOOLEAN_ATTRIBUTES else "label"


def _values_for_scoring(values: pd.Index | np.ndarray | pd.api.extensions.ExtensionArray, attribute: str,
                        kinds: Mapping[str, str] | None = None) -> np.ndarray:
    """Distinct attribute values as `score_leads` reads them: numbers as floats (NaN when
    missing), labels and flags as objects (None when missing)."""
    series = pd.Series(values)
    kind = attribute_kind(attribute, kinds)
    if kind == "number":
        return pd.to_numeric(series, errors="coerce").astype("float64").to_numpy()
    if kind == "flag":
        return np.array([None if pd.isna(v) else bool(v) for v in series], dtype=object)
    return np.array([None if pd.isna(v) else str(v) for v in series], dtype=object)


def attribute_arrays(frame: pd.DataFrame, attributes: Iterable[str], kinds: Mapping[str, str] | None = None
                     ) -> dict[str, np.ndarray]:
    """Per-lead (or per-group) attribute arrays in the form `score_leads` reads."""
    return {name: _values_for_scoring(frame[name].to_numpy(), name, kinds) for name in attributes}


@dataclass
class LeadGroups:
    """Leads grouped by month and attribute combination, with their outcomes."""

    months: tuple[dt.date, ...]
    month_code: np.ndarray
    codes: dict[str, np.ndarray]  # attribute -> code of each group's value
    values: dict[str, np.ndarray]  # attribute -> distinct values (binned for numeric attributes)
    leads: np.ndarray
    observed: np.ndarray
    sql: np.ndarray
    won: np.ndarray
    revenue: np.ndarray
    bounds: dict[str, tuple[int, ...]] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)  # declared attributes: number / label / flag

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, attributes: Sequence[str], bounds: Mapping[str, tuple[int, ...]],
                   kinds: Mapping[str, str] | None = None) -> "LeadGroups":
        months = pd.to_datetime(frame["month_start"])
        if len(frame) and months.isna().all():
            # undated leads (read all time): one period, which is no month
            month_values, month_code = [ALL_TIME], np.zeros(len(frame), dtype=np.int32)
        elif not months.isna().any():
            # unique on numpy days, not a date object per group: 30-90 ms at 220k groups (10M leads)
            days = months.to_numpy().astype("datetime64[D]")
            distinct_days = np.unique(days)
            month_values, month_code = distinct_days.astype(object).tolist(), np.searchsorted(distinct_days, days)
        else:
            month_values = sorted(months.dt.date.unique())
            month_code = np.searchsorted(np.array(month_values, dtype="datetime64[D]"),
                                         months.to_numpy().astype("datetime64[D]"))
        codes, values = {}, {}
        for name in attributes:
            code, uniques = pd.factorize(frame[name], use_na_sentinel=False)
            codes[name] = code.astype(np.int32)
            values[name] = _values_for_scoring(uniques, name, kinds)
        return cls(
            months=tuple(month_values), month_code=month_code.astype(np.int32), codes=codes, values=values,
            leads=frame["leads"].to_numpy(np.int64), observed=frame["observed_leads"].to_numpy(np.int64),
            sql=frame["sql_leads"].to_numpy(np.int64), won=frame["won_leads"].to_numpy(np.int64),
            revenue=frame["won_revenue"].astype("float64").to_numpy(), bounds=dict(bounds), kinds=dict(kinds or {}),
        )

    @property
    def size(self) -> int:
        return len(self.leads)

    @property
    def attributes(self) -> tuple[str, ...]:
        return tuple(self.codes)

    @property
    def hand_raiser(self) -> np.ndarray:
        if HAND_RAISER not in self.codes:
            return np.zeros(self.size, dtype=bool)
        flags = np.array([value is True for value in self.values[HAND_RAISER]], dtype=bool)
        return flags[self.codes[HAND_RAISER]]

    def has_values(self, attribute: str) -> bool:
        """Whether any lead of the range has a value for the attribute."""
        return any(not (v is None or (isinstance(v, float) and math.isnan(v))) for v in self.values.get(attribute, ()))

    def labels(self, attribute: str) -> list:
        """The distinct values of a label or flag attribute, for the rule editor."""
        return sorted((v for v in self.values.get(attribute, ()) if v is not None), key=str)


def group_scores(groups: LeadGroups, rules: Sequence[ScoringRule]) -> np.ndarray:
    """The score of every group (and so of every lead in it) under `rules`."""
    scores = np.zeros(groups.size, dtype=np.int64)
    for attribute in dict.fromkeys(rule.attribute for rule in rules):
        if attribute not in groups.codes:
            raise KeyError(f"the pre-aggregate has no attribute {attribute!r}; it keeps {', '.join(groups.attributes)}")
        on_attribute = [rule for rule in rules if rule.attribute == attribute]
        points = score_leads({attribute: groups.values[attribute]}, on_attribute).astype(np.int64)
        scores += points[groups.codes[attribute]]
    return scores


def score_range(rules: Sequence[ScoringRule]) -> tuple[int, int]:
    low = sum(rule.points for rule in rules if rule.points < 0)
    high = sum(rule.points for rule in rules if rule.points > 0)
    return low, high


# --- Score histogram and estimates ---------------------------------------------------------


@dataclass(frozen=True)
class ScoreHistogram:
    """Leads and outcomes by month x score x hand-raiser (0 no, 1 yes), for one rule set.
    est_* are the estimated outcomes of the leads that were never handed off."""

    months: tuple[dt.date, ...]
    min_score: int
    leads: np.ndarray
    observed: np.ndarray
    sql: np.ndarray
    won: np.ndarray
    revenue: np.ndarray
    est_sql: np.ndarray
    est_won: np.ndarray
    est_revenue: np.ndarray
    bands: pd.DataFrame
    method: str

    @property
    def max_score(self) -> int:
        return self.min_score + self.leads.shape[1] - 1

    @property
    def scores(self) -> np.ndarray:
        return np.arange(self.min_score, self.max_score + 1)


def score_histogram(groups: LeadGroups, scores: np.ndarray, rules: Sequence[ScoringRule], method: str = BAND) -> ScoreHistogram:
    if method not in ESTIMATE_METHODS:
        raise ValueError(f"estimate method must be one of {', '.join(ESTIMATE_METHODS)}, got {method!r}")
    low, high = score_range(rules)
    if groups.size:
        low, high = min(low, int(scores.min())), max(high, int(scores.max()))
    width = high - low + 1
    if width > MAX_SCORE_WIDTH:
        # Rules are checked where they come in (config, link, editor); this is the last stop
        # before an allocation as wide as the score range.
        raise ValueError(f"the rules span {width:,} scores; at most {MAX_SCORE_WIDTH:,} (points are capped at "
                         f"{MAX_RULE_POINTS} a rule, {MAX_RULES} rules)")
    months = len(groups.months)
    key = (groups.month_code.astype(np.int64) * width + (scores - low)) * 2 + groups.hand_raiser
    shape = (months, width, 2)

    def histogram(weights: np.ndarray) -> np.ndarray:
        return np.bincount(key, weights=weights, minlength=months * width * 2).reshape(shape)

    leads, observed = histogram(groups.leads), histogram(groups.observed)
    sql, won, revenue = histogram(groups.sql), histogram(groups.won), histogram(groups.revenue)
    bands, sql_rate, won_rate, revenue_rate = _band_rates(low, observed, sql, won, revenue, method)
    unobserved = leads - observed
    return ScoreHistogram(
        months=groups.months, min_score=low, leads=leads, observed=observed, sql=sql, won=won, revenue=revenue,
        est_sql=unobserved * sql_rate[None, :, None], est_won=unobserved * won_rate[None, :, None],
        est_revenue=unobserved * revenue_rate[None, :, None], bands=bands, method=method,
    )


def _band_rates(low, observed, sql, won, revenue, method):
    """Conversion of observed leads per score band, lent to each score; a band with too few
    observed leads borrows from the nearest band that has enough (the lower one on a tie)."""
    width = observed.shape[1]
    scores = np.arange(low, low + width)
    band_of_score = np.floor_divide(scores, BAND_WIDTH)
    columns = ["band_start", "band_end", "observed_leads", "sql_rate", "won_rate", "revenue_per_lead", "borrowed_from"]
    if method == NO_CONVERSION:
        zeros = np.zeros(width)
        return pd.DataFrame(columns=columns), zeros, zeros, zeros
    part = slice(1, 2) if method == HAND_RAISERS else slice(0, 2)
    per_score = [array[:, :, part].sum(axis=(0, 2)) for array in (observed, sql, won, revenue)]
    bands = np.unique(band_of_score)
    first_band = band_of_score[0] if width else 0
    # Every band between the lowest and the highest has a score in it, so bincount by band is
    # one pass over the scores (a loop over bands would be quadratic in the score range).
    totals = {name: np.bincount(band_of_score - first_band, weights=values, minlength=len(bands))[:len(bands)]
              for name, values in zip(("observed", "sql", "won", "revenue"), per_score)}
    usable = np.flatnonzero(totals["observed"] >= MIN_BAND_OBSERVED)
    rows, rates = [], {}
    for index, band in enumerate(bands):
        if len(usable):
            distance = np.abs(usable - index)
            source = usable[np.flatnonzero(distance == distance.min())[0]]
            count = totals["observed"][source]
            rate = (totals["sql"][source] / count, totals["won"][source] / count, totals["revenue"][source] / count)
        else:
            source, rate = None, (0.0, 0.0, 0.0)
        rates[band] = rate
        rows.append({
            "band_start": int(band * BAND_WIDTH), "band_end": int(band * BAND_WIDTH + BAND_WIDTH - 1),
            "observed_leads": int(totals["observed"][index]), "sql_rate": rate[0], "won_rate": rate[1],
            "revenue_per_lead": rate[2],
            "borrowed_from": None if source is None or source == index else int(bands[source] * BAND_WIDTH),
        })
    sql_rate = np.array([rates[b][0] for b in band_of_score])
    won_rate = np.array([rates[b][1] for b in band_of_score])
    revenue_rate = np.array([rates[b][2] for b in band_of_score])
    return pd.DataFrame(rows, columns=columns), sql_rate, won_rate, revenue_rate


def mql_mask(hist: ScoreHistogram, threshold: int, bypass: bool) -> np.ndarray:
    """(score x hand-raiser) cells that are MQLs: score at or above the threshold, and every
    hand-raiser when hand-raisers bypass the threshold."""
    mask = np.zeros(hist.leads.shape[1:], dtype=bool)
    mask[hist.scores >= threshold, :] = True
    if bypass:
        mask[:, 1] = True
    return mask


MONTHLY_COLUMNS = [
    "month_start", "leads", "handed_off_in_history", "mqls", "mqls_observed", "mqls_estimated",
    "sqls_observed", "sqls_estimated", "won_observed", "won_estimated", "revenue_captured_observed",
    "revenue_captured_estimated", "won_missed", "revenue_missed", "mql_to_sql_rate", "mql_to_won_rate",
    "mqls_per_rep", "capacity_per_rep",
]


@dataclass(frozen=True)
class LabFigures:
    """One rule set at one threshold: per month and in total (observed and estimated parts)."""

    threshold: int
    monthly: pd.DataFrame  # MONTHLY_COLUMNS
    total: dict[str, float | None]


def evaluate(hist: ScoreHistogram, threshold: int, bypass: bool = False, reps: int | None = None,
             capacity: float | None = None) -> LabFigures:
    mask = mql_mask(hist, threshold, bypass)[None, :, :]

    def by_month(array: np.ndarray, where: np.ndarray) -> np.ndarray:
        return (array * where).sum(axis=(1, 2))

    inside, outside = mask, ~mask
    leads_all = hist.leads.sum(axis=(1, 2))
    frame = pd.DataFrame({
        "month_start": list(hist.months),
        "leads": leads_all,
        "handed_off_in_history": hist.observed.sum(axis=(1, 2)),
        "mqls": by_month(hist.leads, inside),
        "mqls_observed": by_month(hist.observed, inside),
        "sqls_observed": by_month(hist.sql, inside),
        "sqls_estimated": by_month(hist.est_sql, inside),
        "won_observed": by_month(hist.won, inside),
        "won_estimated": by_month(hist.est_won, inside),
        "revenue_captured_observed": by_month(hist.revenue, inside),
        "revenue_captured_estimated": by_month(hist.est_revenue, inside),
        "won_missed": by_month(hist.won, outside),
        "revenue_missed": by_month(hist.revenue, outside),
    })
    frame["mqls_estimated"] = frame["mqls"] - frame["mqls_observed"]
    total = {column: float(frame[column].sum()) for column in frame.columns if column != "month_start"}
    for target in (frame, total):
        _add_rates(target, reps, capacity)
    dated = bool(hist.months) and hist.months != (ALL_TIME,)  # undated leads have no month to divide by
    total["months"] = float(len(hist.months)) if dated else None
    total["mqls_per_month"] = total["mqls"] / len(hist.months) if dated else None
    total["mqls_per_rep"] = (total["mqls"] / len(hist.months) / reps) if reps and dated else None
    return LabFigures(threshold=threshold, monthly=frame[MONTHLY_COLUMNS], total=total)


def _add_rates(target, reps, capacity) -> None:
    mqls = target["mqls"]
    sqls = target["sqls_observed"] + target["sqls_estimated"]
    won = target["won_observed"] + target["won_estimated"]
    if isinstance(target, pd.DataFrame):
        safe = mqls.where(mqls > 0)
        target["mql_to_sql_rate"] = sqls / safe
        target["mql_to_won_rate"] = won / safe
        target["mqls_per_rep"] = mqls / reps if reps else np.nan
        target["capacity_per_rep"] = capacity if capacity else np.nan
    else:
        target["mql_to_sql_rate"] = sqls / mqls if mqls else None
        target["mql_to_won_rate"] = won / mqls if mqls else None
        target["capacity_per_rep"] = capacity


def tradeoff(hist: ScoreHistogram, bypass: bool = False) -> pd.DataFrame:
    """Every threshold from the lowest to the highest score: MQL volume, precision (MQL → SQL
    and MQL → won, estimates included) and the share of observed won revenue captured."""
    per_score = {name: getattr(hist, name).sum(axis=0) for name in
                 ("leads", "sql", "won", "revenue", "est_sql", "est_won", "est_revenue")}
    # Reverse cumulative sums: everything scoring at or above each threshold.
    above = {name: np.cumsum(values[::-1, :], axis=0)[::-1, :] for name, values in per_score.items()}
    total = {name: values.sum(axis=0) for name, values in per_score.items()}
    selected = {}
    for name in per_score:
        upper = above[name][:, 0] + (total[name][1] if bypass else above[name][:, 1])
        selected[name] = upper
    mqls = selected["leads"]
    months = max(len(hist.months), 1) if hist.months != (ALL_TIME,) else np.nan  # undated: no month
    observed_revenue = float(hist.revenue.sum())
    with np.errstate(divide="ignore", invalid="ignore"):
        frame = pd.DataFrame({
            "threshold": hist.scores,
            "mqls": mqls,
            "mqls_per_month": mqls / months,
            "mqls_all_time": mqls if hist.months == (ALL_TIME,) else np.nan,  # undated leads: the volume itself
            "mql_to_sql_rate": np.where(mqls > 0, (selected["sql"] + selected["est_sql"]) / mqls, np.nan),
            "mql_to_won_rate": np.where(mqls > 0, (selected["won"] + selected["est_won"]) / mqls, np.nan),
            "revenue_captured_observed": selected["revenue"],
            "revenue_captured_share": selected["revenue"] / observed_revenue if observed_revenue else np.nan,
        })
    return frame


@dataclass(frozen=True)
class ScoreChanges:
    leads_rescored: int  # leads whose score differs
    became_mqls: int
    dropped_out: int


def score_changes(groups: LeadGroups, before: np.ndarray, after: np.ndarray, threshold_before: int,
                  threshold_after: int, bypass: bool = False) -> ScoreChanges:
    hand = groups.hand_raiser if bypass else np.zeros(groups.size, dtype=bool)
    was = (before >= threshold_before) | hand
    now = (after >= threshold_after) | hand
    return ScoreChanges(
        leads_rescored=int(groups.leads[before != after].sum()),
        became_mqls=int(groups.leads[now & ~was].sum()),
        dropped_out=int(groups.leads[was & ~now].sum()),
    )


def hand_raisers_bypass(groups: LeadGroups, scores: np.ndarray, threshold: int) -> bool | None:
    """Whether history shows hand-raisers handed off whatever their score: at least 90 % of
    those scoring below the threshold were. None when no such lead exists."""
    below = groups.hand_raiser & (scores < threshold)
    leads = groups.leads[below].sum()
    if leads == 0:
        return None
    return bool(groups.observed[below].sum() / leads >= 0.9)


# --- Proposal -------------------------------------------------------------------------------


def _toml_value(value) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(int(value)) if float(value).is_integer() else repr(float(value))
    return json.dumps(str(value), ensure_ascii=False)


def lead_definition_toml(definition: LeadDefinition, based_on: str, as_of: dt.date | None = None,
                         note: str = "") -> str:
    """The lead definition as the `[sla.lead_definition]` block of an SLA config."""
    lines = [
        f"# Proposed lead definition, from the scoring lab (based on SLA version {based_on!r}"
        + (f", data as of {as_of:%Y-%m-%d}" if as_of else "") + ").",
        "# Paste it into the new [[sla]] block of the SLA config for the next review.",
    ]
    lines += [f"# {line}" for line in textwrap.wrap(note, 96)]
    lines += ["[sla.lead_definition]", f"mql_threshold = {int(definition.mql_threshold)}", "rules = ["]
    for rule in definition.rules:
        lines.append(f'  {{ attribute = "{rule.attribute}", op = "{rule.op}", value = {_toml_value(rule.value)}, '
                     f"points = {int(rule.points)} }},")
    lines.append("]")
    return "\n".join(lines) + "\n"


_CHECK_SLA = {
    "name": "proposal", "start": dt.date(2000, 1, 1), "end": dt.date(2000, 12, 31), "quota": 1,
    "follow_up": {"first_touch_within_hours": 1, "min_attempts": 1, "attempt_window_days": 1},
}


def check_lead_definition(snippet: str, declared: Sequence[DeclaredAttribute] = ()) -> tuple[LeadDefinition | None, list[str]]:
    """Read a `[sla.lead_definition]` snippet back through the config's own checks; rules may read
    the attributes `declared` by the config the lab runs on."""
    try:
        raw = tomllib.loads(snippet)
    except tomllib.TOMLDecodeError as error:
        return None, [f"TOML syntax error: {error}"]
    block = raw.get("sla", {}).get("lead_definition")
    tables: dict = {"deals": {"path": "deals.parquet"}}
    if declared:
        tables["leads"] = {"path": "leads.parquet", "attributes": {
            attribute.name: {"column": attribute.column, "type": attribute.type} for attribute in declared}}
    config_raw = {"data": {"tables": tables}, "sla": [{**_CHECK_SLA, "lead_definition": block}]}
    try:
        config = parse_config(config_raw, Path("proposal.toml"))
    except ConfigError as error:
        return None, [problem.replace("sla[1] (proposal).", "") for problem in error.problems]
    return config.slas[0].lead_definition, []
