"""Load and validate `sla_config.toml` into typed, immutable objects.

Every problem is collected and reported together, each naming its key (for example
`sla[2].quota`) and saying what to do, so a user fixes the file in one pass. Unknown keys
are errors too: a misspelt key would otherwise silently fall back to a default.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
import tomllib
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from dashboard.core.access import ROLES, SALES_MANAGER, AccessConfig, Grant
from dashboard.core.cache_folder import default_cache_folder
from dashboard.core.contract import ATTRIBUTE_SLOTS, DEAL_STATUSES, STAGE_NAMES, TABLES
from dashboard.core.kpis import KPIS
from dashboard.core.mail import MailSettings

DEFAULT_CONFIG_PATH = Path(__file__).resolve().parents[2] / "sla_config.toml"

# The largest value a key accepts: beyond these a number is a typo (a few zeros too many) and
# would overflow the date and money arithmetic rather than mean anything.
MAX_MONEY = 1e15
MAX_HOURS = 24 * 366
MAX_DAYS = 3660
MAX_COUNT = 10_000

RULE_OPERATORS = ("=", "!=", ">", ">=", "<", "<=", "in", "not in")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
TEAM_FUNCTIONS = ("marketing", "sales", "shared")
TABLE_FORMATS = ("parquet", "csv")
ALERT_CONDITIONS = ("off track", "at risk", "below", "above")  # "at risk" fires at risk or worse
WEBHOOK_FORMATS = ("slack", "teams")
# Measures an alert can watch besides the KPI catalogue, and those it can watch per rep.
FOLLOW_UP_MEASURES = {"overdue_leads": "Leads overdue for first touch"}
REP_MEASURES = ("first_touch_within_sla_rate", "min_attempts_met_rate", "overdue_leads")
ENGINE_KINDS = ("duckdb", "spark")
_CATALOG_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*){0,2}")

# Bounds on a scoring rule, from the config or a shared link: the lab's work grows with the
# score range (the sum of the points) and with the values the rules compare, so both are capped.
MAX_RULES = 50
MAX_RULE_POINTS = 100  # a rule's points, either sign: at most 50 x 100 = 5,000 points of score range
MAX_RULE_VALUES = 50  # values of one `in` / `not in` rule
MAX_RULE_NUMBER = 1_000_000_000
MAX_RULE_LABEL_CHARS = 200
SCORING_ATTRIBUTES = tuple(
    c for c in TABLES["leads"].column_names
    if c not in ("lead_id", "created_at", "score", "mql_at", "sql_at", "recycled_at", "disqualified_at", "owner_id")
)
_RULE_KINDS = {c.name: {"INTEGER": "number", "BOOLEAN": "flag"}.get(c.sql_type, "label")
               for c in TABLES["leads"].columns if c.name in SCORING_ATTRIBUTES}
RULE_OPERATORS_BY_KIND = {
    "number": RULE_OPERATORS,
    "label": ("in", "not in", "=", "!="),
    "flag": ("=", "!="),
}
# The types a declared scoring attribute (`[data.tables.leads.attributes]`) may have, and the rule
# kind each is: a category is compared as text, a flag as true/false.
ATTRIBUTE_TYPES = {"number": "number", "category": "label", "flag": "flag"}
_ATTRIBUTE_NAME = re.compile(r"[a-z][a-z0-9_]{0,62}")


def rule_kind(attribute: str, kinds: dict[str, str] | None = None) -> str:
    return (kinds if kinds is not None else _RULE_KINDS).get(attribute, "label")


def rule_problems(attribute: Any, op: Any, value: Any, points: Any, kinds: dict[str, str] | None = None) -> list[str]:
    """What is wrong with one scoring rule, each problem naming its field; [] when it is usable.
    `kinds` are the attributes rules may read (name -> number / label / flag): the contract's and
    those the config declares (DataConfig.scoring_attributes); the contract's when not given."""
    kinds = kinds if kinds is not None else _RULE_KINDS
    if not isinstance(attribute, str) or attribute not in kinds:
        return [f"attribute must be a lead attribute: {', '.join(kinds)}"]
    kind = rule_kind(attribute, kinds)
    problems = []
    if not isinstance(op, str) or op not in RULE_OPERATORS_BY_KIND[kind]:
        problems.append(f"op must be one of {', '.join(RULE_OPERATORS_BY_KIND[kind])} for {attribute}")
    if isinstance(points, bool) or not isinstance(points, int) or abs(points) > MAX_RULE_POINTS:
        problems.append(f"points must be between -{MAX_RULE_POINTS} and {MAX_RULE_POINTS} (a whole number)")
    values = value if isinstance(value, (list, tuple)) else [value]
    if op in ("in", "not in") and not isinstance(value, (list, tuple)):
        problems.append(f"value must be a list for op '{op}'")
    elif op not in ("in", "not in") and isinstance(value, (list, tuple)):
        problems.append(f"value must be a single value for op '{op}'")
    if len(values) > MAX_RULE_VALUES:
        problems.append(f"value lists at most {MAX_RULE_VALUES} values")
        return problems
    for item in values:
        if kind == "number" and (isinstance(item, bool) or not isinstance(item, (int, float))
                                 or not abs(item) <= MAX_RULE_NUMBER):
            problems.append(f"value must be a number from -{MAX_RULE_NUMBER:,} to {MAX_RULE_NUMBER:,} for {attribute}")
            break
        if kind == "flag" and not isinstance(item, bool):
            problems.append(f"value must be true or false for {attribute}")
            break
        if kind == "label" and (not isinstance(item, str) or len(item) > MAX_RULE_LABEL_CHARS):
            problems.append(f"value must be text of at most {MAX_RULE_LABEL_CHARS} characters for {attribute}")
            break
    return problems


class ConfigError(Exception):
    """The config cannot be used; `problems` lists every reason, each naming its key."""

    def __init__(self, path: Path, problems: list[str]):
        self.path = path
        self.problems = problems
        listing = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"{path}: {len(problems)} problem(s) in the SLA config:\n{listing}")


@dataclass(frozen=True)
class ScoringRule:
    attribute: str
    op: str
    value: Any
    points: int


@dataclass(frozen=True)
class LeadDefinition:
    mql_threshold: int
    rules: tuple[ScoringRule, ...]

    @property
    def max_score(self) -> int:
        return sum(rule.points for rule in self.rules if rule.points > 0)


@dataclass(frozen=True)
class FollowUp:
    first_touch_within_hours: float
    min_attempts: int
    attempt_window_days: int
    timezone: str
    business_start: dt.time
    business_end: dt.time
    working_days: tuple[str, ...]
    holidays_country: str | None = None  # public holidays of this country (ISO 3166 code) are closed
    holidays_subdivision: str | None = None  # and of this state or province of it
    extra_closed_days: tuple[dt.date, ...] = ()  # further local dates the business is closed


@dataclass(frozen=True)
class Recycle:
    no_response_attempts: int
    not_ready_after_days: int


@dataclass(frozen=True)
class SlaVersion:
    name: str
    start: dt.date
    end: dt.date
    currency: str
    quota: float
    monthly_quota_weights: tuple[float, ...]  # one per month of the period, summing to 1
    lead_definition: LeadDefinition
    follow_up: FollowUp
    recycle: Recycle
    targets: dict[str, float]
    mql_capacity_per_rep_month: float | None = None  # how many MQLs one sales rep can work a month

    def months(self) -> list[dt.date]:
        return month_starts(self.start, self.end)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Team:
    name: str
    function: str
    kpis: tuple[str, ...]
    quota_share: float | None = None  # a sales team's share of the revenue quota (None: an equal split)


# Tables whose extract may hold one row per event (a visit, a click), counted per contract row.
EVENT_GRAIN_TABLES = {"traffic": ("row", "event")}


@dataclass(frozen=True)
class LeadOutcome:
    """`[data.tables.leads.outcome]`: the sale read from the leads extract itself, when there is no
    deals table (a lead-scoring export): each converted lead counts as one won deal."""

    converted: str | None = None  # a 0/1, true/false or yes/no column of the leads extract
    won_at: str | None = None  # the date the lead was won (alone, or dating `converted`)
    amount: str | None = None  # the value of the won business


@dataclass(frozen=True)
class DeclaredAttribute:
    """One `[data.tables.leads.attributes]` entry: a lead column scoring rules may read."""

    name: str  # what rules call it (`attribute = "lead_source"`)
    column: str  # the extract's column
    type: str  # number | category | flag

    slot: str = ""  # the leads view's column it is read into (contract.LEAD_ATTRIBUTE_SLOTS)

    @property
    def kind(self) -> str:
        return ATTRIBUTE_TYPES[self.type]


@dataclass(frozen=True)
class TableSource:
    """Where one contract table comes from and how its columns and values map."""

    name: str
    path: str  # relative to the data folder: a file, a glob or a hive-partitioned folder
    format: str
    columns: dict[str, str]  # contract column -> the extract's column
    values: dict[str, dict[str, tuple[str, ...]]]  # contract column -> contract value -> extract values
    constants: dict[str, Any]  # contract column -> a value for every row
    timestamp_formats: tuple[str, ...]  # strptime formats for text timestamps
    delimiter: str | None
    grain: str = "row"  # "event": one row per visit or click, counted into the contract's rows (traffic)
    table: str | None = None  # a catalog table (Spark) instead of a path, e.g. "crm.leads"
    outcome: LeadOutcome | None = None  # leads only: the sale read from the lead (no deals table)
    attributes: tuple[DeclaredAttribute, ...] = ()  # leads only: declared scoring attributes

    @property
    def shown(self) -> str:
        """How messages name the source: its catalog table, or its path under the data folder."""
        return self.table or self.path


@dataclass(frozen=True)
class EngineConfig:
    """Where the SQL runs: DuckDB embedded (the default), or Spark, locally (`master`) or on a
    cluster through Spark Connect (`remote`)."""

    kind: str = "duckdb"
    remote: str | None = None  # "sc://host:15002"; SPARK_REMOTE is used when this is not set
    master: str = "local[2]"
    conf: tuple[tuple[str, str], ...] = ()  # Spark session settings, e.g. spark.sql.shuffle.partitions
    # DuckDB's memory cap ("1GB"): past it, large joins and groupings spill to the cache folder
    # instead of growing the process. None: DuckDB's default, 80 % of physical memory.
    memory_limit: str | None = None


@dataclass(frozen=True)
class AcceptedFinding:
    """A data health finding the user has looked at and accepted, with the reason."""

    check: str
    table: str
    reason: str
    column: str | None = None


@dataclass(frozen=True)
class DataConfig:
    folder: Path
    tables: dict[str, TableSource]
    as_of: dt.date | None
    stages_not_tracked: tuple[str, ...]
    accepted_findings: tuple[AcceptedFinding, ...] = ()

    @property
    def declared_attributes(self) -> tuple[DeclaredAttribute, ...]:
        leads = self.tables.get("leads")
        return leads.attributes if leads is not None else ()

    @property
    def scoring_attributes(self) -> dict[str, str]:
        """Every attribute a scoring rule may read, with its rule kind: the contract's lead
        attributes and the ones the config declares."""
        return {**_RULE_KINDS, **{a.name: a.kind for a in self.declared_attributes}}

    @property
    def lead_outcome(self) -> LeadOutcome | None:
        leads = self.tables.get("leads")
        return leads.outcome if leads is not None else None


@dataclass(frozen=True)
class CacheConfig:
    """`[cache]`: where derived files go (dashboard/core/cache_folder.py) and whether pages read facts."""

    folder: Path
    facts: bool = True


@dataclass(frozen=True)
class AlertRule:
    """One `[[alerts]]` rule: when a measure, for the company, a team or a rep, fires and where it goes."""

    name: str
    measure: str  # a KPI of the catalogue, or a follow-up measure of FOLLOW_UP_MEASURES
    condition: str  # one of ALERT_CONDITIONS
    threshold: float | None  # for "below" and "above", in the measure's unit (a rate as a fraction)
    team: str | None = None
    rep: str | None = None
    webhook: str | None = None  # a Slack- or Teams-compatible incoming webhook URL
    webhook_env: str | None = None  # or the environment variable that holds it
    webhook_format: str = "slack"
    email: tuple[str, ...] = ()

    @property
    def scope(self) -> str:
        return f"rep {self.rep}" if self.rep else f"team {self.team}" if self.team else "company"


@dataclass(frozen=True)
class Config:
    path: Path
    company_name: str
    data: DataConfig
    at_risk_band: float
    slas: tuple[SlaVersion, ...]
    teams: tuple[Team, ...]
    cache: CacheConfig = CacheConfig(folder=default_cache_folder())
    # How a channel or segment value from the extracts reads on pages: "paid_search" -> "Paid search".
    display_names: dict[str, dict[str, str]] = field(default_factory=dict)
    email: MailSettings | None = None  # [email]: the SMTP server the report and the alerts send through
    alerts: tuple[AlertRule, ...] = ()  # [[alerts]]: what `python -m dashboard alerts` watches
    engine: EngineConfig = EngineConfig()
    access: AccessConfig = AccessConfig()  # [access]: roles of the people who sign in (core/access.py)

    def display_name(self, dimension: str, value) -> str:
        """The config's name for a channel or segment value, else the value in words
        ("paid_search" -> "Paid search"); a missing value reads "—", never "None"."""
        if value is None or (isinstance(value, float) and value != value):
            return "—"
        named = self.display_names.get(dimension, {}).get(str(value))
        if named:
            return named
        words = str(value).replace("_", " ").strip()
        return words[:1].upper() + words[1:] if words.islower() else words

    def sla_for(self, day: dt.date) -> SlaVersion | None:
        for sla in self.slas:
            if sla.contains(day):
                return sla
        return None

    def sla_named(self, name: str) -> SlaVersion:
        for sla in self.slas:
            if sla.name == name:
                return sla
        raise KeyError(name)


def month_starts(start: dt.date, end: dt.date) -> list[dt.date]:
    months = []
    month = start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


class _Reader:
    """Walks the parsed TOML, converting values and collecting problems by key path."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def problem(self, key: str, message: str) -> None:
        self.problems.append(f"{key}: {message}")

    def table(self, raw: Any, key: str, allowed: tuple[str, ...]) -> dict:
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            self.problem(key, f"must be a table ([{key}]), got {type(raw).__name__}")
            return {}
        for unknown in sorted(set(raw) - set(allowed)):
            hint = difflib.get_close_matches(unknown, allowed, n=1)
            suggestion = f"; did you mean '{hint[0]}'?" if hint else f"; allowed: {', '.join(allowed)}"
            self.problem(f"{key}.{unknown}" if key else unknown, f"unknown key{suggestion}")
        return raw

    def value(self, raw: dict, key: str, name: str, kind: type | tuple, default: Any = ..., check=None, what: str = ""):
        full = f"{key}.{name}" if key else name
        if name not in raw:
            if default is ...:
                self.problem(full, "is missing; add it" + (f" ({what})" if what else ""))
                return None
            return default
        found = raw[name]
        accepted = kind if isinstance(kind, tuple) else (kind,)
        if isinstance(found, bool) and bool not in accepted:
            found_ok = False
        else:
            found_ok = isinstance(found, accepted)
        if not found_ok:
            names = " or ".join(t.__name__ for t in accepted)
            self.problem(full, f"must be {names}, got {found!r}")
            return None
        if isinstance(found, float) and not math.isfinite(found):
            self.problem(full, f"must be a finite number, got {found!r}")
            return None
        if check is not None:
            message = check(found)
            if message:
                self.problem(full, f"{message} (got {found!r})")
                return None
        return found


def load_config(path: Path | str = DEFAULT_CONFIG_PATH) -> Config:
    path = Path(path).resolve()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(path, ["file not found; pass --config or create sla_config.toml"]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(path, [f"cannot be read: {error}"]) from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(path, [f"TOML syntax error: {error}; fix the line it names"]) from None
    return parse_config(raw, path)


DISPLAY_DIMENSIONS = ("channel", "segment")


def _read_display_names(reader: "_Reader", raw: Any) -> dict[str, dict[str, str]]:
    """[display_names.channel] paid_search = "Paid search": names for values of the extracts."""
    names = reader.table(raw, "display_names", DISPLAY_DIMENSIONS)
    result = {}
    for dimension in DISPLAY_DIMENSIONS:
        table = reader.table(names.get(dimension), f"display_names.{dimension}", tuple(names.get(dimension) or ()))
        result[dimension] = {str(value): reader.value(table, f"display_names.{dimension}", str(value), str)
                             for value in table}
    return result


def parse_config(raw: dict, path: Path) -> Config:
    reader = _Reader()
    top = reader.table(raw, "", ("company", "data", "status", "sla", "teams", "display_names", "cache", "email",
                                 "alerts", "engine", "access"))
    company = reader.table(top.get("company"), "company", ("name",))
    company_name = reader.value(company, "company", "name", str, default="Your company")

    data = _read_data(reader, top.get("data"), path.parent)
    engine = _read_engine(reader, top.get("engine"), data)

    status = reader.table(top.get("status"), "status", ("at_risk_band",))
    at_risk_band = reader.value(
        status, "status", "at_risk_band", (int, float), default=0.10,
        check=lambda v: None if 0 <= v < 1 else "must be in [0, 1)",
    )

    cache = _read_cache(reader, top.get("cache"), path.parent, data.folder)
    slas = _read_slas(reader, top.get("sla"), data.scoring_attributes)
    teams = _read_teams(reader, top.get("teams"))
    _check_team_references(reader, data, teams)

    display_names = _read_display_names(reader, top.get("display_names"))
    email = _read_email(reader, top.get("email"), path.parent)
    alerts = _read_alerts(reader, top.get("alerts"), teams)
    access = _read_access(reader, top.get("access"), teams, path.parent, data.folder)

    if reader.problems:
        raise ConfigError(path, reader.problems)
    return Config(
        display_names=display_names,
        path=path,
        company_name=company_name,
        data=data,
        at_risk_band=float(at_risk_band),
        slas=tuple(slas),
        teams=tuple(teams),
        cache=cache,
        email=email,
        alerts=tuple(alerts),
        engine=engine,
        access=access,
    )


def _read_engine(reader: _Reader, raw: Any, data: DataConfig) -> EngineConfig:
    section = reader.table(raw, "engine", ("kind", "remote", "master", "conf", "memory_limit"))
    kind = reader.value(section, "engine", "kind", str, default="duckdb",
                        check=lambda v: None if v in ENGINE_KINDS else f"must be one of {', '.join(ENGINE_KINDS)}")
    remote = reader.value(section, "engine", "remote", str, default=None,
                          check=lambda v: None if v.startswith("sc://") else "must be a Spark Connect address, sc://host:15002")
    master = reader.value(section, "engine", "master", str, default="local[2]",
                          check=lambda v: None if v.startswith("local") else
                          "must be local, local[N] or local[*]; reach a cluster with engine.remote (Spark Connect)")
    memory_limit = reader.value(section, "engine", "memory_limit", str, default=None, check=_memory_size_problem)
    conf = reader.table(section.get("conf"), "engine.conf", tuple(section.get("conf") or ()))
    for key, value in conf.items():
        if not key.startswith("spark.") or not isinstance(value, (str, int, float, bool)):
            reader.problem(f"engine.conf.{key}", f"must be a Spark setting (spark.*) with a text or number value, got {value!r}")
    if kind == "spark" and "memory_limit" in section:
        reader.problem("engine.memory_limit", 'applies to DuckDB only; give Spark its memory with '
                                              'engine.conf, e.g. { "spark.driver.memory" = "8g" }')
    if kind != "spark":
        for key in ("remote", "master", "conf"):
            if key in section:
                reader.problem(f"engine.{key}", 'only applies with engine.kind = "spark"; remove it or set the kind')
        for name, source in data.tables.items():
            if source.table:
                reader.problem(f"data.tables.{name}.table", 'catalog tables are read by Spark: set [engine] kind = "spark", '
                                                             "or give the extract's path instead")
    return EngineConfig(
        kind=kind or "duckdb", remote=remote, master=master or "local[2]",
        conf=tuple(sorted((key, str(value).lower() if isinstance(value, bool) else str(value)) for key, value in conf.items())),
        memory_limit=memory_limit if kind != "spark" else None,
    )


MEMORY_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*(MB|GB|TB|MiB|GiB|TiB)")
SMALLEST_MEMORY_LIMIT_MB = 256  # below it DuckDB cannot hold a query's working set at any size


def _memory_size_problem(value: str) -> str | None:
    match = MEMORY_SIZE.fullmatch(value.strip())
    if match is None:
        return 'must be a size such as "1GB" or "512MB" (MB, GB, TB, MiB, GiB or TiB)'
    number, unit = float(match.group(1)), match.group(2)
    megabytes = number * {"MB": 1, "GB": 1000, "TB": 1_000_000, "MiB": 1.048576, "GiB": 1073.741824,
                          "TiB": 1_099_511.627776}[unit]
    if megabytes < SMALLEST_MEMORY_LIMIT_MB:
        return f"must be at least {SMALLEST_MEMORY_LIMIT_MB}MB: smaller, a query at any size would fail for memory"
    return None


def _read_cache(reader: _Reader, raw: Any, config_dir: Path, data_folder: Path) -> CacheConfig:
    section = reader.table(raw, "cache", ("folder", "facts"))
    folder_text = reader.value(section, "cache", "folder", str, default=None)
    folder = (config_dir / folder_text).resolve() if folder_text else default_cache_folder()
    if folder == data_folder or folder.is_relative_to(data_folder):
        reader.problem("cache.folder", f"{folder} is inside data.folder ({data_folder}); the app never writes "
                                       "among your extracts: choose a folder outside it")
    facts = reader.value(section, "cache", "facts", bool, default=True)
    return CacheConfig(folder=folder, facts=bool(facts))


def _text_list(reader: _Reader, section: dict, key: str, name: str, lower: bool = False) -> tuple[str, ...]:
    values = reader.value(section, key, name, list, default=[]) or []
    bad = [value for value in values if not isinstance(value, str) or not value.strip()]
    if bad:
        reader.problem(f"{key}.{name}", f"must be a list of non-empty strings, got {bad[0]!r}")
        return ()
    return tuple(value.strip().lower() if lower else value.strip() for value in values)


def _read_access(reader: _Reader, raw: Any, teams: list[Team], config_dir: Path, data_folder: Path) -> AccessConfig:
    """[access] with its [[access.grants]]: used only when sign-in is on (README: Sign-in and roles)."""
    section = reader.table(raw, "access", ("grants", "contact", "groups_claim", "session_hours", "audit_log"))
    contact = reader.value(section, "access", "contact", str, default=AccessConfig.contact)
    groups_claim = reader.value(section, "access", "groups_claim", str, default="groups")
    session_hours = reader.value(section, "access", "session_hours", (int, float), default=12.0,
                                 check=_within(0, 24 * 30, "a sign-in lasts at most 30 days, as Streamlit's cookie does"))
    audit_text = reader.value(section, "access", "audit_log", str, default=None)
    audit_log = None
    if audit_text:
        audit_path = (config_dir / audit_text).resolve()
        if audit_path.is_relative_to(data_folder):
            reader.problem("access.audit_log", f"{audit_path} is inside data.folder ({data_folder}); the app never "
                                               "writes among your extracts: choose a file outside it")
        audit_log = str(audit_path)
    raw_grants = section.get("grants", [])
    if not isinstance(raw_grants, list):
        reader.problem("access.grants", "must be a list of [[access.grants]] blocks")
        raw_grants = []
    team_names = {team.name for team in teams}
    grants = []
    for index, block in enumerate(raw_grants, start=1):
        key = f"access.grants[{index}]"
        grant = reader.table(block, key, ("role", "emails", "domains", "groups", "teams"))
        role = reader.value(grant, key, "role", str,
                            check=lambda v: None if v in ROLES else f"must be one of {', '.join(ROLES)}")
        emails = _text_list(reader, grant, key, "emails", lower=True)
        domains = tuple(domain.lstrip("@") for domain in _text_list(reader, grant, key, "domains", lower=True))
        groups = _text_list(reader, grant, key, "groups", lower=True)
        grant_teams = _text_list(reader, grant, key, "teams")
        if grant and not (emails or domains or groups):
            reader.problem(key, "matches nobody: give emails, domains or groups")
        if role == SALES_MANAGER and not grant_teams:
            reader.problem(f"{key}.teams", "a sales_manager grant names the team(s) the managers lead")
        if grant_teams and role != SALES_MANAGER:
            reader.problem(f"{key}.teams", f"only a sales_manager grant names teams (this one is {role!r})")
        for team in grant_teams:
            if team not in team_names:
                hint = difflib.get_close_matches(team, sorted(team_names), n=1)
                reader.problem(f"{key}.teams", f"unknown team {team!r}" + (f"; did you mean '{hint[0]}'?" if hint else
                                                                            "; name a [[teams]] block"))
        if role in ROLES:
            grants.append(Grant(role=role, emails=emails, domains=domains, groups=groups, teams=grant_teams))
    return AccessConfig(grants=tuple(grants), contact=contact or AccessConfig.contact, groups_claim=groups_claim or "groups",
                        session_hours=float(session_hours or 12.0), audit_log=audit_log)


def _within(low: float, high: float, what: str = ""):
    """A check that a number lies in (low, high]; `what` says why the bound is there."""
    def check(value):
        if value <= low:
            return f"must be greater than {low:g}"
        if value > high:
            return f"must be at most {high:,g}{what}"
        return None
    return check


def _broad_folder(folder: Path) -> str | None:
    """Why `folder` may not be the data folder: the sandbox lets the app read everything in it."""
    homes = {Path.home().resolve(), Path("/root"), *(p for p in (Path("/home"), Path("/Users")) if p.is_dir())}
    if folder.parent == folder:
        return "is the root of a filesystem"
    if folder in homes or folder.parent in {Path("/home"), Path("/Users")}:
        return "is a home directory"
    return None


def _read_data(reader: _Reader, raw: Any, config_dir: Path) -> DataConfig:
    section = reader.table(raw, "data", ("folder", "as_of", "tables", "stages_not_tracked", "accepted_findings"))
    folder_text = reader.value(section, "data", "folder", str, default="data/sample")
    folder = (config_dir / (folder_text or ".")).resolve()
    too_broad = _broad_folder(folder)
    if too_broad:
        reader.problem("data.folder", f"{folder} {too_broad}: the app may read every file inside data.folder, so "
                                      "point it at the folder that holds only your extracts (such as data/sample)")
    as_of = reader.value(section, "data", "as_of", dt.date, default=None)
    if isinstance(as_of, dt.datetime):
        as_of = as_of.date()
    not_tracked = reader.value(section, "data", "stages_not_tracked", list, default=[]) or []
    for stage in not_tracked:
        if stage not in STAGE_NAMES:
            reader.problem("data.stages_not_tracked", f"unknown stage {stage!r}; stages are {', '.join(STAGE_NAMES)}")

    tables_raw = reader.table(section.get("tables"), "data.tables", tuple(TABLES))
    tables = {}
    for name, table_raw in tables_raw.items():
        if name in TABLES:
            source = _read_table_source(reader, name, table_raw)
            if source is not None:
                tables[name] = source
    outcome = tables["leads"].outcome if "leads" in tables else None
    for name, table in TABLES.items():
        if table.required and name not in tables_raw:
            reader.problem(f"data.tables.{name}", f"is missing; say where the {name} extract is ([data.tables.{name}] path = ...)")
    # The deals table is where the sale is, unless the leads carry it (a lead-scoring export).
    if "deals" not in tables_raw and outcome is None:
        reader.problem("data.tables.deals", "is missing; say where the deals extract is ([data.tables.deals] path = ...), "
                                            "or map the outcome on the leads ([data.tables.leads.outcome] converted = ...)")
    if "deals" in tables_raw and outcome is not None:
        reader.problem("data.tables.leads.outcome", "the config has a deals table too; the outcome is read from one "
                                                    "place: remove [data.tables.leads.outcome] or [data.tables.deals]")
    return DataConfig(folder=folder, tables=tables, as_of=as_of, stages_not_tracked=tuple(not_tracked),
                      accepted_findings=_read_accepted(reader, section.get("accepted_findings")))


def _read_accepted(reader: _Reader, raw: Any) -> tuple[AcceptedFinding, ...]:
    """[[data.accepted_findings]] blocks: check, table, optional column, and the reason, which is required."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        reader.problem("data.accepted_findings", "must be [[data.accepted_findings]] blocks with check, table and reason")
        return ()
    accepted = []
    for index, item in enumerate(raw):
        key = f"data.accepted_findings[{index}]"
        section = reader.table(item, key, ("check", "table", "column", "reason"))
        check = reader.value(section, key, "check", str, what="a data health check id, e.g. \"duplicate_id\"")
        table = reader.value(section, key, "table", str, check=lambda v: None if v in TABLES else
                             f"must be one of {', '.join(TABLES)}")
        reason = reader.value(section, key, "reason", str, what="why the finding is understood, shown beside it",
                              check=lambda v: None if v.strip() else "must say why the finding is accepted")
        column = reader.value(section, key, "column", str, default=None)
        if check and table and reason and reason.strip():
            accepted.append(AcceptedFinding(check=check, table=table, reason=reason.strip(), column=column))
    return tuple(accepted)


def _read_table_source(reader: _Reader, name: str, raw: Any) -> TableSource | None:
    key = f"data.tables.{name}"
    section = reader.table(raw, key, ("path", "table", "format", "columns", "values", "constants", "timestamp_formats",
                                      "delimiter", "grain") + (("outcome", "attributes") if name == "leads" else ()))
    catalog_table = reader.value(section, key, "table", str, default=None,
                                 check=lambda v: None if _CATALOG_NAME.fullmatch(v) else "must be a catalog table name such as crm.leads")
    if "table" in section:
        if "path" in section:
            reader.problem(f"{key}.table", "give either path (a file under data.folder) or table (a catalog table), not both")
        if catalog_table is None:
            return None
        path_text = catalog_table
    else:
        path_text = reader.value(section, key, "path", str, what="a file, glob or folder inside data.folder")
    if path_text is None:
        return None
    pure = PurePosixPath(path_text.replace("\\", "/"))
    if pure.is_absolute() or ".." in pure.parts:
        reader.problem(f"{key}.path", f"must be relative to data.folder and stay inside it, got {path_text!r}")
        return None
    default_format = "csv" if path_text.lower().endswith((".csv", ".csv.gz", ".tsv")) else "parquet"
    fmt = reader.value(
        section, key, "format", str, default=default_format,
        check=lambda v: None if v in TABLE_FORMATS else f"must be one of {', '.join(TABLE_FORMATS)}",
    )
    contract = TABLES[name]
    columns_raw = reader.table(section.get("columns"), f"{key}.columns", contract.column_names)
    columns = {}
    for contract_column, source_column in columns_raw.items():
        if contract_column in contract.column_names:
            if isinstance(source_column, str) and source_column:
                columns[contract_column] = source_column
            else:
                reader.problem(f"{key}.columns.{contract_column}", f"must name a column of your extract, got {source_column!r}")
    constants_raw = reader.table(section.get("constants"), f"{key}.constants", contract.column_names)
    constants = {column: value for column, value in constants_raw.items() if column in contract.column_names}
    values = _read_value_maps(reader, key, name, section.get("values"))
    formats = reader.value(section, key, "timestamp_formats", list, default=[]) or []
    if any(not isinstance(f, str) or "%" not in f for f in formats):
        reader.problem(f"{key}.timestamp_formats", f"must be strptime formats such as '%d-%m-%Y', got {formats!r}")
    delimiter = reader.value(
        section, key, "delimiter", str, default=None,
        check=lambda v: None if len(v) == 1 else "must be a single character",
    )
    grain = reader.value(
        section, key, "grain", str, default="row",
        check=lambda v: None if v in EVENT_GRAIN_TABLES.get(name, ("row",)) else (
            "must be \"row\" or \"event\"" if name in EVENT_GRAIN_TABLES else
            f"only traffic can be read at event grain; {name} has one row per record"),
    )
    return TableSource(
        name=name,
        path=str(pure),
        format=fmt or default_format,
        columns=columns,
        values=values,
        constants=constants,
        timestamp_formats=tuple(formats),
        delimiter=delimiter,
        grain=grain or "row",
        table=catalog_table,
        outcome=_read_outcome(reader, section.get("outcome"), f"{key}.outcome") if "outcome" in section else None,
        attributes=_read_attributes(reader, section.get("attributes"), f"{key}.attributes", contract),
    )


def _read_outcome(reader: _Reader, raw: Any, key: str) -> LeadOutcome | None:
    """`[data.tables.leads.outcome]`: converted and/or won_at, optionally amount, each naming a column."""
    section = reader.table(raw, key, ("converted", "won_at", "amount"))
    names = {field: reader.value(section, key, field, str, default=None,
                                 check=lambda v: None if v.strip() else "must name a column of your leads extract")
             for field in ("converted", "won_at", "amount")}
    if not section:
        reader.problem(key, "must name the column that says a lead converted: converted = \"<your 0/1 column>\" "
                            "(or won_at = \"<the date it was won>\")")
        return None
    if names["converted"] is None and names["won_at"] is None:
        if "converted" not in section and "won_at" not in section:
            reader.problem(f"{key}.converted", "is missing; name the 0/1 (or yes/no) column that says a lead became a "
                                               "customer, or give won_at, the date it was won")
        return None
    return LeadOutcome(**names)


def _read_attributes(reader: _Reader, raw: Any, key: str, contract) -> tuple[DeclaredAttribute, ...]:
    """`[data.tables.leads.attributes]`: name = "number" | "category" | "flag" (the column is the
    name), or name = { column = "Your Column", type = "..." }."""
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        reader.problem(key, "must be a table of attribute = \"number\" | \"category\" | \"flag\"")
        return ()
    declared, counts = [], {kind: 0 for kind in ATTRIBUTE_TYPES}
    for name, spec in raw.items():
        entry = f"{key}.{name}"
        if isinstance(spec, str):
            column, kind = name, spec
        elif isinstance(spec, dict):
            section = reader.table(spec, entry, ("column", "type"))
            column = reader.value(section, entry, "column", str, default=name)
            kind = reader.value(section, entry, "type", str, what='"number", "category" or "flag"')
        else:
            reader.problem(entry, f'must be "number", "category" or "flag", or {{ column = "...", type = "..." }}, '
                                  f"got {spec!r}")
            continue
        if kind is None or column is None:
            continue
        if kind not in ATTRIBUTE_TYPES:
            hint = difflib.get_close_matches(str(kind), ATTRIBUTE_TYPES, n=1)
            reader.problem(entry, f"unknown type {kind!r}; use number, category or flag"
                           + (f" (did you mean {hint[0]!r}?)" if hint else ""))
            continue
        if not _ATTRIBUTE_NAME.fullmatch(name):
            reader.problem(entry, "an attribute name is what rules call it: lower-case letters, digits and _, "
                                  f"starting with a letter (e.g. lead_source = {{ column = {name!r}, type = {kind!r} }})")
            continue
        if name in contract.column_names:
            reader.problem(entry, f"{name!r} is a contract column of leads; map it under [{key.rsplit('.', 1)[0]}.columns] "
                                  "or give the attribute another name")
            continue
        if not column.strip():
            reader.problem(f"{entry}.column", "must name a column of your leads extract")
            continue
        counts[kind] += 1
        if counts[kind] > ATTRIBUTE_SLOTS[kind]:
            reader.problem(entry, f"at most {ATTRIBUTE_SLOTS[kind]} {kind} attributes can be declared")
            continue
        declared.append(DeclaredAttribute(name=name, column=column, type=kind, slot=f"{kind}_{counts[kind]}"))
    return tuple(declared)


def _read_value_maps(reader: _Reader, key: str, table: str, raw: Any) -> dict[str, dict[str, tuple[str, ...]]]:
    mappable = ("status",) if table == "deals" else ("channel", "segment", "kind", "role", "team", "region")
    section = reader.table(raw, f"{key}.values", mappable)
    maps: dict[str, dict[str, tuple[str, ...]]] = {}
    for column, mapping in section.items():
        if column not in mappable:
            continue
        if not isinstance(mapping, dict):
            reader.problem(f"{key}.values.{column}", "must be a table of contract value = [your values]")
            continue
        if column == "status":
            for unknown in set(mapping) - set(DEAL_STATUSES):
                reader.problem(f"{key}.values.status.{unknown}", f"unknown status; use {', '.join(DEAL_STATUSES)}")
        converted = {}
        for target, sources in mapping.items():
            sources = [sources] if isinstance(sources, str) else sources
            if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
                reader.problem(f"{key}.values.{column}.{target}", "must be a list of your values, e.g. [\"Won\", \"Closed Won\"]")
                continue
            converted[target] = tuple(sources)
        maps[column] = converted
    return maps


def _read_slas(reader: _Reader, raw: Any, kinds: dict[str, str] | None = None) -> list[SlaVersion]:
    if not isinstance(raw, list) or not raw:
        reader.problem("sla", "no SLA version; add at least one [[sla]] block with name, start, end and quota")
        return []
    slas, periods = [], []
    for index, block in enumerate(raw, start=1):
        sla = _read_sla(reader, block, f"sla[{index}]", periods, kinds)
        if sla is not None:
            slas.append(sla)
    slas.sort(key=lambda s: s.start)
    # Checked on every period that parsed, so one bad value elsewhere cannot hide an overlap.
    periods.sort(key=lambda period: period[1])
    for (earlier, _, earlier_end), (later, later_start, _) in zip(periods, periods[1:]):
        if later_start <= earlier_end:
            reader.problem(
                "sla",
                f"periods overlap: '{earlier}' ends {earlier_end} but '{later}' starts {later_start}; "
                "end one SLA version the day before the next starts",
            )
    names = [s.name for s in slas]
    for duplicate in sorted({n for n in names if names.count(n) > 1}):
        reader.problem("sla", f"two SLA versions are named {duplicate!r}; names must be unique")
    return slas


def _read_sla(reader: _Reader, raw: Any, key: str, periods: list, kinds: dict[str, str] | None = None) -> SlaVersion | None:
    allowed = ("name", "start", "end", "currency", "quota", "monthly_quota_weights",
               "lead_definition", "follow_up", "recycle", "targets", "mql_capacity_per_rep_month")
    block = reader.table(raw, key, allowed)
    name = reader.value(block, key, "name", str)
    label = f"{key} ({name})" if name else key
    start = reader.value(block, label, "start", dt.date, what="a date such as 2026-01-01")
    end = reader.value(block, label, "end", dt.date, what="a date such as 2026-12-31")
    if start is not None and end is not None and end < start:
        reader.problem(f"{label}.end", f"is before start ({end} < {start})")
        end = None
    if start is not None and end is not None:
        periods.append((name or key, start, end))
    currency = reader.value(block, label, "currency", str, default="USD")
    quota = reader.value(
        block, label, "quota", (int, float), what="the revenue quota for the period",
        check=_within(0, MAX_MONEY, "; is a zero too many?"),
    )
    weights = _read_weights(reader, block, label, start, end)
    lead_definition = _read_lead_definition(reader, block.get("lead_definition"), f"{label}.lead_definition", kinds)
    follow_up = _read_follow_up(reader, block.get("follow_up"), f"{label}.follow_up")
    recycle = _read_recycle(reader, block.get("recycle"), f"{label}.recycle")
    targets = _read_targets(reader, block.get("targets"), f"{label}.targets")
    capacity = reader.value(
        block, label, "mql_capacity_per_rep_month", (int, float), default=None,
        check=_within(0, MAX_COUNT, " MQLs a rep works a month"),
    )
    if None in (name, start, end, quota, weights, lead_definition, follow_up, recycle):
        return None
    return SlaVersion(
        name=name, start=start, end=end, currency=currency, quota=float(quota),
        monthly_quota_weights=weights, lead_definition=lead_definition,
        follow_up=follow_up, recycle=recycle, targets=targets,
        mql_capacity_per_rep_month=float(capacity) if capacity is not None else None,
    )


def _read_weights(reader: _Reader, block: dict, key: str, start, end) -> tuple[float, ...] | None:
    if start is None or end is None:
        return None
    months = len(month_starts(start, end))
    weights = reader.value(block, key, "monthly_quota_weights", list, default=None)
    if weights is None:
        return tuple(1 / months for _ in range(months)) if "monthly_quota_weights" not in block else None
    if len(weights) != months or not all(isinstance(w, (int, float)) and not isinstance(w, bool) and 0 <= w < math.inf
                                         for w in weights):
        reader.problem(
            f"{key}.monthly_quota_weights",
            f"must be {months} non-negative numbers, one per month from {start:%Y-%m} to {end:%Y-%m}; got {weights!r}",
        )
        return None
    total = sum(weights)
    if total <= 0:
        reader.problem(f"{key}.monthly_quota_weights", "must not all be zero")
        return None
    return tuple(w / total for w in weights)


def _read_lead_definition(reader: _Reader, raw: Any, key: str, kinds: dict[str, str] | None = None) -> LeadDefinition | None:
    if raw is None:
        reader.problem(key, "is missing; add [sla.lead_definition] with mql_threshold and rules")
        return None
    section = reader.table(raw, key, ("mql_threshold", "rules"))
    rules_raw = reader.value(section, key, "rules", list, what="scoring rules")
    rules = []
    if rules_raw is not None and len(rules_raw) > MAX_RULES:
        reader.problem(f"{key}.rules", f"has {len(rules_raw)} rules; at most {MAX_RULES}")
        rules_raw = None
    for index, rule_raw in enumerate(rules_raw or [], start=1):
        rule = _read_rule(reader, rule_raw, f"{key}.rules[{index}]", kinds)
        if rule is not None:
            rules.append(rule)
    definition = LeadDefinition(mql_threshold=0, rules=tuple(rules))
    threshold = reader.value(
        section, key, "mql_threshold", int,
        check=lambda v: None if 0 < v <= max(definition.max_score, 1)
        else f"must be between 1 and the highest reachable score ({definition.max_score})",
    )
    if threshold is None or rules_raw is None:
        return None
    return LeadDefinition(mql_threshold=threshold, rules=tuple(rules))


def _read_rule(reader: _Reader, raw: Any, key: str, kinds: dict[str, str] | None = None) -> ScoringRule | None:
    rule = reader.table(raw, key, ("attribute", "op", "value", "points"))
    missing = [name for name in ("attribute", "op", "value", "points") if name not in rule]
    for name in missing:
        reader.problem(f"{key}.{name}", "is missing; add it")
    if missing:
        return None
    attribute, op, value, points = rule["attribute"], rule["op"], rule["value"], rule["points"]
    problems = rule_problems(attribute, op, value, points, kinds)
    for problem in problems:
        field, _, message = problem.partition(" ")
        reader.problem(f"{key}.{field}", f"{message} (got {rule.get(field)!r})")
    if problems:
        return None
    return ScoringRule(attribute=attribute, op=op, value=tuple(value) if isinstance(value, list) else value, points=points)


def _parse_clock(reader: _Reader, key: str, text: Any) -> dt.time | None:
    try:
        return dt.time.fromisoformat(text)
    except (TypeError, ValueError):
        reader.problem(key, f"must be a time such as \"09:00\", got {text!r}")
        return None


def _read_follow_up(reader: _Reader, raw: Any, key: str) -> FollowUp | None:
    if raw is None:
        reader.problem(key, "is missing; add [sla.follow_up] with first_touch_within_hours, min_attempts, attempt_window_days")
        return None
    section = reader.table(raw, key, ("first_touch_within_hours", "min_attempts", "attempt_window_days",
                                      "timezone", "business_hours", "working_days", "holidays",
                                      "holidays_subdivision", "extra_closed_days"))
    hours = reader.value(section, key, "first_touch_within_hours", (int, float),
                         check=_within(0, MAX_HOURS, " (a year)"))
    attempts = reader.value(section, key, "min_attempts", int, check=_within(0, MAX_COUNT))
    window = reader.value(section, key, "attempt_window_days", int, check=_within(0, MAX_DAYS, " (ten years)"))
    timezone = reader.value(section, key, "timezone", str, default="UTC")
    if timezone is not None:
        try:
            zoneinfo.ZoneInfo(timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            reader.problem(f"{key}.timezone", f"unknown time zone {timezone!r}; use an IANA name such as 'America/New_York'")
            timezone = None
    hours_pair = reader.value(section, key, "business_hours", list, default=["09:00", "17:00"])
    start_time = end_time = None
    if hours_pair is not None:
        if len(hours_pair) != 2:
            reader.problem(f"{key}.business_hours", f"must be [start, end] such as [\"09:00\", \"17:00\"], got {hours_pair!r}")
        else:
            start_time = _parse_clock(reader, f"{key}.business_hours", hours_pair[0])
            end_time = _parse_clock(reader, f"{key}.business_hours", hours_pair[1])
            if start_time and end_time and end_time <= start_time:
                reader.problem(f"{key}.business_hours", "end must be after start")
                start_time = None
    days = reader.value(section, key, "working_days", list, default=list(WEEKDAYS[:5]))
    if days is not None and (not days or any(d not in WEEKDAYS for d in days)):
        reader.problem(f"{key}.working_days", f"must be a non-empty list of {', '.join(WEEKDAYS)}, got {days!r}")
        days = None
    country, subdivision, holidays_ok = _read_holidays(reader, section, key)
    closed = reader.value(section, key, "extra_closed_days", list, default=[])
    if closed is not None and not all(isinstance(d, dt.date) and not isinstance(d, dt.datetime) for d in closed):
        reader.problem(f"{key}.extra_closed_days", f"must be a list of dates such as [2026-12-24, 2026-12-31], got {closed!r}")
        closed = None
    if None in (hours, attempts, window, timezone, start_time, end_time, days, closed) or not holidays_ok:
        return None
    return FollowUp(
        first_touch_within_hours=float(hours), min_attempts=attempts, attempt_window_days=window,
        timezone=timezone, business_start=start_time, business_end=end_time, working_days=tuple(days),
        holidays_country=country, holidays_subdivision=subdivision, extra_closed_days=tuple(sorted(closed)),
    )


def _read_holidays(reader: _Reader, section: dict, key: str) -> tuple[str | None, str | None, bool]:
    """The public-holiday calendar: a country code and optionally a subdivision the `holidays`
    library knows. Returns (country, subdivision, whether they can be used)."""
    country = reader.value(section, key, "holidays", str, default=None)
    subdivision = reader.value(section, key, "holidays_subdivision", str, default=None)
    if country is None:
        if subdivision is not None:
            reader.problem(f"{key}.holidays_subdivision", "needs its country: add holidays = \"US\" (or another ISO code)")
            return None, None, False
        return None, None, "holidays" not in section  # present but None: its type was reported
    try:
        import holidays
    except ImportError:
        reader.problem(f"{key}.holidays", "needs the holidays package: pip install -r requirements.txt")
        return None, None, False
    supported = holidays.list_supported_countries()
    if country not in supported:
        hint = difflib.get_close_matches(country.upper(), supported, n=1)
        reader.problem(f"{key}.holidays", f"unknown country {country!r}; use an ISO 3166 code such as 'US', 'GB' or 'DE'"
                       + (f" (did you mean {hint[0]!r}?)" if hint else ""))
        return None, None, False
    if subdivision is not None and subdivision not in supported[country]:
        reader.problem(f"{key}.holidays_subdivision", f"{country} has no subdivision {subdivision!r}; "
                       f"it has {', '.join(supported[country][:12])}{', ...' if len(supported[country]) > 12 else ''}")
        return None, None, False
    return country, subdivision, True


def _read_recycle(reader: _Reader, raw: Any, key: str) -> Recycle | None:
    section = reader.table(raw, key, ("no_response_attempts", "not_ready_after_days"))
    attempts = reader.value(section, key, "no_response_attempts", int, default=6, check=_within(0, MAX_COUNT))
    days = reader.value(section, key, "not_ready_after_days", int, default=30, check=_within(0, MAX_DAYS, " (ten years)"))
    if attempts is None or days is None:
        return None
    return Recycle(no_response_attempts=attempts, not_ready_after_days=days)


def _read_targets(reader: _Reader, raw: Any, key: str) -> dict[str, float]:
    section = reader.table(raw, key, tuple(KPIS))
    targets = {}
    for name, value in section.items():
        kpi = KPIS.get(name)
        if kpi is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            reader.problem(f"{key}.{name}", f"must be a finite number, got {value!r}")
        elif kpi.unit == "rate" and not 0 < value <= 1:
            reader.problem(f"{key}.{name}", f"is a rate and must be in (0, 1] (0.35 means 35 %), got {value!r}")
        elif kpi.unit != "rate" and value < 0:
            reader.problem(f"{key}.{name}", f"must not be negative, got {value!r}")
        elif kpi.unit != "rate" and value > MAX_MONEY:
            reader.problem(f"{key}.{name}", f"must be at most {MAX_MONEY:,g}; is a zero too many? (got {value!r})")
        else:
            targets[name] = float(value)
    return targets


def _read_teams(reader: _Reader, raw: Any) -> list[Team]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        reader.problem("teams", "must be a list of [[teams]] blocks")
        return []
    teams = []
    for index, block in enumerate(raw, start=1):
        key = f"teams[{index}]"
        section = reader.table(block, key, ("name", "function", "kpis", "quota_share"))
        name = reader.value(section, key, "name", str)
        function = reader.value(
            section, key, "function", str, default="sales",
            check=lambda v: None if v in TEAM_FUNCTIONS else f"must be one of {', '.join(TEAM_FUNCTIONS)}",
        )
        kpis = reader.value(section, key, "kpis", list, default=[]) or []
        for kpi in kpis:
            if kpi not in KPIS:
                hint = difflib.get_close_matches(str(kpi), KPIS, n=1)
                reader.problem(f"{key}.kpis", f"unknown KPI {kpi!r}" + (f"; did you mean '{hint[0]}'?" if hint else ""))
        quota_share = reader.value(
            section, key, "quota_share", (int, float), default=None,
            check=lambda v: None if 0 < v <= 1 else "is a fraction of the quota and must be in (0, 1] (0.4 means 40 %)",
        )
        if quota_share is not None and function != "sales":
            reader.problem(f"{key}.quota_share", f"only a sales team carries a share of the quota (this team's function is {function!r})")
        if name and function:
            teams.append(Team(name=name, function=function, kpis=tuple(kpis),
                              quota_share=float(quota_share) if quota_share is not None else None))
    shares = sum(t.quota_share or 0 for t in teams if t.function == "sales")
    if shares > 1 + 1e-9:
        reader.problem("teams", f"the sales teams' quota_share values add up to {shares:.2f}; they must not exceed 1")
    names = [t.name for t in teams]
    for duplicate in sorted({n for n in names if names.count(n) > 1}):
        reader.problem("teams", f"two teams are named {duplicate!r}; names must be unique")
    return teams


def _read_email(reader: _Reader, raw: Any, config_dir: Path) -> MailSettings | None:
    """`[email]`: the SMTP server the report and the alerts send through. Never the password."""
    if raw is None:
        return None
    if isinstance(raw, dict) and "password" in raw:
        reader.problem("email.password", "never put the SMTP password in the config file; remove it and set "
                       "SLA_SMTP_PASSWORD in the environment of the command that sends")
        raw = {key: value for key, value in raw.items() if key != "password"}
    section = reader.table(raw, "email", ("smtp_host", "smtp_port", "starttls", "user", "from", "ca_file"))
    host = reader.value(section, "email", "smtp_host", str, default=None)
    port = reader.value(section, "email", "smtp_port", int, default=587,
                        check=lambda v: None if 0 < v < 65536 else "must be a port number (587 for STARTTLS, 25)")
    starttls = reader.value(section, "email", "starttls", bool, default=True)
    user = reader.value(section, "email", "user", str, default=None)
    sender = reader.value(section, "email", "from", str, default=None,
                          check=lambda v: None if "@" in v else "must be an email address")
    ca_file = reader.value(section, "email", "ca_file", str, default=None)
    ca_path = (config_dir / ca_file).resolve() if ca_file else None
    if ca_path is not None and not ca_path.is_file():
        reader.problem("email.ca_file", f"{ca_path} is not a file; give the CA bundle that signed the server's certificate")
    return MailSettings(host=host, port=port or 587, starttls=True if starttls is None else starttls, user=user,
                        sender=sender, ca_file=ca_path)


def _read_alerts(reader: _Reader, raw: Any, teams: list[Team]) -> list[AlertRule]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        reader.problem("alerts", "must be a list of [[alerts]] blocks")
        return []
    allowed = ("name", "measure", "when", "team", "rep", "webhook", "webhook_env", "webhook_format", "email")
    measures = tuple(KPIS) + tuple(FOLLOW_UP_MEASURES)
    team_names = [team.name for team in teams]
    rules = []
    for index, block in enumerate(raw, start=1):
        key = f"alerts[{index}]"
        section = reader.table(block, key, allowed)
        measure = reader.value(section, key, "measure", str, what="a KPI such as 'mql_to_sql_rate' or 'overdue_leads'")
        if measure is not None and measure not in measures:
            hint = difflib.get_close_matches(measure, measures, n=1)
            reader.problem(f"{key}.measure", f"unknown measure {measure!r}"
                           + (f"; did you mean {hint[0]!r}?" if hint else f"; use one of {', '.join(measures)}"))
            measure = None
        when = reader.value(section, key, "when", str, what='"off track", "at risk", "below 80 %" or "above 25"')
        condition, threshold = _parse_alert_condition(reader, f"{key}.when", when, measure)
        team = reader.value(section, key, "team", str, default=None)
        if team is not None and team not in team_names:
            reader.problem(f"{key}.team", f"{team!r} is not a team of the config; the [[teams]] are "
                           f"{', '.join(map(repr, team_names)) or 'none'}")
        rep = reader.value(section, key, "rep", str, default=None)
        if rep is not None and team is not None:
            reader.problem(f"{key}.rep", "give a team or a rep, not both")
        if rep is not None and measure is not None and measure not in REP_MEASURES:
            reader.problem(f"{key}.rep", f"a rep's alert watches a follow-up measure ({', '.join(REP_MEASURES)}), "
                           f"not {measure!r}")
        webhook = reader.value(section, key, "webhook", str, default=None,
                               check=lambda v: None if v.startswith(("https://", "http://")) else "must be an http(s) URL")
        webhook_env = reader.value(section, key, "webhook_env", str, default=None)
        if webhook and webhook_env:
            reader.problem(f"{key}.webhook_env", "give webhook or webhook_env, not both")
        webhook_format = reader.value(section, key, "webhook_format", str, default="slack",
                                      check=lambda v: None if v in WEBHOOK_FORMATS else f"must be one of {', '.join(WEBHOOK_FORMATS)}")
        email = reader.value(section, key, "email", (str, list), default=[])
        email = [email] if isinstance(email, str) else (email or [])
        if any(not isinstance(address, str) or "@" not in address for address in email):
            reader.problem(f"{key}.email", f"must be email addresses, got {email!r}")
        name = reader.value(section, key, "name", str, default=None)
        if measure is None or condition is None:
            continue
        label = KPIS[measure].label if measure in KPIS else FOLLOW_UP_MEASURES[measure]
        rule = AlertRule(name="", measure=measure, condition=condition, threshold=threshold, team=team, rep=rep,
                         webhook=webhook, webhook_env=webhook_env, webhook_format=webhook_format or "slack",
                         email=tuple(email))
        rules.append(AlertRule(**{**rule.__dict__, "name": name or f"{label} {when} ({rule.scope})"}))
    names = [rule.name for rule in rules]
    for duplicate in sorted({n for n in names if names.count(n) > 1}):
        reader.problem("alerts", f"two alerts are named {duplicate!r}; give each a unique name")
    return rules


def _parse_alert_condition(reader: _Reader, key: str, when: str | None, measure: str | None
                           ) -> tuple[str | None, float | None]:
    if when is None:
        return None, None
    text = " ".join(when.strip().lower().split())
    if text in ("off track", "at risk"):
        if measure in FOLLOW_UP_MEASURES:
            reader.problem(key, f"{measure} has no SLA target; use \"above N\"")
            return None, None
        return text, None
    words = text.split(" ", 1)
    if len(words) == 2 and words[0] in ("below", "above"):
        number = words[1].replace(" ", "")
        percent = number.endswith("%")
        try:
            value = float(number.rstrip("%"))
        except ValueError:
            value = None
        if value is not None:
            is_rate = measure in KPIS and KPIS[measure].unit == "rate"
            if percent and not is_rate:
                reader.problem(key, f"{measure} is not a rate; give a plain number, got {when!r}")
                return None, None
            if percent:
                value /= 100
            if is_rate and not 0 <= value <= 1:
                reader.problem(key, f"a rate is a fraction: write {value:g} % or {value / 100:g}, got {when!r}")
                return None, None
            return words[0], value
    reader.problem(key, f'must be "off track", "at risk", "below N" or "above N" (N such as 80 % or 0.8), got {when!r}')
    return None, None


def _check_team_references(reader: _Reader, data: DataConfig, teams: list[Team]) -> None:
    """Team names the data mapping gives reps must be [[teams]] names, or their reps fall out
    of every team view."""
    reps = data.tables.get("reps")
    if reps is None or not teams:
        return
    names = [team.name for team in teams]
    given = [("data.tables.reps.values.team", target) for target in reps.values.get("team", {})]
    if isinstance(reps.constants.get("team"), str):
        given.append(("data.tables.reps.constants.team", reps.constants["team"]))
    for key, name in given:
        if name not in names:
            hint = difflib.get_close_matches(name, names, n=1)
            reader.problem(key, f"{name!r} is not a team of the config"
                           + (f"; did you mean {hint[0]!r}?" if hint else f"; the [[teams]] are {', '.join(map(repr, names))}"))


__all__ = [
    "AlertRule", "Config", "ConfigError", "DataConfig", "DeclaredAttribute", "LeadOutcome", "FollowUp", "LeadDefinition", "Recycle", "ScoringRule",
    "SlaVersion", "TableSource", "Team", "load_config", "parse_config", "month_starts",
]
