-- Days between funnel stages, for the records that reached the later stage in the range, from
-- the stage duration facts built once per data version: the same rows as stage_durations.sql,
-- taking the medians of the facts' whole seconds instead of joining the extracts.
-- Grain: one row per transition (lead_to_mql, mql_to_sql, sql_to_proposal, proposal_to_won,
--   deal_to_won, mql_to_won, lead_to_won) that has at least one record.
-- Parameters: $start TIMESTAMP (inclusive), $end TIMESTAMP (exclusive),
--   $channel, $segment, $team VARCHAR (NULL = all).
--   $transition VARCHAR: only that transition (NULL = all; the sales cycle reads deal_to_won alone,
--   which spares the percentiles over every lead's lead_to_mql).
-- Records whose later stage precedes the earlier one are counted in out_of_order_count and
-- left out of the percentiles, as stage_durations.sql does.
with completed as (
    select transition_order, transition, seconds / 86400.0 as days
    from stage_duration_facts
    where to_at >= $start and to_at < $end
        and ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
        and ($team is null or owner_team = $team)
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
