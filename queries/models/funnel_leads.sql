-- View funnel_leads: the leads with the team of the rep who owns them. A view, not a table:
-- queries filter it by date, and over extracts sorted by date that skips most of the file.
-- Grain: one row per lead. Parameters: none.
-- Every funnel query filters leads through this view so channel, segment and team
-- filters mean the same thing everywhere.
create or replace view funnel_leads as
with owners as (
    select rep_id, min(team) as team
    from reps
    group by rep_id
),

final as (
    select
        leads.lead_id,
        leads.created_at,
        leads.channel,
        leads.segment,
        leads.region,
        leads.score,
        leads.mql_at,
        leads.sql_at,
        leads.recycled_at,
        leads.disqualified_at,
        leads.owner_id,
        owners.team as owner_team
    from leads
    left join owners on owners.rep_id = leads.owner_id
)

select * from final
