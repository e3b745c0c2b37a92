-- Stage duration facts: every record that reached a funnel stage, with the seconds since the
-- stage before it, as stage_durations.sql, stage_durations_by_month.sql and the sales cycle of
-- kpi_counts_by_month.sql measure them. Built once per data version into the facts
-- (dashboard/facts/durations.py); the `*_from_facts.sql` twins take the medians of the rows
-- in their range. Whole seconds, not days or hours: the medians come out exactly as before.
-- Grain: one row per (record, transition) whose later stage (to_at) is in [$start, $end) and
--   whose earlier stage is known; channel, segment and owner_team are the record's own (a
--   deal's for deal transitions) and may be NULL.
--   seconds: date_diff('second', from_at, to_at), negative when the data has the stages out of
--   order; is_in_order: to_at >= from_at (the monthly medians' test, finer than whole seconds).
-- Parameters: $start TIMESTAMP (inclusive), $end TIMESTAMP (exclusive).
-- Each branch filters on the column of its later stage, so date pruning applies per branch.
with won_deals as (
    select created_at, proposal_at, closed_at, lead_created_at, lead_mql_at, channel, segment, owner_team
    from funnel_deals
    where status = 'won' and closed_at >= $start and closed_at < $end
),

transitions as (
    select 1 as transition_order, 'lead_to_mql' as transition, created_at as from_at, mql_at as to_at,
        channel, segment, owner_team
    from funnel_leads
    where mql_at >= $start and mql_at < $end
    union all
    select 2, 'mql_to_sql', mql_at, sql_at, channel, segment, owner_team
    from funnel_leads
    where sql_at >= $start and sql_at < $end
    union all
    select 3, 'sql_to_proposal', lead_sql_at, proposal_at, channel, segment, owner_team
    from funnel_deals
    where proposal_at >= $start and proposal_at < $end
    union all
    select 4, 'proposal_to_won', proposal_at, closed_at, channel, segment, owner_team
    from won_deals
    union all
    select 5, 'deal_to_won', created_at, closed_at, channel, segment, owner_team
    from won_deals
    union all
    select 6, 'mql_to_won', lead_mql_at, closed_at, channel, segment, owner_team
    from won_deals
    union all
    select 7, 'lead_to_won', lead_created_at, closed_at, channel, segment, owner_team
    from won_deals
),

final as (
    select
        to_at,
        cast(transition_order as integer) as transition_order,
        transition,
        channel,
        segment,
        owner_team,
        date_diff('second', from_at, to_at) as seconds,
        to_at >= from_at as is_in_order
    from transitions
    where from_at is not null
)

-- Every column orders the rows: a refreshed month's file is the same as a full build's.
select * from final
order by to_at, transition_order, seconds, is_in_order, channel, segment, owner_team
