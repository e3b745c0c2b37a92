-- The settled follow-up facts of each lead handed to sales in the range, read from the
-- hand-off facts built once per data version (dashboard/facts/hand_offs.py: the rows of
-- follow_up_facts.sql over each SLA version's whole period, with the working hours to first
-- touch, the deadline and the attempt rule's result under the version in force at hand-off).
-- Grain: one row per lead whose mql_at is in [$start, $end), with the SLA version judging it.
-- Parameters: $start TIMESTAMP (inclusive), $end TIMESTAMP (exclusive),
--   $channel, $segment, $team VARCHAR (NULL = all).
with final as (
    select *
    from hand_off_facts
    where mql_at >= $start
        and mql_at < $end
        and ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
        and ($team is null or owner_team = $team)
)

select * from final
