-- References to records that are not in the extracts: deals and touches whose lead is not in
-- leads (orphan_lead), and reps named in leads, deals or touches but missing from reps (unknown_rep).
-- Only checked when the referenced table is tracked: without a leads extract every deal would
-- look orphaned.
-- Grain: one row per example missing reference, at most $examples per (check, table, column);
--   every row carries the records pointing at a missing reference (finding_count) and how many
--   different references are missing (distinct_values).
-- Parameters: $examples INTEGER, $leads_tracked BOOLEAN, $reps_tracked BOOLEAN.
with known_leads as (
    select distinct lead_id
    from leads
    where lead_id is not null
),

known_reps as (
    select distinct rep_id
    from reps
    where rep_id is not null
),

dangling as (
    select 'orphan_lead' as check_id, 'deals' as table_name, 'lead_id' as column_name,
        deals.lead_id as reference, deals.deal_id as record_id
    from deals
    left join known_leads on known_leads.lead_id = deals.lead_id
    where $leads_tracked and deals.lead_id is not null and known_leads.lead_id is null
    union all
    select 'orphan_lead', 'touches', 'lead_id', touches.lead_id, touches.touch_id
    from touches
    left join known_leads on known_leads.lead_id = touches.lead_id
    where $leads_tracked and touches.lead_id is not null and known_leads.lead_id is null
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

by_reference as (
    select check_id, table_name, column_name, reference, count(*) as records, min(record_id) as first_record
    from dangling
    group by check_id, table_name, column_name, reference
),

ranked as (
    select
        check_id,
        table_name,
        column_name,
        reference,
        records,
        first_record,
        sum(records) over (partition by check_id, table_name, column_name) as finding_count,
        count(*) over (partition by check_id, table_name, column_name) as distinct_values,
        row_number() over (partition by check_id, table_name, column_name order by records desc, reference)
            as example_rank
    from by_reference
),

final as (
    select
        check_id,
        table_name,
        column_name,
        finding_count,
        distinct_values,
        example_rank,
        reference as record_id,
        cast(records as varchar) || ' record(s), e.g. ' || coalesce(first_record, '(no id)') as detail
    from ranked
    where example_rank <= $examples
)

select * from final
order by check_id, table_name, column_name, example_rank
