-- Opportunities opened per calendar month (deals by their created_at): the opportunity stage of
-- the monthly funnel on an export whose deals are not linked to leads.
-- Grain: one row per month with at least one opportunity opened; the caller fills empty months.
-- Parameters: $start TIMESTAMP (inclusive), $end TIMESTAMP (exclusive),
--   $channel, $segment, $team VARCHAR (NULL = all).
with opened as (
    select cast(date_trunc('month', created_at) as date) as month_start
    from funnel_deals
    where created_at >= $start and created_at < $end
        and ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
        and ($team is null or owner_team = $team)
),

final as (
    select month_start, count(*) as opportunities
    from opened
    group by month_start
)

select * from final
order by month_start
