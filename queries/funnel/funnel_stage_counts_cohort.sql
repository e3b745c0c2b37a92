-- Funnel stage counts, cohort view: the leads created in the range, followed to the furthest
-- stage each reached by the as-of date. A lead counts once per stage, however many deals it has.
-- Grain: one row.
-- Parameters: $start TIMESTAMP (inclusive), $end TIMESTAMP (exclusive),
--   $as_of_end TIMESTAMP (exclusive: events from then on have not happened yet),
--   $channel, $segment, $team VARCHAR (NULL = all).
-- Sessions are those of the same range, the top of the cohort's funnel.
with sessions_in_range as (
    select coalesce(sum(sessions), 0) as sessions
    from traffic
    where date >= cast($start as date)
        and date < cast($end as date)
        and ($channel is null or channel = $channel)
),

cohort as (
    select lead_id, mql_at, sql_at
    from funnel_leads
    where created_at >= $start
        and created_at < $end
        and created_at < $as_of_end
        and ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
        and ($team is null or owner_team = $team)
),

deal_outcomes as (
    select
        lead_id,
        max(case when proposal_at < $as_of_end then 1 else 0 end) as reached_proposal,
        max(case when status = 'won' and closed_at < $as_of_end then 1 else 0 end) as reached_won
    from deals
    where lead_id is not null
    group by lead_id
),

final as (
    select
        max(sessions_in_range.sessions) as sessions,
        count(cohort.lead_id) as leads,
        count(case when cohort.mql_at < $as_of_end then 1 end) as mqls,
        count(case when cohort.sql_at < $as_of_end then 1 end) as sqls,
        count(case when deal_outcomes.reached_proposal = 1 then 1 end) as proposals,
        count(case when deal_outcomes.reached_won = 1 then 1 end) as won
    from sessions_in_range
    left join cohort on true
    left join deal_outcomes on deal_outcomes.lead_id = cohort.lead_id
)

select * from final
