-- The leads handed to sales in the range that are still with sales and have never been touched,
-- from the hand-off facts: the rows behind "overdue now" (call today or recycle), which the
-- caller judges as of the as-of date (`follow_up.judge_follow_up`: hours overdue or left).
-- Grain: one row per hand-off whose mql_at is in [$start, $end), is_open and without a first touch.
-- Parameters: $start TIMESTAMP (inclusive), $end TIMESTAMP (exclusive),
--   $channel, $segment, $team VARCHAR (NULL = all).
with final as (
    select *
    from hand_off_facts
    where mql_at >= $start
        and mql_at < $end
        and first_touch_at is null
        and is_open
        and ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
        and ($team is null or owner_team = $team)
)

select * from final
