-- Median and 90th-percentile working hours from hand-off to first touch of the touched leads
-- handed to sales in the range, from the hand-off facts, per rep, per team and over all: the
-- figures of `follow_up.summarise` that counts cannot add up to (follow_up_counts_from_facts.sql
-- gives the rest).
-- Grain: one row per owner (grouping_level 'owner': owner_id, owner_name, owner_team), per team
--   (grouping_level 'team': owner_team, the other keys NULL) and one row over all (grouping_level 'all'),
--   for hand-offs whose mql_at is in [$start, $end).
-- Parameters: $start TIMESTAMP (inclusive), $end TIMESTAMP (exclusive),
--   $channel, $segment, $team VARCHAR (NULL = all).
with hand_offs as (
    select owner_id, owner_name, owner_team, hours_to_first_touch
    from hand_off_facts
    where mql_at >= $start
        and mql_at < $end
        and ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
        and ($team is null or owner_team = $team)
),

by_owner as (
    select
        'owner' as grouping_level,
        owner_id,
        owner_name,
        owner_team,
        percentile_cont(0.5) within group (order by hours_to_first_touch) as median_hours_to_first_touch,
        percentile_cont(0.9) within group (order by hours_to_first_touch) as p90_hours_to_first_touch
    from hand_offs
    group by owner_id, owner_name, owner_team
),

by_team as (
    select
        'team' as grouping_level,
        cast(null as varchar) as owner_id,
        cast(null as varchar) as owner_name,
        owner_team,
        percentile_cont(0.5) within group (order by hours_to_first_touch) as median_hours_to_first_touch,
        percentile_cont(0.9) within group (order by hours_to_first_touch) as p90_hours_to_first_touch
    from hand_offs
    group by owner_team
),

overall as (
    select
        'all' as grouping_level,
        cast(null as varchar) as owner_id,
        cast(null as varchar) as owner_name,
        cast(null as varchar) as owner_team,
        percentile_cont(0.5) within group (order by hours_to_first_touch) as median_hours_to_first_touch,
        percentile_cont(0.9) within group (order by hours_to_first_touch) as p90_hours_to_first_touch
    from hand_offs
),

final as (
    select * from by_owner
    union all
    select * from by_team
    union all
    select * from overall
)

select * from final
