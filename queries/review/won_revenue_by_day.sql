-- Won revenue by day for the whole company, for the cumulative won-revenue line.
-- Grain: one row per day with at least one won deal.
-- Parameters: $start TIMESTAMP (inclusive), $end TIMESTAMP (exclusive).
with won_deals as (
    select cast(closed_at as date) as closed_on, amount
    from deals
    where status = 'won'
        and closed_at >= $start
        and closed_at < $end
),

final as (
    select
        closed_on,
        count(*) as won_deals,
        coalesce(sum(amount), 0) as won_revenue
    from won_deals
    group by closed_on
)

select * from final
order by closed_on
