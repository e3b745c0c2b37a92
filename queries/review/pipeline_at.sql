-- The whole company's deals by where they stood at a moment, and what was won in the window
-- after it: open with a proposal sent, open without one, or opened only inside the window.
-- Grain: one row per pipeline_stage ('proposal', 'no_proposal', 'not_yet_created') that has deals;
--   lost_deals counts deals open at $at and lost in the window; open_deals_without_amount those open with no amount.
-- Parameters: $at TIMESTAMP (the moment), $until TIMESTAMP (end of the outcome window,
--   exclusive; pass $at itself for the pipeline alone).
-- A deal is open at $at when it was created before it and is still open or closed later.
-- Deals without a creation date cannot be placed in time and are left out.
with placed_deals as (
    select
        case
            when created_at >= $at then 'not_yet_created'
            when proposal_at < $at then 'proposal'
            else 'no_proposal'
        end as pipeline_stage,
        case
            when created_at < $at and (status = 'open' or closed_at >= $at) then 1 else 0
        end as is_open_at,
        case
            when status = 'won' and closed_at >= $at and closed_at < $until then 1 else 0
        end as is_won_in_window,
        case
            when status = 'lost' and closed_at >= $at and closed_at < $until then 1 else 0
        end as is_lost_in_window,
        amount
    from deals
    where created_at is not null
        and created_at < $until
),

final as (
    select
        pipeline_stage,
        count(case when is_open_at = 1 then 1 end) as open_deals,
        coalesce(sum(case when is_open_at = 1 then amount end), 0) as open_amount,
        count(case when is_won_in_window = 1 then 1 end) as won_deals,
        coalesce(sum(case when is_won_in_window = 1 then amount end), 0) as won_amount,
        count(case when is_open_at = 1 and is_lost_in_window = 1 then 1 end) as lost_deals,
        count(case when is_open_at = 1 and amount is null then 1 end) as open_deals_without_amount
    from placed_deals
    where is_open_at = 1
        or (pipeline_stage = 'not_yet_created' and is_won_in_window = 1)
    group by pipeline_stage
)

select * from final
order by pipeline_stage
