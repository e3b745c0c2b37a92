"""The `[data]` mapping read into contract views: each extract's columns renamed, converted to the
contract's types, value-mapped and given constants with DuckDB's expression API, so that no SQL text
is assembled from config or data values. A table or column the extract lacks becomes a typed NULL
column and is recorded in the catalog as not tracked, so queries stay uniform and pages can say
"not tracked" instead of showing zero."""

from __future__ import annotations

import dataclasses
import difflib
from pathlib import Path

import duckdb
from duckdb import CaseExpression, ColumnExpression, ConstantExpression, FunctionExpression

from dashboard.core.config import Config, TableSource
from dashboard.core.contract import LEAD_ATTRIBUTE_SLOTS, STAGES, TABLES, TIMESTAMP, Table, view_columns
from dashboard.data.catalog import Catalog
from dashboard.data.files import duckdb_path, files_for
from dashboard.data.problems import DataError, Problem, first_line


class ContractViews:
    """Builds and replaces the contract views of one connection from the config's mapping."""

    def __init__(self, connection: duckdb.DuckDBPyConnection, config: Config):
        self._connection = connection
        self.config = config
        self.folder = config.data.folder

    def build(self) -> Catalog:
        """A view per contract table (empty where the extract lacks it), and what they track."""
        catalog = Catalog(stages_not_tracked=self.config.data.stages_not_tracked)
        if not self.folder.is_dir():
            catalog.problems.append(Problem(
                "*", f"data folder {self.folder} does not exist; set data.folder in {self.config.path.name} "
                     "or run `python -m dashboard generate --out data/sample`",
                check="data_folder_missing",
            ))
        outcome_source = outcome_deals_source(self.config)
        for name, table in TABLES.items():
            source = self.config.data.tables.get(name)
            if name == "deals" and source is None and outcome_source is not None and "leads" in catalog.tracked_tables:
                source = outcome_source
            relation = None
            if source is not None and self.folder.is_dir():
                try:
                    if source is outcome_source:
                        relation, columns, column_problems = self._outcome_deals(source)
                        catalog.outcome_on_leads = True
                    else:
                        relation, columns, column_problems = self._mapped_relation(table, source)
                    catalog.tracked_tables.add(name)
                    catalog.tracked_columns[name] = columns
                    catalog.constant_columns[name] = set(source.constants) | ({"status"} if source is outcome_source else set())
                    catalog.problems.extend(column_problems)
                except DataError as error:
                    catalog.problems.extend(error.problems or [Problem(name, str(error), check=error.check)])
                    relation = None
            if relation is None:
                relation = self.empty(table)
            self.publish(name, relation)
        return catalog

    def leave_out(self, catalog: Catalog, problems: list[Problem]) -> None:
        """Replace the views of `problems`' tables by empty ones: they read as not tracked."""
        catalog.leave_out(problems)
        for problem in problems:
            self.publish(problem.table, self.empty(TABLES[problem.table]))

    def publish(self, name: str, relation: duckdb.DuckDBPyRelation) -> None:
        relation.to_view(name, replace=True)

    def shown(self, source: TableSource) -> str:
        """How messages name an extract: its catalog table, or its path under the data folder."""
        return source.table if source.table else f"{self.folder.name}/{source.path}"

    def empty(self, table: Table) -> duckdb.DuckDBPyRelation:
        base = self._connection.sql("SELECT 1 AS placeholder")
        columns = [ConstantExpression(None).cast(duckdb.sqltype(c.sql_type)).alias(c.name) for c in view_columns(table)]
        return base.select(*columns).filter(ConstantExpression(False))

    def over_files(self, name: str, files: list[Path]) -> duckdb.DuckDBPyRelation:
        """The contract table `name` over only `files` of its extract; raises DataError when
        they cannot be mapped as the whole extract is."""
        source = self.config.data.tables.get(name)
        if name == "deals" and source is None and files and (outcome := outcome_deals_source(self.config)) is not None:
            relation, _, _ = self._outcome_deals(outcome, files)
            return relation
        if source is None or not files:
            return self.empty(TABLES[name])
        relation, _, _ = self._mapped_relation(TABLES[name], source, files)
        return relation

    def _files(self, source: TableSource, only: list[Path] | None = None) -> list[Path]:
        """The extract's files (or `only` these), all inside the data folder; DataError naming the key otherwise."""
        key = f"data.tables.{source.name}.path"
        files = files_for(self.folder, source) if only is None else only
        shown = self.shown(source)
        if not files:
            raise DataError(f"{shown}: no {source.format} file found; check {key} in {self.config.path.name}",
                            check="file_missing")
        outside = [path for path in files if not path.resolve().is_relative_to(self.folder.resolve())]
        if outside:
            raise DataError(
                f"{shown}: {outside[0].name} leads outside the data folder {self.folder} (a link?); "
                f"copy the file into the folder or change {key}", check="outside_folder",
            )
        return files

    def _read(self, source: TableSource, only: list[Path] | None = None) -> duckdb.DuckDBPyRelation:
        key = f"data.tables.{source.name}.path"
        files = self._files(source, only)
        shown = self.shown(source)
        target = self.folder / source.path
        paths = [duckdb_path(path) for path in files]
        try:
            if source.format == "csv":
                options = {"header": True, "all_varchar": True, "quotechar": '"', "escapechar": '"'}
                if source.delimiter:
                    options["sep"] = source.delimiter
                return self._connection.read_csv(paths, **options)
            return self._connection.read_parquet(paths, hive_partitioning=target.is_dir(), union_by_name=True)
        except duckdb.Error as error:
            raise DataError(f"{shown}: cannot be read as {source.format} ({first_line(error)}); check {key}") from None

    def _outcome_deals(self, source: TableSource, only: list[Path] | None = None
                       ) -> tuple[duckdb.DuckDBPyRelation, set[str], list[Problem]]:
        """The deals of a lead-scoring export: one won deal per converted lead, read from the leads
        extract as `outcome_deals_source` maps it. Leads that did not convert have no deal; a
        converted value that is neither yes nor no is reported rather than read as either."""
        relation, tracked, problems = self._mapped_relation(TABLES["deals"], source, only, stage_warnings=False)
        status = ColumnExpression("status")
        outcome = self.config.data.lead_outcome
        if outcome.converted:
            unknown = CaseExpression(status.isnotnull() & ~status.isin(*map(ConstantExpression, ("won", "lost"))),
                                     ConstantExpression(1))
            (count,) = self._counts(relation, [unknown])
            if count:
                examples = tuple(str(v) for (v,) in relation.filter(unknown.isnotnull()).select(status)
                                 .distinct().order("1").limit(3).fetchall())
                problems.append(Problem("leads", (
                    f"{self.shown(source)}: {count:,} value(s) of column {outcome.converted!r} are neither yes nor no "
                    f"(e.g. {', '.join(map(repr, examples))}), so those leads count as not converted; "
                    f"data.tables.leads.outcome.converted reads 1/0, true/false, yes/no"
                ), severity="warning", check="wrong_type", column="converted", count=count, examples=examples))
            won = status == ConstantExpression("won")
        else:
            won = ColumnExpression("closed_at").isnotnull()
        return relation.filter(won), tracked - {"owner_id"}, problems

    def _mapped_relation(
        self, table: Table, source: TableSource, only: list[Path] | None = None, stage_warnings: bool = True
    ) -> tuple[duckdb.DuckDBPyRelation, set[str], list[Problem]]:
        """The extract (or `only` these of its files) as the contract table; also returns the
        problems of optional columns, which are left out (not tracked) rather than failing the whole table."""
        raw = self._read(source, only)
        source_types = self._source_types(raw)
        available = set(source_types)
        shown = self.shown(source)
        formats, format_problems = self._timestamp_formats(raw, table, source, source_types, shown)
        converted, from_file, missing, warnings = {}, {}, [], []
        for column in table.columns:
            source_column = source.columns.get(column.name, column.name)
            if column.name in source.constants:
                converted[column.name] = self._constant(source.constants[column.name], column.sql_type)
            elif source_column in available:
                converted[column.name] = self._converted(
                    self._column(source_column), column.sql_type, source, column.name, source_types[source_column],
                    formats=formats.get(column.name, ()))
                from_file[column.name] = source_column
            else:
                if column.name in source.columns:
                    missing.append(Problem(table.name, (
                        f"data.tables.{table.name}.columns.{column.name} names {source_column!r}, "
                        f"which is not a column of {shown} (it has: {', '.join(sorted(available))})"
                    ), check="column_missing", column=column.name))
                elif stage_warnings and (table.name, column.name) == ("leads", "created_at"):
                    # Undated leads are a shape of their own (a lead-scoring export), but a creation date
                    # that was renamed or dropped must not go unnoticed either.
                    hint = closest_column(column.name, available - set(table.column_names))
                    warnings.append(Problem(table.name, (
                        f"{shown} has no column 'created_at'" + (f" (is it {hint!r}, renamed?)" if hint else "")
                        + ", so the leads are undated: pages that need dates say so, and the funnel (all time) and "
                          "the scoring lab read every lead. Map yours with [data.tables.leads.columns] created_at = "
                          f"\"<your column>\", or accept this finding in {self.config.path.name} "
                          "([[data.accepted_findings]] check = \"stage_column_missing\", table = \"leads\", "
                          "column = \"created_at\") if the export has no dates"
                    ), severity="warning", check="stage_column_missing", column=column.name))
                elif stage_warnings and not column.required and STAGE_COLUMNS.get((table.name, column.name)) not in (
                        None, *self.config.data.stages_not_tracked):
                    # Not an error (the stage is shown as not tracked), but an export that lost a
                    # column must not go unnoticed: say so unless the config states the stage is absent.
                    stage = STAGE_COLUMNS[table.name, column.name]
                    hint = closest_column(column.name, available - set(table.column_names))
                    warnings.append(Problem(table.name, (
                        f"{shown} has no column {column.name!r}"
                        + (f" (is it {hint!r}, renamed?)" if hint else "")
                        + f", so the {stage} stage is not tracked; map yours with [data.tables.{table.name}.columns] "
                          f"{column.name} = \"<your column>\", or add \"{stage}\" to data.stages_not_tracked in "
                          f"{self.config.path.name} if the export has no such stage"
                    ), severity="warning", check="stage_column_missing", column=column.name))
                elif column.required and not (source.grain == "event" and column.name in EVENT_MEASURES):
                    hint = closest_column(column.name, available)
                    missing.append(Problem(table.name, (
                        f"{shown} has no column {column.name!r}"
                        + (f" (is it {hint!r}, renamed?)" if hint else "")
                        + f"; map yours with [data.tables.{table.name}.columns] {column.name} = \"<your column>\""
                    ), check="column_missing", column=column.name))
                converted[column.name] = self._constant(None, column.sql_type)
        if missing:
            raise DataError("; ".join(p.message for p in missing), check="column_missing", problems=tuple(missing))
        problems = self._unconvertible(raw, table, source, from_file, source_types, shown, formats)
        if any(table.column(problem.column).required for problem in problems):
            raise DataError("; ".join(p.message for p in problems), check="wrong_type", problems=tuple(problems))
        for problem in problems:
            converted[problem.column] = self._constant(None, table.column(problem.column).sql_type)
        tracked = (set(from_file) | set(source.constants)) - {problem.column for problem in problems}
        problems = problems + format_problems + self._mixed_time_zones(raw, table, from_file, source_types, shown, formats)
        if table.name == "leads":
            slots, declared, attribute_problems = self._declared_attributes(raw, source, source_types, shown)
            converted.update(slots)
            tracked |= declared
            problems = problems + attribute_problems
        try:
            relation = self._select(raw, [converted[column.name].alias(column.name) for column in view_columns(table)])
            if source.grain == "event":
                relation = self._counted_events(relation, table, "sessions" in tracked)
                tracked |= set(EVENT_MEASURES)
        except self.errors as error:
            raise DataError(
                f"{shown}: cannot be mapped to the {table.name} contract ({first_line(error)}); "
                f"check [data.tables.{table.name}] in {self.config.path.name}"
            ) from None
        return relation, tracked, problems + warnings

    def _declared_attributes(self, raw: duckdb.DuckDBPyRelation, source: TableSource, source_types: dict[str, str],
                             shown: str) -> tuple[dict, set[str], list[Problem]]:
        """The declared scoring attributes ([data.tables.leads.attributes]) in their slot columns,
        the names of those the extract has, and what is wrong with the others: a column that is not
        in the file, or values that are not of the declared type. An attribute with a problem is
        left NULL (not tracked); the leads table itself is kept."""
        slots = {column.name: self._constant(None, column.sql_type) for column in LEAD_ATTRIBUTE_SLOTS}
        declared = source.attributes
        if not declared:
            return slots, set(), []
        problems, readable = [], []
        for attribute in declared:
            key = f"data.tables.leads.attributes.{attribute.name}"
            if attribute.column not in source_types:
                hint = closest_column(attribute.column, set(source_types))
                problems.append(Problem("leads", (
                    f"{key} names {attribute.column!r}, which is not a column of {shown}"
                    + (f" (is it {hint!r}?)" if hint else f" (it has: {', '.join(sorted(source_types))})")
                    + "; the attribute is not tracked until the name is fixed"
                ), check="column_missing", column=attribute.name))
                continue
            readable.append((attribute, *self._attribute_value(attribute, source_types[attribute.column])))
        counts = self._counts(raw, [e for _, value, lenient in readable for e in (value, lenient)]) if readable else ()
        tracked = set()
        for index, (attribute, value, lenient) in enumerate(readable):
            present, converted = counts[2 * index], counts[2 * index + 1]
            if converted < present:
                examples = tuple(str(v)[:60] for v in self._unconverted_examples(raw, value, lenient))
                wanted = {"number": "numbers", "flag": "1/0, true/false or yes/no"}[attribute.type]
                problems.append(Problem("leads", (
                    f"{shown}: {present - converted:,} value(s) of column {attribute.column!r} are not "
                    f"{wanted}, e.g. {', '.join(map(repr, examples))}; data.tables.leads.attributes."
                    f"{attribute.name} declares it a {attribute.type}. Declare it a category, or fix the extract; "
                    "the attribute is not tracked until then"
                ), severity="warning", check="wrong_type", column=attribute.name, count=present - converted,
                    examples=examples))
                continue
            slots[attribute.slot] = lenient
            tracked.add(attribute.name)
        return slots, tracked, problems

    def _attribute_value(self, attribute, source_type: str) -> tuple:
        """The extract's column as text (to count its values) and as the declared type, NULL where
        a value is not of that type."""
        column = self._column(attribute.column)
        text = FunctionExpression("nullif", FunctionExpression("trim", column.cast(duckdb.sqltype("VARCHAR"))),
                                  ConstantExpression(""))
        if attribute.type == "category":
            return text, text
        if attribute.type == "number":
            number = column.try_cast(duckdb.sqltype("DOUBLE")) if source_type != "VARCHAR" else text.try_cast(
                duckdb.sqltype("DOUBLE"))
            return text, number
        lowered = FunctionExpression("lower", text)
        flag = CaseExpression(lowered.isin(*map(ConstantExpression, CONVERTED_VALUES["won"])), ConstantExpression(True)) \
            .when(lowered.isin(*map(ConstantExpression, CONVERTED_VALUES["lost"])), ConstantExpression(False)) \
            .otherwise(self._constant(None, "BOOLEAN"))
        return text, flag

    # The engine's primitives: the mapping above is the same on every engine (spark_views.py).
    errors: tuple[type[Exception], ...] = (duckdb.Error,)

    def _source_types(self, raw: duckdb.DuckDBPyRelation) -> dict[str, str]:
        """The extract's columns and their types, as DuckDB names them."""
        return {name: str(kind) for name, kind in zip(raw.columns, raw.types)}

    def _column(self, name: str):
        return ColumnExpression(name)

    def _constant(self, value, sql_type: str):
        return ConstantExpression(value).cast(duckdb.sqltype(sql_type))

    def _select(self, raw: duckdb.DuckDBPyRelation, columns: list) -> duckdb.DuckDBPyRelation:
        return raw.select(*columns)

    def _counted_events(self, relation: duckdb.DuckDBPyRelation, table: Table, measure_mapped: bool):
        return _counted_events(relation, table, measure_mapped)

    def _counts(self, raw: duckdb.DuckDBPyRelation, expressions: list) -> tuple:
        """The non-NULL count of each expression, in one scan."""
        # count every column, not count(*): DuckDB would otherwise skip the conversions
        return raw.aggregate([FunctionExpression("count", expression) for expression in expressions]).fetchall()[0]

    def _unconverted_examples(self, raw: duckdb.DuckDBPyRelation, value, lenient) -> list:
        """Up to three distinct values present in the extract that do not convert."""
        return [found for (found,) in
                raw.filter(value.isnotnull() & lenient.isnull()).select(value.cast(duckdb.sqltype("VARCHAR")))
                .distinct().order("1").limit(3).fetchall()]

    def _converted(self, expression, sql_type: str, source: TableSource, column: str, source_type: str = "VARCHAR",
                   lenient: bool = False, formats: tuple[str, ...] = ()):
        """The extract's column as the contract type; `lenient` gives NULL where a value does
        not convert (used to count such values) instead of an error. Text times go through
        TIMESTAMP WITH TIME ZONE, so a UTC offset (`06:22:26+02:00`) is converted to UTC (the
        connection's time zone) rather than dropped; a time without one is read as UTC."""
        mapping = source.values.get(column)
        if mapping:
            trimmed = FunctionExpression("trim", expression.cast(duckdb.sqltype("VARCHAR")))
            if column == "status":  # statuses match ignoring case, as unmapped ones are lower-cased
                trimmed = FunctionExpression("lower", trimmed)
                mapping = {target: tuple(s.strip().lower() for s in sources) for target, sources in mapping.items()}
            case = None
            for target, sources in mapping.items():
                condition = trimmed.isin(*(ConstantExpression(s) for s in sources))
                case = CaseExpression(condition, ConstantExpression(target)) if case is None else case.when(condition, ConstantExpression(target))
            return case.otherwise(trimmed)
        if column == "status":
            return FunctionExpression("lower", FunctionExpression("trim", expression.cast(duckdb.sqltype("VARCHAR"))))
        if sql_type == TIMESTAMP and formats and source_type == "VARCHAR":
            parse = "try_strptime" if lenient else "strptime"
            return FunctionExpression(parse, expression.cast(duckdb.sqltype("VARCHAR")),
                                      ConstantExpression(list(formats))).cast(duckdb.sqltype(TIMESTAMP))
        if sql_type == TIMESTAMP and source_type == "VARCHAR":
            zoned = expression.try_cast(duckdb.sqltype(ZONED)) if lenient else expression.cast(duckdb.sqltype(ZONED))
            return zoned.cast(duckdb.sqltype(TIMESTAMP))
        if lenient:
            return expression.try_cast(duckdb.sqltype(sql_type))
        return expression.cast(duckdb.sqltype(sql_type))

    def _timestamp_formats(self, raw: duckdb.DuckDBPyRelation, table: Table, source: TableSource,
                           source_types: dict[str, str], shown: str) -> tuple[dict[str, tuple[str, ...]], list[Problem]]:
        """The strptime formats each text time column is read with. Where one of the configured
        formats parses every value of a column, that one alone is used; values that more than one
        format parses to different times (03/04/2025 with %d/%m/%Y and %m/%d/%Y) are counted and
        reported, and read with the first format that parses them."""
        configured = tuple(source.timestamp_formats)
        columns = [
            (column.name, source.columns.get(column.name, column.name)) for column in table.columns
            if column.sql_type == TIMESTAMP and column.name not in source.constants
            and source_types.get(source.columns.get(column.name, column.name)) == "VARCHAR"
        ]
        if not configured or not columns:
            return {}, []
        if len(configured) == 1:
            return {name: configured for name, _ in columns}, []
        aggregates = []
        for _, source_column in columns:
            value = ColumnExpression(source_column).cast(duckdb.sqltype("VARCHAR"))
            parsed = [FunctionExpression("try_strptime", value, ConstantExpression(fmt)) for fmt in configured]
            aggregates += [FunctionExpression("count", value), *(FunctionExpression("count", p) for p in parsed),
                           FunctionExpression("count", CaseExpression(_any_differ(parsed), ConstantExpression(1)))]
        try:
            row = raw.aggregate(aggregates).fetchall()[0]
        except duckdb.Error as error:
            raise DataError(f"{shown}: cannot be read ({first_line(error)}); check data.tables.{table.name}.path") from None
        chosen, problems, width = {}, [], len(configured) + 2
        for index, (name, source_column) in enumerate(columns):
            present, *parsed_counts, ambiguous = row[index * width:(index + 1) * width]
            complete = [fmt for fmt, parsed in zip(configured, parsed_counts) if parsed == present]
            chosen[name] = (complete[0],) if complete else configured
            if ambiguous and len(complete) != 1:
                value = ColumnExpression(source_column).cast(duckdb.sqltype("VARCHAR"))
                parsed = [FunctionExpression("try_strptime", value, ConstantExpression(fmt)) for fmt in configured]
                examples = tuple(str(found) for (found,) in raw.filter(_any_differ(parsed)).select(value)
                                 .distinct().order("1").limit(3).fetchall())
                problems.append(ambiguous_dates_problem(table, source, shown, source_column, name, ambiguous, examples,
                                                        complete))
        return chosen, problems

    def _mixed_time_zones(self, raw: duckdb.DuckDBPyRelation, table: Table, from_file: dict[str, str],
                          source_types: dict[str, str], shown: str, formats: dict[str, tuple[str, ...]]) -> list[Problem]:
        """Text time columns where some values carry a UTC offset and others do not: the ones
        with an offset are converted to UTC, the others can only be taken as UTC already."""
        columns = [(name, source_column) for name, source_column in from_file.items()
                   if table.column(name).sql_type == TIMESTAMP and source_types[source_column] == "VARCHAR"]
        if not columns:
            return []
        aggregates = []
        for _, source_column in columns:
            value = ColumnExpression(source_column).cast(duckdb.sqltype("VARCHAR"))
            zoned = FunctionExpression("regexp_matches", FunctionExpression("trim", value), ConstantExpression(UTC_OFFSET))
            aggregates += [FunctionExpression("count", value), FunctionExpression("count", CaseExpression(zoned, ConstantExpression(1)))]
        try:
            row = raw.aggregate(aggregates).fetchall()[0]
        except duckdb.Error:
            return []  # an unreadable file is reported by the conversion check
        return [mixed_time_zones_problem(table, shown, source_column, name, row[2 * index], row[2 * index + 1])
                for index, (name, source_column) in enumerate(columns)
                if 0 < row[2 * index + 1] < row[2 * index]]

    def _unconvertible(self, raw: duckdb.DuckDBPyRelation, table: Table, source: TableSource,
                       from_file: dict[str, str], source_types: dict[str, str], shown: str,
                       formats: dict[str, tuple[str, ...]] | None = None) -> list[Problem]:
        """Columns whose values do not all convert to the contract type. Conversion is lazy, so
        it is tried once here (only where the file's type differs) and a bad value is reported
        naming the file and column, rather than as an error in the middle of a page."""
        suspects = [
            (table.column(name), source_column) for name, source_column in from_file.items()
            if needs_conversion_check(table.column(name), source, source_types[source_column])
        ]
        if not suspects:
            return []
        counts = []
        for column, source_column in suspects:
            value = self._column(source_column)
            lenient = self._converted(value, column.sql_type, source, column.name, source_types[source_column], lenient=True,
                                      formats=(formats or {}).get(column.name, ()))
            counts += [value, lenient]
        try:
            row = self._counts(raw, counts)
        except self.errors as error:
            raise DataError(f"{shown}: cannot be read ({first_line(error)}); check data.tables.{table.name}.path") from None
        problems = []
        for index, (column, source_column) in enumerate(suspects):
            present, converted = row[2 * index], row[2 * index + 1]
            if converted == present:
                continue
            value = self._column(source_column)
            lenient = self._converted(value, column.sql_type, source, column.name, source_types[source_column], lenient=True,
                                      formats=(formats or {}).get(column.name, ()))
            examples = tuple(str(found)[:60] for found in self._unconverted_examples(raw, value, lenient))
            if column.sql_type == TIMESTAMP:
                fix = (f"set data.tables.{table.name}.timestamp_formats to the format your file uses"
                       if source_types[source_column] == "VARCHAR" else "export it as a timestamp")
            else:
                fix = f"export it as {column.sql_type}"
            consequence = (f"The {table.name} table is left out until this is fixed" if column.required
                           else f"Column {table.name}.{column.name} is treated as not tracked until this is fixed")
            problems.append(Problem(
                table.name,
                f"{shown}: {present - converted:,} value(s) of column {source_column!r} ({source_types[source_column]}) "
                f"do not convert to {column.sql_type} for {table.name}.{column.name}, e.g. "
                f"{', '.join(repr(example) for example in examples)}; fix the extract or {fix}. {consequence}.",
                check="wrong_type", column=column.name, count=present - converted, examples=examples,
            ))
        return problems



# Source types that convert to the contract type without any value failing.
_SAFE_CONVERSIONS = {
    "TIMESTAMP": {"TIMESTAMP", "DATE", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS", "TIMESTAMP WITH TIME ZONE"},
    "DATE": {"DATE", "TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS", "TIMESTAMP WITH TIME ZONE"},
    "BIGINT": {"BIGINT", "INTEGER", "SMALLINT", "TINYINT", "UINTEGER", "USMALLINT", "UTINYINT"},
    "INTEGER": {"INTEGER", "SMALLINT", "TINYINT", "USMALLINT", "UTINYINT"},
    "DECIMAL(18,2)": {"DECIMAL(18,2)", "INTEGER", "SMALLINT", "TINYINT", "USMALLINT", "UTINYINT"},
    "BOOLEAN": {"BOOLEAN"},
}


# At event grain (one row per visit or click) the measure is counted per contract row: the
# number of events, or the sum of the column mapped to it.
EVENT_MEASURES = ("sessions",)
# The optional columns whose absence leaves a funnel stage untracked. Not the opportunity stage's
# deals.created_at: without it the funnel has no opportunity stage, which is no stage lost. Not
# leads.created_at either: undated leads are a shape of their own (views warn about it apart).
STAGE_COLUMNS = {(table, column): stage for stage, table, column in STAGES
                 if stage not in ("won", "opportunity", "lead")} | {
    ("deals", "closed_at"): "won"}
# How a lead-level outcome column (`converted`) says yes and no, compared lower-cased and trimmed.
CONVERTED_VALUES = {"won": ("1", "1.0", "true", "t", "yes", "y"), "lost": ("0", "0.0", "false", "f", "no", "n")}


def outcome_deals_source(config: Config) -> TableSource | None:
    """The deals of a lead-scoring export as a mapping of the leads extract: deal_id and lead_id
    are the lead's id, status comes from `converted` (or is won wherever `won_at` is set),
    closed_at from `won_at`, amount from `amount`. None without [data.tables.leads.outcome]."""
    leads = config.data.tables.get("leads")
    if leads is None or leads.outcome is None:
        return None
    outcome = leads.outcome
    lead_id = leads.columns.get("lead_id", "lead_id")
    columns = {"deal_id": lead_id, "lead_id": lead_id}
    if outcome.won_at:
        columns["closed_at"] = outcome.won_at
    if outcome.amount:
        columns["amount"] = outcome.amount
    if outcome.converted:
        columns["status"] = outcome.converted
        values, constants = {"status": dict(CONVERTED_VALUES)}, {}
    else:
        values, constants = {}, {"status": "won"}
    return dataclasses.replace(leads, name="deals", columns=columns, values=values, constants=constants, outcome=None,
                               attributes=())


def _counted_events(relation: duckdb.DuckDBPyRelation, table: Table, measure_mapped: bool) -> duckdb.DuckDBPyRelation:
    keys = [column.name for column in table.columns if column.name not in EVENT_MEASURES]
    measure = (FunctionExpression("sum", ColumnExpression("sessions")) if measure_mapped
               else FunctionExpression("count_star"))
    return relation.aggregate(
        [*map(ColumnExpression, keys), measure.cast(duckdb.sqltype("BIGINT")).alias("sessions")], ", ".join(keys))


def needs_conversion_check(column, source: TableSource, source_type: str) -> bool:
    if column.sql_type == "VARCHAR" or column.name in source.values or column.name == "status":
        return False
    return source_type not in _SAFE_CONVERSIONS.get(column.sql_type, {column.sql_type})


# A time of day followed by a UTC offset or Z: 2025-01-01T06:22:26+02:00, 06:22Z, 06:22:26.5 -0530.
UTC_OFFSET = r"\d:\d{2}(:\d{2}(\.\d+)?)?\s*([zZ]|UTC|[+-]\d{2}(:?\d{2})?)$"
ZONED = "TIMESTAMP WITH TIME ZONE"


def ambiguous_dates_problem(table: Table, source: TableSource, shown: str, source_column: str, column: str,
                            ambiguous: int, examples: tuple[str, ...], complete: list[str]) -> Problem:
    configured = tuple(source.timestamp_formats)
    reading = (f"read as {complete[0]}, the first format listed" if complete
               else "each read with the first format listed that parses it")
    return Problem(
        table.name,
        f"{shown}: {ambiguous:,} value(s) of column {source_column!r} parse under more than one of "
        f"data.tables.{table.name}.timestamp_formats ({', '.join(configured)}) to different dates, e.g. "
        f"{', '.join(repr(example) for example in examples)}; they are {reading}. Keep only the format "
        "your file uses.",
        severity="warning", check="ambiguous_dates", column=column, count=ambiguous, examples=examples,
    )


def mixed_time_zones_problem(table: Table, shown: str, source_column: str, column: str, present: int,
                             zoned: int) -> Problem:
    return Problem(
        table.name,
        f"{shown}: column {source_column!r} mixes times with a UTC offset ({zoned:,}, converted to UTC) "
        f"and times without one ({present - zoned:,}, taken as UTC); export every time with its offset, "
        "or every time in UTC.",
        severity="warning", check="mixed_time_zones", column=column, count=present - zoned,
    )


def _any_differ(parsed: list) -> object:
    """True where two of the parsed values exist and differ."""
    differ = None
    for i, first in enumerate(parsed):
        for second in parsed[i + 1:]:
            pair = first.isnotnull() & second.isnotnull() & (first != second)
            differ = pair if differ is None else differ | pair
    return differ


def closest_column(name: str, available: set[str]) -> str | None:
    """The extract's column that looks like a renamed contract column (CreatedDate for created_at)."""
    normal = {column.lower().replace("_", "").replace(" ", ""): column for column in available}
    match = difflib.get_close_matches(name.replace("_", ""), list(normal), n=1, cutoff=0.75)
    return normal[match[0]] if match else None
