-- The deals behind a deal-stage count: opportunities opened, proposals sent or deals won in the
-- range, or the pipeline open at the end of the range, with owner, dates and amount.
-- Grain: one row per deal.
-- Parameters: $stage VARCHAR ('opportunity': created_at in the range; 'proposal': proposal_at in
--   the range; 'won': won with closed_at in the range; 'pipeline': open at $end, i.e. created
--   before it and still open or closed later), $start TIMESTAMP (inclusive), $end TIMESTAMP (exclusive),
--   $channel, $segment, $team VARCHAR (NULL = all).
with filtered_deals as (
    select *
    from funnel_deals
    where ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
        and ($team is null or owner_team = $team)
),

owners as (
    select rep_id, min(name) as owner_name
    from reps
    group by rep_id
),

chosen_deals as (
    select
        filtered_deals.*,
        case
            when $stage = 'opportunity' and created_at >= $start and created_at < $end then 1
            when $stage = 'proposal' and proposal_at >= $start and proposal_at < $end then 1
            when $stage = 'won' and status = 'won' and closed_at >= $start and closed_at < $end then 1
            when $stage = 'pipeline' and created_at < $end and (status = 'open' or closed_at >= $end) then 1
            else 0
        end as is_chosen
    from filtered_deals
),

final as (
    select
        chosen_deals.deal_id,
        chosen_deals.lead_id,
        chosen_deals.status,
        chosen_deals.amount,
        chosen_deals.created_at,
        chosen_deals.proposal_at,
        chosen_deals.closed_at,
        case when chosen_deals.proposal_at < $end then true else false end as is_proposal_sent_by_end,
        chosen_deals.is_sales_sourced,
        chosen_deals.channel,
        chosen_deals.segment,
        chosen_deals.owner_id,
        owners.owner_name,
        chosen_deals.owner_team
    from chosen_deals
    left join owners on owners.rep_id = chosen_deals.owner_id
    where chosen_deals.is_chosen = 1
)

select * from final
-- the open pipeline biggest deal first; the other lists in the order things happened
order by
    case when $stage = 'pipeline' then amount end desc nulls last,
    coalesce(closed_at, proposal_at, created_at),
    deal_id
