-- Median days between funnel stages by calendar month, from the stage duration facts built
-- once per data version: the same rows as stage_durations_by_month.sql.
-- Grain: one row per (month_start, transition) with at least one record; transitions are
--   lead_to_mql, mql_to_sql, sql_to_proposal, proposal_to_won, deal_to_won.
-- Parameters: $start TIMESTAMP (inclusive), $end TIMESTAMP (exclusive),
--   $channel, $segment, $team VARCHAR (NULL = all).
-- Records whose later stage precedes the earlier one are left out of the median.
with completed as (
    select
        cast(date_trunc('month', to_at) as date) as month_start,
        transition_order,
        transition,
        seconds / 86400.0 as days
    from stage_duration_facts
    where to_at >= $start and to_at < $end
        and transition_order <= 5
        and is_in_order
        and ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
        and ($team is null or owner_team = $team)
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
