-- The distinct values of the columns whose values the contract or the mapping fixes: deal
-- status (open, won, lost) and the acquisition channel of leads and traffic, which must match
-- for visit-to-lead rates. Small: one row per value.
-- Grain: one row per (table, column, value), with the number of records and one example record.
-- Parameters: none.
with observed as (
    select 'deals' as table_name, 'status' as column_name, status as value, deal_id as record_id
    from deals
    where status is not null
    union all
    select 'leads', 'channel', channel, lead_id
    from leads
    where channel is not null
    union all
    select 'traffic', 'channel', channel, cast(date as varchar)
    from traffic
    where channel is not null
),

final as (
    select table_name, column_name, value, count(*) as records, min(record_id) as example_record
    from observed
    group by table_name, column_name, value
)

select * from final
order by table_name, column_name, value
