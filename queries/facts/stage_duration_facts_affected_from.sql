-- The first day whose stage duration facts the files the extracts gained since the facts were
-- built can change: the later stages of new leads (MQL, SQL) and of new deals (proposal,
-- closed), and those of deals whose lead is new (they measure from its stages). The facts are
-- rebuilt from that day's month on.
-- Grain: one row. Parameters: none.
-- Reads `added_leads` and `added_deals`: the contract tables over only the gained files (empty
-- when a table gained none). least() skips NULLs in DuckDB and Spark alike.
with new_lead_stages as (
    select min(least(mql_at, sql_at)) as first_at
    from added_leads
),

new_deal_stages as (
    select min(least(proposal_at, closed_at)) as first_at
    from added_deals
),

relinked_deal_stages as (
    select min(least(funnel_deals.proposal_at, funnel_deals.closed_at)) as first_at
    from funnel_deals
    inner join added_leads on added_leads.lead_id = funnel_deals.lead_id
),

final as (
    select least(new_lead_stages.first_at, new_deal_stages.first_at, relinked_deal_stages.first_at)
        as first_affected_at
    from new_lead_stages
    cross join new_deal_stages
    cross join relinked_deal_stages
)

select * from final
