-- The first day whose hand-back facts the files the extracts gained since the facts were built
-- can change: exits of new leads and exits of leads with a new touch up to the exit. The
-- hand-back facts are rebuilt from that day's month on. A new won deal is not one of them: it
-- can move the first win after an exit of any age, so it is folded into the stored months
-- instead (hand_back_wins_added.sql), which rebuilds none of them.
-- Grain: one row. Parameters: none.
-- Reads `added_leads` and `added_touches`: the contract tables over only the gained files
-- (empty when a table gained none). least() skips NULLs in DuckDB and Spark alike.
with new_exits as (
    select min(least(recycled_at, disqualified_at)) as first_at
    from added_leads
),

newly_touched as (
    select
        min(least(
            case when added_touches.touched_at <= funnel_leads.recycled_at then funnel_leads.recycled_at end,
            case when added_touches.touched_at <= funnel_leads.disqualified_at then funnel_leads.disqualified_at end
        )) as first_at
    from added_touches
    inner join funnel_leads on funnel_leads.lead_id = added_touches.lead_id
),

final as (
    select least(new_exits.first_at, newly_touched.first_at) as first_affected_at
    from new_exits
    cross join newly_touched
)

select * from final
