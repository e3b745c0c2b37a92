-- How many months before its win each won deal passed each earlier stage: the lag profile the
-- planner uses to say when leads, MQLs, SQLs and proposals must arrive for a win in a month.
-- Deals are selected by the month they were won, so the profile answers "deals won in a month
-- came from leads created how many months earlier".
-- Grain: one row per stage (lead, mql, sql, opportunity, proposal) x segment x months_before_won.
-- Parameters: $start TIMESTAMP (inclusive), $end TIMESTAMP (exclusive): when the deals were won;
--   $channel, $segment, $team VARCHAR (NULL = all).
-- months_before_won counts calendar months: a lead created on 30 Sep for a deal won on 2 Oct is 1.
-- Sales-sourced deals have no lead, so they count at the opportunity and proposal stages only
-- (segment NULL; the opportunity stage, the deal's created_at, is read only where deals have no leads).
-- A stage dated after the win (bad data) is left out.
with won_deals as (
    select closed_at, created_at, proposal_at, lead_created_at, lead_mql_at, lead_sql_at, segment
    from funnel_deals
    where status = 'won'
        and closed_at >= $start
        and closed_at < $end
        and ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
        and ($team is null or owner_team = $team)
),

stage_dates as (
    select 'lead' as stage, segment, lead_created_at as stage_at, closed_at from won_deals
    union all
    select 'mql', segment, lead_mql_at, closed_at from won_deals
    union all
    select 'sql', segment, lead_sql_at, closed_at from won_deals
    union all
    select 'opportunity', segment, created_at, closed_at from won_deals
    union all
    select 'proposal', segment, proposal_at, closed_at from won_deals
),

offsets as (
    select
        stage,
        segment,
        (extract(year from closed_at) - extract(year from stage_at)) * 12
            + extract(month from closed_at) - extract(month from stage_at) as months_before_won
    from stage_dates
    where stage_at is not null
        and stage_at <= closed_at
),

final as (
    select stage, segment, cast(months_before_won as integer) as months_before_won, count(*) as won_deals
    from offsets
    group by stage, segment, months_before_won
)

select * from final
order by stage, segment, months_before_won
