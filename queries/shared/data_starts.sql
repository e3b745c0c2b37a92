-- The earliest event in each extract, to tell which months the data covers.
-- Grain: one row per contract table that has events ('deals': the first close; 'opportunities':
--   the first deal opened). Parameters: none.
-- Access: company-wide (the months the company's data covers, the same for every viewer).
-- least() skips NULLs in DuckDB and Spark alike.
with earliest as (
    select 'traffic' as table_name, min(cast(date as timestamp)) as earliest_at from traffic
    union all
    select 'leads', min(created_at) from leads
    union all
    select 'deals', min(closed_at) from deals where status in ('won', 'lost')
    union all
    select 'opportunities', min(created_at) from deals
),

final as (
    select table_name, earliest_at
    from earliest
    where earliest_at is not null
)

select * from final
order by table_name
