-- The traffic rows behind a sessions count: sessions per day and channel in the range.
-- Grain: one row per (date, channel).
-- Parameters: $start TIMESTAMP (inclusive), $end TIMESTAMP (exclusive), $channel VARCHAR (NULL = all).
with daily_sessions as (
    select date, channel, sum(sessions) as sessions
    from traffic
    where date >= cast($start as date)
        and date < cast($end as date)
        and ($channel is null or channel = $channel)
    group by date, channel
),

final as (
    select date, channel, sessions
    from daily_sessions
)

select * from final
order by date, channel
