"""The extract contract: the canonical tables and columns every query is written against.

A user's extract is mapped onto these names by the `[data]` section of the SLA config
(see `datasource.py`). Columns marked optional may be absent from an extract; the stage
they carry is then reported as "not tracked" instead of being counted as zero.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    sql_type: str
    required: bool = True
    description: str = ""


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    required: bool = True
    description: str = ""

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)


TIMESTAMP = "TIMESTAMP"

TABLES: dict[str, Table] = {
    table.name: table
    for table in (
        Table(
            "traffic",
            (
                Column("date", "DATE", description="Day of the sessions"),
                Column("channel", "VARCHAR", description="Acquisition channel"),
                Column("sessions", "BIGINT", description="Web sessions that day on that channel"),
            ),
            required=False,
            description="Web sessions per day per channel.",
        ),
        Table(
            "leads",
            (
                Column("lead_id", "VARCHAR", description="Unique lead id"),
                # Optional: a lead-scoring export is often undated; the funnel (all time) and the
                # scoring lab then work, and pages that need dates say so.
                Column("created_at", TIMESTAMP, required=False, description="When the lead was created"),
                Column("channel", "VARCHAR", required=False),
                Column("segment", "VARCHAR", required=False, description="SMB / Mid-Market / Enterprise"),
                Column("region", "VARCHAR", required=False),
                Column("company_size", "INTEGER", required=False, description="Employees"),
                Column("industry", "VARCHAR", required=False),
                Column("job_level", "VARCHAR", required=False),
                Column("pricing_page_views", "INTEGER", required=False),
                Column("content_downloads", "INTEGER", required=False),
                Column("webinar_attended", "BOOLEAN", required=False),
                Column("demo_requested", "BOOLEAN", required=False),
                Column("score", "INTEGER", required=False, description="Score under the model in force"),
                Column("mql_at", TIMESTAMP, required=False, description="Handed to sales"),
                Column("sql_at", TIMESTAMP, required=False, description="Accepted as sales-qualified"),
                Column("recycled_at", TIMESTAMP, required=False, description="Handed back to marketing"),
                Column("disqualified_at", TIMESTAMP, required=False),
                Column("owner_id", "VARCHAR", required=False, description="Rep assigned at hand-off"),
            ),
            required=False,
            description="One row per lead with its stage timestamps.",
        ),
        Table(
            "touches",
            (
                Column("touch_id", "VARCHAR"),
                Column("lead_id", "VARCHAR"),
                Column("rep_id", "VARCHAR"),
                Column("touched_at", TIMESTAMP),
                Column("kind", "VARCHAR", required=False, description="call / email / meeting / social"),
            ),
            required=False,
            description="Every sales contact attempt on a lead.",
        ),
        Table(
            "deals",
            (
                Column("deal_id", "VARCHAR"),
                Column("lead_id", "VARCHAR", required=False, description="Null for sales-sourced deals"),
                Column("owner_id", "VARCHAR", required=False),
                Column("created_at", TIMESTAMP, required=False),
                Column("proposal_at", TIMESTAMP, required=False),
                Column("closed_at", TIMESTAMP, required=False),
                Column("status", "VARCHAR", description="open / won / lost"),
                Column("amount", "DECIMAL(18,2)", required=False),
            ),
            # Required unless the leads carry the outcome ([data.tables.leads.outcome], config.py).
            required=False,
            description="Opportunities and their outcome.",
        ),
        Table(
            "reps",
            (
                Column("rep_id", "VARCHAR"),
                Column("name", "VARCHAR", required=False),
                Column("team", "VARCHAR", required=False),
                Column("role", "VARCHAR", required=False, description="SDR / AE"),
                Column("email", "VARCHAR", required=False,
                       description="The address the rep signs in with: gives a signed-in rep their own records"),
            ),
            required=False,
            description="Sales reps and their team.",
        ),
    )
}

# The scoring attributes a config declares ([data.tables.leads.attributes]) are read into fixed
# slot columns of the leads view, in declaration order per type: the scoring lab's SQL names the
# slots, never a column name from the config.
ATTRIBUTE_SLOTS = {"number": 8, "category": 16, "flag": 8}
ATTRIBUTE_SLOT_TYPES = {"number": "DOUBLE", "category": "VARCHAR", "flag": "BOOLEAN"}
LEAD_ATTRIBUTE_SLOTS: tuple[Column, ...] = tuple(
    Column(f"{kind}_{index}", ATTRIBUTE_SLOT_TYPES[kind], required=False, description=f"declared {kind} attribute")
    for kind, count in ATTRIBUTE_SLOTS.items() for index in range(1, count + 1))


def view_columns(table: Table) -> tuple[Column, ...]:
    """The columns of a contract view: the table's, and for leads the declared attributes' slots."""
    return table.columns + (LEAD_ATTRIBUTE_SLOTS if table.name == "leads" else ())


DEAL_STATUSES = ("open", "won", "lost")

# Funnel stages in order, and the table column whose non-null value means a record reached
# the stage. A stage is "not tracked" when its table or column is missing from the extract.
STAGES: tuple[tuple[str, str, str], ...] = (
    ("traffic", "traffic", "sessions"),
    ("lead", "leads", "created_at"),
    ("mql", "leads", "mql_at"),
    ("sql", "leads", "sql_at"),
    ("opportunity", "deals", "created_at"),
    ("proposal", "deals", "proposal_at"),
    ("won", "deals", "closed_at"),
)
STAGE_NAMES = tuple(stage for stage, _, _ in STAGES)
# The opportunity stage (a deal opened) is where the funnel of an export starts when its deals
# are not linked to leads (an opportunity-only CRM). Where deals come from leads, the SQL stage is
# when the opportunity opens, so the stage is not part of that funnel: it is left out, not shown
# as "not tracked", and the SLA's step rates (SQL -> proposal) keep their meaning.
OPPORTUNITY = "opportunity"
# Each SLA step rate's stages: a rate is the SLA's step only between these two stages.
STEP_FROM = {"lead": "traffic", "mql": "lead", "sql": "mql", "proposal": "sql", "won": "proposal"}


def is_step(previous_stage: str | None, stage: str) -> bool:
    """Whether a rate from `previous_stage` to `stage` is one of the SLA's step rates (adjacent
    stages of the canonical funnel), so its target applies; a rate across an untracked stage, or
    from the opportunity stage, is not."""
    return previous_stage is not None and STEP_FROM.get(stage) == previous_stage
STAGE_LABELS = {
    "traffic": "Sessions",
    "lead": "Leads",
    "mql": "MQLs",
    "sql": "SQLs",
    "opportunity": "Opportunities",
    "proposal": "Proposals",
    "won": "Won deals",
}
