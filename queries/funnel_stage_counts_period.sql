-- Funnel stage counts, period view: each stage counts the events that happened in the range
-- (leads created, MQLs handed off, SQLs accepted, proposals sent, deals won in the range).
-- Grain: one row.
-- Parameters: $start TIMESTAMP (inclusive), $end TIMESTAMP (exclusive),
--   $channel, $segment, $team VARCHAR (NULL = all).
-- Traffic is filtered by channel only; the caller marks it "not split" for other filters.
with sessions_in_range as (
    select coalesce(sum(sessions), 0) as sessions
    from traffic
    where date >= cast($start as date)
        and date < cast($end as date)
        and ($channel is null or channel = $channel)
),

filtered_leads as (
    select created_at, mql_at, sql_at
    from funnel_leads
    where ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
        and ($team is null or owner_team = $team)
),

lead_stages as (
    select
        count(case when created_at >= $start and created_at < $end then 1 end) as leads,
        count(case when mql_at >= $start and mql_at < $end then 1 end) as mqls,
        count(case when sql_at >= $start and sql_at < $end then 1 end) as sqls
    from filtered_leads
),

filtered_deals as (
    select proposal_at, closed_at, status, is_sales_sourced
    from funnel_deals
    where ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
        and ($team is null or owner_team = $team)
),

deal_stages as (
    select
        count(case when proposal_at >= $start and proposal_at < $end then 1 end) as proposals,
        count(case when status = 'won' and closed_at >= $start and closed_at < $end then 1 end) as won,
        count(case when is_sales_sourced and status = 'won' and closed_at >= $start and closed_at < $end
            then 1 end) as sales_sourced_won
    from filtered_deals
),

final as (
    select
        sessions_in_range.sessions,
        lead_stages.leads,
        lead_stages.mqls,
        lead_stages.sqls,
        deal_stages.proposals,
        deal_stages.won,
        deal_stages.sales_sourced_won
    from sessions_in_range
    cross join lead_stages
    cross join deal_stages
)

select * from final
