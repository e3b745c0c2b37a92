-- Days from each earlier stage to the win, per segment and over all segments, for the deals
-- won in the range: the lags the planner shows next to its plan.
-- Grain: one row per stage (lead, mql, sql, opportunity, proposal) x segment, plus one row per stage with
--   is_all_segments true (segment NULL) for all won deals together.
-- Parameters: $start TIMESTAMP (inclusive), $end TIMESTAMP (exclusive): when the deals were won;
--   $channel, $segment, $team VARCHAR (NULL = all).
-- Sales-sourced deals (no lead) count at the opportunity and proposal stages only (the
-- opportunity stage is the deal's created_at; the planner reads it only where deals have no
-- leads). A stage dated after the win is left out.
with won_deals as (
    select closed_at, created_at, proposal_at, lead_created_at, lead_mql_at, lead_sql_at, segment
    from funnel_deals
    where status = 'won'
        and closed_at >= $start
        and closed_at < $end
        and ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
        and ($team is null or owner_team = $team)
),

stage_dates as (
    select 1 as stage_order, 'lead' as stage, segment, lead_created_at as stage_at, closed_at from won_deals
    union all
    select 2, 'mql', segment, lead_mql_at, closed_at from won_deals
    union all
    select 3, 'sql', segment, lead_sql_at, closed_at from won_deals
    union all
    select 4, 'opportunity', segment, created_at, closed_at from won_deals
    union all
    select 5, 'proposal', segment, proposal_at, closed_at from won_deals
),

lags as (
    select stage_order, stage, segment, date_diff('second', stage_at, closed_at) / 86400.0 as days
    from stage_dates
    where stage_at is not null
        and stage_at <= closed_at
),

by_segment as (
    select
        stage_order,
        stage,
        segment,
        false as is_all_segments,
        count(*) as won_deals,
        percentile_cont(0.5) within group (order by days) as median_days,
        percentile_cont(0.75) within group (order by days) as p75_days
    from lags
    group by stage_order, stage, segment
),

all_segments as (
    select
        stage_order,
        stage,
        cast(null as varchar) as segment,
        true as is_all_segments,
        count(*) as won_deals,
        percentile_cont(0.5) within group (order by days) as median_days,
        percentile_cont(0.75) within group (order by days) as p75_days
    from lags
    group by stage_order, stage
),

final as (
    select * from by_segment
    union all
    select * from all_segments
)

select * from final
order by stage_order, is_all_segments, segment
