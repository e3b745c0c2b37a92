-- The period-view numbers behind the funnel KPIs, month by month, from the facts built once per
-- data version: stage counts, deals won and lost and won revenue from the daily stage counts and
-- sessions, the median days from deal created to won from the stage duration facts. The same
-- rows as kpi_counts_by_month.sql (a month holding only deals closed neither won nor lost is
-- left out here; the caller fills it with the same zeros).
-- Grain: one row per calendar month with at least one event; the caller fills empty months.
-- Parameters: $start TIMESTAMP (inclusive), $end TIMESTAMP (exclusive),
--   $channel, $segment, $team VARCHAR (NULL = all).
-- Traffic is filtered by channel only, as kpi_counts_by_month.sql does.
with session_months as (
    select cast(date_trunc('month', day) as date) as month_start, coalesce(sum(sessions), 0) as sessions
    from daily_sessions
    where day >= cast($start as date)
        and day < cast($end as date)
        and ($channel is null or channel = $channel)
    group by cast(date_trunc('month', day) as date)
),

count_months as (
    select
        cast(date_trunc('month', day) as date) as month_start,
        cast(coalesce(sum(leads), 0) as bigint) as leads,
        cast(coalesce(sum(mqls), 0) as bigint) as mqls,
        cast(coalesce(sum(sqls), 0) as bigint) as sqls,
        cast(coalesce(sum(proposals), 0) as bigint) as proposals,
        cast(coalesce(sum(won), 0) as bigint) as won,
        cast(coalesce(sum(lost), 0) as bigint) as lost,
        coalesce(sum(won_revenue), 0) as won_revenue,
        cast(coalesce(sum(won_with_amount), 0) as bigint) as won_with_amount
    from daily_stage_counts
    where day >= cast($start as date)
        and day < cast($end as date)
        and ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
        and ($team is null or owner_team = $team)
    group by cast(date_trunc('month', day) as date)
),

cycle_months as (
    select
        cast(date_trunc('month', to_at) as date) as month_start,
        percentile_cont(0.5) within group (order by seconds / 86400.0) as sales_cycle_days
    from stage_duration_facts
    where to_at >= $start and to_at < $end
        and transition = 'deal_to_won'
        and is_in_order
        and ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
        and ($team is null or owner_team = $team)
    group by cast(date_trunc('month', to_at) as date)
),

months as (
    select month_start from session_months
    union
    select month_start from count_months
),

final as (
    select
        months.month_start,
        coalesce(session_months.sessions, 0) as sessions,
        coalesce(count_months.leads, 0) as leads,
        coalesce(count_months.mqls, 0) as mqls,
        coalesce(count_months.sqls, 0) as sqls,
        coalesce(count_months.proposals, 0) as proposals,
        coalesce(count_months.won, 0) as won,
        coalesce(count_months.lost, 0) as lost,
        coalesce(count_months.won_revenue, 0) as won_revenue,
        cast(count_months.won_revenue as double) / nullif(count_months.won_with_amount, 0) as avg_deal_size,
        cycle_months.sales_cycle_days
    from months
    left join session_months on session_months.month_start = months.month_start
    left join count_months on count_months.month_start = months.month_start
    left join cycle_months on cycle_months.month_start = months.month_start
)

select * from final
order by month_start
