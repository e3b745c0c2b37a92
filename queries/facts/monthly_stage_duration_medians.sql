-- Monthly stage duration medians: the rows stage_durations_by_month.sql gives for whole calendar
-- months, for the whole company and for each channel, segment and sales team alone, taken from
-- the stage duration facts once per data version (dashboard/facts/durations.py), so the review's
-- twelve-month trend reads a few hundred rows instead of every record. A median does not add up
-- from parts, hence one row per breakdown rather than the finest grain only.
-- Grain: one row per (month_start, transition, breakdown, channel, segment, owner_team) with at
--   least one record whose later stage (to_at) is in [$start, $end); breakdown is 'all' (channel,
--   segment and owner_team NULL), 'channel', 'segment' or 'owner_team' (that column holds the
--   value, NULL for records without one; the others NULL).
-- Parameters: $start TIMESTAMP (inclusive), $end TIMESTAMP (exclusive): whole months.
-- Transitions 1-5 as stage_durations_by_month.sql, records whose later stage precedes the earlier
-- one left out.
with completed as (
    select
        cast(date_trunc('month', to_at) as date) as month_start,
        transition_order,
        transition,
        channel,
        segment,
        owner_team,
        seconds / 86400.0 as days
    from stage_duration_facts
    where to_at >= $start and to_at < $end
        and transition_order <= 5
        and is_in_order
),

medians as (
    select
        month_start,
        transition_order,
        transition,
        case
            when grouping(channel) = 0 then 'channel'
            when grouping(segment) = 0 then 'segment'
            when grouping(owner_team) = 0 then 'owner_team'
            else 'all'
        end as breakdown,
        channel,
        segment,
        owner_team,
        count(*) as records,
        percentile_cont(0.5) within group (order by days) as median_days
    from completed
    group by grouping sets (
        (month_start, transition_order, transition),
        (month_start, transition_order, transition, channel),
        (month_start, transition_order, transition, segment),
        (month_start, transition_order, transition, owner_team)
    )
),

final as (
    select
        month_start,
        cast(transition_order as integer) as transition_order,
        transition,
        breakdown,
        channel,
        segment,
        owner_team,
        records,
        median_days
    from medians
)

-- Every column orders the rows: a refreshed month's file is the same as a full build's.
select * from final
order by month_start, transition_order, breakdown, channel, segment, owner_team
