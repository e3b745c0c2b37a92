-- Ids found on more than one row (a re-run export, a file matched twice by a glob), and traffic
-- counted twice for the same day and channel. Duplicates are counted twice by every page.
-- Grain: one row per example duplicated key, at most $examples per table; every row carries its
--   table's totals: duplicated_keys (keys found more than once) and extra_rows (rows beyond the first).
-- Parameters: $examples INTEGER.
-- Each table is grouped on its own key, so only the duplicates (usually none) are unioned.
with duplicated as (
    select 'leads' as table_name, 'lead_id' as column_name, lead_id as key_value, count(*) as row_count
    from leads
    where lead_id is not null
    group by lead_id
    having count(*) > 1
    union all
    select 'deals', 'deal_id', deal_id, count(*)
    from deals
    where deal_id is not null
    group by deal_id
    having count(*) > 1
    union all
    select 'touches', 'touch_id', touch_id, count(*)
    from touches
    where touch_id is not null
    group by touch_id
    having count(*) > 1
    union all
    select 'reps', 'rep_id', rep_id, count(*)
    from reps
    where rep_id is not null
    group by rep_id
    having count(*) > 1
    union all
    select 'traffic', 'date', cast(date as varchar) || ' ' || coalesce(channel, '(no channel)'), count(*)
    from traffic
    where date is not null
    group by date, channel
    having count(*) > 1
),

ranked as (
    select
        table_name,
        column_name,
        key_value,
        row_count,
        count(*) over (partition by table_name) as duplicated_keys,
        sum(row_count - 1) over (partition by table_name) as extra_rows,
        row_number() over (partition by table_name order by row_count desc, key_value) as example_rank
    from duplicated
),

final as (
    select
        'duplicate_id' as check_id,
        table_name,
        column_name,
        extra_rows as finding_count,
        duplicated_keys as distinct_values,
        example_rank,
        key_value as record_id,
        cast(row_count as varchar) || ' rows' as detail
    from ranked
    where example_rank <= $examples
)

select * from final
order by table_name, example_rank
