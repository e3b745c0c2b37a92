-- Median days between funnel stages by calendar month, for the records that reached the
-- later stage in that month (the monthly version of stage_durations.sql).
-- Grain: one row per (month_start, transition) with at least one record; transitions are
--   lead_to_mql, mql_to_sql, sql_to_proposal, proposal_to_won, deal_to_won.
-- Parameters: $start TIMESTAMP (inclusive), $end TIMESTAMP (exclusive),
--   $channel, $segment, $team VARCHAR (NULL = all).
-- Records whose later stage precedes the earlier one are left out of the median.
with filtered_deals as (
    select created_at, proposal_at, closed_at, status, lead_sql_at
    from funnel_deals
    where ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
        and ($team is null or owner_team = $team)
),

won_deals as (
    select created_at, proposal_at, closed_at
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
),

completed as (
    select
        cast(date_trunc('month', to_at) as date) as month_start,
        transition_order,
        transition,
        date_diff('second', from_at, to_at) / 86400.0 as days
    from transitions
    where from_at is not null
        and to_at >= from_at
),

final as (
    select
        month_start,
        transition_order,
        transition,
        count(*) as records,
        percentile_cont(0.5) within group (order by days) as median_days
    from completed
    group by month_start, transition_order, transition
)

select * from final
order by month_start, transition_order
