-- Opportunities opened in the range (deals by their created_at), of them the ones still open in
-- the export, and the open deals without a created date (never counted in any range): the
-- funnel's opportunity stage on an export whose deals are not linked to leads.
-- Grain: one row.
-- Parameters: $start TIMESTAMP (inclusive), $end TIMESTAMP (exclusive),
--   $channel, $segment, $team VARCHAR (NULL = all).
with filtered_deals as (
    select created_at, status
    from funnel_deals
    where ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
        and ($team is null or owner_team = $team)
),

final as (
    select
        count(case when created_at >= $start and created_at < $end then 1 end) as opportunities,
        count(case when created_at >= $start and created_at < $end and status = 'open' then 1 end)
            as open_opportunities,
        count(case when created_at is null and status = 'open' then 1 end) as undated_open_opportunities
    from filtered_deals
)

select * from final
