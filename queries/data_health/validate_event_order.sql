-- Records whose stages happen in an impossible order: an MQL before the lead was created, an
-- SQL before the MQL, a deal opened before its lead, a proposal before the deal was opened, a
-- deal closed before it was opened, a touch before the lead existed. Equal times are fine.
-- Grain: one row per example record, at most $examples per (table, column), the column being the
--   stage that comes too early; every row carries the number of such records (finding_count).
-- Parameters: $examples INTEGER.
-- funnel_deals (queries/models) already carries each deal's lead_created_at.
with lead_created as (
    select lead_id, min(created_at) as created_at
    from leads
    where lead_id is not null
    group by lead_id
),

violations as (
    select 'leads' as table_name, 'mql_at' as column_name, 'created_at' as earlier_column,
        lead_id as record_id, created_at as earlier_at, mql_at as later_at
    from leads
    where mql_at < created_at
    union all
    select 'leads', 'sql_at', 'mql_at', lead_id, mql_at, sql_at
    from leads
    where sql_at < mql_at
    union all
    select 'deals', 'created_at', 'the lead''s created_at', deal_id, lead_created_at, created_at
    from funnel_deals
    where created_at < lead_created_at
    union all
    select 'deals', 'proposal_at', 'created_at', deal_id, created_at, proposal_at
    from deals
    where proposal_at < created_at
    union all
    select 'deals', 'closed_at', 'created_at', deal_id, created_at, closed_at
    from deals
    where closed_at < created_at
    union all
    select 'touches', 'touched_at', 'the lead''s created_at', touches.touch_id, lead_created.created_at,
        touches.touched_at
    from touches
    inner join lead_created on lead_created.lead_id = touches.lead_id
    where touches.touched_at < lead_created.created_at
),

ranked as (
    select
        table_name,
        column_name,
        earlier_column,
        record_id,
        earlier_at,
        later_at,
        count(*) over (partition by table_name, column_name) as finding_count,
        row_number() over (partition by table_name, column_name order by record_id) as example_rank
    from violations
),

final as (
    select
        'impossible_order' as check_id,
        table_name,
        column_name,
        finding_count,
        finding_count as distinct_values,
        example_rank,
        record_id,
        column_name || ' ' || cast(later_at as varchar) || ' is before ' || earlier_column || ' '
            || cast(earlier_at as varchar) as detail
    from ranked
    where example_rank <= $examples
)

select * from final
order by table_name, column_name, example_rank
