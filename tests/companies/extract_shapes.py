"""Extract shapes made from the sample: the exports real users have, each a folder and a config.

A shape names the tables it keeps (each a SELECT over the sample's files, so a column can be
dropped, renamed or derived) and the [data] mapping that reads them. Every shape keeps one
lead in five of the sample (and their deals and touches), so the whole matrix runs in minutes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "sample"
SAMPLE_CONFIG = REPO / "sla_config.toml"

CONTRACT_COLUMNS = {
    "traffic": ("date", "channel", "sessions"),
    "leads": ("lead_id", "created_at", "channel", "segment", "region", "company_size", "industry", "job_level",
              "pricing_page_views", "content_downloads", "webinar_attended", "demo_requested", "score", "mql_at",
              "sql_at", "recycled_at", "disqualified_at", "owner_id"),
    "touches": ("touch_id", "lead_id", "rep_id", "touched_at", "kind"),
    "deals": ("deal_id", "lead_id", "owner_id", "created_at", "proposal_at", "closed_at", "status", "amount"),
    "reps": ("rep_id", "name", "team", "role"),
}
# One lead in five, their touches and deals, and the sales-sourced deals of one in five ids.
KEPT_LEADS = "hash(lead_id) % 5 = 0"
BASE = {
    "traffic": "SELECT * FROM '{sample}/traffic.parquet'",
    "leads": "SELECT * FROM '{sample}/leads.parquet' WHERE " + KEPT_LEADS,
    "touches": "SELECT * FROM '{sample}/touches.parquet' WHERE " + KEPT_LEADS,
    "deals": ("SELECT * FROM '{sample}/deals.parquet' WHERE "
              "CASE WHEN lead_id IS NULL THEN hash(deal_id) % 5 = 0 ELSE " + KEPT_LEADS + " END"),
    "reps": "SELECT * FROM '{sample}/reps.parquet'",
}
STAGES = ("traffic", "lead", "mql", "sql", "opportunity", "proposal", "won")
# The sample's leads with a 0/1 column saying whether each was won, as a lead-scoring export has it.
LEADS_WITH_CONVERTED = (
    "SELECT leads.*, CASE WHEN leads.lead_id IN (SELECT lead_id FROM '{sample}/deals.parquet' WHERE status = 'won') "
    "THEN 1 ELSE 0 END AS converted FROM (" + BASE["leads"] + ") AS leads")
OUTCOME_FLAG = 'outcome = { converted = "converted" }'
LEAD_DATES = ("created_at", "mql_at", "sql_at", "recycled_at", "disqualified_at")


@dataclass(frozen=True)
class Shape:
    name: str
    tables: dict[str, str]  # table -> SELECT over the sample (with {sample})
    untracked: frozenset[str]  # funnel stages the shape cannot show
    deals_linked: bool = True  # whether its deals carry the lead they came from
    data_extra: str = ""  # TOML lines for the [data] section
    table_extra: dict[str, str] = field(default_factory=dict)  # table -> TOML lines for [data.tables.<name>]
    # Whether its funnel starts at the opportunity (deals with a created date and no leads to link).
    opportunity_stage: bool = False

    def write(self, folder: Path) -> Path:
        """The shape's files in `folder` and its config beside them; returns the config path."""
        folder.mkdir(parents=True, exist_ok=True)
        connection = duckdb.connect()
        lines = ["[data]", f'folder = "{folder.as_posix()}"', self.data_extra]
        for name, select in self.tables.items():
            target = folder / f"{name}.parquet"
            query = select.format(sample=SAMPLE.as_posix())
            connection.execute(f"COPY ({query}) TO '{target.as_posix()}' (FORMAT parquet)")
            lines += [f"[data.tables.{name}]", f'path = "{name}.parquet"', self.table_extra.get(name, "")]
        connection.close()
        config = folder.parent / f"{folder.name}.toml"
        config.write_text("\n".join(lines) + "\n\n" + sla_sections(), encoding="utf-8")
        return config


def sla_sections() -> str:
    """Everything of the sample config after its [data] section: the SLA versions and teams."""
    text = SAMPLE_CONFIG.read_text(encoding="utf-8")
    return text[re.search(r"^\[status\]", text, re.MULTILINE).start():]


def without(table: str, *columns: str) -> str:
    kept = [c for c in CONTRACT_COLUMNS[table] if c not in columns]
    return f"SELECT {', '.join(kept)} FROM ({BASE[table]})"


def _shape(name, tables, untracked=(), data_extra="", table_extra=None) -> Shape:
    deals_linked = "leads" in tables and "deals" in tables and tables["deals"] != without("deals", "lead_id")
    # a lead-level outcome makes each converted lead's deal: linked to it by construction
    deals_linked = deals_linked or "outcome" in (table_extra or {}).get("leads", "")
    deals = tables.get("deals", "")
    dated = "EXCLUDE (created_at)" not in deals and (deals.startswith("SELECT *") or "created_at" in deals.split(" FROM ")[0])
    opportunity_stage = bool(deals) and dated and not deals_linked
    return Shape(name, tables, frozenset(untracked), deals_linked, data_extra, table_extra or {}, opportunity_stage)


# The stage an optional column carries, when dropping it leaves the stage untracked.
COLUMN_STAGES = {("leads", "mql_at"): "mql", ("leads", "sql_at"): "sql", ("deals", "proposal_at"): "proposal",
                 ("deals", "closed_at"): "won", ("leads", "created_at"): "lead"}
OPTIONAL_COLUMNS = {
    "leads": ("channel", "segment", "region", "company_size", "industry", "job_level", "pricing_page_views",
              "content_downloads", "webinar_attended", "demo_requested", "score", "mql_at", "sql_at",
              "recycled_at", "disqualified_at", "owner_id"),
    "touches": ("kind",),
    "deals": ("lead_id", "owner_id", "created_at", "proposal_at", "closed_at", "amount"),
    "reps": ("name", "team", "role"),
}
TABLE_STAGES = {"traffic": {"traffic"}, "leads": {"lead", "mql", "sql"}, "deals": {"proposal", "won"}}


def shapes() -> list[Shape]:
    result = [_shape("full", dict(BASE))]
    for table in ("traffic", "touches", "reps"):
        result.append(_shape(f"no_{table}", {k: v for k, v in BASE.items() if k != table},
                             TABLE_STAGES.get(table, set())))
    for table, columns in OPTIONAL_COLUMNS.items():
        for column in columns:
            tables = {**BASE, table: without(table, column)}
            stage = COLUMN_STAGES.get((table, column))
            result.append(_shape(f"no_{table}_{column}", tables, {stage} if stage else set(),
                                 data_extra=f'stages_not_tracked = ["{stage}"]' if stage else ""))
    deals_without_leads = without("deals", "lead_id")
    result += [
        # An opportunity-only CRM: deals with their reps, nothing before the opportunity.
        # Its funnel starts at the opportunity (created_at): opportunities → proposals → won.
        _shape("deals_only", {"deals": deals_without_leads, "reps": BASE["reps"]},
               {"traffic", "lead", "mql", "sql"}),
        # Deals only, with created dates and no proposal date (Maven's export): opportunities → won.
        _shape("deals_only_with_created_dates",
               {"deals": f"SELECT * EXCLUDE (proposal_at) FROM ({deals_without_leads})", "reps": BASE["reps"]},
               {"traffic", "lead", "mql", "sql", "proposal"}, data_extra='stages_not_tracked = ["proposal"]'),
        # The same without an opportunity-open date: no stage durations at all.
        _shape("deals_only_undated_opportunities",
               {"deals": f"SELECT * EXCLUDE (created_at) FROM ({deals_without_leads})", "reps": BASE["reps"]},
               {"traffic", "lead", "mql", "sql"}),
        # Closed deals with their close date and nothing else: no stage has a duration.
        _shape("closed_deals_only",
               {"deals": f"SELECT deal_id, owner_id, closed_at, status, amount FROM ({BASE['deals']}) "
                         "WHERE status <> 'open'", "reps": BASE["reps"]},
               {"traffic", "lead", "mql", "sql", "proposal"}, data_extra='stages_not_tracked = ["proposal"]'),
        # Web traffic and a CRM that share no key: sessions cannot be followed to deals.
        _shape("traffic_and_deals", {"traffic": BASE["traffic"], "deals": deals_without_leads, "reps": BASE["reps"]},
               {"lead", "mql", "sql"}),
        # A web-analytics export with one row per visit (one in fifty of the sample's sessions).
        _shape("event_level_traffic",
               {**BASE, "traffic": "SELECT date + to_minutes(i) AS visited_at, channel AS source "
                                   "FROM '{sample}/traffic.parquet', range(sessions // 50) AS visits(i)"},
               table_extra={"traffic": 'grain = "event"\n[data.tables.traffic.columns]\ndate = "visited_at"\n'
                                       'channel = "source"'}),
        _shape("leads_and_deals_without_touches",
               {"leads": BASE["leads"], "deals": BASE["deals"], "reps": BASE["reps"]}, {"traffic"}),
        _shape("no_traffic_no_touches_no_reps", {"leads": BASE["leads"], "deals": BASE["deals"]}, {"traffic"}),
        # A lead-scoring export: one row per lead with a 0/1 converted column, no deals table. Won is
        # known per lead but undated, so no period counts it.
        _shape("leads_only_with_outcome_flag", {"leads": LEADS_WITH_CONVERTED}, {"traffic", "proposal", "won"},
               table_extra={"leads": OUTCOME_FLAG}),
        # The same without a single date: nothing can be put in a month, but the all-time funnel counts
        # the leads and the converted ones.
        _shape("undated_leads", {"leads": f"SELECT * EXCLUDE ({', '.join(LEAD_DATES)}) FROM ({LEADS_WITH_CONVERTED})"},
               {"traffic", "mql", "sql", "proposal"}, table_extra={"leads": OUTCOME_FLAG}),
    ]
    return result


def shape(name: str) -> Shape:
    return next(s for s in shapes() if s.name == name)
