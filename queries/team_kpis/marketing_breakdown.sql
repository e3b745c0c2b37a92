-- Marketing's numbers by channel and by segment for the range, period view (each count is of
-- events in the range, as in the funnel): sessions (by channel only: traffic has no segment),
-- leads created, MQLs handed off, SQLs accepted, MQLs recycled or disqualified, and deals won
-- with their revenue (through the deal's lead).
-- Grain: one row per (dimension, value), dimension 'channel' or 'segment'; leads without a
--   channel or segment are grouped under value NULL.
-- Parameters: $start TIMESTAMP (inclusive), $end TIMESTAMP (exclusive),
--   $channel, $segment, $team VARCHAR (NULL = all).
-- One row per lead event in the range, each stage read by its own scan with its own date
-- predicate so that the scans skip the row groups outside the range (one scan of every lead
-- with a CASE per stage reads them all).
with lead_events as (
    select channel, segment, 1 as is_lead, 0 as is_mql, 0 as is_sql, 0 as is_recycled, 0 as is_disqualified
    from funnel_leads
    where created_at >= $start and created_at < $end
        and ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
        and ($team is null or owner_team = $team)
    union all
    select channel, segment, 0, 1, 0, 0, 0
    from funnel_leads
    where mql_at >= $start and mql_at < $end
        and ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
        and ($team is null or owner_team = $team)
    union all
    select channel, segment, 0, 0, 1, 0, 0
    from funnel_leads
    where sql_at >= $start and sql_at < $end
        and ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
        and ($team is null or owner_team = $team)
    union all
    select channel, segment, 0, 0, 0, 1, 0
    from funnel_leads
    where recycled_at >= $start and recycled_at < $end
        and ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
        and ($team is null or owner_team = $team)
    union all
    select channel, segment, 0, 0, 0, 0, 1
    from funnel_leads
    where disqualified_at >= $start and disqualified_at < $end
        and ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
        and ($team is null or owner_team = $team)
),

won_deals as (
    select channel, segment, amount
    from funnel_deals
    where status = 'won'
        and closed_at >= $start
        and closed_at < $end
        and not is_sales_sourced
        and ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
        and ($team is null or owner_team = $team)
),

by_channel as (
    select 'channel' as dimension, channel as value, sum(is_lead) as leads, sum(is_mql) as mqls,
        sum(is_sql) as sqls, sum(is_recycled) as recycled, sum(is_disqualified) as disqualified
    from lead_events
    group by channel
),

by_segment as (
    select 'segment' as dimension, segment as value, sum(is_lead) as leads, sum(is_mql) as mqls,
        sum(is_sql) as sqls, sum(is_recycled) as recycled, sum(is_disqualified) as disqualified
    from lead_events
    group by segment
),

won_by_dimension as (
    select 'channel' as dimension, channel as value, count(*) as won_deals,
        coalesce(sum(amount), 0) as won_revenue
    from won_deals
    group by channel
    union all
    select 'segment', segment, count(*), coalesce(sum(amount), 0)
    from won_deals
    group by segment
),

sessions_by_channel as (
    select 'channel' as dimension, channel as value, sum(sessions) as sessions
    from traffic
    where date >= cast($start as date)
        and date < cast($end as date)
        and ($channel is null or channel = $channel)
    group by channel
),

lead_rows as (
    select * from by_channel
    union all
    select * from by_segment
),

final as (
    select
        coalesce(lead_rows.dimension, sessions_by_channel.dimension) as dimension,
        coalesce(lead_rows.value, sessions_by_channel.value) as value,
        sessions_by_channel.sessions,
        coalesce(lead_rows.leads, 0) as leads,
        coalesce(lead_rows.mqls, 0) as mqls,
        coalesce(lead_rows.sqls, 0) as sqls,
        coalesce(lead_rows.recycled, 0) as recycled,
        coalesce(lead_rows.disqualified, 0) as disqualified,
        coalesce(won_by_dimension.won_deals, 0) as won_deals,
        coalesce(won_by_dimension.won_revenue, 0) as won_revenue
    from lead_rows
    full outer join sessions_by_channel
        on sessions_by_channel.dimension = lead_rows.dimension
        and sessions_by_channel.value = lead_rows.value
    left join won_by_dimension
        on won_by_dimension.dimension = coalesce(lead_rows.dimension, sessions_by_channel.dimension)
        and won_by_dimension.value is not distinct from coalesce(lead_rows.value, sessions_by_channel.value)
)

select * from final
order by dimension, value
