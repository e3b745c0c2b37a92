-- The period-view numbers behind the funnel KPIs, month by month, for the trends of the Team
-- KPIs page (one query instead of one funnel per month): stage counts as in
-- funnel_stage_counts_period.sql; deals won and lost, won revenue and average won deal as in
-- won_revenue_summary.sql; and the median days from deal created to won of the deals won that
-- month, as the deal_to_won row of stage_durations.sql.
-- Grain: one row per calendar month with at least one event; the caller fills empty months.
-- Parameters: $start TIMESTAMP (inclusive), $end TIMESTAMP (exclusive),
--   $channel, $segment, $team VARCHAR (NULL = all).
-- DuckDB-specific: date_diff('second', a, b) (Spark: unix_timestamp(b) - unix_timestamp(a)).
with filtered_deals as (
    select created_at, proposal_at, closed_at, status, amount
    from funnel_deals
    where ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
        and ($team is null or owner_team = $team)
),

-- Each branch filters on its own date column so date pruning applies per branch.
-- The lead branches read funnel_leads directly: DuckDB materialises a CTE used more than
-- once, which would scan every lead instead of the row groups in the range.
stage_events as (
    select cast(date as timestamp) as happened_at, 'traffic' as stage, sessions as quantity
    from traffic
    where ($channel is null or channel = $channel)
        and date >= cast($start as date) and date < cast($end as date)
    union all
    select created_at, 'lead', 1
    from funnel_leads
    where created_at >= $start and created_at < $end
        and ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
        and ($team is null or owner_team = $team)
    union all
    select mql_at, 'mql', 1
    from funnel_leads
    where mql_at >= $start and mql_at < $end
        and ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
        and ($team is null or owner_team = $team)
    union all
    select sql_at, 'sql', 1
    from funnel_leads
    where sql_at >= $start and sql_at < $end
        and ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
        and ($team is null or owner_team = $team)
    union all
    select proposal_at, 'proposal', 1 from filtered_deals where proposal_at >= $start and proposal_at < $end
),

stage_months as (
    select
        cast(date_trunc('month', happened_at) as date) as month_start,
        coalesce(sum(case when stage = 'traffic' then quantity end), 0) as sessions,
        count(case when stage = 'lead' then 1 end) as leads,
        count(case when stage = 'mql' then 1 end) as mqls,
        count(case when stage = 'sql' then 1 end) as sqls,
        count(case when stage = 'proposal' then 1 end) as proposals
    from stage_events
    group by cast(date_trunc('month', happened_at) as date)
),

closed_deals as (
    select
        cast(date_trunc('month', closed_at) as date) as month_start,
        status,
        amount,
        case
            when status = 'won' and created_at is not null and closed_at >= created_at
                then date_diff('second', created_at, closed_at) / 86400.0
        end as cycle_days
    from filtered_deals
    where closed_at >= $start
        and closed_at < $end
),

closed_months as (
    select
        month_start,
        count(case when status = 'won' then 1 end) as won,
        count(case when status = 'lost' then 1 end) as lost,
        coalesce(sum(case when status = 'won' then amount end), 0) as won_revenue,
        avg(case when status = 'won' then amount end) as avg_deal_size,
        percentile_cont(0.5) within group (order by cycle_days) as sales_cycle_days
    from closed_deals
    group by month_start
),

months as (
    select month_start from stage_months
    union
    select month_start from closed_months
),

final as (
    select
        months.month_start,
        coalesce(stage_months.sessions, 0) as sessions,
        coalesce(stage_months.leads, 0) as leads,
        coalesce(stage_months.mqls, 0) as mqls,
        coalesce(stage_months.sqls, 0) as sqls,
        coalesce(stage_months.proposals, 0) as proposals,
        coalesce(closed_months.won, 0) as won,
        coalesce(closed_months.lost, 0) as lost,
        coalesce(closed_months.won_revenue, 0) as won_revenue,
        closed_months.avg_deal_size,
        closed_months.sales_cycle_days
    from months
    left join stage_months on stage_months.month_start = months.month_start
    left join closed_months on closed_months.month_start = months.month_start
)

select * from final
order by month_start
