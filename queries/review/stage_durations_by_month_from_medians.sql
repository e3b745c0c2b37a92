-- Median days between funnel stages by calendar month, from the monthly medians kept with the
-- facts (monthly_stage_duration_medians.sql): the same rows as stage_durations_by_month.sql for a
-- range of whole months (or ending after the data's last day), for the whole company or one of
-- channel, segment or team (the caller picks this query only then).
-- Grain: one row per (month_start, transition) with at least one record; transitions are
--   lead_to_mql, mql_to_sql, sql_to_proposal, proposal_to_won, deal_to_won.
-- Parameters: $start TIMESTAMP (inclusive), $end TIMESTAMP (exclusive),
--   $channel, $segment, $team VARCHAR (NULL = all; at most one set).
with wanted as (
    select
        case
            when $channel is not null then 'channel'
            when $segment is not null then 'segment'
            when $team is not null then 'owner_team'
            else 'all'
        end as breakdown
),

final as (
    select
        medians.month_start,
        medians.transition_order,
        medians.transition,
        medians.records,
        medians.median_days
    from monthly_stage_duration_medians as medians
    inner join wanted on wanted.breakdown = medians.breakdown
    where medians.month_start >= cast($start as date)
        and medians.month_start < cast($end as date)
        and ($channel is null or medians.channel = $channel)
        and ($segment is null or medians.segment = $segment)
        and ($team is null or medians.owner_team = $team)
)

select * from final
order by month_start, transition_order
