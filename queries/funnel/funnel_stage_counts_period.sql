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

-- Each stage is counted from its own scan with its own date predicate, so that with extracts
-- sorted by date DuckDB skips the row groups outside the range. A shared filtered-leads CTE
-- would read cleaner but DuckDB materialises a CTE used more than once, scanning every lead.
leads_created as (
    select count(*) as leads
    from funnel_leads
    where created_at >= $start and created_at < $end
        and ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
        and ($team is null or owner_team = $team)
),

mqls_handed_off as (
    select count(*) as mqls
    from funnel_leads
    where mql_at >= $start and mql_at < $end
        and ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
        and ($team is null or owner_team = $team)
),

sqls_accepted as (
    select count(*) as sqls
    from funnel_leads
    where sql_at >= $start and sql_at < $end
        and ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
        and ($team is null or owner_team = $team)
),

deal_filter as (
    select proposal_at, closed_at, status, is_sales_sourced
    from funnel_deals
    where ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
        and ($team is null or owner_team = $team)
),

won_in_range as (
    select is_sales_sourced
    from deal_filter
    where status = 'won' and closed_at >= $start and closed_at < $end
),

deal_stages as (
    select
        (select count(*) from deal_filter where proposal_at >= $start and proposal_at < $end) as proposals,
        (select count(*) from won_in_range) as won,
        (select count(*) from won_in_range where is_sales_sourced) as sales_sourced_won
),

final as (
    select
        sessions_in_range.sessions,
        leads_created.leads,
        mqls_handed_off.mqls,
        sqls_accepted.sqls,
        deal_stages.proposals,
        deal_stages.won,
        deal_stages.sales_sourced_won
    from sessions_in_range
    cross join leads_created
    cross join mqls_handed_off
    cross join sqls_accepted
    cross join deal_stages
)

select * from final
