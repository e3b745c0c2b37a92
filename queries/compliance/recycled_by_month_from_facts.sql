-- MQLs handed back to marketing (recycled) in the range, by month and owning sales team, from
-- the hand-back facts built once per data version: the same rows as recycled_by_month.sql,
-- which reads the extracts. A lead also disqualified in the range counts as disqualified (not
-- here), as in sales_hand_backs_from_facts.sql.
-- Grain: one row per (month_start, owner_team) with at least one recycled lead; owner_team is
--   NULL for leads without an owner on a team.
-- Parameters: $start TIMESTAMP (inclusive), $end TIMESTAMP (exclusive),
--   $as_of_end TIMESTAMP (first instant after the as-of day),
--   $channel, $segment, $team VARCHAR (NULL = all).
with recycled as (
    select cast(date_trunc('month', exit_at) as date) as month_start, owner_team
    from hand_back_facts
    where exit_kind = 'recycled'
        and exit_at >= $start
        and exit_at < $end
        and exit_at < $as_of_end
        and not coalesce(disqualified_at >= $start and disqualified_at < $end and disqualified_at < $as_of_end, false)
        and ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
        and ($team is null or owner_team = $team)
),

final as (
    select month_start, owner_team, count(*) as recycled
    from recycled
    group by month_start, owner_team
)

select * from final
order by month_start, owner_team
