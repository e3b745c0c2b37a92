-- Hand-back facts: each time sales closed out a lead without converting it (recycled to
-- marketing, or disqualified), with what sales_hand_backs.sql reports about it that does not
-- depend on the as-of date or the range. Built once per data version into the facts
-- (dashboard/facts/hand_backs.py, which adds the reason under the recycle rule in force);
-- sales_hand_backs_from_facts.sql and hand_back_reasons_from_facts.sql apply the as-of date and
-- the range when they read them.
-- Grain: one row per (lead, exit_kind) whose exit_at (recycled_at or disqualified_at) is in
--   [$start, $end): a lead both recycled and disqualified has two rows.
--   won_after_exit_at is the first won deal closed after the exit whenever it closed: cut at
--   the as-of date it is the first one before it, as sales_hand_backs.sql finds it.
--   handed_off_at is mql_at when it came before the exit (a later one is a re-MQL).
-- Parameters: $start TIMESTAMP (inclusive), $end TIMESTAMP (exclusive).
-- Each branch filters on its own date column so date pruning applies per branch.
with exits as (
    select
        lead_id, owner_id, owner_team, channel, segment, created_at, mql_at, sql_at, disqualified_at,
        'disqualified' as exit_kind,
        disqualified_at as exit_at
    from funnel_leads
    where disqualified_at >= $start
        and disqualified_at < $end
    union all
    select
        lead_id, owner_id, owner_team, channel, segment, created_at, mql_at, sql_at, disqualified_at,
        'recycled' as exit_kind,
        recycled_at as exit_at
    from funnel_leads
    where recycled_at >= $start
        and recycled_at < $end
),

-- As in sales_hand_backs.sql: attempts count from the hand-off to the exit, or from the
-- lead's creation when the hand-off is not known (no mql_at, or a later re-MQL replaced it).
exit_windows as (
    select
        lead_id,
        exit_kind,
        exit_at,
        case when mql_at <= exit_at then mql_at else created_at end as counted_from
    from exits
),

attempts_before_exit as (
    select
        exit_windows.lead_id,
        exit_windows.exit_kind,
        count(*) as attempts_before_exit,
        min(touches.touched_at) as first_touch_at
    from exit_windows
    inner join touches
        on touches.lead_id = exit_windows.lead_id
        and touches.touched_at >= exit_windows.counted_from
        and touches.touched_at <= exit_windows.exit_at
    group by exit_windows.lead_id, exit_windows.exit_kind
),

won_after_exit as (
    select exits.lead_id, exits.exit_kind, min(deals.closed_at) as won_after_exit_at
    from exits
    inner join deals
        on deals.lead_id = exits.lead_id
        and deals.status = 'won'
        and deals.closed_at > exits.exit_at
    group by exits.lead_id, exits.exit_kind
),

rep_names as (
    select rep_id, min(name) as name
    from reps
    group by rep_id
),

final as (
    select
        exits.exit_at,
        exits.exit_kind,
        exits.lead_id,
        exits.owner_id,
        rep_names.name as owner_name,
        exits.owner_team,
        exits.channel,
        exits.segment,
        exits.mql_at,
        case when exits.mql_at <= exits.exit_at then exits.mql_at end as handed_off_at,
        exits.sql_at,
        exits.disqualified_at,
        coalesce(attempts_before_exit.attempts_before_exit, 0) as attempts_before_exit,
        attempts_before_exit.first_touch_at,
        won_after_exit.won_after_exit_at
    from exits
    left join attempts_before_exit
        on attempts_before_exit.lead_id = exits.lead_id
        and attempts_before_exit.exit_kind = exits.exit_kind
    left join won_after_exit
        on won_after_exit.lead_id = exits.lead_id
        and won_after_exit.exit_kind = exits.exit_kind
    left join rep_names on rep_names.rep_id = exits.owner_id
)

select * from final
order by exit_at, lead_id, exit_kind
