"""The bad cases of the data health suite, each built from a small generated sample.

A fault copies the clean sample into its own folder, breaks it the way real extracts break
(a CRM upgrade renames a column, an export is re-run, a file is half-written, a date is typed
2062, ...) and says exactly which findings `validate` must report, with which counts, and the
exit code of `python -m dashboard validate`. Counts are fixed by construction (the fault
changes exactly k rows) or, where they depend on the sample, counted here with pyarrow, apart
from the SQL under test.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parents[2]
TABLE_NAMES = ("traffic", "leads", "touches", "deals", "reps")


@dataclass(frozen=True)
class Expect:
    check: str
    table: str
    column: str | None
    count: int | str | None  # a number, or the name of a number the fault counted while breaking the data
    severity: str = "error"


@dataclass(frozen=True)
class Fault:
    name: str
    expected: tuple[Expect, ...]  # every finding validate must report, and no other
    exit_code: int
    page_text: str  # what the Data health page must say (markdown unescaped)
    mutate: Callable[[Path], dict | None] = lambda folder: None
    config: Callable[[str], str] = lambda text: text
    folder_name: str | None = None  # point data.folder elsewhere (a folder that does not exist)
    banner: bool = True  # data pages show the error banner (errors in data, not in the config)


# --- pyarrow helpers ----------------------------------------------------------------------


def read(folder: Path, table: str) -> pa.Table:
    return pq.read_table(folder / f"{table}.parquet")


def write(folder: Path, table: str, data: pa.Table, name: str | None = None) -> None:
    pq.write_table(data, folder / (name or f"{table}.parquet"))


def pick(data: pa.Table, count: int, where: Callable[[dict], bool]) -> list[int]:
    """The first `count` row numbers whose row satisfies `where`."""
    rows = [index for index, row in enumerate(data.to_pylist()) if where(row)][:count]
    assert len(rows) == count, f"the sample has only {len(rows)} such rows"
    return rows


def replace(data: pa.Table, column: str, rows: list[int], value: Callable[[dict], object], kind=None) -> pa.Table:
    """Set `column` on `rows` to value(row); `kind` changes the column's type."""
    records = data.to_pylist()
    chosen = set(rows)
    values = [value(row) if index in chosen else row[column] for index, row in enumerate(records)]
    position = data.schema.get_field_index(column)
    return data.set_column(position, column, pa.array(values, type=kind or data.schema.field(column).type))


def edit(table: str, column: str, count: int, where: Callable[[dict], bool], value: Callable[[dict], object]):
    def mutate(folder: Path) -> None:
        data = read(folder, table)
        write(folder, table, replace(data, column, pick(data, count, where), value))
    return mutate


def lead_created(folder: Path) -> dict[str, dt.datetime]:
    leads = read(folder, "leads")
    return dict(zip(leads["lead_id"].to_pylist(), leads["created_at"].to_pylist()))


# --- the bad cases ------------------------------------------------------------------------


def _delete(*tables):
    def mutate(folder: Path) -> None:
        for table in tables:
            (folder / f"{table}.parquet").unlink()
    return mutate


def _drop_column(table: str, column: str):
    def mutate(folder: Path) -> None:
        write(folder, table, read(folder, table).drop([column]))
    return mutate


def _rename_column(table: str, column: str, new: str):
    def mutate(folder: Path) -> None:
        data = read(folder, table)
        write(folder, table, data.rename_columns([new if name == column else name for name in data.column_names]))
    return mutate


def _amount_as_text(folder: Path) -> None:
    deals = read(folder, "deals")
    rows = pick(deals, 5, lambda row: row["amount"] is not None)
    write(folder, "deals", replace(deals, "amount", list(range(deals.num_rows)),
                                   lambda row: None if row["amount"] is None else str(row["amount"]), pa.string()))
    deals = read(folder, "deals")
    write(folder, "deals", replace(deals, "amount", rows, lambda row: "n/a"))


def _mql_as_text(folder: Path) -> None:
    leads = read(folder, "leads")
    text = replace(leads, "mql_at", list(range(leads.num_rows)),
                   lambda row: None if row["mql_at"] is None else row["mql_at"].isoformat(sep=" "), pa.string())
    write(folder, "leads", replace(text, "mql_at", pick(text, 3, lambda row: row["mql_at"] is not None),
                                   lambda row: "yesterday"))


def _sessions_as_text(folder: Path) -> None:
    traffic = read(folder, "traffic")
    write(folder, "traffic", replace(traffic, "sessions", list(range(traffic.num_rows)), lambda row: "many", pa.string()))


def _truncate(table: str):
    def mutate(folder: Path) -> None:
        path = folder / f"{table}.parquet"
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return mutate


def _damage_data_pages(table: str):
    """Flip bytes inside the data pages, keeping the footer: the file opens, its values do not."""
    def mutate(folder: Path) -> None:
        path = folder / f"{table}.parquet"
        data = bytearray(path.read_bytes())
        for index in range(2_000, min(12_000, len(data) // 2), 7):
            data[index] ^= 0xFF
        path.write_bytes(bytes(data))
    return mutate


def _not_parquet(folder: Path) -> None:
    (folder / "leads.parquet").write_text("lead_id,created_at\nL1,2026-01-01\n", encoding="utf-8")


def _empty(table: str):
    def mutate(folder: Path) -> None:
        data = read(folder, table)
        write(folder, table, data.slice(0, 0))
    return mutate


def _split_deals(changed: Callable[[pa.Table], pa.Table]):
    """deals as deals/part-0.parquet and deals/part-1.parquet, the second changed."""
    def mutate(folder: Path) -> dict:
        deals = read(folder, "deals")
        (folder / "deals.parquet").unlink()
        (folder / "deals").mkdir()
        half = deals.num_rows // 2
        first, second = deals.slice(0, half), deals.slice(half)
        pq.write_table(first, folder / "deals" / "part-0.parquet")
        pq.write_table(changed(second), folder / "deals" / "part-1.parquet")
        return {
            "second_rows": second.num_rows,
            "second_won": pc.sum(pc.equal(second["status"], "won")).as_py(),
        }
    return mutate


def _deals_glob(text: str) -> str:
    return text.replace('path = "deals.parquet"', 'path = "deals/*.parquet"')


def _rerun_export(folder: Path) -> dict:
    (folder / "deals").mkdir()
    shutil.move(folder / "deals.parquet", folder / "deals" / "deals.parquet")
    shutil.copy(folder / "deals" / "deals.parquet", folder / "deals" / "deals (1).parquet")
    return {"deals": read(folder / "deals", "deals").num_rows}


def _append_copies(table: str, count: int):
    def mutate(folder: Path) -> None:
        data = read(folder, table)
        write(folder, table, pa.concat_tables([data, data.slice(0, count)]))
    return mutate


def _remove_rep(rep: str):
    def mutate(folder: Path) -> dict:
        reps = read(folder, "reps")
        write(folder, "reps", reps.filter(pc.not_equal(reps["rep_id"], rep)))
        return {
            "leads": pc.sum(pc.equal(read(folder, "leads")["owner_id"], rep)).as_py() or 0,
            "deals": pc.sum(pc.equal(read(folder, "deals")["owner_id"], rep)).as_py() or 0,
            "touches": pc.sum(pc.equal(read(folder, "touches")["rep_id"], rep)).as_py() or 0,
        }
    return mutate


def _touch_before_lead(folder: Path) -> None:
    created = lead_created(folder)
    edit("touches", "touched_at", 4, lambda row: True,
         lambda row: created[row["lead_id"]] - dt.timedelta(days=1))(folder)


def _deal_before_lead(folder: Path) -> None:
    created = lead_created(folder)
    edit("deals", "created_at", 2, lambda row: row["lead_id"] is not None,
         lambda row: created[row["lead_id"]] - dt.timedelta(days=5))(folder)


AS_OF = dt.datetime(2026, 10, 1)  # data.as_of = 2026-09-30 in the configured-as-of fault
DATE_COLUMNS = {
    "traffic": ("date",), "leads": ("created_at", "mql_at", "sql_at", "recycled_at", "disqualified_at"),
    "touches": ("touched_at",), "deals": ("created_at", "proposal_at", "closed_at"),
}


def _count_after_as_of(folder: Path) -> dict:
    """How many values of each dated column fall after 2026-09-30, counted in Python."""
    counts = {}
    for table, columns in DATE_COLUMNS.items():
        rows = read(folder, table).to_pylist()
        for column in columns:
            values = [row[column] for row in rows if row[column] is not None]
            values = [v if isinstance(v, dt.datetime) else dt.datetime.combine(v, dt.time()) for v in values]
            counts[f"{table}.{column}"] = sum(value >= AS_OF for value in values)
    return counts


def _keep_touches_before(day: dt.datetime):
    def mutate(folder: Path) -> None:
        touches = read(folder, "touches")
        write(folder, "touches", touches.filter(pc.less(touches["touched_at"], pa.scalar(day, pa.timestamp("us")))))
    return mutate


def _status_renamed(folder: Path) -> dict:
    deals = read(folder, "deals")
    won = [index for index, status in enumerate(deals["status"].to_pylist()) if status == "won"]
    write(folder, "deals", replace(deals, "status", won, lambda row: "Closed Won"))
    return {"won": len(won)}


def _count_partner_leads(folder: Path) -> dict:
    return {"partner": pc.sum(pc.equal(read(folder, "leads")["channel"], "partner")).as_py()}


CHANNELS = ("organic", "paid_search", "paid_social", "email", "events", "referral", "partner")


def _map_channels_but_partner(text: str) -> str:
    mapping = "\n".join(f'{channel} = ["{channel}"]' for channel in CHANNELS if channel != "partner")
    return text.replace('[data.tables.leads]\npath = "leads.parquet"\n',
                        f'[data.tables.leads]\npath = "leads.parquet"\n[data.tables.leads.values.channel]\n{mapping}\n')


def _symlink_outside(folder: Path) -> None:
    outside = folder.parent / f"{folder.name}_outside.parquet"
    shutil.move(folder / "deals.parquet", outside)
    (folder / "deals.parquet").symlink_to(outside)


def _sub(pattern: str, replacement: str, count: int = 1):
    def change(text: str) -> str:
        changed, made = re.subn(pattern, replacement, text, count=count, flags=re.MULTILINE)
        assert made == count, f"config pattern {pattern!r} not found"
        return changed
    return change


NO_LEAD_DEAL = lambda row: row["lead_id"] is None and row["created_at"] >= dt.datetime(2025, 1, 1)  # noqa: E731
WARNING = "warning"

FAULTS: tuple[Fault, ...] = (
    # --- where the extracts are --------------------------------------------------------
    Fault("no_data_folder", (Expect("data_folder_missing", "*", None, None),), 2,
          "does not exist; set data.folder", folder_name="no_such_folder"),
    Fault("empty_folder", tuple(Expect("file_missing", table, None, None) for table in TABLE_NAMES), 2,
          "no parquet file found; check data.tables.deals.path", mutate=_delete(*TABLE_NAMES)),
    Fault("missing_file", (Expect("file_missing", "touches", None, None),), 2,
          "touches.parquet: no parquet file found", mutate=_delete("touches")),
    Fault("symlink_outside_folder", (Expect("outside_folder", "deals", None, None),), 2,
          "leads outside the data folder", mutate=_symlink_outside),
    # --- files and columns -----------------------------------------------------------------
    Fault("missing_column", (Expect("column_missing", "deals", "status", None),), 2,
          "has no column 'status'", mutate=_drop_column("deals", "status")),
    # The creation date is optional (an undated lead-scoring export), so a renamed one is a warning
    # that names the likely column, not an error that leaves the leads out.
    Fault("renamed_column", (Expect("stage_column_missing", "leads", "created_at", None, "warning"),), 1,
          "(is it 'CreatedDate', renamed?)", mutate=_rename_column("leads", "created_at", "CreatedDate")),
    Fault("mapped_column_not_in_file", (Expect("column_missing", "deals", "amount", None),), 2,
          "data.tables.deals.columns.amount names 'Amount', which is not a column",
          config=lambda text: text.replace('path = "deals.parquet"\n', 'path = "deals.parquet"\n[data.tables.deals.columns]\namount = "Amount"\n')),
    Fault("amount_as_text", (Expect("wrong_type", "deals", "amount", 5),), 2,
          "5 value(s) of column 'amount' (VARCHAR) do not convert to DECIMAL(18,2)", mutate=_amount_as_text),
    Fault("mql_at_as_text", (Expect("wrong_type", "leads", "mql_at", 3),), 2,
          "e.g. 'yesterday'", mutate=_mql_as_text),
    Fault("sessions_as_text", (Expect("wrong_type", "traffic", "sessions", 4683),), 2,
          "The traffic table is left out until this is fixed", mutate=_sessions_as_text),
    Fault("truncated_parquet", (Expect("unreadable", "deals", None, None),), 2,
          "deals.parquet: cannot be read as parquet", mutate=_truncate("deals")),
    Fault("damaged_leads_pages", (Expect("unreadable", "leads", None, None),), 2,
          "leads.parquet: cannot be read to the end", mutate=_damage_data_pages("leads")),
    Fault("damaged_touches_pages", (Expect("unreadable", "touches", None, None),), 2,
          "touches.parquet: cannot be read to the end", mutate=_damage_data_pages("touches")),
    Fault("not_a_parquet_file", (Expect("unreadable", "leads", None, None),), 2,
          "leads.parquet: cannot be read as parquet", mutate=_not_parquet),
    Fault("empty_table", (Expect("empty_table", "touches", None, None),), 2,
          "touches.parquet has no rows", mutate=_empty("touches")),
    Fault("glob_files_missing_a_column",
          (Expect("schema_mismatch", "deals", "amount", "second_rows"),
           Expect("won_amount_missing", "deals", "amount", "second_won", WARNING)), 2,
          "1 of 2 files have no column 'amount' (deals/part-1.parquet)",
          mutate=_split_deals(lambda part: part.drop(["amount"])), config=_deals_glob),
    Fault("glob_files_disagree_on_type", (Expect("schema_mismatch", "deals", "amount", None),), 2,
          "column 'amount' has different types across the files",
          mutate=_split_deals(lambda part: part.set_column(7, "amount", pc.cast(part["amount"], pa.float64()))),
          config=_deals_glob),
    # --- duplicates and missing values -------------------------------------------------------
    Fault("duplicate_leads", (Expect("duplicate_id", "leads", "lead_id", 10),), 2,
          "10 extra row(s) in leads: 10 lead_id value(s) appear more than once", mutate=_append_copies("leads", 10)),
    Fault("rerun_export_in_glob", (Expect("duplicate_id", "deals", "deal_id", "deals"),), 2,
          "appear more than once (a re-run export", mutate=_rerun_export, config=_deals_glob),
    Fault("duplicate_traffic_days", (Expect("duplicate_id", "traffic", "date", 5),), 2,
          "5 extra traffic row(s)", mutate=_append_copies("traffic", 5)),
    Fault("null_lead_ids", (Expect("missing_value", "leads", "lead_id", 3),), 2,
          "3 leads row(s) have no lead_id",
          mutate=edit("leads", "lead_id", 3, lambda row: row["mql_at"] is None, lambda row: None)),
    Fault("null_deal_status", (Expect("missing_value", "deals", "status", 4),), 2,
          "4 deals row(s) have no status", mutate=edit("deals", "status", 4, lambda row: True, lambda row: None)),
    # --- references ------------------------------------------------------------------------
    Fault("deals_of_unknown_leads", (Expect("orphan_lead", "deals", "lead_id", 7, WARNING),), 1,
          "7 deal(s) point at 7 lead(s) that are not in the leads extract",
          mutate=edit("deals", "lead_id", 7, lambda row: row["lead_id"] is not None,
                      lambda row: "GONE-" + row["deal_id"])),
    Fault("touches_of_unknown_leads", (Expect("orphan_lead", "touches", "lead_id", 6, WARNING),), 1,
          "6 touch(es) are on 1 lead(s) that are not in the leads extract",
          mutate=edit("touches", "lead_id", 6, lambda row: True, lambda row: "L-GONE")),
    Fault("touches_by_unknown_rep", (Expect("unknown_rep", "touches", "rep_id", 9, WARNING),), 1,
          "1 rep id(s) in touches.rep_id are not in the reps extract (9 touches record(s))",
          mutate=edit("touches", "rep_id", 9, lambda row: True, lambda row: "R99")),
    Fault("rep_missing_from_reps",
          (Expect("unknown_rep", "leads", "owner_id", "leads", WARNING),
           Expect("unknown_rep", "touches", "rep_id", "touches", WARNING)), 1,
          "are not in the reps extract", mutate=_remove_rep("R01")),
    Fault("deal_owner_missing_from_reps", (Expect("unknown_rep", "deals", "owner_id", "deals", WARNING),), 1,
          "rep id(s) in deals.owner_id are not in the reps extract", mutate=_remove_rep("R16")),
    # --- impossible order ------------------------------------------------------------------
    Fault("sql_before_mql", (Expect("impossible_order", "leads", "sql_at", 5, WARNING),), 1,
          "5 leads record(s) show an SQL before the MQL",
          mutate=edit("leads", "sql_at", 5, lambda row: row["sql_at"] is not None,
                      lambda row: row["mql_at"] - dt.timedelta(hours=1))),
    Fault("mql_before_created", (Expect("impossible_order", "leads", "mql_at", 4, WARNING),), 1,
          "4 leads record(s) show an MQL before the lead was created",
          mutate=edit("leads", "mql_at", 4, lambda row: row["mql_at"] is not None and row["sql_at"] is None,
                      lambda row: row["created_at"] - dt.timedelta(days=2))),
    Fault("proposal_before_deal", (Expect("impossible_order", "deals", "proposal_at", 3, WARNING),), 1,
          "3 deals record(s) show a proposal before the deal was opened",
          mutate=edit("deals", "proposal_at", 3, lambda row: row["proposal_at"] is not None,
                      lambda row: row["created_at"] - dt.timedelta(days=1))),
    Fault("closed_before_created", (Expect("impossible_order", "deals", "closed_at", 3, WARNING),), 1,
          "3 deals record(s) show a deal closed before it was opened",
          mutate=edit("deals", "closed_at", 3, lambda row: row["closed_at"] is not None,
                      lambda row: row["created_at"] - dt.timedelta(days=1))),
    Fault("deal_before_its_lead", (Expect("impossible_order", "deals", "created_at", 2, WARNING),), 1,
          "2 deals record(s) show a deal opened before its lead was created", mutate=_deal_before_lead),
    Fault("touch_before_lead", (Expect("impossible_order", "touches", "touched_at", 4, WARNING),), 1,
          "4 touches record(s) show a touch before the lead existed", mutate=_touch_before_lead),
    # --- dates ---------------------------------------------------------------------------------
    Fault("year_typo_2062", (Expect("future_date", "leads", "created_at", 1),), 2,
          "set data.as_of = 2026-10-31",
          mutate=edit("leads", "created_at", 1, lambda row: row["mql_at"] is None,
                      lambda row: row["created_at"].replace(year=2062))),
    Fault("records_after_configured_as_of",
          tuple(Expect("future_date", table, column, f"{table}.{column}", WARNING)
                for table, columns in DATE_COLUMNS.items() for column in columns), 1,
          "are after the as-of date 2026-09-30 set by data.as_of",
          mutate=_count_after_as_of, config=lambda text: text.replace('folder = ', "as_of = 2026-09-30\nfolder = ", 1)),
    Fault("placeholder_1900_dates", (Expect("date_before_data", "deals", "created_at", 2, WARNING),), 1,
          "placeholder dates?",
          mutate=edit("deals", "created_at", 2, NO_LEAD_DEAL, lambda row: dt.datetime(1900, 1, 1))),
    Fault("touches_lag_a_month", (Expect("stale_table", "touches", "touched_at", None, WARNING),), 1,
          "touches ends 30 Sep 2026, 31 days before the as-of date 31 Oct 2026",
          mutate=_keep_touches_before(dt.datetime(2026, 10, 1))),
    # --- amounts and values ---------------------------------------------------------------------
    Fault("negative_won_amounts", (Expect("won_amount_negative", "deals", "amount", 2),), 2,
          "2 won deal(s) have a negative amount",
          mutate=edit("deals", "amount", 2, lambda row: row["status"] == "won", lambda row: -row["amount"])),
    Fault("won_deals_without_amount", (Expect("won_amount_missing", "deals", "amount", 3, WARNING),), 1,
          "3 won deal(s) have no amount",
          mutate=edit("deals", "amount", 3, lambda row: row["status"] == "won", lambda row: None)),
    Fault("stage_renamed_by_crm", (Expect("unknown_status", "deals", "status", "won"),), 2,
          'won = ["closed won"]', mutate=_status_renamed),
    Fault("stage_renamed_and_mapped", (), 0, "checks passed", mutate=_status_renamed,
          config=lambda text: text.replace('path = "deals.parquet"\n', 'path = "deals.parquet"\n'
                                           '[data.tables.deals.values.status]\nwon = ["Closed Won"]\n')),
    Fault("channel_spelt_differently", (Expect("channel_mismatch", "leads", "channel", 8, WARNING),), 1,
          "8 lead(s) come from channel(s) with no traffic rows: 'Paid Search'",
          mutate=edit("leads", "channel", 8, lambda row: row["channel"] == "paid_search", lambda row: "Paid Search")),
    Fault("channel_missing_from_mapping", (Expect("unmapped_value", "leads", "channel", "partner", WARNING),), 1,
          "does not map: 'partner'", mutate=_count_partner_leads, config=_map_channels_but_partner),
    Fault("team_without_reps", (Expect("team_without_reps", "reps", "team", None, WARNING),), 1,
          "Sales team 'Sales North' of the SLA config has no reps",
          config=lambda text: text + '\n[[teams]]\nname = "Sales North"\nfunction = "sales"\n'),
    Fault("rep_in_no_team", (Expect("rep_without_team", "reps", "team", 1, WARNING),), 1,
          "1 rep(s) are in no team of the SLA config: team 'Sales North' (1 rep)",
          mutate=edit("reps", "team", 1, lambda row: row["rep_id"] == "R16", lambda row: "Sales North")),
    # --- the SLA config --------------------------------------------------------------------------
    Fault("config_syntax_error", (Expect("config", "config", None, None),), 2, "(at line 5, column",
          config=_sub(r"^\[company\]$", "[company"), banner=False),
    Fault("config_missing_quota", (Expect("config", "config", "sla[1] (FY2025).quota", None),), 2,
          "sla[1] (FY2025).quota: is missing", config=_sub(r"^quota = 19_500_000\n", ""), banner=False),
    Fault("config_quota_not_positive", (Expect("config", "config", "sla[2] (FY2026 H1).quota", None),), 2,
          "must be greater than 0 (got 0)", config=_sub(r"^quota = 12_500_000$", "quota = 0"), banner=False),
    Fault("config_overlapping_periods", (Expect("config", "config", "sla", None),), 2,
          "periods overlap: 'FY2025' ends 2025-12-31 but 'FY2026 H1' starts 2025-12-01",
          config=_sub(r"^start = 2026-01-01$", "start = 2025-12-01"), banner=False),
    Fault("config_threshold_out_of_range",
          (Expect("config", "config", "sla[3] (FY2026 H2).lead_definition.mql_threshold", None),), 2,
          "must be between 1 and the highest reachable score", config=_sub(r"^mql_threshold = 60$", "mql_threshold = 500"),
          banner=False),
    Fault("config_rate_out_of_range", (Expect("config", "config", "sla[1] (FY2025).targets.win_rate", None),), 2,
          "is a rate and must be in (0, 1]", config=_sub(r"^win_rate = 0.18$", "win_rate = 18"), banner=False),
    Fault("config_unknown_team", (Expect("config", "config", "data.tables.reps.values.team", None),), 2,
          "'Sales Nord' is not a team of the config",
          config=lambda text: text.replace('path = "reps.parquet"\n', 'path = "reps.parquet"\n'
                                           '[data.tables.reps.values.team]\n"Sales Nord" = ["Sales Central"]\n'),
          banner=False),
    Fault("config_path_outside_folder", (Expect("config", "config", "data.tables.deals.path", None),), 2,
          "must be relative to data.folder and stay inside it, got '../deals.parquet'",
          config=lambda text: text.replace('path = "deals.parquet"', 'path = "../deals.parquet"'), banner=False),
    Fault("config_absolute_path", (Expect("config", "config", "data.tables.leads.path", None),), 2,
          "must be relative to data.folder and stay inside it, got '/etc/passwd'",
          config=lambda text: text.replace('path = "leads.parquet"', 'path = "/etc/passwd"'), banner=False),
)


@dataclass
class BuiltFault:
    fault: Fault
    folder: Path
    config_path: Path
    counts: dict = field(default_factory=dict)

    def expected_count(self, expect: Expect) -> int | None:
        return self.counts[expect.count] if isinstance(expect.count, str) else expect.count


def sample_config_text(folder: Path) -> str:
    """The repository's SLA config with its data folder pointed at `folder`."""
    text = (REPO / "sla_config.toml").read_text(encoding="utf-8")
    changed, made = re.subn(r'^folder = "data/sample".*$', f'folder = "{folder.as_posix()}"', text, flags=re.MULTILINE)
    assert made == 1, "sla_config.toml no longer has folder = \"data/sample\""
    return changed


def build(fault: Fault, sample: Path, root: Path) -> BuiltFault:
    folder = root / fault.name
    shutil.copytree(sample, folder)
    counts = fault.mutate(folder) or {}
    data_folder = root / fault.folder_name if fault.folder_name else folder
    config_path = root / f"{fault.name}.toml"
    config_path.write_text(fault.config(sample_config_text(data_folder)), encoding="utf-8")
    return BuiltFault(fault, folder, config_path, counts)
