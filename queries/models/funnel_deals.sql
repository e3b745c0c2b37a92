-- Table funnel_deals: the deals with the channel, segment and stage dates of their lead and the
-- team of their owner. Grain: one row per deal. Parameters: none.
-- Sales-sourced deals (no lead) have no channel or segment; `is_sales_sourced` marks them.
-- Materialised once per data version: deals are a tenth of the leads, and without this every
-- deal query would scan all leads again to find its lead's channel.
create or replace table funnel_deals as
with owners as (
    select rep_id, min(team) as team
    from reps
    group by rep_id
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
        leads.channel,
        leads.segment,
        leads.created_at as lead_created_at,
        leads.mql_at as lead_mql_at,
        leads.sql_at as lead_sql_at,
        owners.team as owner_team
    from deals
    -- lead_id is unique in the contract (the validate command checks it), so a plain join
    -- keeps one row per deal without aggregating ten million leads first.
    left join leads on leads.lead_id = deals.lead_id
    left join owners on owners.rep_id = deals.owner_id
)

select * from final
