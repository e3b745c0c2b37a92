-- Size and date span of each contract table, for the freshness report and the empty-table check.
-- Grain: one row per contract table (reps has no dates).
-- Parameters: $data_start TIMESTAMP, $as_of_end TIMESTAMP (exclusive): records outside the data's
--   span are outliers (a placeholder 1900-01-01, a year typed 2062), reported by
--   validate_dates_outside_data.sql and left out here so they cannot hide a lagging table.
-- greatest() skips NULLs in DuckDB and Spark alike.
-- Each column is aggregated on its own (greatest() of the column maxima), which scans far less
-- than greatest() over every row.
with profiles as (
    select
        'traffic' as table_name,
        count(*) as row_count,
        min(case when cast(date as timestamp) >= $data_start then cast(date as timestamp) end) as first_at,
        max(case when cast(date as timestamp) < $as_of_end then cast(date as timestamp) end) as latest_at
    from traffic
    union all
    select
        'leads',
        count(*),
        min(case when created_at >= $data_start then created_at end),
        greatest(
            max(case when created_at < $as_of_end then created_at end),
            max(case when mql_at < $as_of_end then mql_at end),
            max(case when sql_at < $as_of_end then sql_at end),
            max(case when recycled_at < $as_of_end then recycled_at end),
            max(case when disqualified_at < $as_of_end then disqualified_at end)
        )
    from leads
    union all
    select
        'touches',
        count(*),
        min(case when touched_at >= $data_start then touched_at end),
        max(case when touched_at < $as_of_end then touched_at end)
    from touches
    union all
    select
        'deals',
        count(*),
        min(case when created_at >= $data_start then created_at end),
        greatest(
            max(case when created_at < $as_of_end then created_at end),
            max(case when proposal_at < $as_of_end then proposal_at end),
            max(case when closed_at < $as_of_end then closed_at end)
        )
    from deals
    union all
    select 'reps', count(*), cast(null as timestamp), cast(null as timestamp)
    from reps
),

final as (
    select table_name, row_count, first_at, latest_at
    from profiles
)

select * from final
order by table_name
