-- Funnel stage counts and won revenue by calendar month, period view, from the daily stage
-- counts and sessions built once per data version: the rows of funnel_stage_counts_by_month.sql.
-- Grain: one row per month that has at least one event; the caller fills empty months.
-- Parameters: $start TIMESTAMP (inclusive), $end TIMESTAMP (exclusive),
--   $channel, $segment, $team VARCHAR (NULL = all).
with session_months as (
    select cast(date_trunc('month', day) as date) as month_start, sum(sessions) as sessions
    from daily_sessions
    where day >= cast($start as date)
        and day < cast($end as date)
        and ($channel is null or channel = $channel)
    group by cast(date_trunc('month', day) as date)
),

stage_months as (
    select
        cast(date_trunc('month', day) as date) as month_start,
        sum(leads) as leads,
        sum(mqls) as mqls,
        sum(sqls) as sqls,
        sum(proposals) as proposals,
        sum(won) as won,
        sum(won_revenue) as won_revenue
    from daily_stage_counts
    where day >= cast($start as date)
        and day < cast($end as date)
        and ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
        and ($team is null or owner_team = $team)
    group by cast(date_trunc('month', day) as date)
),

months as (
    select month_start from session_months
    union
    select month_start from stage_months
),

final as (
    select
        months.month_start,
        coalesce(session_months.sessions, 0) as sessions,
        cast(coalesce(stage_months.leads, 0) as bigint) as leads,
        cast(coalesce(stage_months.mqls, 0) as bigint) as mqls,
        cast(coalesce(stage_months.sqls, 0) as bigint) as sqls,
        cast(coalesce(stage_months.proposals, 0) as bigint) as proposals,
        cast(coalesce(stage_months.won, 0) as bigint) as won,
        coalesce(stage_months.won_revenue, 0) as won_revenue
    from months
    left join session_months on session_months.month_start = months.month_start
    left join stage_months on stage_months.month_start = months.month_start
)

select * from final
order by month_start
