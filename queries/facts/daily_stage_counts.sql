-- Daily stage counts: each day's funnel events by the channel, segment and sales team a page
-- filters them by (a lead's own; a deal's lead's channel and segment and its owner's team), as
-- funnel_stage_counts_period.sql and won_revenue_summary.sql count them. Built once per data
-- version into the facts (dashboard/facts/stage_counts.py); pages sum the days of their range.
-- Grain: one row per (day, channel, segment, owner_team) with at least one event in [$start, $end);
--   channel, segment and owner_team may be NULL (a group of their own).
-- Parameters: $start TIMESTAMP (inclusive), $end TIMESTAMP (exclusive).
-- Each branch filters on its own date column so date pruning applies per branch.
with events as (
    select created_at as happened_at, channel, segment, owner_team, 'lead' as stage,
        cast(null as decimal(18, 2)) as amount, false as is_sales_sourced
    from funnel_leads
    where created_at >= $start and created_at < $end
    union all
    select mql_at, channel, segment, owner_team, 'mql', null, false
    from funnel_leads
    where mql_at >= $start and mql_at < $end
    union all
    select sql_at, channel, segment, owner_team, 'sql', null, false
    from funnel_leads
    where sql_at >= $start and sql_at < $end
    union all
    select proposal_at, channel, segment, owner_team, 'proposal', null, is_sales_sourced
    from funnel_deals
    where proposal_at >= $start and proposal_at < $end
    union all
    select closed_at, channel, segment, owner_team, status, amount, is_sales_sourced
    from funnel_deals
    where closed_at >= $start and closed_at < $end
        and status in ('won', 'lost')
),

final as (
    select
        cast(happened_at as date) as day,
        channel,
        segment,
        owner_team,
        count(case when stage = 'lead' then 1 end) as leads,
        count(case when stage = 'mql' then 1 end) as mqls,
        count(case when stage = 'sql' then 1 end) as sqls,
        count(case when stage = 'proposal' then 1 end) as proposals,
        count(case when stage = 'won' then 1 end) as won,
        count(case when stage = 'lost' then 1 end) as lost,
        coalesce(sum(case when stage = 'won' then amount end), 0) as won_revenue,
        count(case when stage = 'won' and amount is not null then 1 end) as won_with_amount,
        count(case when stage = 'won' and amount is null then 1 end) as won_without_amount,
        count(case when stage = 'won' and is_sales_sourced then 1 end) as sales_sourced_won,
        coalesce(sum(case when stage = 'won' and is_sales_sourced then amount end), 0)
            as sales_sourced_won_revenue
    from events
    group by cast(happened_at as date), channel, segment, owner_team
)

select * from final
order by day, channel, segment, owner_team
