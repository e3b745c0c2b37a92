-- Follow-up facts of each lead handed to sales in the range, as known on the as-of date:
-- who owns it, when it was handed off, its first touch, how many attempts fell inside the
-- attempt window, and when it converted, was disqualified, recycled or won.
-- Grain: one row per lead whose mql_at is in [$start, $end) and before $as_of_end.
-- Parameters: $start TIMESTAMP (inclusive), $end TIMESTAMP (exclusive),
--   $as_of_end TIMESTAMP (first instant after the as-of day: later events have not happened),
--   $attempt_window INTERVAL (the SLA's attempt_window_days, counted from hand-off),
--   $channel, $segment, $team VARCHAR (NULL = all).
-- Touches count from the hand-off on, by any rep. The caller runs this once per SLA version,
-- with the range clipped to that version's period, so each lead is judged by its own rules.
with handed_off as (
    select
        lead_id,
        owner_id,
        owner_team,
        channel,
        segment,
        mql_at,
        case when sql_at < $as_of_end then sql_at end as sql_at,
        case when disqualified_at < $as_of_end then disqualified_at end as disqualified_at,
        case when recycled_at < $as_of_end then recycled_at end as recycled_at
    from funnel_leads
    where mql_at >= $start
        and mql_at < $end
        and mql_at < $as_of_end
        and ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
        and ($team is null or owner_team = $team)
),

-- A touch before $start cannot follow a hand-off in the range; saying so lets the scan skip
-- the row groups of earlier touches (the join alone would read all of them).
recent_touches as (
    select lead_id, touched_at
    from touches
    where touched_at >= $start
        and touched_at < $as_of_end
),

lead_touches as (
    select
        handed_off.lead_id,
        min(touches.touched_at) as first_touch_at,
        max(touches.touched_at) as last_touch_at,
        count(*) as touches_since_hand_off,
        count(case when touches.touched_at < handed_off.mql_at + $attempt_window then 1 end)
            as attempts_in_window
    from handed_off
    inner join recent_touches as touches
        on touches.lead_id = handed_off.lead_id
        and touches.touched_at >= handed_off.mql_at
    group by handed_off.lead_id
),

won_deals as (
    select lead_id, min(closed_at) as won_at, sum(amount) as won_amount
    from funnel_deals
    where status = 'won'
        and closed_at < $as_of_end
        and lead_id is not null
    group by lead_id
),

rep_names as (
    select rep_id, min(name) as name, min(role) as role
    from reps
    group by rep_id
),

final as (
    select
        handed_off.lead_id,
        handed_off.owner_id,
        rep_names.name as owner_name,
        rep_names.role as owner_role,
        handed_off.owner_team,
        handed_off.channel,
        handed_off.segment,
        handed_off.mql_at,
        handed_off.sql_at,
        handed_off.disqualified_at,
        handed_off.recycled_at,
        lead_touches.first_touch_at,
        lead_touches.last_touch_at,
        coalesce(lead_touches.touches_since_hand_off, 0) as touches_since_hand_off,
        coalesce(lead_touches.attempts_in_window, 0) as attempts_in_window,
        won_deals.won_at,
        won_deals.won_amount
    from handed_off
    left join lead_touches on lead_touches.lead_id = handed_off.lead_id
    left join won_deals on won_deals.lead_id = handed_off.lead_id
    left join rep_names on rep_names.rep_id = handed_off.owner_id
)

select * from final
