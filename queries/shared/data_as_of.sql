-- The latest event in each extract, to set the default as-of date and report freshness.
-- Grain: one row per contract table that has events. Parameters: none.
-- Access: company-wide (the company's as-of date: every viewer's pages count up to the same day).
-- greatest() skips NULLs in DuckDB and Spark alike.
with latest as (
    select 'traffic' as table_name, max(cast(date as timestamp)) as latest_at from traffic
    union all
    select 'leads', max(greatest(created_at, mql_at, sql_at, recycled_at, disqualified_at))
    from leads
    union all
    select 'touches', max(touched_at) from touches
    union all
    select 'deals', max(greatest(created_at, proposal_at, closed_at))
    from deals
),

final as (
    select table_name, latest_at
    from latest
    where latest_at is not null
)

select * from final
order by table_name
