-- Dates outside the data's span: on or after $as_of_end (future_date: a typo such as 2062, or
-- an expected close date exported as closed_at) or before $data_start (date_before_data: a
-- placeholder such as 1900-01-01 or 1970-01-01).
-- Grain: one row per example record, at most $examples per (check, table, column); every row
--   carries the number of such values (finding_count).
-- Parameters: $data_start TIMESTAMP, $as_of_end TIMESTAMP (exclusive), $examples INTEGER.
with dated as (
    select 'traffic' as table_name, 'date' as column_name, coalesce(channel, '') as record_id,
        cast(date as timestamp) as value_at
    from traffic
    union all
    select 'leads', 'created_at', lead_id, created_at from leads
    union all
    select 'leads', 'mql_at', lead_id, mql_at from leads
    union all
    select 'leads', 'sql_at', lead_id, sql_at from leads
    union all
    select 'leads', 'recycled_at', lead_id, recycled_at from leads
    union all
    select 'leads', 'disqualified_at', lead_id, disqualified_at from leads
    union all
    select 'touches', 'touched_at', touch_id, touched_at from touches
    union all
    select 'deals', 'created_at', deal_id, created_at from deals
    union all
    select 'deals', 'proposal_at', deal_id, proposal_at from deals
    union all
    select 'deals', 'closed_at', deal_id, closed_at from deals
),

outside as (
    select
        case when value_at >= $as_of_end then 'future_date' else 'date_before_data' end as check_id,
        table_name,
        column_name,
        record_id,
        value_at
    from dated
    where value_at >= $as_of_end or value_at < $data_start
),

ranked as (
    select
        check_id,
        table_name,
        column_name,
        record_id,
        value_at,
        count(*) over (partition by check_id, table_name, column_name) as finding_count,
        row_number() over (partition by check_id, table_name, column_name order by value_at desc, record_id)
            as example_rank
    from outside
),

final as (
    select
        check_id,
        table_name,
        column_name,
        finding_count,
        finding_count as distinct_values,
        example_rank,
        record_id,
        column_name || ' ' || cast(value_at as varchar) as detail
    from ranked
    where example_rank <= $examples
)

select * from final
order by check_id, table_name, column_name, example_rank
