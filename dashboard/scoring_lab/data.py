"""What the scoring lab reads from the data: one function, `lab_data`, that the page caches
once per data version, range, filters and binning, and that a benchmark can time. Every
rule or threshold change after that is numpy on its result (see `scoring_lab.py`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Mapping, Sequence

import pandas as pd

from dashboard.funnel import data as metrics
from dashboard.core.config import Config, DeclaredAttribute, ScoringRule
from dashboard.core.contract import LEAD_ATTRIBUTE_SLOTS
from dashboard.data import Database, date_range_params
from dashboard.funnel.domain import Filters, Maturity, cohort_maturity
from dashboard.scoring_lab.domain import (
    FLOOR,
    NUMERIC_ATTRIBUTES,
    SCORING_ATTRIBUTES,
    REAL_FLOOR,
    LeadGroups,
    kept_attributes,
    lab_bounds,
)

ROLE_WORKING_MQLS = "SDR"


@dataclass(frozen=True)
class LabData:
    groups: LeadGroups
    reps: int | None  # reps who work MQLs: the SDRs when the extract has roles, else every rep
    reps_description: str
    as_of: dt.date | None
    maturity: Maturity | None
    sql_tracked: bool
    won_tracked: bool
    revenue_tracked: bool

    @property
    def untracked(self) -> tuple[str, ...]:
        """The lab's result columns the extracts cannot fill: blank, never 0 (tracking.blank)."""
        return tuple(
            column for tracked, columns in ((self.sql_tracked, SQL_COLUMNS), (self.won_tracked, WON_COLUMNS),
                                            (self.revenue_tracked, REVENUE_COLUMNS))
            if not tracked for column in columns)


# The lab's result columns made of SQLs, of won deals and of won revenue.
SQL_COLUMNS = ("sqls_observed", "sqls_estimated", "mql_to_sql_rate")
WON_COLUMNS = ("won_observed", "won_estimated", "won_missed", "mql_to_won_rate")
REVENUE_COLUMNS = ("revenue_captured_observed", "revenue_captured_estimated", "revenue_captured_share",
                   "revenue_missed")


def available_attributes(database: Database) -> tuple[str, ...]:
    """The scoring attributes the leads extract has: the contract's, then those the config declares."""
    declared = tuple(attribute.name for attribute in database.config.data.declared_attributes)
    return tuple(name for name in SCORING_ATTRIBUTES + declared if database.catalog.has("leads", name))


def declared_numbers(config: Config) -> tuple[str, ...]:
    return tuple(attribute.name for attribute in config.data.declared_attributes if attribute.type == "number")


def lead_group_params(start: dt.date, end: dt.date, filters: Filters, attributes: Sequence[str],
                      bounds: Mapping[str, tuple[int, ...]], all_time: bool = False,
                      every_lead_observed: bool = False, declared: Sequence[DeclaredAttribute] = ()) -> dict:
    params = {**date_range_params(start, end), "channel": filters.channel, "segment": filters.segment,
              "all_time": all_time, "every_lead_observed": every_lead_observed}
    params.update({f"keep_{name}": name in attributes for name in SCORING_ATTRIBUTES})
    params.update({f"{name}_bounds": list(bounds.get(name, (FLOOR,))) for name in NUMERIC_ATTRIBUTES})
    # The declared attributes are bound by slot: the query names slots, never the config's columns.
    by_slot = {attribute.slot: attribute for attribute in declared}
    for slot in LEAD_ATTRIBUTE_SLOTS:
        attribute = by_slot.get(slot.name)
        params[f"keep_{slot.name}"] = attribute is not None and attribute.name in attributes
        if slot.sql_type == "DOUBLE":
            params[f"{slot.name}_bounds"] = [float(b) for b in bounds.get(attribute.name, (REAL_FLOOR,))] \
                if attribute is not None else [REAL_FLOOR]
    return params


def reps_working_mqls(database: Database) -> tuple[int | None, str]:
    if not database.catalog.has("reps"):
        return None, "no reps extract"
    by_role = database.query("sales_reps_by_role")
    if database.catalog.has("reps", "role") and (by_role["role"] == ROLE_WORKING_MQLS).any():
        count = int(by_role.loc[by_role["role"] == ROLE_WORKING_MQLS, "reps"].sum())
        return count, f"{count} {ROLE_WORKING_MQLS}s in the reps extract"
    count = int(by_role["reps"].sum())
    return (count, f"all {count} reps in the reps extract (no {ROLE_WORKING_MQLS} role found)") if count else (None, "no reps")


def lab_data(database: Database, start: dt.date | None, end: dt.date | None, filters: Filters, attributes: Sequence[str],
             bounds: Mapping[str, tuple[int, ...]]) -> LabData:
    """The leads created from `start` to `end` (whole days), grouped for re-scoring; every lead,
    dated or not, when `start` is None (an undated lead-scoring export: one period, all time)."""
    catalog = database.catalog
    declared = database.config.data.declared_attributes
    all_time = start is None
    frame = database.query("scoring_lab_lead_groups", lead_group_params(
        start or dt.date.min, end or dt.date.max, filters, attributes, bounds, all_time=all_time,
        every_lead_observed=catalog.outcome_on_leads, declared=declared))
    frame = frame.rename(columns={attribute.slot: attribute.name for attribute in declared})
    groups = LeadGroups.from_frame(frame, attributes, bounds, {attribute.name: attribute.kind for attribute in declared})
    reps, description = reps_working_mqls(database)
    as_of = metrics.data_as_of(database)
    maturity = None
    if as_of is not None and not all_time:
        # The funnel's cohort view judges maturity the same way (queries/lead_to_won_days_p75.sql).
        cycle = database.query("lead_to_won_days_p75", {
            "as_of_end": date_range_params(as_of, as_of)["end"],
            "channel": filters.channel, "segment": filters.segment, "team": None,
        }).iloc[0]
        p75 = float(cycle["p75_days"]) if pd.notna(cycle["p75_days"]) else None
        maturity = cohort_maturity(min(end, as_of), as_of, p75)
    # The lab follows each lead to its outcome whenever it came: an undated outcome (a converted
    # flag) is as good as a dated one here.
    won_tracked = catalog.stage_tracked_all_time("won") and catalog.lead_source_tracked
    return LabData(
        groups=groups, reps=reps, reps_description=description, as_of=as_of, maturity=maturity,
        sql_tracked=catalog.stage_tracked("sql"), won_tracked=won_tracked,
        revenue_tracked=won_tracked and catalog.has("deals", "amount"),
    )


def lab_shape(config: Config, available: Sequence[str], extra_rules: Sequence[ScoringRule] = ()
              ) -> tuple[tuple[str, ...], dict[str, tuple[int, ...]]]:
    """Which attributes the pre-aggregate keeps and where it cuts numeric ones: every rule of
    every SLA version in the config plus `extra_rules` (the lab's edits) is exact on it."""
    rule_sets = [sla.lead_definition.rules for sla in config.slas] + [tuple(extra_rules)]
    return kept_attributes(rule_sets, available), lab_bounds(rule_sets, declared_numbers(config))


def lab_for(database: Database, start: dt.date | None, end: dt.date | None, filters: Filters = Filters(),
            extra_rules: Sequence[ScoringRule] = ()) -> LabData:
    """The lab's data for a range with the default shape: what the page loads on first render."""
    attributes, bounds = lab_shape(database.config, available_attributes(database), extra_rules)
    return lab_data(database, start, end, filters, attributes, bounds)
