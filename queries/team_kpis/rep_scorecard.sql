-- Each rep's work in the range, for the leaderboard: leads handed to the rep (MQLs) and
-- accepted (SQLs) as lead owner, and the deals the rep owns: proposals sent, deals won and
-- lost, won revenue, average won deal and median sales cycle (deal created to won).
-- Grain: one row per rep: every rep_id of the reps extract, plus the owner ids missing from it
--   of deals, and of leads handed off or accepted in the range (a lead owner with no MQL or SQL
--   in the range has nothing to show); with $team set, only the reps of that team.
-- Parameters: $start TIMESTAMP (inclusive), $end TIMESTAMP (exclusive),
--   $channel, $segment, $team VARCHAR (NULL = all). Channel and segment apply to deals
--   through their lead, as in the funnel.
-- DuckDB-specific: date_diff('second', a, b) (Spark: unix_timestamp(b) - unix_timestamp(a)).
with rep_attributes as (
    select rep_id, min(name) as name, min(team) as team, min(role) as role
    from reps
    group by rep_id
),

-- MQLs and SQLs are read by one scan each, filtered on their own date, so that the scans
-- skip the row groups outside the range (one scan counting both would read every lead).
lead_events as (
    select owner_id, 1 as is_mql, 0 as is_sql
    from funnel_leads
    where mql_at >= $start and mql_at < $end
        and owner_id is not null
        and ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
    union all
    select owner_id, 0, 1
    from funnel_leads
    where sql_at >= $start and sql_at < $end
        and owner_id is not null
        and ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
),

lead_work as (
    select owner_id, sum(is_mql) as mqls, sum(is_sql) as sqls
    from lead_events
    group by owner_id
),

deals_in_range as (
    select
        owner_id,
        proposal_at >= $start and proposal_at < $end as is_proposal,
        status = 'won' and closed_at >= $start and closed_at < $end as is_won,
        status = 'lost' and closed_at >= $start and closed_at < $end as is_lost,
        amount,
        date_diff('second', created_at, closed_at) / 86400.0 as cycle_days
    from funnel_deals
    where owner_id is not null
        -- a deal neither proposed nor closed in the range adds nothing to its owner's figures
        -- (every rep with deals is in `owners` below all the same): skipping it skips most deals
        and ((proposal_at >= $start and proposal_at < $end) or (closed_at >= $start and closed_at < $end))
        and ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
),

deal_work as (
    select
        owner_id,
        count(case when is_proposal then 1 end) as proposals,
        count(case when is_won then 1 end) as won_deals,
        count(case when is_lost then 1 end) as lost_deals,
        coalesce(sum(case when is_won then amount end), 0) as won_revenue,
        avg(case when is_won then amount end) as avg_deal_size,
        percentile_cont(0.5) within group (order by case when is_won and cycle_days >= 0 then cycle_days end)
            as sales_cycle_days
    from deals_in_range
    group by owner_id
),

owners as (
    select rep_id from reps
    union
    select owner_id from lead_work
    union
    select owner_id from funnel_deals where owner_id is not null
),

final as (
    select
        owners.rep_id,
        rep_attributes.name,
        rep_attributes.team,
        rep_attributes.role,
        coalesce(lead_work.mqls, 0) as mqls,
        coalesce(lead_work.sqls, 0) as sqls,
        coalesce(deal_work.proposals, 0) as proposals,
        coalesce(deal_work.won_deals, 0) as won_deals,
        coalesce(deal_work.lost_deals, 0) as lost_deals,
        coalesce(deal_work.won_revenue, 0) as won_revenue,
        deal_work.avg_deal_size,
        deal_work.sales_cycle_days
    from owners
    left join rep_attributes on rep_attributes.rep_id = owners.rep_id
    left join lead_work on lead_work.owner_id = owners.rep_id
    left join deal_work on deal_work.owner_id = owners.rep_id
    where $team is null or rep_attributes.team = $team
)

select * from final
order by rep_id
