-- The first hand-off whose month the files an extract gained since the facts were built must
-- rebuild: a lead newly handed off. Gained touches and won deals of hand-offs already stored are
-- folded into their rows instead (hand_off_facts_added.sql), so they move no month here.
-- Grain: one row. Parameters: none.
-- Reads `added_leads`: the contract table over only the gained files (empty when it gained none).
with new_hand_offs as (
    select min(mql_at) as first_at
    from added_leads
),

final as (
    select new_hand_offs.first_at as first_affected_at
    from new_hand_offs
)

select * from final
