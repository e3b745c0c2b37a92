-- The leads behind a lead-stage count: leads created, MQLs handed off or SQLs accepted in
-- the range, with their owner and stage dates (the records behind the funnel's counts).
-- Grain: one row per lead.
-- Parameters: $stage VARCHAR ('lead', 'mql' or 'sql': whose date must fall in the range),
--   $start TIMESTAMP (inclusive), $end TIMESTAMP (exclusive),
--   $channel, $segment, $team VARCHAR (NULL = all).
with filtered_leads as (
    select *
    from funnel_leads
    where ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
        and ($team is null or owner_team = $team)
),

-- One branch per stage, each filtering on its own date column so date pruning applies.
staged_leads as (
    select filtered_leads.*, created_at as stage_at
    from filtered_leads
    where $stage = 'lead' and created_at >= $start and created_at < $end
    union all
    select filtered_leads.*, mql_at
    from filtered_leads
    where $stage = 'mql' and mql_at >= $start and mql_at < $end
    union all
    select filtered_leads.*, sql_at
    from filtered_leads
    where $stage = 'sql' and sql_at >= $start and sql_at < $end
),

owners as (
    select rep_id, min(name) as owner_name
    from reps
    group by rep_id
),

final as (
    select
        staged_leads.lead_id,
        staged_leads.created_at,
        staged_leads.mql_at,
        staged_leads.sql_at,
        staged_leads.recycled_at,
        staged_leads.disqualified_at,
        staged_leads.channel,
        staged_leads.segment,
        staged_leads.region,
        staged_leads.score,
        staged_leads.owner_id,
        owners.owner_name,
        staged_leads.owner_team,
        staged_leads.stage_at
    from staged_leads
    left join owners on owners.rep_id = staged_leads.owner_id
)

select * from final
order by stage_at, lead_id
