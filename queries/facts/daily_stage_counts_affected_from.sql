-- The first day whose daily stage counts the files the extracts gained since the facts were
-- built can change: the events of new leads and new deals, and those of deals whose lead is
-- new (their channel and segment come from it). The counts are rebuilt from that day's month on.
-- Grain: one row. Parameters: none.
-- Reads `added_leads` and `added_deals`: the contract tables over only the
-- gained files (empty when a table gained none). least() skips NULLs in DuckDB and Spark alike.
with new_lead_events as (
    select min(least(created_at, mql_at, sql_at)) as first_at
    from added_leads
),

new_deal_events as (
    select min(least(proposal_at, closed_at)) as first_at
    from added_deals
),

relinked_deal_events as (
    select min(least(funnel_deals.proposal_at, funnel_deals.closed_at)) as first_at
    from funnel_deals
    inner join added_leads on added_leads.lead_id = funnel_deals.lead_id
),

final as (
    select least(new_lead_events.first_at, new_deal_events.first_at, relinked_deal_events.first_at)
        as first_affected_at
    from new_lead_events
    cross join new_deal_events
    cross join relinked_deal_events
)

select * from final
