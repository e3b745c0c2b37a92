-- Won deals whose amount cannot be right: negative (won_amount_negative, lowers won revenue) or
-- empty or zero (won_amount_missing, left out of won revenue and average deal size).
-- Only checked when the extract has amounts: without the column revenue is "not tracked".
-- Grain: one row per example deal, at most $examples per check; every row carries the number of
--   such deals (finding_count).
-- Parameters: $examples INTEGER, $amount_tracked BOOLEAN.
with suspect as (
    select
        case when amount < 0 then 'won_amount_negative' else 'won_amount_missing' end as check_id,
        deal_id,
        amount,
        closed_at
    from deals
    where $amount_tracked
        and status = 'won'
        and (amount is null or amount <= 0)
),

ranked as (
    select
        check_id,
        deal_id,
        amount,
        closed_at,
        count(*) over (partition by check_id) as finding_count,
        row_number() over (partition by check_id order by amount, deal_id) as example_rank
    from suspect
),

final as (
    select
        check_id,
        'deals' as table_name,
        'amount' as column_name,
        finding_count,
        finding_count as distinct_values,
        example_rank,
        deal_id as record_id,
        'amount ' || coalesce(cast(amount as varchar), 'empty') || ', closed_at '
            || coalesce(cast(closed_at as varchar), 'empty') as detail
    from ranked
    where example_rank <= $examples
)

select * from final
order by check_id, example_rank
