-- Funnel stage counts and won revenue by calendar month, period view (events in the month).
-- Grain: one row per month that has at least one event; the caller fills empty months.
-- Parameters: $start TIMESTAMP (inclusive), $end TIMESTAMP (exclusive),
--   $channel, $segment, $team VARCHAR (NULL = all).
with filtered_deals as (
    select proposal_at, closed_at, status, amount
    from funnel_deals
    where ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
        and ($team is null or owner_team = $team)
),

-- Each branch filters on its own date column so date pruning applies per branch.
-- The lead branches read funnel_leads directly: DuckDB materialises a CTE used more than
-- once, which would scan every lead instead of the row groups in the range.
events as (
    select cast(date as timestamp) as happened_at, 'traffic' as stage, sessions as quantity, 0 as amount
    from traffic
    where ($channel is null or channel = $channel)
        and date >= cast($start as date) and date < cast($end as date)
    union all
    select created_at, 'lead', 1, 0
    from funnel_leads
    where created_at >= $start and created_at < $end
        and ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
        and ($team is null or owner_team = $team)
    union all
    select mql_at, 'mql', 1, 0
    from funnel_leads
    where mql_at >= $start and mql_at < $end
        and ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
        and ($team is null or owner_team = $team)
    union all
    select sql_at, 'sql', 1, 0
    from funnel_leads
    where sql_at >= $start and sql_at < $end
        and ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
        and ($team is null or owner_team = $team)
    union all
    select proposal_at, 'proposal', 1, 0 from filtered_deals where proposal_at >= $start and proposal_at < $end
    union all
    select closed_at, 'won', 1, amount
    from filtered_deals
    where status = 'won' and closed_at >= $start and closed_at < $end
),

final as (
    select
        cast(date_trunc('month', happened_at) as date) as month_start,
        coalesce(sum(case when stage = 'traffic' then quantity end), 0) as sessions,
        count(case when stage = 'lead' then 1 end) as leads,
        count(case when stage = 'mql' then 1 end) as mqls,
        count(case when stage = 'sql' then 1 end) as sqls,
        count(case when stage = 'proposal' then 1 end) as proposals,
        count(case when stage = 'won' then 1 end) as won,
        coalesce(sum(case when stage = 'won' then amount end), 0) as won_revenue
    from events
    group by cast(date_trunc('month', happened_at) as date)
)

select * from final
order by month_start
