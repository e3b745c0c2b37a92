-- The leads handed to sales in the range, judged as of the as-of date and counted, from the
-- hand-off facts: the counts `follow_up.follow_up_counts` takes from judged rows, so the pages
-- read a few thousand rows instead of every hand-off. Status and response band are decided as
-- `follow_up.judge_follow_up` decides them (its STATUSES and RESPONSE_BANDS, BAND_EDGES 1, 4, 24):
-- an untouched lead's first touch is late once the as-of end is past first_touch_late_after_at.
-- Grain: one row per (month_start, owner_id, owner_name, owner_team, status, response_band) of the
--   hand-offs whose mql_at is in [$start, $end); response_band is NULL while a first touch is not due.
-- Parameters: $start TIMESTAMP (inclusive), $end TIMESTAMP (exclusive),
--   $as_of_end TIMESTAMP (first instant after the as-of day), $channel, $segment, $team VARCHAR (NULL = all).
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
),

judged as (
    select
        cast(date_trunc('month', mql_at) as date) as month_start,
        owner_id,
        owner_name,
        owner_team,
        case
            when not is_touched and is_first_touch_decided then 'never touched'
            when not is_touched then 'still open'
            when not is_first_touch_within then 'breached first touch'
            when is_attempts_met then 'met'
            when not is_window_over then 'still open'
            else 'breached attempts'
        end as status,
        case
            when not is_touched and is_first_touch_decided then 'never touched'
            when not is_touched then null
            when hours_to_first_touch < 1 then 'under 1 h'
            when hours_to_first_touch < 4 then '1-4 h'
            when hours_to_first_touch < 24 then '4-24 h'
            else '24 h or more'
        end as response_band,
        is_first_touch_decided,
        is_first_touch_within,
        is_attempts_met or is_window_over as is_attempts_decided,
        is_attempts_met,
        is_open and not is_touched and is_first_touch_decided as is_overdue_now,
        sql_at,
        won_at,
        won_amount
    from hand_offs
),

final as (
    select
        month_start,
        owner_id,
        owner_name,
        owner_team,
        status,
        response_band,
        count(*) as handed_off,
        count(case when is_first_touch_decided then 1 end) as first_touch_decided,
        count(case when is_first_touch_within then 1 end) as first_touch_within,
        count(case when is_attempts_decided then 1 end) as attempts_decided,
        count(case when is_attempts_met then 1 end) as attempts_met,
        count(case when is_overdue_now then 1 end) as overdue_now,
        count(sql_at) as sqls,
        count(won_at) as won,
        sum(won_amount) as won_revenue
    from judged
    group by month_start, owner_id, owner_name, owner_team, status, response_band
)

select * from final
