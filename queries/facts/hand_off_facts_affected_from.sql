-- The first hand-off whose follow-up facts the files an extract gained since the facts were
-- built can change: a lead newly handed off, a lead with a new touch since its hand-off, a lead
-- with a new won deal. The hand-off facts are rebuilt from that day's month on.
-- Grain: one row. Parameters: none.
-- Reads `added_leads`, `added_touches` and `added_deals`: the contract tables over only the
-- gained files (empty when a table gained none).
with new_hand_offs as (
    select min(mql_at) as first_at
    from added_leads
),

newly_touched as (
    select min(funnel_leads.mql_at) as first_at
    from added_touches
    inner join funnel_leads
        on funnel_leads.lead_id = added_touches.lead_id
        and added_touches.touched_at >= funnel_leads.mql_at
),

newly_won as (
    select min(funnel_leads.mql_at) as first_at
    from added_deals
    inner join funnel_leads on funnel_leads.lead_id = added_deals.lead_id
    where added_deals.status = 'won'
),

final as (
    select least(new_hand_offs.first_at, newly_touched.first_at, newly_won.first_at) as first_affected_at
    from new_hand_offs
    cross join newly_touched
    cross join newly_won
)

select * from final
