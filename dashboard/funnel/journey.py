"""The lead journey: where the leads created in a range went, as links between funnel stages and
the branches people argue about in the SLA meeting (disqualified, recycled to marketing and
back, lost, still open). Pure arithmetic on the paths of `queries/funnel/lead_journey.sql`.

A lead counts once at every stage up to the furthest it reached, then flows to its outcome.
Stages the extract does not track are left out of the path, not drawn as zero; so are branches
whose column is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import pandas as pd

JOURNEY_STAGES = ("lead", "mql", "sql", "proposal", "won")
STAGE_NODES = {"lead": "Leads", "mql": "MQLs", "sql": "SQLs", "proposal": "Proposals", "won": "Won"}
RECYCLED_AND_BACK = "Recycled, then back to sales"
OUTCOME_NODES = {"lost": "Lost", "disqualified": "Disqualified", "recycled": "Recycled to marketing",
                 "still open": "Still open"}
# A lead that was never handed off and is not disqualified is still marketing's, not open in sales.
NOT_HANDED_OFF = "Not handed off (with marketing)"
LINK_COLUMNS = ["source", "target", "leads"]


@dataclass(frozen=True)
class JourneyTracking:
    """Which stages and branches the extract tracks."""

    stages: Mapping[str, bool]  # JOURNEY_STAGES -> tracked
    disqualified: bool
    recycled: bool
    lost: bool


@dataclass(frozen=True)
class Journey:
    links: pd.DataFrame  # LINK_COLUMNS, node labels, in path order
    leads: int  # leads created in the range
    not_tracked: tuple[str, ...]  # stage and branch labels left out

    @property
    def nodes(self) -> list[str]:
        """Node labels in the order they first appear."""
        seen: dict[str, None] = {}
        for source, target in zip(self.links["source"], self.links["target"]):
            seen.setdefault(source)
            seen.setdefault(target)
        return list(seen)

    def from_hand_off(self) -> "Journey":
        """The journey from the hand-off on: the leads that became MQLs, without those that never did."""
        first = STAGE_NODES["lead"]
        links = self.links[self.links["source"] != first].reset_index(drop=True)
        handed_off = int(self.links.loc[(self.links["source"] == first) & (self.links["target"] == STAGE_NODES["mql"]),
                                        "leads"].sum())
        return Journey(links=links, leads=handed_off, not_tracked=self.not_tracked)

    def node_totals(self) -> dict[str, int]:
        """Leads through each node: what flows in, or out for the first node."""
        totals: dict[str, int] = {}
        for row in self.links.itertuples(index=False):
            totals[row.target] = totals.get(row.target, 0) + int(row.leads)
        for node in self.nodes:
            if node not in totals:
                totals[node] = int(self.links.loc[self.links["source"] == node, "leads"].sum())
        return totals


def journey_from_paths(paths: pd.DataFrame, tracking: JourneyTracking) -> Journey:
    """Links of the Sankey from the per-path counts (furthest_stage, outcome, is_recycled_and_back, leads)."""
    # An export of MQLs (Olist's) has rows but no lead stage: its journey starts at the MQLs, and
    # the rows that never reached a tracked stage have nowhere to be drawn.
    tracked_stages = [stage for stage in JOURNEY_STAGES if tracking.stages.get(stage, stage == "lead")]
    branch_tracked = {"disqualified": tracking.disqualified, "recycled": tracking.recycled, "lost": tracking.lost,
                      "still open": True}
    flows: dict[tuple[str, str], int] = {}
    for row in paths.itertuples(index=False):
        leads = int(row.leads)
        if not leads:
            continue
        furthest = JOURNEY_STAGES.index(row.furthest_stage)
        path = [STAGE_NODES[stage] for stage in tracked_stages if JOURNEY_STAGES.index(stage) <= furthest]
        if bool(row.is_recycled_and_back) and tracking.recycled and STAGE_NODES["mql"] in path:
            path.insert(path.index(STAGE_NODES["mql"]) + 1, RECYCLED_AND_BACK)
        if row.outcome == "still open" and row.furthest_stage == "lead":
            path.append(NOT_HANDED_OFF)
        elif row.outcome != "won" and branch_tracked.get(row.outcome, False):
            path.append(OUTCOME_NODES[row.outcome])
        for source, target in zip(path, path[1:]):
            flows[(source, target)] = flows.get((source, target), 0) + leads
    order = {label: index for index, label in enumerate(
        [STAGE_NODES[s] for s in JOURNEY_STAGES[:2]] + [RECYCLED_AND_BACK]
        + [STAGE_NODES[s] for s in JOURNEY_STAGES[2:]] + list(OUTCOME_NODES.values()) + [NOT_HANDED_OFF])}
    links = pd.DataFrame([(s, t, n) for (s, t), n in flows.items()], columns=LINK_COLUMNS)
    if not links.empty:
        links = links.sort_values(["source", "target"], key=lambda column: column.map(order)).reset_index(drop=True)
    not_tracked = tuple(STAGE_NODES[stage] for stage in JOURNEY_STAGES if stage not in tracked_stages) + tuple(
        OUTCOME_NODES[branch] for branch, tracked in branch_tracked.items() if not tracked)
    if not tracking.recycled:
        not_tracked = tuple(label for label in not_tracked if label != OUTCOME_NODES["recycled"]) + (
            "Recycled to marketing (and back)",)
    return Journey(links=links, leads=int(paths["leads"].sum()) if len(paths) else 0, not_tracked=not_tracked)
