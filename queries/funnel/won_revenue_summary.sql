-- Won revenue and deal outcomes for the deals closed in the range.
-- Grain: one row.
-- Parameters: $start TIMESTAMP (inclusive), $end TIMESTAMP (exclusive),
--   $channel, $segment, $team VARCHAR (NULL = all).
-- Won deals with no amount are counted apart so revenue is never silently understated.
with closed_deals as (
    select status, amount, is_sales_sourced
    from funnel_deals
    where closed_at >= $start
        and closed_at < $end
        and ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
        and ($team is null or owner_team = $team)
),

final as (
    select
        count(case when status = 'won' then 1 end) as won_deals,
        count(case when status = 'lost' then 1 end) as lost_deals,
        coalesce(sum(case when status = 'won' then amount end), 0) as won_revenue,
        avg(case when status = 'won' then amount end) as avg_deal_size,
        count(case when status = 'won' and amount is null then 1 end) as won_deals_without_amount,
        count(case when status = 'won' and is_sales_sourced then 1 end) as sales_sourced_won_deals,
        coalesce(sum(case when status = 'won' and is_sales_sourced then amount end), 0)
            as sales_sourced_won_revenue
    from closed_deals
)

select * from final
