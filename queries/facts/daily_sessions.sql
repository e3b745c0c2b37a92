-- Daily sessions by channel, as funnel_stage_counts_period.sql sums them (traffic is split by
-- channel only). Built once per data version into the facts (dashboard/facts/stage_counts.py).
-- Grain: one row per (day, channel) with traffic in [$start, $end); channel may be NULL.
-- Parameters: $start TIMESTAMP (inclusive), $end TIMESTAMP (exclusive).
with final as (
    select date as day, channel, coalesce(sum(sessions), 0) as sessions
    from traffic
    where date >= cast($start as date)
        and date < cast($end as date)
    group by date, channel
)

select * from final
order by day, channel
