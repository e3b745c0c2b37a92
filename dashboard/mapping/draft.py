"""A draft SLA config from the profiles of a folder of exports (`profiles.py`): which file is which
contract table, which column is which contract column, the stage values and date formats, with
every guess commented and every column that could not be placed listed. Pure: profiles in, TOML
text out, so every rule is tested on hand-made profiles."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from dashboard.core.contract import ATTRIBUTE_SLOTS, DEAL_STATUSES, STAGE_NAMES, TABLES
from dashboard.mapping.profiles import ISO_FORMATS, ColumnProfile, FileProfile


def normal(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


# Export column names that mean a contract column, best first (compared without case and punctuation).
SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "traffic": {
        "date": ("date", "day", "sessiondate", "eventdate", "visitdate", "timestamp", "clickedat", "visitedat"),
        "channel": ("channel", "source", "utmsource", "medium", "origin", "trafficsource"),
        "sessions": ("sessions", "visits", "sessioncount", "visitors", "users"),
    },
    "leads": {
        "lead_id": ("leadid", "mqlid", "leadnumber", "prospectid", "contactid", "id"),
        "created_at": ("createdat", "createddate", "createdon", "leadcreated", "firstcontactdate", "signupdate",
                       "date"),
        "channel": ("channel", "origin", "leadsource", "source", "utmsource", "medium"),
        "segment": ("segment", "customersegment"),
        "region": ("region", "country", "territory"),
        "company_size": ("companysize", "employees", "numberofemployees", "headcount"),
        "industry": ("industry", "sector", "vertical"),
        "job_level": ("joblevel", "seniority"),
        "score": ("score", "leadscore"),
        "mql_at": ("mqlat", "mqldate", "qualifiedat", "marketingqualifiedat"),
        "sql_at": ("sqlat", "sqldate", "salesqualifiedat", "acceptedat"),
        "recycled_at": ("recycledat", "recycleddate"),
        "disqualified_at": ("disqualifiedat", "disqualifieddate"),
        "owner_id": ("ownerid", "owner", "assignedto", "sdrid", "leadowner"),
    },
    "touches": {
        "touch_id": ("touchid", "activityid", "taskid", "id"),
        "lead_id": ("leadid", "mqlid", "contactid"),
        "rep_id": ("repid", "ownerid", "userid", "owner"),
        "touched_at": ("touchedat", "activitydate", "activityat", "completedat", "timestamp", "date"),
        "kind": ("kind", "type", "activitytype", "channel"),
    },
    "deals": {
        "deal_id": ("dealid", "opportunityid", "oppid", "id"),
        "lead_id": ("leadid", "mqlid", "contactid"),
        "owner_id": ("ownerid", "owner", "salesagent", "salesrep", "srid", "repid", "accountexecutive",
                     "salesperson", "dealowner"),
        "created_at": ("createdat", "createddate", "opportunitycreated", "opendate", "engagedate", "createdon"),
        "proposal_at": ("proposalat", "proposaldate", "quotedate", "proposalsent"),
        "closed_at": ("closedat", "closedate", "closeddate", "wondate", "closedon"),
        "status": ("status", "dealstage", "stage", "stagename", "outcome"),
        "amount": ("amount", "closevalue", "dealvalue", "value", "dealamount", "revenue", "declaredmonthlyrevenue"),
    },
    "reps": {
        "rep_id": ("repid", "salesagent", "agent", "rep", "salesrep", "owner", "userid", "ownerid", "id"),
        "name": ("name", "fullname", "repname", "salesagent", "agent"),
        "team": ("team", "regionaloffice", "office", "region", "salesteam", "manager"),
        "role": ("role", "title", "position"),
    },
}
DATE_COLUMNS = {name: {c.name for c in table.columns if c.sql_type in ("TIMESTAMP", "DATE")}
                for name, table in TABLES.items()}
WON_WORDS, LOST_WORDS = ("won", "win", "closedwon", "success"), ("lost", "loss", "closedlost", "dead")
# Names of a lead-level outcome column (a lead-scoring export's 0/1 "Converted"), compared normalised.
CONVERTED_NAMES = ("converted", "isconverted", "convertedflag", "won", "iswon", "customer", "iscustomer")
MAX_CATEGORY_VALUES = 60  # a text column with more distinct values than this is an id or free text, not a category
MOSTLY_EMPTY = 0.5  # an amount empty or 0 on more than this share of a won-only export is no amount


@dataclass
class TableDraft:
    table: str
    file: FileProfile
    columns: dict[str, str] = field(default_factory=dict)  # contract column -> export column
    comments: dict[str, str] = field(default_factory=dict)  # contract column -> why it was guessed
    constants: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    timestamp_formats: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # table-level remarks, one comment line each
    outcome: dict[str, str] = field(default_factory=dict)  # leads: converted -> export column
    attributes: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # name -> (column, type, why)

    @property
    def unplaced(self) -> list[ColumnProfile]:
        used = set(self.columns.values()) | set(self.outcome.values()) | {c for c, _, _ in self.attributes.values()}
        return [column for column in self.file.columns if column.name not in used]


@dataclass
class Draft:
    tables: dict[str, TableDraft]
    unplaced_files: list[FileProfile]
    stages_not_tracked: list[str]
    stage_notes: dict[str, str]
    first_day: dt.date | None
    last_day: dt.date | None
    teams: list[str]


def _match(table: str, column: str, profile: FileProfile, taken: set[str]) -> str | None:
    names = {normal(c.name): c.name for c in profile.columns if c.name not in taken}
    for synonym in SYNONYMS[table].get(column, ()):
        if synonym in names:
            return names[synonym]
    return names.get(normal(column))


def _score(table: str, profile: FileProfile) -> int:
    found = {column: _match(table, column, profile, set()) for column in TABLES[table].column_names}
    found = {k: v for k, v in found.items() if v}
    kinds = {c.name: c.kind for c in profile.columns}
    dated = any(kinds.get(source) == "date" for column, source in found.items() if column in DATE_COLUMNS[table])
    if table == "deals":
        stage_values = any(_status_of(value) != "open" for c in profile.columns for value in c.values)
        return len(found) + 3 * ("status" in found or stage_values) + 2 * ("closed_at" in found) if dated else 0
    if table == "leads":
        # a lead-scoring export is undated but says per lead whether it converted
        return len(found) + 2 if "lead_id" in found and (dated or _converted_column(profile)) else 0
    if table == "traffic":
        return len(found) + 2 if dated and "channel" in found and ("sessions" in found or "lead_id" not in found) \
            and not _match("deals", "status", profile, set()) else 0
    if table == "reps":
        return len(found) + 1 if "rep_id" in found and {"team", "name"} & set(found) and not dated else 0
    if table == "touches":
        return len(found) + 2 if {"touched_at", "lead_id"} <= set(found) and dated else 0
    return 0


def _converted_column(profile: FileProfile) -> ColumnProfile | None:
    """A 0/1 (or yes/no) column named like an outcome: whether the lead converted."""
    return next((c for c in profile.columns if normal(c.name) in CONVERTED_NAMES and c.kind == "flag"), None)


def _attribute_name(column: str, taken: set[str]) -> str | None:
    name = re.sub(r"[^a-z0-9]+", "_", column.lower()).strip("_")
    if not name or not name[0].isalpha():
        name = "attribute_" + name if name else ""
    name = name[:60]
    if not name or name in TABLES["leads"].column_names or name in taken:
        return None
    return name


def _declare_attributes(table: TableDraft) -> None:
    """The leads' columns no contract column took, declared as scoring attributes by their values:
    numbers, flags (two values such as yes/no) and categories (a few distinct values)."""
    free = {"number": ATTRIBUTE_SLOTS["number"], "category": ATTRIBUTE_SLOTS["category"], "flag": ATTRIBUTE_SLOTS["flag"]}
    skipped = []
    for column in table.unplaced:
        if column.kind in ("integer", "number"):
            kind, why = "number", f"every value is a number (e.g. {', '.join(column.samples[:3])})"
        elif column.kind == "flag":
            kind, why = "flag", f"two values, {' / '.join(column.values or column.samples)}"
        elif column.kind == "text" and 1 < column.distinct <= MAX_CATEGORY_VALUES:
            kind, why = "category", f"{column.distinct} distinct values (e.g. {', '.join(column.samples[:3])})"
        else:
            continue
        name = _attribute_name(column.name, set(table.attributes))
        if name is None:
            continue
        if not free[kind]:
            skipped.append(column.name)
            continue
        free[kind] -= 1
        table.attributes[name] = (column.name, kind, why)
    if skipped:
        table.notes.append(f"no slot left to declare {', '.join(map(repr, skipped))} as scoring attributes "
                           f"(at most {ATTRIBUTE_SLOTS['number']} numbers, {ATTRIBUTE_SLOTS['category']} categories "
                           f"and {ATTRIBUTE_SLOTS['flag']} flags): swap them in by hand")


def _status_of(value: str) -> str:
    word = normal(value)
    if word in WON_WORDS or word.endswith("won"):
        return "won"
    if word in LOST_WORDS or word.endswith("lost"):
        return "lost"
    return "open"


def classify(profiles: list[FileProfile]) -> tuple[dict[str, FileProfile], list[FileProfile]]:
    """Each contract table's file: best-scoring pairs first, each file and table used once."""
    pairs = sorted(((score, table, index) for index, profile in enumerate(profiles) for table in TABLES
                    if (score := _score(table, profile)) > 0), reverse=True)
    chosen: dict[str, FileProfile] = {}
    used: set[int] = set()
    for _, table, index in pairs:
        if table not in chosen and index not in used:
            chosen[table] = profiles[index]
            used.add(index)
    return chosen, [profile for index, profile in enumerate(profiles) if index not in used]


def draft_mapping(profiles: list[FileProfile]) -> Draft:
    chosen, unplaced = classify(profiles)
    tables: dict[str, TableDraft] = {}
    lead_key = None
    for name in ("leads", "traffic", "reps", "touches", "deals"):
        if name not in chosen:
            continue
        table = TableDraft(name, chosen[name])
        taken: set[str] = set()
        for column in TABLES[name].column_names:
            source = _match(name, column, table.file, taken)
            if column == "lead_id" and name in ("deals", "touches") and lead_key:
                source = lead_key if lead_key in {c.name for c in table.file.columns} else source
            if source is None:
                continue
            profile = table.file.column(source)
            if column in DATE_COLUMNS[name] and profile.kind != "date":
                table.notes.append(f"{source!r} looks like {name}.{column} but not every value is a date; left out")
                continue
            table.columns[column] = source
            table.comments[column] = f"guessed from the name {source!r}"
            if name != "reps":  # a rep's id and name may be one column
                taken.add(source)
        if name == "reps" and table.columns.get("name") == table.columns.get("rep_id"):
            table.comments["name"] = "the export names reps by their id column, so it is also the name"
        _finish(table, tables, lead_key)
        if name == "leads" and "lead_id" in table.columns:
            lead_key = table.columns["lead_id"]
        tables[name] = table
    if "leads" in tables and "deals" not in tables:
        leads = tables["leads"]
        converted = _converted_column(leads.file)
        if converted is not None and converted.name not in leads.columns.values():
            leads.outcome["converted"] = converted.name
            leads.notes.append(f"no deals file: {converted.name!r} ({' / '.join(converted.values)}) says whether each "
                               "lead converted, so it is the outcome (each converted lead is one won deal)")
            if "created_at" not in leads.columns:
                leads.notes.append("no creation date: the Funnel (all time) and the Scoring lab read every lead, the "
                                   "other pages need dates. Data health warns about it (stage_column_missing on "
                                   "leads.created_at); once checked, accept it with [[data.accepted_findings]]")
    if "leads" in tables:
        _declare_attributes(tables["leads"])
    stages_not_tracked, stage_notes = _untracked_stages(tables)
    days = [dt.date.fromisoformat(day) for table in tables.values() for column, source in table.columns.items()
            if column in DATE_COLUMNS[table.table] for day in (table.file.column(source).first,
                                                                table.file.column(source).last) if day]
    teams = []
    if "reps" in tables and "team" in tables["reps"].columns:
        teams = list(tables["reps"].file.column(tables["reps"].columns["team"]).values)
    return Draft(tables, unplaced, stages_not_tracked, stage_notes, min(days, default=None), max(days, default=None),
                 teams)


def _finish(table: TableDraft, tables: dict[str, TableDraft], lead_key: str | None) -> None:
    """Rules beyond names: stage values, date formats, what a won-only export or an MQL export means."""
    columns, file = table.columns, table.file
    if table.table == "deals":
        if "deal_id" not in columns:
            ids = [c for c in file.columns if c.is_unique and c.name not in columns.values()
                   and normal(c.name).endswith("id")]
            if ids:
                columns["deal_id"] = ids[0].name
                table.comments["deal_id"] = f"{ids[0].name!r} is unique on every row: taken as the deal id"
        if "status" in columns:
            values = file.column(columns["status"]).values
            mapping = {status: [v for v in values if _status_of(v) == status] for status in DEAL_STATUSES}
            table.values["status"] = {status: found for status, found in mapping.items() if found}
            table.comments["status"] = (f"{columns['status']!r} holds the stage; values mapped by their wording, "
                                        "anything not won or lost counted as open")
        elif "closed_at" in columns:
            table.constants["status"] = "won"
            table.notes.append(f"no status column: every row has a close date ({columns['closed_at']!r}), so the "
                               "export is taken as won deals only; the win rate cannot be measured")
        if "amount" in columns and "status" not in columns:
            amount = file.column(columns["amount"])
            if amount.zero_or_empty > MOSTLY_EMPTY * amount.rows:
                table.notes.append(f"{amount.name!r} is empty or 0 on {amount.zero_or_empty:,} of {amount.rows:,} "
                                   "won deals: not a deal amount, left out (revenue shows as not tracked)")
                del columns["amount"]
        if lead_key and columns.get("lead_id") == lead_key:
            table.comments["lead_id"] = f"joins the deal to its lead by {lead_key!r}, the leads' id"
    if table.table == "leads" and "lead_id" in columns and "mql_at" not in columns and "created_at" in columns:
        if "mql" in normal(columns["lead_id"]) or "qualified" in normal(file.path):
            columns["mql_at"] = columns["created_at"]
            table.comments["mql_at"] = (f"every row is a marketing-qualified lead ({file.path}), so its date "
                                        "is the MQL date; the lead stage before it is not tracked")
    formats = []
    for column, source in columns.items():
        profile = file.column(source)
        if column in DATE_COLUMNS[table.table] and profile.date_formats and profile.date_formats[0] not in ISO_FORMATS:
            for chosen in profile.date_formats[:1]:
                if chosen not in formats:
                    formats.append(chosen)
            if len(profile.date_formats) > 1:
                table.notes.append(f"{source!r}: every value reads as {' and as '.join(profile.date_formats)}; "
                                   f"{profile.date_formats[0]!r} was chosen, check a date past the 12th")
    table.timestamp_formats = formats


def _untracked_stages(tables: dict[str, TableDraft]) -> tuple[list[str], dict[str, str]]:
    def has(table: str, column: str) -> bool:
        return table in tables and column in tables[table].columns

    reasons = {}
    if "traffic" not in tables:
        reasons["traffic"] = "no web traffic file"
    undated_outcome = "leads" in tables and not has("leads", "created_at") and bool(tables["leads"].outcome)
    if undated_outcome:
        pass  # undated leads with an outcome: counted all time (the Funnel's all-time view, the Scoring lab)
    elif not has("leads", "created_at") or (has("leads", "mql_at") and
                                             tables["leads"].columns["mql_at"] == tables["leads"].columns["created_at"]):
        reasons["lead"] = "no lead creation date" if "leads" in tables else "no leads file"
    for stage, table, column in (("mql", "leads", "mql_at"), ("sql", "leads", "sql_at"),
                                 ("proposal", "deals", "proposal_at")):
        if not has(table, column):
            reasons[stage] = f"no {table}.{column} column" if table in tables else f"no {table} file"
    return [stage for stage in STAGE_NAMES if stage in reasons], reasons


def _toml(value) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    return str(value)


def _key(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else _toml(name)


SALES_KPIS = ("win_rate", "avg_deal_size", "sales_cycle_days")


def render(draft: Draft, folder: str, source_folder: str, company: str) -> str:
    """The draft as a config file: loads as it is, every guess commented."""
    lines = [
        f"# Draft SLA config written by `python -m dashboard map {source_folder}`.",
        "# Every mapping below is a guess from the files' headers and values: read each comment, fix what is",
        "# wrong, then run `python -m dashboard validate --config <this file>`.",
        "",
        "[company]",
        f"name = {_toml(company)}",
        "",
        "[data]",
        f"folder = {_toml(folder)}  # relative to this file",
    ]
    if draft.stages_not_tracked:
        lines.append("# Stages the exports cannot show: "
                     + "; ".join(f"{stage}: {draft.stage_notes[stage]}" for stage in draft.stages_not_tracked))
        lines.append(f"stages_not_tracked = {_toml(draft.stages_not_tracked)}")
    for name, table in draft.tables.items():
        lines += ["", f"# --- {name}: {table.file.path} ({table.file.rows:,} rows)", f"[data.tables.{name}]",
                  f"path = {_toml(table.file.path)}"]
        lines += [f"# {note}" for note in table.notes]
        if table.timestamp_formats:
            lines.append(f"timestamp_formats = {_toml(table.timestamp_formats)}  # dates are stored as text")
        lines += ["", f"[data.tables.{name}.columns]"]
        for column in TABLES[name].column_names:
            if column in table.columns:
                lines.append(f"{column} = {_toml(table.columns[column])}  # {table.comments.get(column, '')}".rstrip(
                    " #"))
        unplaced = table.unplaced
        if unplaced:
            lines.append("# Not placed (no contract column found for them): "
                         + ", ".join(f"{c.name} ({c.kind}, e.g. {', '.join(c.samples[:2])})" for c in unplaced))
        if table.outcome:
            lines += ["", f"[data.tables.{name}.outcome]  # the sale, read from the leads (no deals file)"]
            lines += [f"{field} = {_toml(source)}  # a 0/1 column: 1 = the lead became a customer"
                      for field, source in table.outcome.items()]
        if table.attributes:
            lines += ["", f"[data.tables.{name}.attributes]  # scoring attributes rules may read, typed by their values"]
            lines += [f"{attribute} = {{ column = {_toml(column)}, type = {_toml(kind)} }}  # {why}"
                      for attribute, (column, kind, why) in table.attributes.items()]
        for column, mapping in table.values.items():
            lines += ["", f"[data.tables.{name}.values.{column}]"]
            lines += [f"{target} = {_toml(sources)}" for target, sources in mapping.items()]
        if table.constants:
            lines += ["", f"[data.tables.{name}.constants]"]
            lines += [f"{column} = {_toml(value)}" for column, value in table.constants.items()]
    for profile in draft.unplaced_files:
        lines += ["", f"# Not placed: {profile.path} ({profile.rows:,} rows; columns "
                      f"{', '.join(c.name for c in profile.columns)}) matches no contract table."]
    lines += _sla_lines(draft)
    return "\n".join(lines) + "\n"


def _sla_lines(draft: Draft) -> list[str]:
    first = (draft.first_day or dt.date.today().replace(month=1, day=1)).replace(day=1)
    last = draft.last_day or first
    end = (dt.date(last.year + (last.month == 12), last.month % 12 + 1, 1) - dt.timedelta(days=1))
    tracked = set(STAGE_NAMES) - set(draft.stages_not_tracked)
    lines = [
        "", "[status]", "at_risk_band = 0.10", "",
        "# One SLA version over the whole span of the exports; split it when your SLA was reset.",
        "[[sla]]", f'name = "{first.year}-{end.year}"' if first.year != end.year else f'name = "{first.year}"',
        f"start = {first.isoformat()}  # the first month with data",
        f"end = {end.isoformat()}  # the last month with data",
        'currency = "USD"  # not in the exports: set yours',
        "quota = 1_000_000  # placeholder: set the revenue quota of the period",
        "", "[sla.lead_definition]",
        "# No scoring rules are guessed: add yours, on the lead attributes mapped above.",
        "mql_threshold = 1", "rules = []",
        "", "[sla.follow_up]", "# Defaults: set your SLA's follow-up rules.",
        "first_touch_within_hours = 24", "min_attempts = 3", "attempt_window_days = 7",
        "", "[sla.targets]", "# No targets are guessed: add yours (see the KPI keys in data/README.md).",
    ]
    if "leads" in draft.tables:
        volume = "mqls" if "mql" in tracked else "leads"
        lines += ["", "[[teams]]", 'name = "Marketing"', 'function = "marketing"', f"kpis = {_toml([volume])}"]
    kpis = [kpi for kpi in SALES_KPIS if kpi != "avg_deal_size" or "amount" in draft.tables.get(
        "deals", TableDraft("deals", FileProfile("", "", 0, ()))).columns]
    for team in draft.teams:
        lines += ["", "# From the reps' team values.", "[[teams]]", f"name = {_toml(team)}", 'function = "sales"',
                  f"kpis = {_toml(kpis)}"]
    return lines
