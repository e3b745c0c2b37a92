-- The lead journey: the leads created in the range, each followed to the furthest funnel stage
-- it reached by the as-of date and to where it is now (won, lost, disqualified, recycled to
-- marketing, or still open), counted by path for the Funnel page's Sankey.
-- Grain: one row per (furthest_stage, outcome, is_recycled_and_back) with at least one lead.
-- Parameters: $start TIMESTAMP (inclusive), $end TIMESTAMP (exclusive),
--   $as_of_end TIMESTAMP (exclusive: events from then on have not happened yet),
--   $channel, $segment, $team VARCHAR (NULL = all).
-- A lead counts at the furthest stage it reached; a stage it skipped in the data (won without an
-- SQL date, say) is passed through. The extract keeps one mql_at per lead, so a lead handed off
-- again after it was recycled shows an mql_at later than its recycled_at: recycled and back.
-- Outcomes, first that holds: won; lost (a lost deal and none open); still open (an open deal);
-- disqualified; recycled to marketing (and not handed off again); still open.
with cohort as (
    select lead_id, mql_at, sql_at, recycled_at, disqualified_at
    from funnel_leads
    where created_at >= $start
        and created_at < $end
        and created_at < $as_of_end
        and ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
        and ($team is null or owner_team = $team)
),

deal_states as (
    select
        lead_id,
        max(case when proposal_at < $as_of_end then 1 else 0 end) as reached_proposal,
        max(case when status = 'won' and closed_at < $as_of_end then 1 else 0 end) as is_won,
        max(case when status = 'lost' and closed_at < $as_of_end then 1 else 0 end) as has_lost_deal,
        max(case when closed_at is null or closed_at >= $as_of_end or status = 'open' then 1 else 0 end)
            as has_open_deal
    from deals
    where lead_id is not null
        and (created_at is null or created_at < $as_of_end)
    group by lead_id
),

leads_as_of as (
    select
        cohort.lead_id,
        cohort.mql_at < $as_of_end as is_mql,
        cohort.sql_at < $as_of_end as is_sql,
        coalesce(deal_states.reached_proposal = 1, false) as is_proposal,
        coalesce(deal_states.is_won = 1, false) as is_won,
        coalesce(deal_states.has_lost_deal = 1, false) as has_lost_deal,
        coalesce(deal_states.has_open_deal = 1, false) as has_open_deal,
        cohort.disqualified_at < $as_of_end as is_disqualified,
        cohort.recycled_at < $as_of_end as is_recycled,
        coalesce(cohort.recycled_at < cohort.mql_at and cohort.mql_at < $as_of_end, false) as is_recycled_and_back
    from cohort
    left join deal_states on deal_states.lead_id = cohort.lead_id
),

paths as (
    select
        case
            when is_won then 'won'
            when is_proposal then 'proposal'
            when coalesce(is_sql, false) then 'sql'
            when coalesce(is_mql, false) then 'mql'
            else 'lead'
        end as furthest_stage,
        case
            when is_won then 'won'
            when has_lost_deal and not has_open_deal then 'lost'
            when has_open_deal then 'still open'
            when coalesce(is_disqualified, false) then 'disqualified'
            when coalesce(is_recycled, false) and not is_recycled_and_back then 'recycled'
            else 'still open'
        end as outcome,
        is_recycled_and_back
    from leads_as_of
),

final as (
    select furthest_stage, outcome, is_recycled_and_back, count(*) as leads
    from paths
    group by furthest_stage, outcome, is_recycled_and_back
)

select * from final
order by furthest_stage, outcome, is_recycled_and_back
