-- How long three in four won deals take from lead creation to close: the age a cohort must
-- reach before its later-stage rates stop rising.
-- Grain: one row. Parameters: $as_of_end TIMESTAMP (exclusive), $channel, $segment, $team
-- VARCHAR (NULL = all).
with won_from_leads as (
    select date_diff('second', lead_created_at, closed_at) / 86400.0 as days
    from funnel_deals
    where status = 'won'
        and closed_at < $as_of_end
        and lead_created_at is not null
        and ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
        and ($team is null or owner_team = $team)
),

final as (
    select
        count(*) as won_deals,
        percentile_cont(0.75) within group (order by case when days >= 0 then days end) as p75_days
    from won_from_leads
)

select * from final
