-- The first and last moment sales closed out a lead (recycled or disqualified): the months the
-- hand-back facts cover. Grain: one row. Parameters: none.
-- least() and greatest() skip NULLs in DuckDB and Spark alike.
with final as (
    select
        min(least(recycled_at, disqualified_at)) as first_at,
        max(greatest(recycled_at, disqualified_at)) as last_at
    from leads
)

select * from final
