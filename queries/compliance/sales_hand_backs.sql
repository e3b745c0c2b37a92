-- Leads sales closed out in the range without converting: handed back to marketing
-- (recycled) or disqualified, with what the rule needs to explain why (attempts made before,
-- time since hand-off) and what happened to them afterwards, as known on the as-of date.
-- Grain: one row per lead whose recycled_at or disqualified_at is in [$start, $end) and before
--   $as_of_end. A lead both recycled and disqualified counts once, by its disqualification.
-- Parameters: $start TIMESTAMP (inclusive), $end TIMESTAMP (exclusive),
--   $as_of_end TIMESTAMP (first instant after the as-of day),
--   $channel, $segment, $team VARCHAR (NULL = all).
-- The extract keeps one mql_at per lead, so a lead handed off again after it was recycled
-- shows an mql_at later than its recycled_at: that is how a re-MQL is recognised.
-- Recycled and disqualified leads are read in two branches, each filtered on its own date
-- column (and not through a shared CTE), so that DuckDB can skip the row groups outside the range.
with disqualified_in_range as (
    select
        lead_id, owner_id, owner_team, channel, segment, created_at, mql_at, sql_at,
        'disqualified' as exit_kind,
        disqualified_at as exit_at
    from funnel_leads
    where disqualified_at >= $start
        and disqualified_at < $end
        and disqualified_at < $as_of_end
        and ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
        and ($team is null or owner_team = $team)
),

recycled_in_range as (
    select
        lead_id, owner_id, owner_team, channel, segment, created_at, mql_at, sql_at,
        'recycled' as exit_kind,
        recycled_at as exit_at
    from funnel_leads
    where recycled_at >= $start
        and recycled_at < $end
        and recycled_at < $as_of_end
        and not coalesce(disqualified_at >= $start and disqualified_at < $end and disqualified_at < $as_of_end, false)
        and ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
        and ($team is null or owner_team = $team)
),

exits as (
    select * from disqualified_in_range
    union all
    select * from recycled_in_range
),

-- Attempts count from the hand-off to the exit; when the hand-off is not known (no mql_at, or
-- a later re-MQL replaced it) from the lead's creation. The first of them bounds the unknown
-- hand-off from above (a lead is touched after it is handed off). The lower bound also lets DuckDB skip
-- the touches older than every exit's lead.
exit_windows as (
    select
        lead_id,
        exit_at,
        case when mql_at <= exit_at then mql_at else created_at end as counted_from
    from exits
),

attempts_before_exit as (
    select exit_windows.lead_id, count(*) as attempts_before_exit, min(touches.touched_at) as first_touch_at
    from exit_windows
    inner join touches
        on touches.lead_id = exit_windows.lead_id
        and touches.touched_at >= exit_windows.counted_from
        and touches.touched_at <= exit_windows.exit_at
    group by exit_windows.lead_id
),

won_after_exit as (
    select exits.lead_id, min(deals.closed_at) as won_after_exit_at
    from exits
    inner join deals
        on deals.lead_id = exits.lead_id
        and deals.status = 'won'
        and deals.closed_at > exits.exit_at
        and deals.closed_at < $as_of_end
    group by exits.lead_id
),

rep_names as (
    select rep_id, min(name) as name
    from reps
    group by rep_id
),

final as (
    select
        exits.lead_id,
        exits.owner_id,
        rep_names.name as owner_name,
        exits.owner_team,
        exits.channel,
        exits.segment,
        exits.exit_kind,
        exits.exit_at,
        case when exits.mql_at <= exits.exit_at then exits.mql_at end as handed_off_at,
        coalesce(attempts_before_exit.attempts_before_exit, 0) as attempts_before_exit,
        attempts_before_exit.first_touch_at,
        exits.mql_at > exits.exit_at and exits.mql_at < $as_of_end as is_re_mql,
        case when exits.sql_at > exits.exit_at and exits.sql_at < $as_of_end then exits.sql_at end
            as sql_after_exit_at,
        won_after_exit.won_after_exit_at
    from exits
    left join attempts_before_exit on attempts_before_exit.lead_id = exits.lead_id
    left join won_after_exit on won_after_exit.lead_id = exits.lead_id
    left join rep_names on rep_names.rep_id = exits.owner_id
)

select * from final
