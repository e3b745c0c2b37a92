-- View funnel_deals: the deals with the channel and segment of their lead and the team of
-- their owner. Grain: one row per deal. Parameters: none.
-- Sales-sourced deals (no lead) have no channel or segment; `is_sales_sourced` marks them.
create or replace view funnel_deals as
with owners as (
    select rep_id, min(team) as team
    from reps
    group by rep_id
),

lead_attributes as (
    select lead_id, min(channel) as channel, min(segment) as segment, min(created_at) as lead_created_at,
        min(mql_at) as lead_mql_at,
        min(sql_at) as lead_sql_at
    from leads
    group by lead_id
),

final as (
    select
        deals.deal_id,
        deals.lead_id,
        deals.owner_id,
        deals.created_at,
        deals.proposal_at,
        deals.closed_at,
        deals.status,
        deals.amount,
        deals.lead_id is null as is_sales_sourced,
        lead_attributes.channel,
        lead_attributes.segment,
        lead_attributes.lead_created_at,
        lead_attributes.lead_mql_at,
        lead_attributes.lead_sql_at,
        owners.team as owner_team
    from deals
    left join lead_attributes on lead_attributes.lead_id = deals.lead_id
    left join owners on owners.rep_id = deals.owner_id
)

select * from final
