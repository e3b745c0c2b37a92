-- The first and last day with a funnel event (lead created, MQL, SQL, proposal, deal closed,
-- traffic): the months the daily stage counts cover. Grain: one row. Parameters: none.
-- least() and greatest() skip NULLs in DuckDB and Spark alike.
with lead_events as (
    select min(least(created_at, mql_at, sql_at)) as first_at, max(greatest(created_at, mql_at, sql_at)) as last_at
    from leads
),

deal_events as (
    select min(least(proposal_at, closed_at)) as first_at, max(greatest(proposal_at, closed_at)) as last_at
    from deals
),

traffic_days as (
    select min(cast(date as timestamp)) as first_at, max(cast(date as timestamp)) as last_at
    from traffic
),

final as (
    select
        least(lead_events.first_at, deal_events.first_at, traffic_days.first_at) as first_at,
        greatest(lead_events.last_at, deal_events.last_at, traffic_days.last_at) as last_at
    from lead_events
    cross join deal_events
    cross join traffic_days
)

select * from final
