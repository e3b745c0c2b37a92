-- Ids and the order of events, checked in one pass so the largest tables are grouped and joined
-- once rather than once per check (at 10M leads each pass over the lead ids costs seconds):
--   duplicate_id     ids found on more than one row (a re-run export, a file matched twice by a
--                    glob) and traffic counted twice for the same day and channel;
--   orphan_lead      deals and touches whose lead is not in leads (only when leads is tracked:
--                    without a leads extract every deal would look orphaned);
--   unknown_rep      reps named in leads, deals or touches but missing from reps (only when reps
--                    is tracked);
--   impossible_order stages in an impossible order: an MQL before the lead was created, an SQL
--                    before the MQL, a deal opened before its lead, a proposal before the deal
--                    was opened, a deal closed before it was opened, a touch before the lead
--                    existed. Equal times are fine.
-- Grain: one row per example, at most $examples per (check_id, table_name, column_name); every row
--   carries its group's totals: finding_count (extra rows for duplicates, records otherwise) and
--   distinct_values (duplicated keys, missing references, records out of order).
-- Parameters: $examples INTEGER, $leads_tracked BOOLEAN, $reps_tracked BOOLEAN.
-- funnel_deals (queries/models) already carries each deal's lead_created_at.
with lead_keys as materialized (
    select lead_id, count(*) as row_count, min(created_at) as created_at
    from leads
    where lead_id is not null
    group by lead_id
),

known_reps as (
    select distinct rep_id
    from reps
    where rep_id is not null
),

-- Each touch is joined to its lead once, for both the orphan and the order check.
touch_leads as (
    select
        touches.touch_id,
        touches.lead_id,
        touches.touched_at,
        lead_keys.lead_id is not null as is_known_lead,
        lead_keys.created_at as lead_created_at
    from touches
    left join lead_keys on lead_keys.lead_id = touches.lead_id
    where touches.lead_id is not null
),

duplicated as (
    select 'leads' as table_name, 'lead_id' as column_name, lead_id as key_value, row_count
    from lead_keys
    where row_count > 1
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

duplicates_ranked as (
    select
        'duplicate_id' as check_id,
        table_name,
        column_name,
        sum(row_count - 1) over (partition by table_name) as finding_count,
        count(*) over (partition by table_name) as distinct_values,
        row_number() over (partition by table_name order by row_count desc, key_value) as example_rank,
        key_value as record_id,
        cast(row_count as varchar) || ' rows' as detail
    from duplicated
),

dangling as (
    select 'orphan_lead' as check_id, 'deals' as table_name, 'lead_id' as column_name,
        deals.lead_id as reference, deals.deal_id as record_id
    from deals
    left join lead_keys on lead_keys.lead_id = deals.lead_id
    where $leads_tracked and deals.lead_id is not null and lead_keys.lead_id is null
    union all
    select 'orphan_lead', 'touches', 'lead_id', lead_id, touch_id
    from touch_leads
    where $leads_tracked and not is_known_lead
    union all
    select 'unknown_rep', 'leads', 'owner_id', leads.owner_id, leads.lead_id
    from leads
    left join known_reps on known_reps.rep_id = leads.owner_id
    where $reps_tracked and leads.owner_id is not null and known_reps.rep_id is null
    union all
    select 'unknown_rep', 'deals', 'owner_id', deals.owner_id, deals.deal_id
    from deals
    left join known_reps on known_reps.rep_id = deals.owner_id
    where $reps_tracked and deals.owner_id is not null and known_reps.rep_id is null
    union all
    select 'unknown_rep', 'touches', 'rep_id', touches.rep_id, touches.touch_id
    from touches
    left join known_reps on known_reps.rep_id = touches.rep_id
    where $reps_tracked and touches.rep_id is not null and known_reps.rep_id is null
),

dangling_by_reference as (
    select check_id, table_name, column_name, reference, count(*) as records, min(record_id) as first_record
    from dangling
    group by check_id, table_name, column_name, reference
),

dangling_ranked as (
    select
        check_id,
        table_name,
        column_name,
        sum(records) over (partition by check_id, table_name, column_name) as finding_count,
        count(*) over (partition by check_id, table_name, column_name) as distinct_values,
        row_number() over (partition by check_id, table_name, column_name order by records desc, reference)
            as example_rank,
        reference as record_id,
        cast(records as varchar) || ' record(s), e.g. ' || coalesce(first_record, '(no id)') as detail
    from dangling_by_reference
),

out_of_order as (
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
    select 'touches', 'touched_at', 'the lead''s created_at', touch_id, lead_created_at, touched_at
    from touch_leads
    where touched_at < lead_created_at
),

out_of_order_ranked as (
    select
        'impossible_order' as check_id,
        table_name,
        column_name,
        count(*) over (partition by table_name, column_name) as finding_count,
        count(*) over (partition by table_name, column_name) as distinct_values,
        row_number() over (partition by table_name, column_name order by record_id) as example_rank,
        record_id,
        column_name || ' ' || cast(later_at as varchar) || ' is before ' || earlier_column || ' '
            || cast(earlier_at as varchar) as detail
    from out_of_order
),

final as (
    select * from duplicates_ranked where example_rank <= $examples
    union all
    select * from dangling_ranked where example_rank <= $examples
    union all
    select * from out_of_order_ranked where example_rank <= $examples
)

select * from final
order by check_id, table_name, column_name, example_rank
