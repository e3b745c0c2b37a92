-- The first day whose daily sessions the traffic files gained since the facts were built
-- change: the sessions are rebuilt from that day's month on.
-- Grain: one row. Parameters: none.
-- Reads `added_traffic`: the traffic contract table over only the gained files (empty when none).
with final as (
    select min(cast(date as timestamp)) as first_affected_at
    from added_traffic
)

select * from final
