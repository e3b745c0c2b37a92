-- The whole company's deals by where they stood at each of several moments, and what was won in
-- the window of $horizon_days after each: open with a proposal sent, open without one, or opened
-- only inside the window. All the moments in one scan of deals.
-- Grain: one row per (moment_at, pipeline_stage) that has deals; pipeline_stage is 'proposal',
--   'no_proposal' or 'not_yet_created'; lost_deals counts deals open at the moment and lost in the
--   window; open_deals_without_amount those open with no amount.
-- Parameters: $moments TIMESTAMP[] (the moments), $horizon_days INTEGER (each window's length;
--   a window runs from its moment, inclusive, to the moment plus the horizon, exclusive; 0 for the
--   pipeline alone).
-- A deal is open at a moment when it was created before it and is still open or closed later.
-- Deals without a creation date cannot be placed in time and are left out.
with moments as (
    select
        moment_at,
        moment_at + $horizon_days * interval 1 day as window_end_at
    from (select unnest($moments) as moment_at) as listed
),

deals_in_time as (
    select created_at, proposal_at, closed_at, status, amount
    from deals
    where created_at is not null
),

placed_deals as (
    select
        moments.moment_at,
        case
            when deals_in_time.created_at >= moments.moment_at then 'not_yet_created'
            when deals_in_time.proposal_at < moments.moment_at then 'proposal'
            else 'no_proposal'
        end as pipeline_stage,
        case
            when deals_in_time.created_at < moments.moment_at
                and (deals_in_time.status = 'open' or deals_in_time.closed_at >= moments.moment_at) then 1
            else 0
        end as is_open_at,
        case
            when deals_in_time.status = 'won' and deals_in_time.closed_at >= moments.moment_at
                and deals_in_time.closed_at < moments.window_end_at then 1
            else 0
        end as is_won_in_window,
        case
            when deals_in_time.status = 'lost' and deals_in_time.closed_at >= moments.moment_at
                and deals_in_time.closed_at < moments.window_end_at then 1
            else 0
        end as is_lost_in_window,
        deals_in_time.amount
    from moments
    -- a deal closed before the moment plays no part in it: only the deals alive then are paired
    inner join deals_in_time
        on deals_in_time.created_at < moments.window_end_at
        and (deals_in_time.status = 'open' or deals_in_time.closed_at >= moments.moment_at)
),

final as (
    select
        moment_at,
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
    group by moment_at, pipeline_stage
)

select * from final
order by moment_at desc, pipeline_stage
