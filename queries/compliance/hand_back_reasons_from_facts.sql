-- Why leads left sales without converting, counted by reason, from the hand-back facts built once
-- per data version (their reason settled there under the recycle rule in force at hand-off,
-- follow_up.settle_hand_back_reasons): the rows follow_up.hand_back_reasons makes of
-- sales_hand_backs_from_facts.sql, so the page reads a few rows instead of every hand-back.
-- Grain: one row per reason of the leads whose recycled_at or disqualified_at is in [$start, $end)
--   and before $as_of_end; a lead both recycled and disqualified counts once, by its
--   disqualification. Most leads first.
--   Later outcome, the furthest reached before $as_of_end: won later, became SQL later, re-MQL'd
--   (handed off again after the exit), else no later activity.
--   median_days_in_sales is NULL for a reason whose every lead has an unknown hand-off date.
-- Parameters: $start TIMESTAMP (inclusive), $end TIMESTAMP (exclusive),
--   $as_of_end TIMESTAMP (first instant after the as-of day),
--   $channel, $segment, $team VARCHAR (NULL = all).
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

counted_exits as (
    select
        reason,
        attempts_before_exit,
        days_in_sales,
        case
            when won_after_exit_at < $as_of_end then 'won_later'
            when sql_at > exit_at and sql_at < $as_of_end then 'sql_later'
            when mql_at > exit_at and mql_at < $as_of_end then 're_mql'
            else 'no_later_activity'
        end as later_outcome
    from exits
    where exit_kind = 'disqualified'
        or not coalesce(disqualified_at >= $start and disqualified_at < $end and disqualified_at < $as_of_end, false)
),

final as (
    select
        reason,
        count(*) as leads,
        percentile_cont(0.5) within group (order by attempts_before_exit) as median_attempts,
        percentile_cont(0.5) within group (order by days_in_sales) as median_days_in_sales,
        count(case when later_outcome = 'won_later' then 1 end) as won_later,
        count(case when later_outcome = 'sql_later' then 1 end) as sql_later,
        count(case when later_outcome = 're_mql' then 1 end) as re_mql,
        count(case when later_outcome = 'no_later_activity' then 1 end) as no_later_activity
    from counted_exits
    group by reason
)

select * from final
order by leads desc, reason
