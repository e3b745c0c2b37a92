-- Funnel stage counts, period view, from the daily stage counts and sessions built once per
-- data version: the same row as funnel_stage_counts_period.sql, summing days instead of events.
-- Grain: one row.
-- Parameters: $start TIMESTAMP (inclusive), $end TIMESTAMP (exclusive),
--   $channel, $segment, $team VARCHAR (NULL = all).
-- Traffic is filtered by channel only; the caller marks it "not split" for other filters.
with sessions_in_range as (
    select coalesce(sum(sessions), 0) as sessions
    from daily_sessions
    where day >= cast($start as date)
        and day < cast($end as date)
        and ($channel is null or channel = $channel)
),

stages_in_range as (
    select
        cast(coalesce(sum(leads), 0) as bigint) as leads,
        cast(coalesce(sum(mqls), 0) as bigint) as mqls,
        cast(coalesce(sum(sqls), 0) as bigint) as sqls,
        cast(coalesce(sum(proposals), 0) as bigint) as proposals,
        cast(coalesce(sum(won), 0) as bigint) as won,
        cast(coalesce(sum(sales_sourced_won), 0) as bigint) as sales_sourced_won
    from daily_stage_counts
    where day >= cast($start as date)
        and day < cast($end as date)
        and ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
        and ($team is null or owner_team = $team)
),

final as (
    select
        sessions_in_range.sessions,
        stages_in_range.leads,
        stages_in_range.mqls,
        stages_in_range.sqls,
        stages_in_range.proposals,
        stages_in_range.won,
        stages_in_range.sales_sourced_won
    from sessions_in_range
    cross join stages_in_range
)

select * from final
