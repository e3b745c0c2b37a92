-- Records per month in each table, by the date that places a record in time, to spot a missing
-- or half-written month. Months outside the data's span (outliers) are left out.
-- Grain: one row per (table, month) with records.
-- Parameters: $data_start TIMESTAMP, $as_of_end TIMESTAMP (exclusive).
with dated as (
    select 'traffic' as table_name, cast(date as timestamp) as placed_at from traffic
    union all
    select 'leads', created_at from leads
    union all
    select 'touches', touched_at from touches
    union all
    select 'deals', created_at from deals
),

final as (
    select
        table_name,
        cast(date_trunc('month', placed_at) as date) as month_start,
        count(*) as records
    from dated
    where placed_at >= $data_start
        and placed_at < $as_of_end
    group by table_name, cast(date_trunc('month', placed_at) as date)
)

select * from final
order by table_name, month_start
