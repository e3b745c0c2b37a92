-- What the files an extract gained since the hand-off facts were built add to hand-offs already
-- stored: each such lead's gained touches since its hand-off and its gained won deals, folded
-- into its stored row by the refresh (the first touch is a minimum, the last a maximum, touches
-- and attempts in the window are counts that add, the won date is a minimum and the won amount
-- a sum that adds), so months of older hand-offs are not rebuilt for a month of new touches.
-- Grain: one row per lead whose mql_at is in [$start, $end) and before $as_of_end with a gained
-- touch since its hand-off or a gained won deal.
-- Parameters: $start TIMESTAMP (inclusive), $end TIMESTAMP (exclusive),
--   $as_of_end TIMESTAMP (first instant after the as-of day), $attempt_window INTERVAL (the SLA's
--   attempt_window_days, counted from hand-off). The caller runs it once per SLA version.
-- Reads `added_touches` and `added_deals`: the contract tables over only the gained files.
-- The same conditions as follow_up_facts.sql, so a fold equals a rebuild.
with handed_off as (
    select lead_id, mql_at
    from funnel_leads
    where mql_at >= $start
        and mql_at < $end
        and mql_at < $as_of_end
),

gained_touches as (
    select
        handed_off.lead_id,
        min(added_touches.touched_at) as first_touch_at,
        max(added_touches.touched_at) as last_touch_at,
        count(*) as touches_since_hand_off,
        count(case when added_touches.touched_at < handed_off.mql_at + $attempt_window then 1 end)
            as attempts_in_window
    from handed_off
    inner join added_touches
        on added_touches.lead_id = handed_off.lead_id
        and added_touches.touched_at >= handed_off.mql_at
        and added_touches.touched_at < $as_of_end
    group by handed_off.lead_id
),

gained_won as (
    select lead_id, min(closed_at) as won_at, sum(amount) as won_amount
    from added_deals
    where status = 'won'
        and closed_at < $as_of_end
        and lead_id is not null
    group by lead_id
),

final as (
    select
        handed_off.lead_id,
        handed_off.mql_at,
        gained_touches.first_touch_at,
        gained_touches.last_touch_at,
        coalesce(gained_touches.touches_since_hand_off, 0) as touches_since_hand_off,
        coalesce(gained_touches.attempts_in_window, 0) as attempts_in_window,
        gained_won.won_at,
        gained_won.won_amount
    from handed_off
    left join gained_touches on gained_touches.lead_id = handed_off.lead_id
    left join gained_won on gained_won.lead_id = handed_off.lead_id
    where gained_touches.lead_id is not null
        or gained_won.lead_id is not null
)

select * from final
