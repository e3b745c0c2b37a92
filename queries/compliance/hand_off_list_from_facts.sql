-- The latest leads handed to sales in the range with one of the listed statuses as of the as-of
-- date, from the hand-off facts: the page's lead list (a few thousand rows of millions) and its
-- download. The status is decided as in follow_up_counts_from_facts.sql; the caller judges the
-- rows it gets (`follow_up.judge_follow_up`) for the hours overdue and keeps the list's columns.
-- Grain: one row per hand-off whose mql_at is in [$start, $end), the $max_rows latest (by mql_at,
--   then lead_id).
-- Parameters: $start TIMESTAMP (inclusive), $end TIMESTAMP (exclusive),
--   $as_of_end TIMESTAMP (first instant after the as-of day), $channel, $segment, $team VARCHAR
--   (NULL = all), $owner_id VARCHAR (one owner's leads; NULL = every owner), $owner_missing BOOLEAN
--   (true: only leads without an owner), $statuses VARCHAR[] (the statuses listed),
--   $max_rows BIGINT (how many of the latest).
with hand_offs as (
    select
        *,
        first_touch_at is not null as is_touched,
        first_touch_at is not null or first_touch_late_after_at < $as_of_end as is_first_touch_decided,
        attempt_window_end_at <= $as_of_end as is_window_over
    from hand_off_facts
    where mql_at >= $start
        and mql_at < $end
        and ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
        and ($team is null or owner_team = $team)
        and ($owner_id is null or owner_id = $owner_id)
        and (not $owner_missing or owner_id is null)
),

judged as (
    select
        *,
        case
            when not is_touched and is_first_touch_decided then 'never touched'
            when not is_touched then 'still open'
            when not is_first_touch_within then 'breached first touch'
            when is_attempts_met then 'met'
            when not is_window_over then 'still open'
            else 'breached attempts'
        end as judged_status
    from hand_offs
),

listed_statuses as (
    select unnest($statuses) as status
),

ranked as (
    select
        judged.*,
        row_number() over (order by judged.mql_at desc, judged.lead_id) as list_rank
    from judged
    where judged.judged_status in (select status from listed_statuses)
),

final as (
    select *
    from ranked
    where list_rank <= $max_rows
)

select * from final
