-- Funnel stage counts, all time: every lead of the extracts, dated or not, followed to the
-- furthest stage it reached. The funnel of an undated lead-scoring export (no leads.created_at):
-- a lead with a converted flag reaches won through the deal its outcome makes.
-- A lead counts once per stage, however many deals it has.
-- Grain: one row.
-- Parameters: $channel, $segment, $team VARCHAR (NULL = all).
-- Sessions are every session of the traffic extract, the top of the funnel.
with all_sessions as (
    select coalesce(sum(sessions), 0) as sessions
    from traffic
    where ($channel is null or channel = $channel)
),

all_leads as (
    select lead_id, mql_at, sql_at
    from funnel_leads
    where ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
        and ($team is null or owner_team = $team)
),

deal_outcomes as (
    select
        lead_id,
        max(case when proposal_at is not null then 1 else 0 end) as reached_proposal,
        max(case when status = 'won' then 1 else 0 end) as reached_won
    from deals
    where lead_id is not null
    group by lead_id
),

final as (
    select
        max(all_sessions.sessions) as sessions,
        count(all_leads.lead_id) as leads,
        count(all_leads.mql_at) as mqls,
        count(all_leads.sql_at) as sqls,
        count(case when deal_outcomes.reached_proposal = 1 then 1 end) as proposals,
        count(case when deal_outcomes.reached_won = 1 then 1 end) as won
    from all_sessions
    left join all_leads on true
    left join deal_outcomes on deal_outcomes.lead_id = all_leads.lead_id
)

select * from final
