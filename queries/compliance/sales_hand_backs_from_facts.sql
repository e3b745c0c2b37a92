-- Leads sales closed out in the range without converting, from the hand-back facts built once
-- per data version: the same rows as sales_hand_backs.sql, judged as of the as-of date here.
-- Grain: one row per lead whose recycled_at or disqualified_at is in [$start, $end) and before
--   $as_of_end. A lead both recycled and disqualified counts once, by its disqualification.
-- Parameters: $start TIMESTAMP (inclusive), $end TIMESTAMP (exclusive),
--   $as_of_end TIMESTAMP (first instant after the as-of day),
--   $channel, $segment, $team VARCHAR (NULL = all).
-- A lead handed off again after it was recycled shows an mql_at later than its exit: a re-MQL.
with exits as (
    select *
    from hand_back_facts
    where exit_at >= $start
        and exit_at < $end
        and exit_at < $as_of_end
        and ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
        and ($team is null or owner_team = $team)
),

final as (
    select
        lead_id,
        owner_id,
        owner_name,
        owner_team,
        channel,
        segment,
        exit_kind,
        exit_at,
        handed_off_at,
        attempts_before_exit,
        first_touch_at,
        mql_at > exit_at and mql_at < $as_of_end as is_re_mql,
        case when sql_at > exit_at and sql_at < $as_of_end then sql_at end as sql_after_exit_at,
        case when won_after_exit_at < $as_of_end then won_after_exit_at end as won_after_exit_at
    from exits
    where exit_kind = 'disqualified'
        or not coalesce(disqualified_at >= $start and disqualified_at < $end and disqualified_at < $as_of_end, false)
)

select * from final
