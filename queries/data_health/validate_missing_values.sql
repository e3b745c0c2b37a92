-- Empty values in the columns the contract requires: a lead without an id or creation time,
-- a deal without a status, a touch without its lead, rep or time, traffic without a day.
-- Grain: one row per example record, at most $examples per (table, column); every row carries
--   the number of records with that column empty (finding_count).
-- Parameters: $examples INTEGER, $leads_dated BOOLEAN (false: the leads extract has no created_at
--   column at all, an undated lead-scoring export, so its empty creation times are no finding).
with missing as (
    select 'leads' as table_name, 'lead_id' as column_name, cast(null as varchar) as record_id,
        'created_at ' || coalesce(cast(created_at as varchar), 'empty') as detail
    from leads
    where lead_id is null
    union all
    select 'leads', 'created_at', lead_id, 'created_at is empty'
    from leads
    where created_at is null and $leads_dated
    union all
    select 'deals', 'deal_id', cast(null as varchar),
        'status ' || coalesce(status, 'empty') || ', created_at ' || coalesce(cast(created_at as varchar), 'empty')
    from deals
    where deal_id is null
    union all
    select 'deals', 'status', deal_id, 'status is empty'
    from deals
    where status is null
    union all
    select 'touches', 'touch_id', cast(null as varchar),
        'lead ' || coalesce(lead_id, 'empty') || ', touched_at ' || coalesce(cast(touched_at as varchar), 'empty')
    from touches
    where touch_id is null
    union all
    select 'touches', 'lead_id', touch_id, 'lead_id is empty'
    from touches
    where lead_id is null
    union all
    select 'touches', 'rep_id', touch_id, 'rep_id is empty'
    from touches
    where rep_id is null
    union all
    select 'touches', 'touched_at', touch_id, 'touched_at is empty'
    from touches
    where touched_at is null
    union all
    select 'reps', 'rep_id', cast(null as varchar), 'name ' || coalesce(name, 'empty')
    from reps
    where rep_id is null
    union all
    select 'traffic', 'date', cast(null as varchar), 'channel ' || coalesce(channel, 'empty')
    from traffic
    where date is null
    union all
    select 'traffic', 'channel', cast(date as varchar), 'channel is empty'
    from traffic
    where channel is null
    union all
    select 'traffic', 'sessions', cast(date as varchar) || ' ' || coalesce(channel, ''), 'sessions is empty'
    from traffic
    where sessions is null
),

ranked as (
    select
        table_name,
        column_name,
        record_id,
        detail,
        count(*) over (partition by table_name, column_name) as finding_count,
        row_number() over (partition by table_name, column_name order by record_id, detail) as example_rank
    from missing
),

final as (
    select
        'missing_value' as check_id,
        table_name,
        column_name,
        finding_count,
        finding_count as distinct_values,
        example_rank,
        record_id,
        detail
    from ranked
    where example_rank <= $examples
)

select * from final
order by table_name, column_name, example_rank
