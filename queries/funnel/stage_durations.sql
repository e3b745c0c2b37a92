-- Days between funnel stages, for the records that reached the later stage in the range.
-- Grain: one row per transition (lead_to_mql, mql_to_sql, sql_to_proposal, proposal_to_won,
--   deal_to_won, mql_to_won, lead_to_won) that has at least one record.
-- Parameters: $start TIMESTAMP (inclusive), $end TIMESTAMP (exclusive),
--   $channel, $segment, $team VARCHAR (NULL = all).
--   $transition VARCHAR: only that transition (NULL = all; the sales cycle reads deal_to_won alone,
--   which spares the percentiles over every lead's lead_to_mql).
-- Records whose later stage precedes the earlier one are counted in out_of_order_count and
-- left out of the percentiles, which would otherwise be pulled below zero by bad data.
with filtered_deals as (
    select created_at, proposal_at, closed_at, status, lead_created_at, lead_mql_at, lead_sql_at
    from funnel_deals
    where ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
        and ($team is null or owner_team = $team)
),

won_deals as (
    select created_at, proposal_at, closed_at, lead_created_at, lead_mql_at
    from filtered_deals
    where status = 'won' and closed_at >= $start and closed_at < $end
),

-- Each branch filters on the column of its later stage, so date pruning applies per branch.
-- The lead branches read funnel_leads directly: DuckDB materialises a CTE used twice, which
-- would scan every lead instead of the row groups in the range.
transitions as (
    select 1 as transition_order, 'lead_to_mql' as transition, created_at as from_at, mql_at as to_at
    from funnel_leads
    where mql_at >= $start and mql_at < $end
        and ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
        and ($team is null or owner_team = $team)
    union all
    select 2, 'mql_to_sql', mql_at, sql_at
    from funnel_leads
    where sql_at >= $start and sql_at < $end
        and ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
        and ($team is null or owner_team = $team)
    union all
    select 3, 'sql_to_proposal', lead_sql_at, proposal_at
    from filtered_deals
    where proposal_at >= $start and proposal_at < $end
    union all
    select 4, 'proposal_to_won', proposal_at, closed_at
    from won_deals
    union all
    select 5, 'deal_to_won', created_at, closed_at
    from won_deals
    union all
    select 6, 'mql_to_won', lead_mql_at, closed_at
    from won_deals
    union all
    select 7, 'lead_to_won', lead_created_at, closed_at
    from won_deals
),

completed as (
    select transition_order, transition, date_diff('second', from_at, to_at) / 86400.0 as days
    from transitions
    where from_at is not null
        and ($transition is null or transition = $transition)
),

final as (
    select
        transition_order,
        transition,
        count(case when days >= 0 then 1 end) as records,
        count(case when days < 0 then 1 end) as out_of_order_count,
        percentile_cont(0.5) within group (order by case when days >= 0 then days end) as median_days,
        percentile_cont(0.75) within group (order by case when days >= 0 then days end) as p75_days
    from completed
    group by transition_order, transition
)

select * from final
order by transition_order
