-- Runs of continuous activity across the extracts: days with at least one record, split
-- wherever no table has any record for more than $max_gap_days days. The run holding most of
-- the records is the data's real span; a record far outside it (a year typed 2062, a
-- placeholder 1900-01-01) is an outlier, and must not set the as-of date.
-- Grain: one row per run.
-- Parameters: $max_gap_days INTEGER.
-- date_diff('day', a, b) is DuckDB; Spark: datediff(b, a).
-- Each column is counted by day on its own, then added up: far cheaper than a union of every
-- timestamp (ten columns of ten million leads).
with records_by_column as (
    select date as day, count(*) as records
    from traffic
    group by date
    union all
    select cast(created_at as date), count(*)
    from leads
    group by cast(created_at as date)
    union all
    select cast(mql_at as date), count(*)
    from leads
    group by cast(mql_at as date)
    union all
    select cast(sql_at as date), count(*)
    from leads
    group by cast(sql_at as date)
    union all
    select cast(recycled_at as date), count(*)
    from leads
    group by cast(recycled_at as date)
    union all
    select cast(disqualified_at as date), count(*)
    from leads
    group by cast(disqualified_at as date)
    union all
    select cast(touched_at as date), count(*)
    from touches
    group by cast(touched_at as date)
    union all
    select cast(created_at as date), count(*)
    from deals
    group by cast(created_at as date)
    union all
    select cast(proposal_at as date), count(*)
    from deals
    group by cast(proposal_at as date)
    union all
    select cast(closed_at as date), count(*)
    from deals
    group by cast(closed_at as date)
),

active_days as (
    select day, sum(records) as records
    from records_by_column
    where day is not null
    group by day
),

gaps as (
    select
        day,
        records,
        case
            when lag(day) over (order by day) is null then 1
            when date_diff('day', lag(day) over (order by day), day) > $max_gap_days then 1
            else 0
        end as starts_run
    from active_days
),

numbered as (
    select day, records, sum(starts_run) over (order by day rows between unbounded preceding and current row) as run_number
    from gaps
),

final as (
    select
        run_number,
        min(day) as first_day,
        max(day) as last_day,
        sum(records) as records,
        count(*) as active_days
    from numbered
    group by run_number
)

select * from final
order by run_number
