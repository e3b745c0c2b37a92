-- Won revenue and deal outcomes for the deals closed in the range, from the daily stage counts
-- built once per data version: the row of won_revenue_summary.sql.
-- Grain: one row.
-- Parameters: $start TIMESTAMP (inclusive), $end TIMESTAMP (exclusive),
--   $channel, $segment, $team VARCHAR (NULL = all).
-- Won deals with no amount are counted apart so revenue is never silently understated.
with closed_days as (
    select won, lost, won_revenue, won_with_amount, won_without_amount, sales_sourced_won,
        sales_sourced_won_revenue
    from daily_stage_counts
    where day >= cast($start as date)
        and day < cast($end as date)
        and ($channel is null or channel = $channel)
        and ($segment is null or segment = $segment)
        and ($team is null or owner_team = $team)
),

final as (
    select
        cast(coalesce(sum(won), 0) as bigint) as won_deals,
        cast(coalesce(sum(lost), 0) as bigint) as lost_deals,
        coalesce(sum(won_revenue), 0) as won_revenue,
        cast(sum(won_revenue) as double) / nullif(sum(won_with_amount), 0) as avg_deal_size,
        cast(coalesce(sum(won_without_amount), 0) as bigint) as won_deals_without_amount,
        cast(coalesce(sum(sales_sourced_won), 0) as bigint) as sales_sourced_won_deals,
        coalesce(sum(sales_sourced_won_revenue), 0) as sales_sourced_won_revenue
    from closed_days
)

select * from final
